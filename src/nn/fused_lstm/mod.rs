//! One LSTM layer over a whole sequence as a single candle custom op, forward and
//! backward written out: per time step one matrix product for the recurrence and
//! one pass over the gates, instead of ~15 tiny tensor ops (and twice that in the
//! backward pass) per step. The input projection (with its bias) and the weight
//! gradients are single large matrix products outside the time loop, inside the op:
//! the projected inputs `[t, b, 4h]`, four times the size of the hidden states, never
//! become a tensor of the graph, so candle's backward pass never allocates, adds or
//! reduces their gradient.
//!
//! Inputs: `x` `[t, b, e]`, the weights `W_ih` `[4h, e]`, `W_hh` `[4h, h]` and the bias
//! `[4h]` (gate order input, forget, cell, output as in PyTorch), and the initial
//! state `[2, b, h]` (h₀ then c₀; no gradient flows into it: the caller carries
//! detached state). Output: the hidden states `[t, b, h]`; the last cell state is kept
//! on the side ([`FusedLstm::last_cell`]). f32 and f64, CPU.

use std::sync::{Arc, Mutex};

use candle_core::{CpuStorage, CustomOp3, DType, Device, Layout, Shape, Tensor};

mod passes;

use passes::{backward, dims, forward, slice};

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

    /// Runs the layer on `x` `[t, b, e]`: hidden states `[t, b, h]`.
    pub fn apply(
        &self,
        x: &Tensor,
        w_ih: &Tensor,
        w_hh: &Tensor,
        bias: &Tensor,
        state0: &Tensor,
    ) -> candle_core::Result<Tensor> {
        // One weight matrix [W_ih | W_hh | b], [4h, e + h + 1], so that the op has three
        // inputs (candle's limit); the concatenation's backward splits the gradient.
        let rows = w_ih.dim(0)?;
        let w = Tensor::cat(&[w_ih, w_hh, &bias.reshape((rows, 1))?], 1)?;
        x.contiguous()?
            .apply_op3(&w, &state0.contiguous()?.detach(), self.clone())
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
        let d = dims(l1.shape(), l2.shape(), l3.shape())?;
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
        x: &Tensor,
        w: &Tensor,
        state0: &Tensor,
        res: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let d = dims(x.shape(), w.shape(), state0.shape())?;
        let (t, b, e, cols) = (d.t, d.b, d.e, d.cols());
        let saved = self
            .saved
            .lock()
            .map_err(|_| candle_core::Error::Msg("poisoned".into()))?;
        let (dx, dw) = match res.dtype() {
            DType::F32 => {
                let (dx, dw) = backward(
                    d,
                    &x.flatten_all()?.to_vec1::<f32>()?,
                    &w.flatten_all()?.to_vec1::<f32>()?,
                    &state0.flatten_all()?.to_vec1::<f32>()?,
                    &res.flatten_all()?.to_vec1::<f32>()?,
                    &saved.acts_f32,
                    &saved.cells_f32,
                    &grad.contiguous()?.flatten_all()?.to_vec1::<f32>()?,
                );
                (
                    Tensor::from_vec(dx, (t, b, e), &Device::Cpu)?,
                    Tensor::from_vec(dw, (4 * d.h, cols), &Device::Cpu)?,
                )
            }
            DType::F64 => {
                let (dx, dw) = backward(
                    d,
                    &x.flatten_all()?.to_vec1::<f64>()?,
                    &w.flatten_all()?.to_vec1::<f64>()?,
                    &state0.flatten_all()?.to_vec1::<f64>()?,
                    &res.flatten_all()?.to_vec1::<f64>()?,
                    &saved.acts_f64,
                    &saved.cells_f64,
                    &grad.contiguous()?.flatten_all()?.to_vec1::<f64>()?,
                );
                (
                    Tensor::from_vec(dx, (t, b, e), &Device::Cpu)?,
                    Tensor::from_vec(dw, (4 * d.h, cols), &Device::Cpu)?,
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
        x: &Tensor,
        [w_ih, w_hh, bias]: [&Tensor; 3],
        state0: &Tensor,
    ) -> candle_core::Result<(Tensor, Tensor)> {
        let (t, b, e) = x.dims3()?;
        let h = w_hh.dim(1)?;
        let xw = x
            .reshape((t * b, e))?
            .matmul(&w_ih.t()?)?
            .broadcast_add(bias)?
            .reshape((t, b, 4 * h))?;
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

    /// Random inputs of `dtype`: x `[t, b, e]`, the weights W_ih `[4h, e]`, W_hh
    /// `[4h, h]` and bias `[4h]`, the state `[2, b, h]`, and weights `r` for the
    /// loss Σ r·hs.
    fn inputs(dtype: DType) -> candle_core::Result<(Var, [Var; 3], Tensor, Tensor)> {
        let (t, b, h, e) = (5, 3, 4, 6);
        let d = &Device::Cpu;
        // Seeded draws: the same inputs every run.
        let normal = |seed: u64, std: f64, shape: &[usize]| -> candle_core::Result<Tensor> {
            crate::nn::rng::normal_tensor(seed, std, shape, d)?.to_dtype(dtype)
        };
        let var = |seed: u64, std: f64, shape: &[usize]| -> candle_core::Result<Var> {
            Var::from_tensor(&normal(seed, std, shape)?)
        };
        let x = var(1, 1.0, &[t, b, e])?;
        let ws = [
            var(2, 0.5, &[4 * h, e])?,
            var(3, 0.5, &[4 * h, h])?,
            var(4, 0.5, &[4 * h])?,
        ];
        let s = normal(5, 0.5, &[2, b, h])?;
        let r = normal(6, 1.0, &[t, b, h])?;
        Ok((x, ws, s, r))
    }

    fn fused(x: &Tensor, [w_ih, w_hh, bias]: [&Tensor; 3], s: &Tensor) -> (FusedLstm, Tensor) {
        let op = FusedLstm::new();
        let hs = op.apply(x, w_ih, w_hh, bias, s).expect("fused");
        (op, hs)
    }

    fn tensors(ws: &[Var; 3]) -> [&Tensor; 3] {
        [ws[0].as_tensor(), ws[1].as_tensor(), ws[2].as_tensor()]
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
        // One thread runs the batch as one block; three split its 3 rows three ways.
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .map_err(candle_core::Error::wrap)?;
            pool.install(matches_candle)?;
        }
        Ok(())
    }

    fn matches_candle() -> candle_core::Result<()> {
        for (dtype, tol) in [(DType::F32, 1e-5), (DType::F64, 1e-12)] {
            let (x, ws, s, r) = inputs(dtype)?;
            let (op, hs) = fused(x.as_tensor(), tensors(&ws), &s);
            let (want, last_cell) = reference(x.as_tensor(), tensors(&ws), &s)?;
            assert!(max_diff(&hs, &want) < tol, "{dtype:?} forward");
            assert!(
                max_diff(&op.last_cell()?, &last_cell) < tol,
                "{dtype:?} last cell"
            );
            let g1 = (hs * &r)?.sum_all()?.backward()?;
            let g2 = (want * &r)?.sum_all()?.backward()?;
            for (which, v) in [&x, &ws[0], &ws[1], &ws[2]].into_iter().enumerate() {
                let (a, b) = (g1.get(v).expect("grad"), g2.get(v).expect("grad"));
                assert!(max_diff(a, b) < tol * 10.0, "{dtype:?} gradient {which}");
            }
        }
        Ok(())
    }

    #[test]
    fn gradients_match_finite_differences() -> candle_core::Result<()> {
        let (x, ws, s, r) = inputs(DType::F64)?;
        let vars = [&x, &ws[0], &ws[1], &ws[2]];
        // The loss with input `which` replaced by `t`.
        let loss = |which: usize, t: &Tensor| -> candle_core::Result<f64> {
            let mut all: Vec<&Tensor> = vars.iter().map(|v| v.as_tensor()).collect();
            all[which] = t;
            (fused(all[0], [all[1], all[2], all[3]], &s).1 * &r)?
                .sum_all()?
                .to_scalar::<f64>()
        };
        let grads = (fused(x.as_tensor(), tensors(&ws), &s).1 * &r)?
            .sum_all()?
            .backward()?;
        let eps = 1e-6;
        for (which, var) in vars.iter().enumerate() {
            let g = grads
                .get(var)
                .expect("grad")
                .flatten_all()?
                .to_vec1::<f64>()?;
            let base = var.as_tensor().flatten_all()?.to_vec1::<f64>()?;
            for k in (0..base.len()).step_by(5) {
                let shifted = |delta: f64| -> candle_core::Result<f64> {
                    let mut v = base.clone();
                    v[k] += delta;
                    loss(
                        which,
                        &Tensor::from_vec(v, var.as_tensor().shape(), &Device::Cpu)?,
                    )
                };
                let numeric = (shifted(eps)? - shifted(-eps)?) / (2.0 * eps);
                assert!(
                    (numeric - g[k]).abs() < 1e-6 * (1.0 + numeric.abs()),
                    "input {which}, element {k}: finite difference {numeric}, backward {}",
                    g[k]
                );
            }
        }
        Ok(())
    }
}
