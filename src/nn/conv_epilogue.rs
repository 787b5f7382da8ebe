//! What the convolution ops share around their matrix product: the bias and the
//! leaky ReLU applied in the op (and their gradients), the same done with candle's
//! ops on other devices, the checks of their arguments, and
//! `with_and_without_bias!`, which gives an op its faces to candle.

use candle_core::{Shape, Tensor};

use super::activations;
use super::channel_ops::{add_channel_bias, sum_per_channel};
use super::conv_layout::Layout;
use super::kernels::Real;

/// Refuses a leaky ReLU of negative slope: the ops tell where the input was positive
/// from the sign of their output.
pub(super) fn check_slope(leak: Option<f64>, op: &str) -> candle_core::Result<()> {
    if leak.is_some_and(|s| s < 0.0) {
        candle_core::bail!("{op}: a leaky ReLU of negative slope");
    }
    Ok(())
}

/// What our ops do after the product, in candle's ops (on other devices): the bias,
/// the output layout and the activation, applied to candle's channels-first `y`.
pub(super) fn candle_epilogue(
    y: Tensor,
    bias: Option<&Tensor>,
    layout: Layout,
    leak: Option<f64>,
) -> candle_core::Result<Tensor> {
    let y = match bias {
        Some(b) => add_channel_bias(&y, b)?,
        None => y,
    };
    let y = layout.from_first_tensor(&y)?;
    match leak {
        Some(slope) => activations::leaky_relu(&y, slope),
        None => Ok(y),
    }
}

/// The gradient of a bias added per channel: the output gradient (in `layout`)
/// summed per channel (none for a bias that does not track one).
pub(super) fn bias_grad(
    bias: &Tensor,
    grad: &Tensor,
    layout: Layout,
) -> candle_core::Result<Option<Tensor>> {
    if !bias.track_op() {
        return Ok(None);
    }
    Ok(Some(match layout {
        Layout::ChannelsFirst => sum_per_channel(grad)?,
        // Rows of channels: `[b·h·w, c]`.
        Layout::ChannelsLast => sum_per_channel(&grad.reshape(((), bias.dim(0)?))?)?,
    }))
}

/// The gradient `grad` of an op's output `res` back through the leaky ReLU of slope
/// `leak` the op applied, if any (its output is positive exactly where its input was).
pub(super) fn activation_grad(
    leak: Option<f64>,
    grad: &Tensor,
    res: &Tensor,
) -> candle_core::Result<Tensor> {
    match leak {
        Some(slope) => activations::through_leaky_relu(grad, res, slope),
        None => Ok(grad.clone()),
    }
}

/// Checks a bias `[c]` for an output of `c` channels.
pub(super) fn check_bias(bias: &Shape, channels: usize) -> candle_core::Result<()> {
    if bias.dims() != [channels] {
        candle_core::bail!("convolution bias {bias:?} for {channels} channels");
    }
    Ok(())
}

/// `rows` copies of `bias` (zeros without one) to start a product's sum from, and
/// whether the product must add to them.
pub(super) fn bias_rows<T: Real>(rows: usize, c: usize, bias: Option<&[T]>) -> (Vec<T>, bool) {
    match bias {
        Some(b) => (b.repeat(rows), true),
        None => (vec![T::default(); rows * c], false),
    }
}

/// `t` narrowed to `h × w` along the spatial axes of `layout` (a strided
/// convolution's adjoint may come out a row or column larger).
pub(super) fn crop(t: Tensor, layout: Layout, h: usize, w: usize) -> candle_core::Result<Tensor> {
    let (ya, xa) = layout.spatial_axes();
    if t.dim(ya)? == h && t.dim(xa)? == w {
        return Ok(t);
    }
    t.narrow(ya, 0, h)?.narrow(xa, 0, w)
}

/// A convolution op's faces to candle: [`Binary`] (no bias) and [`Ternary`] (with a bias
/// `[c_out]`) over its `forward`, and the `CustomOp2` and `CustomOp3` whose backward
/// passes take the gradient back through the op's activation, then to its `grads`
/// (and the bias's). `$out_axis` is the kernel's axis of output channels.
macro_rules! with_and_without_bias {
    ($op:ty, $name:literal, $name_bias:literal, $out_axis:tt) => {
        impl Binary for $op {
            fn run<T: Real>(
                &self,
                x: &[T],
                xl: &Shape,
                w: &[T],
                wl: &Shape,
            ) -> candle_core::Result<(Vec<T>, Shape)> {
                self.forward(x, xl, w, wl, None)
            }
        }

        impl Ternary for $op {
            fn run<T: Real>(
                &self,
                x: &[T],
                xl: &Shape,
                w: &[T],
                wl: &Shape,
                b: &[T],
                bl: &Shape,
            ) -> candle_core::Result<(Vec<T>, Shape)> {
                check_bias(bl, wl.dims4()?.$out_axis)?;
                self.forward(x, xl, w, wl, Some(b))
            }
        }

        impl CustomOp2 for $op {
            custom_op2_cpu!($name);

            fn bwd(
                &self,
                x: &Tensor,
                w: &Tensor,
                res: &Tensor,
                grad: &Tensor,
            ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>)> {
                self.grads(x, w, &activation_grad(self.leak, grad, res)?)
            }
        }

        impl CustomOp3 for $op {
            custom_op3_cpu!($name_bias);

            fn bwd(
                &self,
                x: &Tensor,
                w: &Tensor,
                bias: &Tensor,
                res: &Tensor,
                grad: &Tensor,
            ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
                let grad = &activation_grad(self.leak, grad, res)?;
                let (dx, dw) = self.grads(x, w, grad)?;
                Ok((dx, dw, bias_grad(bias, grad, self.layouts.output)?))
            }
        }
    };
}

pub(super) use with_and_without_bias;
