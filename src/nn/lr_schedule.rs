//! Learning-rate schedules: a linear warm-up from zero, then the rate held, or
//! decayed to zero along a half cosine (Loshchilov and Hutter, 2017) or a straight
//! line by the run's last step. A schedule is a function of the step alone, so a
//! resumed run follows it exactly.

use serde::{Deserialize, Serialize};

/// What the learning rate does after its warm-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LrDecay {
    /// Held at the set rate.
    #[default]
    Constant,
    /// Down to zero by the run's last step along a half cosine.
    Cosine,
    /// Down to zero by the run's last step along a straight line.
    Linear,
}

impl LrDecay {
    /// The name shown in the UI.
    pub fn label(self) -> &'static str {
        match self {
            LrDecay::Constant => "constant",
            LrDecay::Cosine => "cosine",
            LrDecay::Linear => "linear",
        }
    }
}

/// The share of the set rate used at `step` (0-based) of a run of `total` steps
/// with `warmup` warm-up steps; past the last step a decayed rate stays at zero's
/// neighbour, 1% (a continued run still moves).
pub fn factor(decay: LrDecay, warmup: u64, total: u64, step: u64) -> f64 {
    if step < warmup {
        return (step + 1) as f64 / warmup as f64;
    }
    let span = total.saturating_sub(warmup).max(1) as f64;
    let t = ((step - warmup) as f64 / span).min(1.0);
    let f = match decay {
        LrDecay::Constant => return 1.0,
        LrDecay::Cosine => 0.5 * (1.0 + (std::f64::consts::PI * t).cos()),
        LrDecay::Linear => 1.0 - t,
    };
    f.max(0.01)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warm_up_then_decay_to_the_floor_at_the_last_step() {
        // Warm-up: 1/4, 2/4, 3/4, 4/4.
        let w: Vec<f64> = (0..4).map(|s| factor(LrDecay::Cosine, 4, 104, s)).collect();
        assert_eq!(w, vec![0.25, 0.5, 0.75, 1.0]);
        // Cosine: 1 at the start of the decay, ½ halfway, the floor at the end.
        assert_eq!(factor(LrDecay::Cosine, 4, 104, 4), 1.0);
        assert!((factor(LrDecay::Cosine, 4, 104, 54) - 0.5).abs() < 1e-12);
        assert_eq!(factor(LrDecay::Cosine, 4, 104, 104), 0.01);
        assert_eq!(factor(LrDecay::Cosine, 4, 104, 500), 0.01);
        // Linear: a quarter of the way, ¾ left.
        assert!((factor(LrDecay::Linear, 0, 100, 25) - 0.75).abs() < 1e-12);
        // Constant: 1 after any warm-up; no warm-up, 1 from the first step.
        assert_eq!(factor(LrDecay::Constant, 10, 100, 50), 1.0);
        assert_eq!(factor(LrDecay::Constant, 0, 100, 0), 1.0);
        // Falling all the way: each step's rate at most the last one's.
        let all: Vec<f64> = (4..110)
            .map(|s| factor(LrDecay::Cosine, 4, 104, s))
            .collect();
        assert!(all.windows(2).all(|p| p[1] <= p[0]));
    }
}
