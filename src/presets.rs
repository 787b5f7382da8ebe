//! The ready experiments in `presets/`, embedded so the studio works out of the box.

use crate::Result;
use crate::data::toy2d::Toy2d;
use std::path::PathBuf;

use crate::data::pictures::PictureSource;
use crate::experiments::autoencoder::spec::{
    AutoencoderEval, AutoencoderKind, AutoencoderModel, AutoencoderSpec, AutoencoderTrain,
    Reconstruction,
};
use crate::experiments::char_lstm::spec::{
    CharLstmEval, CharLstmModel, CharLstmSample, CharLstmSpec, CharLstmTrain, TextData, TextSource,
};
use crate::experiments::deep_dream::{DeepDreamSpec, DreamSettings};
use crate::experiments::gan2d::{Gan2dData, Gan2dModel, Gan2dSpec, Gan2dTrain};
use crate::experiments::image_gan::spec::{
    DataSource, GanLoss, ImageData, ImageGanModel, ImageGanQuality, ImageGanSpec, ImageGanTrain,
    LatentPrior, OutputActivation,
};
use crate::experiments::pixel_cnn::spec::{
    PixelCnnEval, PixelCnnModel, PixelCnnSample, PixelCnnSpec, PixelCnnTrain,
};
use crate::experiments::style_transfer::{
    PixelOptimise, PixelOptimiser, StartFrom, StyleLayers, StyleLossWeights, StylePictures,
    StyleTransferSpec,
};
use crate::experiments::{ExperimentSpec, GeneratorLoss, Schedule};
use crate::features::FeatureSource;
use crate::nn::mlp::Activation;
use crate::nn::optim::OptimizerKind;

/// A preset file shipped with the studio.
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    /// The file name in `presets/`.
    pub file: &'static str,
    /// The file's text.
    pub toml: &'static str,
}

impl Preset {
    /// Parses the preset.
    pub fn spec(&self) -> Result<ExperimentSpec> {
        ExperimentSpec::from_toml(self.toml)
    }
}

/// Every built-in preset, the default first.
pub const BUILT_IN: &[Preset] = &[
    Preset {
        file: "gan2d_ring.toml",
        toml: include_str!("../presets/gan2d_ring.toml"),
    },
    Preset {
        file: "gan2d_grid.toml",
        toml: include_str!("../presets/gan2d_grid.toml"),
    },
    Preset {
        file: "gan2d_spiral.toml",
        toml: include_str!("../presets/gan2d_spiral.toml"),
    },
    Preset {
        file: "gan2d_moons.toml",
        toml: include_str!("../presets/gan2d_moons.toml"),
    },
    Preset {
        file: "dcgan_glyphs.toml",
        toml: include_str!("../presets/dcgan_glyphs.toml"),
    },
    Preset {
        file: "wgan_glyphs.toml",
        toml: include_str!("../presets/wgan_glyphs.toml"),
    },
    Preset {
        file: "wgan_gp_glyphs.toml",
        toml: include_str!("../presets/wgan_gp_glyphs.toml"),
    },
    Preset {
        file: "vae_glyphs.toml",
        toml: include_str!("../presets/vae_glyphs.toml"),
    },
    Preset {
        file: "ae_glyphs.toml",
        toml: include_str!("../presets/ae_glyphs.toml"),
    },
    Preset {
        file: "dae_glyphs.toml",
        toml: include_str!("../presets/dae_glyphs.toml"),
    },
    Preset {
        file: "pixelcnn_glyphs.toml",
        toml: include_str!("../presets/pixelcnn_glyphs.toml"),
    },
    Preset {
        file: "char_lstm_source.toml",
        toml: include_str!("../presets/char_lstm_source.toml"),
    },
    Preset {
        file: "style_transfer.toml",
        toml: include_str!("../presets/style_transfer.toml"),
    },
    Preset {
        file: "deep_dream.toml",
        toml: include_str!("../presets/deep_dream.toml"),
    },
];

/// The studio's built-in default: the 2-D GAN on a ring of eight Gaussians
/// (equal to `presets/gan2d_ring.toml`, which a test checks).
pub fn default_spec() -> ExperimentSpec {
    ExperimentSpec::Gan2d(gan2d_default(Toy2d::Ring))
}

