//! DeepDream (Mordvintsev et al., 2015): gradient *ascent* on the pixels to make a
//! layer's activations (or a few of its channels) stronger, octave by octave: the
//! picture is dreamt small first, then enlarged, its dreamt detail carried up to the
//! next scale. A random shift (jitter) each step keeps grid artefacts away.

use std::collections::HashMap;

use candle_core::{Device, IndexOp, Tensor, Var};
use crate::nn::rng::SeededRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use super::canvas::{resize, to_image, to_tensor};
use super::live::not_live;
use super::{Experiment, ExperimentSpec, Metrics, Schedule, StepPart, TrainState};
use crate::data::pictures::PictureSource;
use crate::experiments::registry::{
    Architecture, Bench, Better, Headline, Preset, SampleKind, Setting, SettingKind, Tools,
    wrong_architecture,
};
use crate::features::{FeatureNet, FeatureSource};
use crate::view::{ImageGrid, RgbImage, View};
use crate::{Result, StudioError};
use crate::experiments::working_memory::WorkingMemory;

/// Everything that defines a dream. `schedule.steps` is the total of iterations,
/// spread evenly over the octaves.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeepDreamSpec {
    /// Display name.
    pub name: String,
    /// Seeds the jitter.
    pub seed: u64,
    /// Iterations (all octaves together), and when to log, draw and save.
    #[serde(default)]
    pub schedule: Schedule,
    /// The picture dreamt on.
    pub picture: PictureSource,
    /// Longer side of the working picture (the last octave), in pixels.
    pub size: usize,
    /// The frozen network.
    pub network: FeatureSource,
    /// What is amplified, and how.
    pub dream: DreamSettings,
}

crate::arch_spec!(DeepDreamSpec);

/// What is amplified, and how.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DreamSettings {
    /// The layer whose activations grow.
    pub layer: String,
    /// Only these channels of the layer (empty = all).
    pub channels: Vec<usize>,
    /// Size of each step, in pixel units, along the gradient scaled to mean |g| = 1.
    pub step_size: f64,
    /// Octaves (scales), the smallest first.
    pub octaves: usize,
    /// Ratio between the sides of two successive octaves.
    pub octave_scale: f64,
    /// Largest random shift before each step, in pixels.
    pub jitter: usize,
}

impl DeepDreamSpec {
    /// Checks ranges; whether the layer exists is checked against the network.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(StudioError::Spec(m.to_string()));
        let d = &self.dream;
        if !(32..=2048).contains(&self.size) {
            return bad("size must be between 32 and 2048 pixels");
        }
        if !(1..=8).contains(&d.octaves) || !(1.0..=3.0).contains(&d.octave_scale) {
            return bad("dream.octaves between 1 and 8, dream.octave_scale between 1 and 3");
        }
        if d.jitter > 64 {
            return bad("dream.jitter at most 64 pixels");
        }
        self.picture.validate("picture")
    }

    /// Iterations per octave.
    pub fn iterations_per_octave(&self) -> u64 {
        self.schedule
            .steps
            .div_ceil(self.dream.octaves as u64)
            .max(1)
    }
}

/// A dream in progress.
pub struct DeepDream {
    spec: DeepDreamSpec,
    net: FeatureNet,
    original: RgbImage,
    /// The original at each octave's size, smallest first, `[1, 3, h, w]`.
    bases: Vec<Tensor>,
    octave: usize,
    /// The picture at the current octave's size.
    image: Tensor,
    steps: u64,
    rng: SeededRng,
    wanted: Vec<String>,
}

/// A dream's peak against a style transfer's to the same layer: it keeps no targets
/// or Gram matrices, and only its last octave is full size. Fitted to the measured
/// peak at 2048 px (`/usr/bin/time -f %M latent-studio --force train deep_dream
/// --steps 4 --set size=2048`: 14.9 GB, where the style transfer's arithmetic says
/// 28.0 GB and refused a dream that ran).
pub const DREAM_SHARE: f64 = 0.56;

/// The memory a dream of `spec` needs, bytes (at its picture's size, 4:3).
fn picture_estimate_bytes(spec: &DeepDreamSpec) -> u64 {
    let size = spec.size;
    let cost =
        crate::features::estimate::estimate(&spec.network, size, size * 3 / 4, &spec.dream.layer);
    (cost.megabytes * 1e6 * DREAM_SHARE) as u64
}

