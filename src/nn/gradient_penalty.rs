//! WGAN-GP's gradient penalty: λ·E[(‖∇ₓ̂ D(x̂)‖₂ − 1)²] on points x̂ between real and
//! generated samples.
//!
//! Its gradient with respect to D's weights is a second-order gradient. candle builds
//! the graph of a gradient only when `CANDLE_GRAD_DO_NOT_DETACH=1` is set before the
//! thread's first backward pass (the setting is read once per thread); without it the
//! penalty's gradient is silently wrong, so [`second_order_enabled`] is checked first.

use candle_core::{Tensor, Var};

use crate::{Result, StudioError};

/// Whether this process computes second-order gradients (see the module docs).
pub fn second_order_enabled() -> bool {
    std::env::var("CANDLE_GRAD_DO_NOT_DETACH").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// The penalty for `critic` at `x̂ = ε·real + (1 − ε)·fake`, with `eps` of shape
/// `[b, 1, 1, 1]` (one mixing weight per sample), not yet multiplied by λ.
pub fn gradient_penalty(
    critic: impl Fn(&Tensor) -> Result<Tensor>,
    real: &Tensor,
    fake: &Tensor,
    eps: &Tensor,
) -> Result<Tensor> {
    if !second_order_enabled() {
        return Err(StudioError::Spec(
            "the gradient penalty needs CANDLE_GRAD_DO_NOT_DETACH=1 set before training starts \
             (the studio's binary sets it; set it yourself when using the library)"
                .into(),
        ));
    }
    let mixed = (real.broadcast_mul(eps)? + fake.detach().broadcast_mul(&(1.0 - eps)?)?)?;
    let x_hat = Var::from_tensor(&mixed.detach())?;
    let scores = critic(x_hat.as_tensor())?.sum_all()?;
    let grads = scores.backward()?;
    let Some(g) = grads.get(x_hat.as_tensor()) else {
        return Err(StudioError::Spec(
            "the critic does not depend on its input".into(),
        ));
    };
    let norm = (g.sqr()?.flatten_from(1)?.sum(1)? + 1e-12)?.sqrt()?; // [b]
    Ok((norm - 1.0)?.sqr()?.mean_all()?)
}
