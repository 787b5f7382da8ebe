//! A named set of trainable tensors with seeded initialisation.
//!
//! candle's CPU device cannot be seeded, so weights are drawn here from a seeded
//! `StdRng`: the same seed gives the same network, run after run.

use std::collections::HashMap;

use candle_core::{DType, Device, Tensor, Var};
use rand::Rng;
use rand::rngs::StdRng;

use crate::{Result, StudioError};

/// Trainable tensors by name (`g.0.weight`, …), in creation order.
#[derive(Default)]
pub struct ParamStore {
    entries: Vec<(String, Var)>,
}

impl ParamStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Creates a tensor of `shape` drawn uniformly from `[-bound, bound]`.
    pub fn uniform(
        &mut self,
        name: &str,
        shape: &[usize],
        bound: f32,
        rng: &mut StdRng,
        device: &Device,
    ) -> Result<Tensor> {
        let n: usize = shape.iter().product();
        let data: Vec<f32> = (0..n).map(|_| rng.random_range(-bound..=bound)).collect();
        let var = Var::from_tensor(&Tensor::from_vec(data, shape, device)?)?;
        let tensor = var.as_tensor().clone();
        self.entries.push((name.to_string(), var));
        Ok(tensor)
    }

    /// The variables whose names start with `prefix` (e.g. `"g."` for a generator).
    pub fn vars_with_prefix(&self, prefix: &str) -> Vec<Var> {
        self.entries
            .iter()
            .filter(|(n, _)| n.starts_with(prefix))
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Every tensor by name, for a checkpoint.
    pub fn tensors(&self) -> Vec<(String, Tensor)> {
        self.entries
            .iter()
            .map(|(n, v)| (n.clone(), v.as_tensor().clone()))
            .collect()
    }

    /// Overwrites every tensor from `loaded`; a missing name or a wrong shape is an
    /// error that names it, and nothing is changed unless everything fits.
    pub fn load(&self, loaded: &HashMap<String, Tensor>) -> Result<()> {
        for (name, var) in &self.entries {
            let Some(t) = loaded.get(name) else {
                return Err(StudioError::Checkpoint(format!(
                    "the checkpoint has no tensor '{name}': it was made by another model"
                )));
            };
            if t.dims() != var.dims() {
                return Err(StudioError::Checkpoint(format!(
                    "tensor '{name}' has shape {:?} in the checkpoint but {:?} in this model",
                    t.dims(),
                    var.dims()
                )));
            }
        }
        for (name, var) in &self.entries {
            if let Some(t) = loaded.get(name) {
                var.set(&t.to_dtype(DType::F32)?.to_device(var.device())?)?;
            }
        }
        Ok(())
    }
}
