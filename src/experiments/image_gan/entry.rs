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

/// The image GANs in the registry.
pub const ARCHITECTURE: Architecture = Architecture {
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
