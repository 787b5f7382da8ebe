//! The 2-D GAN's entry in the registry, and its working memory.

use super::Gan2d;
use crate::experiments::ExperimentSpec;
use crate::experiments::gan_knobs::{D_STEPS, GENERATOR_LOSS, LR_D, LR_G};
use crate::experiments::registry::{
    Architecture, Better, Headline, Preset, SampleKind, Tools, wrong_architecture,
};
use crate::experiments::working_memory::{WorkingMemory, times};

/// The 2-D GAN in the registry.
pub const ARCHITECTURE: Architecture = Architecture {
    card: super::card,
    working_memory,
    key: "gan2d",
    label: "GAN · 2-D",
    presets: &[
        Preset {
            file: "gan2d_ring.toml",
            toml: include_str!("../../../presets/gan2d_ring.toml"),
        },
        Preset {
            file: "gan2d_grid.toml",
            toml: include_str!("../../../presets/gan2d_grid.toml"),
        },
        Preset {
            file: "gan2d_spiral.toml",
            toml: include_str!("../../../presets/gan2d_spiral.toml"),
        },
        Preset {
            file: "gan2d_moons.toml",
            toml: include_str!("../../../presets/gan2d_moons.toml"),
        },
    ],
    build: |spec, device| match spec {
        ExperimentSpec::Gan2d(s) => Ok(Box::new(Gan2d::new(s.clone(), device)?)),
        other => Err(wrong_architecture(other, "Gan2d")),
    },
    headline: Headline {
        metric: "modes_captured",
        better: Better::Higher,
    },
    tools: Tools {
        samples: SampleKind::Points2d,
        lab: None,
        gan_steps: true,
    },
    settings: &[LR_G, LR_D, D_STEPS, GENERATOR_LOSS.when(plays_gan)],
    benches: &[],
};

/// The 2-D GAN's working memory: its batches through G and D (real and generated).
fn working_memory(spec: &ExperimentSpec) -> WorkingMemory {
    let ExperimentSpec::Gan2d(s) = spec else {
        return WorkingMemory::default();
    };
    let m = &s.model;
    let g = (m.latent_dim + m.g_hidden.iter().sum::<usize>() + 2) as u64;
    let d = (m.d_hidden.iter().sum::<usize>() + 1) as u64;
    WorkingMemory {
        data_bytes: 0,
        step_floats: times(g + 3 * d, s.train.batch_size),
        change: "lower train.batch_size or the hidden layers' widths",
        picture_bytes: 0,
    }
}

/// Whether the run plays the original GAN, whose generator loss has two forms.
fn plays_gan(spec: &ExperimentSpec) -> bool {
    matches!(spec, ExperimentSpec::Gan2d(s) if s.train.loss == super::losses::GanLoss2d::Gan)
}
