//! Style transfer's entry in the registry.

use super::{PixelOptimiser, StyleTransfer};
use crate::Result;
use crate::experiments::ExperimentSpec;
use crate::experiments::live::LEARNING_RATE;
use crate::experiments::registry::{
    Architecture, Bench, Better, Headline, Preset, SampleKind, Setting, SettingKind, Tools,
    wrong_architecture,
};
use crate::experiments::working_memory::WorkingMemory;

/// Style transfer in the registry.
pub const ARCHITECTURE: Architecture = Architecture {
    card: super::card::card,
    working_memory,
    key: "style_transfer",
    label: "Style transfer (optimise the picture)",
    presets: &[Preset {
        file: "style_transfer.toml",
        toml: include_str!("../../../presets/style_transfer.toml"),
    }],
    build: |spec, device| match spec {
        ExperimentSpec::StyleTransfer(s) => Ok(Box::new(StyleTransfer::new(s.clone(), device)?)),
        other => Err(wrong_architecture(other, "StyleTransfer")),
    },
    headline: Headline {
        metric: "total_loss",
        better: Better::Lower,
    },
    tools: Tools {
        samples: SampleKind::Picture,
        lab: None,
        gan_steps: false,
    },
    settings: &[
        weight(
            "loss.content",
            "Content weight",
            "How much the content picture's layout counts.",
        ),
        weight(
            "loss.style",
            "Style weight",
            "How much the style picture's textures count.",
        ),
        weight(
            "loss.tv",
            "Smoothness (TV)",
            "Total variation: penalises pixel-to-pixel noise.",
        ),
        Setting::live(
            "optimise.lr",
            "Learning rate",
            "Adam's step size.",
            LEARNING_RATE,
        )
        .when(uses_adam),
        Setting::live(
            "pictures.preserve_colour",
            "Keep the content's colours",
            "Restyle the luminance only: the strokes change, the colours stay.",
            SettingKind::Bool,
        ),
    ],
    benches: &[
        Bench {
            name: "style-transfer",
            about: "style transfer of the studio's pictures at 256 × 192, built-in network: one Adam iteration (a forward and a backward pass)",
            sampling: false,
            spec: style_transfer_bench,
        },
        Bench {
            name: "style-transfer512",
            about: "the same at 512 × 384",
            sampling: false,
            spec: style_transfer_bench_512,
        },
    ],
};

/// A loss weight, live, on a logarithmic scale from 0 (the fast transfer's too).
pub(crate) const fn weight(key: &'static str, label: &'static str, tip: &'static str) -> Setting {
    Setting::live(
        key,
        label,
        tip,
        SettingKind::Float {
            min: 0.0,
            max: 100_000.0,
            log: true,
        },
    )
}

/// Whether the pixels move by Adam (L-BFGS has no learning rate).
fn uses_adam(spec: &ExperimentSpec) -> bool {
    matches!(spec, ExperimentSpec::StyleTransfer(s) if s.optimise.optimiser == PixelOptimiser::Adam)
}

/// The benchmark style transfer: one Adam iteration (an L-BFGS iteration adds its
/// line search's extra evaluations).
fn style_transfer_bench() -> Result<ExperimentSpec> {
    ARCHITECTURE.presets[0].with(&["optimise.optimiser=adam"])
}

/// The same at 512 px.
fn style_transfer_bench_512() -> Result<ExperimentSpec> {
    ARCHITECTURE.presets[0].with(&["optimise.optimiser=adam", "pictures.size=512"])
}

/// The picture optimisation's estimate (from the picture's size and the deepest
/// layer), which it checks itself before it starts.
fn working_memory(spec: &ExperimentSpec) -> WorkingMemory {
    let ExperimentSpec::StyleTransfer(s) = spec else {
        return WorkingMemory::default();
    };
    WorkingMemory {
        picture_bytes: super::picture_estimate_bytes(s),
        ..WorkingMemory::default()
    }
}
