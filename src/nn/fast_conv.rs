//! Convolutions whose every pass runs on matrix products.
//!
//! candle's CPU `conv_transpose2d` is a nested loop (parallel only over output
//! channels), and its `conv2d` computes the gradient of its input with that same loop,
//! so every convolutional net pays for it twice. Here:
//!
//! - [`conv2d`] lays the input's patches out as columns (im2col, [`Patches`]) and
//!   multiplies them by the kernel in one matrix product over the whole batch.
//! - [`conv_transpose2d`] is its adjoint: one matrix product `Wᵀ·x` (the columns) and
//!   a col2im that sums them into the output.
//! - The input gradient of each is the other op; the kernel gradient of each is one
//!   more matrix product (output gradient times the columns).
//!
//! The input gradients are the ops themselves, so second-order gradients (WGAN-GP)
//! flow through them; kernel gradients are plain values (nothing here asks for a
//! third order).
//!
//! Each op reads and writes either [`Layout`] (the `*_laid_out` functions): a
//! network that keeps its activations channels last between layers skips the
//! transposes around every product.

use candle_core::{CustomOp2, CustomOp3, Shape, Tensor};

use super::activations;
use super::conv_epilogue::{
    activation_grad, bias_grad, bias_rows, candle_epilogue, check_bias, check_slope, crop,
    with_and_without_bias,
};
use super::conv_grads::{Conv2dKernelGrad, ConvTransposeKernelGrad};
pub use super::conv_layout::{Layout, Layouts};
use super::kernels::{
    Binary, Real, Stash, Ternary, custom_op2_cpu, custom_op3_cpu, matmul, matmul_new,
    swap_leading_plus, transpose_each, transpose_each_plus,
};
pub use super::patches::ConvGeometry;
use super::patches::{conv_patches, transposed_patches};
use super::use_candle_ops;

/// `[b, c_in, h, w]` ⋆ `[c_out, c_in, k, k]` → `[b, c_out, h', w']`, with a fast backward.
/// (candle's own conv2d where [`use_candle_ops`] says so).
pub fn conv2d(x: &Tensor, w: &Tensor, g: ConvGeometry) -> candle_core::Result<Tensor> {
    convolve(x, w, None, g, true, Layouts::FIRST, None)
}

/// [`conv2d`] plus a bias `[c_out]` per output channel, added inside the op (no
/// separate pass or graph node for it; its gradient is the output gradient summed
/// per channel).
pub fn conv2d_with_bias(
    x: &Tensor,
    w: &Tensor,
    bias: &Tensor,
    g: ConvGeometry,
) -> candle_core::Result<Tensor> {
    convolve(x, w, Some(bias), g, true, Layouts::FIRST, None)
}

/// [`conv2d`], with a bias if given, from and to the given [`Layouts`] (the kernel is
/// `[c_out, c_in, k, k]` either way), through a leaky ReLU of slope `leak` ≥ 0 if
/// given (0: ReLU) applied in the same op.
pub fn conv2d_laid_out(
    x: &Tensor,
    w: &Tensor,
    bias: Option<&Tensor>,
    g: ConvGeometry,
    layouts: Layouts,
    leak: Option<f64>,
) -> candle_core::Result<Tensor> {
    check_slope(leak, "conv2d")?;
    convolve(x, w, bias, g, true, layouts, leak)
}

/// [`conv2d`] by a fixed kernel: the backward pass gives the input's gradient only
/// (for optimising an input through a frozen network: style transfer, DeepDream).
pub fn conv2d_fixed(x: &Tensor, w: &Tensor, g: ConvGeometry) -> candle_core::Result<Tensor> {
    convolve(x, w, None, g, false, Layouts::FIRST, None)
}

/// [`conv2d_fixed`] plus a bias, as in [`conv2d_with_bias`] (the bias gets a gradient
/// only if it tracks one).
pub fn conv2d_fixed_with_bias(
    x: &Tensor,
    w: &Tensor,
    bias: &Tensor,
    g: ConvGeometry,
) -> candle_core::Result<Tensor> {
    convolve(x, w, Some(bias), g, false, Layouts::FIRST, None)
}

