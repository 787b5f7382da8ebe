//! One LSTM layer over a whole sequence as a single candle custom op, forward and
//! backward written out: per time step one matrix product for the recurrence and
//! one pass over the gates, instead of ~15 tiny tensor ops (and twice that in the
//! backward pass) per step. The input projection and the weight gradient are single
//! large matrix products outside the time loop.
//!
//! Inputs: `xw` `[t, b, 4h]` (the input projection plus bias, gate order input,
//! forget, cell, output as in PyTorch), `w_hh` `[4h, h]` and the initial state
//! `[2, b, h]` (h₀ then c₀; no gradient flows into it: the caller carries detached
//! state). Output: the hidden states `[t, b, h]`; the last cell state is kept on the
//! side ([`FusedLstm::last_cell`]). f32 and f64, CPU.

use std::sync::{Arc, Mutex};

use candle_core::{CpuStorage, CustomOp3, DType, Device, Layout, Shape, Tensor};

use super::kernels::{Real, matmul};

/// Whether to use candle's own tensor ops for the LSTM instead of this op: set
/// `LATENT_STUDIO_CANDLE_LSTM=1` to compare the two (read once per process).
pub fn candle_lstm() -> bool {
    static FLAG: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *FLAG.get_or_init(|| std::env::var("LATENT_STUDIO_CANDLE_LSTM").is_ok_and(|v| v == "1"))
}

/// What the forward pass keeps for the backward pass.
#[derive(Default)]
struct Saved {
    /// Gate activations (i, f, g, o after their non-linearities), `[t, b, 4h]`, in
    /// the op's dtype.
    acts_f32: Vec<f32>,
    acts_f64: Vec<f64>,
    /// Cell states c₁…c_t, `[t, b, h]`.
    cells_f32: Vec<f32>,
    cells_f64: Vec<f64>,
    /// The last cell state, `[b, h]`.
    last_cell: Option<Tensor>,
}

/// The op; keep a clone to read the last cell state after applying it.
#[derive(Clone, Default)]
pub struct FusedLstm {
    saved: Arc<Mutex<Saved>>,
}

impl FusedLstm {
    /// A fresh op (one per application).
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs the layer: hidden states `[t, b, h]`.
    pub fn apply(
        &self,
        xw: &Tensor,
        w_hh: &Tensor,
        state0: &Tensor,
    ) -> candle_core::Result<Tensor> {
        xw.contiguous()?.apply_op3(
            &w_hh.contiguous()?,
            &state0.contiguous()?.detach(),
            self.clone(),
        )
    }

    /// The cell state after the last step, `[b, h]` (no gradient).
    pub fn last_cell(&self) -> candle_core::Result<Tensor> {
        let saved = self
            .saved
            .lock()
            .map_err(|_| candle_core::Error::Msg("poisoned".into()))?;
        saved
            .last_cell
            .clone()
            .ok_or_else(|| candle_core::Error::Msg("the LSTM has not run".into()))
    }
}

/// Sizes of a run: steps, batch, hidden.
#[derive(Clone, Copy)]
struct Dims {
    t: usize,
    b: usize,
    h: usize,
}

fn dims(xw: &Layout, w: &Layout, s: &Layout) -> candle_core::Result<Dims> {
    let (t, b, h4) = xw.shape().dims3()?;
    let (w4, h) = w.shape().dims2()?;
    let (two, sb, sh) = s.shape().dims3()?;
    if h4 != 4 * h || w4 != 4 * h || two != 2 || sb != b || sh != h {
        candle_core::bail!(
            "fused LSTM: xw {:?}, w_hh {:?} and state {:?} do not fit",
            xw.shape(),
            w.shape(),
            s.shape()
        );
    }
    Ok(Dims { t, b, h })
}

fn slice<'a, T>(v: &'a [T], l: &Layout) -> candle_core::Result<&'a [T]> {
    match l.contiguous_offsets() {
        Some((a, b)) => Ok(&v[a..b]),
        None => candle_core::bail!("fused LSTM needs contiguous inputs"),
    }
}

