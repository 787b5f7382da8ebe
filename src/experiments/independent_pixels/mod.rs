//! Independent pixels: the baseline the seed notes start from. Each pixel is drawn
//! from its own learned distribution over the same classes PixelCNN uses, ignoring
//! every other pixel ("a naive Bayes model samples each pixel independently, so it
//! cannot know two neighbouring pixels are alike"). Trained by maximum likelihood,
//! measured by the same held-out NLL as PixelCNN, and drawn in the same Draw tab, so
//! one comparison shows what PixelCNN's dependencies buy.

mod card;
pub mod entry;
pub mod spec;

pub use entry::ARCHITECTURE;

use std::collections::HashMap;

use candle_core::{D, Device, Tensor};
use candle_nn::loss::cross_entropy;
use crate::nn::rng::SeededRng;
use rand::{Rng, SeedableRng};

use super::live::not_live;
use super::pixel_classes::PixelClasses;
use super::pixel_drawing::{self, Drawing, PixelModel};
use super::registry::wrong_architecture;
use super::{EvalCadence, Experiment, ExperimentSpec, Metrics, StepPart, TrainState};
use crate::Result;
use crate::data::ImageSet;
use crate::data::binarize::TrainImages;
use crate::lab::{LabQuery, LabResult, LabSlot};
use crate::nn::optim::{Optim, OptimizerKind};
use crate::nn::params::ParamStore;
use crate::nn::sampling::draw;
use crate::view::{ImageGrid, RgbImage, View};
pub use spec::IndependentPixelsSpec;

/// The checkpoint tensor of the per-pixel logits, `[pixels, classes]`.
pub const LOGITS_TENSOR: &str = "pixels.logits";

/// A running independent-pixels model.
pub struct IndependentPixels {
    spec: IndependentPixelsSpec,
    device: Device,
    params: ParamStore,
    /// One row of logits per pixel, `[s · s, classes]`.
    logits: Tensor,
    opt: Optim,
    rng: SeededRng,
    /// The training images (binarised as the spec says).
    data: TrainImages,
    held_out: ImageSet,
    classes: PixelClasses,
    steps: u64,
    cadence: EvalCadence,
    drawing: Option<Drawing>,
}

impl IndependentPixels {
    /// Loads the data; every pixel starts uniform over its classes.
    pub fn new(spec: IndependentPixelsSpec, device: &Device) -> Result<Self> {
        ExperimentSpec::from(spec.clone()).validate()?;
        let (data, held_out) = spec.data.load(spec.seed)?;
        let classes = PixelClasses::fit(&data, spec.model.levels, spec.model.palette, spec.seed);
        let s = spec.data.image_size;
        let mut params = ParamStore::new();
        let logits = params.constant(LOGITS_TENSOR, &[s * s, spec.classes()], 0.0, device)?;
        let opt = Optim::new(
            OptimizerKind::Adam,
            params.vars_with_prefix(""),
            spec.train.lr,
            0.9,
        )?;
        Ok(Self {
            rng: SeededRng::seed_from_u64(spec.seed),
            spec,
            device: device.clone(),
            params,
            logits,
            opt,
            data,
            held_out,
            classes,
            steps: 0,
            cadence: EvalCadence::default(),
            drawing: None,
        })
    }

    /// The model's negative log-likelihood in nats per image of `levels` `[n, s·s]`.
    fn nll(&self, levels: &[u32], n: usize) -> Result<Tensor> {
        let pixels = self.pixels();
        let l = self.spec.classes();
        // The same logits for every image: [n · s · s, L].
        let logits = self
            .logits
            .unsqueeze(0)?
            .broadcast_as((n, pixels, l))?
            .reshape((n * pixels, l))?;
        let targets = Tensor::from_vec(levels.to_vec(), n * pixels, &self.device)?;
        Ok((cross_entropy(&logits, &targets)? * pixels as f64)?)
    }

    fn pixels(&self) -> usize {
        let s = self.spec.data.image_size;
        s * s
    }

    /// Held-out NLL in nats per image and bits per dimension.
    fn held_out_nll(&self) -> Result<(f64, f64)> {
        let (images, side) = (self.spec.eval.images, self.spec.data.image_size);
        self.classes
            .held_out_nll(&self.held_out, images, side, |l, n| self.nll(l, n))
    }

    /// Each pixel's distribution, `[s · s][classes]`.
    pub fn distributions(&self) -> Result<Vec<Vec<f32>>> {
        Ok(candle_nn::ops::softmax(&self.logits, D::Minus1)?.to_vec2::<f32>()?)
    }

    /// Draws `n` images, every pixel on its own, `[n · s · s]` classes.
    pub fn sample(&self, n: usize, seed: u64) -> Result<Vec<u32>> {
        let probs = self.distributions()?;
        let mut rng = SeededRng::seed_from_u64(seed);
        Ok((0..n)
            .flat_map(|_| probs.iter().map(|p| draw(p, &mut rng)).collect::<Vec<_>>())
            .collect())
    }
}

