//! The sentence VAE's entry in the registry. It has no setup panel of its own:
//! the window draws its settings from the declarations below.

use super::SentenceVae;
use super::spec::SentenceSource;
use crate::Result;
use crate::experiments::ExperimentSpec;
use crate::experiments::live::LEARNING_RATE;
use crate::experiments::registry::{
    Architecture, Bench, Better, Choice, Headline, LabTool, Preset, SampleKind, Setting, SettingKind,
    Tools, wrong_architecture,
};
use crate::experiments::working_memory::{WorkingMemory, times};

const ANNEALING: &[Choice] = &[
    Choice {
        value: "off",
        label: "off",
        tip: "The KL term at full weight from the first step: the encoder is pushed to the prior before the decoder learns to read it, and a strong decoder learns to ignore it (posterior collapse).",
    },
    Choice {
        value: "linear",
        label: "linear",
        tip: "The KL weight rises in a straight line from 0 to 1.",
    },
    Choice {
        value: "logistic",
        label: "logistic",
        tip: "The KL weight follows an S-curve from about 0 to 1, ½ halfway (Bowman et al. 2016).",
    },
];

/// The sentence VAE in the registry.
pub const ARCHITECTURE: Architecture = Architecture {
    card: super::card::card,
    working_memory,
    key: "sentence_vae",
    label: "Sentence VAE (text)",
    presets: &[
        Preset {
            file: "sentence_vae_grammar.toml",
            toml: include_str!("../../../presets/sentence_vae_grammar.toml"),
        },
        Preset {
            file: "sentence_vae_collapse.toml",
            toml: include_str!("../../../presets/sentence_vae_collapse.toml"),
        },
        Preset {
            file: "sentence_vae_text.toml",
            toml: include_str!("../../../presets/sentence_vae_text.toml"),
        },
    ],
    build: |spec, device| match spec {
        ExperimentSpec::SentenceVae(s) => Ok(Box::new(SentenceVae::new(s.clone(), device)?)),
        other => Err(wrong_architecture(other, "SentenceVae")),
    },
    headline: Headline {
        metric: "val_sentence_elbo",
        better: Better::Higher,
    },
    tools: Tools {
        samples: SampleKind::Text,
        lab: Some(LabTool::Sentences),
        gan_steps: false,
    },
    settings: &[
        Setting::fixed(
            "train.kl_anneal",
            "KL annealing",
            "How the KL term's weight rises at the start, so the encoder learns to say something before the prior's pull arrives.",
            SettingKind::Choice(ANNEALING),
        ),
        Setting::fixed(
            "train.kl_anneal_steps",
            "Annealing steps",
            "Steps the KL weight takes to reach 1.",
            SettingKind::Int { min: 1, max: 1_000_000 },
        ),
        Setting::live(
            "train.word_dropout",
            "Word dropout",
            "The share of the decoder's input words replaced by <unk>: a decoder that cannot read the words before must lean on the code z.",
            SettingKind::Float { min: 0.0, max: 1.0, log: false },
        ),
        Setting::live(
            "train.free_bits",
            "Free bits (nats per dimension)",
            "A floor on each latent dimension's KL (averaged over the batch): below it the KL is not penalised, so a dimension can carry that much information for free (Kingma et al. 2016).",
            SettingKind::Float { min: 0.0, max: 10.0, log: false },
        ),
        Setting::fixed(
            "model.latent",
            "Latent size",
            "Dimensions of the code z.",
            SettingKind::Int { min: 1, max: 256 },
        ),
        Setting::fixed(
            "model.hidden",
            "Hidden size",
            "Units of the encoder's and the decoder's LSTM: a larger decoder writes better on its own and is quicker to ignore z.",
            SettingKind::Int { min: 8, max: 2048 },
        ),
        Setting::fixed(
            "model.embedding",
            "Embedding size",
            "Size of a word's vector.",
            SettingKind::Int { min: 4, max: 1024 },
        ),
        Setting::fixed(
            "train.batch_size",
            "Batch size",
            "Sentences per update.",
            SettingKind::Int { min: 1, max: 1024 },
        ),
        Setting::live(
            "train.lr",
            "Learning rate",
            "Adam's step size.",
            LEARNING_RATE,
        ),
        Setting::fixed(
            "data.sentences",
            "Grammar sentences",
            "Sentences the built-in grammar makes (a tenth held out).",
            SettingKind::Int { min: 100, max: 1_000_000 },
        )
        .when(uses_grammar),
        Setting::fixed(
            "seed",
            "Seed",
            "Seeds the sentences, the weights and the batches: the same seed gives the same run.",
            SettingKind::Int { min: 0, max: 1 << 53 },
        ),
        Setting::fixed(
            "schedule.steps",
            "Steps",
            "How many batches the run lasts.",
            SettingKind::Int { min: 1, max: 10_000_000 },
        ),
    ],
    benches: &[Bench {
        name: "sentence-vae",
        about: "the sentence VAE on the built-in grammar (embedding 64, LSTMs 128, z 16, batch 32): one update",
        sampling: false,
        spec: sentence_vae_bench,
    }],
};

fn uses_grammar(spec: &ExperimentSpec) -> bool {
    matches!(spec, ExperimentSpec::SentenceVae(s) if s.data.source == SentenceSource::Grammar)
}

fn sentence_vae_bench() -> Result<ExperimentSpec> {
    ARCHITECTURE.presets[0].spec()
}

/// A sentence VAE's working memory: the text and its sentences as ids, and a batch
/// through the embedding, both LSTMs' gates and states, and the softmax.
fn working_memory(spec: &ExperimentSpec) -> WorkingMemory {
    let ExperimentSpec::SentenceVae(s) = spec else {
        return WorkingMemory::default();
    };
    let (d, m) = (&s.data, &s.model);
    let text_bytes = match d.source {
        SentenceSource::Grammar => (d.sentences * 60) as u64,
        // Metadata only: the file is read (with its own checks) when the run builds.
        SentenceSource::File => std::fs::metadata(&d.path).map_or(0, |m| m.len()),
    };
    let per_token = (2 * m.embedding + 12 * m.hidden + m.latent + 2 * d.vocab_cap.min(100_000)) as u64;
    WorkingMemory {
        data_bytes: text_bytes.saturating_mul(12),
        step_floats: times(times(per_token, d.max_tokens + 1), s.train.batch_size),
        change: "lower train.batch_size, data.max_tokens or data.vocab_cap",
        picture_bytes: 0,
    }
}
