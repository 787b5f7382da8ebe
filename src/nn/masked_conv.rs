//! Masked convolutions for PixelCNN: the kernel sees only pixels above and to the
//! left of its centre (mask A, for the first layer, also hides the centre; mask B,
//! for the layers after, shows it), so every output depends only on earlier pixels
//! in raster order. "Same" padding, stride 1, on the fast convolutions.

use crate::nn::rng::SeededRng;
use candle_core::{DType, Device, Tensor};

use super::conv::uniform_weight_and_bias;
use super::fast_conv::{self, ConvGeometry};
use super::params::ParamStore;
use crate::Result;

/// Which pixels the kernel sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mask {
    /// Strictly earlier pixels: the first layer.
    A,
    /// Earlier pixels and the centre: the layers after.
    B,
}

/// A `k × k` masked convolution, `[b, c_in, h, w]` → `[b, c_out, h, w]`.
pub struct MaskedConv {
    weight: Tensor,
    mask: Tensor,
    bias: Tensor,
    padding: usize,
}

impl MaskedConv {
    /// Registers `{name}.weight` and `.bias` (PyTorch's initialisation).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        params: &mut ParamStore,
        name: &str,
        c_in: usize,
        c_out: usize,
        k: usize,
        mask: Mask,
        rng: &mut SeededRng,
        device: &Device,
    ) -> Result<Self> {
        let shape = [c_out, c_in, k, k];
        let (weight, bias) =
            uniform_weight_and_bias(params, name, &shape, c_out, c_in * k * k, rng, device)?;
        Ok(Self {
            weight,
            mask: mask_tensor(k, mask, device)?,
            bias,
            padding: k / 2,
        })
    }

    /// Applies the convolution.
    pub fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        let w = self.weight.broadcast_mul(&self.mask)?;
        let g = ConvGeometry {
            stride: 1,
            padding: self.padding,
        };
        Ok(fast_conv::conv2d_with_bias(xs, &w, &self.bias, g)?)
    }
}

/// The mask `[1, 1, k, k]`: 1 above the centre row, and left of (mask A) or up to
/// (mask B) the centre in its row.
pub fn mask_tensor(k: usize, mask: Mask, device: &Device) -> Result<Tensor> {
    let c = k / 2;
    let v: Vec<f32> = (0..k * k)
        .map(|i| {
            let (y, x) = (i / k, i % k);
            let seen = y < c || (y == c && (x < c || (x == c && mask == Mask::B)));
            if seen { 1.0 } else { 0.0 }
        })
        .collect();
    Ok(Tensor::from_vec(v, (1, 1, k, k), device)?.to_dtype(DType::F32)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_hide_the_future() -> Result<()> {
        let a = mask_tensor(3, Mask::A, &Device::Cpu)?
            .flatten_all()?
            .to_vec1::<f32>()?;
        assert_eq!(a, vec![1., 1., 1., 1., 0., 0., 0., 0., 0.]);
        let b = mask_tensor(3, Mask::B, &Device::Cpu)?
            .flatten_all()?
            .to_vec1::<f32>()?;
        assert_eq!(b, vec![1., 1., 1., 1., 1., 0., 0., 0., 0.]);
        Ok(())
    }
}