impl Experiment for IndependentPixels {
    fn spec(&self) -> ExperimentSpec {
        ExperimentSpec::IndependentPixels(self.spec.clone())
    }

    fn metric_names(&self) -> Vec<&'static str> {
        vec!["train_nll_nats", "val_nll_nats", "val_bits_per_dim"]
    }

    fn step(&mut self, _part: StepPart) -> Result<Metrics> {
        let b = self.spec.train.batch_size;
        let n = self.data.len();
        self.data.follow(self.steps * b as u64);
        let indices: Vec<usize> = (0..b).map(|_| self.rng.random_range(0..n)).collect();
        let levels = self.classes.of_images(&self.data, &indices);
        let loss = self.nll(&levels, b)?;
        self.opt
            .step(&(&loss / self.pixels() as f64)?.backward()?)?;
        self.steps += 1;
        Ok(vec![("train_nll_nats", loss.to_scalar::<f32>()? as f64)])
    }

    fn evaluate(&mut self) -> Result<Metrics> {
        if !self.cadence.due(self.steps, self.spec.eval.every) {
            return Ok(Metrics::new());
        }
        self.evaluate_final()
    }

    fn evaluate_final(&mut self) -> Result<Metrics> {
        if !self.cadence.start(self.steps) {
            return Ok(Metrics::new());
        }
        let (nats, bpd) = self.held_out_nll()?;
        Ok(vec![("val_nll_nats", nats), ("val_bits_per_dim", bpd)])
    }

    fn view(&mut self, step: u64) -> Result<View> {
        let n = self.spec.sample.count;
        let s = self.spec.data.image_size;
        let levels = self.sample(n, self.spec.seed ^ step)?;
        let cols = (n as f64).sqrt().ceil() as usize;
        let bytes = self.classes.bytes(&levels);
        let grid = ImageGrid::tile(step, &bytes, n, s, s, self.classes.channels(), cols)
            .with_caption(format!(
                "samples at step {step}: every pixel drawn on its own"
            ));
        Ok(View::Images(grid))
    }

    fn set_live(&mut self, key: &str, spec: &ExperimentSpec) -> Result<()> {
        let ExperimentSpec::IndependentPixels(new) = spec else {
            return Err(wrong_architecture(spec, "IndependentPixels"));
        };
        if key != "train.lr" {
            return Err(not_live(key, "an independent-pixels model"));
        }
        self.opt.set_learning_rate(new.train.lr);
        self.spec = new.clone();
        Ok(())
    }

    fn lab(&mut self, query: &LabQuery) -> Result<LabResult> {
        pixel_drawing::answer(self, query, "an independent-pixels model")
    }

    fn lab_more(&mut self, budget: std::time::Duration) -> Option<(LabSlot, Result<LabResult>)> {
        pixel_drawing::more(self, budget)
    }

    fn tensors(&self) -> Vec<(String, Tensor)> {
        self.classes
            .with_palette(self.params.tensors(), &self.device)
    }

    fn load_tensors(&mut self, tensors: &HashMap<String, Tensor>) -> Result<()> {
        self.classes.load_with(&self.params, tensors)
    }

    fn train_state(&self) -> Result<TrainState> {
        TrainState::of_one_model(&self.rng, &self.opt, self.steps, &self.cadence)
    }

    fn load_train_state(&mut self, state: &TrainState) -> Result<()> {
        state.restore_one_model(
            &mut self.rng,
            &mut self.opt,
            &mut self.steps,
            &mut self.cadence,
        )
    }
}

impl PixelModel for IndependentPixels {
    fn side(&self) -> usize {
        self.spec.data.image_size
    }

    fn pixel_classes(&self) -> &PixelClasses {
        &self.classes
    }

    fn drawing(&mut self) -> &mut Option<Drawing> {
        &mut self.drawing
    }

    fn held_out_levels(&self, i: usize) -> Vec<u32> {
        let i = i.min(self.held_out.len().saturating_sub(1));
        self.classes.of_images(&self.held_out, &[i])
    }

    fn originals(&self, count: usize) -> Vec<RgbImage> {
        self.classes.pictures(&self.held_out, self.side(), count)
    }

    /// The pixel's own distribution, whatever was drawn before it.
    fn pixel_distribution(
        &self,
        _levels: &[u32],
        n: usize,
        r: usize,
        c: usize,
    ) -> Result<Vec<Vec<f32>>> {
        let row = self.logits.narrow(0, r * self.side() + c, 1)?; // [1, L]
        let p = candle_nn::ops::softmax(&row, D::Minus1)?.to_vec2::<f32>()?;
        let p = p.into_iter().next().unwrap_or_default();
        Ok(vec![p; n])
    }
}
