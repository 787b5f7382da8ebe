//! DCGAN's generator and discriminator, sized for 28, 32 or 64 pixels.
//!
//! For 28 × 28 with the default widths these are exactly the benchmark twins'
//! networks (`../shared/bench/torch_dcgan.py`):
//! G: z → Linear → ReLU → 128×7×7 → ConvT(128→64)+BN+ReLU → ConvT(64→1) → tanh;
//! D: Conv(1→64)+LeakyReLU → Conv(64→128)+BN+LeakyReLU → Linear(6272→1).

use crate::nn::dense::Dense;
use candle_core::{Device, Tensor};
use rand::Rng;
use crate::nn::rng::SeededRng;

use super::spec::{ImageGanSpec, OutputActivation};
use crate::Result;
use crate::nn::activations;
use crate::nn::batch_norm::BatchNorm;
use crate::nn::conv::{Conv, UpConv, weight_and_bias};
use crate::nn::conv_layout::{Layout, Layouts};
use crate::nn::mlp::Activation;
use crate::nn::params::ParamStore;

/// How batch norm behaves in a forward pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Training: batch statistics, running statistics updated.
    Train,
    /// Batch statistics without touching the running ones (samples for display).
    Sample,
}

/// Number of stride-2 stages for an image side: 28 and 32 need two, 64 needs three.
fn stages(size: usize) -> usize {
    if size >= 64 { 3 } else { 2 }
}

fn linear(
    params: &mut ParamStore,
    name: &str,
    fan_in: usize,
    fan_out: usize,
    rng: &mut SeededRng,
    device: &Device,
) -> Result<Dense> {
    let (w, b) = weight_and_bias(params, name, &[fan_out, fan_in], fan_out, rng, device)?;
    Ok(Dense::new(w, Some(b)))
}

/// The generator.
pub struct Generator {
    fc: Dense,
    first: (usize, usize), // channels, side of the first feature map
    ups: Vec<(UpConv, Option<BatchNorm>)>,
    output: OutputActivation,
    /// The layout of the feature maps between layers.
    features: Layout,
}

impl Generator {
    /// Builds the generator of `spec`, registering `g.*` in `params`.
    pub fn new(
        spec: &ImageGanSpec,
        params: &mut ParamStore,
        rng: &mut SeededRng,
        device: &Device,
    ) -> Result<Self> {
        let m = &spec.model;
        let n = stages(spec.data.image_size);
        let side = spec.data.image_size >> n;
        let top = m.g_channels << (n - 1);
        let fc = linear(params, "g.fc", m.latent_dim, top * side * side, rng, device)?;
        let mut ups = Vec::new();
        let mut c = top;
        for i in 0..n {
            let last = i == n - 1;
            let out = if last { spec.data.channels } else { c / 2 };
            let up = UpConv::new(params, &format!("g.up{i}"), c, out, m.kernel, rng, device)?;
            let bn = if last {
                None
            } else {
                Some(BatchNorm::new(params, &format!("g.bn{i}"), out, device)?)
            };
            ups.push((up, bn));
            c = out;
        }
        Ok(Self {
            fc,
            first: (top, side),
            ups,
            output: m.g_output,
            features: Layout::ChannelsLast,
        })
    }

    /// The same network computing with its feature maps in `layout` (channels last
    /// unless told: no transposes around the products). The results are the same
    /// up to rounding.
    pub fn with_feature_layout(mut self, layout: Layout) -> Self {
        self.features = layout;
        self
    }

    /// `[b, latent]` → `[b, channels, size, size]`.
    ///
    /// The feature maps between the transposed convolutions are kept in the feature
    /// layout; the images come out channels first.
    pub fn forward(&self, z: &Tensor, mode: Mode) -> Result<Tensor> {
        let b = z.dim(0)?;
        let (c, s) = self.first;
        let mut h = self.fc.forward_as(z, Some(0.0), (b, c, s, s))?; // ReLU, [b, top, s, s]
        let mut layout = Layout::ChannelsFirst;
        for (i, (up, bn)) in self.ups.iter().enumerate() {
            let output = if i + 1 == self.ups.len() {
                Layout::ChannelsFirst
            } else {
                self.features
            };
            let layouts = Layouts {
                input: layout,
                output,
            };
            h = up.forward_laid_out(&h, layouts, None)?; // side doubles
            layout = output;
            if let Some(bn) = bn {
                h = bn.forward_laid_out(&h, layout, mode == Mode::Train, Some(0.0))?;
            }
        }
        Ok(match self.output {
            OutputActivation::Tanh => activations::tanh(&h)?,
            OutputActivation::Sigmoid => candle_nn::ops::sigmoid(&h)?,
        })
    }
}

