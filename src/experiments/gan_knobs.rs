//! What every GAN here shares: the knobs a user turns while it runs (learning rates,
//! D steps per G step, the generator's loss), their checks, and the gradient norm.

use candle_core::Var;
use candle_core::backprop::GradStore;

use super::{GeneratorLoss, LiveParam};
use crate::nn::optim::Optim;
use crate::{Result, StudioError};

/// The live knobs of a GAN: its spec's fields and its two optimisers.
pub struct GanKnobs<'a> {
    /// Generator learning rate.
    pub lr_g: &'a mut f64,
    /// Discriminator learning rate.
    pub lr_d: &'a mut f64,
    /// Discriminator updates per generator update.
    pub d_steps: &'a mut u32,
    /// The generator's loss.
    pub generator_loss: &'a mut GeneratorLoss,
    /// The generator's optimiser.
    pub opt_g: &'a mut Optim,
    /// The discriminator's optimiser.
    pub opt_d: &'a mut Optim,
}

impl GanKnobs<'_> {
    /// Applies `param` if it is one of these knobs: `Ok(true)` when applied,
    /// `Ok(false)` when it is not a GAN knob, an error for a bad value.
    pub fn apply(self, param: LiveParam) -> Result<bool> {
        let bad = || Err(StudioError::Spec(format!("invalid value: {param:?}")));
        match param {
            LiveParam::LearningRateG(lr) if lr.is_finite() && lr > 0.0 => {
                *self.lr_g = lr;
                self.opt_g.set_learning_rate(lr);
            }
            LiveParam::LearningRateD(lr) if lr.is_finite() && lr > 0.0 => {
                *self.lr_d = lr;
                self.opt_d.set_learning_rate(lr);
            }
            LiveParam::DStepsPerG(n) if n > 0 => *self.d_steps = n,
            LiveParam::GeneratorLoss(kind) => *self.generator_loss = kind,
            LiveParam::LearningRateG(_)
            | LiveParam::LearningRateD(_)
            | LiveParam::DStepsPerG(_) => return bad(),
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// Checks the optimisation settings every GAN has.
pub fn validate_train(lr_g: f64, lr_d: f64, beta1: f64, d_steps: u32) -> Result<()> {
    let bad = |m: String| Err(StudioError::Spec(m));
    if d_steps == 0 {
        return bad("train.d_steps must be at least 1".into());
    }
    for (name, lr) in [("lr_g", lr_g), ("lr_d", lr_d)] {
        if !(lr.is_finite() && lr > 0.0) {
            return bad(format!("train.{name} must be a positive number"));
        }
    }
    if !(0.0..1.0).contains(&beta1) {
        return bad("train.beta1 must be in [0, 1)".into());
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
