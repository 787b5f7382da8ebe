//! Text for the character model: the built-in corpus (the studio's own source and
//! documentation, gathered at build time), text files the user opens, the
//! vocabulary, and the held-out tail.

use std::path::Path;

use super::DataError;

/// The studio's own source code and documentation, embedded at build time.
pub const BUILT_IN: &str = include_str!(concat!(env!("OUT_DIR"), "/corpus.txt"));

/// The fewest characters a corpus may have.
pub const MIN_CHARS: usize = 2_000;

/// The symbol that stands for characters outside the vocabulary.
pub const UNKNOWN: char = '\u{FFFD}';

/// Reads a text file. Invalid UTF-8 is an error naming the byte offset, unless
/// `lossy`, which replaces each bad sequence with U+FFFD.
pub fn read_text(path: &Path, lossy: bool) -> Result<String, DataError> {
    let bytes = std::fs::read(path).map_err(|e| DataError::new(path, e.to_string()))?;
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) if lossy => Ok(String::from_utf8_lossy(e.as_bytes()).into_owned()),
        Err(e) => Err(DataError::new(
            path,
            format!(
                "not UTF-8 text: invalid byte at offset {} (load it lossily to replace bad bytes with U+FFFD)",
                e.utf8_error().valid_up_to()
            ),
        )),
    }
}

/// Characters and their indices: the most frequent characters of a text, up to a
/// cap, in a fixed order; index 0 is [`UNKNOWN`].
#[derive(Clone, Debug, PartialEq)]
pub struct Vocab {
    chars: Vec<char>,
}

impl Vocab {
    /// The `cap - 1` most frequent characters of `text` (ties in code-point order),
    /// after [`UNKNOWN`].
    pub fn build(text: &str, cap: usize) -> Self {
        let mut counts: std::collections::HashMap<char, usize> = Default::default();
        for c in text.chars() {
            *counts.entry(c).or_default() += 1;
        }
        counts.remove(&UNKNOWN);
        let mut by_count: Vec<(char, usize)> = counts.into_iter().collect();
        by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        by_count.truncate(cap.saturating_sub(1));
        let mut kept: Vec<char> = by_count.into_iter().map(|(c, _)| c).collect();
        kept.sort();
        let mut chars = vec![UNKNOWN];
        chars.extend(kept);
        Self { chars }
    }

    /// The vocabulary with these characters (index order; index 0 must be [`UNKNOWN`]).
    pub fn from_chars(chars: Vec<char>) -> Option<Self> {
        let sorted = chars.windows(2).skip(1).all(|w| w[0] < w[1]);
        if chars.first() != Some(&UNKNOWN) || chars.len() < 2 || !sorted {
            return None;
        }
        Some(Self { chars })
    }

    /// Number of symbols, [`UNKNOWN`] included.
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    /// Always false: a vocabulary holds at least [`UNKNOWN`].
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// The characters, by index.
    pub fn chars(&self) -> &[char] {
        &self.chars
    }

    /// The index of `c` (0 if it is not in the vocabulary).
    pub fn index(&self, c: char) -> u32 {
        self.chars.binary_search(&c).map_or(0, |i| i as u32)
    }

    /// The character of index `i`.
    pub fn char(&self, i: u32) -> char {
        self.chars.get(i as usize).copied().unwrap_or(UNKNOWN)
    }

    /// `text` as indices.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        text.chars().map(|c| self.index(c)).collect()
    }

    /// Indices as text.
    pub fn decode(&self, ids: &[u32]) -> String {
        ids.iter().map(|&i| self.char(i)).collect()
    }
}

/// A corpus encoded with its vocabulary and split into training text and a
/// held-out tail.
#[derive(Clone, Debug)]
pub struct Corpus {
    /// The vocabulary.
    pub vocab: Vocab,
    /// The training text, as indices.
    pub train: Vec<u32>,
    /// The held-out tail, as indices.
    pub held_out: Vec<u32>,
}

impl Corpus {
    /// Encodes `text` (read from `source`) with a vocabulary of at most `cap` symbols
    /// and holds out its last `held_out_fraction`.
    pub fn new(
        source: &Path,
        text: &str,
        cap: usize,
        held_out_fraction: f64,
    ) -> Result<Self, DataError> {
        let n = text.chars().count();
        if n < MIN_CHARS {
            return Err(DataError::new(
                source,
                format!(
                    "the text has {n} characters: a character model needs at least {MIN_CHARS}"
                ),
            ));
        }
        let vocab = Vocab::build(text, cap);
        let ids = vocab.encode(text);
        let tail = ((n as f64 * held_out_fraction) as usize).clamp(500, n / 2);
        let (train, held_out) = ids.split_at(n - tail);
        Ok(Self {
            vocab,
            train: train.to_vec(),
            held_out: held_out.to_vec(),
        })
    }

    /// The entropy of the training text's character frequencies, in bits: what a
    /// model that ignores context achieves at best.
    pub fn unigram_entropy_bits(&self) -> f64 {
        let mut counts = vec![0usize; self.vocab.len()];
        for &i in &self.train {
            counts[i as usize] += 1;
        }
        let n = self.train.len() as f64;
        counts
            .iter()
            .filter(|&&c| c > 0)
            .map(|&c| {
                let p = c as f64 / n;
                -p * p.log2()
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_corpus_is_our_own_source() {
        assert!(BUILT_IN.len() > 100_000);
        assert!(BUILT_IN.contains("pub struct Vocab"));
        assert!(BUILT_IN.contains("// ---- README.md ----"));
    }

    #[test]
    fn the_vocabulary_keeps_the_most_frequent_characters_and_round_trips() {
        let v = Vocab::build("aaaabbbcd", 3);
        assert_eq!(v.chars(), &[UNKNOWN, 'a', 'b']);
        assert_eq!(v.encode("abcz"), vec![1, 2, 0, 0]);
        assert_eq!(v.decode(&[2, 1, 0]), format!("ba{UNKNOWN}"));
        assert_eq!(Vocab::from_chars(v.chars().to_vec()), Some(v));
        assert!(Vocab::from_chars(vec!['a', 'b']).is_none());
    }

    #[test]
    fn bad_text_gets_a_clear_message() {
        let dir = tempfile::tempdir().expect("dir");
        let p = dir.path().join("latin1.txt");
        std::fs::write(&p, b"caf\xe9 au lait").expect("write");
        let e = read_text(&p, false).expect_err("not UTF-8").to_string();
        assert!(e.contains("offset 3"), "{e}");
        assert_eq!(read_text(&p, true).expect("lossy"), "caf\u{FFFD} au lait");
        let short = Corpus::new(Path::new("tiny.txt"), "tiny", 64, 0.05)
            .expect_err("too short")
            .to_string();
        assert!(short.contains("at least"), "{short}");
    }

    #[test]
    fn the_held_out_tail_is_the_end_of_the_text() {
        let text: String = (0..4000)
            .map(|i| if i < 3800 { 'a' } else { 'b' })
            .collect();
        let c = Corpus::new(Path::new("ab.txt"), &text, 64, 0.05).expect("corpus");
        assert_eq!(c.held_out.len(), 500);
        assert!(c.train.len() == 3500);
        assert!(
            c.held_out
                .iter()
                .rev()
                .take(200)
                .all(|&i| c.vocab.char(i) == 'b')
        );
        assert!(c.unigram_entropy_bits() < 1.0);
    }
}