/// The convolutions above: `kernel_grad` says whether the kernel gets a gradient.
fn convolve(
    x: &Tensor,
    w: &Tensor,
    bias: Option<&Tensor>,
    g: ConvGeometry,
    kernel_grad: bool,
    layouts: Layouts,
    leak: Option<f64>,
) -> candle_core::Result<Tensor> {
    if use_candle_ops(x.device()) {
        let w = if kernel_grad { w.clone() } else { w.detach() };
        let x = layouts.input.to_first_tensor(x)?;
        let y = x.conv2d(&w, g.padding, g.stride, 1, 1)?;
        return candle_epilogue(y, bias, layouts.output, leak);
    }
    // A kernel that learns keeps the columns for its gradient.
    let cols = (kernel_grad && w.track_op()).then(Stash::default);
    let op = Conv2dOp {
        g,
        kernel_grad,
        cols,
        layouts,
        leak,
    };
    apply(x, w, bias, op)
}

/// `op` on `x` and `w`, and the bias if there is one.
fn apply<O: CustomOp2 + CustomOp3 + Send + Sync + 'static>(
    x: &Tensor,
    w: &Tensor,
    bias: Option<&Tensor>,
    op: O,
) -> candle_core::Result<Tensor> {
    let (x, w) = (x.contiguous()?, w.contiguous()?);
    match bias {
        Some(b) => x.apply_op3(&w, &b.contiguous()?, op),
        None => x.apply_op2(&w, op),
    }
}

/// [`conv2d`] on our kernels, leaving the columns in `cols` (for the kernel gradient,
/// which then need not compute them again).
fn conv2d_keeping(
    x: &Tensor,
    w: &Tensor,
    g: ConvGeometry,
    cols: Stash,
    layouts: Layouts,
) -> candle_core::Result<Tensor> {
    let op = Conv2dOp {
        g,
        kernel_grad: true,
        cols: Some(cols),
        layouts,
        leak: None,
    };
    apply(x, w, None, op)
}

/// The transpose of [`conv2d`]: `[b, c_in, h, w]` with a kernel `[c_in, c_out, k, k]` →
/// `[b, c_out, (h − 1)·s − 2p + k + output_padding, …]`.
pub fn conv_transpose2d(
    x: &Tensor,
    w: &Tensor,
    g: ConvGeometry,
    output_padding: usize,
) -> candle_core::Result<Tensor> {
    conv_transpose(x, w, None, g, output_padding, Layouts::FIRST, None)
}

/// [`conv_transpose2d`] plus a bias `[c_out]`, added inside the op as in
/// [`conv2d_with_bias`].
pub fn conv_transpose2d_with_bias(
    x: &Tensor,
    w: &Tensor,
    bias: &Tensor,
    g: ConvGeometry,
    output_padding: usize,
) -> candle_core::Result<Tensor> {
    conv_transpose(x, w, Some(bias), g, output_padding, Layouts::FIRST, None)
}

/// [`conv_transpose2d`], with a bias if given, from and to the given [`Layouts`] (the
/// kernel is `[c_in, c_out, k, k]` either way), through a leaky ReLU of slope `leak`
/// ≥ 0 if given (0: ReLU) applied in the same op.
pub fn conv_transpose2d_laid_out(
    x: &Tensor,
    w: &Tensor,
    bias: Option<&Tensor>,
    g: ConvGeometry,
    output_padding: usize,
    layouts: Layouts,
    leak: Option<f64>,
) -> candle_core::Result<Tensor> {
    check_slope(leak, "conv_transpose2d")?;
    conv_transpose(x, w, bias, g, output_padding, layouts, leak)
}

fn conv_transpose(
    x: &Tensor,
    w: &Tensor,
    bias: Option<&Tensor>,
    g: ConvGeometry,
    output_padding: usize,
    layouts: Layouts,
    leak: Option<f64>,
) -> candle_core::Result<Tensor> {
    if use_candle_ops(x.device()) {
        let x = layouts.input.to_first_tensor(x)?;
        let y = x.conv_transpose2d(w, g.padding, output_padding, g.stride, 1)?;
        return candle_epilogue(y, bias, layouts.output, leak);
    }
    let op = ConvTransposeOp {
        g,
        output_padding,
        layouts,
        leak,
    };
    apply(x, w, bias, op)
}

