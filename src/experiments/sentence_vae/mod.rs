//! A sentence VAE (Bowman et al., "Generating Sentences from a Continuous Space",
//! 2016): sentences encoded into a Gaussian code by an LSTM and written back by an
//! LSTM decoder that sees the code at every step; KL annealing, word dropout and
//! free bits against posterior collapse; held-out ELBO, the perplexity bound it
//! implies, and the active units; a lab that walks from one sentence to another.

mod anneal;
mod card;
pub mod decode;
pub mod entry;
mod lab;
pub mod model;
pub mod reader;
mod saved;
pub mod spec;
mod view;

pub use entry::ARCHITECTURE;
pub use saved::TrainedSentenceVae;
pub use spec::SentenceVaeSpec;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use candle_core::{Device, Tensor};
use rand::SeedableRng;
use rand::seq::SliceRandom;

use super::live::not_live;
use super::registry::wrong_architecture;
use super::{EvalCadence, Experiment, ExperimentSpec, Metrics, StepPart, TrainState};
use crate::data::sentences::{SentenceOptions, SentenceSet, grammar};
use crate::nn::gaussian::reparameterise;
use crate::nn::optim::{Optim, OptimizerKind};
use crate::nn::params::ParamStore;
use crate::nn::rng::{SeededRng, normal_tensor};
use crate::view::View;
use crate::{Result, StudioError};
use model::{Batch, SentenceNet, inputs_tensor, sentence_nll};
use reader::Reader;
use spec::SentenceSource;

/// Held-out sentences measured per batch.
const EVAL_BATCH: usize = 256;

/// A batch's terms of the ELBO.
struct Terms {
    /// −log p(x | z) per sentence, `[b]`.
    rec: Tensor,
    /// KL(q(z | x) ‖ N(0, I)) per sentence, `[b]`.
    kl: Tensor,
    /// The KL per latent dimension averaged over the batch, `[latent]`.
    kl_per_dim: Tensor,
    /// The posterior means, `[b, latent]`.
    mu: Tensor,
}

/// A running sentence VAE.
pub struct SentenceVae {
    spec: SentenceVaeSpec,
    device: Device,
    params: ParamStore,
    net: SentenceNet,
    opt: Optim,
    set: SentenceSet,
    seen: HashSet<u64>,
    /// Batches, word dropout and the reparameterisation noise.
    rng: SeededRng,
    /// The training sentences' order this epoch, and where the next batch starts.
    order: Vec<usize>,
    cursor: usize,
    steps: u64,
    cadence: EvalCadence,
}

impl SentenceVae {
    /// Reads the sentences and builds the network from the spec's seed.
    pub fn new(spec: SentenceVaeSpec, device: &Device) -> Result<Self> {
        ExperimentSpec::from(spec.clone()).validate()?;
        let set = load_sentences(&spec)?;
        let mut rng = SeededRng::seed_from_u64(spec.seed);
        let mut params = ParamStore::new();
        let net = SentenceNet::new(&spec.model, set.vocab.len(), &mut params, &mut rng, device)?;
        let opt = Optim::new(OptimizerKind::Adam, params.vars_with_prefix(""), spec.train.lr, 0.9)?;
        let mut order: Vec<usize> = (0..set.train.len()).collect();
        order.shuffle(&mut rng);
        Ok(Self {
            seen: set.train_hashes(),
            spec,
            device: device.clone(),
            params,
            net,
            opt,
            set,
            rng,
            order,
            cursor: 0,
            steps: 0,
            cadence: EvalCadence::default(),
        })
    }

    /// The sentences it learns.
    pub fn sentences(&self) -> &SentenceSet {
        &self.set
    }

