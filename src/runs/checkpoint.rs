//! Checkpoints: weights in safetensors, with the spec (as TOML text) and step in its
//! metadata, so a checkpoint alone is enough to rebuild and continue an experiment.
//! This module knows the file; `experiments::checkpoint` parses the spec in it.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{Device, Tensor};

use super::atomic::write_atomic;
use crate::{Result, StudioError};

const FORMAT: &str = "latent-studio-checkpoint/1";

/// A checkpoint read from disk, its spec as text.
pub struct CheckpointFile {
    /// The spec of the experiment that wrote it, as TOML.
    pub spec_toml: String,
    /// The training step it was written at.
    pub step: u64,
    /// Its tensors by name.
    pub tensors: HashMap<String, Tensor>,
}

/// Writes `tensors` with the spec (its architecture and TOML text) and `step` to
/// `path`, atomically.
pub fn save(
    path: &Path,
    architecture: &str,
    spec_toml: &str,
    step: u64,
    tensors: &[(String, Tensor)],
) -> Result<()> {
    let mut meta = HashMap::new();
    meta.insert("format".to_string(), FORMAT.to_string());
    meta.insert("architecture".to_string(), architecture.to_string());
    meta.insert("step".to_string(), step.to_string());
    meta.insert("spec".to_string(), spec_toml.to_string());
    let data: Vec<(&str, &Tensor)> = tensors.iter().map(|(n, t)| (n.as_str(), t)).collect();
    let bytes = safetensors::serialize(data, Some(meta))
        .map_err(|e| StudioError::Checkpoint(format!("{}: {e}", path.display())))?;
    write_atomic(path, &bytes)
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
    let tensors =
        candle_core::safetensors::load_buffer(&bytes, device).map_err(|e| bad(e.to_string()))?;
    Ok(CheckpointFile {
        spec_toml: spec_text.clone(),
        step,
        tensors,
    })
}
