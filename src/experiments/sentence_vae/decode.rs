//! Sentences out of codes: greedy decoding, sampling with a temperature, and beam
//! search, token by token from `<s>` until `</s>` or a length cap.

use candle_core::{Device, Tensor};
use rand::Rng;

use super::model::SentenceNet;
use crate::Result;
use crate::data::sentences::vocab::{BOS, EOS, PAD};
use crate::nn::lstm_layer::LstmCarry;
use crate::nn::sampling::{argmax, draw, softmax};

/// How tokens are chosen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Decoding {
    /// The most likely token each step.
    Greedy,
    /// The most likely sentence among `width` kept at each step.
    Beam(usize),
    /// A draw from the softmax at this temperature.
    Sample(f32),
}

/// Decodes each row of `z` `[n, latent]` into at most `max_tokens` token ids (no
/// `<s>`, no `</s>`).
pub fn decode(
    net: &SentenceNet,
    z: &Tensor,
    rule: Decoding,
    max_tokens: usize,
    rng: &mut impl Rng,
) -> Result<Vec<Vec<u32>>> {
    match rule {
        Decoding::Beam(width) if width > 1 => {
            let n = z.dim(0)?;
            (0..n).map(|i| beam(net, &z.narrow(0, i, 1)?, width, max_tokens)).collect()
        }
        Decoding::Sample(t) => step_all(net, z, max_tokens, |logits| {
            draw(&softmax(logits, t.max(1e-3)), rng)
        }),
        _ => step_all(net, z, max_tokens, |logits| argmax(logits).unwrap_or(0) as u32),
    }
}

/// Every row decoded at once, `choose` picking each token.
fn step_all(
    net: &SentenceNet,
    z: &Tensor,
    max_tokens: usize,
    mut choose: impl FnMut(&[f32]) -> u32,
) -> Result<Vec<Vec<u32>>> {
    let n = z.dim(0)?;
    let device = z.device();
    let mut state = net.start(n, device)?;
    let mut last = vec![BOS; n];
    let mut out = vec![Vec::new(); n];
    let mut done = vec![false; n];
    for _ in 0..=max_tokens {
        let ids = Tensor::from_vec(last.clone(), n, device)?;
        let (logits, next) = net.step(&ids, z, &state)?;
        state = next;
        let rows = logits.to_vec2::<f32>()?;
        for (k, row) in rows.iter().enumerate() {
            if done[k] {
                continue;
            }
            let mut id = choose(row);
            if id == PAD || id == BOS {
                id = EOS;
            }
            if id == EOS || out[k].len() == max_tokens {
                done[k] = true;
            } else {
                out[k].push(id);
            }
            last[k] = id;
        }
        if done.iter().all(|&d| d) {
            break;
        }
    }
    Ok(out)
}

/// One hypothesis of a beam.
#[derive(Clone)]
struct Hypothesis {
    tokens: Vec<u32>,
    log_p: f64,
    ended: bool,
}

/// Beam search for one code `[1, latent]`: the ended hypothesis with the highest
/// log-probability per token (so short ones are not favoured).
fn beam(net: &SentenceNet, z: &Tensor, width: usize, max_tokens: usize) -> Result<Vec<u32>> {
    let device: &Device = z.device();
    let mut beams = vec![Hypothesis {
        tokens: Vec::new(),
        log_p: 0.0,
        ended: false,
    }];
    let mut state = net.start(1, device)?;
    for _ in 0..=max_tokens {
        let live: Vec<usize> = (0..beams.len()).filter(|&k| !beams[k].ended).collect();
        if live.is_empty() {
            break;
        }
        let last: Vec<u32> = (live.iter())
            .map(|&k| beams[k].tokens.last().copied().unwrap_or(BOS))
            .collect();
        let rows = Tensor::from_vec(live.iter().map(|&k| k as u32).collect::<Vec<_>>(), live.len(), device)?;
        let from = LstmCarry {
            h: state.h.index_select(&rows, 0)?,
            c: state.c.index_select(&rows, 0)?,
        };
        let zs = z.broadcast_as((live.len(), z.dim(1)?))?.contiguous()?;
        let (logits, next) = net.step(&Tensor::from_vec(last, live.len(), device)?, &zs, &from)?;
        let log_p = candle_nn::ops::log_softmax(&logits, 1)?.to_vec2::<f32>()?;
        // Candidates: ended beams carried as they are, and each live beam's best extensions.
        let mut candidates: Vec<(Hypothesis, Option<usize>)> = (beams.iter())
            .filter(|b| b.ended)
            .map(|b| (b.clone(), None))
            .collect();
        for (row, &k) in live.iter().enumerate() {
            let mut order: Vec<usize> = (0..log_p[row].len()).filter(|&i| i as u32 != PAD && i as u32 != BOS).collect();
            order.sort_by(|&a, &b| log_p[row][b].total_cmp(&log_p[row][a]));
            for &id in order.iter().take(width) {
                let mut h = beams[k].clone();
                h.log_p += log_p[row][id] as f64;
                if id as u32 == EOS || h.tokens.len() == max_tokens {
                    h.ended = true;
                } else {
                    h.tokens.push(id as u32);
                }
                candidates.push((h, Some(row)));
            }
        }
        let score = |h: &Hypothesis| h.log_p / (h.tokens.len() + 1) as f64;
        candidates.sort_by(|a, b| score(&b.0).total_cmp(&score(&a.0)));
        candidates.truncate(width);
        // The next state of each kept live hypothesis, in the new beam's order.
        let keep: Vec<u32> = candidates.iter().map(|(_, r)| r.unwrap_or(0) as u32).collect();
        let keep = Tensor::from_vec(keep, candidates.len(), device)?;
        state = LstmCarry {
            h: next.h.index_select(&keep, 0)?,
            c: next.c.index_select(&keep, 0)?,
        };
        beams = candidates.into_iter().map(|(h, _)| h).collect();
    }
    let score = |h: &Hypothesis| h.log_p / (h.tokens.len() + 1) as f64;
    Ok(beams
        .into_iter()
        .max_by(|a, b| score(a).total_cmp(&score(b)))
        .map(|h| h.tokens)
        .unwrap_or_default())
}
