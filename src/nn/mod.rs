//! Layers, losses and optimisers the models share.

pub mod batch_norm;
pub mod conv;
pub mod fast_conv;
pub mod fused_lstm;
pub mod gaussian;
pub mod gradient_penalty;
pub mod gram;
pub(crate) mod kernels;
pub mod lbfgs;
pub mod loss;
pub mod masked_conv;
pub mod mlp;
pub mod optim;
pub mod params;
pub mod sampling;
