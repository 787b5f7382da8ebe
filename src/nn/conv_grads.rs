//! The kernel gradients of the convolutions in [`super::fast_conv`]: one matrix
//! product each, the output gradient times the patches of the input (which the
//! forward pass may have left in a [`Stash`]).

use candle_core::{CustomOp2, Shape};

use super::conv_layout::Layouts;
use super::kernels::{Binary, Real, Stash, custom_op2_cpu, matmul, transpose_each};
use super::patches::{ConvGeometry, conv_patches, transposed_patches};

/// The kernel gradient of [`super::fast_conv::conv2d`]: `(x, output gradient)` → `dW [co, ci, k, k]`
/// = output gradient `[co, b·oh·ow]` times the columns of `x`, transposed.
pub(super) struct Conv2dKernelGrad {
    pub(super) g: ConvGeometry,
    pub(super) k: usize,
    /// The columns of `x`, if the forward pass left them.
    pub(super) cols: Stash,
    pub(super) layouts: Layouts,
}

impl Binary for Conv2dKernelGrad {
    fn run<T: Real>(
        &self,
        x: &[T],
        xl: &Shape,
        g: &[T],
        gl: &Shape,
    ) -> candle_core::Result<(Vec<T>, Shape)> {
        let Layouts { input, output } = self.layouts;
        let pat = conv_patches(input.dims(xl)?, self.k, self.g)?;
        let (gb, co, goh, gow) = output.dims(gl)?;
        if (gb, goh, gow) != (pat.b, pat.oh, pat.ow) {
            candle_core::bail!("conv2d backward: gradient {gl:?} does not fit input {xl:?}");
        }
        let (kk, n, k) = (pat.rows(), pat.cols(), self.k);
        let (b, c, hw) = (pat.b, pat.c, pat.h * pat.w);
        let (g, g_strides) = output.channel_rows(g, b, co, pat.oh * pat.ow); // [co, b·oh·ow]
        let mut dw = vec![T::default(); co * kk];
        if pat.channels_last() {
            let rows =
                (self.cols.take(kk * n)).unwrap_or_else(|| pat.im2row(&input.to_last(x, b, c, hw)));
            matmul(&mut dw, (co, kk, n), &g, g_strides, &rows, (kk, 1), false); // [co, k·k, c]
            dw = transpose_each(&dw, co, k * k, c);
        } else {
            let cols = (self.cols.take(kk * n))
                .unwrap_or_else(|| pat.im2col(&input.to_first(x, b, c, hw)));
            matmul(&mut dw, (co, kk, n), &g, g_strides, &cols, (1, n), false);
        }
        Ok((dw, Shape::from((co, c, k, k))))
    }
}

impl CustomOp2 for Conv2dKernelGrad {
    custom_op2_cpu!("fast-conv2d-kernel-grad");
}

/// The kernel gradient of [`super::fast_conv::conv_transpose2d`]: `(x, output gradient)` →
/// `dW [ci, co, k, k]` = `x [ci, b·h·w]` times the output gradient's columns, transposed.
pub(super) struct ConvTransposeKernelGrad {
    pub(super) g: ConvGeometry,
    pub(super) output_padding: usize,
    pub(super) c_out: usize,
    pub(super) k: usize,
    /// The output gradient's columns, if the input gradient left them.
    pub(super) cols: Stash,
    pub(super) layouts: Layouts,
}

impl Binary for ConvTransposeKernelGrad {
    fn run<T: Real>(
        &self,
        x: &[T],
        xl: &Shape,
        g: &[T],
        gl: &Shape,
    ) -> candle_core::Result<(Vec<T>, Shape)> {
        let Layouts { input, output } = self.layouts;
        let (b, ci, h, wd) = input.dims(xl)?;
        let pat = transposed_patches((b, h, wd), self.c_out, self.k, self.g, self.output_padding)?;
        if output.dims(gl)? != (b, pat.c, pat.h, pat.w) {
            candle_core::bail!(
                "conv_transpose2d backward: gradient {gl:?} does not fit input {xl:?}"
            );
        }
        let (kk, n, k, co) = (pat.rows(), pat.cols(), self.k, pat.c);
        let out_hw = pat.h * pat.w;
        let (x, x_strides) = input.channel_rows(x, b, ci, h * wd); // [ci, b·h·w]
        let mut dw = vec![T::default(); ci * kk];
        if pat.channels_last() {
            let rows = (self.cols.take(kk * n))
                .unwrap_or_else(|| pat.im2row(&output.to_last(g, b, co, out_hw))); // [b·h·w, k·k·co]
            matmul(&mut dw, (ci, kk, n), &x, x_strides, &rows, (kk, 1), false); // [ci, k·k, co]
            dw = transpose_each(&dw, ci, k * k, co);
        } else {
            let cols = (self.cols.take(kk * n))
                .unwrap_or_else(|| pat.im2col(&output.to_first(g, b, co, out_hw))); // [co·k·k, b·h·w]
            matmul(&mut dw, (ci, kk, n), &x, x_strides, &cols, (1, n), false);
        }
        Ok((dw, Shape::from((ci, co, k, k))))
    }
}

impl CustomOp2 for ConvTransposeKernelGrad {
    custom_op2_cpu!("fast-conv-transpose2d-kernel-grad");
}
