//! A checkpoint with its spec: the file `runs::checkpoint` reads and writes, its
//! spec parsed (and checked) as an [`ExperimentSpec`].

use std::collections::HashMap;
use std::path::Path;

use candle_core::{Device, Tensor};

use super::{ExperimentSpec, TrainState};
use crate::runs::checkpoint as file;
use crate::{Result, StudioError};

/// A checkpoint read from disk.
pub struct Checkpoint {
    /// The spec of the experiment that wrote it.
    pub spec: ExperimentSpec,
    /// The training step it was written at.
    pub step: u64,
    /// Its weights by name.
    pub tensors: HashMap<String, Tensor>,
    /// What training goes on from besides the weights; `None` in a checkpoint of
    /// weights alone (an older version's, or one saved for sharing).
    pub state: Option<TrainState>,
}

/// Writes `tensors` with `spec` and `step` to `path`, atomically.
pub fn save(
    path: &Path,
    spec: &ExperimentSpec,
    step: u64,
    tensors: &[(String, Tensor)],
) -> Result<()> {
    file::save(
        path,
        spec.architecture(),
        &spec.to_toml()?,
        step,
        tensors,
        None,
    )
}

/// Writes a resumable checkpoint: the weights `tensors` and the training `state`
/// with `spec` and `step` to `path`, atomically.
pub fn save_resumable(
    path: &Path,
    spec: &ExperimentSpec,
    step: u64,
    tensors: &[(String, Tensor)],
    state: &TrainState,
) -> Result<()> {
    let bytes = encode_resumable(path, spec, step, tensors, state)?;
    crate::runs::atomic::write_atomic(path, &bytes)
}

/// The bytes [`save_resumable`] writes (`path` only names the file in an error).
pub fn encode_resumable(
    path: &Path,
    spec: &ExperimentSpec,
    step: u64,
    tensors: &[(String, Tensor)],
    state: &TrainState,
) -> Result<Vec<u8>> {
    let (json, state_tensors) = state.to_parts()?;
    file::encode(
        path,
        spec.architecture(),
        &spec.to_toml()?,
        step,
        tensors,
        Some((&json, &state_tensors)),
    )
}

/// Reads a checkpoint written by [`save`]; any other file, or one whose spec does
/// not parse, gets an error naming it.
pub fn load(path: &Path, device: &Device) -> Result<Checkpoint> {
    let raw = file::load(path, device)?;
    let spec = ExperimentSpec::from_toml(&raw.spec_toml).map_err(|e| {
        StudioError::Checkpoint(format!("{}: its spec is invalid: {e}", path.display()))
    })?;
    let state = match raw.state {
        Some(parts) => Some(
            TrainState::from_parts(&parts.json, parts.tensors)
                .map_err(|e| StudioError::Checkpoint(format!("{}: {e}", path.display())))?,
        ),
        None => None,
    };
    Ok(Checkpoint {
        spec,
        step: raw.step,
        tensors: raw.tensors,
        state,
    })
}
