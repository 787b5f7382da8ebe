//! Per-channel ops on `[b, c, …]` tensors as candle custom ops, each one pass over
//! the data in parallel: adding a bias and summing per channel, and the per-channel
//! sums and affine maps that batch normalisation ([`super::batch_norm_op`]) is
//! made of.
//!
//! candle computes these from broadcast ops, whose backward passes reduce over every
//! axis but the channels on one thread: a fifth of a DCGAN step went there.

use candle_core::{CustomOp1, CustomOp2, Shape, Tensor};
use rayon::prelude::*;

use super::kernels::{Binary, Real, Unary, custom_op1_cpu, custom_op2_cpu};
use super::use_candle_ops;

/// Batch, channels and the size of the rest of a `[b, c, …]` shape.
pub(super) fn channel_dims(shape: &Shape) -> candle_core::Result<(usize, usize, usize)> {
    let dims = shape.dims();
    if dims.len() < 2 {
        candle_core::bail!("per-channel ops need [batch, channels, …], got {shape:?}");
    }
    Ok((dims[0], dims[1], dims[2..].iter().product()))
}

/// Per channel of a `[b, c, n]` tensor, the sum over the batch of
/// `plane_sum(start, channel)`, where `start` is where the plane of `n` values begins.
pub(super) fn channel_sums(
    (b, c, n): (usize, usize, usize),
    plane_sum: impl Fn(usize, usize) -> f64 + Sync,
) -> Vec<f64> {
    (0..c)
        .into_par_iter()
        .map(|ci| (0..b).map(|bi| plane_sum((bi * c + ci) * n, ci)).sum())
        .collect()
}

/// Per column of a row-major `[rows, c]` matrix, the sum of its values in f64: each
/// task sums a block of rows along the rows (contiguous reads), then the blocks'
/// sums are added.
pub(crate) fn column_sums<T: Real>(x: &[T], c: usize) -> Vec<f64> {
    column_sums_of(x, x, c, |_, v, _| v.to_f64())
}

/// Per column `i` of row-major `[rows, c]` matrices `a` and `b` (of one shape),
/// Σ f(i, a, b) over the column's pairs, in f64, blocks of rows in parallel as in
/// [`column_sums`].
fn column_sums_of<T: Real>(
    a: &[T],
    b: &[T],
    c: usize,
    f: impl Fn(usize, T, T) -> f64 + Sync + Send + Copy,
) -> Vec<f64> {
    const ROWS: usize = 256;
    if c == 0 {
        return Vec::new();
    }
    a.par_chunks(ROWS * c)
        .zip(b.par_chunks(ROWS * c))
        .map(move |(block_a, block_b)| {
            let f = f;
            let mut acc = vec![0.0f64; c];
            for (ra, rb) in block_a.chunks_exact(c).zip(block_b.chunks_exact(c)) {
                for (i, ((acc, &x), &y)) in acc.iter_mut().zip(ra).zip(rb).enumerate() {
                    *acc += f(i, x, y);
                }
            }
            acc
        })
        .reduce(
            || vec![0.0; c],
            |mut a, b| {
                a.iter_mut().zip(&b).for_each(|(a, b)| *a += b);
                a
            },
        )
}

/// Per column `i` of row-major `[rows, c]` matrices `a` and `b`, the two sums
/// Σ f(a, b, centre[i]) in one pass: each block of rows sums in `T` (short sums), the
/// blocks' sums add in f64. Batch norm's statistics and its backward's sums.
pub(super) fn column_sum_pairs<T: Real>(
    a: &[T],
    b: &[T],
    centre: &[T],
    f: impl Fn(T, T, T) -> (T, T) + Sync + Send + Copy,
) -> (Vec<f64>, Vec<f64>) {
    const ROWS: usize = 64;
    let c = centre.len();
    let zeros = || (vec![0.0f64; c], vec![0.0f64; c]);
    if c == 0 {
        return zeros();
    }
    a.par_chunks(ROWS * c)
        .zip(b.par_chunks(ROWS * c))
        .map(move |(block_a, block_b)| {
            let f = f;
            let (mut s1, mut s2) = (vec![T::default(); c], vec![T::default(); c]);
            for (ra, rb) in block_a.chunks_exact(c).zip(block_b.chunks_exact(c)) {
                let sums = s1.iter_mut().zip(s2.iter_mut());
                for ((((s1, s2), &x), &y), &m) in sums.zip(ra).zip(rb).zip(centre) {
                    let (u, v) = f(x, y, m);
                    *s1 = *s1 + u;
                    *s2 = *s2 + v;
                }
            }
            let wide = |s: Vec<T>| -> Vec<f64> { s.into_iter().map(T::to_f64).collect() };
            (wide(s1), wide(s2))
        })
        .reduce(zeros, |(mut a1, mut a2), (b1, b2)| {
            a1.iter_mut().zip(&b1).for_each(|(a, b)| *a += b);
            a2.iter_mut().zip(&b2).for_each(|(a, b)| *a += b);
            (a1, a2)
        })
}

