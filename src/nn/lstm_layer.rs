//! One LSTM layer over a sequence, as the sentence models use it: on the CPU the
//! [`FusedLstm`] op, elsewhere (or with `LATENT_STUDIO_CANDLE_LSTM=1`) candle's own
//! ops, one product per step. Gate order input, forget, cell, output (PyTorch's).
//! No gradient flows into the initial state.

use candle_core::{D, Device, Tensor};

use super::fused_lstm::{FusedLstm, candle_lstm};
use super::params::ParamStore;
use super::rng::SeededRng;
use crate::Result;

/// A layer's weights.
#[derive(Clone, Debug)]
pub struct LstmLayer {
    /// `[4h, in]`.
    pub w_ih: Tensor,
    /// `[4h, h]`.
    pub w_hh: Tensor,
    /// `[4h]`.
    pub bias: Tensor,
}

/// Hidden and cell state, each `[b, h]`.
#[derive(Clone, Debug)]
pub struct LstmCarry {
    /// Hidden state.
    pub h: Tensor,
    /// Cell state.
    pub c: Tensor,
}

impl LstmLayer {
    /// Registers `{name}.w_ih`, `{name}.w_hh`, `{name}.bias`, uniform in ±1/√hidden.
    pub fn new(
        name: &str,
        input: usize,
        hidden: usize,
        params: &mut ParamStore,
        rng: &mut SeededRng,
        device: &Device,
    ) -> Result<Self> {
        let bound = 1.0 / (hidden as f32).sqrt();
        let h4 = 4 * hidden;
        Ok(Self {
            w_ih: params.uniform(&format!("{name}.w_ih"), &[h4, input], bound, rng, device)?,
            w_hh: params.uniform(&format!("{name}.w_hh"), &[h4, hidden], bound, rng, device)?,
            bias: params.uniform(&format!("{name}.bias"), &[h4], bound, rng, device)?,
        })
    }

    /// Units.
    pub fn hidden(&self) -> usize {
        self.w_hh.dims()[1]
    }

    /// Zeros for `b` streams.
    pub fn zeros(&self, b: usize, device: &Device) -> Result<LstmCarry> {
        let z = Tensor::zeros((b, self.hidden()), candle_core::DType::F32, device)?;
        Ok(LstmCarry { h: z.clone(), c: z })
    }

    /// Hidden states `[t, b, h]` for inputs `x` `[t, b, in]`, and the state after
    /// the last step (without gradient).
    pub fn run(&self, x: &Tensor, from: &LstmCarry) -> Result<(Tensor, LstmCarry)> {
        if x.device().is_cpu() && !candle_lstm() {
            let op = FusedLstm::new();
            let state0 = Tensor::stack(&[&from.h, &from.c], 0)?;
            let hs = op.apply(x, &self.w_ih, &self.w_hh, &self.bias, &state0)?;
            let t = hs.dim(0)?;
            let last = LstmCarry {
                h: hs.get(t - 1)?.detach(),
                c: op.last_cell()?,
            };
            return Ok((hs, last));
        }
        self.run_reference(x, from)
    }

    /// [`LstmLayer::run`] in candle's ops: the reference the fused path is tested against.
    pub fn run_reference(&self, x: &Tensor, from: &LstmCarry) -> Result<(Tensor, LstmCarry)> {
        let t = x.dim(0)?;
        let h = self.hidden();
        let w = Tensor::cat(&[&self.w_ih, &self.w_hh], 1)?.t()?;
        let (mut hh, mut c) = (from.h.detach(), from.c.detach());
        let mut hs = Vec::with_capacity(t);
        for step in 0..t {
            let gates = Tensor::cat(&[&x.get(step)?, &hh], 1)?
                .matmul(&w)?
                .broadcast_add(&self.bias)?;
            let i = candle_nn::ops::sigmoid(&gates.narrow(D::Minus1, 0, h)?)?;
            let f = candle_nn::ops::sigmoid(&gates.narrow(D::Minus1, h, h)?)?;
            let g = gates.narrow(D::Minus1, 2 * h, h)?.tanh()?;
            let o = candle_nn::ops::sigmoid(&gates.narrow(D::Minus1, 3 * h, h)?)?;
            c = ((f * c)? + (i * g)?)?;
            hh = (o * c.tanh()?)?;
            hs.push(hh.clone());
        }
        let last = LstmCarry {
            h: hh.detach(),
            c: c.detach(),
        };
        Ok((Tensor::stack(&hs, 0)?, last))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn the_fused_and_the_reference_layer_agree_with_their_gradients() -> Result<()> {
        let d = Device::Cpu;
        let mut params = ParamStore::new();
        let mut rng = SeededRng::seed_from_u64(5);
        let layer = LstmLayer::new("l", 6, 8, &mut params, &mut rng, &d)?;
        let x =
            candle_core::Var::from_tensor(&crate::nn::rng::normal_tensor(1, 1.0, &[5, 3, 6], &d)?)?;
        let start = LstmCarry {
            h: (Tensor::ones((3, 8), candle_core::DType::F32, &d)? * 0.3)?,
            c: (Tensor::ones((3, 8), candle_core::DType::F32, &d)? * -0.2)?,
        };
        let (a, la) = layer.run(x.as_tensor(), &start)?;
        let (b, lb) = layer.run_reference(x.as_tensor(), &start)?;
        let diff = |p: &Tensor, q: &Tensor| -> Result<f32> {
            Ok((p - q)?.abs()?.flatten_all()?.max(0)?.to_scalar::<f32>()?)
        };
        assert!(diff(&a, &b)? < 1e-5);
        assert!(diff(&la.c, &lb.c)? < 1e-5 && diff(&la.h, &lb.h)? < 1e-5);
        let weights = crate::nn::rng::normal_tensor(2, 1.0, &[5, 3, 8], &d)?;
        let ga = (a * &weights)?.sum_all()?.backward()?;
        let gb = (b * &weights)?.sum_all()?.backward()?;
        let (gxa, gxb) = (ga.get(&x).expect("x"), gb.get(&x).expect("x"));
        assert!(diff(gxa, gxb)? < 1e-4);
        let (gwa, gwb) = (
            ga.get(&layer.w_hh).expect("w"),
            gb.get(&layer.w_hh).expect("w"),
        );
        assert!(diff(gwa, gwb)? < 1e-4);
        Ok(())
    }
}
