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
    /// WGAN-GP's penalty weight λ on (‖∇D‖ − 1)² (0.1 is the paper's for 2-D toys).
    #[serde(default = "gp_weight")]
    pub gp_weight: f64,
    /// Minibatch standard deviation (Karras et al. 2018): D also reads the batch's
    /// mean standard deviation, so a batch with too little variety stands out.
    #[serde(default)]
    pub minibatch_std: bool,
    /// Unrolled GAN (Metz et al. 2017): G's update is made against D after this
    /// many look-ahead updates, which are then undone (0: off). First-order: the
    /// gradient does not flow back through the look-ahead.
    #[serde(default)]
    pub unrolled_steps: u32,
    /// Instance noise (Sønderby et al. 2017; Arjovsky and Bottou 2017): Gaussian
    /// noise of this standard deviation (in the lab's units, where the built-in
    /// data spans about ±2) added to every point D sees, real and generated...
    #[serde(default)]
    pub instance_noise: f64,
    /// ...falling linearly to 0 over this many steps (0: constant).
    #[serde(default)]
    pub instance_noise_steps: u64,
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
        if !(1..=8).contains(&self.train.pack) || !self.train.batch_size.is_multiple_of(self.train.pack) {
            return bad("train.pack must be 1 to 8 and divide train.batch_size");
        }
        if self.data.modes > crate::data::points2d::MAX_MODES {
            return bad("data.modes must be at most 30 (0: found from the data)");
        }
        if self.data.points.iter().flatten().any(|v| !v.is_finite()) {
            return bad("data.points must be finite");
        }
        if !(self.train.gp_weight.is_finite() && self.train.gp_weight >= 0.0) {
            return bad("train.gp_weight must be a number ≥ 0");
        }
        if self.train.unrolled_steps > 20 {
            return bad("train.unrolled_steps must be at most 20");
        }
        if !(self.train.instance_noise.is_finite() && (0.0..=5.0).contains(&self.train.instance_noise)) {
            return bad("train.instance_noise must be between 0 and 5");
        }
        validate_train(self.train.beta1)?;
        Ok(())
    }
}

fn one() -> usize {
    1
}

fn gp_weight() -> f64 {
    0.1
}