impl DeepDream {
    /// Reads the picture and builds the network.
    pub fn new(spec: DeepDreamSpec, device: &Device) -> Result<Self> {
        ExperimentSpec::from(spec.clone()).validate()?;
        let size = spec.size;
        crate::memory_guard::check(
            picture_estimate_bytes(&spec),
            &format!("a dream at {size} px"),
            "lower size (--size)",
        )?;
        let net = super::feature_choice::load(&spec.network, device)?;
        let layer = &spec.dream.layer;
        let Some(channels) = net.channels(layer) else {
            return Err(StudioError::Spec(format!(
                "{} has no layer {layer} (it has {})",
                net.description,
                net.layer_names().join(", ")
            )));
        };
        if let Some(c) = spec.dream.channels.iter().find(|&&c| c >= channels) {
            return Err(StudioError::Spec(format!(
                "{layer} has {channels} channels: there is no channel {c}"
            )));
        }
        let original = spec.picture.load(spec.size)?;
        let full = to_tensor(&original, device)?;
        let (w, h) = (original.width, original.height);
        let n = spec.dream.octaves;
        let bases = (0..n)
            .map(|o| {
                let shrink = spec.dream.octave_scale.powi((n - 1 - o) as i32);
                let side = |v: usize| ((v as f64 / shrink).round() as usize).max(16);
                resize(&full, side(h), side(w))
            })
            .collect::<Result<Vec<_>>>()?;
        let image = bases[0].clone();
        Ok(Self {
            wanted: vec![layer.clone()],
            rng: SeededRng::seed_from_u64(spec.seed),
            spec,
            net,
            original,
            bases,
            octave: 0,
            image,
            steps: 0,
        })
    }

    /// The objective at picture `x`: half the mean square of the chosen activations.
    fn objective(&self, x: &Tensor) -> Result<Tensor> {
        let mut f = self.net.forward(x, &self.wanted)?;
        let a = f
            .remove(&self.spec.dream.layer)
            .ok_or_else(|| StudioError::Spec("the dream layer gave nothing".into()))?; // [1, c, h, w]
        let a = if self.spec.dream.channels.is_empty() {
            a
        } else {
            let ix: Vec<u32> = self.spec.dream.channels.iter().map(|&c| c as u32).collect();
            let ix = Tensor::from_vec(ix, self.spec.dream.channels.len(), x.device())?;
            a.index_select(&ix, 1)?
        };
        Ok((a.sqr()?.mean_all()? * 0.5)?)
    }

    /// Moves to the next octave: the original at the larger size plus the detail
    /// dreamt so far, enlarged.
    fn next_octave(&mut self) -> Result<()> {
        let (old, new) = (&self.bases[self.octave], &self.bases[self.octave + 1]);
        let (_, _, h, w) = new.dims4()?;
        let detail = (&self.image - old)?;
        self.image = (new + resize(&detail, h, w)?)?;
        self.octave += 1;
        Ok(())
    }

    /// What the feature network is.
    pub fn network(&self) -> &str {
        &self.net.description
    }

    /// The dream now, at the working size.
    pub fn result(&self) -> Result<RgbImage> {
        let (w, h) = (self.original.width, self.original.height);
        to_image(&resize(&self.image, h, w)?)
    }
}

/// `x` `[1, c, h, w]` shifted by (`dy`, `dx`), wrapping around.
fn roll(x: &Tensor, dy: i64, dx: i64) -> Result<Tensor> {
    Ok(x.roll(dy as i32, 2)?.roll(dx as i32, 3)?)
}

impl Experiment for DeepDream {
    fn spec(&self) -> ExperimentSpec {
        ExperimentSpec::DeepDream(self.spec.clone())
    }

