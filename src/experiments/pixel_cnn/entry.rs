//! PixelCNN's entry in the registry.

use super::PixelCnn;
use crate::Result;
use crate::experiments::ExperimentSpec;
use crate::experiments::live::ADAM_LR;
use crate::experiments::registry::{
    Architecture, Bench, Better, Headline, LabTool, Preset, SampleKind, Tools, wrong_architecture,
};
use crate::experiments::working_memory::{WorkingMemory, times};

/// PixelCNN in the registry.
pub const ARCHITECTURE: Architecture = Architecture {
    card: super::card::card,
    working_memory,
    key: "pixel_cnn",
    label: "PixelCNN",
    presets: &[Preset {
        file: "pixelcnn_glyphs.toml",
        toml: include_str!("../../../presets/pixelcnn_glyphs.toml"),
    }],
    build: |spec, device| match spec {
        ExperimentSpec::PixelCnn(s) => Ok(Box::new(PixelCnn::new(s.clone(), device)?)),
        other => Err(wrong_architecture(other, "PixelCnn")),
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
    settings: &[ADAM_LR],
    benches: &[
        Bench {
            name: "pixelcnn",
            about: "the PixelCNN preset (binarised 28×28, batch 32): one update",
            sampling: false,
            spec: pixel_cnn_bench,
        },
        Bench {
            name: "pixelcnn-sample",
            about: "PixelCNN sampling: one 28×28 image, pixel by pixel",
            sampling: true,
            spec: pixel_cnn_bench,
        },
    ],
};

/// The benchmark PixelCNN: its preset, drawing one image per sample.
fn pixel_cnn_bench() -> Result<ExperimentSpec> {
    ARCHITECTURE.presets[0].with(&["sample.count=1"])
}

/// A PixelCNN's working memory: the glyphs, and a batch of full-size feature maps
/// through every block (three maps each) and the per-pixel softmax.
fn working_memory(spec: &ExperimentSpec) -> WorkingMemory {
    let ExperimentSpec::PixelCnn(s) = spec else {
        return WorkingMemory::default();
    };
    let (m, side) = (&s.model, s.data.image_size);
    let pixels = (side * side) as u64;
    let maps = (m.channels * (1 + 3 * m.blocks)) as u64 + 2 * (s.classes() * s.data.channels) as u64;
    WorkingMemory {
        data_bytes: s.data.resident_bytes(),
        // The held-out likelihood goes through in chunks of 100.
        step_floats: times(pixels * maps, s.train.batch_size.max(100)),
        change: "lower train.batch_size, model.channels or model.blocks",
        picture_bytes: 0,
    }
}
