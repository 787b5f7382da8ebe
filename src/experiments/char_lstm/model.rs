//! The network: embedding → LSTM layers → linear, the shapes of the PyTorch twin
//! `torch_charlstm.py` (embedding 64, one LSTM of 256, vocabulary 64) by default.
//! It knows nothing of corpora: a run folder's checkpoint alone rebuilds it.

use candle_core::{D, Device, Module, Tensor};
use candle_nn::Embedding;
use crate::nn::rng::SeededRng;

use super::spec::CharLstmModel;
use super::stepper::Stepper;
use crate::Result;
use crate::nn::dense::Dense;
use crate::nn::fused_lstm::{FusedLstm, candle_lstm};
use crate::nn::params::ParamStore;

/// One LSTM layer, PyTorch's gate order (input, forget, cell, output).
struct LstmLayer {
    /// `[4h, in]`.
    w_ih: Tensor,
    /// `[4h, h]`.
    w_hh: Tensor,
    /// `[4h]` (PyTorch's two biases in one).
    bias: Tensor,
}

/// The hidden and cell state of every layer, each `[b, h]`.
#[derive(Clone)]
pub struct LstmState {
    /// Hidden states.
    pub h: Vec<Tensor>,
    /// Cell states.
    pub c: Vec<Tensor>,
}

impl LstmState {
    /// The state with gradients cut (truncated back-propagation through time).
    pub fn detach(&self) -> Self {
        Self {
            h: self.h.iter().map(Tensor::detach).collect(),
            c: self.c.iter().map(Tensor::detach).collect(),
        }
    }
}

/// The character model.
pub struct CharNet {
    embed: Embedding,
    layers: Vec<LstmLayer>,
    head: Dense,
    hidden: usize,
    /// Symbols in the vocabulary.
    pub vocab: usize,
}

impl CharNet {
    /// Registers `embed`, `lstm.{i}.*` and `head.*` in `params`, initialised as
    /// PyTorch does (embedding N(0, 1); the rest uniform in ±1/√hidden).
    pub fn new(
        spec: &CharLstmModel,
        vocab: usize,
        params: &mut ParamStore,
        rng: &mut SeededRng,
        device: &Device,
    ) -> Result<Self> {
        let (e, h) = (spec.embedding, spec.hidden);
        let table = params.normal("embed.weight", &[vocab, e], 1.0, rng, device)?;
        let bound = 1.0 / (h as f32).sqrt();
        let mut layers = Vec::with_capacity(spec.layers);
        for i in 0..spec.layers {
            let input = if i == 0 { e } else { h };
            layers.push(LstmLayer {
                w_ih: params.uniform(
                    &format!("lstm.{i}.w_ih"),
                    &[4 * h, input],
                    bound,
                    rng,
                    device,
                )?,
                w_hh: params.uniform(&format!("lstm.{i}.w_hh"), &[4 * h, h], bound, rng, device)?,
                bias: params.uniform(&format!("lstm.{i}.bias"), &[4 * h], bound, rng, device)?,
            });
        }
        let head = Dense::new(
            params.uniform("head.weight", &[vocab, h], bound, rng, device)?,
            Some(params.uniform("head.bias", &[vocab], bound, rng, device)?),
        );
        Ok(Self {
            embed: Embedding::new(table, e),
            layers,
            head,
            hidden: h,
            vocab,
        })
    }

    /// The weights copied out for generating text one character at a time
    /// ([`Stepper`]: no tensors per step).
    pub fn stepper(&self) -> Result<Stepper> {
        let layers: Vec<_> = (self.layers.iter())
            .map(|l| (&l.w_ih, &l.w_hh, &l.bias))
            .collect();
        let head = (self.head.weight(), self.head.bias());
        let Some(bias) = head.1 else {
            return Err(crate::StudioError::Checkpoint(
                "the character model's head has no bias".into(),
            ));
        };
        Stepper::new(self.embed.embeddings(), &layers, (head.0, bias))
    }

    /// Zeros for `b` streams.
    pub fn zero_state(&self, b: usize, device: &Device) -> Result<LstmState> {
        let z = Tensor::zeros((b, self.hidden), candle_core::DType::F32, device)?;
        Ok(LstmState {
            h: vec![z.clone(); self.layers.len()],
            c: vec![z; self.layers.len()],
        })
    }

    /// Logits `[b, t, vocab]` for symbols `[b, t]` (u32), starting from `state`;
    /// returns the state after the last step too. On the CPU each layer is one
    /// [`FusedLstm`] op; elsewhere (or with `LATENT_STUDIO_CANDLE_LSTM=1`) candle's
    /// tensor ops ([`CharNet::forward_reference`]).
    pub fn forward(&self, ids: &Tensor, state: &LstmState) -> Result<(Tensor, LstmState)> {
        if ids.device().is_cpu() && !candle_lstm() {
            self.forward_fused(ids, state)
        } else {
            self.forward_reference(ids, state)
        }
    }

