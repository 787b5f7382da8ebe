//! What a sentence VAE's checkpoint holds besides its weights — the vocabulary and
//! the training sentences' hashes (to mark generated sentences *seen*) — and a
//! trained model rebuilt from a checkpoint alone.

use std::collections::{HashMap, HashSet};

use candle_core::{DType, Device, Tensor};
use rand::SeedableRng;

use super::model::SentenceNet;
use super::reader::Reader;
use super::spec::SentenceVaeSpec;
use crate::data::sentences::WordVocab;
use crate::nn::params::ParamStore;
use crate::nn::rng::SeededRng;
use crate::{Result, StudioError};

/// The tensor of the vocabulary's code points (each word ended by a 0).
pub const VOCAB_TENSOR: &str = "vocab.words";
/// The tensor of the training sentences' hashes (two u32 halves each, sorted).
pub const HASHES_TENSOR: &str = "train.hashes";

/// The vocabulary's and the hashes' tensors.
pub fn data_tensors(vocab: &WordVocab, seen: &HashSet<u64>, device: &Device) -> Vec<(String, Tensor)> {
    let points = vocab.code_points();
    let mut hashes: Vec<u64> = seen.iter().copied().collect();
    hashes.sort_unstable();
    let halves: Vec<u32> = hashes.iter().flat_map(|h| [*h as u32, (h >> 32) as u32]).collect();
    let mut out = Vec::new();
    let n = points.len();
    if let Ok(t) = Tensor::from_vec(points, n, device) {
        out.push((VOCAB_TENSOR.to_string(), t));
    }
    let n = halves.len();
    if let Ok(t) = Tensor::from_vec(halves, n, device) {
        out.push((HASHES_TENSOR.to_string(), t));
    }
    out
}

/// The vocabulary a checkpoint holds.
pub fn vocab(tensors: &HashMap<String, Tensor>) -> Result<WordVocab> {
    let t = tensors
        .get(VOCAB_TENSOR)
        .ok_or_else(|| StudioError::Checkpoint("the checkpoint holds no vocabulary".into()))?;
    let points = t.to_dtype(DType::U32)?.to_vec1::<u32>()?;
    WordVocab::from_code_points(&points)
        .ok_or_else(|| StudioError::Checkpoint("the checkpoint's vocabulary is not valid".into()))
}

/// The training sentences' hashes a checkpoint holds (none if it holds none).
pub fn hashes(tensors: &HashMap<String, Tensor>) -> Result<HashSet<u64>> {
    let Some(t) = tensors.get(HASHES_TENSOR) else {
        return Ok(HashSet::new());
    };
    let halves = t.to_dtype(DType::U32)?.to_vec1::<u32>()?;
    Ok(halves
        .chunks_exact(2)
        .map(|p| p[0] as u64 | (p[1] as u64) << 32)
        .collect())
}

/// A trained sentence VAE rebuilt from its checkpoint (the text it learned is not needed).
pub struct TrainedSentenceVae {
    net: SentenceNet,
    vocab: WordVocab,
    seen: HashSet<u64>,
    spec: SentenceVaeSpec,
    device: Device,
    _params: ParamStore,
}

impl TrainedSentenceVae {
    /// Rebuilds the model of `spec` from `tensors`.
    pub fn from_checkpoint(
        spec: &SentenceVaeSpec,
        tensors: &HashMap<String, Tensor>,
        device: &Device,
    ) -> Result<Self> {
        let vocab = vocab(tensors)?;
        let mut params = ParamStore::new();
        let mut rng = SeededRng::seed_from_u64(0);
        let net = SentenceNet::new(&spec.model, vocab.len(), &mut params, &mut rng, device)?;
        params.load(tensors)?;
        Ok(Self {
            net,
            vocab,
            seen: hashes(tensors)?,
            spec: spec.clone(),
            device: device.clone(),
            _params: params,
        })
    }

    /// The model as a [`Reader`].
    pub fn reader(&self) -> Reader<'_> {
        Reader {
            net: &self.net,
            vocab: &self.vocab,
            lower: self.spec.data.lower,
            max_tokens: self.spec.data.max_tokens,
            seen: &self.seen,
            device: &self.device,
        }
    }
}
