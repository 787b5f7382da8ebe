//! One character at a time without tensors, for generating text.
//!
//! Through the tensor path a step for one character costs ~2 ms: a dozen candle ops,
//! each with its own allocation and dispatch, and the fused LSTM op re-laying its
//! weights out for a single step. Here the weights are copied out once per
//! generation and a step is a few matrix–vector products on the calling thread
//! (the same arithmetic in f32; results agree to rounding).

use candle_core::{DType, Tensor};

use super::model::LstmState;
use crate::Result;

/// A tensor's values as `f32`, row-major.
fn values(t: &Tensor) -> Result<Vec<f32>> {
    Ok(t.to_dtype(DType::F32)?.flatten_all()?.to_vec1()?)
}

/// Σ aᵢ·bᵢ over sixteen independent sums (so the loop vectorises).
fn dot(a: &[f32], b: &[f32]) -> f32 {
    const LANES: usize = 16;
    let mut acc = [0.0f32; LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let tail: f32 = (ca.remainder().iter().zip(cb.remainder()))
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for i in 0..LANES {
            acc[i] += x[i] * y[i];
        }
    }
    acc.iter().sum::<f32>() + tail
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// One LSTM layer's weights: `[W_ih | W_hh]` `[4h, in + h]` and the bias `[4h]`.
struct Layer {
    w: Vec<f32>,
    bias: Vec<f32>,
    input: usize,
}

/// The character network's weights as plain vectors.
pub struct Stepper {
    embed: Vec<f32>,
    e: usize,
    h: usize,
    vocab: usize,
    layers: Vec<Layer>,
    head_w: Vec<f32>,
    head_b: Vec<f32>,
}

/// Each stream's hidden and cell state, per layer (`[streams·h]` each).
pub struct StepState {
    h: Vec<Vec<f32>>,
    c: Vec<Vec<f32>>,
}

impl StepState {
    /// The values of a tensor state.
    pub fn from_tensors(state: &LstmState) -> Result<Self> {
        Ok(Self {
            h: state.h.iter().map(values).collect::<Result<_>>()?,
            c: state.c.iter().map(values).collect::<Result<_>>()?,
        })
    }
}

impl Stepper {
    /// Copies out the weights: the embedding table `[vocab, e]`, per layer
    /// (W_ih `[4h, in]`, W_hh `[4h, h]`, bias `[4h]`), and the head (`[vocab, h]`,
    /// `[vocab]`).
    pub fn new(
        embed: &Tensor,
        layers: &[(&Tensor, &Tensor, &Tensor)],
        head: (&Tensor, &Tensor),
    ) -> Result<Self> {
        let (vocab, e) = embed.dims2()?;
        let (_, h) = head.0.dims2()?;
        let layers = layers
            .iter()
            .map(|&(w_ih, w_hh, bias)| {
                let input = w_ih.dim(1)?;
                let (w_ih, w_hh) = (values(w_ih)?, values(w_hh)?);
                let w = (w_ih.chunks(input).zip(w_hh.chunks(h)))
                    .flat_map(|(a, b)| a.iter().chain(b).copied())
                    .collect();
                Ok(Layer {
                    w,
                    bias: values(bias)?,
                    input,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Self {
            embed: values(embed)?,
            e,
            h,
            vocab,
            layers,
            head_w: values(head.0)?,
            head_b: values(head.1)?,
        })
    }

    /// One symbol per stream in, logits per stream out (`[vocab]` each); `state`
    /// moves one step on.
    pub fn step(&self, ids: &[u32], state: &mut StepState) -> Vec<Vec<f32>> {
        let h = self.h;
        let mut gates = vec![0.0f32; 4 * h];
        ids.iter()
            .enumerate()
            .map(|(r, &id)| {
                let id = (id as usize).min(self.vocab.saturating_sub(1));
                let mut x = self.embed[id * self.e..(id + 1) * self.e].to_vec();
                for (l, layer) in self.layers.iter().enumerate() {
                    let (hs, cs) = (
                        &mut state.h[l][r * h..(r + 1) * h],
                        &mut state.c[l][r * h..(r + 1) * h],
                    );
                    // [x, h] · [W_ih | W_hh]ᵀ + b
                    let width = layer.input + h;
                    x.extend_from_slice(hs);
                    for ((g, row), &b) in
                        gates.iter_mut().zip(layer.w.chunks(width)).zip(&layer.bias)
                    {
                        *g = b + dot(row, &x);
                    }
                    let (i, rest) = gates.split_at(h);
                    let (f, rest) = rest.split_at(h);
                    let (g, o) = rest.split_at(h);
                    for j in 0..h {
                        let c = sigmoid(f[j]) * cs[j] + sigmoid(i[j]) * g[j].tanh();
                        cs[j] = c;
                        hs[j] = sigmoid(o[j]) * c.tanh();
                    }
                    x.clear();
                    x.extend_from_slice(hs);
                }
                (self.head_w.chunks(h).zip(&self.head_b))
                    .map(|(row, &b)| b + dot(row, &x))
                    .collect()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use candle_core::Device;
    use rand::SeedableRng;
    use crate::nn::rng::SeededRng;

    use super::*;
    use crate::experiments::char_lstm::model::CharNet;
    use crate::experiments::char_lstm::spec::CharLstmModel;
    use crate::nn::params::ParamStore;

    #[test]
    fn steps_give_the_tensor_paths_logits_and_states() -> Result<()> {
        // Two layers, three streams, thirty steps from a primed state, each stream fed
        // its own most likely symbol: the same logits and states as the network's
        // tensor step (the reference and the fused op alike).
        let spec = CharLstmModel {
            embedding: 8,
            hidden: 20,
            layers: 2,
        };
        let d = Device::Cpu;
        let net = CharNet::new(
            &spec,
            13,
            &mut ParamStore::new(),
            &mut SeededRng::seed_from_u64(5),
            &d,
        )?;
        let prompt = Tensor::from_vec((0..12u32).map(|i| i * 5 % 13).collect(), (3, 4), &d)?;
        let mut state = net.forward(&prompt, &net.zero_state(3, &d)?)?.1;
        let stepper = net.stepper()?;
        let mut fast = StepState::from_tensors(&state)?;
        let mut ids = vec![1u32, 7, 12];
        for _ in 0..30 {
            let input = Tensor::from_vec(ids.clone(), 3, &d)?;
            let (logits, next) = net.step(&input, &state)?;
            state = next;
            let (slow, quick) = (logits.to_vec2::<f32>()?, stepper.step(&ids, &mut fast));
            for (a, b) in slow.iter().zip(&quick) {
                let diff = a
                    .iter()
                    .zip(b)
                    .map(|(x, y)| (x - y).abs())
                    .fold(0.0, f32::max);
                assert!(diff < 1e-5, "logits differ by {diff}");
            }
            ids = quick
                .iter()
                .map(|row| {
                    (0..row.len())
                        .max_by(|&i, &j| row[i].total_cmp(&row[j]))
                        .unwrap_or(0) as u32
                })
                .collect();
        }
        let now = StepState::from_tensors(&state)?;
        for l in 0..2 {
            for (a, b) in [(&now.h[l], &fast.h[l]), (&now.c[l], &fast.c[l])] {
                assert!(a.iter().zip(b.iter()).all(|(x, y)| (x - y).abs() < 1e-5));
            }
        }
        Ok(())
    }
}