/// The default 2-D GAN on `distribution`.
pub fn gan2d_default(distribution: Toy2d) -> Gan2dSpec {
    let name = match distribution {
        Toy2d::Ring => "GAN 2-D · ring of 8",
        Toy2d::Grid => "GAN 2-D · grid of 25",
        Toy2d::Spiral => "GAN 2-D · spiral",
        Toy2d::Moons => "GAN 2-D · two moons",
    };
    Gan2dSpec {
        name: name.into(),
        seed: 1,
        schedule: Schedule::default(),
        data: Gan2dData { distribution },
        model: Gan2dModel {
            latent_dim: 2,
            g_hidden: vec![128, 128],
            d_hidden: vec![128, 128],
            g_activation: Activation::Relu,
            d_activation: Activation::LeakyRelu,
        },
        train: Gan2dTrain {
            batch_size: 256,
            optimizer: OptimizerKind::Adam,
            lr_g: 1e-3,
            lr_d: 1e-3,
            beta1: 0.5,
            d_steps: 1,
            generator_loss: GeneratorLoss::NonSaturating,
        },
    }
}

/// The default image GAN playing `loss` on 28 × 28 glyph digits.
pub fn image_gan_default(loss: GanLoss) -> ImageGanSpec {
    let (name, optimizer, lr, d_steps, steps) = match loss {
        GanLoss::Gan => ("DCGAN · glyph digits", OptimizerKind::Adam, 2e-4, 1, 3000),
        GanLoss::Wgan => ("WGAN · glyph digits", OptimizerKind::RmsProp, 5e-5, 5, 2000),
        GanLoss::WganGp => ("WGAN-GP · glyph digits", OptimizerKind::Adam, 1e-4, 5, 2000),
    };
    ImageGanSpec {
        name: name.into(),
        seed: 1,
        schedule: Schedule {
            steps,
            log_every: 10,
            sample_every: 250,
            checkpoint_every: 500,
        },
        data: ImageData {
            source: DataSource::Glyphs,
            path: PathBuf::new(),
            image_size: 28,
            channels: 1,
        },
        model: ImageGanModel {
            latent_dim: 100,
            latent: LatentPrior::Gaussian,
            g_channels: 64,
            d_channels: 64,
            kernel: 4,
            d_activation: Activation::LeakyRelu,
            d_dropout: 0.0,
            d_batch_norm: loss != GanLoss::WganGp,
            g_output: OutputActivation::Tanh,
        },
        train: ImageGanTrain {
            loss,
            generator_loss: GeneratorLoss::NonSaturating,
            batch_size: 64,
            optimizer,
            lr_g: lr,
            lr_d: lr,
            beta1: 0.5,
            d_steps,
            label_smoothing: 0.0,
            label_noise: 0.0,
            clip: 0.01,
            gp_weight: 10.0,
        },
        quality: ImageGanQuality {
            every: 100,
            samples: 500,
        },
    }
}

/// The default autoencoder of `kind` on 28 × 28 glyph digits.
pub fn autoencoder_default(kind: AutoencoderKind) -> AutoencoderSpec {
    let name = match kind {
        AutoencoderKind::Plain => "Autoencoder · glyph digits",
        AutoencoderKind::Denoising => "Denoising autoencoder · glyph digits",
        AutoencoderKind::Vae => "VAE · glyph digits",
    };
    AutoencoderSpec {
        name: name.into(),
        seed: 1,
        schedule: Schedule {
            steps: 3000,
            log_every: 25,
            sample_every: 250,
            checkpoint_every: 500,
        },
        data: ImageData::glyphs(28),
        model: AutoencoderModel {
            kind,
            latent_dim: 16,
            channels: 32,
            hidden: 128,
        },
        train: AutoencoderTrain {
            batch_size: 64,
            lr: 1e-3,
            reconstruction: Reconstruction::Bernoulli,
            gaussian_sigma: 0.1,
            beta: 1.0,
            kl_warmup: 0,
            noise: if kind == AutoencoderKind::Denoising {
                0.5
            } else {
                0.0
            },
        },
        eval: AutoencoderEval {
            every: 100,
            images: 1000,
        },
    }
}

