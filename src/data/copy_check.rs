//! Does generated text copy its training text? Every window of `WINDOW` symbols of
//! the training text is kept as a 64-bit hash (sorted, so a 5-million-character
//! book takes 40 MB); a generated window found among them is copied verbatim. The
//! share of copied windows is `copied_pct`, and the characters they cover are the
//! spans the sample panel marks.

/// Symbols in a window: long enough that a match is a copy, not a common phrase.
pub const WINDOW: usize = 20;

/// The training text's windows.
#[derive(Clone, Debug, Default)]
pub struct CopyIndex {
    hashes: Vec<u64>,
}

impl CopyIndex {
    /// Indexes every window of `text` (symbols as vocabulary indices).
    pub fn new(text: &[u32]) -> Self {
        let mut hashes: Vec<u64> = text.windows(WINDOW).map(hash).collect();
        hashes.sort_unstable();
        hashes.dedup();
        Self { hashes }
    }

    /// Bytes the index takes.
    pub fn bytes(&self) -> usize {
        self.hashes.len() * 8
    }

    fn contains(&self, window: &[u32]) -> bool {
        self.hashes.binary_search(&hash(window)).is_ok()
    }

    /// For each window of `sample` (by its first symbol), whether it is copied.
    pub fn copied_windows(&self, sample: &[u32]) -> Vec<bool> {
        sample.windows(WINDOW).map(|w| self.contains(w)).collect()
    }

    /// The share of `sample`'s windows found in the training text, in percent;
    /// `None` for a sample shorter than a window.
    pub fn copied_pct(&self, sample: &[u32]) -> Option<f64> {
        let flags = self.copied_windows(sample);
        if flags.is_empty() {
            return None;
        }
        let copied = flags.iter().filter(|&&c| c).count();
        Some(100.0 * copied as f64 / flags.len() as f64)
    }

    /// The symbol ranges of `sample` covered by copied windows, merged, in order.
    pub fn copied_spans(&self, sample: &[u32]) -> Vec<(usize, usize)> {
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for (start, copied) in self.copied_windows(sample).into_iter().enumerate() {
            if !copied {
                continue;
            }
            let end = start + WINDOW;
            match spans.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => spans.push((start, end)),
            }
        }
        spans
    }
}

/// A window's hash (FNV-1a over the indices' bytes, then a final mix).
fn hash(window: &[u32]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &s in window {
        for b in s.to_le_bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};

    use super::*;

    fn random_text(n: usize, seed: u64) -> Vec<u32> {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        (0..n).map(|_| rng.random_range(0..60)).collect()
    }

    #[test]
    fn a_sample_spliced_from_the_training_text_is_found_where_it_was_copied() {
        let train = random_text(20_000, 1);
        let index = CopyIndex::new(&train);
        // 100 symbols copied from the middle of the text, then 100 of its own.
        let mut sample = train[5_000..5_100].to_vec();
        sample.extend(random_text(100, 2));
        assert_eq!(index.copied_spans(&sample), vec![(0, 100)]);
        // Windows 0..=80 lie inside the copy: 81 of 181.
        let pct = index.copied_pct(&sample).expect("long enough");
        assert!((pct - 100.0 * 81.0 / 181.0).abs() < 1e-9, "{pct}");
        // Text the model made up copies nothing; the training text all of it.
        assert_eq!(index.copied_pct(&random_text(500, 3)), Some(0.0));
        assert_eq!(index.copied_pct(&train[..1_000]), Some(100.0));
        assert_eq!(index.copied_pct(&train[..WINDOW - 1]), None);
    }

    #[test]
    fn two_copies_apart_are_two_spans() {
        let train = random_text(5_000, 4);
        let index = CopyIndex::new(&train);
        let mut sample = random_text(30, 5);
        sample.extend(&train[100..130]);
        sample.extend(random_text(10, 6));
        sample.extend(&train[2_000..2_025]);
        assert_eq!(index.copied_spans(&sample), vec![(30, 60), (70, 95)]);
    }
}
