//! The spec of a style transfer.

use serde::{Deserialize, Serialize};

use crate::data::pictures::PictureSource;
use crate::experiments::Schedule;
use crate::features::FeatureSource;
use crate::{Result, StudioError};

/// Everything that defines a style transfer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StyleTransferSpec {
    /// Display name.
    pub name: String,
    /// Seeds the noise a picture may start from.
    pub seed: u64,
    /// Iterations (steps), and when to log, draw and save.
    #[serde(default)]
    pub schedule: Schedule,
    /// The two pictures and the working size.
    pub pictures: StylePictures,
    /// The frozen network whose features are compared.
    pub network: FeatureSource,
    /// Which layers carry content and style.
    pub layers: StyleLayers,
    /// The weights of the three loss terms.
    pub loss: StyleLossWeights,
    /// How the pixels are optimised.
    pub optimise: PixelOptimise,
}

crate::arch_spec!(StyleTransferSpec);

/// The pictures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StylePictures {
    /// The picture whose layout is kept.
    pub content: PictureSource,
    /// The picture whose textures and colours are taken.
    pub style: PictureSource,
    /// Longer side of the working picture, in pixels (larger pictures are scaled down).
    pub size: usize,
    /// Keep the content's colours: only the luminance is restyled.
    pub preserve_colour: bool,
}

/// Layers of the feature network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StyleLayers {
    /// The layer whose activations must match the content picture's.
    pub content: String,
    /// The layers whose Gram matrices must match the style picture's.
    pub style: Vec<String>,
    /// One weight per style layer.
    pub style_weights: Vec<f64>,
}

/// Weights of the loss terms.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StyleLossWeights {
    /// Content loss: mean squared difference of the content layer's activations.
    pub content: f64,
    /// Style loss: weighted sum over layers of the mean squared Gram difference.
    pub style: f64,
    /// Total variation: mean squared difference of neighbouring pixels.
    pub tv: f64,
}

/// The optimiser on the pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PixelOptimiser {
    /// Adam, one gradient per iteration.
    #[default]
    Adam,
    /// L-BFGS with a line search: fewer, costlier iterations.
    Lbfgs,
}

/// Where the picture starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum StartFrom {
    /// The content picture.
    #[default]
    Content,
    /// Grey noise.
    Noise,
}

/// How the pixels are optimised.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PixelOptimise {
    /// Adam or L-BFGS.
    pub optimiser: PixelOptimiser,
    /// Adam's learning rate (pixels are in [0, 1]).
    pub lr: f64,
    /// The starting picture.
    pub start: StartFrom,
}

impl StyleTransferSpec {
    /// Checks ranges; whether the layers exist is checked against the network.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(StudioError::Spec(m.to_string()));
        if !(32..=2048).contains(&self.pictures.size) {
            return bad("pictures.size must be between 32 and 2048 pixels");
        }
        if self.layers.style.is_empty() {
            return bad("layers.style needs at least one layer");
        }
        if self.layers.style.len() != self.layers.style_weights.len() {
            return bad("layers.style_weights needs one weight per style layer");
        }
        if self
            .layers
            .style_weights
            .iter()
            .any(|w| !w.is_finite() || *w < 0.0)
        {
            return bad("layers.style_weights must be finite and not negative");
        }
        self.pictures.content.validate("pictures.content")?;
        self.pictures.style.validate("pictures.style")
    }
}
