//! The encoder and decoder, the shapes of the PyTorch twin `torch_vae.py` for 28×28:
//! encoder Conv(c→ch, 4, 2, 1)+ReLU → Conv(ch→2ch)+ReLU → Linear(2ch·(s/4)² → hidden)+ReLU
//! → μ (and log σ² for a VAE) Linear(hidden → d); decoder Linear(d → hidden)+ReLU →
//! Linear(hidden → 2ch·(s/4)²)+ReLU → ConvT(2ch→ch)+ReLU → ConvT(ch→c) → logits.

use candle_core::{Device, Module, Tensor};
use candle_nn::Linear;
use rand::rngs::StdRng;

use super::spec::AutoencoderSpec;
use crate::Result;
use crate::nn::activations::relu;
use crate::nn::conv::{Conv, UpConv, uniform_weight_and_bias};
use crate::nn::params::ParamStore;

fn linear(
    params: &mut ParamStore,
    name: &str,
    fan_in: usize,
    fan_out: usize,
    rng: &mut StdRng,
    device: &Device,
) -> Result<Linear> {
    let (w, b) = uniform_weight_and_bias(
        params,
        name,
        &[fan_out, fan_in],
        fan_out,
        fan_in,
        rng,
        device,
    )?;
    Ok(Linear::new(w, Some(b)))
}

/// The encoder: images to the mean (and log-variance) of the code.
pub struct Encoder {
    conv1: Conv,
    conv2: Conv,
    fc: Linear,
    mu: Linear,
    log_var: Option<Linear>,
}

impl Encoder {
    /// Registers `enc.*` in `params`; `variational` adds the log-variance head.
    pub fn new(
        spec: &AutoencoderSpec,
        variational: bool,
        params: &mut ParamStore,
        rng: &mut StdRng,
        device: &Device,
    ) -> Result<Self> {
        let (c, ch, s) = (
            spec.data.channels,
            spec.model.channels,
            spec.data.image_size,
        );
        let (hidden, d) = (spec.model.hidden, spec.model.latent_dim);
        let flat = 2 * ch * (s / 4) * (s / 4);
        Ok(Self {
            conv1: Conv::pytorch_init(params, "enc.conv1", c, ch, 4, 2, 1, rng, device)?,
            conv2: Conv::pytorch_init(params, "enc.conv2", ch, 2 * ch, 4, 2, 1, rng, device)?,
            fc: linear(params, "enc.fc", flat, hidden, rng, device)?,
            mu: linear(params, "enc.mu", hidden, d, rng, device)?,
            log_var: if variational {
                Some(linear(params, "enc.log_var", hidden, d, rng, device)?)
            } else {
                None
            },
        })
    }

    /// `[b, c, s, s]` with pixels in [0, 1] → (μ `[b, d]`, log σ² `[b, d]` for a VAE).
    pub fn forward(&self, x: &Tensor) -> Result<(Tensor, Option<Tensor>)> {
        let h = relu(&self.conv1.forward(x)?)?; // [b, ch, s/2, s/2]
        let h = relu(&self.conv2.forward(&h)?)?; // [b, 2ch, s/4, s/4]
        let h = relu(&self.fc.forward(&h.flatten_from(1)?)?)?; // [b, hidden]
        let mu = self.mu.forward(&h)?; // [b, d]
        let log_var = match &self.log_var {
            Some(l) => Some(l.forward(&h)?),
            None => None,
        };
        Ok((mu, log_var))
    }
}

/// The decoder: codes to pixel logits.
pub struct Decoder {
    fc1: Linear,
    fc2: Linear,
    up1: UpConv,
    up2: UpConv,
    /// Channels and side of the first feature map.
    first: (usize, usize),
}

impl Decoder {
    /// Registers `dec.*` in `params`.
    pub fn new(
        spec: &AutoencoderSpec,
        params: &mut ParamStore,
        rng: &mut StdRng,
        device: &Device,
    ) -> Result<Self> {
        let (c, ch, s) = (
            spec.data.channels,
            spec.model.channels,
            spec.data.image_size,
        );
        let (hidden, d) = (spec.model.hidden, spec.model.latent_dim);
        let flat = 2 * ch * (s / 4) * (s / 4);
        Ok(Self {
            fc1: linear(params, "dec.fc1", d, hidden, rng, device)?,
            fc2: linear(params, "dec.fc2", hidden, flat, rng, device)?,
            up1: UpConv::pytorch_init(params, "dec.up1", 2 * ch, ch, 4, rng, device)?,
            up2: UpConv::pytorch_init(params, "dec.up2", ch, c, 4, rng, device)?,
            first: (2 * ch, s / 4),
        })
    }

    /// `[b, d]` → pixel logits `[b, c, s, s]`.
    pub fn forward(&self, z: &Tensor) -> Result<Tensor> {
        let b = z.dim(0)?;
        let (ch, side) = self.first;
        let h = relu(&self.fc1.forward(z)?)?; // [b, hidden]
        let h = relu(&self.fc2.forward(&h)?)?; // [b, 2ch·(s/4)²]
        let h = h.reshape((b, ch, side, side))?; // [b, 2ch, s/4, s/4]
        let h = relu(&self.up1.forward(&h)?)?; // [b, ch, s/2, s/2]
        self.up2.forward(&h) // [b, c, s, s]
    }
}
