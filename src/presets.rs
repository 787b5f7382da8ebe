//! The ready experiments in `presets/`, embedded by each architecture's registry
//! entry so the studio works out of the box. The TOML files are the only defaults:
//! every default spec here parses one of them.

use crate::experiments::autoencoder::spec::{AutoencoderKind, AutoencoderSpec};
use crate::experiments::char_lstm::spec::CharLstmSpec;
use crate::experiments::deep_dream::DeepDreamSpec;
use crate::experiments::image_gan::spec::{GanLoss, ImageGanSpec};
use crate::experiments::pixel_cnn::spec::PixelCnnSpec;
use crate::experiments::registry;
use crate::experiments::style_transfer::StyleTransferSpec;
use crate::experiments::{ARCHITECTURES, ExperimentSpec};
use crate::{Result, StudioError};

pub use registry::{Preset, preset, presets as built_in};

/// The studio's built-in default: the first architecture's first preset (the 2-D
/// GAN on a ring of eight Gaussians).
pub fn default_spec() -> Result<ExperimentSpec> {
    built_in()
        .next()
        .ok_or_else(|| StudioError::Spec("no built-in preset".into()))?
        .spec()
}

/// The first built-in preset whose spec `pick` accepts.
fn first<T>(what: &str, pick: impl Fn(ExperimentSpec) -> Option<T>) -> Result<T> {
    for p in built_in() {
        if let Some(found) = pick(p.spec()?) {
            return Ok(found);
        }
    }
    Err(StudioError::Spec(format!("no built-in preset of {what}")))
}

/// The built-in image GAN playing `loss` (`dcgan_glyphs`, `wgan_glyphs`,
/// `wgan_gp_glyphs`).
pub fn image_gan_default(loss: GanLoss) -> Result<ImageGanSpec> {
    first("that image GAN", |s| match s {
        ExperimentSpec::ImageGan(g) if g.train.loss == loss => Some(g),
        _ => None,
    })
}

/// The built-in autoencoder of `kind` (`vae_glyphs`, `ae_glyphs`, `dae_glyphs`).
pub fn autoencoder_default(kind: AutoencoderKind) -> Result<AutoencoderSpec> {
    first("that autoencoder", |s| match s {
        ExperimentSpec::Autoencoder(a) if a.model.kind == kind => Some(a),
        _ => None,
    })
}

/// The built-in character model (`char_lstm_source`).
pub fn char_lstm_default() -> Result<CharLstmSpec> {
    first("a character model", |s| match s {
        ExperimentSpec::CharLstm(c) => Some(c),
        _ => None,
    })
}

/// The built-in PixelCNN (`pixelcnn_glyphs`).
pub fn pixel_cnn_default() -> Result<PixelCnnSpec> {
    first("a PixelCNN", |s| match s {
        ExperimentSpec::PixelCnn(p) => Some(p),
        _ => None,
    })
}

/// The built-in style transfer (`style_transfer`).
pub fn style_transfer_default() -> Result<StyleTransferSpec> {
    first("a style transfer", |s| match s {
        ExperimentSpec::StyleTransfer(t) => Some(t),
        _ => None,
    })
}

/// The built-in dream (`deep_dream`).
pub fn deep_dream_default() -> Result<DeepDreamSpec> {
    first("a dream", |s| match s {
        ExperimentSpec::DeepDream(d) => Some(d),
        _ => None,
    })
}

/// Every architecture, in the picker's order.
pub fn architectures() -> &'static [&'static registry::Architecture] {
    ARCHITECTURES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_parses_round_trips_and_comments_each_line() {
        let mut files = Vec::new();
        for p in built_in() {
            let spec = p.spec().unwrap_or_else(|e| panic!("{}: {e}", p.file));
            let again = ExperimentSpec::from_toml(&spec.to_toml().expect("toml"));
            assert_eq!(again.ok(), Some(spec), "{}", p.file);
            // One comment per hyper-parameter line.
            for line in p.toml.lines().filter(|l| l.contains(" = ")) {
                assert!(line.contains('#'), "{}: uncommented line {line}", p.file);
            }
            files.push(p.file);
        }
        // Every file in presets/ is embedded once.
        let mut on_disk: Vec<String> =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/presets"))
                .expect("presets/")
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|f| f.ends_with(".toml"))
                .collect();
        on_disk.sort();
        files.sort();
        assert_eq!(files, on_disk);
        assert_eq!(
            default_spec().expect("default").architecture(),
            "gan2d",
            "the window opens on the 2-D GAN"
        );
        assert_eq!(
            image_gan_default(GanLoss::WganGp)
                .expect("wgan-gp")
                .train
                .loss,
            GanLoss::WganGp
        );
        assert_eq!(
            autoencoder_default(AutoencoderKind::Denoising)
                .expect("dae")
                .model
                .kind,
            AutoencoderKind::Denoising
        );
    }
}
