//! Checkpoints: weights in safetensors, with the spec (as TOML text) and step in its
//! metadata, so a checkpoint alone is enough to rebuild and continue an experiment.
//! A resumable checkpoint also holds the training state (optimiser averages, random
//! generators, counters): its values as JSON in the metadata, its tensors beside the
//! weights under names that start with [`STATE_PREFIX`].
//! This module knows the file; `experiments::checkpoint` parses the spec in it.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{Device, Tensor};

use super::atomic::write_atomic;
use crate::{Result, StudioError};

const FORMAT: &str = "latent-studio-checkpoint/1";

/// The names of the training state's tensors start with this.
pub const STATE_PREFIX: &str = "state/";

/// A checkpoint's training state as the file holds it: JSON values and tensors.
pub struct StateParts {
    /// The values, as JSON text.
    pub json: String,
    /// The tensors by name (without [`STATE_PREFIX`]).
    pub tensors: HashMap<String, Tensor>,
}

/// A checkpoint read from disk, its spec as text.
pub struct CheckpointFile {
    /// The spec of the experiment that wrote it, as TOML.
    pub spec_toml: String,
    /// The training step it was written at.
    pub step: u64,
    /// Its weights by name.
    pub tensors: HashMap<String, Tensor>,
    /// Its training state, if it was written with one.
    pub state: Option<StateParts>,
}

/// Writes `tensors` with the spec (its architecture and TOML text) and `step` to
/// `path`, atomically, with the training state (JSON values and tensors) if given.
pub fn save(
    path: &Path,
    architecture: &str,
    spec_toml: &str,
    step: u64,
    tensors: &[(String, Tensor)],
    state: Option<(&str, &[(String, Tensor)])>,
) -> Result<()> {
    let bytes = encode(path, architecture, spec_toml, step, tensors, state)?;
    write_atomic(path, &bytes)
}

/// The bytes [`save`] writes (`path` only names the file in an error).
pub fn encode(
    path: &Path,
    architecture: &str,
    spec_toml: &str,
    step: u64,
    tensors: &[(String, Tensor)],
    state: Option<(&str, &[(String, Tensor)])>,
) -> Result<Vec<u8>> {
    let mut meta = HashMap::new();
    let state_names: Vec<String> = state
        .map(|(_, ts)| {
            ts.iter()
                .map(|(n, _)| format!("{STATE_PREFIX}{n}"))
                .collect()
        })
        .unwrap_or_default();
    if let Some((json, _)) = state {
        meta.insert("train_state".to_string(), json.to_string());
    }
    meta.insert("format".to_string(), FORMAT.to_string());
    meta.insert("architecture".to_string(), architecture.to_string());
    meta.insert("step".to_string(), step.to_string());
    meta.insert("spec".to_string(), spec_toml.to_string());
    let mut data: Vec<(&str, &Tensor)> = tensors.iter().map(|(n, t)| (n.as_str(), t)).collect();
    if let Some((_, ts)) = state {
        data.extend(
            state_names
                .iter()
                .map(String::as_str)
                .zip(ts.iter().map(|(_, t)| t)),
        );
    }
    let bytes = safetensors::serialize(data, Some(meta))
        .map_err(|e| StudioError::Checkpoint(format!("{}: {e}", path.display())))?;
    Ok(bytes)
}

/// Reads a checkpoint written by [`save`]; any other file gets an error naming it.
pub fn load(path: &Path, device: &Device) -> Result<CheckpointFile> {
    let bytes = std::fs::read(path).map_err(|e| StudioError::io(path, e))?;
    let bad = |why: String| StudioError::Checkpoint(format!("{}: {why}", path.display()));
    let (_, header) = safetensors::SafeTensors::read_metadata(&bytes)
        .map_err(|e| bad(format!("not a safetensors file ({e})")))?;
    let meta = header.metadata().clone().unwrap_or_default();
    if meta.get("format").map(String::as_str) != Some(FORMAT) {
        return Err(bad(
            "not a Latent Studio checkpoint (no spec in its metadata)".into(),
        ));
    }
    let spec_text = meta
        .get("spec")
        .ok_or_else(|| bad("no spec in its metadata".into()))?;
    let step = meta
        .get("step")
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("no step in its metadata".into()))?;
    if let Some((name, index, value)) = first_non_finite(&bytes) {
        return Err(bad(format!(
            "its tensor `{name}` holds {value} at index {index}: the weights were saved after training diverged; open an earlier checkpoint of the run's history"
        )));
    }
    let all =
        candle_core::safetensors::load_buffer(&bytes, device).map_err(|e| bad(e.to_string()))?;
    let mut tensors = HashMap::new();
    let mut state_tensors = HashMap::new();
    for (name, t) in all {
        match name.strip_prefix(STATE_PREFIX) {
            Some(key) => state_tensors.insert(key.to_string(), t),
            None => tensors.insert(name, t),
        };
    }
    let state = meta.get("train_state").map(|json| StateParts {
        json: json.clone(),
        tensors: state_tensors,
    });
    Ok(CheckpointFile {
        spec_toml: spec_text.clone(),
        step,
        tensors,
        state,
    })
}

/// The first value that is NaN or infinite in a safetensors file's floating-point
/// tensors: `(tensor name, flat index, value)`. Read from the bytes, before any
/// tensor is made.
pub fn first_non_finite(bytes: &[u8]) -> Option<(String, usize, f64)> {
    use safetensors::Dtype;
    let file = safetensors::SafeTensors::deserialize(bytes).ok()?;
    let mut names = file.names();
    names.sort();
    for name in names {
        let Ok(view) = file.tensor(name) else {
            continue;
        };
        let data = view.data();
        let bad = match view.dtype() {
            Dtype::F32 => data
                .chunks_exact(4)
                .map(|c| f64::from(f32::from_le_bytes([c[0], c[1], c[2], c[3]])))
                .enumerate()
                .find(|(_, v)| !v.is_finite()),
            Dtype::F64 => data
                .chunks_exact(8)
                .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                .enumerate()
                .find(|(_, v)| !v.is_finite()),
            _ => None,
        };
        if let Some((index, value)) = bad {
            return Some((name.to_string(), index, value));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_with(values: &[f32]) -> Vec<u8> {
        let good = Tensor::new(&[1f32, 2.0], &Device::Cpu).unwrap();
        let odd = Tensor::new(values, &Device::Cpu).unwrap();
        encode(
            Path::new("x.safetensors"),
            "gan2d",
            "",
            3,
            &[("a.weight".into(), good), ("b.weight".into(), odd)],
            None,
        )
        .unwrap()
    }

    #[test]
    fn a_nan_or_infinity_is_found_with_its_tensor_and_index() {
        assert_eq!(first_non_finite(&file_with(&[0.5, -1.0, 3.0])), None);
        let (name, index, value) = first_non_finite(&file_with(&[0.5, f32::NAN])).unwrap();
        assert_eq!((name.as_str(), index), ("b.weight", 1));
        assert!(value.is_nan());
        let (_, index, value) = first_non_finite(&file_with(&[f32::NEG_INFINITY, 1.0])).unwrap();
        assert_eq!((index, value), (0, f64::NEG_INFINITY));
    }

    #[test]
    fn loading_a_checkpoint_with_nan_weights_names_the_tensor() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("checkpoint.safetensors");
        std::fs::write(&path, file_with(&[f32::NAN, 1.0])).unwrap();
        let Err(e) = load(&path, &Device::Cpu) else {
            panic!("a checkpoint with NaN weights was loaded");
        };
        let msg = e.to_string();
        assert!(msg.contains("b.weight") && msg.contains("NaN"), "{msg}");
    }
}
