//! The word vocabulary of a sentence model: four special tokens, then the most
//! frequent tokens of the training sentences up to a cap; rarer ones become
//! `<unk>`. Saved in a checkpoint as one tensor of code points.

use std::collections::HashMap;

/// Padding after a sentence's end (never predicted).
pub const PAD: u32 = 0;
/// A token outside the vocabulary; also what word dropout puts in.
pub const UNK: u32 = 1;
/// The start of a sentence (the decoder's first input).
pub const BOS: u32 = 2;
/// The end of a sentence (the decoder's last target).
pub const EOS: u32 = 3;
/// The special tokens' spellings, by id.
pub const SPECIALS: [&str; 4] = ["<pad>", "<unk>", "<s>", "</s>"];

/// Tokens and their ids.
#[derive(Clone, Debug, PartialEq)]
pub struct WordVocab {
    words: Vec<String>,
    ids: HashMap<String, u32>,
}

impl WordVocab {
    /// The specials and the `cap − 4` most frequent tokens (ties by spelling).
    pub fn build<'a>(sentences: impl IntoIterator<Item = &'a [String]>, cap: usize) -> Self {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for s in sentences {
            for t in s {
                *counts.entry(t.as_str()).or_default() += 1;
            }
        }
        let mut ranked: Vec<(&str, usize)> = counts
            .into_iter()
            .filter(|(w, _)| !SPECIALS.contains(w))
            .collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let words = SPECIALS
            .iter()
            .map(|s| s.to_string())
            .chain(ranked.into_iter().map(|(w, _)| w.to_string()))
            .take(cap.max(SPECIALS.len() + 1))
            .collect();
        Self::from_words(words).expect("distinct words")
    }

    /// A vocabulary of these words in this order (the specials first); `None` if a
    /// word repeats or the specials are missing.
    pub fn from_words(words: Vec<String>) -> Option<Self> {
        if words.len() < SPECIALS.len() || words[..4].iter().zip(SPECIALS).any(|(a, b)| a != b) {
            return None;
        }
        let ids: HashMap<String, u32> = words
            .iter()
            .enumerate()
            .map(|(i, w)| (w.clone(), i as u32))
            .collect();
        (ids.len() == words.len()).then_some(Self { words, ids })
    }

    /// Tokens in the vocabulary, the specials included.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Never: the specials are always there.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The id of a token (`UNK` if it is not in the vocabulary).
    pub fn id(&self, token: &str) -> u32 {
        self.ids.get(token).copied().unwrap_or(UNK)
    }

    /// Whether the vocabulary knows `token`.
    pub fn knows(&self, token: &str) -> bool {
        self.ids.contains_key(token)
    }

    /// The token of an id.
    pub fn word(&self, id: u32) -> &str {
        self.words.get(id as usize).map_or("<unk>", String::as_str)
    }

    /// Ids of tokens.
    pub fn encode<S: AsRef<str>>(&self, tokens: &[S]) -> Vec<u32> {
        tokens.iter().map(|t| self.id(t.as_ref())).collect()
    }

    /// Tokens of ids, up to the first end or padding.
    pub fn decode(&self, ids: &[u32]) -> Vec<&str> {
        ids.iter()
            .take_while(|&&i| i != EOS && i != PAD)
            .map(|&i| self.word(i))
            .collect()
    }

    /// The words' code points, each word ended by a 0: what a checkpoint stores.
    pub fn code_points(&self) -> Vec<u32> {
        let mut out = Vec::new();
        for w in &self.words {
            out.extend(w.chars().map(|c| c as u32));
            out.push(0);
        }
        out
    }

    /// The vocabulary [`WordVocab::code_points`] gave.
    pub fn from_code_points(points: &[u32]) -> Option<Self> {
        let mut words = Vec::new();
        let mut word = String::new();
        for &p in points {
            if p == 0 {
                words.push(std::mem::take(&mut word));
            } else {
                word.push(char::from_u32(p)?);
            }
        }
        if !word.is_empty() {
            return None;
        }
        Self::from_words(words)
    }
}

/// A hash of a sentence's ids that stays the same across builds (FNV-1a, 64 bits),
/// to tell whether a generated sentence is one of the training set's.
pub fn sentence_hash(ids: &[u32]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &i in ids.iter().take_while(|&&i| i != EOS && i != PAD) {
        for b in i.to_le_bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn the_vocabulary_caps_by_frequency_and_round_trips() {
        let sentences = [toks("a b c a"), toks("a b d"), toks("a e")];
        let v = WordVocab::build(sentences.iter().map(Vec::as_slice), 6);
        assert_eq!(v.len(), 6);
        assert_eq!((v.id("a"), v.id("b")), (4, 5));
        assert_eq!(v.id("c"), UNK, "rarer words beyond the cap are unknown");
        assert_eq!(v.decode(&[4, 5, EOS, 4]), ["a", "b"]);
        let back = WordVocab::from_code_points(&v.code_points()).expect("round trip");
        assert_eq!(back, v);
        assert!(
            WordVocab::from_code_points(&[97, 0]).is_none(),
            "no specials"
        );
        assert_eq!(sentence_hash(&[4, 5, EOS, 9]), sentence_hash(&[4, 5, PAD]));
        assert_ne!(sentence_hash(&[4, 5]), sentence_hash(&[5, 4]));
    }
}
