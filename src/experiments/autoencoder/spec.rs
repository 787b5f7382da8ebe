//! The spec of an autoencoder: plain, denoising or variational.

use serde::{Deserialize, Serialize};

use crate::experiments::Schedule;
use crate::experiments::image_data::ImageData;
use crate::nn::lr_schedule::LrDecay;
use crate::quality::SampleQuality;
use crate::{Result, StudioError};

/// Everything that defines an autoencoder experiment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoencoderSpec {
    /// Display name.
    pub name: String,
    /// Seeds the data, the weights and the noise.
    pub seed: u64,
    /// When to log, draw and save.
    #[serde(default)]
    pub schedule: Schedule,
    /// The images.
    pub data: ImageData,
    /// The encoder and decoder.
    pub model: AutoencoderModel,
    /// How they are trained.
    pub train: AutoencoderTrain,
    /// How the held-out set is measured.
    pub eval: AutoencoderEval,
    /// For a VAE: how samples from its prior are measured (Fréchet distance,
    /// precision and recall, copies of training images; off without the section).
    #[serde(default)]
    pub quality: SampleQuality,
}

crate::arch_spec!(AutoencoderSpec, images);

/// Which autoencoder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AutoencoderKind {
    /// Encode to a code, decode back; the loss is the reconstruction's.
    Plain,
    /// Learn to reconstruct the clean image from a noisy one.
    Denoising,
    /// The encoder gives a Gaussian q(z|x); the loss is the negative ELBO,
    /// reconstruction + β·KL(q(z|x) ‖ N(0, I)).
    #[default]
    Vae,
}

impl AutoencoderKind {
    /// The name shown in the UI.
    pub fn label(self) -> &'static str {
        match self {
            AutoencoderKind::Plain => "autoencoder",
            AutoencoderKind::Denoising => "denoising autoencoder",
            AutoencoderKind::Vae => "VAE",
        }
    }
}

/// The likelihood of a pixel given the decoder's output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Reconstruction {
    /// Bernoulli: binary cross-entropy with the decoder's logits.
    #[default]
    Bernoulli,
    /// Gaussian with a fixed standard deviation (`train.gaussian_sigma`) around the
    /// decoder's mean: squared error, scaled.
    Gaussian,
}

/// The encoder and decoder: two stride-2 convolutions and a hidden layer each way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoencoderModel {
    /// plain | denoising | vae.
    pub kind: AutoencoderKind,
    /// Size of the code z (2–64).
    pub latent_dim: usize,
    /// Channels of the first convolution (the second has twice as many).
    pub channels: usize,
    /// Units of the hidden layer between the convolutions and the code.
    pub hidden: usize,
}

/// Optimisation settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoencoderTrain {
    /// Images per batch.
    pub batch_size: usize,
    /// Adam's learning rate (at its peak, with a schedule).
    pub lr: f64,
    /// Steps over which the rate rises linearly from zero (0 = none).
    #[serde(default)]
    pub lr_warmup: u64,
    /// constant | cosine | linear: the rate after the warm-up (the decays reach
    /// zero's neighbour at the run's last step, `schedule.steps`).
    #[serde(default)]
    pub lr_decay: LrDecay,
    /// bernoulli | gaussian.
    pub reconstruction: Reconstruction,
    /// For `gaussian`: the decoder's fixed standard deviation, in pixel units (0–1).
    pub gaussian_sigma: f64,
    /// For a VAE: the weight β of the KL term (1 = the ELBO; >1 = β-VAE).
    pub beta: f64,
    /// For a VAE: steps over which the KL weight rises linearly from 0 to β (0 = off).
    pub kl_warmup: u64,
    /// For a denoising autoencoder: standard deviation of the Gaussian noise added
    /// to its input, in pixel units (0–1).
    pub noise: f64,
}

/// Measurements on held-out images.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoencoderEval {
    /// Steps between held-out measurements (the first step is always measured).
    pub every: u64,
    /// Held-out images per measurement.
    pub images: usize,
    /// For a VAE: codes k drawn per image for the importance-weighted estimate of
    /// log p(x) (`val_nll_iwae`), measured once, at the end of the run (0 = off;
    /// the papers use 5,000). It costs k decoder passes per image.
    #[serde(default)]
    pub iwae_samples: usize,
    /// Held-out images the importance-weighted estimate averages over.
    #[serde(default = "default_iwae_images")]
    pub iwae_images: usize,
}

fn default_iwae_images() -> usize {
    1000
}

impl AutoencoderEval {
    /// Decoder passes the importance-weighted estimate takes.
    pub fn iwae_passes(&self) -> u64 {
        self.iwae_samples as u64 * self.iwae_images as u64
    }
}

impl AutoencoderSpec {
    /// Checks values that parse but cannot run.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(StudioError::Spec(m.to_string()));
        self.data.validate()?;
        let m = &self.model;
        if !(1..=64).contains(&m.latent_dim) {
            return bad("model.latent_dim must be between 1 and 64");
        }
        if m.channels == 0 || m.hidden == 0 {
            return bad("model.channels and model.hidden must be at least 1");
        }
        let t = &self.train;
        if t.batch_size < 2 {
            return bad("train.batch_size must be at least 2");
        }
        if !(t.gaussian_sigma.is_finite() && t.gaussian_sigma > 0.0) {
            return bad("train.gaussian_sigma must be positive");
        }
        if self.eval.images < 10 {
            return bad("eval.images must be at least 10");
        }
        if self.quality.every > 0 && self.quality.samples < 10 {
            return bad("quality.samples must be at least 10");
        }
        if self.eval.iwae_samples > 100_000 || self.eval.iwae_images == 0 {
            return bad("eval.iwae_samples at most 100,000 and eval.iwae_images at least 1");
        }
        Ok(())
    }
}