/// Σ of `n` values from `start`, in f64.
pub(super) fn plane_total<T: Real>(x: &[T], start: usize, n: usize) -> f64 {
    sum_of(&x[start..start + n], &x[start..start + n], |a, _| {
        a.to_f64()
    })
}

/// Σ f(aᵢ, bᵢ) in f64, over eight independent accumulators (a single running sum
/// waits for each addition before the next, and the compiler may not reorder it).
pub(super) fn sum_of<T: Real>(a: &[T], b: &[T], f: impl Fn(T, T) -> f64) -> f64 {
    const LANES: usize = 8;
    let mut acc = [0.0f64; LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let tail: f64 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(&x, &y)| f(x, y))
        .sum();
    for (xa, xb) in ca.zip(cb) {
        for i in 0..LANES {
            acc[i] += f(xa[i], xb[i]);
        }
    }
    acc.iter().sum::<f64>() + tail
}

/// `y[b, c, …] = x·scale[c] + shift[c]` for every plane, in parallel, then through a
/// leaky ReLU of slope `leak` if given (0: ReLU).
pub(super) fn affine_per_channel<T: Real>(
    x: &[T],
    (_, c, n): (usize, usize, usize),
    scale: &[f64],
    shift: &[f64],
    leak: Option<f64>,
) -> Vec<T> {
    let mut y = vec![T::default(); x.len()];
    if n == 0 || c == 0 {
        return y;
    }
    let leak = leak.map(T::from_f64);
    if n == 1 {
        // Rows of `c` (a dense layer's output): the same row of scales and shifts
        // for every row, so the loop runs along the row.
        let scale: Vec<T> = scale.iter().map(|&v| T::from_f64(v)).collect();
        let shift: Vec<T> = shift.iter().map(|&v| T::from_f64(v)).collect();
        let (scale, shift) = (&scale, &shift);
        // Blocks of rows per task; each row a loop over zipped slices (no index
        // checks, so it vectorises).
        y.par_chunks_mut(ROWS_PER_TASK * c)
            .zip(x.par_chunks(ROWS_PER_TASK * c))
            .for_each(|(dst, src)| {
                for (d, s) in dst.chunks_exact_mut(c).zip(src.chunks_exact(c)) {
                    affine_row(d, s, scale, shift, leak);
                }
            });
        return y;
    }
    y.par_chunks_mut(n)
        .zip(x.par_chunks(n))
        .enumerate()
        .for_each(|(plane, (dst, src))| {
            let ci = plane % c;
            let (a, s) = (T::from_f64(scale[ci]), T::from_f64(shift[ci]));
            write_affine(dst, src, move |_| (a, s), leak);
        });
    y
}

/// Rows of channels per parallel task in the row-wise passes.
pub(super) const ROWS_PER_TASK: usize = 64;

/// One row `dst = src·scale + shift` (per channel), through a leaky ReLU of slope
/// `leak` if given.
#[inline(always)]
fn affine_row<T: Real>(dst: &mut [T], src: &[T], scale: &[T], shift: &[T], leak: Option<T>) {
    let zero = T::default();
    let values = dst.iter_mut().zip(src).zip(scale).zip(shift);
    match leak {
        None => {
            for (((d, &v), &a), &b) in values {
                *d = v * a + b;
            }
        }
        Some(l) => {
            for (((d, &v), &a), &b) in values {
                let p = v * a + b;
                *d = if p > zero { p } else { p * l };
            }
        }
    }
}

