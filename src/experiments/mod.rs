//! Experiments: one module per architecture, the small trait they implement, and
//! the registry that lists them.
//!
//! Adding an architecture = one module (its spec, implementing [`spec::ArchSpec`]
//! with `arch_spec!`; its [`Experiment`]; its [`registry::Architecture`] entry as
//! `ARCHITECTURE`), its preset files, and one line in the `architectures!` list below,
//! which declares the module too. A panel of its own is optional: without one, the
//! window draws the settings its entry declares.

pub mod branch;
pub mod canvas;
pub mod checkpoint;
mod deep_dream_card;
pub mod feature_choice;
pub mod gan_knobs;
pub mod image_data;
pub mod live;
pub mod model_card;
pub mod nearest_training;
pub mod picture_card;
pub mod pixel_classes;
pub mod pixel_drawing;
pub mod registry;
pub mod run_compare;
pub mod run_summary;
pub mod run_sweep;
#[macro_use]
pub mod spec;
pub mod train_state;
pub mod working_memory;

use std::collections::HashMap;

use candle_core::{Device, Tensor};
use serde::{Deserialize, Serialize};

pub use spec::Schedule;

spec::architectures! {
    /// A GAN on toy 2-D distributions.
    gan2d: Gan2d(Gan2dSpec) = "gan2d";
    /// DCGAN, WGAN or WGAN-GP on images.
    image_gan: ImageGan(ImageGanSpec) = "image_gan";
    /// An autoencoder, denoising autoencoder or VAE on images.
    autoencoder: Autoencoder(AutoencoderSpec) = "autoencoder";
    /// A character-level LSTM on text.
    char_lstm: CharLstm(CharLstmSpec) = "char_lstm";
    /// A PixelCNN on images.
    pixel_cnn: PixelCnn(PixelCnnSpec) = "pixel_cnn";
    /// Independent pixels: the baseline PixelCNN beats.
    independent_pixels: IndependentPixels(IndependentPixelsSpec) = "independent_pixels";
    /// Neural style transfer: a picture repainted in the style of another.
    style_transfer: StyleTransfer(StyleTransferSpec) = "style_transfer";
    /// Fast style transfer: a network trained to repaint any picture in one style.
    fast_style: FastStyle(FastStyleSpec) = "fast_style";
    /// DeepDream: a picture whose chosen features are amplified.
    deep_dream: DeepDream(DeepDreamSpec) = "deep_dream";
    /// A sentence VAE: sentences as a latent space.
    sentence_vae: SentenceVae(SentenceVaeSpec) = "sentence_vae";
}

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

/// When a model measures its held-out data: at the first logged row, then each time
/// the step count passes a multiple of `every`, and once more at the end.
#[derive(Clone, Copy, Debug, Default, serde::Serialize, serde::Deserialize)]
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

    /// Applies a live change of `key`: `spec` is this run's spec with that key
    /// changed, already checked (see [`live::change`]). An error if this experiment
    /// cannot change that key while it runs; nothing changes then.
    fn set_live(&mut self, key: &str, spec: &ExperimentSpec) -> Result<()>;

    /// Draws new fixed noise for the sample gallery; an error for models without one.
    fn new_view_noise(&mut self) -> Result<()> {
        Err(StudioError::Spec(format!(
            "a {} has no gallery noise to draw again",
            self.spec().architecture()
        )))
    }

    /// Answers a question of the latent lab; an error for models without a latent space.
    fn lab(&mut self, _query: &LabQuery) -> Result<LabResult> {
        Err(StudioError::Spec(format!(
            "a {} has no latent space to explore",
            self.spec().architecture()
        )))
    }

    /// Continues a streamed lab answer (generated text, a drawing) begun by
    /// [`Experiment::lab`]: the slot it belongs to and the next chunk, or the error
    /// that ended it; `None` when nothing is streaming. The chunk takes about
    /// `budget` (at least one unit of work, at most the experiment's own cap), so a
    /// stream shares the worker with training in proportion to a step's time.
    fn lab_more(
        &mut self,
        _budget: std::time::Duration,
    ) -> Option<(crate::lab::LabSlot, Result<LabResult>)> {
        None
    }

    /// The picture the run makes, for an experiment that optimises one (a style
    /// transfer, a dream): what `stylize` and `dream` write. `None` for models.
    fn picture(&self) -> Option<Result<crate::view::RgbImage>> {
        None
    }

    /// Every trainable tensor by name, for a checkpoint.
    fn tensors(&self) -> Vec<(String, Tensor)>;

    /// Tells the experiment its run folder, where it may cache what it computes once
    /// (e.g. a quality classifier). Called after the folder is made.
    fn use_run_folder(&mut self, _dir: &std::path::Path) {}

    /// Loads weights saved by [`Experiment::tensors`]; nothing changes on error.
    fn load_tensors(&mut self, tensors: &HashMap<String, Tensor>) -> Result<()>;

    /// Everything besides the weights that training goes on from (optimiser
    /// averages, random generators, counters, stream positions), so that a run
    /// continued from a checkpoint takes the steps the uninterrupted run takes.
    fn train_state(&self) -> Result<TrainState>;

    /// Takes up a state [`Experiment::train_state`] gave (after
    /// [`Experiment::load_tensors`]); on error the experiment is to be dropped.
    fn load_train_state(&mut self, state: &TrainState) -> Result<()>;
}

pub use train_state::TrainState;

/// Builds the experiment a spec describes, on `device`.
/// A run whose data and training step are estimated over the memory available is
/// refused first, with the estimate and the setting that sizes it (the weights are
/// counted as they are made, by [`crate::nn::params::ParamStore`]).
pub fn build(spec: &ExperimentSpec, device: &Device) -> Result<Box<dyn Experiment>> {
    spec.validate()?;
    let arch = registry::of(spec)?;
    let working = (arch.working_memory)(spec);
    crate::memory_guard::check(
        working.bytes(),
        &format!(
            "this run's data and a training step ({} of data, {} of activations and their gradients)",
            crate::memory_guard::human(working.data_bytes),
            crate::memory_guard::human(working.step_bytes())
        ),
        working.change,
    )?;
    (arch.build)(spec, device)
}

/// D's loss where the run's game is at equilibrium (D outputs ½ everywhere), for the
/// plots' reference line: 2·ln 2 for the original GAN, ¼ for LSGAN, 2 for the hinge;
/// `None` for a Wasserstein critic and for models that are not GANs.
pub fn d_loss_equilibrium(spec: &ExperimentSpec) -> Option<f64> {
    use gan2d::losses::GanLoss2d;
    let gan = 2.0 * std::f64::consts::LN_2;
    match spec {
        ExperimentSpec::Gan2d(s) => match s.train.loss {
            GanLoss2d::Gan => Some(gan),
            GanLoss2d::Lsgan => Some(0.25),
            GanLoss2d::Hinge => Some(2.0),
            GanLoss2d::WganGp => None,
        },
        ExperimentSpec::ImageGan(s) => {
            (s.train.loss == image_gan::spec::GanLoss::Gan).then_some(gan)
        }
        _ => None,
    }
}

/// The memory a run of `exp` is estimated to need at its peak, bytes: the process,
/// the weights with their gradients and optimiser state, its data and a step.
pub fn memory_estimate(exp: &dyn Experiment) -> u64 {
    let parameters: u64 = exp
        .tensors()
        .iter()
        .map(|(_, t)| t.elem_count() as u64)
        .sum();
    let spec = exp.spec();
    let working = registry::of(&spec).map_or(Default::default(), |a| (a.working_memory)(&spec));
    working.total_with(parameters)
}
