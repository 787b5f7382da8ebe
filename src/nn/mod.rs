//! Layers, losses and optimisers the models share.

pub mod loss;
pub mod mlp;
pub mod optim;
pub mod params;
