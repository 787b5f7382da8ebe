//! The network: a token embedding shared by both sides; an LSTM encoder whose
//! state after a sentence's last token gives μ and log σ² of q(z | x); an LSTM
//! decoder that is fed z beside every input token (so it starts from z and sees it
//! at every step); a linear layer to the vocabulary. It knows nothing of text: a
//! checkpoint alone rebuilds it.

use candle_core::{Device, Module, Tensor};
use candle_nn::Embedding;

use super::spec::SentenceModel;
use crate::Result;
use crate::data::sentences::vocab::{BOS, EOS, PAD};
use crate::nn::dense::Dense;
use crate::nn::lstm_layer::{LstmCarry, LstmLayer};
use crate::nn::params::ParamStore;
use crate::nn::rng::SeededRng;

/// A batch of sentences as the network takes them.
pub struct Batch {
    /// The sentences' tokens, each reversed, padded, `[b, t]` (u32): the encoder's input.
    pub tokens: Tensor,
    /// Each sentence's length (at least 1).
    pub lengths: Vec<usize>,
    /// The decoder's inputs: `<s>` and the tokens, padded, `[b, t + 1]` (u32), as ids.
    pub inputs: Vec<u32>,
    /// The decoder's targets: the tokens and `</s>`, padded, `[b, t + 1]` (u32).
    pub targets: Tensor,
    /// 1 where a target is a token or `</s>`, 0 on padding, `[b, t + 1]`.
    pub mask: Tensor,
}

impl Batch {
    /// Pads `sentences` (ids without `<s>`/`</s>`; an empty one counts as one `</s>`).
    pub fn new(sentences: &[&[u32]], device: &Device) -> Result<Self> {
        let b = sentences.len();
        let t = sentences.iter().map(|s| s.len()).max().unwrap_or(0).max(1);
        let mut tokens = vec![PAD; b * t];
        let mut inputs = vec![PAD; b * (t + 1)];
        let mut targets = vec![PAD; b * (t + 1)];
        let mut mask = vec![0f32; b * (t + 1)];
        let mut lengths = Vec::with_capacity(b);
        for (k, s) in sentences.iter().enumerate() {
            // The encoder reads the sentence backwards, so its first words, which the
            // decoder writes first, are the last it reads (Sutskever et al. 2014).
            for (to, &id) in tokens[k * t..k * t + s.len()].iter_mut().zip(s.iter().rev()) {
                *to = id;
            }
            if s.is_empty() {
                tokens[k * t] = EOS;
            }
            lengths.push(s.len().max(1));
            let row = k * (t + 1);
            inputs[row] = BOS;
            inputs[row + 1..row + 1 + s.len()].copy_from_slice(s);
            targets[row..row + s.len()].copy_from_slice(s);
            targets[row + s.len()] = EOS;
            mask[row..row + s.len() + 1].fill(1.0);
        }
        Ok(Self {
            tokens: Tensor::from_vec(tokens, (b, t), device)?,
            lengths,
            inputs,
            targets: Tensor::from_vec(targets, (b, t + 1), device)?,
            mask: Tensor::from_vec(mask, (b, t + 1), device)?,
        })
    }

    /// Sentences in the batch.
    pub fn len(&self) -> usize {
        self.lengths.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.lengths.is_empty()
    }

    /// Tokens predicted (each sentence's tokens and its end).
    pub fn predicted(&self) -> usize {
        self.lengths.iter().map(|l| l + 1).sum()
    }
}

/// The sentence VAE's network.
pub struct SentenceNet {
    embed: Embedding,
    encoder: LstmLayer,
    to_mu: Dense,
    to_log_var: Dense,
    decoder: LstmLayer,
    head: Dense,
    /// Tokens in the vocabulary.
    pub vocab: usize,
    /// Dimensions of z.
    pub latent: usize,
}

