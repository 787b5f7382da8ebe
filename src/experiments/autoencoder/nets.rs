//! The encoder and decoder, the shapes of the PyTorch twin `torch_vae.py` for 28×28:
//! encoder Conv(c→ch, 4, 2, 1)+ReLU → Conv(ch→2ch)+ReLU → Linear(2ch·(s/4)² → hidden)+ReLU
//! → μ (and log σ² for a VAE) Linear(hidden → d); decoder Linear(d → hidden)+ReLU →
//! Linear(hidden → 2ch·(s/4)²)+ReLU → ConvT(2ch→ch)+ReLU → ConvT(ch→c) → logits.

use candle_core::{Device, Tensor};
use crate::nn::rng::SeededRng;

use super::spec::AutoencoderSpec;
use crate::Result;
use crate::nn::conv::{Conv, UpConv, uniform_weight_and_bias};
use crate::nn::conv_layout::{Layout, Layouts};
use crate::nn::dense::Dense;
use crate::nn::params::ParamStore;

/// ReLU, as the slope of a leaky one: what the ops apply in place.
const RELU: Option<f64> = Some(0.0);

fn linear(
    params: &mut ParamStore,
    name: &str,
    fan_in: usize,
    fan_out: usize,
    rng: &mut SeededRng,
    device: &Device,
) -> Result<Dense> {
    let (w, b) = uniform_weight_and_bias(
        params,
        name,
        &[fan_out, fan_in],
        fan_out,
        fan_in,
        rng,
        device,
    )?;
    Ok(Dense::new(w, Some(b)))
}

/// The encoder: images to the mean (and log-variance) of the code.
pub struct Encoder {
    conv1: Conv,
    conv2: Conv,
    fc: Dense,
    mu: Dense,
    log_var: Option<Dense>,
    /// The layout of the feature maps between layers.
    features: Layout,
}

impl Encoder {
    /// Registers `enc.*` in `params`; `variational` adds the log-variance head.
    pub fn new(
        spec: &AutoencoderSpec,
        variational: bool,
        params: &mut ParamStore,
        rng: &mut SeededRng,
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
            features: Layout::ChannelsLast,
        })
    }

    /// The same network computing with its feature maps in `layout` (channels last
    /// unless told: no transposes around the products); the results are the same up
    /// to rounding.
    pub fn with_feature_layout(mut self, layout: Layout) -> Self {
        self.features = layout;
        self
    }

    /// `[b, c, s, s]` with pixels in [0, 1] → (μ `[b, d]`, log σ² `[b, d]` for a VAE).
    pub fn forward(&self, x: &Tensor) -> Result<(Tensor, Option<Tensor>)> {
        let f = self.features;
        let into = Layouts {
            input: Layout::ChannelsFirst,
            output: f,
        };
        let within = Layouts {
            input: f,
            output: f,
        };
        let h = self.conv1.forward_laid_out(x, into, RELU)?; // ch channels, s/2
        let h = self.conv2.forward_laid_out(&h, within, RELU)?; // 2ch channels, s/4
        let (b, c, _, _) = f.dims(h.shape())?;
        let fc = self.fc.reading(f, c)?;
        let h = fc.forward_as(&h, RELU, (b, fc.weight().dim(0)?))?; // [b, hidden]
        let d = self.mu.weight().dim(0)?;
        let mu = self.mu.forward_as(&h, None, (b, d))?; // [b, d]
        let log_var = match &self.log_var {
            Some(l) => Some(l.forward_as(&h, None, (b, d))?),
            None => None,
        };
        Ok((mu, log_var))
    }
}

/// The decoder: codes to pixel logits.
pub struct Decoder {
    fc1: Dense,
    fc2: Dense,
    up1: UpConv,
    up2: UpConv,
    /// Channels and side of the first feature map.
    first: (usize, usize),
    /// The layout of the feature maps between the transposed convolutions.
    features: Layout,
}

impl Decoder {
    /// Registers `dec.*` in `params`.
    pub fn new(
        spec: &AutoencoderSpec,
        params: &mut ParamStore,
        rng: &mut SeededRng,
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
            features: Layout::ChannelsLast,
        })
    }

    /// The same network computing with its feature maps in `layout`, as
    /// [`Encoder::with_feature_layout`].
    pub fn with_feature_layout(mut self, layout: Layout) -> Self {
        self.features = layout;
        self
    }

    /// `[b, d]` → pixel logits `[b, c, s, s]`.
    pub fn forward(&self, z: &Tensor) -> Result<Tensor> {
        let b = z.dim(0)?;
        let (ch, side) = self.first;
        let hidden = self.fc1.weight().dim(0)?;
        let h = self.fc1.forward_as(z, RELU, (b, hidden))?;
        let h = self.fc2.forward_as(&h, RELU, (b, ch, side, side))?; // [b, 2ch, s/4, s/4]
        let f = self.features;
        let out_of = Layouts {
            input: Layout::ChannelsFirst,
            output: f,
        };
        let h = self.up1.forward_laid_out(&h, out_of, RELU)?; // ch channels, s/2
        let back = Layouts {
            input: f,
            output: Layout::ChannelsFirst,
        };
        self.up2.forward_laid_out(&h, back, None) // [b, c, s, s]
    }
}
