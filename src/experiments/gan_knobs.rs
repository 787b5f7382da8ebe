//! What every GAN here shares: the knobs a user turns while it runs (learning rates,
//! D steps per G step, the generator's loss), their checks, and the gradient norm.

use candle_core::Var;
use candle_core::backprop::GradStore;

use super::live::LEARNING_RATE;
use super::registry::{Choice, Setting, SettingKind};
use crate::nn::optim::Optim;
use crate::{Result, StudioError};

/// The generator's learning rate, live.
pub const LR_G: Setting = Setting::live(
    "train.lr_g",
    "G learning rate",
    "Step size of the generator's updates.",
    LEARNING_RATE,
);

/// The discriminator's learning rate, live.
pub const LR_D: Setting = Setting::live(
    "train.lr_d",
    "D learning rate",
    "Step size of the discriminator's (critic's) updates.",
    LEARNING_RATE,
);

/// Discriminator updates per generator update, live.
pub const D_STEPS: Setting = Setting::live(
    "train.d_steps",
    "D steps per G step",
    "How many discriminator (critic) updates come before each generator update; WGANs use 5.",
    SettingKind::Int { min: 1, max: 20 },
);

/// The generator's loss in the original game, live.
pub const GENERATOR_LOSS: Setting = Setting::live(
    "train.generator_loss",
    "Generator loss",
    "What the generator minimises.",
    SettingKind::Choice(&[
        Choice {
            value: "non_saturating",
            label: "non-saturating −log D(G(z))",
            tip: "Strong gradients even when D confidently rejects the samples.",
        },
        Choice {
            value: "minimax",
            label: "minimax log(1 − D(G(z)))",
            tip: "The original game; its gradient vanishes when D wins (watch the gradient norm).",
        },
    ]),
);

/// Tells a GAN's optimisers of a live change of `key`, whose new learning rates are
/// `lr_g` and `lr_d` (the caller keeps the changed spec); false if `key` is none of
/// the knobs every GAN shares.
pub fn apply_knob(key: &str, lr_g: f64, lr_d: f64, opt_g: &mut Optim, opt_d: &mut Optim) -> bool {
    match key {
        "train.lr_g" => opt_g.set_learning_rate(lr_g),
        "train.lr_d" => opt_d.set_learning_rate(lr_d),
        "train.d_steps" | "train.generator_loss" => {}
        _ => return false,
    }
    true
}

/// Checks the optimisation setting every GAN has that no declaration covers (the
/// learning rates and D steps are checked against [`LR_G`], [`LR_D`], [`D_STEPS`]).
pub fn validate_train(beta1: f64) -> Result<()> {
    if !(0.0..1.0).contains(&beta1) {
        return Err(StudioError::Spec("train.beta1 must be in [0, 1)".into()));
    }
    Ok(())
}

/// The Euclidean norm of the gradients of `vars` in `grads`.
pub fn gradient_norm(grads: &GradStore, vars: &[Var]) -> Result<f64> {
    let mut sq = 0f64;
    for var in vars {
        if let Some(g) = grads.get(var.as_tensor()) {
            sq += g.sqr()?.sum_all()?.to_scalar::<f32>()? as f64;
        }
    }
    Ok(sq.sqrt())
}