impl SentenceNet {
    /// Registers `embed`, `encoder.*`, `mu.*`, `log_var.*`, `decoder.*` and `head.*`.
    pub fn new(
        spec: &SentenceModel,
        vocab: usize,
        params: &mut ParamStore,
        rng: &mut SeededRng,
        device: &Device,
    ) -> Result<Self> {
        let (e, h, z) = (spec.embedding, spec.hidden, spec.latent);
        let table = params.normal("embed.weight", &[vocab, e], 0.3, rng, device)?;
        let bound = 1.0 / (h as f32).sqrt();
        let mut dense = |name: &str, out: usize, input: usize| -> Result<Dense> {
            Ok(Dense::new(
                params.uniform(&format!("{name}.weight"), &[out, input], bound, rng, device)?,
                Some(params.constant(&format!("{name}.bias"), &[out], 0.0, device)?),
            ))
        };
        let to_mu = dense("mu", z, h)?;
        let to_log_var = dense("log_var", z, h)?;
        let head = dense("head", vocab, h)?;
        Ok(Self {
            embed: Embedding::new(table, e),
            encoder: LstmLayer::new("encoder", e, h, params, rng, device)?,
            to_mu,
            to_log_var,
            decoder: LstmLayer::new("decoder", e + z, h, params, rng, device)?,
            head,
            vocab,
            latent: z,
        })
    }

    /// μ and log σ² of q(z | x), each `[b, z]`: the encoder's state after each
    /// sentence's last token.
    pub fn encode(&self, batch: &Batch) -> Result<(Tensor, Tensor)> {
        let (b, t) = batch.tokens.dims2()?;
        let x = self
            .embed
            .forward(&batch.tokens.t()?.contiguous()?.flatten_all()?)?
            .reshape((t, b, ()))?;
        let (hs, _) = self.encoder.run(&x, &self.encoder.zeros(b, x.device())?)?;
        let hidden = self.encoder.hidden();
        let rows: Vec<u32> = (batch.lengths.iter().enumerate())
            .map(|(k, &len)| ((len - 1) * b + k) as u32)
            .collect();
        let rows = Tensor::from_vec(rows, b, x.device())?;
        let last = hs.reshape((t * b, hidden))?.index_select(&rows, 0)?;
        Ok((self.to_mu.forward(&last)?, self.to_log_var.forward(&last)?))
    }

    /// Logits `[b, t + 1, vocab]` of the decoder given its input ids `[b, t + 1]`
    /// (`<s>` first; word dropout already applied) and codes `z` `[b, z]`.
    pub fn decode(&self, inputs: &Tensor, z: &Tensor) -> Result<Tensor> {
        let (b, t) = inputs.dims2()?;
        let e = self
            .embed
            .forward(&inputs.t()?.contiguous()?.flatten_all()?)?
            .reshape((t, b, ()))?;
        let zs = z.unsqueeze(0)?.broadcast_as((t, b, self.latent))?;
        let x = Tensor::cat(&[&e, &zs], 2)?;
        let (hs, _) = self.decoder.run(&x, &self.decoder.zeros(b, z.device())?)?;
        let hidden = self.decoder.hidden();
        Ok(self
            .head
            .forward(&hs.reshape((t * b, hidden))?)?
            .reshape((t, b, self.vocab))?
            .transpose(0, 1)?
            .contiguous()?)
    }

    /// The decoder's state before its first token, for `b` sentences.
    pub fn start(&self, b: usize, device: &Device) -> Result<LstmCarry> {
        self.decoder.zeros(b, device)
    }

    /// One step of the decoder for generation: the last tokens `[b]` (u32) and the
    /// codes `[b, z]` → logits `[b, vocab]` and the next state.
    pub fn step(&self, ids: &Tensor, z: &Tensor, state: &LstmCarry) -> Result<(Tensor, LstmCarry)> {
        let x = Tensor::cat(&[&self.embed.forward(ids)?, z], 1)?.unsqueeze(0)?;
        let (hs, next) = self.decoder.run(&x, state)?;
        Ok((self.head.forward(&hs.squeeze(0)?)?, next))
    }
}

/// −log p(targets | logits) per sentence, nats, `[b]`: the log-softmax at each
/// target summed over the sentence's tokens and its end (padding masked out).
pub fn sentence_nll(logits: &Tensor, batch: &Batch) -> Result<Tensor> {
    let log_p = candle_nn::ops::log_softmax(logits, 2)?;
    let picked = log_p
        .gather(&batch.targets.unsqueeze(2)?.contiguous()?, 2)?
        .squeeze(2)?;
    Ok((picked * &batch.mask)?.sum(1)?.neg()?)
}

/// The decoder's inputs as a tensor `[b, t + 1]`.
pub fn inputs_tensor(ids: Vec<u32>, b: usize, device: &Device) -> Result<Tensor> {
    let t = ids.len() / b.max(1);
    Ok(Tensor::from_vec(ids, (b, t), device)?)
}
