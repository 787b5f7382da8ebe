//! Fast style transfer (Johnson, Alahi and Fei-Fei, 2016): a transformation network
//! learns to repaint any content picture in one style, trained with the optimising
//! transfer's perceptual losses on many content pictures; afterwards a picture is
//! repainted in one forward pass. The gallery shows held-out pictures repainted by
//! the network beside their optimised (slow) version.

mod card;
pub mod content;
pub mod entry;
pub mod net;
pub mod spec;
pub mod style_net;

pub use entry::ARCHITECTURE;
pub use spec::{ContentSource, FastStyleSpec};
pub use style_net::StyleNet;

use std::collections::HashMap;

use candle_core::{Device, Tensor};
use rand::SeedableRng;

use super::canvas::{to_image, to_tensor};
use super::live::not_live;
use super::registry::wrong_architecture;
use super::style_transfer::losses::Perceptual;
use super::style_transfer::{
    PixelOptimise, PixelOptimiser, StartFrom, StylePictures, StyleTransfer, StyleTransferSpec,
};
use super::{EvalCadence, Experiment, ExperimentSpec, Metrics, StepPart, TrainState};
use crate::Result;
use crate::lab::{LabQuery, LabResult, StylizeQuery};
use crate::nn::optim::{Optim, OptimizerKind};
use crate::nn::rng::SeededRng;
use crate::view::{ImageGrid, RgbImage, View};
use content::ContentSet;
use net::Noise;

/// The training state's names for the optimised comparison.
const OPTIMISED_TERMS: &str = "optimised.terms";
const OPTIMISED_PICTURES: &str = "optimised.pictures";

/// A held-out picture's optimised repainting and its weighted losses.
struct Optimised {
    picture: RgbImage,
    terms: [f64; 3],
}

/// The network's repainting of each held-out picture, with its weighted losses.
type HeldOut = Vec<(RgbImage, [f64; 3])>;

/// A fast style transfer in training.
pub struct FastStyle {
    spec: FastStyleSpec,
    model: StyleNet,
    perceptual: Perceptual,
    style: RgbImage,
    pictures: ContentSet,
    adam: Optim,
    rng: SeededRng,
    steps: u64,
    cadence: EvalCadence,
    /// The first `compare.pictures` held-out pictures optimised, once.
    optimised: Option<Vec<Optimised>>,
    /// Each held-out picture as a tensor, and its content target (fixed).
    held_out_inputs: Vec<(Tensor, Tensor)>,
    /// The network's held-out pictures and losses at a step, for the gallery of
    /// the step they were measured at.
    held_out_at: Option<(u64, HeldOut)>,
    device: Device,
}

impl FastStyle {
    /// Loads the pictures and the feature network and builds the network to train.
    pub fn new(spec: FastStyleSpec, device: &Device) -> Result<Self> {
        ExperimentSpec::from(spec.clone()).validate()?;
        let pictures = ContentSet::load(&spec)?;
        let style = spec.style.load(spec.content.size)?;
        let net = super::feature_choice::load(&spec.network, device)?;
        let perceptual = Perceptual::new(net, spec.layers.clone(), &style, device)?;
        let model = StyleNet::new(&spec, device)?;
        let held_out_inputs = pictures
            .held_out
            .iter()
            .map(|p| {
                let x = to_tensor(p, device)?;
                let target = perceptual.content_target(&x)?;
                Ok((x, target))
            })
            .collect::<Result<Vec<_>>>()?;
        let adam = Optim::new(
            OptimizerKind::Adam,
            model.params.vars_with_prefix(""),
            spec.train.lr,
            0.9,
        )?;
        Ok(Self {
            rng: SeededRng::seed_from_u64(spec.seed ^ 0xFA57),
            spec,
            model,
            perceptual,
            style,
            pictures,
            adam,
            steps: 0,
            cadence: EvalCadence::default(),
            optimised: None,
            held_out_inputs,
            held_out_at: None,
            device: device.clone(),
        })
    }

    /// The optimising transfer's spec for one held-out picture.
    fn optimising_spec(&self) -> StyleTransferSpec {
        let s = &self.spec;
        StyleTransferSpec {
            name: format!("{} (optimised)", s.name),
            seed: s.seed,
            schedule: Default::default(),
            pictures: StylePictures {
                content: Default::default(),
                style: s.style.clone(),
                size: s.content.size,
                preserve_colour: false,
            },
            network: s.network.clone(),
            layers: s.layers.clone(),
            loss: s.loss,
            optimise: PixelOptimise {
                optimiser: PixelOptimiser::Lbfgs,
                lr: 0.02,
                start: StartFrom::Content,
            },
        }
    }

