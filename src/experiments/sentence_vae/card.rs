//! The sentence VAE's card: embedding, encoder LSTM, μ and log σ² heads, decoder
//! LSTM and the vocabulary head, for the vocabulary its sentences give (so the card
//! reads them: the window makes it off the UI thread).

use super::load_sentences;
use super::saved::{HASHES_TENSOR, VOCAB_TENSOR, data_tensors};
use crate::Result;
use crate::experiments::ExperimentSpec;
use crate::experiments::model_card::{Layer, ModelCard, Network, dense, kernels};
use crate::experiments::registry::wrong_architecture;

/// The card of a sentence-VAE spec.
pub fn card(spec: &ExperimentSpec) -> Result<ModelCard> {
    let ExperimentSpec::SentenceVae(s) = spec else {
        return Err(wrong_architecture(spec, "SentenceVae"));
    };
    let set = load_sentences(s)?;
    let vocab = set.vocab.len();
    let saved = data_tensors(&set.vocab, &set.train_hashes(), &candle_core::Device::Cpu);
    let size = |name: &str| saved.iter().find(|(n, _)| n == name).map_or(0, |(_, t)| t.elem_count());
    let m = &s.model;
    let (e, h, z) = (m.embedding, m.hidden, m.latent);
    // A typical sentence: the mean training length, and its end.
    let steps = (set.train.iter().map(Vec::len).sum::<usize>() / set.train.len().max(1)).max(1) + 1;
    let lstm = |input: usize| (2 * (input + h) * 4 * h + 4 * h) as u64;
    let mut layers = vec![
        Layer::new(format!("embedding {vocab} -> {e}"), &[steps, e], 0, kernels::EMBEDDING)
            .with("embed.weight", &[vocab, e])
            .with_buffer(VOCAB_TENSOR, &[size(VOCAB_TENSOR)])
            .with_buffer(HASHES_TENSOR, &[size(HASHES_TENSOR)]),
        Layer::new(format!("encoder LSTM {e} -> {h}"), &[steps, h], lstm(e) * steps as u64, kernels::LSTM)
            .with("encoder.w_ih", &[4 * h, e])
            .with("encoder.w_hh", &[4 * h, h])
            .with("encoder.bias", &[4 * h]),
        dense("mu", h, z, "linear (μ)"),
        dense("log_var", h, z, "linear (log σ²)"),
        Layer::new(
            format!("decoder LSTM {e} + z {z} -> {h}"),
            &[steps, h],
            lstm(e + z) * steps as u64,
            kernels::LSTM,
        )
        .with("decoder.w_ih", &[4 * h, e + z])
        .with("decoder.w_hh", &[4 * h, h])
        .with("decoder.bias", &[4 * h]),
    ];
    let mut head = dense("head", h, vocab, "linear (logits)");
    let per_token = lstm(e + z) + head.flops;
    head.flops *= steps as u64;
    head.out = vec![steps, vocab];
    layers.push(head);
    let net = Network {
        name: format!("sentence VAE (one sample = a sentence of {} tokens)", steps - 1),
        input: vec![steps],
        layers,
        batch: s.train.batch_size,
        passes: 3.0,
    };
    Ok(ModelCard {
        title: format!("{} — sentence VAE, vocabulary {vocab}", s.name),
        networks: vec![net],
        sample: "token",
        sample_flops: per_token,
        notes: vec![
            "a step: encode, decode with teacher forcing, and the backward pass (3 forwards)".into(),
            "the decoder is fed z beside every token; sizes at the training set's mean sentence length".into(),
            format!(
                "{} training and {} held-out sentences, {} longer than data.max_tokens dropped",
                set.train.len(),
                set.held_out.len(),
                set.dropped_long
            ),
        ],
    })
}
