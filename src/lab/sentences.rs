//! The sentence lab's questions and answers: walk between two sentences, write a
//! typed sentence back from its code, draw from the prior, move a sentence along a
//! concept vector. Plain data; the worker answers with the sentence VAE.

/// A decoded sentence and whether the training set holds it word for word.
#[derive(Clone, Debug, PartialEq)]
pub struct SentenceLine {
    /// The sentence.
    pub text: String,
    /// An exact match of a training sentence.
    pub seen: bool,
}

/// A question for a sentence VAE.
#[derive(Clone, Debug, PartialEq)]
pub enum SentenceQuery {
    /// The first `count` held-out sentences encoded (posterior means), with the
    /// principal components of their codes, for the map.
    Map {
        /// Sentences.
        count: usize,
    },
    /// One code decoded (the map's point under the pointer).
    Decode {
        /// The code.
        code: Vec<f32>,
        /// Beam width (1 = greedy).
        beam: usize,
    },
    /// The first `count` held-out sentences, to pick ends and bases from.
    HeldOut {
        /// Sentences.
        count: usize,
    },
    /// Sentences decoded at `points` codes from `from`'s posterior mean to `to`'s,
    /// along the straight line and along the great circle.
    Homotopy {
        /// The first sentence.
        from: String,
        /// The last sentence.
        to: String,
        /// Points, the ends included.
        points: usize,
        /// Beam width (1 = greedy).
        beam: usize,
        /// Sentences drawn from p(x | z) at each point of the straight line.
        draws: usize,
        /// Seed of the draws.
        seed: u64,
    },
    /// A typed sentence decoded from its posterior mean and from `samples` codes
    /// drawn from its posterior.
    Reconstruct {
        /// The sentence.
        text: String,
        /// Codes drawn from q(z | x).
        samples: usize,
        /// Beam width (1 = greedy).
        beam: usize,
        /// Seed of the draws.
        seed: u64,
    },
    /// Sentences decoded from codes drawn from the prior N(0, I).
    Prior {
        /// Sentences.
        count: usize,
        /// Beam width (1 = greedy).
        beam: usize,
        /// Seed of the codes.
        seed: u64,
    },
    /// The concept vector mean(code | training sentences with `plus`) −
    /// mean(code | with `minus`), added with each strength to `base`'s code.
    Concept {
        /// A word the sentences with the concept contain.
        plus: String,
        /// A word the sentences without it contain.
        minus: String,
        /// The sentence to move.
        base: String,
        /// Multiples of the vector (0 = the base's reconstruction).
        strengths: Vec<f32>,
        /// Beam width (1 = greedy).
        beam: usize,
    },
}

/// A sentence VAE's answer.
#[derive(Clone, Debug, PartialEq)]
pub enum SentenceAnswer {
    /// Held-out sentences and their codes, with a basis to project them.
    Map {
        /// The sentences.
        texts: Vec<String>,
        /// Their posterior means.
        codes: Vec<Vec<f32>>,
        /// Principal components of the codes.
        basis: super::LatentBasis,
    },
    /// A code decoded.
    Decoded(SentenceLine),
    /// Held-out sentences.
    HeldOut(Vec<String>),
    /// The homotopy.
    Homotopy {
        /// Along the straight line.
        straight: Vec<SentenceLine>,
        /// Along the great circle.
        circle: Vec<SentenceLine>,
        /// Draws from p(x | z) at each point of the straight line.
        draws: Vec<Vec<SentenceLine>>,
        /// Typed words the vocabulary does not know (read as `<unk>`).
        unknown: Vec<String>,
    },
    /// A typed sentence written back.
    Reconstruct {
        /// From the posterior mean.
        mean: SentenceLine,
        /// From codes drawn from the posterior.
        samples: Vec<SentenceLine>,
        /// Typed words the vocabulary does not know.
        unknown: Vec<String>,
    },
    /// Sentences from the prior.
    Prior(Vec<SentenceLine>),
    /// A sentence moved along a concept vector.
    Concept {
        /// Each strength with its sentence.
        rows: Vec<(f32, SentenceLine)>,
        /// Training sentences averaged for each end (with, without).
        counts: (usize, usize),
    },
}