    /// The trained network as a [`Reader`].
    pub fn reader(&self) -> Reader<'_> {
        Reader {
            net: &self.net,
            vocab: &self.set.vocab,
            lower: self.spec.data.lower,
            max_tokens: self.spec.data.max_tokens,
            seen: &self.seen,
            device: &self.device,
        }
    }

    /// The next batch's sentences, reshuffled at each epoch.
    fn next_batch(&mut self) -> Vec<usize> {
        let b = self.spec.train.batch_size.min(self.order.len());
        if self.cursor + b > self.order.len() {
            self.order.shuffle(&mut self.rng);
            self.cursor = 0;
        }
        let picked = self.order[self.cursor..self.cursor + b].to_vec();
        self.cursor += b;
        picked
    }

    /// Reconstruction and KL terms of `batch` (each `[b]`) and the KL per latent
    /// dimension averaged over the batch (`[latent]`), with z drawn by `noise_seed`
    /// and the decoder's inputs as given.
    fn terms(&self, batch: &Batch, inputs: Vec<u32>, noise_seed: u64) -> Result<Terms> {
        let (mu, log_var) = self.net.encode(batch)?;
        let eps = normal_tensor(noise_seed, 1.0, mu.dims(), &self.device)?;
        let z = reparameterise(&mu, &log_var, &eps)?;
        let inputs = inputs_tensor(inputs, batch.len(), &self.device)?;
        let rec = sentence_nll(&self.net.decode(&inputs, &z)?, batch)?;
        let per_dim = (((log_var.exp()? + mu.sqr()?)? - 1.0)?.sub(&log_var)? * 0.5)?;
        Ok(Terms {
            rec,
            kl: per_dim.sum(1)?,
            kl_per_dim: per_dim.mean(0)?,
            mu,
        })
    }

    /// Held-out reconstruction, KL, ELBO, perplexity bound and active units.
    fn held_out(&self) -> Result<Metrics> {
        let n = self.spec.eval.sentences.min(self.set.held_out.len());
        let (mut rec, mut kl, mut tokens) = (0.0, 0.0, 0usize);
        let mut codes = Vec::with_capacity(n);
        for (k, chunk) in self.set.held_out[..n].chunks(EVAL_BATCH).enumerate() {
            let refs: Vec<&[u32]> = chunk.iter().map(Vec::as_slice).collect();
            let batch = Batch::new(&refs, &self.device)?;
            let terms = self.terms(&batch, batch.inputs.clone(), self.spec.seed ^ 0xE7A1 ^ k as u64)?;
            rec += terms.rec.sum_all()?.to_scalar::<f32>()? as f64;
            kl += terms.kl.sum_all()?.to_scalar::<f32>()? as f64;
            tokens += batch.predicted();
            codes.extend(terms.mu.to_vec2::<f32>()?);
        }
        let per = n.max(1) as f64;
        Ok(vec![
            ("val_sentence_rec", rec / per),
            ("val_sentence_kl", kl / per),
            ("val_sentence_elbo", -(rec + kl) / per),
            ("val_ppl_bound", ((rec + kl) / tokens.max(1) as f64).exp()),
            ("active_units", super::autoencoder::active_units(&codes) as f64),
            ("unigram_nats", self.set.held_out_unigram_nats()),
        ])
    }
}

impl Experiment for SentenceVae {
    fn spec(&self) -> ExperimentSpec {
        ExperimentSpec::SentenceVae(self.spec.clone())
    }

