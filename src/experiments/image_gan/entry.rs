//! The image GANs' entry in the registry.

use super::ImageGan;
use super::spec::GanLoss;
use crate::Result;
use crate::experiments::ExperimentSpec;
use crate::experiments::gan_knobs::{D_STEPS, GENERATOR_LOSS, LR_D, LR_G};
use crate::experiments::registry::{
    Architecture, Bench, Better, Headline, Preset, SampleKind, Setting, SettingKind, Tools,
    wrong_architecture,
};
use crate::experiments::working_memory::{WorkingMemory, conv_stack_floats, times};

/// The image GANs in the registry.
pub const ARCHITECTURE: Architecture = Architecture {
    card: super::card::card,
    working_memory,
    key: "image_gan",
    label: "Image GAN (DCGAN, WGAN, WGAN-GP)",
    presets: &[
        Preset {
            file: "dcgan_glyphs.toml",
            toml: include_str!("../../../presets/dcgan_glyphs.toml"),
        },
        Preset {
            file: "wgan_glyphs.toml",
            toml: include_str!("../../../presets/wgan_glyphs.toml"),
        },
        Preset {
            file: "wgan_gp_glyphs.toml",
            toml: include_str!("../../../presets/wgan_gp_glyphs.toml"),
        },
    ],
    build: |spec, device| match spec {
        ExperimentSpec::ImageGan(s) => Ok(Box::new(ImageGan::new(s.clone(), device)?)),
        other => Err(wrong_architecture(other, "ImageGan")),
    },
    headline: Headline {
        metric: "frechet_distance",
        better: Better::Lower,
    },
    tools: Tools {
        samples: SampleKind::NoiseGallery,
        lab: None,
        gan_steps: true,
    },
    settings: &[
        LR_G,
        LR_D,
        D_STEPS,
        GENERATOR_LOSS.when(plays_gan),
        Setting::live(
            "train.label_smoothing",
            "Label smoothing",
            "Real images get the target 1 − this, so D cannot become over-confident.",
            LABEL_RANGE,
        )
        .when(plays_gan),
        Setting::live(
            "train.label_noise",
            "Label noise",
            "Flip this fraction of D's labels at random, to keep it from winning too easily.",
            LABEL_RANGE,
        )
        .when(plays_gan),
    ],
    benches: &[
        Bench {
            name: "dcgan",
            about: "DCGAN 28×28 (torch_dcgan.py): one discriminator and one generator update",
            sampling: false,
            spec: dcgan_bench,
        },
        Bench {
            name: "dcgan-sample",
            about: "DCGAN sampling: the 64-image gallery from fixed noise",
            sampling: true,
            spec: dcgan_bench,
        },
    ],
};

/// Label smoothing's and label noise's range.
const LABEL_RANGE: SettingKind = SettingKind::Float {
    min: 0.0,
    max: 0.45,
    log: false,
};

/// Whether the spec plays the original game (the others have no labels to smooth
/// and no choice of generator loss).
fn plays_gan(spec: &ExperimentSpec) -> bool {
    matches!(spec, ExperimentSpec::ImageGan(s) if s.train.loss == GanLoss::Gan)
}

/// The benchmark DCGAN: the preset without quality measurements.
fn dcgan_bench() -> Result<ExperimentSpec> {
    ARCHITECTURE.presets[0].with(&["quality.every=0"])
}

/// An image GAN's working memory: the glyphs, and a batch through G and through D
/// three times (real, generated, G's step; WGAN-GP's penalty twice more).
fn working_memory(spec: &ExperimentSpec) -> WorkingMemory {
    let ExperimentSpec::ImageGan(s) = spec else {
        return WorkingMemory::default();
    };
    let (m, side) = (&s.model, s.data.image_size);
    let stages = if side >= 64 { 3 } else { 2 };
    let top = m.g_channels << (stages - 1);
    // G mirrors a stack that starts at `g_channels`: the same maps, and the image.
    let g = m.latent_dim as u64
        + conv_stack_floats(side, m.g_channels, stages)
        + (top * (side >> stages) * (side >> stages)) as u64
        + (s.data.channels * side * side) as u64;
    let d = conv_stack_floats(side, m.d_channels, stages) + (s.data.channels * side * side) as u64;
    let passes = if s.train.loss == GanLoss::WganGp { 5 } else { 3 };
    WorkingMemory {
        data_bytes: s.data.resident_bytes(),
        step_floats: times(g + passes * d, s.train.batch_size),
        change: "lower train.batch_size or model.g_channels / model.d_channels",
        picture_bytes: 0,
    }
}
