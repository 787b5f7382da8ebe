//! The ready experiments in `presets/`, embedded so the studio works out of the box.

use crate::Result;
use crate::data::toy2d::Toy2d;
use crate::experiments::gan2d::{Gan2dData, Gan2dModel, Gan2dSpec, Gan2dTrain};
use crate::experiments::{ExperimentSpec, GeneratorLoss, Schedule};
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_parses_and_gan2d_presets_match_the_code_defaults() {
        for p in BUILT_IN {
            let spec = p.spec().unwrap_or_else(|e| panic!("{}: {e}", p.file));
            let ExperimentSpec::Gan2d(g) = &spec;
            assert_eq!(g, &gan2d_default(g.data.distribution), "{}", p.file);
            // One comment per hyper-parameter line.
            for line in p.toml.lines().filter(|l| l.contains(" = ")) {
                assert!(line.contains('#'), "{}: uncommented line {line}", p.file);
            }
        }
        assert_eq!(BUILT_IN[0].spec().ok(), Some(default_spec()));
    }
}