    /// [`CharNet::forward`] with one fused op per layer.
    pub fn forward_fused(&self, ids: &Tensor, state: &LstmState) -> Result<(Tensor, LstmState)> {
        let (b, t) = ids.dims2()?;
        let h = self.hidden;
        // Time-major: [t·b, e].
        let mut x = self.embed.forward(&ids.t()?.contiguous()?.flatten_all()?)?;
        let mut next = LstmState {
            h: Vec::with_capacity(self.layers.len()),
            c: Vec::with_capacity(self.layers.len()),
        };
        for (l, layer) in self.layers.iter().enumerate() {
            // The input projection runs inside the op, one product for every step.
            let state0 = Tensor::stack(&[&state.h[l], &state.c[l]], 0)?; // [2, b, h]
            let op = FusedLstm::new();
            let steps = x.reshape((t, b, ()))?;
            let hs = op.apply(&steps, &layer.w_ih, &layer.w_hh, &layer.bias, &state0)?; // [t, b, h]
            next.h.push(hs.get(t - 1)?);
            next.c.push(op.last_cell()?);
            x = hs.reshape((t * b, h))?;
        }
        let logits = self
            .head
            .forward(&x)?
            .reshape((t, b, self.vocab))?
            .transpose(0, 1)?
            .contiguous()?;
        Ok((logits, next))
    }

    /// [`CharNet::forward`] in candle's own tensor ops: the reference the fused op
    /// is tested against, and the path for devices other than the CPU.
    ///
    /// Time steps are kept as separate tensors: narrowing one big `[b, t, ·]` tensor
    /// per step would make the backward pass allocate a zero tensor of its whole size
    /// for every step (candle's `narrow` backward).
    pub fn forward_reference(
        &self,
        ids: &Tensor,
        state: &LstmState,
    ) -> Result<(Tensor, LstmState)> {
        let (b, t) = ids.dims2()?;
        let mut xs = Vec::with_capacity(t);
        for step in 0..t {
            xs.push(self.embed.forward(&ids.narrow(1, step, 1)?.squeeze(1)?)?); // [b, e]
        }
        let mut next = LstmState {
            h: Vec::with_capacity(self.layers.len()),
            c: Vec::with_capacity(self.layers.len()),
        };
        for (l, layer) in self.layers.iter().enumerate() {
            // [x_t, h] · [W_ih, W_hh]ᵀ: one product per step, [b, 4h].
            let w = Tensor::cat(&[&layer.w_ih, &layer.w_hh], 1)?.t()?;
            let (mut h, mut c) = (state.h[l].clone(), state.c[l].clone());
            for x in xs.iter_mut() {
                let gates = Tensor::cat(&[&*x, &h], 1)?
                    .matmul(&w)?
                    .broadcast_add(&layer.bias)?;
                (h, c) = self.cell(&gates, &c)?;
                *x = h.clone();
            }
            next.h.push(h);
            next.c.push(c);
        }
        let x = Tensor::stack(&xs, 1)?; // [b, t, h]
        let logits = self
            .head
            .forward(&x.reshape((b * t, self.hidden))?)?
            .reshape((b, t, self.vocab))?;
        Ok((logits, next))
    }

    /// One symbol per stream, `[b]` (u32) → logits `[b, vocab]`, for sampling.
    pub fn step(&self, ids: &Tensor, state: &LstmState) -> Result<(Tensor, LstmState)> {
        let (logits, next) = self.forward(&ids.unsqueeze(1)?, state)?;
        Ok((logits.squeeze(1)?, next))
    }

    /// The LSTM cell: gates `[b, 4h]` and the old cell state → (h, c).
    fn cell(&self, gates: &Tensor, c: &Tensor) -> Result<(Tensor, Tensor)> {
        let h = self.hidden;
        let i = candle_nn::ops::sigmoid(&gates.narrow(D::Minus1, 0, h)?)?;
        let f = candle_nn::ops::sigmoid(&gates.narrow(D::Minus1, h, h)?)?;
        let g = gates.narrow(D::Minus1, 2 * h, h)?.tanh()?;
        let o = candle_nn::ops::sigmoid(&gates.narrow(D::Minus1, 3 * h, h)?)?;
        let c = ((f * c)? + (i * g)?)?;
        let h = (o * c.tanh()?)?;
        Ok((h, c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn the_fused_and_the_reference_forward_agree() -> Result<()> {
        let spec = CharLstmModel {
            embedding: 8,
            hidden: 16,
            layers: 2,
        };
        let d = Device::Cpu;
        let mut params = ParamStore::new();
        let net = CharNet::new(&spec, 12, &mut params, &mut SeededRng::seed_from_u64(3), &d)?;
        let ids = Tensor::from_vec((0..30u32).map(|i| i * 7 % 12).collect(), (3, 10), &d)?;
        let state = net.forward_reference(&ids, &net.zero_state(3, &d)?)?.1;
        let (a, sa) = net.forward_fused(&ids, &state)?;
        let (b, sb) = net.forward_reference(&ids, &state)?;
        let diff = |x: &Tensor, y: &Tensor| -> Result<f32> {
            Ok((x - y)?.abs()?.flatten_all()?.max(0)?.to_scalar::<f32>()?)
        };
        assert!(diff(&a, &b)? < 1e-5);
        for l in 0..2 {
            assert!(diff(&sa.h[l], &sb.h[l])? < 1e-5 && diff(&sa.c[l], &sb.c[l])? < 1e-5);
        }
        Ok(())
    }
}
