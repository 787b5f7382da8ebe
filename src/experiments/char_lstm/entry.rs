//! The character LSTM's entry in the registry.

use super::CharLstm;
use crate::Result;
use crate::experiments::ExperimentSpec;
use crate::experiments::live::ADAM_LR;
use crate::experiments::registry::{
    Architecture, Bench, Better, Headline, LabTool, Preset, SampleKind, Tools, wrong_architecture,
};

/// The character LSTM in the registry.
pub const ARCHITECTURE: Architecture = Architecture {
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
