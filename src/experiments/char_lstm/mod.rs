//! A character-level LSTM: truncated back-propagation through time with carried
//! state, gradient clipping and Adam; bits per character on training and held-out
//! text; and text generated with greedy, temperature, top-k or top-p sampling.

mod card;
pub mod entry;
mod generation;
pub mod model;
pub mod spec;
pub mod stepper;

pub use entry::ARCHITECTURE;

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::loss::cross_entropy;
use rand::SeedableRng;
use crate::nn::rng::SeededRng;

use super::live::not_live;
use super::registry::wrong_architecture;
use super::{EvalCadence, Experiment, ExperimentSpec, Metrics, StepPart, TrainState};
use crate::data::copy_check::CopyIndex;
use crate::data::corpus::{self, Corpus, Vocab};
use crate::lab::TextQuery;
use crate::lab::{LabQuery, LabResult, LabSlot};
use crate::nn::optim::{Optim, OptimizerKind};
use crate::nn::params::ParamStore;
use crate::nn::sampling::Sampling;
use crate::view::{TextSample, View};
use crate::{Result, StudioError};
pub use generation::Generator;
use model::{CharNet, LstmState};
pub use spec::CharLstmSpec;
use spec::TextSource;

/// Characters written for each measurement of copying.
const COPY_SAMPLE: usize = 500;

/// The checkpoint tensor that holds the vocabulary (its characters' code points).
pub const VOCAB_TENSOR: &str = "vocab.chars";

/// Held-out streams measured in parallel.
const EVAL_STREAMS: usize = 16;

/// A running character model.
pub struct CharLstm {
    spec: CharLstmSpec,
    device: Device,
    params: ParamStore,
    net: CharNet,
    opt: Optim,
    corpus: Corpus,
    /// Where each stream reads next, in `corpus.train`.
    positions: Vec<usize>,
    /// The state carried from one step to the next.
    state: LstmState,
    steps: u64,
    cadence: EvalCadence,
    /// A streamed generation in progress (the lab's text).
    job: Option<generation::Job>,
    /// The training text's 20-character windows, to find copying.
    copies: CopyIndex,
}

impl CharLstm {
    /// Reads the text and builds the network from the spec's seed.
    pub fn new(spec: CharLstmSpec, device: &Device) -> Result<Self> {
        ExperimentSpec::from(spec.clone()).validate()?;
        let corpus = load_corpus(&spec)?;
        let mut rng = SeededRng::seed_from_u64(spec.seed);
        let mut params = ParamStore::new();
        let net = CharNet::new(
            &spec.model,
            corpus.vocab.len(),
            &mut params,
            &mut rng,
            device,
        )?;
        let opt = Optim::new(
            OptimizerKind::Adam,
            params.vars_with_prefix(""),
            spec.train.lr,
            0.9,
        )?;
        let b = spec.train.batch_size;
        let state = net.zero_state(b, device)?;
        let stride = corpus.train.len() / b;
        if stride <= spec.train.seq_len {
            return Err(StudioError::Spec(format!(
                "the training text ({} characters) is too short for {b} streams of {} characters: lower train.batch_size or train.seq_len",
                corpus.train.len(),
                spec.train.seq_len
            )));
        }
        Ok(Self {
            positions: (0..b).map(|k| k * stride).collect(),
            copies: CopyIndex::new(&corpus.train),
            spec,
            device: device.clone(),
            params,
            net,
            opt,
            corpus,
            state,
            steps: 0,
            cadence: EvalCadence::default(),
            job: None,
        })
    }

    /// The vocabulary.
    pub fn vocab(&self) -> &Vocab {
        &self.corpus.vocab
    }

    /// The entropy of the training text's character frequencies, in bits.
    pub fn unigram_entropy_bits(&self) -> f64 {
        self.corpus.unigram_entropy_bits()
    }

