//! Sentences for a sentence model: the built-in grammar or a user's text, cut into
//! sentences, tokenised, encoded with a capped word vocabulary, sentences over a
//! length cap dropped (and counted), and a held-out share set aside.

pub mod grammar;
pub mod tokens;
pub mod vocab;

use std::collections::HashSet;
use std::path::Path;

use rand::SeedableRng;
use rand::seq::SliceRandom;

use super::DataError;
use crate::nn::rng::SeededRng;
pub use tokens::SplitBy;
pub use vocab::{WordVocab, sentence_hash};

/// The fewest training sentences a model is given.
pub const MIN_SENTENCES: usize = 50;

/// How a text becomes encoded sentences.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SentenceOptions {
    /// Lines or sentences.
    pub split: SplitBy,
    /// Lower-case every token.
    pub lower: bool,
    /// Most tokens in the vocabulary, the four specials included.
    pub vocab_cap: usize,
    /// Longest sentence kept, in tokens (longer ones are dropped and counted).
    pub max_tokens: usize,
    /// The share of sentences held out.
    pub held_out: f64,
    /// Seeds the held-out draw.
    pub seed: u64,
}

/// Encoded sentences (ids without `<s>` or `</s>`), split into training and held out.
#[derive(Clone, Debug)]
pub struct SentenceSet {
    /// The vocabulary, built from the training sentences.
    pub vocab: WordVocab,
    /// Training sentences.
    pub train: Vec<Vec<u32>>,
    /// Held-out sentences.
    pub held_out: Vec<Vec<u32>>,
    /// Sentences left out for being longer than the cap.
    pub dropped_long: usize,
    /// −log of each token's training frequency (add-one smoothed), by id.
    unigram_nats: Vec<f64>,
}

impl SentenceSet {
    /// Cuts `text` (read from `source`) into sentences and encodes them.
    pub fn from_text(source: &Path, text: &str, o: &SentenceOptions) -> Result<Self, DataError> {
        Self::new(source, tokens::split(text, o.split), o)
    }

    /// Tokenises and encodes `sentences`.
    pub fn new(
        source: &Path,
        sentences: Vec<String>,
        o: &SentenceOptions,
    ) -> Result<Self, DataError> {
        let total = sentences.len();
        let mut kept: Vec<Vec<String>> = Vec::with_capacity(total);
        let mut dropped_long = 0;
        for s in &sentences {
            let t = tokens::tokenize(s, o.lower);
            if t.len() > o.max_tokens {
                dropped_long += 1;
            } else if !t.is_empty() {
                kept.push(t);
            }
        }
        let held = ((kept.len() as f64 * o.held_out).round() as usize).max(1);
        if kept.len() < MIN_SENTENCES + held {
            return Err(DataError::new(
                source,
                format!(
                    "{} sentences of at most {} tokens ({total} in all, {dropped_long} longer): a sentence model needs at least {}",
                    kept.len(),
                    o.max_tokens,
                    MIN_SENTENCES + held
                ),
            ));
        }
        kept.shuffle(&mut SeededRng::seed_from_u64(o.seed ^ 0x4E1D));
        let (train, held_out) = kept.split_at(kept.len() - held);
        let vocab = WordVocab::build(train.iter().map(Vec::as_slice), o.vocab_cap);
        let encode = |s: &[Vec<String>]| s.iter().map(|t| vocab.encode(t)).collect::<Vec<_>>();
        let (train, held_out) = (encode(train), encode(held_out));
        let mut counts = vec![1.0f64; vocab.len()];
        for s in &train {
            for &i in s {
                counts[i as usize] += 1.0;
            }
            counts[vocab::EOS as usize] += 1.0;
        }
        counts[vocab::PAD as usize] = 0.0;
        counts[vocab::BOS as usize] = 0.0;
        let n: f64 = counts.iter().sum();
        let unigram_nats = counts
            .iter()
            .map(|&c| {
                if c > 0.0 {
                    -(c / n).ln()
                } else {
                    f64::INFINITY
                }
            })
            .collect();
        Ok(Self {
            vocab,
            train,
            held_out,
            dropped_long,
            unigram_nats,
        })
    }

    /// The training sentences' hashes, to mark generated sentences *seen*.
    pub fn train_hashes(&self) -> HashSet<u64> {
        self.train.iter().map(|s| sentence_hash(s)).collect()
    }

    /// −log p of a sentence (its end included) under the training set's token
    /// frequencies, in nats: what a model that ignores every context scores.
    pub fn unigram_nats(&self, ids: &[u32]) -> f64 {
        ids.iter()
            .chain(std::iter::once(&vocab::EOS))
            .map(|&i| {
                self.unigram_nats
                    .get(i as usize)
                    .copied()
                    .unwrap_or(f64::INFINITY)
            })
            .sum()
    }

    /// The mean of [`SentenceSet::unigram_nats`] over the held-out sentences.
    pub fn held_out_unigram_nats(&self) -> f64 {
        let sum: f64 = self.held_out.iter().map(|s| self.unigram_nats(s)).sum();
        sum / self.held_out.len().max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> SentenceOptions {
        SentenceOptions {
            split: SplitBy::Lines,
            lower: true,
            vocab_cap: 1000,
            max_tokens: 12,
            held_out: 0.1,
            seed: 3,
        }
    }

    #[test]
    fn long_sentences_are_dropped_and_counted_and_a_share_is_held_out() {
        let mut lines = grammar::sentences(300, 1);
        lines.push("a b c d e f g h i j k l m n o".into());
        let set =
            SentenceSet::from_text(Path::new("t"), &lines.join("\n"), &options()).expect("set");
        assert_eq!(set.dropped_long, 1);
        assert_eq!(set.held_out.len(), 30);
        assert_eq!(set.train.len(), 270);
        assert!(set.vocab.knows("fox") && set.vocab.knows("."));
        let unigram = set.held_out_unigram_nats();
        // About 11 tokens, none certain: between 1 and 40 nats a sentence.
        assert!((10.0..40.0).contains(&unigram), "{unigram}");
        let err =
            SentenceSet::from_text(Path::new("short.txt"), "one\ntwo", &options()).unwrap_err();
        assert!(
            err.to_string().starts_with("short.txt: 2 sentences"),
            "{err}"
        );
    }
}
