//! The spec of a character-level LSTM.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::experiments::Schedule;
use crate::{Result, StudioError};

/// Everything that defines a character-model experiment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CharLstmSpec {
    /// Display name.
    pub name: String,
    /// Seeds the weights, the batches and the samples.
    pub seed: u64,
    /// When to log, sample and save.
    #[serde(default)]
    pub schedule: Schedule,
    /// The text.
    pub data: TextData,
    /// The network.
    pub model: CharLstmModel,
    /// How it is trained.
    pub train: CharLstmTrain,
    /// Held-out measurements.
    pub eval: CharLstmEval,
    /// The text sample shown while training.
    pub sample: CharLstmSample,
}

crate::arch_spec!(CharLstmSpec);

/// Where the text comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TextSource {
    /// The studio's own source code and documentation (embedded; no download).
    #[default]
    BuiltIn,
    /// A UTF-8 text file at `data.path`.
    File,
}

/// The text a character model learns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextData {
    /// built_in | file.
    pub source: TextSource,
    /// The file, for `file`.
    pub path: PathBuf,
    /// Replace invalid UTF-8 with U+FFFD instead of refusing the file.
    pub lossy: bool,
    /// Most symbols in the vocabulary (rarer characters become U+FFFD).
    pub vocab_cap: usize,
    /// The share of the text, at its end, held out for validation.
    pub held_out: f64,
}

/// Embedding → LSTM layers → linear.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CharLstmModel {
    /// Size of a character's embedding.
    pub embedding: usize,
    /// Units of each LSTM layer.
    pub hidden: usize,
    /// LSTM layers (1–3).
    pub layers: usize,
}

/// Optimisation settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CharLstmTrain {
    /// Parallel streams through the text.
    pub batch_size: usize,
    /// Characters per step of truncated back-propagation through time.
    pub seq_len: usize,
    /// Adam's learning rate.
    pub lr: f64,
    /// Largest global norm of the gradient (0 = no clipping).
    pub clip: f64,
}

/// Held-out measurements.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CharLstmEval {
    /// Steps between measurements (the first step is always measured).
    pub every: u64,
    /// Held-out characters per measurement (at most the whole tail).
    pub chars: usize,
}

/// The sample drawn while training.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CharLstmSample {
    /// Text the sample continues.
    pub prompt: String,
    /// Characters to generate.
    pub length: usize,
    /// Softmax temperature.
    pub temperature: f64,
}

impl CharLstmSpec {
    /// Checks values that parse but cannot run.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(StudioError::Spec(m.to_string()));
        let d = &self.data;
        if d.source == TextSource::File && d.path.as_os_str().is_empty() {
            return bad("data.path must name the text file for data.source = \"file\"");
        }
        if !(8..=4096).contains(&d.vocab_cap) {
            return bad("data.vocab_cap must be between 8 and 4096");
        }
        if !(0.01..=0.5).contains(&d.held_out) {
            return bad("data.held_out must be between 0.01 and 0.5");
        }
        let m = &self.model;
        if m.embedding == 0 || m.hidden == 0 || !(1..=3).contains(&m.layers) {
            return bad("model: embedding and hidden at least 1, layers 1 to 3");
        }
        let t = &self.train;
        if t.batch_size == 0 || !(2..=1000).contains(&t.seq_len) {
            return bad("train: batch_size at least 1, seq_len between 2 and 1000");
        }
        if !(t.clip.is_finite() && t.clip >= 0.0) {
            return bad("train.clip must not be negative");
        }
        if self.eval.chars < 100 {
            return bad("eval.chars must be at least 100");
        }
        if !(self.sample.temperature.is_finite() && self.sample.temperature >= 0.0) {
            return bad("sample.temperature must not be negative");
        }
        Ok(())
    }
}