/// The default character model: one LSTM of 256 units on the studio's own source.
pub fn char_lstm_default() -> CharLstmSpec {
    CharLstmSpec {
        name: "Char-LSTM · the studio's own source".into(),
        seed: 1,
        schedule: Schedule {
            steps: 3000,
            log_every: 10,
            sample_every: 100,
            checkpoint_every: 500,
        },
        data: TextData {
            source: TextSource::BuiltIn,
            path: PathBuf::new(),
            lossy: false,
            vocab_cap: 96,
            held_out: 0.05,
        },
        model: CharLstmModel {
            embedding: 64,
            hidden: 256,
            layers: 1,
        },
        train: CharLstmTrain {
            batch_size: 64,
            seq_len: 100,
            lr: 2e-3,
            clip: 5.0,
        },
        eval: CharLstmEval {
            every: 50,
            chars: 20_000,
        },
        sample: CharLstmSample {
            prompt: "fn ".into(),
            length: 300,
            temperature: 0.8,
        },
    }
}

/// The default PixelCNN: binarised 28 × 28 glyph digits.
pub fn pixel_cnn_default() -> PixelCnnSpec {
    PixelCnnSpec {
        name: "PixelCNN · binarised glyph digits".into(),
        seed: 1,
        schedule: Schedule {
            steps: 3000,
            log_every: 10,
            sample_every: 500,
            checkpoint_every: 500,
        },
        data: ImageData::glyphs(28),
        model: PixelCnnModel {
            levels: 2,
            palette: 16,
            channels: 32,
            blocks: 5,
            gated: false,
        },
        train: PixelCnnTrain {
            batch_size: 32,
            lr: 1e-3,
        },
        eval: PixelCnnEval {
            every: 100,
            images: 500,
        },
        sample: PixelCnnSample { count: 4 },
    }
}

/// The default style transfer: the studio's landscape in the style of its mosaic,
/// with the built-in random-filter network.
pub fn style_transfer_default() -> StyleTransferSpec {
    StyleTransferSpec {
        name: "Style transfer · landscape as stained glass".into(),
        seed: 1,
        schedule: Schedule {
            steps: 150,
            log_every: 5,
            sample_every: 50,
            checkpoint_every: 100,
        },
        pictures: StylePictures {
            content: PictureSource::Landscape,
            style: PictureSource::Mosaic,
            size: 256,
            preserve_colour: false,
        },
        network: FeatureSource::BuiltIn { seed: 0 },
        layers: StyleLayers {
            content: "conv3_2".into(),
            style: ["conv1_1", "conv2_1", "conv3_1", "conv4_1"]
                .map(String::from)
                .to_vec(),
            style_weights: vec![1.0; 4],
        },
        loss: StyleLossWeights {
            content: 1.0,
            style: 100.0,
            tv: 1.0,
        },
        optimise: PixelOptimise {
            optimiser: PixelOptimiser::Lbfgs,
            lr: 0.02,
            start: StartFrom::Content,
        },
    }
}

/// The default dream: the studio's landscape, through the built-in network.
pub fn deep_dream_default() -> DeepDreamSpec {
    DeepDreamSpec {
        name: "DeepDream · landscape".into(),
        seed: 1,
        schedule: Schedule {
            steps: 80,
            log_every: 2,
            sample_every: 20,
            checkpoint_every: 40,
        },
        picture: PictureSource::Landscape,
        size: 256,
        network: FeatureSource::BuiltIn { seed: 0 },
        dream: DreamSettings {
            layer: "conv3_2".into(),
            channels: vec![3, 10, 20, 33],
            step_size: 0.004,
            octaves: 4,
            octave_scale: 1.4,
            jitter: 8,
        },
    }
}

/// Puts `network` into a style transfer (content layer `content`, style layers
/// `style`, each weighted 1) or a dream (amplifying all of layer `dream`).
fn set_network(
    spec: &mut ExperimentSpec,
    network: FeatureSource,
    content: &str,
    style: &[String],
    dream: &str,
) {
    match spec {
        ExperimentSpec::StyleTransfer(s) => {
            s.network = network;
            s.layers.content = content.into();
            s.layers.style = style.to_vec();
            s.layers.style_weights = vec![1.0; style.len()];
        }
        ExperimentSpec::DeepDream(d) => {
            d.network = network;
            d.dream.layer = dream.into();
            d.dream.channels.clear();
        }
        _ => {}
    }
}

