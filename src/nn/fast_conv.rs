//! Convolutions whose every pass runs on matrix products.
//!
//! candle's CPU `conv_transpose2d` is a nested loop (parallel only over output
//! channels), and its `conv2d` computes the gradient of its input with that same loop,
//! so every convolutional net pays for it twice. Here:
//!
//! - [`conv_transpose2d`] is a custom op: forward = one matrix product per image
//!   (`Wᵀ·x`, the "columns") and a col2im scatter; its input gradient is an ordinary
//!   [`conv2d`] of the output gradient, its weight gradient a dilated `conv2d`.
//! - [`conv2d`] is a custom op whose forward is candle's (im2col + matrix products) and
//!   whose input gradient is the fast [`conv_transpose2d`] above.
//!
//! Each op's backward is made of the other op and candle's own differentiable ops, so
//! second-order gradients (WGAN-GP) flow through them too.

use candle_core::{CpuStorage, CustomOp2, DType, Device, Layout, Shape, Tensor, WithDType};
use rayon::prelude::*;

/// Geometry of a stride-`stride`, padding-`padding` convolution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvGeometry {
    /// Stride.
    pub stride: usize,
    /// Zero padding on each side.
    pub padding: usize,
}

/// `[b, c_in, h, w]` ⋆ `[c_out, c_in, k, k]` → `[b, c_out, h', w']`, with a fast backward.
pub fn conv2d(x: &Tensor, w: &Tensor, g: ConvGeometry) -> candle_core::Result<Tensor> {
    x.contiguous()?.apply_op2(
        &w.contiguous()?,
        Conv2dOp {
            g,
            kernel_grad: true,
        },
    )
}

/// [`conv2d`] by a fixed kernel: the backward pass gives the input's gradient only
/// (for optimising an input through a frozen network: style transfer, DeepDream).
pub fn conv2d_fixed(x: &Tensor, w: &Tensor, g: ConvGeometry) -> candle_core::Result<Tensor> {
    x.contiguous()?.apply_op2(
        &w.contiguous()?,
        Conv2dOp {
            g,
            kernel_grad: false,
        },
    )
}

/// The transpose of [`conv2d`]: `[b, c_in, h, w]` with a kernel `[c_in, c_out, k, k]` →
/// `[b, c_out, (h − 1)·s − 2p + k + output_padding, …]`.
pub fn conv_transpose2d(
    x: &Tensor,
    w: &Tensor,
    g: ConvGeometry,
    output_padding: usize,
) -> candle_core::Result<Tensor> {
    x.contiguous()?
        .apply_op2(&w.contiguous()?, ConvTransposeOp { g, output_padding })
}

struct Conv2dOp {
    g: ConvGeometry,
    /// Whether the backward pass computes the kernel's gradient too.
    kernel_grad: bool,
}

impl CustomOp2 for Conv2dOp {
    fn name(&self) -> &'static str {
        "fast-conv2d"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        // candle's own forward (im2col + matrix products) on fresh, untracked tensors.
        let x = storage_tensor(s1, l1)?;
        let w = storage_tensor(s2, l2)?;
        let y = x.conv2d(&w, self.g.padding, self.g.stride, 1, 1)?;
        let shape = y.shape().clone();
        Ok((tensor_storage(&y)?, shape))
    }

    fn bwd(
        &self,
        x: &Tensor,
        w: &Tensor,
        _res: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>)> {
        let ConvGeometry { stride, padding } = self.g;
        let (_, _, h, wd) = x.dims4()?;
        let (_, _, k, _) = w.dims4()?;
        let (_, _, oh, _) = grad.dims4()?;
        // The input gradient is the transposed convolution of the output gradient; the
        // output padding restores rows the strided forward dropped.
        let op = h + 2 * padding - k - (oh - 1) * stride;
        let mut dx = conv_transpose2d(grad, w, self.g, op)?;
        if dx.dim(2)? != h || dx.dim(3)? != wd {
            dx = dx.narrow(2, 0, h)?.narrow(3, 0, wd)?;
        }
        if !self.kernel_grad {
            return Ok((Some(dx), None));
        }
        // dW[o, i, ky, kx] = Σ_b Σ_y,x grad[b, o, y, x]·x[b, i, y·s + ky − p, x·s + kx − p]:
        // a convolution of x (batch as channels) by grad, dilated by the stride.
        let dw = conv2d_dilated(&x.transpose(0, 1)?, &grad.transpose(0, 1)?, padding, stride)?; // [i, o, k', k']
        let dw = dw.narrow(2, 0, k)?.narrow(3, 0, k)?.transpose(0, 1)?;
        Ok((Some(dx), Some(dw)))
    }
}

struct ConvTransposeOp {
    g: ConvGeometry,
    output_padding: usize,
}

