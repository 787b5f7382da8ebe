//! Per-channel ops on `[b, c, …]` tensors as candle custom ops, each one pass over
//! the data in parallel: adding a bias, summing per channel, and batch
//! normalisation with its backward pass written out.
//!
//! candle computes these from broadcast ops, whose backward passes reduce over every
//! axis but the channels on one thread: a fifth of a DCGAN step went there.

use std::sync::{Arc, Mutex};

use candle_core::{CpuStorage, CustomOp1, CustomOp2, CustomOp3, Layout, Shape, Tensor};
use rayon::prelude::*;

use super::activations;
use super::kernels::{Binary, Real, Unary, custom_op1_cpu, custom_op2_cpu};
use super::use_candle_ops;

/// Batch, channels and the size of the rest of a `[b, c, …]` shape.
fn channel_dims(shape: &Shape) -> candle_core::Result<(usize, usize, usize)> {
    let dims = shape.dims();
    if dims.len() < 2 {
        candle_core::bail!("per-channel ops need [batch, channels, …], got {shape:?}");
    }
    Ok((dims[0], dims[1], dims[2..].iter().product()))
}

/// Per channel of a `[b, c, n]` tensor, the sum over the batch of
/// `plane_sum(start, channel)`, where `start` is where the plane of `n` values begins.
fn channel_sums(
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
fn column_sum_pairs<T: Real>(
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
fn plane_total<T: Real>(x: &[T], start: usize, n: usize) -> f64 {
    sum_of(&x[start..start + n], &x[start..start + n], |a, _| {
        a.to_f64()
    })
}

/// Σ f(aᵢ, bᵢ) in f64, over eight independent accumulators (a single running sum
/// waits for each addition before the next, and the compiler may not reorder it).
fn sum_of<T: Real>(a: &[T], b: &[T], f: impl Fn(T, T) -> f64) -> f64 {
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
fn affine_per_channel<T: Real>(
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
const ROWS_PER_TASK: usize = 64;

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

/// Statistics of one batch, per channel.
#[derive(Clone, Debug, Default)]
pub struct BatchStats {
    /// Means.
    pub mean: Vec<f64>,
    /// Biased variances (divided by the count).
    pub var: Vec<f64>,
    /// Values per channel (batch × positions).
    pub count: usize,
}

/// Batch normalisation of `[b, c, …]` with the batch's own statistics, as one op:
/// `y = (x − μ_c)/√(σ²_c + ε)·γ_c + β_c`. Its backward pass is written out (one
/// pass for the per-channel sums, one for the input gradient) and gives first-order
/// gradients only: nothing here differentiates through batch norm twice (WGAN-GP's
/// critic has none).
#[derive(Clone)]
pub struct BatchNormOp {
    eps: f64,
    /// The slope of a leaky ReLU applied to the result (0: ReLU), if any.
    leak: Option<f64>,
    /// Whether the channels are the last axis (`[b, h, w, c]`) rather than axis 1.
    channels_last: bool,
    saved: Arc<Mutex<BatchStats>>,
}

/// Rows, channels and positions per row of a batch norm's input: `[b, c, …]` is
/// `(b, c, …)`; channels last, every value of one position is a row `(…, c, 1)`.
fn norm_dims(shape: &Shape, channels_last: bool) -> candle_core::Result<(usize, usize, usize)> {
    if !channels_last {
        return channel_dims(shape);
    }
    let c = *shape.dims().last().unwrap_or(&0);
    if c == 0 || shape.rank() < 2 {
        candle_core::bail!("channels-last batch norm needs [batch, …, channels], got {shape:?}");
    }
    Ok((shape.elem_count() / c, c, 1))
}

impl BatchNormOp {
    /// A fresh op (one per application) with `eps` under the square root.
    pub fn new(eps: f64) -> Self {
        Self {
            eps,
            leak: None,
            channels_last: false,
            saved: Arc::default(),
        }
    }

    /// The same op over channels-last input `[b, …, c]`: the channels are the last
    /// axis (no reshape, so no extra graph nodes around it).
    pub fn channels_last(mut self) -> Self {
        self.channels_last = true;
        self
    }

    /// The same op followed by a leaky ReLU of slope `slope` (0: ReLU), in the same
    /// pass: no separate activation op, output or graph node.
    pub fn with_leaky_relu(mut self, slope: f64) -> Self {
        self.leak = Some(slope);
        self
    }

    /// Normalises `x` with γ and β `[c]`.
    pub fn apply(&self, x: &Tensor, gamma: &Tensor, beta: &Tensor) -> candle_core::Result<Tensor> {
        x.contiguous()?
            .apply_op3(&gamma.contiguous()?, &beta.contiguous()?, self.clone())
    }

    /// The statistics the last [`BatchNormOp::apply`] normalised with.
    pub fn stats(&self) -> candle_core::Result<BatchStats> {
        Ok(self.lock()?.clone())
    }

    fn lock(&self) -> candle_core::Result<std::sync::MutexGuard<'_, BatchStats>> {
        self.saved
            .lock()
            .map_err(|_| candle_core::Error::Msg("batch norm statistics poisoned".into()))
    }

    /// 1/√(σ² + ε) per channel.
    fn rstd(&self, stats: &BatchStats) -> Vec<f64> {
        stats
            .var
            .iter()
            .map(|v| 1.0 / (v + self.eps).sqrt())
            .collect()
    }

    fn forward<T: Real>(
        &self,
        x: &[T],
        xs: &Shape,
        gamma: &[T],
        beta: &[T],
    ) -> candle_core::Result<Vec<T>> {
        let dims @ (b, c, n) = norm_dims(xs, self.channels_last)?;
        if gamma.len() != c || beta.len() != c {
            candle_core::bail!(
                "batch norm over {c} channels given γ of {} and β of {}",
                gamma.len(),
                beta.len()
            );
        }
        let count = (b * n).max(1) as f64;
        let (mean, var) = if n == 1 && b > 0 {
            // Rows of `c` (a dense layer's outputs, or channels-last images): both
            // sums in one pass, about the first row (close to the mean, so the
            // variance as a difference of the two loses little).
            let shift = &x[..c];
            let (s1, s2) = column_sum_pairs(x, x, shift, |v, _, m| {
                let d = v - m;
                (d, d * d)
            });
            let mean: Vec<f64> = (s1.iter().zip(shift))
                .map(|(s, m)| m.to_f64() + s / count)
                .collect();
            let var: Vec<f64> = (s1.iter().zip(&s2))
                .map(|(s1, s2)| (s2 / count - (s1 / count).powi(2)).max(0.0))
                .collect();
            (mean, var)
        } else {
            let mean: Vec<f64> = channel_sums(dims, |start, _| plane_total(x, start, n))
                .into_iter()
                .map(|s| s / count)
                .collect();
            let var: Vec<f64> = channel_sums(dims, |start, ci| {
                let plane = &x[start..start + n];
                sum_of(plane, plane, |v, _| (v.to_f64() - mean[ci]).powi(2))
            })
            .into_iter()
            .map(|s| s / count)
            .collect();
            (mean, var)
        };
        let stats = BatchStats {
            mean,
            var,
            count: b * n,
        };
        let rstd = self.rstd(&stats);
        let scale: Vec<f64> = (0..c).map(|ci| gamma[ci].to_f64() * rstd[ci]).collect();
        let shift: Vec<f64> = (0..c)
            .map(|ci| beta[ci].to_f64() - stats.mean[ci] * scale[ci])
            .collect();
        let y = affine_per_channel(x, dims, &scale, &shift, self.leak);
        *self.lock()? = stats;
        Ok(y)
    }
}

impl CustomOp3 for BatchNormOp {
    fn name(&self) -> &'static str {
        "batch-norm"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
        s3: &CpuStorage,
        l3: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (Some((a0, a1)), Some((g0, g1)), Some((b0, b1))) = (
            l1.contiguous_offsets(),
            l2.contiguous_offsets(),
            l3.contiguous_offsets(),
        ) else {
            candle_core::bail!("batch norm needs contiguous inputs");
        };
        let shape = l1.shape().clone();
        let y = match (s1, s2, s3) {
            (CpuStorage::F32(x), CpuStorage::F32(g), CpuStorage::F32(b)) => {
                CpuStorage::F32(self.forward(&x[a0..a1], &shape, &g[g0..g1], &b[b0..b1])?)
            }
            (CpuStorage::F64(x), CpuStorage::F64(g), CpuStorage::F64(b)) => {
                CpuStorage::F64(self.forward(&x[a0..a1], &shape, &g[g0..g1], &b[b0..b1])?)
            }
            _ => candle_core::bail!("batch norm supports f32 and f64 (all the same) only"),
        };
        Ok((y, shape))
    }

    fn bwd(
        &self,
        x: &Tensor,
        gamma: &Tensor,
        _beta: &Tensor,
        res: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        // Through the activation first: its output is positive exactly where its input is.
        let grad = match self.leak {
            Some(slope) => activations::leaky_relu_grad(grad, res, slope)?,
            None => grad.clone(),
        };
        let grad = &grad;
        let stats = self.stats()?;
        let gamma: Vec<f64> = gamma.to_dtype(candle_core::DType::F64)?.to_vec1()?;
        let back = BatchNormBackward {
            rstd: self.rstd(&stats),
            stats,
            gamma,
            channels_last: self.channels_last,
            sums: Arc::default(),
        };
        let dx = x
            .contiguous()?
            .apply_op2_no_bwd(&grad.contiguous()?, &back)?;
        let (d_gamma, d_beta) = back
            .sums
            .lock()
            .map_err(|_| candle_core::Error::Msg("batch norm gradient poisoned".into()))?
            .clone();
        let (device, dtype) = (x.device(), x.dtype());
        let d_gamma = Tensor::new(d_gamma.as_slice(), device)?.to_dtype(dtype)?;
        let d_beta = Tensor::new(d_beta.as_slice(), device)?.to_dtype(dtype)?;
        Ok((Some(dx), Some(d_gamma), Some(d_beta)))
    }
}

/// `(x, output gradient)` → the input gradient of [`BatchNormOp`]; the gradients of
/// γ and β (Σ g·x̂ and Σ g per channel) are left in `sums`.
struct BatchNormBackward {
    stats: BatchStats,
    rstd: Vec<f64>,
    gamma: Vec<f64>,
    channels_last: bool,
    sums: Arc<Mutex<(Vec<f64>, Vec<f64>)>>,
}

impl Binary for BatchNormBackward {
    fn run<T: Real>(
        &self,
        x: &[T],
        xs: &Shape,
        g: &[T],
        gs: &Shape,
    ) -> candle_core::Result<(Vec<T>, Shape)> {
        let dims @ (_, c, _) = norm_dims(xs, self.channels_last)?;
        if xs != gs || self.gamma.len() != c || self.stats.mean.len() != c {
            candle_core::bail!("batch norm backward: gradient {gs:?} does not fit {xs:?}");
        }
        let (mean, rstd) = (&self.stats.mean, &self.rstd);
        let n = self.stats.count.max(1) as f64;
        let plane = dims.2;
        // Σ g, and Σ g·x̂ = r·Σ g·(x − μ).
        let (d_beta, d_gamma) = if plane == 1 {
            // Rows of `c`: both sums in one pass.
            let centre: Vec<T> = mean.iter().map(|&m| T::from_f64(m)).collect();
            let (d_beta, gxm) = column_sum_pairs(g, x, &centre, |g, x, m| (g, g * (x - m)));
            let d_gamma: Vec<f64> = (0..c).map(|ci| rstd[ci] * gxm[ci]).collect();
            (d_beta, d_gamma)
        } else {
            let d_beta = channel_sums(dims, |start, _| plane_total(g, start, plane));
            let gx = channel_sums(dims, |start, _| {
                let (gp, xp) = (&g[start..start + plane], &x[start..start + plane]);
                gp.iter()
                    .zip(xp)
                    .map(|(g, x)| g.to_f64() * x.to_f64())
                    .sum()
            });
            let d_gamma = (0..c)
                .map(|ci| rstd[ci] * (gx[ci] - mean[ci] * d_beta[ci]))
                .collect();
            (d_beta, d_gamma)
        };
        // dx = γr·(g − Σg/n − x̂·Σ(g·x̂)/n), as a·g + b·x + k per channel.
        let mut a = vec![0.0; c];
        let mut bx = vec![0.0; c];
        let mut k = vec![0.0; c];
        for ci in 0..c {
            let gr = self.gamma[ci] * rstd[ci];
            a[ci] = gr;
            bx[ci] = -gr * rstd[ci] * d_gamma[ci] / n;
            k[ci] = gr * rstd[ci] * d_gamma[ci] * mean[ci] / n - gr * d_beta[ci] / n;
        }
        let mut dx = vec![T::default(); x.len()];
        if plane == 1 && c > 0 {
            let row = |v: &[f64]| -> Vec<T> { v.iter().map(|&v| T::from_f64(v)).collect() };
            let (a, bx, k) = (&row(&a), &row(&bx), &row(&k));
            let block = ROWS_PER_TASK * c;
            dx.par_chunks_mut(block)
                .zip(x.par_chunks(block).zip(g.par_chunks(block)))
                .for_each(|(d, (xb, gb))| {
                    let rows = d
                        .chunks_exact_mut(c)
                        .zip(xb.chunks_exact(c).zip(gb.chunks_exact(c)));
                    for (d, (xr, gr)) in rows {
                        let coef = a.iter().zip(bx).zip(k);
                        for (((d, &xv), &gv), ((&a, &bx), &k)) in
                            d.iter_mut().zip(xr).zip(gr).zip(coef)
                        {
                            *d = gv * a + xv * bx + k;
                        }
                    }
                });
        } else if plane > 0 {
            dx.par_chunks_mut(plane)
                .zip(x.par_chunks(plane).zip(g.par_chunks(plane)))
                .enumerate()
                .for_each(|(p, (d, (xp, gp)))| {
                    let ci = p % c;
                    let (a, bx, k) = (T::from_f64(a[ci]), T::from_f64(bx[ci]), T::from_f64(k[ci]));
                    for ((d, &xv), &gv) in d.iter_mut().zip(xp).zip(gp) {
                        *d = gv * a + xv * bx + k;
                    }
                });
        }
        *self
            .sums
            .lock()
            .map_err(|_| candle_core::Error::Msg("batch norm gradient poisoned".into()))? =
            (d_gamma, d_beta);
        Ok((dx, xs.clone()))
    }
}

impl CustomOp2 for BatchNormBackward {
    custom_op2_cpu!("batch-norm-backward");
}
