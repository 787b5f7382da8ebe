//! PixelCNN: each pixel predicted from the pixels above and to its left; images
//! drawn one pixel at a time, and half an image completed.

mod card;
pub mod entry;
pub mod nets;
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
use crate::data::ImageSet;
use crate::data::binarize::TrainImages;
use crate::lab::{LabQuery, LabResult, LabSlot};
use crate::nn::optim::{Optim, OptimizerKind};
use crate::nn::params::ParamStore;
use crate::nn::sampling::draw;
use crate::view::{ImageGrid, RgbImage, View};
use crate::{Result, StudioError};
use nets::PixelNet;
pub use spec::PixelCnnSpec;

pub use super::pixel_classes::PALETTE_TENSOR;

/// A running PixelCNN.
pub struct PixelCnn {
    spec: PixelCnnSpec,
    device: Device,
    params: ParamStore,
    net: PixelNet,
    opt: Optim,
    rng: SeededRng,
    /// The training images (binarised as the spec says).
    data: TrainImages,
    held_out: ImageSet,
    /// How it sees a pixel: a grey level, or a palette colour.
    classes: PixelClasses,
    steps: u64,
    cadence: EvalCadence,
    /// A drawing streamed to the lab.
    drawing: Option<Drawing>,
    /// The last gallery and the step it was drawn at: drawing is slow (a pass of the
    /// network per pixel), so the gallery is redrawn on the schedule of [`next_gallery`].
    gallery: Option<(u64, ImageGrid)>,
}

/// The step the gallery drawn at step `at` is next redrawn at: every `every` steps,
/// but sooner while the model is young (the interval doubles from a fifth of
/// `every`), so that the first shapes show within a minute instead of after the
/// whole first interval of noise.
fn next_gallery(at: u64, every: u64) -> u64 {
    at + at.max(every / 5).clamp(1, every)
}

impl PixelCnn {
    /// Loads the data and builds the network from the spec's seed.
    pub fn new(spec: PixelCnnSpec, device: &Device) -> Result<Self> {
        ExperimentSpec::from(spec.clone()).validate()?;
        let (data, held_out) = spec.data.load(spec.seed)?;
        let mut rng = SeededRng::seed_from_u64(spec.seed);
        let mut params = ParamStore::new();
        let classes = PixelClasses::fit(&data, spec.model.levels, spec.model.palette, spec.seed);
        let net = PixelNet::new(&spec.model, spec.classes(), &mut params, &mut rng, device)?;
        let opt = Optim::new(
            OptimizerKind::Adam,
            params.vars_with_prefix(""),
            spec.train.lr,
            0.9,
        )?;
        Ok(Self {
            spec,
            device: device.clone(),
            params,
            net,
            opt,
            rng,
            data,
            held_out,
            classes,
            steps: 0,
            cadence: EvalCadence::default(),
            drawing: None,
            gallery: None,
        })
    }

    fn side(&self) -> usize {
        self.spec.data.image_size
    }

    /// Classes per pixel.
    fn classes(&self) -> usize {
        self.spec.classes()
    }

    /// Channels of the images.
    fn channels(&self) -> usize {
        self.spec.data.channels
    }

    /// Levels `[n, s·s]` as the network's input `[n, 1, rows, cols]`, in [−1, 1]:
    /// the window of rows `r0..r0 + rows` and columns `c0..c0 + cols`.
    fn input(&self, levels: &[u32], n: usize, window: Window) -> Result<Tensor> {
        let s = self.side();
        let top = (self.classes() - 1) as f32;
        let Window { r0, rows, c0, cols } = window;
        let mut v = Vec::with_capacity(n * rows * cols);
        for i in 0..n {
            for r in r0..r0 + rows {
                let at = i * s * s + r * s;
                v.extend(
                    levels[at + c0..at + c0 + cols]
                        .iter()
                        .map(|&l| 2.0 * l as f32 / top - 1.0),
                );
            }
        }
        Ok(Tensor::from_vec(v, (n, 1, rows, cols), &self.device)?)
    }

