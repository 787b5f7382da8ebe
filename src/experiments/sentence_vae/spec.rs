//! The spec of a sentence VAE.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::data::sentences::SplitBy;
use crate::experiments::Schedule;
use crate::{Result, StudioError};

/// Everything that defines a sentence-VAE experiment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SentenceVaeSpec {
    /// Display name.
    pub name: String,
    /// Seeds the grammar, the held-out draw, the weights, batches and samples.
    pub seed: u64,
    /// When to log, sample and save.
    #[serde(default)]
    pub schedule: Schedule,
    /// The sentences.
    pub data: SentenceData,
    /// The network.
    pub model: SentenceModel,
    /// How it is trained.
    pub train: SentenceTrain,
    /// Held-out measurements.
    pub eval: SentenceEval,
}

crate::arch_spec!(SentenceVaeSpec);

/// Where the sentences come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SentenceSource {
    /// The built-in grammar ("the small red fox sleeps under the old bridge .").
    #[default]
    Grammar,
    /// A UTF-8 text file at `data.path`.
    File,
}

/// The sentences a sentence VAE learns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SentenceData {
    /// grammar | file.
    pub source: SentenceSource,
    /// Sentences the grammar makes.
    pub sentences: usize,
    /// The file, for `file`.
    pub path: PathBuf,
    /// Replace invalid UTF-8 with U+FFFD instead of refusing the file.
    pub lossy: bool,
    /// lines | sentences.
    pub split: SplitBy,
    /// Lower-case every token.
    pub lower: bool,
    /// Most tokens in the vocabulary (rarer ones become `<unk>`).
    pub vocab_cap: usize,
    /// Longest sentence kept, in tokens.
    pub max_tokens: usize,
    /// The share of sentences held out.
    pub held_out: f64,
}

/// Embedding → LSTM encoder → (μ, log σ²) → z → LSTM decoder fed z at every step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SentenceModel {
    /// Size of a token's embedding.
    pub embedding: usize,
    /// Units of the encoder's and the decoder's LSTM.
    pub hidden: usize,
    /// Dimensions of the code z.
    pub latent: usize,
}

/// How the KL term's weight rises at the start of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum KlAnneal {
    /// Weight 1 from the first step.
    Off,
    /// From 0 to 1 in a straight line over `kl_anneal_steps`.
    Linear,
    /// An S-curve from about 0 to about 1 over `kl_anneal_steps` (½ at the middle),
    /// as Bowman et al. (2016) used.
    #[default]
    Logistic,
}

/// Optimisation settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SentenceTrain {
    /// Sentences per update.
    pub batch_size: usize,
    /// Adam's learning rate.
    pub lr: f64,
    /// Largest global norm of the gradient (0 = no clipping).
    pub clip: f64,
    /// off | linear | logistic.
    pub kl_anneal: KlAnneal,
    /// Steps the KL weight takes to rise.
    pub kl_anneal_steps: u64,
    /// The share of the decoder's input tokens replaced by `<unk>`.
    pub word_dropout: f64,
    /// A floor on each latent dimension's KL, nats (0 = none).
    pub free_bits: f64,
}

/// Held-out measurements.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SentenceEval {
    /// Steps between measurements (the first step is always measured).
    pub every: u64,
    /// Held-out sentences per measurement (at most all of them).
    pub sentences: usize,
}

impl SentenceVaeSpec {
    /// Checks values that parse but cannot run.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(StudioError::Spec(m.to_string()));
        let d = &self.data;
        // An empty data.path for a file is allowed here (the text preset ships
        // without one): the run is refused when it is built.
        if d.source == SentenceSource::Grammar && !(100..=1_000_000).contains(&d.sentences) {
            return bad("data.sentences must be between 100 and 1000000");
        }
        if !(16..=100_000).contains(&d.vocab_cap) {
            return bad("data.vocab_cap must be between 16 and 100000");
        }
        if !(2..=200).contains(&d.max_tokens) {
            return bad("data.max_tokens must be between 2 and 200");
        }
        if !(0.01..=0.5).contains(&d.held_out) {
            return bad("data.held_out must be between 0.01 and 0.5");
        }
        let m = &self.model;
        if m.embedding == 0 || m.hidden == 0 || !(1..=256).contains(&m.latent) {
            return bad("model: embedding and hidden at least 1, latent between 1 and 256");
        }
        let t = &self.train;
        if t.batch_size == 0 || t.kl_anneal_steps == 0 {
            return bad("train: batch_size and kl_anneal_steps at least 1");
        }
        if !(t.clip.is_finite() && t.clip >= 0.0) {
            return bad("train.clip must not be negative");
        }
        if !(0.0..=1.0).contains(&t.word_dropout) {
            return bad("train.word_dropout must be between 0 and 1");
        }
        if !(0.0..=10.0).contains(&t.free_bits) {
            return bad("train.free_bits must be between 0 and 10 nats");
        }
        if self.eval.sentences == 0 {
            return bad("eval.sentences must be at least 1");
        }
        Ok(())
    }
}