    /// The next batch `[b, t + 1]` of the streams; a stream that would run past its
    /// share of the text starts over (and every stream's state is reset).
    fn next_batch(&mut self) -> Result<Tensor> {
        let (b, t) = (self.spec.train.batch_size, self.spec.train.seq_len);
        let stride = self.corpus.train.len() / b;
        if self.positions[0] + t + 1 > stride {
            self.positions = (0..b).map(|k| k * stride).collect();
            self.state = self.net.zero_state(b, &self.device)?;
        }
        let mut ids = Vec::with_capacity(b * (t + 1));
        for p in &mut self.positions {
            ids.extend_from_slice(&self.corpus.train[*p..*p + t + 1]);
            *p += t;
        }
        Ok(Tensor::from_vec(ids, (b, t + 1), &self.device)?)
    }

    /// Mean cross-entropy in nats per character of `logits` `[b, t, v]` against `targets` `[b, t]`.
    fn loss(&self, logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
        let v = self.net.vocab;
        Ok(cross_entropy(
            &logits.reshape(((), v))?,
            &targets.flatten_all()?,
        )?)
    }

    /// The share of 20-character windows copied verbatim from the training text in
    /// a sample of `COPY_SAMPLE` characters at temperature 1 (the model as it is),
    /// seeded by the step; `None` before the model writes that much.
    fn copied_pct(&self) -> Result<Option<f64>> {
        let generator = Generator::new(&self.net, &self.corpus.vocab, &self.device);
        let rule = Sampling::Temperature { temperature: 1.0 };
        let seed = self.spec.seed ^ self.steps ^ 0xC0_91ED;
        let text = generator.generate("", COPY_SAMPLE, rule, seed)?;
        Ok(self.copies.copied_pct(&self.corpus.vocab.encode(&text)))
    }

    /// Bits per character on the first `eval.chars` of the held-out tail, read as
    /// parallel streams with carried state.
    fn held_out_bpc(&self) -> Result<f64> {
        let t = self.spec.train.seq_len;
        let text = &self.corpus.held_out;
        let n = self.spec.eval.chars.min(text.len().saturating_sub(1));
        let streams = EVAL_STREAMS.min(n / (t + 1)).max(1);
        let per = n / streams;
        let mut state = self.net.zero_state(streams, &self.device)?;
        let (mut total, mut count) = (0.0, 0usize);
        let mut at = 0;
        while at + 1 < per {
            let len = t.min(per - 1 - at);
            let mut ids = Vec::with_capacity(streams * (len + 1));
            for s in 0..streams {
                let start = s * per + at;
                ids.extend_from_slice(&text[start..start + len + 1]);
            }
            let ids = Tensor::from_vec(ids, (streams, len + 1), &self.device)?;
            let (logits, next) = self.net.forward(&ids.narrow(1, 0, len)?, &state)?;
            let loss = self.loss(&logits, &ids.narrow(1, 1, len)?)?;
            total += loss.to_scalar::<f32>()? as f64 * (streams * len) as f64;
            count += streams * len;
            state = next.detach();
            at += len;
        }
        Ok(total / count.max(1) as f64 / std::f64::consts::LN_2)
    }

    /// Scales the gradients down so their global norm is at most `train.clip`;
    /// returns the norm before.
    fn clip(&self, grads: &mut candle_core::backprop::GradStore) -> Result<f64> {
        let vars = self.params.vars_with_prefix("");
        crate::nn::grad_clip::clip_global_norm(&vars, grads, self.spec.train.clip)
    }
}

impl Experiment for CharLstm {
    fn spec(&self) -> ExperimentSpec {
        ExperimentSpec::CharLstm(self.spec.clone())
    }

