//! Choosing the next symbol from a model's logits: greedy, temperature, top-k and
//! top-p (nucleus) sampling, on plain probability vectors.

use rand::Rng;
use serde::{Deserialize, Serialize};

/// How the next symbol is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Sampling {
    /// Always the most likely symbol.
    Greedy,
    /// From softmax(logits / temperature).
    Temperature {
        /// Below 1 sharpens the distribution, above 1 flattens it.
        temperature: f32,
    },
    /// From the `k` most likely symbols, reweighted by temperature.
    TopK {
        /// How many symbols stay.
        k: usize,
        /// Softmax temperature.
        temperature: f32,
    },
    /// From the smallest set of most likely symbols whose probability reaches `p`,
    /// reweighted by temperature.
    TopP {
        /// The probability mass kept.
        p: f32,
        /// Softmax temperature.
        temperature: f32,
    },
}

impl Sampling {
    /// The distribution this rule samples from, for `logits`.
    pub fn distribution(&self, logits: &[f32]) -> Vec<f32> {
        match *self {
            Sampling::Greedy => {
                let mut out = vec![0.0; logits.len()];
                if let Some(i) = argmax(logits) {
                    out[i] = 1.0;
                }
                out
            }
            Sampling::Temperature { temperature } => softmax(logits, temperature),
            Sampling::TopK { k, temperature } => top_k(&softmax(logits, temperature), k),
            Sampling::TopP { p, temperature } => top_p(&softmax(logits, temperature), p),
        }
    }

    /// Draws the next symbol for `logits`.
    pub fn pick(&self, logits: &[f32], rng: &mut impl Rng) -> u32 {
        match self {
            Sampling::Greedy => argmax(logits).unwrap_or(0) as u32,
            _ => draw(&self.distribution(logits), rng),
        }
    }
}

/// The index of the largest value (the first, on ties).
pub fn argmax(values: &[f32]) -> Option<usize> {
    values
        .iter()
        .enumerate()
        .fold(None, |best: Option<(usize, f32)>, (i, &v)| match best {
            Some((_, b)) if b >= v => best,
            _ => Some((i, v)),
        })
        .map(|(i, _)| i)
}

/// softmax(logits / temperature); a temperature at or near 0 gives the greedy
/// (one-hot) distribution.
pub fn softmax(logits: &[f32], temperature: f32) -> Vec<f32> {
    if temperature <= 1e-4 {
        return Sampling::Greedy.distribution(logits);
    }
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e: Vec<f64> = logits
        .iter()
        .map(|&l| (((l - max) / temperature) as f64).exp())
        .collect();
    let sum: f64 = e.iter().sum();
    e.iter().map(|v| (v / sum) as f32).collect()
}

/// Keeps the `k` most likely symbols and renormalises.
pub fn top_k(probs: &[f32], k: usize) -> Vec<f32> {
    let mut order: Vec<usize> = (0..probs.len()).collect();
    order.sort_by(|&a, &b| probs[b].total_cmp(&probs[a]).then(a.cmp(&b)));
    keep(
        probs,
        &order[..k.clamp(1, probs.len().max(1)).min(probs.len())],
    )
}

/// Keeps the smallest set of most likely symbols whose mass reaches `p`, and
/// renormalises.
pub fn top_p(probs: &[f32], p: f32) -> Vec<f32> {
    let mut order: Vec<usize> = (0..probs.len()).collect();
    order.sort_by(|&a, &b| probs[b].total_cmp(&probs[a]).then(a.cmp(&b)));
    let mut mass = 0.0;
    let mut n = 0;
    for &i in &order {
        mass += probs[i];
        n += 1;
        if mass >= p {
            break;
        }
    }
    keep(probs, &order[..n.max(1)])
}

fn keep(probs: &[f32], kept: &[usize]) -> Vec<f32> {
    let total: f32 = kept.iter().map(|&i| probs[i]).sum();
    let mut out = vec![0.0; probs.len()];
    for &i in kept {
        out[i] = if total > 0.0 {
            probs[i] / total
        } else {
            1.0 / kept.len() as f32
        };
    }
    out
}

/// Draws an index with the given probabilities.
pub fn draw(probs: &[f32], rng: &mut impl Rng) -> u32 {
    let u: f32 = rng.random::<f32>() * probs.iter().sum::<f32>();
    let mut acc = 0.0;
    let mut last = 0;
    for (i, &p) in probs.iter().enumerate() {
        if p > 0.0 {
            last = i;
            acc += p;
            if u < acc {
                return i as u32;
            }
        }
    }
    last as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::rng::SeededRng;
    use rand::SeedableRng;

    #[test]
    fn reweighting_a_known_distribution() {
        // p = (0.5, 0.3, 0.2); at temperature T, p_i^(1/T) / Σ p_j^(1/T).
        let logits: Vec<f32> = [0.5f32, 0.3, 0.2].iter().map(|p| p.ln()).collect();
        let same = softmax(&logits, 1.0);
        assert!((same[0] - 0.5).abs() < 1e-6 && (same[2] - 0.2).abs() < 1e-6);
        let sharp = softmax(&logits, 0.5);
        // 0.25, 0.09, 0.04 over 0.38
        for (got, want) in sharp.iter().zip([0.25 / 0.38, 0.09 / 0.38, 0.04 / 0.38]) {
            assert!((got - want).abs() < 1e-5, "{sharp:?}");
        }
        let flat = softmax(&logits, 1e6);
        assert!(
            flat.iter().all(|p| (p - 1.0 / 3.0).abs() < 1e-3),
            "{flat:?}"
        );
    }

    #[test]
    fn temperature_near_zero_is_greedy() {
        let logits = [0.1f32, 2.0, 1.9, -3.0];
        let mut rng = SeededRng::seed_from_u64(1);
        for _ in 0..200 {
            let t = Sampling::Temperature { temperature: 1e-5 };
            assert_eq!(
                t.pick(&logits, &mut rng),
                Sampling::Greedy.pick(&logits, &mut rng)
            );
        }
        assert_eq!(softmax(&logits, 0.0), vec![0.0, 1.0, 0.0, 0.0]);
    }

    #[test]
    fn top_k_never_leaves_the_k_most_likely() {
        let logits = [0.3f32, 1.0, -0.5, 0.9, 0.0, 0.2];
        let mut rng = SeededRng::seed_from_u64(2);
        let rule = Sampling::TopK {
            k: 2,
            temperature: 5.0,
        };
        let mut seen = [false; 6];
        for _ in 0..2000 {
            seen[rule.pick(&logits, &mut rng) as usize] = true;
        }
        assert_eq!(seen, [false, true, false, true, false, false]);
    }

    #[test]
    fn top_p_keeps_the_smallest_set_reaching_p() {
        let probs = [0.05f32, 0.4, 0.3, 0.15, 0.1];
        // 0.4 + 0.3 = 0.7 < 0.75; + 0.15 = 0.85 ≥ 0.75: three symbols.
        let kept = top_p(&probs, 0.75);
        let n = kept.iter().filter(|&&p| p > 0.0).count();
        assert_eq!(n, 3, "{kept:?}");
        assert!(kept[0] == 0.0 && kept[4] == 0.0);
        assert!((kept[1] - 0.4 / 0.85).abs() < 1e-6);
        assert!((kept.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        // Exactly reaching p stops there.
        assert_eq!(top_p(&probs, 0.7).iter().filter(|&&p| p > 0.0).count(), 2);
    }
}