    /// Optimises the first `compare.pictures` held-out pictures (once).
    fn optimise_held_out(&mut self) -> Result<()> {
        if self.optimised.is_some() {
            return Ok(());
        }
        let mut done = Vec::new();
        for picture in self.pictures.held_out.iter().take(self.spec.compare.pictures) {
            let (spec, losses) = (self.optimising_spec(), self.perceptual.clone());
            let mut transfer =
                StyleTransfer::with_perceptual(spec, picture.clone(), &self.style, losses, &self.device)?;
            for _ in 0..self.spec.compare.iterations {
                transfer.iterate()?;
            }
            done.push(Optimised {
                picture: transfer.result()?,
                terms: transfer.terms(),
            });
        }
        self.optimised = Some(done);
        Ok(())
    }

    /// The network's repainting of each held-out picture and its weighted losses
    /// now (measured once a step: the evaluation and the gallery share them).
    fn held_out(&mut self) -> Result<HeldOut> {
        if let Some((step, rows)) = &self.held_out_at
            && *step == self.steps
        {
            return Ok(rows.clone());
        }
        let rows = self
            .held_out_inputs
            .iter()
            .map(|(x, target)| {
                let y = self.model.net.forward(x, Noise::Fixed)?.detach();
                let losses = self.perceptual.losses(&y, target, self.spec.loss)?;
                Ok((to_image(&y)?, losses.terms))
            })
            .collect::<Result<Vec<_>>>()?;
        self.held_out_at = Some((self.steps, rows.clone()));
        Ok(rows)
    }

    /// The learning rate at this step, after the warm-up and decay.
    fn lr_now(&self) -> f64 {
        let t = &self.spec.train;
        let total = self.spec.schedule.steps;
        t.lr * crate::nn::lr_schedule::factor(t.lr_decay, t.lr_warmup, total, self.steps)
    }

    /// Answers the lab: a picture file or a landscape, repainted.
    fn stylize(&self, query: &StylizeQuery) -> Result<LabResult> {
        let original = match query {
            StylizeQuery::File { path, max_side } => {
                crate::data::pictures::read_picture_at_most(path, *max_side)?
            }
            StylizeQuery::Landscape { params, width } => {
                params.draw(*width, (*width * 3 / 4).max(style_net::MIN_SIDE))
            }
        };
        let start = std::time::Instant::now();
        let result = self.model.repaint(&original)?;
        Ok(LabResult::Repainted {
            original,
            result,
            seconds: start.elapsed().as_secs_f64(),
        })
    }
}

/// The mean of each of three terms over `rows`.
fn mean_terms<'a>(rows: impl Iterator<Item = &'a [f64; 3]>) -> [f64; 3] {
    let (mut sum, mut n) = ([0.0; 3], 0.0);
    for r in rows {
        for k in 0..3 {
            sum[k] += r[k];
        }
        n += 1.0;
    }
    sum.map(|s| s / f64::max(n, 1.0))
}

impl Experiment for FastStyle {
    fn spec(&self) -> ExperimentSpec {
        ExperimentSpec::FastStyle(self.spec.clone())
    }

