//! Autoencoders: plain, denoising and variational (a convolutional VAE with a
//! Bernoulli or Gaussian decoder, β and KL warm-up), and the latent lab's answers
//! for all three.

mod card;
pub mod entry;
mod measures;
mod lab;
pub mod nets;
pub mod spec;

pub use entry::ARCHITECTURE;

use std::collections::HashMap;
use std::path::Path;

use candle_core::{Device, Tensor};
use crate::nn::rng::SeededRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, StandardNormal};

use super::image_data;
use super::nearest_training;
use super::live::not_live;
use super::registry::wrong_architecture;
use super::{EvalCadence, Experiment, ExperimentSpec, Metrics, StepPart, TrainState};
use crate::data::ImageSet;
use crate::data::binarize::TrainImages;
use crate::lab::{LabQuery, LabResult};
use crate::quality::probe::{LazyProbe, quality_columns};
use crate::nn::gaussian::{bernoulli_nll, gaussian_nll, kl_to_standard_normal, reparameterise};
use crate::nn::lr_schedule;
use crate::nn::optim::{Optim, OptimizerKind};
use crate::nn::params::ParamStore;
use crate::view::{ImageGrid, View};
use crate::{Result, StudioError};
use nets::{Decoder, Encoder};
pub use spec::AutoencoderSpec;
use spec::{AutoencoderKind, Reconstruction};

/// Held-out images shown in the gallery, with their reconstructions.
const VIEW_IMAGES: usize = 16;
/// Prior samples shown in a VAE's gallery.
const VIEW_PRIOR: usize = 16;
/// A latent unit is active when the variance of its mean code over the held-out
/// images exceeds this (Burda et al., 2016).
const ACTIVE_UNIT_VARIANCE: f64 = 0.01;

/// A running autoencoder.
pub struct Autoencoder {
    spec: AutoencoderSpec,
    device: Device,
    params: ParamStore,
    enc: Encoder,
    dec: Decoder,
    opt: Optim,
    rng: SeededRng,
    /// The training images (binarised as the spec says).
    data: TrainImages,
    held_out: ImageSet,
    /// Training steps in this session (the KL warm-up counts them).
    steps: u64,
    /// When the held-out set is measured.
    cadence: EvalCadence,
    /// The step the importance-weighted estimate was last made at.
    iwae_at: Option<u64>,
    /// A VAE's prior samples: the classifier and held-out statistics (made at the
    /// first measurement, cached in the run folder) and the step last measured.
    probe: LazyProbe,
    last_quality: Option<u64>,
    /// Fixed noise for the gallery: the denoising input's and the prior samples'.
    view_noise: Tensor,
    view_prior: Tensor,
}

impl Autoencoder {
    /// Loads the data and builds both networks from the spec's seed.
    pub fn new(spec: AutoencoderSpec, device: &Device) -> Result<Self> {
        ExperimentSpec::from(spec.clone()).validate()?;
        let (data, held_out) = spec.data.load(spec.seed)?;
        let probe = LazyProbe::new(spec.seed, device);
        if held_out.len() < VIEW_IMAGES {
            return Err(StudioError::Spec(format!(
                "only {} held-out images: an autoencoder needs at least {VIEW_IMAGES}",
                held_out.len()
            )));
        }
        let mut rng = SeededRng::seed_from_u64(spec.seed);
        let mut params = ParamStore::new();
        let variational = spec.model.kind == AutoencoderKind::Vae;
        let enc = Encoder::new(&spec, variational, &mut params, &mut rng, device)?;
        let dec = Decoder::new(&spec, &mut params, &mut rng, device)?;
        let opt = Optim::new(
            OptimizerKind::Adam,
            params.vars_with_prefix(""),
            spec.train.lr,
            0.9,
        )?;
        let (s, c) = (spec.data.image_size, spec.data.channels);
        let view_noise = randn(&mut rng, &[VIEW_IMAGES, c, s, s], device)?;
        let view_prior = randn(&mut rng, &[VIEW_PRIOR, spec.model.latent_dim], device)?;
        Ok(Self {
            spec,
            device: device.clone(),
            params,
            enc,
            dec,
            opt,
            rng,
            data,
            held_out,
            steps: 0,
            cadence: EvalCadence::default(),
            iwae_at: None,
            probe,
            last_quality: None,
            view_noise,
            view_prior,
        })
    }

