//! The character LSTM's entry in the registry.

use super::CharLstm;
use crate::Result;
use crate::experiments::ExperimentSpec;
use crate::experiments::live::ADAM_LR;
use crate::experiments::registry::{
    Architecture, Bench, Better, Headline, LabTool, Preset, SampleKind, Tools, wrong_architecture,
};
use crate::experiments::working_memory::{WorkingMemory, times};
use super::spec::TextSource;

/// The character LSTM in the registry.
pub const ARCHITECTURE: Architecture = Architecture {
    card: super::card::card,
    working_memory,
    key: "char_lstm",
    label: "Character LSTM (text)",
    presets: &[Preset {
        file: "char_lstm_source.toml",
        toml: include_str!("../../../presets/char_lstm_source.toml"),
    }],
    build: |spec, device| match spec {
        ExperimentSpec::CharLstm(s) => Ok(Box::new(CharLstm::new(s.clone(), device)?)),
        other => Err(wrong_architecture(other, "CharLstm")),
    },
    headline: Headline {
        metric: "val_bpc",
        better: Better::Lower,
    },
    tools: Tools {
        samples: SampleKind::Text,
        lab: Some(LabTool::Text),
        gan_steps: false,
    },
    settings: &[ADAM_LR],
    benches: &[
        Bench {
            name: "char-lstm",
            about: "the character LSTM (torch_charlstm.py: vocabulary 64, embedding 64, hidden 256, sequence 100): one update",
            sampling: false,
            spec: char_lstm_bench,
        },
        Bench {
            name: "char-lstm-sample",
            about: "character sampling: 1,000 characters, one at a time",
            sampling: true,
            spec: char_lstm_bench,
        },
    ],
};

/// The benchmark character model: the twin's vocabulary of 64, samples of 1,000
/// characters.
fn char_lstm_bench() -> Result<ExperimentSpec> {
    ARCHITECTURE.presets[0].with(&["data.vocab_cap=64", "sample.length=1000"])
}

/// A character model's working memory: the text as ids, and a batch of sequences
/// through the embedding, every layer's gates and states, and the softmax.
fn working_memory(spec: &ExperimentSpec) -> WorkingMemory {
    let ExperimentSpec::CharLstm(s) = spec else {
        return WorkingMemory::default();
    };
    let m = &s.model;
    let text_bytes = match s.data.source {
        TextSource::BuiltIn => crate::data::corpus::BUILT_IN.len() as u64,
        // Metadata only: the file is read (with its own checks) when the run builds.
        TextSource::File => std::fs::metadata(&s.data.path).map_or(0, |m| m.len()),
    };
    let per_char = (m.embedding + 6 * m.hidden * m.layers + 2 * s.data.vocab_cap) as u64;
    WorkingMemory {
        // The text, its characters and their ids.
        data_bytes: text_bytes.saturating_mul(9),
        step_floats: times(times(per_char, s.train.seq_len), s.train.batch_size),
        change: "lower train.batch_size, train.seq_len or model.hidden",
        picture_bytes: 0,
    }
}
