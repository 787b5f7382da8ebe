//! The spec of a fast style transfer: a transformation network trained for one
//! style on many content pictures.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::data::pictures::PictureSource;
use crate::experiments::Schedule;
use crate::experiments::style_transfer::{StyleLayers, StyleLossWeights};
use crate::features::FeatureSource;
use crate::nn::lr_schedule::LrDecay;
use crate::{Result, StudioError};

/// Everything that defines a fast style transfer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FastStyleSpec {
    /// Display name.
    pub name: String,
    /// Seeds the network's weights, the batches and the flips.
    pub seed: u64,
    /// Training steps, and when to log, draw and save.
    #[serde(default)]
    pub schedule: Schedule,
    /// The style picture.
    pub style: PictureSource,
    /// The pictures the network learns to repaint.
    pub content: ContentPictures,
    /// The frozen network whose features the losses compare.
    pub network: FeatureSource,
    /// Which layers carry content and style.
    pub layers: StyleLayers,
    /// The weights of the three loss terms.
    pub loss: StyleLossWeights,
    /// The transformation network's shape.
    pub model: TransformShape,
    /// How it is trained.
    pub train: FastStyleTrain,
    /// The slow, optimised transfer of the held-out pictures, to compare with.
    pub compare: CompareWith,
}

crate::arch_spec!(FastStyleSpec);

/// Where the content pictures come from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ContentSource {
    /// The studio's landscapes, one per seed (works with nothing loaded).
    #[default]
    Landscapes,
    /// Every PNG and JPEG in a folder (the user's photos).
    Folder(PathBuf),
}

/// The content pictures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContentPictures {
    /// Landscapes or a folder.
    pub source: ContentSource,
    /// Landscapes to learn from (a folder gives what it holds).
    pub count: usize,
    /// Pictures kept aside to measure and show the network on (a folder's last ones).
    pub held_out: usize,
    /// Width of a training picture in pixels (4:3, so the height is ¾ of it).
    pub size: usize,
}

/// The transformation network: strided convolutions down, residual blocks,
/// resize-convolutions up, instance norm after each.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransformShape {
    /// Channels of the first layer (doubled at each of the two steps down).
    pub width: usize,
    /// Residual blocks at a quarter of the size.
    pub blocks: usize,
    /// Channels of noise fed in beside the picture (Ulyanov et al.'s texture
    /// networks): where a picture is flat, the only thing a network can build texture
    /// from. Drawn afresh for each training step; fixed when repainting, so a picture
    /// always comes out the same.
    #[serde(default)]
    pub noise: usize,
}

/// Training.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FastStyleTrain {
    /// Adam's learning rate (at its peak, with a schedule).
    pub lr: f64,
    /// Steps over which the rate rises linearly from zero (0 = none).
    #[serde(default)]
    pub lr_warmup: u64,
    /// constant | cosine | linear: the rate after the warm-up (the decays reach
    /// zero's neighbour at the run's last step, `schedule.steps`).
    #[serde(default)]
    pub lr_decay: LrDecay,
    /// Content pictures per step.
    pub batch_size: usize,
}

/// The optimising transfer the gallery shows beside the network's.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareWith {
    /// Held-out pictures also repainted by optimising their pixels (L-BFGS), once,
    /// at the first evaluation; 0 for none.
    pub pictures: usize,
    /// L-BFGS iterations for each.
    pub iterations: u64,
}

impl FastStyleSpec {
    /// Checks ranges; whether the layers exist is checked against the network.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(StudioError::Spec(m.to_string()));
        if !(32..=1024).contains(&self.content.size) {
            return bad("content.size must be between 32 and 1024 pixels");
        }
        if self.content.held_out == 0 {
            return bad("content.held_out must be at least 1 (the pictures the network is measured on)");
        }
        if self.content.source == ContentSource::Landscapes && self.content.count == 0 {
            return bad("content.count must be at least 1 landscape");
        }
        if !(4..=128).contains(&self.model.width) {
            return bad("model.width must be between 4 and 128 channels");
        }
        if self.model.noise > 16 {
            return bad("model.noise must be at most 16 channels");
        }
        if self.model.blocks > 16 {
            return bad("model.blocks must be at most 16");
        }
        if self.train.batch_size == 0 || self.train.batch_size > 64 {
            return bad("train.batch_size must be between 1 and 64");
        }
        if !(self.train.lr > 0.0 && self.train.lr.is_finite()) {
            return bad("train.lr must be a positive number");
        }
        if self.compare.pictures > self.content.held_out {
            return bad("compare.pictures cannot exceed content.held_out");
        }
        if self.layers.style.is_empty() {
            return bad("layers.style needs at least one layer");
        }
        if self.layers.style.len() != self.layers.style_weights.len() {
            return bad("layers.style_weights needs one weight per style layer");
        }
        if self.layers.style_weights.iter().any(|w| !w.is_finite() || *w < 0.0) {
            return bad("layers.style_weights must be finite and not negative");
        }
        self.style.validate("style")
    }

    /// Height of a training picture.
    pub fn height(&self) -> usize {
        (self.content.size * 3 / 4).max(16)
    }
}
