//! The independent-pixels baseline's entry in the registry. It has no panel of its
//! own: the window draws its settings from the declarations below, and its Draw tab
//! is PixelCNN's.

use super::IndependentPixels;
use crate::experiments::ExperimentSpec;
use crate::experiments::live::LEARNING_RATE;
use crate::experiments::registry::{
    Architecture, Better, Headline, LabTool, Preset, SampleKind, Setting, SettingKind, Tools,
    wrong_architecture,
};
use crate::experiments::working_memory::{WorkingMemory, times};

/// Independent pixels in the registry.
pub const ARCHITECTURE: Architecture = Architecture {
    card: super::card::card,
    working_memory,
    key: "independent_pixels",
    label: "Independent pixels (baseline)",
    presets: &[Preset {
        file: "independent_pixels_glyphs.toml",
        toml: include_str!("../../../presets/independent_pixels_glyphs.toml"),
    }],
    build: |spec, device| match spec {
        ExperimentSpec::IndependentPixels(s) => {
            Ok(Box::new(IndependentPixels::new(s.clone(), device)?))
        }
        other => Err(wrong_architecture(other, "IndependentPixels")),
    },
    headline: Headline {
        metric: "val_nll_nats",
        better: Better::Lower,
    },
    tools: Tools {
        samples: SampleKind::Gallery,
        lab: Some(LabTool::Pixels),
        gan_steps: false,
    },
    settings: &[
        Setting::fixed(
            "model.levels",
            "Intensity levels",
            "Each pixel is quantised to this many levels (2 = black and white), as PixelCNN's are.",
            SettingKind::Int { min: 2, max: 256 },
        ),
        Setting::fixed(
            "train.batch_size",
            "Batch size",
            "Images per update.",
            SettingKind::Int { min: 1, max: 256 },
        ),
        Setting::fixed(
            "sample.count",
            "Samples",
            "Images drawn for each gallery picture.",
            SettingKind::Int { min: 1, max: 36 },
        ),
        Setting::fixed(
            "seed",
            "Seed",
            "Seeds the batches and samples: the same seed gives the same run.",
            SettingKind::Int {
                min: 0,
                max: 1 << 53,
            },
        ),
        Setting::fixed(
            "schedule.steps",
            "Steps",
            "How many batches the run lasts.",
            SettingKind::Int {
                min: 1,
                max: 10_000_000,
            },
        ),
        Setting::live(
            "train.lr",
            "Learning rate",
            "Adam's step on every pixel's logits (they start uniform).",
            LEARNING_RATE,
        ),
    ],
    benches: &[],
};

/// The independent-pixels model's working memory: the glyphs, and a batch's
/// per-pixel softmax.
fn working_memory(spec: &ExperimentSpec) -> WorkingMemory {
    let ExperimentSpec::IndependentPixels(s) = spec else {
        return WorkingMemory::default();
    };
    let side = s.data.image_size;
    let classes = s.model.levels.max(s.model.palette).max(2);
    WorkingMemory {
        data_bytes: s.data.resident_bytes(),
        step_floats: times((side * side * classes * 2) as u64, s.train.batch_size.max(100)),
        change: "lower train.batch_size",
        picture_bytes: 0,
    }
}
