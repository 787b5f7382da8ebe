//! A multi-layer perceptron with seeded weights.

use crate::nn::dense::Dense;
use crate::nn::rng::SeededRng;
use candle_core::{Device, Module, Tensor};
use serde::{Deserialize, Serialize};

use super::activations;
use super::params::ParamStore;
use crate::Result;

/// The slope of [`Activation::LeakyRelu`] below zero.
const LEAKY_SLOPE: f64 = 0.2;

/// The non-linearity between hidden layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// max(0, x).
    #[default]
    Relu,
    /// x for x > 0, 0.2·x otherwise.
    LeakyRelu,
    /// tanh(x).
    Tanh,
}

impl Activation {
    /// The slope of this non-linearity as a leaky ReLU (0 for ReLU), if it is one.
    pub fn leak(self) -> Option<f64> {
        match self {
            Activation::Relu => Some(0.0),
            Activation::LeakyRelu => Some(LEAKY_SLOPE),
            Activation::Tanh => None,
        }
    }

    /// Applies the non-linearity.
    pub fn apply(self, xs: &Tensor) -> Result<Tensor> {
        Ok(match self {
            Activation::Relu => activations::relu(xs)?,
            Activation::LeakyRelu => activations::leaky_relu(xs, LEAKY_SLOPE)?,
            Activation::Tanh => crate::nn::activations::tanh(xs)?,
        })
    }
}

/// Linear layers with an activation between them and none after the last.
pub struct Mlp {
    layers: Vec<Dense>,
    activation: Activation,
}

impl Mlp {
    /// Builds `sizes[0] → sizes[1] → … → sizes[n]`, registering `{prefix}.{i}.weight`
    /// and `.bias` in `params` with PyTorch's default initialisation
    /// (uniform in ±1/√fan_in).
    pub fn new(
        params: &mut ParamStore,
        prefix: &str,
        sizes: &[usize],
        activation: Activation,
        rng: &mut SeededRng,
        device: &Device,
    ) -> Result<Self> {
        let mut layers = Vec::with_capacity(sizes.len().saturating_sub(1));
        for (i, pair) in sizes.windows(2).enumerate() {
            let (fan_in, fan_out) = (pair[0], pair[1]);
            let bound = 1.0 / (fan_in as f32).sqrt();
            let w = params.uniform(
                &format!("{prefix}.{i}.weight"),
                &[fan_out, fan_in],
                bound,
                rng,
                device,
            )?;
            let b = params.uniform(
                &format!("{prefix}.{i}.bias"),
                &[fan_out],
                bound,
                rng,
                device,
            )?;
            layers.push(Dense::new(w, Some(b)));
        }
        Ok(Self { layers, activation })
    }

    /// `[batch, sizes[0]]` → `[batch, sizes[n]]`.
    pub fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        let mut h = xs.clone();
        let last = self.layers.len().saturating_sub(1);
        for (i, layer) in self.layers.iter().enumerate() {
            h = layer.forward(&h)?;
            if i < last {
                h = self.activation.apply(&h)?;
            }
        }
        Ok(h)
    }
}
