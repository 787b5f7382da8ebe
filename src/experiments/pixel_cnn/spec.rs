//! The spec of a PixelCNN.

use serde::{Deserialize, Serialize};

use crate::experiments::Schedule;
use crate::experiments::image_data::ImageData;
use crate::{Result, StudioError};

/// Everything that defines a PixelCNN experiment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PixelCnnSpec {
    /// Display name.
    pub name: String,
    /// Seeds the weights, batches and samples.
    pub seed: u64,
    /// When to log, sample and save.
    #[serde(default)]
    pub schedule: Schedule,
    /// The images (grayscale).
    pub data: ImageData,
    /// The network.
    pub model: PixelCnnModel,
    /// How it is trained.
    pub train: PixelCnnTrain,
    /// Held-out measurements.
    pub eval: PixelCnnEval,
    /// Samples drawn for the gallery.
    pub sample: PixelCnnSample,
}

crate::arch_spec!(PixelCnnSpec, images);

/// Masked convolutions, residual blocks and a softmax over intensity levels.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PixelCnnModel {
    /// Grayscale: intensity levels a pixel is quantised to (2 = binarised, up to 256).
    pub levels: usize,
    /// Colour: colours of the palette fitted by k-means; each pixel is one of them.
    #[serde(default = "default_palette")]
    pub palette: usize,
    /// Channels of the hidden layers.
    pub channels: usize,
    /// Residual blocks (each a masked 3 × 3 and a 1 × 1 convolution).
    pub blocks: usize,
    /// Gated activations, tanh(a)·σ(b), instead of ReLU in the blocks.
    pub gated: bool,
}

fn default_palette() -> usize {
    16
}

/// Optimisation settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PixelCnnTrain {
    /// Images per batch.
    pub batch_size: usize,
    /// Adam's learning rate.
    pub lr: f64,
}

/// Held-out measurements.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PixelCnnEval {
    /// Steps between measurements (the first step is always measured).
    pub every: u64,
    /// Held-out images per measurement.
    pub images: usize,
}

/// The gallery's samples.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PixelCnnSample {
    /// Images drawn (pixel by pixel) for each gallery picture.
    pub count: usize,
}

impl PixelCnnSpec {
    /// The classes predicted per pixel: intensity levels, or palette colours.
    pub fn classes(&self) -> usize {
        let m = &self.model;
        crate::experiments::pixel_classes::class_count(self.data.channels, m.levels, m.palette)
    }

    /// Checks values that parse but cannot run.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(StudioError::Spec(m.to_string()));
        self.data.validate()?;
        let m = &self.model;
        if !(2..=256).contains(&m.levels) || !(2..=256).contains(&m.palette) {
            return bad("model.levels and model.palette must be between 2 and 256");
        }
        if m.channels == 0 || m.blocks > 32 {
            return bad("model.channels at least 1, model.blocks at most 32");
        }
        let t = &self.train;
        if t.batch_size == 0 {
            return bad("train.batch_size must be at least 1");
        }
        if self.eval.images < 10 || !(1..=64).contains(&self.sample.count) {
            return bad("eval.images at least 10, sample.count between 1 and 64");
        }
        Ok(())
    }
}
