//! The 2-D GAN's settings: its data, networks and training, and their checks.

use serde::{Deserialize, Serialize};

use super::losses::GanLoss2d;
use crate::data::toy2d::Toy2d;
use crate::experiments::gan_knobs::validate_train;
use crate::experiments::spec::Schedule;
use crate::experiments::GeneratorLoss;
use crate::nn::mlp::Activation;
use crate::nn::optim::OptimizerKind;
use crate::{Result, StudioError};

/// Everything that defines a 2-D GAN experiment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gan2dSpec {
    /// Display name.
    pub name: String,
    /// Seeds the data, the weights and the noise.
    pub seed: u64,
    /// When to log, draw and save.
    #[serde(default)]
    pub schedule: Schedule,
    /// The data.
    pub data: Gan2dData,
    /// The two networks.
    pub model: Gan2dModel,
    /// How they are trained.
    pub train: Gan2dTrain,
}

crate::arch_spec!(Gan2dSpec);

/// The data a 2-D GAN learns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gan2dData {
    /// Which toy distribution (`points`: the user's own).
    pub distribution: Toy2d,
    /// For `points`: a CSV or whitespace file of x, y pairs (a header allowed).
    #[serde(default)]
    pub path: std::path::PathBuf,
    /// For `points`: the points themselves, in their own units (drawn ones; they
    /// take the place of the file).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub points: Vec<[f32; 2]>,
    /// For `points`: how many modes k-means finds (0: chosen by the
    /// Calinski–Harabasz index, 2 to 30).
    #[serde(default)]
    pub modes: usize,
}


/// The generator and discriminator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gan2dModel {
    /// Size of the noise vector z.
    pub latent_dim: usize,
    /// Hidden layer widths of the generator.
    pub g_hidden: Vec<usize>,
    /// Hidden layer widths of the discriminator.
    pub d_hidden: Vec<usize>,
    /// Non-linearity of the generator.
    pub g_activation: Activation,
    /// Non-linearity of the discriminator.
    pub d_activation: Activation,
}

/// Optimisation settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gan2dTrain {
    /// Samples per batch, for both networks.
    pub batch_size: usize,
    /// PacGAN packing (Lin et al. 2018): D judges this many samples at once,
    /// concatenated (1: no packing). Divides the batch.
    #[serde(default = "one")]
    pub pack: usize,
    /// Adam or SGD, for both networks.
    pub optimizer: OptimizerKind,
    /// Generator learning rate.
    pub lr_g: f64,
    /// Discriminator learning rate.
    pub lr_d: f64,
    /// Adam's β₁ (momentum); 0.5 is the usual choice for GANs.
    pub beta1: f64,
    /// Discriminator updates per generator update.
    pub d_steps: u32,
    /// The game: the original GAN, least squares (LSGAN) or hinge.
    #[serde(default)]
    pub loss: GanLoss2d,
    /// The generator's loss (for the original GAN).
    pub generator_loss: GeneratorLoss,
}

impl Gan2dSpec {
    /// Checks values that parse but cannot run.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(StudioError::Spec(m.to_string()));
        if self.model.latent_dim == 0 {
            return bad("model.latent_dim must be at least 1");
        }
        if self.model.g_hidden.contains(&0) || self.model.d_hidden.contains(&0) {
            return bad("model: hidden layer widths must be at least 1");
        }
        if self.train.batch_size == 0 {
            return bad("train.batch_size must be at least 1");
        }
        if !(1..=8).contains(&self.train.pack) || self.train.batch_size % self.train.pack != 0 {
            return bad("train.pack must be 1 to 8 and divide train.batch_size");
        }
        if self.data.modes > crate::data::points2d::MAX_MODES {
            return bad("data.modes must be at most 30 (0: found from the data)");
        }
        if self.data.points.iter().flatten().any(|v| !v.is_finite()) {
            return bad("data.points must be finite");
        }
        validate_train(self.train.beta1)?;
        Ok(())
    }
}

fn one() -> usize {
    1
}
