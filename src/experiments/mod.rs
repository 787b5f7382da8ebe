//! Experiments: one module per architecture, the small trait they implement, and
//! the spec enum that names them.
//!
//! Adding an architecture = one module implementing [`Experiment`] + one arm in
//! [`ExperimentSpec`] and in [`build`].

pub mod autoencoder;
pub mod canvas;
pub mod char_lstm;
pub mod deep_dream;
pub mod gan2d;
pub mod gan_knobs;
pub mod image_data;
pub mod image_gan;
pub mod pixel_cnn;
pub mod spec;
pub mod style_transfer;

use std::collections::HashMap;

use candle_core::{Device, Tensor};
use serde::{Deserialize, Serialize};

pub use spec::{ExperimentSpec, Schedule};

use crate::lab::{LabQuery, LabResult};
use crate::view::View;
use crate::{Result, StudioError};

/// Which part of a training step to run (the UI's Step D / Step G / Step both).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepPart {
    /// A whole step (for a GAN: `d_steps` discriminator updates, then one generator update).
    Whole,
    /// One discriminator update only.
    Discriminator,
    /// One generator update only.
    Generator,
}

/// The generator's loss.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum GeneratorLoss {
    /// Minimise log(1 − D(G(z))), the original minimax game; saturates when D wins.
    Minimax,
    /// Minimise −log D(G(z)), the non-saturating loss; strong gradients when D wins.
    #[default]
    NonSaturating,
}

/// A hyper-parameter that can change while a run is going.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LiveParam {
    /// The generator's learning rate.
    LearningRateG(f64),
    /// The discriminator's learning rate.
    LearningRateD(f64),
    /// Discriminator updates per generator update.
    DStepsPerG(u32),
    /// The generator's loss.
    GeneratorLoss(GeneratorLoss),
    /// One-sided label smoothing of D's real targets.
    LabelSmoothing(f64),
    /// Fraction of D's labels flipped.
    LabelNoise(f64),
    /// Draw new fixed noise for the sample gallery.
    NewViewNoise,
    /// The learning rate of a model with one optimiser.
    LearningRate(f64),
    /// A VAE's KL weight β.
    Beta(f64),
    /// A denoising autoencoder's input noise (standard deviation, pixel units).
    Noise(f64),
    /// A style transfer's loss weights.
    StyleWeights {
        /// Content loss weight.
        content: f64,
        /// Style loss weight.
        style: f64,
        /// Total variation weight.
        tv: f64,
    },
    /// A style transfer keeps the content's colours.
    PreserveColour(bool),
}

/// When a model measures its held-out data: at the first logged row, then each time
/// the step count passes a multiple of `every`, and once more at the end.
#[derive(Clone, Copy, Debug, Default)]
pub struct EvalCadence {
    last: Option<u64>,
}

impl EvalCadence {
    /// Whether a measurement is due at `steps` (every `every` steps).
    pub fn due(&self, steps: u64, every: u64) -> bool {
        let every = every.max(1);
        self.last.is_none_or(|at| steps / every > at / every)
    }

    /// Records a measurement at `steps`; false if one was already made there.
    pub fn start(&mut self, steps: u64) -> bool {
        if self.last == Some(steps) {
            return false;
        }
        self.last = Some(steps);
        true
    }
}

/// Named scalar metrics from one step or one evaluation.
pub type Metrics = Vec<(&'static str, f64)>;

/// What every architecture implements: the run loop drives it through this trait.
pub trait Experiment: Send {
    /// The spec, including live changes made since the start.
    fn spec(&self) -> ExperimentSpec;

    /// Every metric this experiment reports, in the column order of `metrics.csv`.
    fn metric_names(&self) -> Vec<&'static str>;

    /// Runs (part of) one training step and returns its metrics.
    fn step(&mut self, part: StepPart) -> Result<Metrics>;

    /// Measures the model (e.g. a mode census); called once per logged row.
    fn evaluate(&mut self) -> Result<Metrics>;

    /// Measures the model for the run's last row, including anything `evaluate`
    /// does only now and then (an image model's Fréchet distance).
    fn evaluate_final(&mut self) -> Result<Metrics> {
        self.evaluate()
    }

    /// A picture of the current state, for the UI and the run folder's `samples/`.
    fn view(&mut self, step: u64) -> Result<View>;

    /// Changes a live hyper-parameter; an error if this experiment has no such parameter.
    fn set_live(&mut self, param: LiveParam) -> Result<()>;

    /// Answers a question of the latent lab; an error for models without a latent space.
    fn lab(&mut self, _query: &LabQuery) -> Result<LabResult> {
        Err(StudioError::Spec(format!(
            "a {} has no latent space to explore",
            self.spec().architecture()
        )))
    }

    /// Continues a streamed lab answer (generated text) begun by [`Experiment::lab`];
    /// `None` when nothing is streaming.
    fn lab_more(&mut self) -> Option<Result<(crate::lab::LabSlot, LabResult)>> {
        None
    }

    /// Every trainable tensor by name, for a checkpoint.
    fn tensors(&self) -> Vec<(String, Tensor)>;

    /// Tells the experiment its run folder, where it may cache what it computes once
    /// (e.g. a quality classifier). Called after the folder is made.
    fn use_run_folder(&mut self, _dir: &std::path::Path) {}

    /// Loads weights saved by [`Experiment::tensors`]; nothing changes on error.
    fn load_tensors(&mut self, tensors: &HashMap<String, Tensor>) -> Result<()>;
}

/// Builds the experiment a spec describes, on `device`.
pub fn build(spec: &ExperimentSpec, device: &Device) -> Result<Box<dyn Experiment>> {
    spec.validate()?;
    match spec {
        ExperimentSpec::Gan2d(s) => Ok(Box::new(gan2d::Gan2d::new(s.clone(), device)?)),
        ExperimentSpec::ImageGan(s) => Ok(Box::new(image_gan::ImageGan::new(s.clone(), device)?)),
        ExperimentSpec::Autoencoder(s) => {
            Ok(Box::new(autoencoder::Autoencoder::new(s.clone(), device)?))
        }
        ExperimentSpec::CharLstm(s) => Ok(Box::new(char_lstm::CharLstm::new(s.clone(), device)?)),
        ExperimentSpec::PixelCnn(s) => Ok(Box::new(pixel_cnn::PixelCnn::new(s.clone(), device)?)),
        ExperimentSpec::StyleTransfer(s) => Ok(Box::new(style_transfer::StyleTransfer::new(
            s.clone(),
            device,
        )?)),
        ExperimentSpec::DeepDream(s) => {
            Ok(Box::new(deep_dream::DeepDream::new(s.clone(), device)?))
        }
    }
}