    fn is_vae(&self) -> bool {
        self.spec.model.kind == AutoencoderKind::Vae
    }

    /// The KL weight now, after warm-up.
    fn beta_now(&self) -> f64 {
        let t = &self.spec.train;
        if t.kl_warmup == 0 {
            t.beta
        } else {
            t.beta * (self.steps as f64 / t.kl_warmup as f64).min(1.0)
        }
    }

    /// The learning rate at this step, after the warm-up and decay.
    fn lr_now(&self) -> f64 {
        let t = &self.spec.train;
        let total = self.spec.schedule.steps;
        t.lr * lr_schedule::factor(t.lr_decay, t.lr_warmup, total, self.steps)
    }

    /// A denoising autoencoder's input: `x` plus `noise` (standard normal, scaled by
    /// `train.noise`), clipped to [0, 1].
    fn corrupt(&self, x: &Tensor, noise: &Tensor) -> Result<Tensor> {
        Ok((x + (noise * self.spec.train.noise)?)?.clamp(0.0, 1.0)?)
    }

    /// −log p(x | decoder output) per image, `[b]`.
    fn reconstruction_nll(&self, out: &Tensor, x: &Tensor) -> Result<Tensor> {
        match self.spec.train.reconstruction {
            Reconstruction::Bernoulli => bernoulli_nll(out, x),
            Reconstruction::Gaussian => gaussian_nll(
                &candle_nn::ops::sigmoid(out)?,
                x,
                self.spec.train.gaussian_sigma,
            ),
        }
    }

    /// The mean code of images `[b, c, s, s]` (pixels in [0, 1]), `[b, d]`.
    pub(crate) fn encode(&self, x: &Tensor) -> Result<Tensor> {
        Ok(self.enc.forward(x)?.0)
    }

    /// Images `[b, c, s, s]` (pixels in [0, 1]) decoded from codes `[b, d]`.
    pub(crate) fn decode(&self, z: &Tensor) -> Result<Tensor> {
        Ok(candle_nn::ops::sigmoid(&self.dec.forward(z)?)?)
    }

    /// Held-out images `indices` as a tensor.
    fn held_out_batch(&self, indices: &[usize]) -> Result<Tensor> {
        image_data::batch(&self.held_out, indices, 0.0, 1.0, &self.device)
    }
}

impl Experiment for Autoencoder {
    fn spec(&self) -> ExperimentSpec {
        ExperimentSpec::Autoencoder(self.spec.clone())
    }