    fn metric_names(&self) -> Vec<&'static str> {
        vec![
            "train_bpc",
            "val_bpc",
            "unigram_bpc",
            "grad_norm",
            "copied_pct",
        ]
    }

    fn step(&mut self, _part: StepPart) -> Result<Metrics> {
        let t = self.spec.train.seq_len;
        let batch = self.next_batch()?; // [b, t + 1]
        let (inputs, targets) = (batch.narrow(1, 0, t)?, batch.narrow(1, 1, t)?);
        let (logits, next) = self.net.forward(&inputs, &self.state)?; // [b, t, v]
        let loss = self.loss(&logits, &targets)?;
        let mut grads = loss.backward()?;
        let norm = self.clip(&mut grads)?;
        self.opt.step(&grads)?;
        self.state = next.detach();
        self.steps += 1;
        let nats = loss.to_scalar::<f32>()? as f64;
        Ok(vec![
            ("train_bpc", nats / std::f64::consts::LN_2),
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
        let mut out = vec![
            ("val_bpc", self.held_out_bpc()?),
            ("unigram_bpc", self.unigram_entropy_bits()),
        ];
        if let Some(pct) = self.copied_pct()? {
            out.push(("copied_pct", pct));
        }
        Ok(out)
    }

    fn view(&mut self, step: u64) -> Result<View> {
        let s = &self.spec.sample;
        let rule = Sampling::Temperature {
            temperature: s.temperature as f32,
        };
        let generator = Generator::new(&self.net, &self.corpus.vocab, &self.device);
        let text = generator.generate(&s.prompt, s.length, rule, self.spec.seed ^ step)?;
        let copied = self.copies.copied_spans(&self.corpus.vocab.encode(&text));
        Ok(View::Text(TextSample {
            step,
            prompt: s.prompt.clone(),
            text,
            caption: String::new(),
            copied,
        }))
    }

    fn set_live(&mut self, key: &str, spec: &ExperimentSpec) -> Result<()> {
        let ExperimentSpec::CharLstm(new) = spec else {
            return Err(wrong_architecture(spec, "CharLstm"));
        };
        if key != "train.lr" {
            return Err(not_live(key, "a character model"));
        }
        self.opt.set_learning_rate(new.train.lr);
        self.spec = new.clone();
        Ok(())
    }

    fn lab(&mut self, query: &LabQuery) -> Result<LabResult> {
        match query {
            LabQuery::Text(TextQuery::Generate(request)) => {
                let job =
                    generation::Job::start(&self.net, &self.corpus.vocab, request, &self.device)?;
                self.job = Some(job);
                self.lab_more(generation::CHUNK_TIME)
                    .map(|(_, result)| result)
                    .unwrap_or_else(|| Err(StudioError::Spec("nothing to generate".into())))
            }
            LabQuery::Text(TextQuery::NextChar { context, rule }) => {
                let generator = Generator::new(&self.net, &self.corpus.vocab, &self.device);
                generator.distribution(context, *rule)
            }
            _ => Err(StudioError::Spec(
                "a character model has no latent space to explore".into(),
            )),
        }
    }

    fn lab_more(&mut self, budget: std::time::Duration) -> Option<(LabSlot, Result<LabResult>)> {
        let job = self.job.as_mut()?;
        let slot = job.slot();
        let result = job.advance(&self.net, &self.corpus.vocab, budget).map(|(_, r)| r);
        if !result.as_ref().is_ok_and(LabResult::is_partial) {
            self.job = None;
        }
        Some((slot, result))
    }

    fn tensors(&self) -> Vec<(String, Tensor)> {
        let mut all = self.params.tensors();
        if let Ok(v) = vocab_tensor(&self.corpus.vocab, &self.device) {
            all.push((VOCAB_TENSOR.to_string(), v));
        }
        all
    }

    fn load_tensors(&mut self, tensors: &HashMap<String, Tensor>) -> Result<()> {
        if let Some(t) = tensors.get(VOCAB_TENSOR) {
            let saved = vocab_from_tensor(t)?;
            if saved != self.corpus.vocab {
                return Err(StudioError::Checkpoint(
                    "the checkpoint's vocabulary differs from this text's: it was trained on other text".into(),
                ));
            }
        }
        self.params.load(tensors)
    }

    fn train_state(&self) -> Result<TrainState> {
        let mut state = TrainState::new();
        state.put_optim("opt", &self.opt)?;
        state.put("steps", &self.steps)?;
        state.put("cadence", &self.cadence)?;
        state.put("positions", &self.positions)?;
        state.put("layers", &self.state.h.len())?;
        for (k, (h, c)) in self.state.h.iter().zip(&self.state.c).enumerate() {
            state.put_tensor(&format!("lstm.h.{k}"), h)?;
            state.put_tensor(&format!("lstm.c.{k}"), c)?;
        }
        Ok(state)
    }

    fn load_train_state(&mut self, state: &TrainState) -> Result<()> {
        let positions: Vec<usize> = state.get("positions")?;
        let layers: usize = state.get("layers")?;
        let stride = self.corpus.train.len() / self.spec.train.batch_size.max(1);
        if positions.len() != self.positions.len() || positions.iter().any(|&p| p > self.corpus.train.len()) || layers != self.state.h.len() || positions[0] > stride {
            return Err(crate::StudioError::Checkpoint(
                "the checkpoint's text positions do not fit this text and batch".into(),
            ));
        }
        let carried = |name: &str, k: usize, like: &Tensor| -> Result<Tensor> {
            Ok(state.tensor(&format!("lstm.{name}.{k}"), like.dims())?.to_device(&self.device)?)
        };
        let h = (0..layers).map(|k| carried("h", k, &self.state.h[k])).collect::<Result<Vec<_>>>()?;
        let c = (0..layers).map(|k| carried("c", k, &self.state.c[k])).collect::<Result<Vec<_>>>()?;
        state.restore_optim("opt", &mut self.opt)?;
        self.steps = state.get("steps")?;
        self.cadence = state.get("cadence")?;
        self.positions = positions;
        self.state = LstmState { h, c };
        Ok(())
    }
}

/// A trained character model rebuilt from a checkpoint alone (weights and
/// vocabulary; the text it learned is not needed).
pub struct TrainedModel {
    net: CharNet,
    vocab: Vocab,
    device: Device,
    _params: ParamStore,
}

impl TrainedModel {
    /// Rebuilds the model of `spec` from `tensors`.
    pub fn from_checkpoint(
        spec: &CharLstmSpec,
        tensors: &HashMap<String, Tensor>,
        device: &Device,
    ) -> Result<Self> {
        let vocab = tensors
            .get(VOCAB_TENSOR)
            .ok_or_else(|| StudioError::Checkpoint("the checkpoint holds no vocabulary".into()))
            .and_then(vocab_from_tensor)?;
        let mut params = ParamStore::new();
        let mut rng = SeededRng::seed_from_u64(0);
        let net = CharNet::new(&spec.model, vocab.len(), &mut params, &mut rng, device)?;
        params.load(tensors)?;
        Ok(Self {
            net,
            vocab,
            device: device.clone(),
            _params: params,
        })
    }

    /// `length` characters after `prompt`, drawn with `rule` from `seed`.
    pub fn generate(
        &self,
        prompt: &str,
        length: usize,
        rule: Sampling,
        seed: u64,
    ) -> Result<String> {
        Generator::new(&self.net, &self.vocab, &self.device).generate(prompt, length, rule, seed)
    }

    /// The vocabulary.
    pub fn vocab(&self) -> &Vocab {
        &self.vocab
    }
}

/// The vocabulary as a tensor of code points, for a checkpoint.
pub fn vocab_tensor(vocab: &Vocab, device: &Device) -> Result<Tensor> {
    let points: Vec<u32> = vocab.chars().iter().map(|&c| c as u32).collect();
    let n = points.len();
    Ok(Tensor::from_vec(points, n, device)?)
}

/// The vocabulary saved by [`vocab_tensor`].
pub fn vocab_from_tensor(t: &Tensor) -> Result<Vocab> {
    let points = t.to_dtype(DType::U32)?.to_vec1::<u32>()?;
    let chars: Option<Vec<char>> = points.into_iter().map(char::from_u32).collect();
    chars
        .and_then(Vocab::from_chars)
        .ok_or_else(|| StudioError::Checkpoint("the checkpoint's vocabulary is not valid".into()))
}

/// The spec's text, encoded and split.
fn load_corpus(spec: &CharLstmSpec) -> Result<Corpus> {
    let d = &spec.data;
    let to_spec = |e: crate::data::DataError| StudioError::Spec(e.to_string());
    let (name, text) = match d.source {
        TextSource::BuiltIn => (Path::new("built-in corpus"), corpus::BUILT_IN.to_string()),
        TextSource::File => (
            d.path.as_path(),
            corpus::read_text(&d.path, d.lossy).map_err(to_spec)?,
        ),
    };
    Corpus::new(name, &text, d.vocab_cap, d.held_out).map_err(to_spec)
}