with_and_without_bias!(Conv2dOp, "fast-conv2d", "fast-conv2d-bias", 0);
with_and_without_bias!(
    ConvTransposeOp,
    "fast-conv-transpose2d",
    "fast-conv-transpose2d-bias",
    1
);

struct Conv2dOp {
    g: ConvGeometry,
    /// Whether the backward pass computes the kernel's gradient too.
    kernel_grad: bool,
    /// Where the forward pass leaves its columns, if anyone will want them.
    cols: Option<Stash>,
    layouts: Layouts,
    /// The slope of the leaky ReLU applied to the output (0: ReLU), if any.
    leak: Option<f64>,
}

impl Conv2dOp {
    fn forward<T: Real>(
        &self,
        x: &[T],
        xl: &Shape,
        w: &[T],
        wl: &Shape,
        bias: Option<&[T]>,
    ) -> candle_core::Result<(Vec<T>, Shape)> {
        let (co, ci, k, k2) = wl.dims4()?;
        let Layouts { input, output } = self.layouts;
        let pat = conv_patches(input.dims(xl)?, k, self.g)?;
        if ci != pat.c || k != k2 {
            candle_core::bail!("conv2d: input {xl:?} and kernel {wl:?} do not fit");
        }
        let (kk, n, positions) = (pat.rows(), pat.cols(), pat.oh * pat.ow);
        let (b, hw) = (pat.b, pat.h * pat.w);
        let (cols, y) = if pat.channels_last() {
            // Patch rows [b·oh·ow, k·k·c] times the kernel laid out [co, k·k, c],
            // transposed: channels-last outputs [b·oh·ow, co] (the patch rows then
            // need no repacking inside the product).
            let rows = pat.im2row(&input.to_last(x, b, ci, hw));
            let w = transpose_each(w, co, ci, k * k);
            let y = match output {
                Layout::ChannelsLast => {
                    let (mut y, add) = bias_rows(n, co, bias);
                    matmul(&mut y, (n, co, kk), &rows, (kk, 1), &w, (1, kk), add);
                    y
                }
                Layout::ChannelsFirst => {
                    let y = matmul_new((n, co, kk), &rows, (kk, 1), &w, (1, kk));
                    transpose_each_plus(&y, b, positions, co, bias)
                }
            };
            (rows, y)
        } else {
            let cols = pat.im2col(&input.to_first(x, b, ci, hw)); // [k·k·c, b·oh·ow]
            let y = match output {
                Layout::ChannelsLast => {
                    // [b·oh·ow, co] = colsᵀ · Wᵀ
                    let (mut y, add) = bias_rows(n, co, bias);
                    matmul(&mut y, (n, co, kk), &cols, (1, n), w, (1, kk), add);
                    y
                }
                Layout::ChannelsFirst => {
                    let y = matmul_new((co, n, kk), w, (kk, 1), &cols, (n, 1));
                    swap_leading_plus(&y, co, b, positions, bias)
                }
            };
            (cols, y)
        };
        if let Some(stash) = &self.cols {
            stash.put(cols);
        }
        let mut y = y;
        if let Some(slope) = self.leak {
            activations::leaky_relu_in_place(&mut y, slope);
        }
        Ok((y, output.shape(b, co, pat.oh, pat.ow)))
    }
}

impl Conv2dOp {
    /// The gradients of the input and the kernel for the gradient `grad` of the
    /// convolution's output (before any activation).
    fn grads(
        &self,
        x: &Tensor,
        w: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>)> {
        let ConvGeometry { stride, padding } = self.g;
        let (_, _, h, wd) = self.layouts.input.dims(x.shape())?;
        let (_, _, k, _) = w.dims4()?;
        let (_, _, oh, ow) = self.layouts.output.dims(grad.shape())?;
        // Each gradient only where its input asks for one (data, a detached image, a
        // frozen or detached kernel).
        let dx = if x.track_op() {
            // The input gradient is the transposed convolution of the output gradient;
            // the output padding restores rows (and columns) the strided forward
            // dropped; one padding serves both, and what one side gets too many is
            // cropped.
            let op_h = h + 2 * padding - k - (oh - 1) * stride;
            let op_w = wd + 2 * padding - k - (ow - 1) * stride;
            let op = op_h.max(op_w);
            let reversed = self.layouts.reversed();
            let dx = conv_transpose(grad, w, None, self.g, op, reversed, None)?;
            Some(crop(dx, self.layouts.input, h, wd)?)
        } else {
            None
        };
        if !(self.kernel_grad && w.track_op()) {
            return Ok((dx, None));
        }
        let dw = x.contiguous()?.apply_op2_no_bwd(
            &grad.contiguous()?,
            &Conv2dKernelGrad {
                g: self.g,
                k,
                cols: self.cols.clone().unwrap_or_default(),
                layouts: self.layouts,
            },
        )?;
        Ok((dx, Some(dw)))
    }
}

