//! Layers, losses and optimisers the models share.

pub mod activations;
pub mod batch_norm;
mod batch_norm_op;
pub mod channel_ops;
pub mod conv;
mod conv_epilogue;
mod conv_grads;
pub mod conv_layout;
mod cpu_ops;
pub mod dense;
pub mod edge_pad;
pub mod fast_conv;
#[cfg(test)]
pub(crate) mod finite_differences;
pub mod fused_lstm;
pub mod fused_optim;
pub mod gaussian;
pub mod grad_clip;
pub mod gradient_penalty;
pub mod gram;
pub mod instance_norm;
pub mod iwae;
pub(crate) mod kernels;
pub mod lbfgs;
pub mod loss;
pub mod lr_schedule;
pub mod lstm_layer;
pub mod masked_conv;
pub mod mlp;
pub mod optim;
pub mod params;
pub(crate) mod patches;
pub mod resize_conv;
pub mod rng;
pub mod sampling;
pub mod tensor_optim;
mod transposes;

/// Whether to use candle's own convolutions, bias adds and batch norm instead of the
/// CPU kernels of [`fast_conv`] and [`channel_ops`]: on any device but the CPU, and
/// everywhere with `LATENT_STUDIO_CANDLE_OPS=1`, to compare the two (read once per
/// process).
pub fn use_candle_ops(device: &candle_core::Device) -> bool {
    static FLAG: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    !device.is_cpu()
        || *FLAG.get_or_init(|| std::env::var("LATENT_STUDIO_CANDLE_OPS").is_ok_and(|v| v == "1"))
}