    fn metric_names(&self) -> Vec<&'static str> {
        vec!["activation", "octave"]
    }

    fn step(&mut self, _part: StepPart) -> Result<Metrics> {
        let per = self.spec.iterations_per_octave();
        if self.steps > 0 && self.steps.is_multiple_of(per) && self.octave + 1 < self.bases.len() {
            self.next_octave()?;
        }
        self.steps += 1;
        let j = self.spec.dream.jitter as i64;
        let (dy, dx) = if j > 0 {
            (self.rng.random_range(-j..=j), self.rng.random_range(-j..=j))
        } else {
            (0, 0)
        };
        let shifted = Var::from_tensor(&roll(&self.image, dy, dx)?)?;
        let objective = self.objective(shifted.as_tensor())?;
        let grads = objective.backward()?;
        let g = grads
            .get(shifted.as_tensor())
            .ok_or_else(|| StudioError::Spec("no gradient reached the pixels".into()))?
            .detach();
        let g = roll(&g, -dy, -dx)?;
        let scale = g.abs()?.mean_all()?.to_scalar::<f32>()? as f64 + 1e-8;
        self.image =
            (&self.image + (g * (self.spec.dream.step_size / scale))?)?.clamp(0f32, 1f32)?;
        Ok(vec![
            ("activation", objective.to_scalar::<f32>()? as f64),
            ("octave", (self.octave + 1) as f64),
        ])
    }

    fn evaluate(&mut self) -> Result<Metrics> {
        Ok(Vec::new())
    }

    fn view(&mut self, step: u64) -> Result<View> {
        let result = self.result()?;
        let (w, h) = (result.width, result.height);
        let mut bytes = self.original.pixels.clone();
        bytes.extend_from_slice(&result.pixels);
        let mut grid = ImageGrid::tile(step, &bytes, 2, w, h, 3, 2);
        grid.caption = format!(
            "original · dream (octave {} of {})",
            self.octave + 1,
            self.bases.len()
        );
        Ok(View::Images(grid))
    }

    fn set_live(&mut self, key: &str, spec: &ExperimentSpec) -> Result<()> {
        let ExperimentSpec::DeepDream(new) = spec else {
            return Err(wrong_architecture(spec, "DeepDream"));
        };
        if key != "dream.step_size" {
            return Err(not_live(key, "a dream"));
        }
        self.spec = new.clone();
        Ok(())
    }

    fn picture(&self) -> Option<Result<RgbImage>> {
        Some(self.result())
    }

    fn tensors(&self) -> Vec<(String, Tensor)> {
        let octave = Tensor::new(&[self.octave as u32], self.image.device());
        let mut all = vec![("dream".to_string(), self.image.clone())];
        if let Ok(o) = octave {
            all.push(("octave".to_string(), o));
        }
        all
    }

    fn load_tensors(&mut self, tensors: &HashMap<String, Tensor>) -> Result<()> {
        let (Some(image), Some(octave)) = (tensors.get("dream"), tensors.get("octave")) else {
            return Err(StudioError::Checkpoint(
                "the checkpoint holds no dream".into(),
            ));
        };
        let octave = octave.i(0)?.to_scalar::<u32>()? as usize;
        let Some(base) = self.bases.get(octave) else {
            return Err(StudioError::Checkpoint(format!(
                "the checkpoint is at octave {}, this dream has {}",
                octave + 1,
                self.bases.len()
            )));
        };
        if image.dims() != base.dims() {
            return Err(StudioError::Checkpoint(format!(
                "the checkpoint's picture is {:?}, this octave's {:?}",
                image.dims(),
                base.dims()
            )));
        }
        self.image = image.to_dtype(candle_core::DType::F32)?;
        self.octave = octave;
        self.steps = octave as u64 * self.spec.iterations_per_octave();
        Ok(())
    }

    fn train_state(&self) -> Result<TrainState> {
        let mut state = TrainState::new();
        state.put_rng("rng", &self.rng)?;
        state.put("steps", &self.steps)?;
        Ok(state)
    }

    fn load_train_state(&mut self, state: &TrainState) -> Result<()> {
        let steps: u64 = state.get("steps")?;
        self.rng = state.rng("rng")?;
        self.steps = steps;
        Ok(())
    }
}

/// DeepDream in the registry.
pub const ARCHITECTURE: Architecture = Architecture {
    card: super::deep_dream_card::card,
    working_memory,
    key: "deep_dream",
    label: "DeepDream (optimise the picture)",
    presets: &[Preset {
        file: "deep_dream.toml",
        toml: include_str!("../../presets/deep_dream.toml"),
    }],
    build: |spec, device| match spec {
        ExperimentSpec::DeepDream(s) => Ok(Box::new(DeepDream::new(s.clone(), device)?)),
        other => Err(wrong_architecture(other, "DeepDream")),
    },
    headline: Headline {
        metric: "activation",
        better: Better::Higher,
    },
    tools: Tools {
        samples: SampleKind::Picture,
        lab: None,
        gan_steps: false,
    },
    settings: &[Setting::live(
        "dream.step_size",
        "Step size",
        "How far each step moves the pixels (along the gradient scaled to mean 1).",
        SettingKind::Float {
            min: 1e-4,
            max: 1.0,
            log: true,
        },
    )],
    benches: &[Bench {
        name: "deep-dream",
        about: "DeepDream at 256 × 192 (the last octave): one iteration",
        sampling: false,
        spec: deep_dream_bench,
    }],
};

/// The benchmark dream: one octave that never ends.
fn deep_dream_bench() -> Result<ExperimentSpec> {
    ARCHITECTURE.presets[0].with(&["dream.octaves=1", "schedule.steps=1000000"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolling_there_and_back_is_the_identity() -> Result<()> {
        let x = Tensor::arange(0f32, 24.0, &Device::Cpu)?.reshape((1, 2, 3, 4))?;
        let moved = roll(&x, 1, -3)?;
        // new[y][x] = old[y − 1][x − 1] (mod the sides): row 1 column 1 holds old (0, 0).
        assert_eq!(moved.i((0, 0, 1, 1))?.to_scalar::<f32>()?, 0.0);
        assert_eq!(moved.i((0, 1, 0, 0))?.to_scalar::<f32>()?, 12.0 + 8.0 + 3.0);
        let back = roll(&moved, -1, 3)?;
        let d = (back - &x)?.abs()?.max_all()?.to_scalar::<f32>()?;
        assert_eq!(d, 0.0);
        Ok(())
    }
}

/// The dream's estimate (from the picture's size and the layer), which it checks
/// itself before it starts.
fn working_memory(spec: &ExperimentSpec) -> WorkingMemory {
    let ExperimentSpec::DeepDream(s) = spec else {
        return WorkingMemory::default();
    };
    WorkingMemory {
        picture_bytes: picture_estimate_bytes(s),
        ..WorkingMemory::default()
    }
}