    fn metric_names(&self) -> Vec<&'static str> {
        vec![
            "sentence_rec",
            "sentence_kl",
            "kl_weight",
            "loss",
            "grad_norm",
            "val_sentence_rec",
            "val_sentence_kl",
            "val_sentence_elbo",
            "val_ppl_bound",
            "active_units",
            "unigram_nats",
        ]
    }

    fn step(&mut self, _part: StepPart) -> Result<Metrics> {
        let picked = self.next_batch();
        let refs: Vec<&[u32]> = picked.iter().map(|&i| self.set.train[i].as_slice()).collect();
        let batch = Batch::new(&refs, &self.device)?;
        let mut inputs = batch.inputs.clone();
        let t = &self.spec.train;
        anneal::word_dropout(&mut inputs, t.word_dropout, &mut self.rng);
        let noise_seed = rand::Rng::random::<u64>(&mut self.rng);
        let Terms { rec, kl, kl_per_dim, .. } = self.terms(&batch, inputs, noise_seed)?;
        let weight = anneal::kl_weight(t.kl_anneal, t.kl_anneal_steps, self.steps);
        let rec = rec.mean(0)?;
        let kl = kl.mean(0)?;
        let kl_term = if t.free_bits > 0.0 {
            kl_per_dim.maximum(t.free_bits)?.sum_all()?
        } else {
            kl.clone()
        };
        let loss = (&rec + (kl_term * weight)?)?;
        let mut grads = loss.backward()?;
        let vars = self.params.vars_with_prefix("");
        let norm = crate::nn::grad_clip::clip_global_norm(&vars, &mut grads, t.clip)?;
        self.opt.step(&grads)?;
        self.steps += 1;
        let value = |x: &Tensor| -> Result<f64> { Ok(x.to_scalar::<f32>()? as f64) };
        // A loss that is not a number pauses the run and restores the last good
        // weights (the run loop watches every step's metrics).
        Ok(vec![
            ("sentence_rec", value(&rec)?),
            ("sentence_kl", value(&kl)?),
            ("kl_weight", weight),
            ("loss", value(&loss)?),
            ("grad_norm", norm),
        ])
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
        self.held_out()
    }

    fn view(&mut self, step: u64) -> Result<View> {
        view::training_view(&self.reader(), &self.set, self.spec.seed, step)
    }

    fn set_live(&mut self, key: &str, spec: &ExperimentSpec) -> Result<()> {
        let ExperimentSpec::SentenceVae(new) = spec else {
            return Err(wrong_architecture(spec, "SentenceVae"));
        };
        match key {
            "train.lr" => self.opt.set_learning_rate(new.train.lr),
            "train.word_dropout" | "train.free_bits" => {}
            _ => return Err(not_live(key, "a sentence VAE")),
        }
        self.spec = new.clone();
        Ok(())
    }

    fn lab(&mut self, query: &crate::lab::LabQuery) -> Result<crate::lab::LabResult> {
        lab::answer(&self.reader(), &self.set, query)
    }

    fn tensors(&self) -> Vec<(String, Tensor)> {
        let mut all = self.params.tensors();
        all.extend(saved::data_tensors(&self.set.vocab, &self.seen, &self.device));
        all
    }

    fn load_tensors(&mut self, tensors: &HashMap<String, Tensor>) -> Result<()> {
        if saved::vocab(tensors)? != self.set.vocab {
            return Err(StudioError::Checkpoint(
                "the checkpoint's vocabulary differs from these sentences': it was trained on other text".into(),
            ));
        }
        self.params.load(tensors)
    }

    fn train_state(&self) -> Result<TrainState> {
        let mut state = TrainState::new();
        state.put_optim("opt", &self.opt)?;
        state.put("steps", &self.steps)?;
        state.put("cadence", &self.cadence)?;
        state.put_rng("rng", &self.rng)?;
        state.put("order", &self.order)?;
        state.put("cursor", &self.cursor)?;
        Ok(state)
    }

    fn load_train_state(&mut self, state: &TrainState) -> Result<()> {
        let order: Vec<usize> = state.get("order")?;
        let cursor: usize = state.get("cursor")?;
        let n = self.set.train.len();
        if order.len() != n || order.iter().any(|&i| i >= n) || cursor > n {
            return Err(StudioError::Checkpoint(
                "the checkpoint's sentence order does not fit these sentences".into(),
            ));
        }
        state.restore_optim("opt", &mut self.opt)?;
        self.steps = state.get("steps")?;
        self.cadence = state.get("cadence")?;
        self.rng = state.rng("rng")?;
        self.order = order;
        self.cursor = cursor;
        Ok(())
    }
}

/// The spec's sentences, encoded and split.
fn load_sentences(spec: &SentenceVaeSpec) -> Result<SentenceSet> {
    let d = &spec.data;
    let options = SentenceOptions {
        split: d.split,
        lower: d.lower,
        vocab_cap: d.vocab_cap,
        max_tokens: d.max_tokens,
        held_out: d.held_out,
        seed: spec.seed,
    };
    let set = match d.source {
        SentenceSource::Grammar => SentenceSet::new(
            Path::new("built-in grammar"),
            grammar::sentences(d.sentences, spec.seed),
            &options,
        ),
        SentenceSource::File => {
            if d.path.as_os_str().is_empty() {
                return Err(StudioError::Spec(
                    "choose the text: set data.path (or pick \"a text file…\" in the window)".into(),
                ));
            }
            let text = crate::data::corpus::read_text(&d.path, d.lossy)?;
            SentenceSet::from_text(&d.path, &text, &options)
        }
    };
    Ok(set?)
}
