//! A named set of trainable tensors with seeded initialisation.
//!
//! candle's CPU device cannot be seeded, so weights are drawn here from a seeded
//! `SeededRng`: the same seed gives the same network, run after run.

use std::collections::HashMap;

use crate::nn::rng::SeededRng;
use candle_core::{DType, Device, Tensor, Var};
use rand::Rng;

use crate::memory_guard::ParamBudget;
use crate::{Result, StudioError};

/// Tensors by name (`g.0.weight`, …), in creation order: trainable parameters, and
/// buffers (batch-norm running statistics) that are saved but not optimised.
#[derive(Default)]
pub struct ParamStore {
    entries: Vec<(String, Var)>,
    buffers: Vec<String>,
    /// Each tensor is counted against the memory available before it is made.
    budget: ParamBudget,
}

impl ParamStore {
    /// An empty store, whose tensors must fit the memory available now (see
    /// [`crate::memory_guard`]).
    pub fn new() -> Self {
        Self {
            budget: ParamBudget::now(),
            ..Self::default()
        }
    }

    /// Creates a tensor of `shape` drawn uniformly from `[-bound, bound]`.
    pub fn uniform(
        &mut self,
        name: &str,
        shape: &[usize],
        bound: f32,
        rng: &mut SeededRng,
        device: &Device,
    ) -> Result<Tensor> {
        self.budget.reserve(name, shape)?;
        let n: usize = shape.iter().product();
        let data: Vec<f32> = (0..n).map(|_| rng.random_range(-bound..=bound)).collect();
        self.insert(name, Tensor::from_vec(data, shape, device)?)
    }

    /// Creates a tensor of `shape` drawn from N(0, std²) (DCGAN's initialisation).
    pub fn normal(
        &mut self,
        name: &str,
        shape: &[usize],
        std: f32,
        rng: &mut SeededRng,
        device: &Device,
    ) -> Result<Tensor> {
        self.budget.reserve(name, shape)?;
        let n: usize = shape.iter().product();
        let dist =
            rand_distr::Normal::new(0f32, std).map_err(|e| StudioError::Spec(e.to_string()))?;
        let data: Vec<f32> = (0..n)
            .map(|_| rand_distr::Distribution::sample(&dist, rng))
            .collect();
        self.insert(name, Tensor::from_vec(data, shape, device)?)
    }

    /// Creates a tensor of `shape` filled with `value`.
    pub fn constant(
        &mut self,
        name: &str,
        shape: &[usize],
        value: f32,
        device: &Device,
    ) -> Result<Tensor> {
        self.budget.reserve(name, shape)?;
        self.insert(
            name,
            (Tensor::ones(shape, DType::F32, device)? * value as f64)?,
        )
    }

    /// Creates a buffer: saved in checkpoints, never optimised. Returns the variable,
    /// whose value the owner updates with `Var::set`.
    pub fn buffer(&mut self, name: &str, init: Tensor) -> Result<Var> {
        let var = Var::from_tensor(&init)?;
        self.entries.push((name.to_string(), var.clone()));
        self.buffers.push(name.to_string());
        Ok(var)
    }

    fn insert(&mut self, name: &str, init: Tensor) -> Result<Tensor> {
        let var = Var::from_tensor(&init)?;
        let tensor = var.as_tensor().clone();
        self.entries.push((name.to_string(), var));
        Ok(tensor)
    }

    /// The trainable variables whose names start with `prefix` (e.g. `"g."` for a generator).
    pub fn vars_with_prefix(&self, prefix: &str) -> Vec<Var> {
        self.entries
            .iter()
            .filter(|(n, _)| n.starts_with(prefix) && !self.buffers.contains(n))
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Clamps every trainable variable under `prefix` to `[-c, c]` (WGAN's weight clipping).
    pub fn clamp_prefix(&self, prefix: &str, c: f64) -> Result<()> {
        for var in self.vars_with_prefix(prefix) {
            var.set(&var.as_tensor().clamp(-c, c)?)?;
        }
        Ok(())
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
