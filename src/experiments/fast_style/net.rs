//! The transformation network, in Johnson et al.'s shape sized for a CPU: a 5 × 5
//! convolution, two strided 3 × 3 convolutions down to a quarter of the size,
//! residual blocks there, two resize-convolutions up (nearest-neighbour doubling,
//! cropped to the size on the way down, then a 3 × 3 convolution: no transposed
//! convolution, so no checkerboard), and a 5 × 5 convolution to RGB squashed into
//! [0, 1]. Instance norm after every convolution but the last; each convolution
//! pads by repeating the edge pixels (zeros would paint a frame). Any picture size
//! comes out the size it went in.

use candle_core::{Device, Tensor};

use super::spec::TransformShape;
use crate::Result;
use crate::nn::conv::Conv;
use crate::nn::edge_pad::pad_edges;
use crate::nn::resize_conv::ResizeConv;
use crate::nn::instance_norm::InstanceNorm;
use crate::nn::params::ParamStore;
use crate::nn::rng::{SeededRng, uniform_tensor, uniform_tensor_from};

/// One convolution of the plan.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedConv {
    /// Its name in the checkpoint (`{name}.weight`, `{name}.bias`, and
    /// `{name}.norm.weight`, `{name}.norm.bias` when normalised).
    pub name: String,
    /// Input channels.
    pub c_in: usize,
    /// Output channels.
    pub c_out: usize,
    /// Kernel side.
    pub k: usize,
    /// Stride (2 halves the size).
    pub stride: usize,
    /// Whether the input is doubled in size first (a resize-convolution).
    pub upsample: bool,
    /// Whether instance norm follows.
    pub norm: bool,
}

impl PlannedConv {
    fn new(name: String, c_in: usize, c_out: usize, k: usize) -> Self {
        Self {
            name,
            c_in,
            c_out,
            k,
            stride: 1,
            upsample: false,
            norm: true,
        }
    }
}

/// Every convolution of the network, in order.
pub fn plan(shape: TransformShape) -> Vec<PlannedConv> {
    let w = shape.width;
    let mut convs = vec![
        PlannedConv::new("down.0".into(), 3 + shape.noise, w, 5),
        PlannedConv {
            stride: 2,
            ..PlannedConv::new("down.1".into(), w, 2 * w, 3)
        },
        PlannedConv {
            stride: 2,
            ..PlannedConv::new("down.2".into(), 2 * w, 4 * w, 3)
        },
    ];
    for i in 0..shape.blocks {
        convs.push(PlannedConv::new(format!("res.{i}.a"), 4 * w, 4 * w, 3));
        convs.push(PlannedConv::new(format!("res.{i}.b"), 4 * w, 4 * w, 3));
    }
    convs.push(PlannedConv {
        upsample: true,
        ..PlannedConv::new("up.0".into(), 4 * w, 2 * w, 3)
    });
    convs.push(PlannedConv {
        upsample: true,
        ..PlannedConv::new("up.1".into(), 2 * w, w, 3)
    });
    convs.push(PlannedConv {
        norm: false,
        ..PlannedConv::new("out".into(), w, 3, 5)
    });
    convs
}

/// A convolution, plain or doubling the size.
enum Convolution {
    /// Padded by repeating `pad` rows and columns at each edge, then convolved.
    Plain { conv: Conv, pad: usize },
    /// A resize-convolution.
    Doubling(ResizeConv),
}

/// A convolution with its norm.
struct Layer {
    conv: Convolution,
    norm: Option<InstanceNorm>,
}

/// The transformation network.
pub struct TransformNet {
    layers: Vec<Layer>,
    blocks: usize,
    noise: usize,
}

/// Where the noise channels come from.
pub enum Noise<'a> {
    /// The same noise for the same size of picture: repainting is repeatable.
    Fixed,
    /// Drawn from `rng` (training).
    Drawn(&'a mut SeededRng),
}

/// The seed of [`Noise::Fixed`].
const FIXED_NOISE_SEED: u64 = 0x0015_EED5;

impl TransformNet {
    /// A network of `shape`, its weights registered in `params` and drawn from `rng`.
    pub fn new(
        params: &mut ParamStore,
        shape: TransformShape,
        rng: &mut SeededRng,
        device: &Device,
    ) -> Result<Self> {
        let layers = plan(shape)
            .into_iter()
            .map(|p| {
                // Padded by repeating the edge, not with zeros: a zero border reads
                // as an edge to the style loss, which paints stripes along it.
                let conv = if p.upsample {
                    Convolution::Doubling(ResizeConv::pytorch_init(params, &p.name, p.c_in, p.c_out, rng, device)?)
                } else {
                    let conv = Conv::pytorch_init(params, &p.name, p.c_in, p.c_out, p.k, p.stride, 0, rng, device)?;
                    Convolution::Plain { conv, pad: p.k / 2 }
                };
                let norm = if p.norm {
                    Some(InstanceNorm::new(params, &format!("{}.norm", p.name), p.c_out, device)?)
                } else {
                    None
                };
                Ok(Layer { conv, norm })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            layers,
            blocks: shape.blocks,
            noise: shape.noise,
        })
    }

