//! The spec of the independent-pixels baseline.

use serde::{Deserialize, Serialize};

use crate::experiments::Schedule;
use crate::experiments::image_data::ImageData;
use crate::{Result, StudioError};

/// Everything that defines an independent-pixels experiment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndependentPixelsSpec {
    /// Display name.
    pub name: String,
    /// Seeds the batches and samples.
    pub seed: u64,
    /// When to log, sample and save.
    #[serde(default)]
    pub schedule: Schedule,
    /// The images.
    pub data: ImageData,
    /// How a pixel is seen.
    pub model: IndependentPixelsModel,
    /// How it is trained.
    pub train: IndependentPixelsTrain,
    /// Held-out measurements.
    pub eval: IndependentPixelsEval,
    /// Samples drawn for the gallery.
    pub sample: IndependentPixelsSample,
}

crate::arch_spec!(IndependentPixelsSpec, images);

/// One distribution per pixel, over PixelCNN's classes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndependentPixelsModel {
    /// Grayscale: intensity levels a pixel is quantised to (2 = binarised).
    pub levels: usize,
    /// Colour: colours of the palette fitted by k-means.
    pub palette: usize,
}

/// Optimisation settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndependentPixelsTrain {
    /// Images per batch.
    pub batch_size: usize,
    /// Adam's learning rate on the logits.
    pub lr: f64,
}

/// Held-out measurements.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndependentPixelsEval {
    /// Steps between measurements (the first step is always measured).
    pub every: u64,
    /// Held-out images per measurement.
    pub images: usize,
}

/// The gallery's samples.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndependentPixelsSample {
    /// Images drawn for each gallery picture.
    pub count: usize,
}

impl IndependentPixelsSpec {
    /// The classes predicted per pixel: intensity levels, or palette colours.
    pub fn classes(&self) -> usize {
        let m = &self.model;
        crate::experiments::pixel_classes::class_count(self.data.channels, m.levels, m.palette)
    }

    /// Checks what the registry's declared ranges do not (those are checked by the
    /// spec for every architecture).
    pub fn validate(&self) -> Result<()> {
        self.data.validate()?;
        if !(2..=256).contains(&self.model.palette) {
            return Err(StudioError::Spec(
                "model.palette must be between 2 and 256".into(),
            ));
        }
        if self.eval.images < 10 || self.eval.every == 0 {
            return Err(StudioError::Spec(
                "eval.images at least 10 and eval.every at least 1".into(),
            ));
        }
        Ok(())
    }
}
