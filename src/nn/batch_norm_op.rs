//! Batch normalisation over `[b, c, …]` (or channels-last) maps as one candle custom
//! op, forward and backward written out, each one pass over the data in parallel
//! (with its ReLU, if asked, in the same pass).

use std::sync::{Arc, Mutex};

use candle_core::{CpuStorage, CustomOp2, CustomOp3, Layout, Shape, Tensor};
use rayon::prelude::*;

use super::activations;
use super::channel_ops::{
    ROWS_PER_TASK, affine_per_channel, channel_dims, channel_sums, column_sum_pairs, plane_total,
    sum_of,
};
use super::kernels::{Binary, Real, custom_op2_cpu};

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