struct ConvTransposeOp {
    g: ConvGeometry,
    output_padding: usize,
    layouts: Layouts,
    /// The slope of the leaky ReLU applied to the output (0: ReLU), if any.
    leak: Option<f64>,
}

impl ConvTransposeOp {
    fn forward<T: Real>(
        &self,
        x: &[T],
        xl: &Shape,
        w: &[T],
        wl: &Shape,
        bias: Option<&[T]>,
    ) -> candle_core::Result<(Vec<T>, Shape)> {
        let Layouts { input, output } = self.layouts;
        let (b, ci, h, wd) = input.dims(xl)?;
        let (ci2, co, k, k2) = wl.dims4()?;
        if ci != ci2 || k != k2 {
            candle_core::bail!("conv_transpose2d: input {xl:?} and kernel {wl:?} do not fit");
        }
        let pat = transposed_patches((b, h, wd), co, k, self.g, self.output_padding)?;
        let (kk, n, out_hw) = (pat.rows(), pat.cols(), pat.h * pat.w);
        let shape = output.shape(b, co, pat.h, pat.w);
        if pat.channels_last() {
            // Patch rows x [b·h·w, ci] · W [ci, k·k, co], summed into channels-last
            // images [b, h', w', co].
            let x = input.to_last(x, b, ci, h * wd);
            let w = transpose_each(w, ci, co, k * k);
            let rows = matmul_new((n, kk, ci), &x, (ci, 1), &w, (kk, 1));
            let out = match output {
                Layout::ChannelsLast => pat.row2im(&rows, bias),
                Layout::ChannelsFirst => {
                    transpose_each_plus(&pat.row2im(&rows, None), b, out_hw, co, bias)
                }
            };
            return Ok((self.activated(out), shape));
        }
        // The columns Wᵀ [co·k·k, ci] · x [ci, b·h·w], summed into the output.
        let (x, x_strides) = input.channel_rows(x, b, ci, h * wd);
        let cols = matmul_new((kk, n, ci), w, (1, kk), &x, x_strides);
        let out = pat.col2im(&cols, bias);
        Ok((self.activated(output.arrange(out, b, co, out_hw)), shape))
    }

    /// `y` through the op's activation, if it has one.
    fn activated<T: Real>(&self, mut y: Vec<T>) -> Vec<T> {
        if let Some(slope) = self.leak {
            activations::leaky_relu_in_place(&mut y, slope);
        }
        y
    }
}

impl ConvTransposeOp {
    /// The gradients of the input and the kernel for the output gradient `grad`.
    fn grads(
        &self,
        x: &Tensor,
        w: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>)> {
        let (_, _, h, wd) = self.layouts.input.dims(x.shape())?;
        // The transposed convolution's adjoint is the convolution with the same kernel;
        // its columns (of the output gradient) are the ones the kernel gradient needs.
        let cols = Stash::default();
        // Each gradient only where its input asks for one.
        let dx = if x.track_op() {
            let reversed = self.layouts.reversed();
            let dx = conv2d_keeping(grad, w, self.g, cols.clone(), reversed)?;
            Some(crop(dx, self.layouts.input, h, wd)?)
        } else {
            None
        };
        if !w.track_op() {
            return Ok((dx, None));
        }
        let dw = x.contiguous()?.apply_op2_no_bwd(
            &grad.contiguous()?,
            &ConvTransposeKernelGrad {
                g: self.g,
                output_padding: self.output_padding,
                c_out: w.dim(1)?,
                k: w.dim(2)?,
                cols,
                layouts: self.layouts,
            },
        )?;
        Ok((dx, Some(dw)))
    }
}
