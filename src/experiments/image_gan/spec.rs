//! The spec of an image GAN: DCGAN, WGAN and WGAN-GP, with the textbook tricks as switches.

use serde::{Deserialize, Serialize};

pub use crate::quality::SampleQuality;

pub use crate::experiments::image_data::{DataSource, ImageData};
use crate::experiments::{GeneratorLoss, Schedule};
use crate::nn::mlp::Activation;
use crate::nn::optim::OptimizerKind;
use crate::{Result, StudioError};

/// Everything that defines an image GAN experiment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageGanSpec {
    /// Display name.
    pub name: String,
    /// Seeds the data, the weights and the noise.
    pub seed: u64,
    /// When to log, draw and save.
    #[serde(default)]
    pub schedule: Schedule,
    /// The images.
    pub data: ImageData,
    /// The two networks.
    pub model: ImageGanModel,
    /// How they are trained.
    pub train: ImageGanTrain,
    /// How the samples' quality is measured.
    pub quality: SampleQuality,
}

crate::arch_spec!(ImageGanSpec, images);


/// What the generator's last layer does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OutputActivation {
    /// tanh: pixels in [−1, 1] (DCGAN's advice).
    #[default]
    Tanh,
    /// sigmoid: pixels in [0, 1].
    Sigmoid,
}

/// The distribution of the latent noise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LatentPrior {
    /// Standard normal.
    #[default]
    Gaussian,
    /// Uniform in [−1, 1].
    Uniform,
}

/// The two networks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageGanModel {
    /// Size of the noise vector z.
    pub latent_dim: usize,
    /// The latent prior.
    pub latent: LatentPrior,
    /// Channels of the generator's last hidden layer (doubling towards the first).
    pub g_channels: usize,
    /// Channels of the discriminator's first layer (doubling towards the last).
    pub d_channels: usize,
    /// Kernel size of every (transposed) convolution with stride 2: 4 divides evenly,
    /// 3 does not and makes checkerboard artefacts.
    pub kernel: usize,
    /// The discriminator's non-linearity.
    pub d_activation: Activation,
    /// Dropout probability after each discriminator layer (0 = off).
    pub d_dropout: f64,
    /// Batch norm in the discriminator (must be off for WGAN-GP).
    pub d_batch_norm: bool,
    /// The generator's output non-linearity.
    pub g_output: OutputActivation,
}

/// Which game the two networks play.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum GanLoss {
    /// The original GAN (DCGAN): a classifier D and binary cross-entropy.
    #[default]
    Gan,
    /// Wasserstein GAN: a critic kept Lipschitz by clipping its weights.
    Wgan,
    /// Wasserstein GAN with a gradient penalty instead of clipping.
    WganGp,
}

/// Optimisation settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageGanTrain {
    /// gan | wgan | wgan_gp.
    pub loss: GanLoss,
    /// For `gan`: the generator's loss.
    pub generator_loss: GeneratorLoss,
    /// Images per batch.
    pub batch_size: usize,
    /// adam | rms_prop | sgd, for both networks.
    pub optimizer: OptimizerKind,
    /// Generator learning rate.
    pub lr_g: f64,
    /// Discriminator (critic) learning rate.
    pub lr_d: f64,
    /// Adam's β₁.
    pub beta1: f64,
    /// Discriminator (critic) updates per generator update.
    pub d_steps: u32,
    /// One-sided label smoothing: real images get the target 1 − this (0 = off).
    pub label_smoothing: f64,
    /// Fraction of D's labels flipped at random (0 = off).
    pub label_noise: f64,
    /// For `wgan`: clip the critic's weights to ±this.
    pub clip: f64,
    /// For `wgan_gp`: weight λ of the gradient penalty.
    pub gp_weight: f64,
}

impl ImageGanSpec {
    /// Checks values that parse but cannot run.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(StudioError::Spec(m.to_string()));
        self.data.validate()?;
        let m = &self.model;
        if m.latent_dim == 0 || m.g_channels < 2 || m.d_channels == 0 {
            return bad("model: latent_dim ≥ 1, g_channels ≥ 2 and d_channels ≥ 1");
        }
        if ![3, 4].contains(&m.kernel) {
            return bad("model.kernel must be 3 or 4");
        }
        if !(0.0..1.0).contains(&m.d_dropout) {
            return bad("model.d_dropout must be in [0, 1)");
        }
        let t = &self.train;
        if t.loss == GanLoss::WganGp && m.d_batch_norm {
            return bad("WGAN-GP penalises per-sample gradients: set model.d_batch_norm = false");
        }
        if t.batch_size < 2 {
            return bad("train.batch_size must be at least 2");
        }
        crate::experiments::gan_knobs::validate_train(t.beta1)?;
        if self.quality.every > 0 && self.quality.samples < 10 {
            return bad("quality.samples must be at least 10");
        }
        if !(t.clip.is_finite() && t.clip > 0.0 && t.gp_weight.is_finite() && t.gp_weight >= 0.0) {
            return bad("train.clip must be positive and train.gp_weight not negative");
        }
        Ok(())
    }
}