/// The forward pass: hidden states `[t, b, h]`, gate activations and cell states.
fn forward<T: Real>(d: Dims, xw: &[T], w_hh: &[T], state0: &[T]) -> (Vec<T>, Vec<T>, Vec<T>) {
    let Dims { t, b, h } = d;
    let mut hs = vec![T::default(); t * b * h];
    let mut acts = vec![T::default(); t * b * 4 * h];
    let mut cells = vec![T::default(); t * b * h];
    let mut gates = vec![T::default(); b * 4 * h];
    // w_hhᵀ [h, 4h], row-major: the recurrent product then reads both sides in order.
    let mut w_t = vec![T::default(); h * 4 * h];
    for (row, w_row) in w_hh.chunks(h).enumerate() {
        for (col, &v) in w_row.iter().enumerate() {
            w_t[col * 4 * h + row] = v;
        }
    }
    for s in 0..t {
        gates.copy_from_slice(&xw[s * b * 4 * h..(s + 1) * b * 4 * h]);
        let h_prev = if s == 0 {
            &state0[..b * h]
        } else {
            &hs[(s - 1) * b * h..s * b * h]
        };
        // gates += h_prev [b, h] · w_hhᵀ [h, 4h]
        matmul(
            &mut gates,
            (b, 4 * h, h),
            h_prev,
            (h, 1),
            &w_t,
            (4 * h, 1),
            true,
        );
        let h_out = &mut hs[s * b * h..(s + 1) * b * h];
        let (cells_done, cells_rest) = cells.split_at_mut(s * b * h);
        let c_prev = if s == 0 {
            &state0[b * h..2 * b * h]
        } else {
            &cells_done[(s - 1) * b * h..]
        };
        let c_out = &mut cells_rest[..b * h];
        // Activations in place, one pass per gate block: i, f, o by σ and g by tanh.
        let a = &mut acts[s * b * 4 * h..(s + 1) * b * 4 * h];
        a.copy_from_slice(&gates);
        for row in a.chunks_mut(4 * h) {
            T::sigmoid_all(&mut row[..2 * h]);
            T::tanh_all(&mut row[2 * h..3 * h]);
            T::sigmoid_all(&mut row[3 * h..]);
        }
        for r in 0..b {
            let a = &a[r * 4 * h..(r + 1) * 4 * h];
            for j in 0..h {
                c_out[r * h + j] = a[h + j] * c_prev[r * h + j] + a[j] * a[2 * h + j];
            }
        }
        // h = o · tanh(c)
        h_out.copy_from_slice(c_out);
        T::tanh_all(h_out);
        for r in 0..b {
            let o = &a[r * 4 * h + 3 * h..(r + 1) * 4 * h];
            for j in 0..h {
                h_out[r * h + j] = o[j] * h_out[r * h + j];
            }
        }
    }
    (hs, acts, cells)
}

/// The backward pass: gradients of the pre-activation gates (= of `xw`) `[t, b, 4h]`
/// and of `w_hh` `[4h, h]`, given the gradient of the hidden states.
#[allow(clippy::too_many_arguments)]
fn backward<T: Real>(
    d: Dims,
    w_hh: &[T],
    state0: &[T],
    hs: &[T],
    acts: &[T],
    cells: &[T],
    grad_hs: &[T],
) -> (Vec<T>, Vec<T>) {
    let Dims { t, b, h } = d;
    let mut d_gates = vec![T::default(); t * b * 4 * h];
    let mut dh_next = vec![T::default(); b * h];
    let mut dc_next = vec![T::default(); b * h];
    let mut tanh_c = vec![T::default(); b * h];
    let one = T::from_f64(1.0);
    for s in (0..t).rev() {
        let a = &acts[s * b * 4 * h..(s + 1) * b * 4 * h];
        let c = &cells[s * b * h..(s + 1) * b * h];
        let c_prev = if s == 0 {
            &state0[b * h..2 * b * h]
        } else {
            &cells[(s - 1) * b * h..s * b * h]
        };
        let grad = &grad_hs[s * b * h..(s + 1) * b * h];
        tanh_c.copy_from_slice(c);
        T::tanh_all(&mut tanh_c);
        let dg = &mut d_gates[s * b * 4 * h..(s + 1) * b * 4 * h];
        for r in 0..b {
            let (a, row) = (
                &a[r * 4 * h..(r + 1) * 4 * h],
                &mut dg[r * 4 * h..(r + 1) * 4 * h],
            );
            let (ai, rest) = a.split_at(h);
            let (af, rest) = rest.split_at(h);
            let (ag, ao) = rest.split_at(h);
            let (di, rest) = row.split_at_mut(h);
            let (df, rest) = rest.split_at_mut(h);
            let (dgg, d_o) = rest.split_at_mut(h);
            let span = r * h..(r + 1) * h;
            let (grad, dh_n) = (&grad[span.clone()], &dh_next[span.clone()]);
            let (tc, cp) = (&tanh_c[span.clone()], &c_prev[span.clone()]);
            let dc_n = &mut dc_next[span];
            for j in 0..h {
                let (i, f, g, o) = (ai[j], af[j], ag[j], ao[j]);
                let dh = grad[j] + dh_n[j];
                let dc = dh * o * (one - tc[j] * tc[j]) + dc_n[j];
                d_o[j] = dh * tc[j] * o * (one - o);
                di[j] = dc * g * i * (one - i);
                df[j] = dc * cp[j] * f * (one - f);
                dgg[j] = dc * i * (one - g * g);
                dc_n[j] = dc * f;
            }
        }
        // dh_{s−1} = dgates [b, 4h] · w_hh [4h, h]
        matmul(
            &mut dh_next,
            (b, h, 4 * h),
            dg,
            (4 * h, 1),
            w_hh,
            (h, 1),
            false,
        );
    }
    // dW_hh [4h, h] = Σ_s dgatesₛᵀ [4h, b] · h_{s−1} [b, h]: one product over all steps.
    let mut h_prev = Vec::with_capacity(t * b * h);
    h_prev.extend_from_slice(&state0[..b * h]);
    h_prev.extend_from_slice(&hs[..(t - 1) * b * h]);
    let mut d_w = vec![T::default(); 4 * h * h];
    matmul(
        &mut d_w,
        (4 * h, h, t * b),
        &d_gates,
        (1, 4 * h),
        &h_prev,
        (h, 1),
        false,
    );
    (d_gates, d_w)
}

