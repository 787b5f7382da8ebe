//! Convolution layers with seeded DCGAN initialisation (weights from N(0, 0.02²)).

use candle_core::{Device, Module, Tensor};
use candle_nn::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use rand::rngs::StdRng;

use super::params::ParamStore;
use crate::Result;

/// Standard deviation of DCGAN's initial weights.
pub const INIT_STD: f32 = 0.02;

/// A strided convolution, `[b, c_in, h, w]` → `[b, c_out, h', w']`.
pub struct Conv {
    inner: Conv2d,
}

impl Conv {
    /// `c_in → c_out` with a `k × k` kernel, `stride` and `padding`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        params: &mut ParamStore,
        name: &str,
        c_in: usize,
        c_out: usize,
        k: usize,
        stride: usize,
        padding: usize,
        rng: &mut StdRng,
        device: &Device,
    ) -> Result<Self> {
        let w = params.normal(
            &format!("{name}.weight"),
            &[c_out, c_in, k, k],
            INIT_STD,
            rng,
            device,
        )?;
        let b = params.constant(&format!("{name}.bias"), &[c_out], 0.0, device)?;
        let cfg = Conv2dConfig {
            padding,
            stride,
            ..Default::default()
        };
        Ok(Self {
            inner: Conv2d::new(w, Some(b), cfg),
        })
    }

    /// Applies the convolution.
    pub fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        Ok(self.inner.forward(xs)?)
    }
}

/// A transposed convolution that doubles height and width: kernel 4 (stride 2,
/// padding 1) or kernel 3 (stride 2, padding 1, output padding 1). A kernel that the
/// stride does not divide overlaps unevenly: the checkerboard artefacts.
pub struct UpConv {
    inner: ConvTranspose2d,
}

impl UpConv {
    /// `c_in → c_out`, doubling the size, with kernel `k` (3 or 4).
    pub fn new(
        params: &mut ParamStore,
        name: &str,
        c_in: usize,
        c_out: usize,
        k: usize,
        rng: &mut StdRng,
        device: &Device,
    ) -> Result<Self> {
        let w = params.normal(
            &format!("{name}.weight"),
            &[c_in, c_out, k, k],
            INIT_STD,
            rng,
            device,
        )?;
        let b = params.constant(&format!("{name}.bias"), &[c_out], 0.0, device)?;
        let cfg = ConvTranspose2dConfig {
            padding: 1,
            output_padding: if k % 2 == 1 { 1 } else { 0 },
            stride: 2,
            dilation: 1,
        };
        Ok(Self {
            inner: ConvTranspose2d::new(w, Some(b), cfg),
        })
    }

    /// Applies the transposed convolution.
    pub fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        Ok(self.inner.forward(xs)?)
    }
}
