//! The autoencoders' entry in the registry.

use super::Autoencoder;
use super::spec::AutoencoderKind;
use crate::Result;
use crate::experiments::ExperimentSpec;
use crate::experiments::live::ADAM_LR;
use crate::experiments::registry::{
    Architecture, Bench, Better, Headline, LabTool, Preset, SampleKind, Setting, SettingKind,
    Tools, wrong_architecture,
};
use crate::experiments::working_memory::{WorkingMemory, conv_stack_floats, times};

/// The autoencoders in the registry.
pub const ARCHITECTURE: Architecture = Architecture {
    card: super::card::card,
    working_memory,
    key: "autoencoder",
    label: "Autoencoder / VAE",
    presets: &[
        Preset {
            file: "vae_glyphs.toml",
            toml: include_str!("../../../presets/vae_glyphs.toml"),
        },
        Preset {
            file: "vae_glyphs_binarised.toml",
            toml: include_str!("../../../presets/vae_glyphs_binarised.toml"),
        },
        Preset {
            file: "ae_glyphs.toml",
            toml: include_str!("../../../presets/ae_glyphs.toml"),
        },
        Preset {
            file: "dae_glyphs.toml",
            toml: include_str!("../../../presets/dae_glyphs.toml"),
        },
    ],
    build: |spec, device| match spec {
        ExperimentSpec::Autoencoder(s) => Ok(Box::new(Autoencoder::new(s.clone(), device)?)),
        other => Err(wrong_architecture(other, "Autoencoder")),
    },
    headline: Headline {
        metric: "val_elbo",
        better: Better::Higher,
    },
    tools: Tools {
        samples: SampleKind::NoiseGallery,
        lab: Some(LabTool::Latent),
        gan_steps: false,
    },
    settings: &[
        ADAM_LR,
        Setting::live(
            "train.beta",
            "KL weight β",
            "1 = the ELBO. Larger β pulls codes toward the prior (smoother map, blurrier images; watch the active units fall); 0 = a plain autoencoder with noise.",
            SettingKind::Float {
                min: 0.0,
                max: 100.0,
                log: true,
            },
        )
        .when(is_vae),
        Setting::live(
            "train.noise",
            "Noise",
            "Standard deviation of the Gaussian noise added to the input (pixels in 0–1).",
            SettingKind::Float {
                min: 0.0,
                max: 1.0,
                log: false,
            },
        )
        .when(is_denoising),
    ],
    benches: &[Bench {
        name: "vae",
        about: "the convolutional VAE (torch_vae.py): one update",
        sampling: false,
        spec: vae_bench,
    }],
};

/// Whether the spec is a VAE (β weighs its KL term).
fn is_vae(spec: &ExperimentSpec) -> bool {
    matches!(spec, ExperimentSpec::Autoencoder(s) if s.model.kind == AutoencoderKind::Vae)
}

/// Whether the spec is a denoising autoencoder (noise on its input).
fn is_denoising(spec: &ExperimentSpec) -> bool {
    matches!(spec, ExperimentSpec::Autoencoder(s) if s.model.kind == AutoencoderKind::Denoising)
}

/// The benchmark VAE: its preset as it is.
fn vae_bench() -> Result<ExperimentSpec> {
    ARCHITECTURE.presets[0].with(&[])
}

/// An autoencoder's working memory: the glyphs, and a batch through the encoder
/// (two stride-2 convolutions, a dense layer) and the decoder (the mirror image).
fn working_memory(spec: &ExperimentSpec) -> WorkingMemory {
    let ExperimentSpec::Autoencoder(s) = spec else {
        return WorkingMemory::default();
    };
    let (m, side) = (&s.model, s.data.image_size);
    let image = (s.data.channels * side * side) as u64;
    let one_way = conv_stack_floats(side, m.channels, 2) + (m.hidden + 2 * m.latent_dim) as u64;
    WorkingMemory {
        data_bytes: s.data.resident_bytes(),
        // In, through both halves, out (and the noisy copy of a denoising one); the
        // held-out measurement goes through in chunks of 250.
        step_floats: times(2 * one_way + 3 * image, s.train.batch_size.max(250)),
        change: "lower train.batch_size or model.channels / model.hidden",
        picture_bytes: 0,
    }
}