impl CustomOp3 for FusedLstm {
    fn name(&self) -> &'static str {
        "fused-lstm"
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
        let d = dims(l1, l2, l3)?;
        let mut saved = self
            .saved
            .lock()
            .map_err(|_| candle_core::Error::Msg("poisoned".into()))?;
        let shape = Shape::from((d.t, d.b, d.h));
        let last = |cells_len: usize| (cells_len - d.b * d.h)..cells_len;
        match (s1, s2, s3) {
            (CpuStorage::F32(x), CpuStorage::F32(w), CpuStorage::F32(s)) => {
                let (hs, acts, cells) = forward(d, slice(x, l1)?, slice(w, l2)?, slice(s, l3)?);
                let c = cells[last(cells.len())].to_vec();
                saved.last_cell = Some(Tensor::from_vec(c, (d.b, d.h), &Device::Cpu)?);
                saved.acts_f32 = acts;
                saved.cells_f32 = cells;
                Ok((CpuStorage::F32(hs), shape))
            }
            (CpuStorage::F64(x), CpuStorage::F64(w), CpuStorage::F64(s)) => {
                let (hs, acts, cells) = forward(d, slice(x, l1)?, slice(w, l2)?, slice(s, l3)?);
                let c = cells[last(cells.len())].to_vec();
                saved.last_cell = Some(Tensor::from_vec(c, (d.b, d.h), &Device::Cpu)?);
                saved.acts_f64 = acts;
                saved.cells_f64 = cells;
                Ok((CpuStorage::F64(hs), shape))
            }
            _ => candle_core::bail!("fused LSTM: f32 or f64 inputs, all alike"),
        }
    }

    fn bwd(
        &self,
        _xw: &Tensor,
        w_hh: &Tensor,
        state0: &Tensor,
        res: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let (t, b, h) = res.dims3()?;
        let d = Dims { t, b, h };
        let saved = self
            .saved
            .lock()
            .map_err(|_| candle_core::Error::Msg("poisoned".into()))?;
        let (dx, dw) = match res.dtype() {
            DType::F32 => {
                let (dx, dw) = backward(
                    d,
                    &w_hh.flatten_all()?.to_vec1::<f32>()?,
                    &state0.flatten_all()?.to_vec1::<f32>()?,
                    &res.flatten_all()?.to_vec1::<f32>()?,
                    &saved.acts_f32,
                    &saved.cells_f32,
                    &grad.contiguous()?.flatten_all()?.to_vec1::<f32>()?,
                );
                (
                    Tensor::from_vec(dx, (t, b, 4 * h), &Device::Cpu)?,
                    Tensor::from_vec(dw, (4 * h, h), &Device::Cpu)?,
                )
            }
            DType::F64 => {
                let (dx, dw) = backward(
                    d,
                    &w_hh.flatten_all()?.to_vec1::<f64>()?,
                    &state0.flatten_all()?.to_vec1::<f64>()?,
                    &res.flatten_all()?.to_vec1::<f64>()?,
                    &saved.acts_f64,
                    &saved.cells_f64,
                    &grad.contiguous()?.flatten_all()?.to_vec1::<f64>()?,
                );
                (
                    Tensor::from_vec(dx, (t, b, 4 * h), &Device::Cpu)?,
                    Tensor::from_vec(dw, (4 * h, h), &Device::Cpu)?,
                )
            }
            other => candle_core::bail!("fused LSTM: no backward for {other:?}"),
        };
        Ok((Some(dx), Some(dw), None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{DType, Var};

    /// The layer in candle's own ops: the reference.
    fn reference(
        xw: &Tensor,
        w_hh: &Tensor,
        state0: &Tensor,
    ) -> candle_core::Result<(Tensor, Tensor)> {
        let (t, _, h4) = xw.dims3()?;
        let h = h4 / 4;
        let (mut hh, mut c) = (state0.get(0)?, state0.get(1)?);
        let mut out = Vec::new();
        for s in 0..t {
            let g = (xw.get(s)? + hh.matmul(&w_hh.t()?)?)?;
            let i = candle_nn::ops::sigmoid(&g.narrow(1, 0, h)?)?;
            let f = candle_nn::ops::sigmoid(&g.narrow(1, h, h)?)?;
            let gg = g.narrow(1, 2 * h, h)?.tanh()?;
            let o = candle_nn::ops::sigmoid(&g.narrow(1, 3 * h, h)?)?;
            c = ((f * &c)? + (i * gg)?)?;
            hh = (o * c.tanh()?)?;
            out.push(hh.clone());
        }
        Ok((Tensor::stack(&out, 0)?, c))
    }

    /// Random inputs of `dtype`: xw `[t, b, 4h]`, w_hh `[4h, h]`, state `[2, b, h]`,
    /// and weights `r` for the loss Σ r·hs.
    fn inputs(dtype: DType) -> candle_core::Result<(Var, Var, Tensor, Tensor)> {
        let (t, b, h) = (5, 3, 4);
        let d = &Device::Cpu;
        let xw = Var::from_tensor(&Tensor::randn(0f64, 1.0, (t, b, 4 * h), d)?.to_dtype(dtype)?)?;
        let w = Var::from_tensor(&Tensor::randn(0f64, 0.5, (4 * h, h), d)?.to_dtype(dtype)?)?;
        let s = Tensor::randn(0f64, 0.5, (2, b, h), d)?.to_dtype(dtype)?;
        let r = Tensor::randn(0f64, 1.0, (t, b, h), d)?.to_dtype(dtype)?;
        Ok((xw, w, s, r))
    }

    fn max_diff(a: &Tensor, b: &Tensor) -> f64 {
        (a - b)
            .and_then(|d| {
                d.abs()?
                    .flatten_all()?
                    .max(0)?
                    .to_dtype(DType::F64)?
                    .to_scalar::<f64>()
            })
            .unwrap_or(f64::INFINITY)
    }

    #[test]
    fn matches_candles_own_ops_in_f32_and_f64() -> candle_core::Result<()> {
        for (dtype, tol) in [(DType::F32, 1e-5), (DType::F64, 1e-12)] {
            let (xw, w, s, r) = inputs(dtype)?;
            let op = FusedLstm::new();
            let fused = op.apply(xw.as_tensor(), w.as_tensor(), &s)?;
            let (want, last_cell) = reference(xw.as_tensor(), w.as_tensor(), &s)?;
            assert!(max_diff(&fused, &want) < tol, "{dtype:?} forward");
            assert!(
                max_diff(&op.last_cell()?, &last_cell) < tol,
                "{dtype:?} last cell"
            );
            let g1 = (fused * &r)?.sum_all()?.backward()?;
            let g2 = (want * &r)?.sum_all()?.backward()?;
            for v in [&xw, &w] {
                let (a, b) = (g1.get(v).expect("grad"), g2.get(v).expect("grad"));
                assert!(max_diff(a, b) < tol * 10.0, "{dtype:?} gradient");
            }
        }
        Ok(())
    }

    #[test]
    fn gradients_match_finite_differences() -> candle_core::Result<()> {
        let (xw, w, s, r) = inputs(DType::F64)?;
        let loss = |xw: &Tensor, w: &Tensor| -> candle_core::Result<f64> {
            (FusedLstm::new().apply(xw, w, &s)? * &r)?
                .sum_all()?
                .to_scalar::<f64>()
        };
        let grads = (FusedLstm::new().apply(xw.as_tensor(), w.as_tensor(), &s)? * &r)?
            .sum_all()?
            .backward()?;
        let eps = 1e-6;
        for (var, which) in [(&w, 0), (&xw, 1)] {
            let g = grads
                .get(var)
                .expect("grad")
                .flatten_all()?
                .to_vec1::<f64>()?;
            let base = var.as_tensor().flatten_all()?.to_vec1::<f64>()?;
            for k in (0..base.len()).step_by(7) {
                let shifted = |delta: f64| -> candle_core::Result<f64> {
                    let mut v = base.clone();
                    v[k] += delta;
                    let t = Tensor::from_vec(v, var.as_tensor().shape(), &Device::Cpu)?;
                    if which == 0 {
                        loss(xw.as_tensor(), &t)
                    } else {
                        loss(&t, w.as_tensor())
                    }
                };
                let numeric = (shifted(eps)? - shifted(-eps)?) / (2.0 * eps);
                assert!(
                    (numeric - g[k]).abs() < 1e-6 * (1.0 + numeric.abs()),
                    "element {k}: finite difference {numeric}, backward {}",
                    g[k]
                );
            }
        }
        Ok(())
    }
}