    /// The whole image as a window.
    fn whole(&self) -> Window {
        let s = self.side();
        Window {
            r0: 0,
            rows: s,
            c0: 0,
            cols: s,
        }
    }

    /// Images `indices` of `set` as levels, `[n · s · s]`.
    fn levels_of(&self, set: &ImageSet, indices: &[usize]) -> Vec<u32> {
        self.classes.of_images(set, indices)
    }

    /// Negative log-likelihood in nats per image of `levels` `[n, s·s]`.
    fn nll(&self, levels: &[u32], n: usize) -> Result<Tensor> {
        let s = self.side();
        let logits = self.net.forward(&self.input(levels, n, self.whole())?)?; // [n, L, s, s]
        let l = self.classes();
        let flat = logits.permute((0, 2, 3, 1))?.reshape(((), l))?; // [n·s·s, L]
        let targets = Tensor::from_vec(levels.to_vec(), n * s * s, &self.device)?;
        Ok((cross_entropy(&flat, &targets)? * (s * s) as f64)?)
    }

    /// Held-out NLL in nats per image and bits per dimension.
    fn held_out_nll(&self) -> Result<(f64, f64)> {
        let images = self.spec.eval.images;
        self.classes
            .held_out_nll(&self.held_out, images, self.side(), |l, n| self.nll(l, n))
    }

    /// The logits `[n, classes]` of pixel (`r`, `c`) of each of the `n` images, from its
    /// receptive field only (what the sampler runs; tests compare it with [`Self::logits`]).
    pub fn pixel_logits(&self, levels: &[u32], n: usize, r: usize, c: usize) -> Result<Tensor> {
        let s = self.side();
        let reach = self.net.reach();
        let r0 = r.saturating_sub(reach);
        let c0 = c.saturating_sub(reach);
        let window = Window {
            r0,
            rows: r + 1 - r0,
            c0,
            cols: (c + reach + 1).min(s) - c0,
        };
        let logits = self.net.forward(&self.input(levels, n, window)?)?; // [n, L, rows, cols]
        Ok(logits
            .narrow(2, r - r0, 1)?
            .narrow(3, c - c0, 1)?
            .squeeze(D::Minus1)?
            .squeeze(D::Minus1)?) // [n, L]
    }

    /// Draws images pixel by pixel in raster order. `given` holds `[n · s · s]`
    /// levels and `keep` the pixels (row-major, `s · s`) to leave as they are (a
    /// completion); `None` draws whole images. Only the rows up to the current one
    /// are run through the network: the masks make the rows below irrelevant.
    pub fn sample(
        &self,
        n: usize,
        seed: u64,
        given: Option<(&[u32], &[bool])>,
    ) -> Result<Vec<u32>> {
        let s = self.side();
        let mut levels = match given {
            Some((g, _)) if g.len() == n * s * s => g.to_vec(),
            Some(_) => return Err(StudioError::Spec("the given pixels do not fit".into())),
            None => vec![0; n * s * s],
        };
        let keep = given.map(|(_, k)| k);
        let mut rng = SeededRng::seed_from_u64(seed);
        for r in 0..s {
            for c in 0..s {
                if keep.is_some_and(|k| k.get(r * s + c).copied().unwrap_or(false)) {
                    continue;
                }
                let probs = self.pixel_distribution(&levels, n, r, c)?;
                for (i, p) in probs.iter().enumerate() {
                    levels[i * s * s + r * s + c] = draw(p, &mut rng);
                }
            }
        }
        Ok(levels)
    }

    /// Classes as image bytes: grey levels, or palette colours (3 bytes a pixel).
    fn bytes(&self, levels: &[u32]) -> Vec<u8> {
        self.classes.bytes(levels)
    }
}

impl Experiment for PixelCnn {
    fn spec(&self) -> ExperimentSpec {
        ExperimentSpec::PixelCnn(self.spec.clone())
    }

