//! The character model's card: embedding, LSTM layers and the head, as
//! `model.rs` builds them, for the vocabulary its text gives (so the card reads the
//! text: the window makes it off the UI thread).

use super::{VOCAB_TENSOR, load_corpus};
use crate::Result;
use crate::experiments::ExperimentSpec;
use crate::experiments::model_card::{Layer, ModelCard, Network, dense, kernels};
use crate::experiments::registry::wrong_architecture;

/// The card of a character-LSTM spec.
pub fn card(spec: &ExperimentSpec) -> Result<ModelCard> {
    let ExperimentSpec::CharLstm(s) = spec else {
        return Err(wrong_architecture(spec, "CharLstm"));
    };
    let vocab = load_corpus(s)?.vocab.len();
    let (m, t) = (&s.model, &s.train);
    let (e, h, steps) = (m.embedding, m.hidden, t.seq_len);
    let mut layers = vec![
        Layer::new(
            format!("embedding {vocab} -> {e}"),
            &[steps, e],
            0,
            kernels::EMBEDDING,
        )
        .with("embed.weight", &[vocab, e])
        .with_buffer(VOCAB_TENSOR, &[vocab]),
    ];
    // Per character: the gates' products 2·(in + h)·4h and their bias.
    let mut per_char = 0u64;
    for i in 0..m.layers {
        let input = if i == 0 { e } else { h };
        let flops = (2 * (input + h) * 4 * h + 4 * h) as u64;
        per_char += flops;
        layers.push(
            Layer::new(
                format!("LSTM {input} -> {h}"),
                &[steps, h],
                flops * steps as u64,
                kernels::LSTM,
            )
            .with(format!("lstm.{i}.w_ih"), &[4 * h, input])
            .with(format!("lstm.{i}.w_hh"), &[4 * h, h])
            .with(format!("lstm.{i}.bias"), &[4 * h]),
        );
    }
    let mut head = dense("head", h, vocab, "linear (logits)");
    per_char += head.flops;
    head.flops *= steps as u64;
    head.out = vec![steps, vocab];
    layers.push(head);
    let net = Network {
        name: format!("character LSTM (one sample = {steps} characters)"),
        input: vec![steps],
        layers,
        batch: t.batch_size,
        passes: 3.0,
    };
    Ok(ModelCard {
        title: format!("{} — character LSTM, vocabulary {vocab}", s.name),
        networks: vec![net],
        sample: "character",
        sample_flops: per_char,
        notes: vec![
            "a step: one pass with its backward over a batch of sequences (3 forwards)".into(),
            "FLOPs: 2 per multiply–add, 1 per bias add; the gates' sigmoids and tanh, the softmax and the loss not counted".into(),
            "the vocabulary is the text's distinct characters (at most data.vocab_cap), read from the text".into(),
        ],
    })
}
