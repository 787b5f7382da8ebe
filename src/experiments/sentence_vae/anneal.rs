//! The two cures for posterior collapse that Bowman et al. (2016) used: the KL
//! term's weight rising from 0 over the first steps (annealing), and word dropout,
//! which replaces a share of the decoder's input tokens by `<unk>` so that the
//! decoder must lean on the code.

use rand::Rng;

use super::spec::KlAnneal;
use crate::data::sentences::vocab::{BOS, PAD, UNK};

/// The KL term's weight at `step` of a run annealed over `steps`.
pub fn kl_weight(kind: KlAnneal, steps: u64, step: u64) -> f64 {
    let n = steps.max(1) as f64;
    let s = step as f64;
    match kind {
        KlAnneal::Off => 1.0,
        KlAnneal::Linear => (s / n).min(1.0),
        // ½ at the middle, e^(−5)/(1 + e^(−5)) ≈ 0.007 at the start, ≈ 0.993 at `steps`.
        KlAnneal::Logistic => 1.0 / (1.0 + (-10.0 * (s - n / 2.0) / n).exp()),
    }
}

/// Replaces each token of `ids` (not `<s>`, not padding) by `<unk>` with
/// probability `share`; returns how many it replaced.
pub fn word_dropout(ids: &mut [u32], share: f64, rng: &mut impl Rng) -> usize {
    if share <= 0.0 {
        return 0;
    }
    let mut replaced = 0;
    for id in ids.iter_mut().filter(|i| **i != BOS && **i != PAD) {
        if rng.random::<f64>() < share {
            *id = UNK;
            replaced += 1;
        }
    }
    replaced
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::rng::SeededRng;
    use rand::SeedableRng;

    #[test]
    fn the_kl_weight_rises_from_zero_to_one_as_each_schedule_says() {
        assert_eq!(kl_weight(KlAnneal::Off, 100, 0), 1.0);
        assert_eq!(kl_weight(KlAnneal::Linear, 100, 0), 0.0);
        assert!((kl_weight(KlAnneal::Linear, 100, 25) - 0.25).abs() < 1e-12);
        assert_eq!(kl_weight(KlAnneal::Linear, 100, 500), 1.0);
        let logistic = |s| kl_weight(KlAnneal::Logistic, 1000, s);
        assert!(logistic(0) < 0.01 && logistic(1000) > 0.99);
        assert!((logistic(500) - 0.5).abs() < 1e-12);
        assert!(logistic(250) < 0.1 && logistic(750) > 0.9);
        let mut last = -1.0;
        for s in (0..1200).step_by(50) {
            let w = logistic(s);
            assert!(w > last, "rises at {s}");
            last = w;
        }
    }

    #[test]
    fn word_dropout_replaces_the_stated_share_and_never_the_start_or_padding() {
        let mut rng = SeededRng::seed_from_u64(9);
        let mut ids: Vec<u32> = (0..20_000).map(|i| if i % 10 == 0 { BOS } else if i % 10 == 9 { PAD } else { 10 + i % 7 }).collect();
        let words = ids.iter().filter(|&&i| i != BOS && i != PAD).count();
        let replaced = word_dropout(&mut ids, 0.3, &mut rng);
        let share = replaced as f64 / words as f64;
        assert!((share - 0.3).abs() < 0.015, "{share}");
        assert_eq!(ids.iter().filter(|&&i| i == UNK).count(), replaced);
        assert!(ids.iter().enumerate().all(|(k, &i)| (k % 10 != 0 || i == BOS) && (k % 10 != 9 || i == PAD)));
        assert_eq!(word_dropout(&mut ids, 0.0, &mut rng), 0);
    }
}