impl CustomOp2 for ConvTransposeOp {
    fn name(&self) -> &'static str {
        "fast-conv-transpose2d"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (b, ci, h, w) = l1.shape().dims4()?;
        let (ci2, co, k, k2) = l2.shape().dims4()?;
        if ci != ci2 || k != k2 {
            candle_core::bail!(
                "conv_transpose2d: input {:?} and kernel {:?} do not fit",
                l1.shape(),
                l2.shape()
            );
        }
        let ConvGeometry {
            stride: s,
            padding: p,
        } = self.g;
        let oh = ((h - 1) * s + k + self.output_padding).checked_sub(2 * p);
        let ow = ((w - 1) * s + k + self.output_padding).checked_sub(2 * p);
        let (Some(oh), Some(ow)) = (oh, ow) else {
            candle_core::bail!("conv_transpose2d: padding {p} too large");
        };
        // The columns: for every image, Wᵀ [co·k·k, ci] · x [ci, h·w].
        let x = storage_tensor(s1, l1)?.reshape((b, ci, h * w))?;
        let wt = storage_tensor(s2, l2)?
            .reshape((ci, co * k * k))?
            .t()?
            .contiguous()?;
        let cols = wt.broadcast_left(b)?.matmul(&x)?.contiguous()?; // [b, co·k·k, h·w]
        let dims = Col2Im {
            co,
            k,
            h,
            w,
            oh,
            ow,
            s,
            p,
        };
        let out = match tensor_storage(&cols)? {
            CpuStorage::F32(c) => CpuStorage::F32(dims.scatter(&c, b)),
            CpuStorage::F64(c) => CpuStorage::F64(dims.scatter(&c, b)),
            _ => candle_core::bail!("conv_transpose2d supports f32 and f64 only"),
        };
        Ok((out, Shape::from((b, co, oh, ow))))
    }

    fn bwd(
        &self,
        x: &Tensor,
        w: &Tensor,
        _res: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>)> {
        let ConvGeometry { stride, padding } = self.g;
        let (_, _, h, wd) = x.dims4()?;
        let (_, _, k, _) = w.dims4()?;
        // The transposed convolution's adjoint is the convolution with the same kernel.
        let dx = conv2d(grad, w, self.g)?;
        let dx = dx.narrow(2, 0, h)?.narrow(3, 0, wd)?;
        // dW[i, o, ky, kx] = Σ_b Σ_y,x x[b, i, y, x]·grad[b, o, y·s + ky − p, x·s + kx − p].
        let dw = conv2d_dilated(&grad.transpose(0, 1)?, &x.transpose(0, 1)?, padding, stride)?; // [o, i, k', k']
        let dw = dw.narrow(2, 0, k)?.narrow(3, 0, k)?.transpose(0, 1)?;
        Ok((Some(dx), Some(dw)))
    }
}

/// candle's `conv2d` with stride 1 and kernel dilation `dilation` (its backward is only
/// needed for third-order gradients, which nothing here asks for).
fn conv2d_dilated(
    x: &Tensor,
    kernel: &Tensor,
    padding: usize,
    dilation: usize,
) -> candle_core::Result<Tensor> {
    x.contiguous()?
        .conv2d(&kernel.contiguous()?, padding, 1, dilation, 1)
}

/// Scatters columns `[b, co, k, k, h, w]` into images `[b, co, oh, ow]`.
struct Col2Im {
    co: usize,
    k: usize,
    h: usize,
    w: usize,
    oh: usize,
    ow: usize,
    s: usize,
    p: usize,
}

impl Col2Im {
    fn scatter<T: WithDType + std::ops::AddAssign>(&self, cols: &[T], b: usize) -> Vec<T> {
        let Col2Im {
            co,
            k,
            h,
            w,
            oh,
            ow,
            s,
            p,
        } = *self;
        let mut out = vec![T::zero(); b * co * oh * ow];
        // One output plane per task: no two tasks write to the same place.
        out.par_chunks_mut(oh * ow)
            .enumerate()
            .for_each(|(plane, dst)| {
                let (bi, c) = (plane / co, plane % co);
                let base = (bi * co + c) * k * k * h * w;
                for ky in 0..k {
                    for kx in 0..k {
                        let src = &cols[base + (ky * k + kx) * h * w..][..h * w];
                        for iy in 0..h {
                            let oy = iy * s + ky;
                            if oy < p || oy - p >= oh {
                                continue;
                            }
                            let row = (oy - p) * ow;
                            for ix in 0..w {
                                let ox = ix * s + kx;
                                if ox < p || ox - p >= ow {
                                    continue;
                                }
                                dst[row + ox - p] += src[iy * w + ix];
                            }
                        }
                    }
                }
            });
        out
    }
}

/// A fresh tensor (no gradient tracking) holding a custom op's input.
fn storage_tensor(s: &CpuStorage, l: &Layout) -> candle_core::Result<Tensor> {
    let dims = l.shape().dims().to_vec();
    let n = l.shape().elem_count();
    let Some((start, end)) = l.contiguous_offsets() else {
        candle_core::bail!("fast convolutions need contiguous inputs");
    };
    debug_assert_eq!(end - start, n);
    match s {
        CpuStorage::F32(v) => Tensor::from_slice(&v[start..end], dims, &Device::Cpu),
        CpuStorage::F64(v) => Tensor::from_slice(&v[start..end], dims, &Device::Cpu),
        _ => candle_core::bail!("fast convolutions support f32 and f64 only"),
    }
}

/// A tensor's data as CPU storage.
fn tensor_storage(t: &Tensor) -> candle_core::Result<CpuStorage> {
    let t = t.contiguous()?.flatten_all()?;
    Ok(match t.dtype() {
        DType::F32 => CpuStorage::F32(t.to_vec1::<f32>()?),
        DType::F64 => CpuStorage::F64(t.to_vec1::<f64>()?),
        other => candle_core::bail!("fast convolutions support f32 and f64, not {other:?}"),
    })
}