    fn metric_names(&self) -> Vec<&'static str> {
        if self.is_vae() {
            let mut names = vec![
                "loss",
                "reconstruction",
                "lr",
                "kl",
                "beta",
                "val_reconstruction",
                "val_kl",
                "val_elbo",
                "active_units",
            ];
            if self.spec.eval.iwae_samples > 0 {
                names.extend(["val_nll_iwae", "iwae_seconds"]);
            }
            if self.quality_enabled() {
                names.extend(quality_columns(self.data.class_names.len()));
            }
            names
        } else {
            vec!["loss", "reconstruction", "lr", "val_reconstruction"]
        }
    }

    fn step(&mut self, _part: StepPart) -> Result<Metrics> {
        let b = self.spec.train.batch_size;
        let n = self.data.len();
        self.data.follow(self.steps * b as u64);
        let indices: Vec<usize> = (0..b).map(|_| self.rng.random_range(0..n)).collect();
        let x = image_data::batch(&self.data, &indices, 0.0, 1.0, &self.device)?; // [b, c, s, s]
        let input = if self.spec.model.kind == AutoencoderKind::Denoising {
            let noise = randn(&mut self.rng, x.dims(), &self.device)?;
            self.corrupt(&x, &noise)?
        } else {
            x.clone()
        };
        let (mu, log_var) = self.enc.forward(&input)?; // [b, d] each
        let (z, kl) = match &log_var {
            Some(lv) => {
                let eps = randn(&mut self.rng, mu.dims(), &self.device)?;
                let kl = kl_to_standard_normal(&mu, lv)?.mean(0)?;
                (reparameterise(&mu, lv, &eps)?, Some(kl))
            }
            None => (mu, None),
        };
        let rec = self
            .reconstruction_nll(&self.dec.forward(&z)?, &x)?
            .mean(0)?; // nats per image
        let beta = self.beta_now();
        let lr = self.lr_now();
        self.opt.set_learning_rate(lr);
        let loss = match &kl {
            Some(kl) => (&rec + (kl * beta)?)?,
            None => rec.clone(),
        };
        self.opt.step(&loss.backward()?)?;
        self.steps += 1;
        let mut out: Metrics = vec![
            ("loss", scalar(&loss)?),
            ("reconstruction", scalar(&rec)?),
            ("lr", lr),
        ];
        if let Some(kl) = &kl {
            out.push(("kl", scalar(kl)?));
            out.push(("beta", beta));
        }
        Ok(out)
    }

    fn evaluate(&mut self) -> Result<Metrics> {
        let mut out = Metrics::new();
        if self.cadence.due(self.steps, self.spec.eval.every) && self.cadence.start(self.steps) {
            out = self.measure_held_out()?;
        }
        if self.quality_enabled() && self.spec.quality.due(self.last_quality, self.steps) {
            self.last_quality = Some(self.steps);
            out.extend(self.measure_prior_quality()?);
        }
        Ok(out)
    }

    fn evaluate_final(&mut self) -> Result<Metrics> {
        let mut out = if self.cadence.start(self.steps) {
            self.measure_held_out()?
        } else {
            Metrics::new()
        };
        if self.quality_enabled() && self.last_quality != Some(self.steps) {
            self.last_quality = Some(self.steps);
            out.extend(self.measure_prior_quality()?);
        }
        if self.is_vae() && self.spec.eval.iwae_samples > 0 && self.iwae_at != Some(self.steps) {
            self.iwae_at = Some(self.steps);
            let clock = std::time::Instant::now();
            out.push(("val_nll_iwae", self.held_out_iwae_nll()?));
            out.push(("iwae_seconds", clock.elapsed().as_secs_f64()));
        }
        Ok(out)
    }

    fn use_run_folder(&mut self, dir: &Path) {
        self.probe.run_dir = Some(dir.to_path_buf());
    }

    fn view(&mut self, step: u64) -> Result<View> {
        let indices: Vec<usize> = (0..VIEW_IMAGES).collect();
        let x = self.held_out_batch(&indices)?;
        let denoising = self.spec.model.kind == AutoencoderKind::Denoising;
        let input = if denoising {
            self.corrupt(&x, &self.view_noise)?
        } else {
            x.clone()
        };
        let recon = self.decode(&self.encode(&input)?)?;
        // Rows of 8: [noisy input,] original, reconstruction; twice.
        let mut rows = Vec::new();
        for half in [0, 8] {
            if denoising {
                rows.push(input.narrow(0, half, 8)?);
            }
            rows.push(x.narrow(0, half, 8)?);
            rows.push(recon.narrow(0, half, 8)?);
        }
        let mut caption = if denoising {
            "rows: noisy input · clean target · reconstruction (twice)".to_string()
        } else {
            "rows: held-out image · reconstruction (twice)".to_string()
        };
        if self.is_vae() {
            rows.push(self.decode(&self.view_prior)?);
            caption.push_str(", then samples from the prior");
        }
        let all = Tensor::cat(&rows, 0)?;
        let count = all.dim(0)?;
        let (s, c) = (self.spec.data.image_size, self.spec.data.channels);
        let bytes = image_data::to_bytes(&all)?;
        Ok(View::Images(
            ImageGrid::tile(step, &bytes, count, s, s, c, 8).with_caption(caption),
        ))
    }

    fn set_live(&mut self, key: &str, spec: &ExperimentSpec) -> Result<()> {
        let ExperimentSpec::Autoencoder(new) = spec else {
            return Err(wrong_architecture(spec, "Autoencoder"));
        };
        match key {
            "train.lr" => self.opt.set_learning_rate(new.train.lr),
            "train.beta" | "train.noise" => {}
            _ => {
                return Err(not_live(
                    key,
                    &format!("a {}", self.spec.model.kind.label()),
                ));
            }
        }
        self.spec = new.clone();
        Ok(())
    }

    fn new_view_noise(&mut self) -> Result<()> {
        let (s, c, d) = (
            self.spec.data.image_size,
            self.spec.data.channels,
            self.spec.model.latent_dim,
        );
        self.view_noise = randn(&mut self.rng, &[VIEW_IMAGES, c, s, s], &self.device)?;
        self.view_prior = randn(&mut self.rng, &[VIEW_PRIOR, d], &self.device)?;
        Ok(())
    }

    fn lab(&mut self, query: &LabQuery) -> Result<LabResult> {
        if let LabQuery::Nearest { image } = query {
            return nearest_training::answer(image, &self.data, &self.held_out, &mut self.probe);
        }
        lab::answer(self, query)
    }

    fn tensors(&self) -> Vec<(String, Tensor)> {
        self.params.tensors()
    }

    fn load_tensors(&mut self, tensors: &HashMap<String, Tensor>) -> Result<()> {
        self.params.load(tensors)
    }

    fn train_state(&self) -> Result<TrainState> {
        let mut state =
            TrainState::of_one_model(&self.rng, &self.opt, self.steps, &self.cadence)?;
        state.put("last_quality", &self.last_quality)?;
        state.put_tensor("view_noise", &self.view_noise)?;
        state.put_tensor("view_prior", &self.view_prior)?;
        Ok(state)
    }

    fn load_train_state(&mut self, state: &TrainState) -> Result<()> {
        state.restore_one_model(
            &mut self.rng,
            &mut self.opt,
            &mut self.steps,
            &mut self.cadence,
        )?;
        self.last_quality = state.get("last_quality").unwrap_or(None);
        self.view_noise = state
            .tensor("view_noise", self.view_noise.dims())?
            .to_device(&self.device)?;
        self.view_prior = state
            .tensor("view_prior", self.view_prior.dims())?
            .to_device(&self.device)?;
        Ok(())
    }
}

/// Latent units whose mean code varies across images by more than
/// [`ACTIVE_UNIT_VARIANCE`]; the others collapsed to the prior.
pub fn active_units(codes: &[Vec<f32>]) -> usize {
    let Some(dim) = codes.first().map(Vec::len) else {
        return 0;
    };
    let n = codes.len() as f64;
    (0..dim)
        .filter(|&j| {
            let mean = codes.iter().map(|c| c[j] as f64).sum::<f64>() / n;
            let var = codes
                .iter()
                .map(|c| (c[j] as f64 - mean).powi(2))
                .sum::<f64>()
                / n;
            var > ACTIVE_UNIT_VARIANCE
        })
        .count()
}

/// Standard normal noise of `shape`.
fn randn(rng: &mut SeededRng, shape: &[usize], device: &Device) -> Result<Tensor> {
    let n: usize = shape.iter().product();
    let v: Vec<f32> = (0..n).map(|_| StandardNormal.sample(rng)).collect();
    Ok(Tensor::from_vec(v, shape, device)?)
}

fn scalar(t: &Tensor) -> Result<f64> {
    Ok(t.to_scalar::<f32>()? as f64)
}
