//! Convolution layers with seeded DCGAN initialisation (weights from N(0, 0.02²)),
//! on the fast convolutions of [`super::fast_conv`].

use crate::nn::rng::SeededRng;
use candle_core::{Device, Tensor};

use super::fast_conv::{self, ConvGeometry, Layouts};
use super::params::ParamStore;
use crate::Result;

/// Standard deviation of DCGAN's initial weights.
pub const INIT_STD: f32 = 0.02;

/// A strided convolution, `[b, c_in, h, w]` → `[b, c_out, h', w']`.
pub struct Conv {
    weight: Tensor,
    bias: Tensor,
    geometry: ConvGeometry,
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
        rng: &mut SeededRng,
        device: &Device,
    ) -> Result<Self> {
        let (w, b) = weight_and_bias(params, name, &[c_out, c_in, k, k], c_out, rng, device)?;
        Ok(Self {
            weight: w,
            bias: b,
            geometry: ConvGeometry { stride, padding },
        })
    }

    /// Like [`Conv::new`] with PyTorch's default initialisation: weights and bias
    /// uniform in ±1/√(c_in·k²).
    #[allow(clippy::too_many_arguments)]
    pub fn pytorch_init(
        params: &mut ParamStore,
        name: &str,
        c_in: usize,
        c_out: usize,
        k: usize,
        stride: usize,
        padding: usize,
        rng: &mut SeededRng,
        device: &Device,
    ) -> Result<Self> {
        let shape = [c_out, c_in, k, k];
        let (w, b) =
            uniform_weight_and_bias(params, name, &shape, c_out, c_in * k * k, rng, device)?;
        Ok(Self {
            weight: w,
            bias: b,
            geometry: ConvGeometry { stride, padding },
        })
    }

    /// The same layer with its weight and bias cut from the graph: gradients flow
    /// through it to its input but none are computed for its own parameters.
    pub fn detached(&self) -> Self {
        Self {
            weight: self.weight.detach(),
            bias: self.bias.detach(),
            geometry: self.geometry,
        }
    }

    /// Applies the convolution.
    pub fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        self.forward_laid_out(xs, Layouts::FIRST, None)
    }

    /// Applies the convolution to images in `layouts.input`, giving `layouts.output`,
    /// and a leaky ReLU of slope `leak` ≥ 0 if given (in the same op).
    pub fn forward_laid_out(
        &self,
        xs: &Tensor,
        layouts: Layouts,
        leak: Option<f64>,
    ) -> Result<Tensor> {
        let (w, b, g) = (&self.weight, Some(&self.bias), self.geometry);
        Ok(fast_conv::conv2d_laid_out(xs, w, b, g, layouts, leak)?)
    }
}

/// A transposed convolution that doubles height and width: kernel 4 (stride 2,
/// padding 1) or kernel 3 (stride 2, padding 1, output padding 1). A kernel that the
/// stride does not divide overlaps unevenly: the checkerboard artefacts.
pub struct UpConv {
    weight: Tensor,
    bias: Tensor,
    output_padding: usize,
}

impl UpConv {
    /// `c_in → c_out`, doubling the size, with kernel `k` (3 or 4).
    pub fn new(
        params: &mut ParamStore,
        name: &str,
        c_in: usize,
        c_out: usize,
        k: usize,
        rng: &mut SeededRng,
        device: &Device,
    ) -> Result<Self> {
        let (w, b) = weight_and_bias(params, name, &[c_in, c_out, k, k], c_out, rng, device)?;
        Ok(Self {
            weight: w,
            bias: b,
            output_padding: if k % 2 == 1 { 1 } else { 0 },
        })
    }

    /// Like [`UpConv::new`] with PyTorch's default initialisation: weights and bias
    /// uniform in ±1/√(c_out·k²).
    pub fn pytorch_init(
        params: &mut ParamStore,
        name: &str,
        c_in: usize,
        c_out: usize,
        k: usize,
        rng: &mut SeededRng,
        device: &Device,
    ) -> Result<Self> {
        let shape = [c_in, c_out, k, k];
        let (w, b) =
            uniform_weight_and_bias(params, name, &shape, c_out, c_out * k * k, rng, device)?;
        Ok(Self {
            weight: w,
            bias: b,
            output_padding: if k % 2 == 1 { 1 } else { 0 },
        })
    }

    /// Applies the transposed convolution.
    pub fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        self.forward_laid_out(xs, Layouts::FIRST, None)
    }

    /// Applies the transposed convolution to images in `layouts.input`, giving
    /// `layouts.output`, and a leaky ReLU of slope `leak` ≥ 0 if given (in the same
    /// op).
    pub fn forward_laid_out(
        &self,
        xs: &Tensor,
        layouts: Layouts,
        leak: Option<f64>,
    ) -> Result<Tensor> {
        let g = ConvGeometry {
            stride: 2,
            padding: 1,
        };
        let (w, b, op) = (&self.weight, Some(&self.bias), self.output_padding);
        let y = fast_conv::conv_transpose2d_laid_out(xs, w, b, g, op, layouts, leak)?;
        Ok(y)
    }
}

/// Registers `{name}.weight` of `shape`, drawn from N(0, 0.02²), and a zero
/// `{name}.bias` of `bias_len`: DCGAN's initialisation for any layer.
pub fn weight_and_bias(
    params: &mut ParamStore,
    name: &str,
    shape: &[usize],
    bias_len: usize,
    rng: &mut SeededRng,
    device: &Device,
) -> Result<(Tensor, Tensor)> {
    let w = params.normal(&format!("{name}.weight"), shape, INIT_STD, rng, device)?;
    let b = params.constant(&format!("{name}.bias"), &[bias_len], 0.0, device)?;
    Ok((w, b))
}

/// Registers `{name}.weight` of `shape` and `{name}.bias` of `bias_len`, both uniform
/// in ±1/√fan_in: PyTorch's default initialisation for any layer.
pub fn uniform_weight_and_bias(
    params: &mut ParamStore,
    name: &str,
    shape: &[usize],
    bias_len: usize,
    fan_in: usize,
    rng: &mut SeededRng,
    device: &Device,
) -> Result<(Tensor, Tensor)> {
    let bound = 1.0 / (fan_in.max(1) as f32).sqrt();
    let w = params.uniform(&format!("{name}.weight"), shape, bound, rng, device)?;
    let b = params.uniform(&format!("{name}.bias"), &[bias_len], bound, rng, device)?;
    Ok((w, b))
}