/// Switches a style transfer or a dream to VGG weights from `path`, with the layers
/// usually chosen for VGG (content `conv4_2`, style `conv1_1` … `conv5_1`).
pub fn use_vgg(spec: &mut ExperimentSpec, path: PathBuf) {
    let style = ["conv1_1", "conv2_1", "conv3_1", "conv4_1", "conv5_1"].map(String::from);
    set_network(
        spec,
        FeatureSource::Vgg { path },
        "conv4_2",
        &style,
        "conv4_2",
    );
}

/// Switches a style transfer or a dream to `network`, whose layers are `layers`
/// (shallowest first): content and dream on the deepest, style on all of them.
pub fn use_network(spec: &mut ExperimentSpec, network: FeatureSource, layers: &[String]) {
    let Some(deepest) = layers.last() else {
        return;
    };
    if let ExperimentSpec::DeepDream(d) = spec
        && matches!(network, FeatureSource::Run { .. })
        && !matches!(d.picture, PictureSource::File(_))
    {
        // A trained discriminator knows digits: dream on one, near its scale.
        d.picture = PictureSource::Digit(3);
        d.size = 56;
        d.dream.step_size = 0.05;
        d.dream.octaves = 2;
    }
    set_network(spec, network, deepest, layers, deepest);
}

/// Switches a style transfer or a dream back to the built-in network and its
/// default layers.
pub fn use_built_in(spec: &mut ExperimentSpec) {
    let (st, dd) = (style_transfer_default(), deep_dream_default());
    let network = st.network.clone();
    set_network(
        spec,
        network,
        &st.layers.content,
        &st.layers.style,
        &dd.dream.layer,
    );
}

/// The default spec of each architecture, for the architecture picker.
pub fn architecture_default(architecture: &str) -> Option<ExperimentSpec> {
    match architecture {
        "gan2d" => Some(default_spec()),
        "image_gan" => Some(ExperimentSpec::ImageGan(image_gan_default(GanLoss::Gan))),
        "char_lstm" => Some(ExperimentSpec::CharLstm(char_lstm_default())),
        "pixel_cnn" => Some(ExperimentSpec::PixelCnn(pixel_cnn_default())),
        "style_transfer" => Some(ExperimentSpec::StyleTransfer(style_transfer_default())),
        "deep_dream" => Some(ExperimentSpec::DeepDream(deep_dream_default())),
        "autoencoder" => Some(ExperimentSpec::Autoencoder(autoencoder_default(
            AutoencoderKind::Vae,
        ))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_parses_and_matches_the_code_defaults() {
        for p in BUILT_IN {
            let spec = p.spec().unwrap_or_else(|e| panic!("{}: {e}", p.file));
            match &spec {
                ExperimentSpec::Gan2d(g) => {
                    assert_eq!(g, &gan2d_default(g.data.distribution), "{}", p.file)
                }
                ExperimentSpec::ImageGan(g) => {
                    assert_eq!(g, &image_gan_default(g.train.loss), "{}", p.file)
                }
                ExperimentSpec::Autoencoder(a) => {
                    assert_eq!(a, &autoencoder_default(a.model.kind), "{}", p.file)
                }
                ExperimentSpec::CharLstm(c) => assert_eq!(c, &char_lstm_default(), "{}", p.file),
                ExperimentSpec::PixelCnn(c) => assert_eq!(c, &pixel_cnn_default(), "{}", p.file),
                ExperimentSpec::StyleTransfer(s) => {
                    assert_eq!(s, &style_transfer_default(), "{}", p.file)
                }
                ExperimentSpec::DeepDream(d) => assert_eq!(d, &deep_dream_default(), "{}", p.file),
            }
            // One comment per hyper-parameter line.
            for line in p.toml.lines().filter(|l| l.contains(" = ")) {
                assert!(line.contains('#'), "{}: uncommented line {line}", p.file);
            }
        }
        assert_eq!(BUILT_IN[0].spec().ok(), Some(default_spec()));
    }
}
