//! A checkpoint with its spec: the file `runs::checkpoint` reads and writes, its
//! spec parsed (and checked) as an [`ExperimentSpec`].

use std::collections::HashMap;
use std::path::Path;

use candle_core::{Device, Tensor};

use super::ExperimentSpec;
use crate::runs::checkpoint as file;
use crate::{Result, StudioError};

/// A checkpoint read from disk.
pub struct Checkpoint {
    /// The spec of the experiment that wrote it.
    pub spec: ExperimentSpec,
    /// The training step it was written at.
    pub step: u64,
    /// Its tensors by name.
    pub tensors: HashMap<String, Tensor>,
}

/// Writes `tensors` with `spec` and `step` to `path`, atomically.
pub fn save(
    path: &Path,
    spec: &ExperimentSpec,
    step: u64,
    tensors: &[(String, Tensor)],
) -> Result<()> {
    file::save(path, spec.architecture(), &spec.to_toml()?, step, tensors)
}

/// Reads a checkpoint written by [`save`]; any other file, or one whose spec does
/// not parse, gets an error naming it.
pub fn load(path: &Path, device: &Device) -> Result<Checkpoint> {
    let raw = file::load(path, device)?;
    let spec = ExperimentSpec::from_toml(&raw.spec_toml).map_err(|e| {
        StudioError::Checkpoint(format!("{}: its spec is invalid: {e}", path.display()))
    })?;
    Ok(Checkpoint {
        spec,
        step: raw.step,
        tensors: raw.tensors,
    })
}
