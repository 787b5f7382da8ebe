//! The fast style transfer's entry in the registry.

use super::FastStyle;
use crate::Result;
use crate::experiments::ExperimentSpec;
use crate::experiments::live::LEARNING_RATE;
use crate::experiments::registry::{
    Architecture, Bench, Better, Headline, LabTool, Preset, SampleKind, Setting, SettingKind,
    Tools, wrong_architecture,
};
use crate::experiments::style_transfer::entry::weight;
use crate::experiments::working_memory::{WorkingMemory, times};

/// The fast style transfer in the registry.
pub const ARCHITECTURE: Architecture = Architecture {
    card: super::card::card,
    working_memory,
    key: "fast_style",
    label: "Style transfer · fast (train a network)",
    presets: &[Preset {
        file: "fast_style_mosaic.toml",
        toml: include_str!("../../../presets/fast_style_mosaic.toml"),
    }],
    build: |spec, device| match spec {
        ExperimentSpec::FastStyle(s) => Ok(Box::new(FastStyle::new(s.clone(), device)?)),
        other => Err(wrong_architecture(other, "FastStyle")),
    },
    headline: Headline {
        metric: "val_total_loss",
        better: Better::Lower,
    },
    tools: Tools {
        samples: SampleKind::Gallery,
        lab: Some(LabTool::Repaint),
        gan_steps: false,
    },
    settings: &[
        weight("loss.content", "Content weight", "How much the content picture's layout counts."),
        weight("loss.style", "Style weight", "How much the style picture's textures count."),
        weight("loss.tv", "Smoothness (TV)", "Total variation: penalises pixel-to-pixel noise."),
        Setting::live("train.lr", "Learning rate", "Adam's step size.", LEARNING_RATE),
        Setting::fixed(
            "model.width",
            "Network width",
            "Channels of the first layer (twice and four times that further down): wider learns more and repaints slower.",
            SettingKind::Int { min: 4, max: 128 },
        ),
        Setting::fixed(
            "model.blocks",
            "Residual blocks",
            "Blocks at a quarter of the size, where the network does most of its repainting.",
            SettingKind::Int { min: 0, max: 16 },
        ),
        Setting::fixed(
            "model.noise",
            "Noise channels",
            "Channels of random noise fed in beside the picture: where the picture is flat (a sky), the only thing the network can build the style's texture from. Fixed when repainting, so a picture always comes out the same.",
            SettingKind::Int { min: 0, max: 16 },
        ),
        Setting::fixed(
            "content.size",
            "Training width (px)",
            "Width of the content pictures it learns on (4:3). It repaints any size afterwards.",
            SettingKind::Int { min: 32, max: 1024 },
        ),
        Setting::fixed(
            "content.count",
            "Landscapes",
            "Landscapes it learns from, each drawn from its own seed.",
            SettingKind::Int { min: 1, max: 100_000 },
        ),
        Setting::fixed(
            "train.batch_size",
            "Batch size",
            "Content pictures per step.",
            SettingKind::Int { min: 1, max: 64 },
        ),
        Setting::fixed(
            "compare.iterations",
            "Optimised comparison (iterations)",
            "L-BFGS iterations for the held-out pictures optimised pixel by pixel, shown beside the network's (computed once, at the first gallery).",
            SettingKind::Int { min: 0, max: 1000 },
        ),
        Setting::fixed(
            "schedule.steps",
            "Steps",
            "How many batches the run lasts.",
            SettingKind::Int { min: 1, max: 10_000_000 },
        ),
    ],
    benches: &[Bench {
        name: "fast-style-train",
        about: "the fast style transfer's training step: 4 landscapes of 128 × 96 through the transformation network (width 16, 2 residual blocks, 4 noise channels) and the built-in feature network, with the backward",
        sampling: false,
        spec: fast_style_bench,
    }],
};

fn fast_style_bench() -> Result<ExperimentSpec> {
    ARCHITECTURE.presets[0].with(&["compare.pictures=0"])
}

/// The pictures in memory, and a step's activations: the transformation network's
/// (each layer's output and its norm's) and the feature network's to conv4.
fn working_memory(spec: &ExperimentSpec) -> WorkingMemory {
    let ExperimentSpec::FastStyle(s) = spec else {
        return WorkingMemory::default();
    };
    let pixels = (s.content.size * s.height()) as u64;
    let pictures = (s.content.count + s.content.held_out) as u64;
    let w = s.model.width as u64;
    // Full size: 2 layers of w (and their norms), 3 channels twice; a quarter: the blocks.
    let transform = pixels * (4 * w + 6) + pixels / 4 * 4 * w + pixels / 16 * 8 * w * (2 + 4 * s.model.blocks as u64);
    // The built-in feature network to conv4: 64 + 64 at full size, 128·2 at ¼, 256·4 at 1⁄16.
    let features = pixels * 128 + pixels / 4 * 256 + pixels / 16 * 1024;
    WorkingMemory {
        data_bytes: pictures.saturating_mul(pixels * 3),
        step_floats: times(transform + 2 * features, s.train.batch_size),
        change: "lower content.size or train.batch_size",
        picture_bytes: 0,
    }
}
