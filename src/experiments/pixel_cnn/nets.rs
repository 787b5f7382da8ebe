//! The network: a masked 7 × 7 convolution (mask A), residual blocks of a masked
//! 3 × 3 (mask B) and a 1 × 1 convolution, and a head of two 1 × 1 convolutions giving
//! logits over the intensity levels at every pixel.

use candle_core::{Device, Tensor};
use crate::nn::rng::SeededRng;

use super::spec::PixelCnnModel;
use crate::Result;
use crate::nn::activations::relu;
use crate::nn::masked_conv::{Mask, MaskedConv};
use crate::nn::params::ParamStore;

/// Side of the first layer's kernel.
const FIRST_KERNEL: usize = 7;

struct Block {
    conv: MaskedConv,
    mix: MaskedConv,
}

/// The PixelCNN.
pub struct PixelNet {
    first: MaskedConv,
    blocks: Vec<Block>,
    head1: MaskedConv,
    head2: MaskedConv,
    channels: usize,
    gated: bool,
}

impl PixelNet {
    /// Registers `first`, `block.{i}.*` and `head.*` in `params`.
    pub fn new(
        spec: &PixelCnnModel,
        classes: usize,
        params: &mut ParamStore,
        rng: &mut SeededRng,
        device: &Device,
    ) -> Result<Self> {
        let h = spec.channels;
        let widen = if spec.gated { 2 } else { 1 };
        let mut blocks = Vec::with_capacity(spec.blocks);
        for i in 0..spec.blocks {
            blocks.push(Block {
                conv: MaskedConv::new(
                    params,
                    &format!("block.{i}.conv"),
                    h,
                    widen * h,
                    3,
                    Mask::B,
                    rng,
                    device,
                )?,
                mix: MaskedConv::new(
                    params,
                    &format!("block.{i}.mix"),
                    h,
                    h,
                    1,
                    Mask::B,
                    rng,
                    device,
                )?,
            });
        }
        Ok(Self {
            first: MaskedConv::new(params, "first", 1, h, FIRST_KERNEL, Mask::A, rng, device)?,
            blocks,
            head1: MaskedConv::new(params, "head.1", h, h, 1, Mask::B, rng, device)?,
            head2: MaskedConv::new(params, "head.2", h, classes, 1, Mask::B, rng, device)?,
            channels: h,
            gated: spec.gated,
        })
    }

    /// How far a pixel's prediction reaches up and to either side, in pixels: half
    /// the first kernel, then one more per masked 3 × 3 block.
    pub fn reach(&self) -> usize {
        FIRST_KERNEL / 2 + self.blocks.len()
    }

    /// Logits `[b, classes, h, w]` for images `[b, 1, h, w]` with values in [−1, 1].
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let mut h = self.first.forward(x)?; // [b, ch, h, w]
        for block in &self.blocks {
            let y = block.conv.forward(&relu(&h)?)?;
            let y = if self.gated {
                let a = y.narrow(1, 0, self.channels)?.tanh()?;
                let g = candle_nn::ops::sigmoid(&y.narrow(1, self.channels, self.channels)?)?;
                (a * g)?
            } else {
                relu(&y)?
            };
            h = (h + block.mix.forward(&y)?)?;
        }
        self.head2.forward(&relu(&self.head1.forward(&relu(&h)?)?)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Var;
    use rand::SeedableRng;

    #[test]
    fn a_pixel_depends_only_on_earlier_pixels() -> Result<()> {
        let d = Device::Cpu;
        for gated in [false, true] {
            let spec = PixelCnnModel {
                levels: 4,
                palette: 16,
                channels: 8,
                blocks: 2,
                gated,
            };
            let mut params = ParamStore::new();
            let net = PixelNet::new(&spec, 4, &mut params, &mut SeededRng::seed_from_u64(5), &d)?;
            let s = 8;
            // A seeded input: an unseeded one may leave a pixel's few inputs dead
            // (ReLUs at zero), now and then.
            let mut rng = SeededRng::seed_from_u64(11);
            let v: Vec<f32> = (0..s * s)
                .map(|_| rand_distr::Distribution::sample(&rand_distr::StandardNormal, &mut rng))
                .collect();
            let x = Var::from_tensor(&Tensor::from_vec(v, (1, 1, s, s), &d)?)?;
            for (r, c) in [(0, 0), (4, 3), (7, 7), (2, 7)] {
                let logits = net.forward(x.as_tensor())?; // [1, 4, s, s]
                let at = logits.narrow(2, r, 1)?.narrow(3, c, 1)?.sum_all()?;
                let grads = at.backward()?;
                let g = grads
                    .get(x.as_tensor())
                    .map(|g| g.flatten_all().and_then(|g| g.to_vec1::<f32>()))
                    .transpose()?
                    .unwrap_or_else(|| vec![0.0; s * s]);
                let here = r * s + c;
                for (k, v) in g.iter().enumerate() {
                    if k >= here {
                        assert_eq!(
                            *v, 0.0,
                            "gated {gated}: pixel ({r}, {c}) depends on pixel {k}"
                        );
                    }
                }
                if here > 0 {
                    assert!(
                        g[..here].iter().any(|v| *v != 0.0),
                        "({r}, {c}) sees nothing"
                    );
                }
            }
        }
        Ok(())
    }
}
