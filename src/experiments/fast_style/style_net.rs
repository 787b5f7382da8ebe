//! A transformation network with its weights: what a checkpoint of a fast style
//! transfer holds, and what repaints a picture in one forward pass (the lab, the
//! CLI's `stylize --model`).

use std::collections::HashMap;

use candle_core::{Device, Tensor};
use rand::SeedableRng;

use super::net::{Noise, TransformNet};
use super::spec::FastStyleSpec;
use crate::experiments::canvas::{to_image, to_tensor};
use crate::nn::params::ParamStore;
use crate::nn::rng::SeededRng;
use crate::view::RgbImage;
use crate::{Result, StudioError};

/// The smallest side a picture to repaint may have.
pub const MIN_SIDE: usize = 8;

/// A transformation network and its parameters.
pub struct StyleNet {
    /// Its weights by name.
    pub params: ParamStore,
    /// The network.
    pub net: TransformNet,
    device: Device,
}

impl StyleNet {
    /// A fresh network of `spec`'s shape, its weights drawn from `spec.seed`.
    pub fn new(spec: &FastStyleSpec, device: &Device) -> Result<Self> {
        let mut params = ParamStore::new();
        let mut rng = SeededRng::seed_from_u64(spec.seed);
        let net = TransformNet::new(&mut params, spec.model, &mut rng, device)?;
        Ok(Self {
            params,
            net,
            device: device.clone(),
        })
    }

    /// The network a checkpoint of `spec` holds.
    pub fn from_checkpoint(
        spec: &FastStyleSpec,
        tensors: &HashMap<String, Tensor>,
        device: &Device,
    ) -> Result<Self> {
        let me = Self::new(spec, device)?;
        me.params.load(tensors)?;
        Ok(me)
    }

    /// `picture` repainted, at its own size.
    pub fn repaint(&self, picture: &RgbImage) -> Result<RgbImage> {
        if picture.width.min(picture.height) < MIN_SIDE {
            return Err(StudioError::Spec(format!(
                "the picture is {} × {} pixels; the network needs at least {MIN_SIDE} on each side",
                picture.width, picture.height
            )));
        }
        let x = to_tensor(picture, &self.device)?;
        to_image(&self.net.forward(&x, Noise::Fixed)?.detach())
    }
}