    /// One layer: (doubling,) convolution, norm, and a ReLU when `relu`.
    fn apply(layer: &Layer, x: &Tensor, to: Option<(usize, usize)>, relu: bool) -> Result<Tensor> {
        let y = match (&layer.conv, to) {
            (Convolution::Doubling(conv), Some((h, w))) => conv.forward(x, h, w)?,
            (Convolution::Plain { conv, pad }, _) => conv.forward(&pad_edges(x, *pad)?)?,
            (Convolution::Doubling(_), None) => {
                return Err(crate::StudioError::Spec("a resize-convolution needs the size to reach".into()));
            }
        };
        match &layer.norm {
            Some(norm) => norm.forward(&y, relu),
            None => Ok(y),
        }
    }

    /// Repaints pictures `[b, 3, h, w]` in [0, 1]: the same size out, in [0, 1].
    pub fn forward(&self, x: &Tensor, noise: Noise) -> Result<Tensor> {
        let (b, _, h, w) = x.dims4()?;
        let l = &self.layers;
        let input = if self.noise == 0 {
            x.clone()
        } else {
            let shape = [b, self.noise, h, w];
            let n = match noise {
                Noise::Fixed => uniform_tensor(FIXED_NOISE_SEED, &shape, x.device())?,
                Noise::Drawn(rng) => uniform_tensor_from(rng, &shape, x.device())?,
            };
            Tensor::cat(&[x, &n.to_dtype(x.dtype())?], 1)?
        };
        let d0 = Self::apply(&l[0], &input, None, true)?;
        let d1 = Self::apply(&l[1], &d0, None, true)?;
        let mut y = Self::apply(&l[2], &d1, None, true)?;
        for i in 0..self.blocks {
            let a = Self::apply(&l[3 + 2 * i], &y, None, true)?;
            let b = Self::apply(&l[4 + 2 * i], &a, None, false)?;
            y = (y + b)?;
        }
        let up = 3 + 2 * self.blocks;
        let (h1, w1) = (d1.dim(2)?, d1.dim(3)?);
        let u0 = Self::apply(&l[up], &y, Some((h1, w1)), true)?;
        let u1 = Self::apply(&l[up + 1], &u0, Some((h, w)), true)?;
        let out = Self::apply(&l[up + 2], &u1, None, false)?;
        // (tanh + 1)/2: a sigmoid of 2y, whose gradient never dies at the ends.
        Ok(((crate::nn::activations::tanh(&out)? + 1.0)? * 0.5)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn any_size_comes_out_the_size_it_went_in_and_in_range() -> Result<()> {
        let d = Device::Cpu;
        let mut params = ParamStore::new();
        let mut rng = SeededRng::seed_from_u64(1);
        let shape = TransformShape { width: 4, blocks: 1, noise: 2 };
        let net = TransformNet::new(&mut params, shape, &mut rng, &d)?;
        for (h, w) in [(17, 23), (16, 16), (9, 31), (33, 5), (30, 40)] {
            let x = crate::nn::rng::uniform_tensor((h * w) as u64, &[2, 3, h, w], &d)?;
            let y = net.forward(&x, Noise::Fixed)?;
            assert_eq!(y.dims(), [2, 3, h, w]);
            let v = y.flatten_all()?.to_vec1::<f32>()?;
            assert!(v.iter().all(|p| (0.0..=1.0).contains(p)));
        }
        let names: Vec<String> = params.tensors().into_iter().map(|(n, _)| n).collect();
        let planned: usize = plan(shape).iter().map(|p| if p.norm { 4 } else { 2 }).sum();
        assert_eq!(names.len(), planned);
        Ok(())
    }

    #[test]
    fn fixed_noise_repaints_alike_and_drawn_noise_varies() -> Result<()> {
        let d = Device::Cpu;
        let mut params = ParamStore::new();
        let mut rng = SeededRng::seed_from_u64(2);
        let net = TransformNet::new(&mut params, TransformShape { width: 4, blocks: 1, noise: 3 }, &mut rng, &d)?;
        let x = crate::nn::rng::uniform_tensor(4, &[1, 3, 12, 16], &d)?;
        let diff = |a: &Tensor, b: &Tensor| -> Result<f32> { Ok((a - b)?.abs()?.max_all()?.to_scalar::<f32>()?) };
        let (a, b) = (net.forward(&x, Noise::Fixed)?, net.forward(&x, Noise::Fixed)?);
        assert_eq!(diff(&a, &b)?, 0.0);
        let c = net.forward(&x, Noise::Drawn(&mut rng))?;
        let e = net.forward(&x, Noise::Drawn(&mut rng))?;
        assert!(diff(&c, &e)? > 1e-4, "two draws of noise gave the same picture");
        Ok(())
    }
}