/// The discriminator (a critic for the Wasserstein losses: the same network, no sigmoid).
pub struct Discriminator {
    convs: Vec<(Conv, Option<BatchNorm>)>,
    fc: Dense,
    activation: Activation,
    dropout: f64,
    /// The layout of the feature maps between layers.
    features: Layout,
}

impl Discriminator {
    /// Builds the discriminator of `spec`, registering `d.*` in `params`.
    pub fn new(
        spec: &ImageGanSpec,
        params: &mut ParamStore,
        rng: &mut SeededRng,
        device: &Device,
    ) -> Result<Self> {
        let m = &spec.model;
        let n = stages(spec.data.image_size);
        let mut convs = Vec::new();
        let mut c_in = spec.data.channels;
        let mut side = spec.data.image_size;
        for i in 0..n {
            let c_out = m.d_channels << i;
            let conv = Conv::new(
                params,
                &format!("d.conv{i}"),
                c_in,
                c_out,
                m.kernel,
                2,
                1,
                rng,
                device,
            )?;
            let bn = if i > 0 && m.d_batch_norm {
                Some(BatchNorm::new(params, &format!("d.bn{i}"), c_out, device)?)
            } else {
                None
            };
            convs.push((conv, bn));
            c_in = c_out;
            side = side.div_ceil(2);
        }
        let fc = linear(params, "d.fc", c_in * side * side, 1, rng, device)?;
        Ok(Self {
            convs,
            fc,
            activation: m.d_activation,
            dropout: m.d_dropout,
            features: Layout::ChannelsLast,
        })
    }

    /// The same network computing with its feature maps in `layout`, as
    /// [`Generator::with_feature_layout`].
    pub fn with_feature_layout(mut self, layout: Layout) -> Self {
        self.features = layout;
        self
    }

    /// The same network with its parameters cut from the graph: for the generator's
    /// update, which needs gradients through D to its input but none for D's own
    /// parameters (their kernel gradients would be computed and thrown away). Batch
    /// norm's running statistics are shared with `self`.
    pub fn detached(&self) -> Self {
        Self {
            convs: (self.convs.iter())
                .map(|(conv, bn)| (conv.detached(), bn.as_ref().map(BatchNorm::detached)))
                .collect(),
            fc: self.fc.detached(),
            activation: self.activation,
            dropout: self.dropout,
            features: self.features,
        }
    }

    /// `[b, channels, size, size]` → logits `[b, 1]`. `rng` draws dropout masks.
    ///
    /// The feature maps after the first convolution are kept in the feature layout;
    /// channels last, the last layer reads them through its weight reordered to
    /// match (its parameters keep the channels-first order).
    pub fn forward(&self, x: &Tensor, mode: Mode, rng: Option<&mut SeededRng>) -> Result<Tensor> {
        let mut rng = rng;
        let mut h = x.clone();
        let mut layout = Layout::ChannelsFirst;
        for (conv, bn) in &self.convs {
            let layouts = Layouts {
                input: layout,
                output: self.features,
            };
            // Without batch norm, a leaky activation goes into the convolution's op.
            let fused = bn.is_none().then(|| self.activation.leak()).flatten();
            h = conv.forward_laid_out(&h, layouts, fused)?; // side halves
            layout = self.features;
            let train = mode == Mode::Train;
            h = match (bn, self.activation.leak()) {
                (None, Some(_)) => h, // activated above
                (Some(bn), Some(slope)) => bn.forward_laid_out(&h, layout, train, Some(slope))?,
                (Some(bn), None) => self
                    .activation
                    .apply(&bn.forward_laid_out(&h, layout, train, None)?)?,
                (None, _) => self.activation.apply(&h)?,
            };
            if let (true, Some(r)) = (
                self.dropout > 0.0 && mode == Mode::Train,
                rng.as_deref_mut(),
            ) {
                h = dropout(&h, layout, self.dropout, r)?;
            }
        }
        let fc = self.fc.reading(layout, layout.dims(h.shape())?.1)?;
        let shape = (h.dim(0)?, fc.weight().dim(0)?);
        Ok(fc.forward_as(&h, None, shape)?)
    }
}

/// Inverted dropout with a seeded mask, of images in `layout`. The mask is drawn in
/// channels-first order whatever the layout, so a seed drops the same units.
fn dropout(xs: &Tensor, layout: Layout, p: f64, rng: &mut SeededRng) -> Result<Tensor> {
    let n = xs.elem_count();
    let keep = 1.0 - p;
    let mask: Vec<f32> = (0..n)
        .map(|_| {
            if rng.random::<f64>() < keep {
                (1.0 / keep) as f32
            } else {
                0.0
            }
        })
        .collect();
    let (b, c, h, w) = layout.dims(xs.shape())?;
    let mask = Tensor::from_vec(mask, (b, c, h, w), xs.device())?;
    Ok((xs * layout.from_first_tensor(&mask)?)?)
}