    fn metric_names(&self) -> Vec<&'static str> {
        vec![
            "content_loss",
            "style_loss",
            "tv_loss",
            "total_loss",
            "lr",
            "val_content_loss",
            "val_style_loss",
            "val_tv_loss",
            "val_total_loss",
            "optimised_content_loss",
            "optimised_style_loss",
            "content_vs_optimised",
            "style_vs_optimised",
        ]
    }

    fn step(&mut self, _part: StepPart) -> Result<Metrics> {
        let x = self
            .pictures
            .batch(self.spec.train.batch_size, &mut self.rng, &self.device)?;
        let target = self.perceptual.content_target(&x)?;
        let y = self.model.net.forward(&x, Noise::Drawn(&mut self.rng))?;
        let losses = self.perceptual.losses(&y, &target, self.spec.loss)?;
        let grads = losses.total.backward()?;
        let lr = self.lr_now();
        self.adam.set_learning_rate(lr);
        self.adam.step(&grads)?;
        self.steps += 1;
        let mut metrics = losses.metrics();
        metrics.push(("lr", lr));
        Ok(metrics)
    }

    fn evaluate(&mut self) -> Result<Metrics> {
        if !self.cadence.due(self.steps, self.spec.schedule.sample_every) {
            return Ok(Metrics::new());
        }
        self.evaluate_final()
    }

    fn evaluate_final(&mut self) -> Result<Metrics> {
        if !self.cadence.start(self.steps) {
            return Ok(Metrics::new());
        }
        self.optimise_held_out()?;
        let rows = self.held_out()?;
        let [c, s, tv] = mean_terms(rows.iter().map(|r| &r.1));
        let mut metrics = vec![
            ("val_content_loss", c),
            ("val_style_loss", s),
            ("val_tv_loss", tv),
            ("val_total_loss", c + s + tv),
        ];
        if let Some(opt) = self.optimised.as_ref().filter(|o| !o.is_empty()) {
            let mine = mean_terms(rows.iter().take(opt.len()).map(|r| &r.1));
            let theirs = mean_terms(opt.iter().map(|o| &o.terms));
            metrics.extend([
                ("optimised_content_loss", theirs[0]),
                ("optimised_style_loss", theirs[1]),
                ("content_vs_optimised", mine[0] / theirs[0].max(1e-12)),
                ("style_vs_optimised", mine[1] / theirs[1].max(1e-12)),
            ]);
        }
        Ok(metrics)
    }

    fn view(&mut self, step: u64) -> Result<View> {
        let rows = self.held_out()?;
        let optimised = self.optimised.as_deref().unwrap_or(&[]);
        let compare = self.spec.compare.pictures > 0;
        let cols = if compare { 3 } else { 2 };
        let (w, h) = (self.spec.content.size, self.spec.height());
        let mut bytes = Vec::new();
        for (i, (repainted, _)) in rows.iter().enumerate() {
            bytes.extend_from_slice(&self.pictures.held_out[i].pixels);
            bytes.extend_from_slice(&repainted.pixels);
            if compare {
                match optimised.get(i) {
                    Some(o) => bytes.extend_from_slice(&o.picture.pixels),
                    None => bytes.extend(std::iter::repeat_n(40u8, w * h * 3)),
                }
            }
        }
        let caption = if compare {
            format!(
                "held-out pictures: content · the network (one pass) · optimised pixels ({} L-BFGS iterations; first {} only)",
                self.spec.compare.iterations, self.spec.compare.pictures
            )
        } else {
            "held-out pictures: content · the network (one pass)".into()
        };
        Ok(View::Images(
            ImageGrid::tile(step, &bytes, rows.len() * cols, w, h, 3, cols).with_caption(caption),
        ))
    }

    fn set_live(&mut self, key: &str, spec: &ExperimentSpec) -> Result<()> {
        let ExperimentSpec::FastStyle(new) = spec else {
            return Err(wrong_architecture(spec, "FastStyle"));
        };
        match key {
            "train.lr" | "loss.content" | "loss.style" | "loss.tv" => {}
            _ => return Err(not_live(key, "a fast style transfer")),
        }
        // New loss weights: the held-out losses of this step are measured again.
        self.held_out_at = None;
        self.spec = new.clone();
        Ok(())
    }

    fn lab(&mut self, query: &LabQuery) -> Result<LabResult> {
        match query {
            LabQuery::Stylize(q) => self.stylize(q),
            other => Err(crate::StudioError::Spec(format!(
                "a fast style transfer cannot answer {:?}",
                other.slot()
            ))),
        }
    }

    fn tensors(&self) -> Vec<(String, Tensor)> {
        self.model.params.tensors()
    }

    fn load_tensors(&mut self, tensors: &HashMap<String, Tensor>) -> Result<()> {
        self.held_out_at = None;
        self.model.params.load(tensors)
    }

    fn train_state(&self) -> Result<TrainState> {
        let mut state = TrainState::of_one_model(&self.rng, &self.adam, self.steps, &self.cadence)?;
        // The optimised comparison took a while: a continued or reopened run keeps it.
        let terms = self.optimised.as_ref().map(|o| o.iter().map(|p| p.terms).collect::<Vec<_>>());
        state.put(OPTIMISED_TERMS, &terms)?;
        if let Some(o) = self.optimised.as_ref().filter(|o| !o.is_empty()) {
            let pictures: Vec<RgbImage> = o.iter().map(|p| p.picture.clone()).collect();
            state.put_tensor(OPTIMISED_PICTURES, &content::stack(&pictures, &Device::Cpu)?)?;
        }
        Ok(state)
    }

    fn load_train_state(&mut self, state: &TrainState) -> Result<()> {
        state.restore_one_model(&mut self.rng, &mut self.adam, &mut self.steps, &mut self.cadence)?;
        self.held_out_at = None;
        // Without the comparison (an earlier version's checkpoint) it is made again.
        let terms: Option<Vec<[f64; 3]>> = state.get(OPTIMISED_TERMS).ok().flatten();
        self.optimised = match terms {
            Some(terms) if !terms.is_empty() => {
                let (w, h) = (self.spec.content.size, self.spec.height());
                let t = state.tensor(OPTIMISED_PICTURES, &[terms.len(), 3, h, w])?;
                let pictures = (0..terms.len())
                    .map(|i| to_image(&t.narrow(0, i, 1)?))
                    .collect::<Result<Vec<_>>>()?;
                let kept = pictures.into_iter().zip(terms);
                Some(kept.map(|(picture, terms)| Optimised { picture, terms }).collect())
            }
            other => other.map(|_| Vec::new()),
        };
        Ok(())
    }
}
