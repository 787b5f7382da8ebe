//! What a trained sentence VAE does with sentences, for the lab and the command
//! line: encode typed text, decode codes, walk from one sentence to another along
//! the straight line or the great circle, draw from the prior and mark each
//! sentence *new* or *seen*, and move a sentence along a concept vector.

use std::collections::HashSet;

use candle_core::{Device, Tensor};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};

use super::decode::{Decoding, decode};
use super::model::{Batch, SentenceNet};
use crate::Result;
use crate::data::sentences::tokens::{detokenize, tokenize};
use crate::data::sentences::{WordVocab, sentence_hash};
use crate::lab::latent_math::{lerp, slerp};
use crate::nn::rng::SeededRng;

/// Sentences encoded at once.
const CHUNK: usize = 256;

/// A generated sentence and whether the training set holds it word for word.
pub use crate::lab::SentenceLine as Marked;

/// A trained network with its vocabulary and the training sentences' hashes.
pub struct Reader<'a> {
    /// The network.
    pub net: &'a SentenceNet,
    /// Its vocabulary.
    pub vocab: &'a WordVocab,
    /// Whether typed text is lower-cased (as the training text was).
    pub lower: bool,
    /// The longest sentence decoded, in tokens.
    pub max_tokens: usize,
    /// Hashes of the training sentences.
    pub seen: &'a HashSet<u64>,
    /// Where the network lives.
    pub device: &'a Device,
}

impl Reader<'_> {
    /// A typed sentence's ids (unknown words become `<unk>`), at most `max_tokens`.
    pub fn ids(&self, text: &str) -> Vec<u32> {
        let mut ids = self.vocab.encode(&tokenize(text, self.lower));
        ids.truncate(self.max_tokens);
        ids
    }

    /// The words of a typed sentence the vocabulary does not know.
    pub fn unknown(&self, text: &str) -> Vec<String> {
        (tokenize(text, self.lower).into_iter())
            .filter(|t| !self.vocab.knows(t))
            .collect()
    }

    /// Ids as text.
    pub fn text(&self, ids: &[u32]) -> String {
        detokenize(&self.vocab.decode(ids))
    }

    /// Marks a decoded sentence.
    pub fn mark(&self, ids: &[u32]) -> Marked {
        Marked {
            text: self.text(ids),
            seen: self.seen.contains(&sentence_hash(ids)),
        }
    }

    /// μ and log σ² of each sentence's posterior.
    pub fn encode(&self, sentences: &[Vec<u32>]) -> Result<(Vec<Vec<f32>>, Vec<Vec<f32>>)> {
        let (mut mus, mut log_vars) = (Vec::new(), Vec::new());
        for chunk in sentences.chunks(CHUNK) {
            let refs: Vec<&[u32]> = chunk.iter().map(Vec::as_slice).collect();
            let (mu, lv) = self.net.encode(&Batch::new(&refs, self.device)?)?;
            mus.extend(mu.to_vec2::<f32>()?);
            log_vars.extend(lv.to_vec2::<f32>()?);
        }
        Ok((mus, log_vars))
    }

    /// The posterior mean of one typed sentence.
    pub fn code(&self, text: &str) -> Result<Vec<f32>> {
        Ok(self.encode(&[self.ids(text)])?.0.remove(0))
    }

    /// Codes decoded with `rule` (draws seeded by `seed`).
    pub fn decode(&self, codes: &[Vec<f32>], rule: Decoding, seed: u64) -> Result<Vec<Vec<u32>>> {
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        let flat: Vec<f32> = codes.iter().flatten().copied().collect();
        let z = Tensor::from_vec(flat, (codes.len(), self.net.latent), self.device)?;
        decode(self.net, &z, rule, self.max_tokens, &mut SeededRng::seed_from_u64(seed))
    }

    /// `points` codes from `a` to `b` (ends included), straight or along the great circle.
    pub fn path(a: &[f32], b: &[f32], points: usize, spherical: bool) -> Vec<Vec<f32>> {
        let n = points.max(2);
        (0..n)
            .map(|i| {
                let t = i as f32 / (n - 1) as f32;
                if spherical { slerp(a, b, t) } else { lerp(a, b, t) }
            })
            .collect()
    }

    /// The homotopy: sentences decoded at `points` codes from `from`'s posterior
    /// mean to `to`'s.
    pub fn homotopy(
        &self,
        from: &str,
        to: &str,
        points: usize,
        spherical: bool,
        rule: Decoding,
    ) -> Result<Vec<Marked>> {
        let (a, b) = (self.code(from)?, self.code(to)?);
        let codes = Self::path(&a, &b, points, spherical);
        Ok(self.decode(&codes, rule, 0)?.iter().map(|s| self.mark(s)).collect())
    }

    /// A typed sentence decoded from its posterior mean, and from `samples` codes
    /// drawn from its posterior.
    pub fn reconstruct(&self, text: &str, samples: usize, rule: Decoding, seed: u64) -> Result<(Marked, Vec<Marked>)> {
        let (mu, lv) = self.encode(&[self.ids(text)])?;
        let (mu, lv) = (&mu[0], &lv[0]);
        let mut rng = SeededRng::seed_from_u64(seed);
        let mut codes = vec![mu.clone()];
        for _ in 0..samples {
            codes.push(
                (mu.iter().zip(lv))
                    .map(|(m, l)| m + (0.5 * l).exp() * {
                        let e: f32 = StandardNormal.sample(&mut rng);
                        e
                    })
                    .collect(),
            );
        }
        let mut out: Vec<Marked> = self.decode(&codes, rule, seed)?.iter().map(|s| self.mark(s)).collect();
        let mean = out.remove(0);
        Ok((mean, out))
    }

    /// `count` codes of the prior N(0, I) drawn with `seed`.
    pub fn prior_codes(&self, count: usize, seed: u64) -> Vec<Vec<f32>> {
        let mut rng = SeededRng::seed_from_u64(seed);
        (0..count)
            .map(|_| (0..self.net.latent).map(|_| StandardNormal.sample(&mut rng)).collect())
            .collect()
    }

    /// `count` sentences from the prior, each marked new or seen.
    pub fn prior(&self, count: usize, rule: Decoding, seed: u64) -> Result<Vec<Marked>> {
        let codes = self.prior_codes(count, seed);
        Ok(self.decode(&codes, rule, seed)?.iter().map(|s| self.mark(s)).collect())
    }

    /// The concept vector mean(code | `plus`) − mean(code | `minus`).
    pub fn concept(&self, plus: &[Vec<u32>], minus: &[Vec<u32>]) -> Result<Vec<f32>> {
        let mean = |set: &[Vec<u32>]| -> Result<Vec<f32>> {
            let codes = self.encode(set)?.0;
            let n = codes.len().max(1) as f32;
            Ok((0..self.net.latent)
                .map(|d| codes.iter().map(|c| c[d]).sum::<f32>() / n)
                .collect())
        };
        let (p, m) = (mean(plus)?, mean(minus)?);
        Ok(p.iter().zip(&m).map(|(a, b)| a - b).collect())
    }

    /// Each sentence's code moved by `strength` × `vector`, decoded.
    pub fn shift(&self, sentences: &[Vec<u32>], vector: &[f32], strength: f32, rule: Decoding) -> Result<Vec<Vec<u32>>> {
        let codes: Vec<Vec<f32>> = (self.encode(sentences)?.0.into_iter())
            .map(|c| c.iter().zip(vector).map(|(a, v)| a + strength * v).collect())
            .collect();
        self.decode(&codes, rule, 0)
    }
}