    fn metric_names(&self) -> Vec<&'static str> {
        vec!["train_nll_nats", "val_nll_nats", "val_bits_per_dim"]
    }

    fn step(&mut self, _part: StepPart) -> Result<Metrics> {
        let b = self.spec.train.batch_size;
        let n = self.data.len();
        self.data.follow(self.steps * b as u64);
        let indices: Vec<usize> = (0..b).map(|_| self.rng.random_range(0..n)).collect();
        let levels = self.levels_of(&self.data, &indices);
        let loss = self.nll(&levels, b)?;
        self.opt
            .step(&(&loss / (self.side() * self.side()) as f64)?.backward()?)?;
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
        let every = self.spec.schedule.sample_every.max(1);
        if let Some((at, grid)) = &self.gallery
            && step < next_gallery(*at, every)
            && step >= *at
        {
            return Ok(View::Images(grid.clone()));
        }
        let n = self.spec.sample.count;
        let levels = self.sample(n, self.spec.seed ^ 0x5A3F, None)?;
        let s = self.side();
        let cols = (n as f64).sqrt().ceil() as usize;
        let grid = ImageGrid::tile(step, &self.bytes(&levels), n, s, s, self.channels(), cols)
            .with_caption(format!(
                "samples drawn pixel by pixel at step {step} (the next at step {})",
                next_gallery(step, every)
            ));
        self.gallery = Some((step, grid.clone()));
        Ok(View::Images(grid))
    }

    fn set_live(&mut self, key: &str, spec: &ExperimentSpec) -> Result<()> {
        let ExperimentSpec::PixelCnn(new) = spec else {
            return Err(wrong_architecture(spec, "PixelCnn"));
        };
        if key != "train.lr" {
            return Err(not_live(key, "a PixelCNN"));
        }
        self.opt.set_learning_rate(new.train.lr);
        self.spec = new.clone();
        Ok(())
    }

    fn lab(&mut self, query: &LabQuery) -> Result<LabResult> {
        pixel_drawing::answer(self, query, "a PixelCNN")
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

impl PixelModel for PixelCnn {
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
        PixelCnn::held_out_levels(self, i)
    }

    fn originals(&self, count: usize) -> Vec<RgbImage> {
        self.classes.pictures(&self.held_out, self.side(), count)
    }

    /// The predicted distribution of pixel (`r`, `c`) of each of the `n` images
    /// (`[n · s · s]` levels), `[n][classes]`. Only the pixel's receptive field runs
    /// through the network — the rows above it within the network's reach and the
    /// columns within reach on either side — which gives exactly the whole image's
    /// answer (a test checks) at a fraction of the cost.
    fn pixel_distribution(
        &self,
        levels: &[u32],
        n: usize,
        r: usize,
        c: usize,
    ) -> Result<Vec<Vec<f32>>> {
        let logits = self.pixel_logits(levels, n, r, c)?;
        Ok(candle_nn::ops::softmax(&logits, D::Minus1)?.to_vec2::<f32>()?)
    }
}

impl PixelCnn {
    /// Held-out image `i` as levels, for completions.
    pub fn held_out_levels(&self, i: usize) -> Vec<u32> {
        self.levels_of(
            &self.held_out,
            &[i.min(self.held_out.len().saturating_sub(1))],
        )
    }

    /// The network's logits for levels `[n, s·s]`, `[n, levels, s, s]` (for tests of
    /// the autoregressive property).
    pub fn logits(&self, levels: &[u32], n: usize) -> Result<Tensor> {
        self.net.forward(&self.input(levels, n, self.whole())?)
    }
}

/// A window of the image: rows `r0..r0 + rows`, columns `c0..c0 + cols`.
#[derive(Clone, Copy, Debug)]
struct Window {
    r0: usize,
    rows: usize,
    c0: usize,
    cols: usize,
}

#[cfg(test)]
mod tests {
    use super::next_gallery;

    #[test]
    fn the_gallery_is_redrawn_sooner_while_the_model_is_young() {
        let mut at = 0;
        let mut draws = vec![at];
        while at < 2000 {
            at = next_gallery(at, 500);
            draws.push(at);
        }
        assert_eq!(draws, [0, 100, 200, 400, 800, 1300, 1800, 2300]);
        assert_eq!(
            next_gallery(0, 1),
            1,
            "every step when asked for every step"
        );
        assert_eq!(next_gallery(7, 3), 10);
    }
}