/// `dst[i] = src[i]·a + s` with `(a, s) = coef(i)`, through a leaky ReLU of slope
/// `leak` if given: one loop per case, so that neither branches on `leak`.
#[inline(always)]
fn write_affine<T: Real>(
    dst: &mut [T],
    src: &[T],
    coef: impl Fn(usize) -> (T, T),
    leak: Option<T>,
) {
    let zero = T::default();
    match leak {
        None => {
            for (i, (d, &v)) in dst.iter_mut().zip(src).enumerate() {
                let (a, s) = coef(i);
                *d = v * a + s;
            }
        }
        Some(l) => {
            for (i, (d, &v)) in dst.iter_mut().zip(src).enumerate() {
                let (a, s) = coef(i);
                let p = v * a + s;
                *d = if p > zero { p } else { p * l };
            }
        }
    }
}

/// `x + bias` with `bias` `[c]` added to every channel of `x` `[b, c, …]`; its
/// backward sums the gradient per channel in one parallel pass (candle's broadcast
/// add where [`use_candle_ops`] says so).
pub fn add_channel_bias(x: &Tensor, bias: &Tensor) -> candle_core::Result<Tensor> {
    if use_candle_ops(x.device()) {
        let mut shape = vec![1; x.rank()];
        shape[1] = bias.elem_count();
        return x.broadcast_add(&bias.reshape(shape)?);
    }
    x.contiguous()?.apply_op2(&bias.contiguous()?, AddBias)
}

/// Σ over every axis but 1 of `[b, c, …]`: `[c]`. Differentiable (its backward
/// broadcasts), so it keeps second-order gradients flowing.
pub fn sum_per_channel(x: &Tensor) -> candle_core::Result<Tensor> {
    x.contiguous()?.apply_op1(SumPerChannel)
}

struct AddBias;

impl Binary for AddBias {
    fn run<T: Real>(
        &self,
        x: &[T],
        xs: &Shape,
        bias: &[T],
        bs: &Shape,
    ) -> candle_core::Result<(Vec<T>, Shape)> {
        let dims = channel_dims(xs)?;
        if bs.dims() != [dims.1] {
            candle_core::bail!("bias {bs:?} does not fit {xs:?}");
        }
        let bias: Vec<f64> = bias.iter().map(|v| v.to_f64()).collect();
        let ones = vec![1.0; dims.1];
        Ok((affine_per_channel(x, dims, &ones, &bias, None), xs.clone()))
    }
}

impl CustomOp2 for AddBias {
    custom_op2_cpu!("add-channel-bias");

    fn bwd(
        &self,
        _x: &Tensor,
        bias: &Tensor,
        _res: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>)> {
        // A frozen bias (a feature network's) needs no sum.
        let d_bias = if bias.track_op() {
            Some(sum_per_channel(grad)?)
        } else {
            None
        };
        Ok((Some(grad.clone()), d_bias))
    }
}

struct SumPerChannel;

impl Unary for SumPerChannel {
    fn run<T: Real>(&self, x: &[T], xs: &Shape) -> candle_core::Result<(Vec<T>, Shape)> {
        let dims = channel_dims(xs)?;
        let sums = if dims.2 == 1 {
            column_sums(x, dims.1)
        } else {
            channel_sums(dims, |start, _| plane_total(x, start, dims.2))
        };
        Ok((
            sums.into_iter().map(T::from_f64).collect(),
            Shape::from(dims.1),
        ))
    }
}

impl CustomOp1 for SumPerChannel {
    custom_op1_cpu!("sum-per-channel");

    fn bwd(&self, x: &Tensor, _res: &Tensor, grad: &Tensor) -> candle_core::Result<Option<Tensor>> {
        let mut shape = vec![1; x.rank()];
        shape[1] = x.dim(1)?;
        Ok(Some(grad.reshape(shape)?.broadcast_as(x.shape())?))
    }
}

pub use super::batch_norm_op::{BatchNormOp, BatchStats};
