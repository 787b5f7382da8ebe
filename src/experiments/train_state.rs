//! What a continued run needs besides the weights to go on exactly as if never
//! stopped: the optimisers' running averages, the random generators' positions,
//! counters (steps for a warm-up, the evaluation cadence), stream positions and any
//! state carried between steps. Each architecture puts its parts by name; the
//! checkpoint carries them (values as JSON in its metadata, tensors beside the
//! weights).

use std::collections::HashMap;

use candle_core::Tensor;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::nn::optim::{Optim, OptimState};
use crate::nn::rng::{RngState, SeededRng};
use crate::{Result, StudioError};

/// The key under which the run loop keeps the step of the last row it wrote
/// before the checkpoint (a branch copies its parent's rows up to it).
pub const LAST_LOGGED: &str = "loop.last_logged";

/// A run's training state by name.
#[derive(Clone, Debug, Default)]
pub struct TrainState {
    values: serde_json::Map<String, serde_json::Value>,
    tensors: Vec<(String, Tensor)>,
}

fn missing(key: &str) -> StudioError {
    StudioError::Checkpoint(format!(
        "the checkpoint's training state has no '{key}': it was written by another model or version"
    ))
}

impl TrainState {
    /// An empty state.
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps `value` under `key`.
    pub fn put<T: Serialize>(&mut self, key: &str, value: &T) -> Result<()> {
        let v = serde_json::to_value(value)
            .map_err(|e| StudioError::Checkpoint(format!("training state '{key}': {e}")))?;
        self.values.insert(key.to_string(), v);
        Ok(())
    }

    /// The value kept under `key`.
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Result<T> {
        let v = self.values.get(key).ok_or_else(|| missing(key))?;
        serde_json::from_value(v.clone())
            .map_err(|e| StudioError::Checkpoint(format!("training state '{key}' is invalid: {e}")))
    }

    /// Keeps a tensor (a copy of its values as they are now).
    pub fn put_tensor(&mut self, key: &str, tensor: &Tensor) -> Result<()> {
        self.tensors.retain(|(k, _)| k != key);
        self.tensors.push((key.to_string(), tensor.copy()?));
        Ok(())
    }

    /// The tensor kept under `key`, of the `dims` the model expects.
    pub fn tensor(&self, key: &str, dims: &[usize]) -> Result<Tensor> {
        let t = self
            .tensors
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, t)| t.clone())
            .ok_or_else(|| missing(key))?;
        if t.dims() != dims {
            return Err(StudioError::Checkpoint(format!(
                "training state '{key}' has shape {:?}, the model's is {dims:?}",
                t.dims()
            )));
        }
        Ok(t)
    }

    /// Keeps where a random generator stands.
    pub fn put_rng(&mut self, key: &str, rng: &SeededRng) -> Result<()> {
        self.put(key, &RngState::of(rng))
    }

    /// A generator where the one kept under `key` stood.
    pub fn rng(&self, key: &str) -> Result<SeededRng> {
        self.get::<RngState>(key)?.restore()
    }

    /// Keeps an optimiser's running state.
    pub fn put_optim(&mut self, key: &str, optim: &Optim) -> Result<()> {
        let state = optim.state()?;
        let counts: Vec<usize> = state.slots.iter().map(Vec::len).collect();
        self.put(&format!("{key}.rule"), &optim.rule())?;
        self.put(&format!("{key}.updates"), &state.updates)?;
        self.put(&format!("{key}.slots"), &counts)?;
        for (i, slots) in state.slots.iter().enumerate() {
            for (j, t) in slots.iter().enumerate() {
                self.put_tensor(&format!("{key}.{i}.{j}"), t)?;
            }
        }
        Ok(())
    }

    /// Hands the optimiser state kept under `key` to `optim`. A state of another
    /// rule (a branch that changed Adam for SGD, say) is not taken: `optim` starts
    /// afresh.
    pub fn restore_optim(&self, key: &str, optim: &mut Optim) -> Result<()> {
        let rule: String = self.get(&format!("{key}.rule"))?;
        if rule != optim.rule() {
            return Ok(());
        }
        let updates: u64 = self.get(&format!("{key}.updates"))?;
        let counts: Vec<usize> = self.get(&format!("{key}.slots"))?;
        let slots = counts
            .iter()
            .enumerate()
            .map(|(i, &n)| {
                (0..n)
                    .map(|j| {
                        let k = format!("{key}.{i}.{j}");
                        self.tensors
                            .iter()
                            .find(|(name, _)| *name == k)
                            .map(|(_, t)| t.clone())
                            .ok_or_else(|| missing(&k))
                    })
                    .collect::<Result<Vec<_>>>()
            })
            .collect::<Result<Vec<_>>>()?;
        optim
            .restore(&OptimState { updates, slots })
            .map_err(|e| StudioError::Checkpoint(format!("optimiser state '{key}': {e}")))
    }

    /// The state of a model trained like most: by one generator, one optimiser, a
    /// step count and an evaluation cadence.
    pub fn of_one_model(
        rng: &SeededRng,
        opt: &Optim,
        steps: u64,
        cadence: &super::EvalCadence,
    ) -> Result<Self> {
        let mut state = Self::new();
        state.put_rng("rng", rng)?;
        state.put_optim("opt", opt)?;
        state.put("steps", &steps)?;
        state.put("cadence", cadence)?;
        Ok(state)
    }

    /// Takes up what [`TrainState::of_one_model`] kept.
    pub fn restore_one_model(
        &self,
        rng: &mut SeededRng,
        opt: &mut Optim,
        steps: &mut u64,
        cadence: &mut super::EvalCadence,
    ) -> Result<()> {
        let (new_rng, new_steps, new_cadence) =
            (self.rng("rng")?, self.get("steps")?, self.get("cadence")?);
        self.restore_optim("opt", opt)?;
        (*rng, *steps, *cadence) = (new_rng, new_steps, new_cadence);
        Ok(())
    }

    /// The values as JSON text and the tensors, for the checkpoint file.
    pub fn to_parts(&self) -> Result<(String, Vec<(String, Tensor)>)> {
        let json = serde_json::to_string(&self.values)
            .map_err(|e| StudioError::Checkpoint(format!("training state: {e}")))?;
        Ok((json, self.tensors.clone()))
    }

    /// The state [`TrainState::to_parts`] gave.
    pub fn from_parts(json: &str, tensors: HashMap<String, Tensor>) -> Result<Self> {
        let values = serde_json::from_str(json).map_err(|e| {
            StudioError::Checkpoint(format!("the checkpoint's training state is not JSON: {e}"))
        })?;
        let mut tensors: Vec<(String, Tensor)> = tensors.into_iter().collect();
        tensors.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Self { values, tensors })
    }

    /// How many bytes its tensors hold.
    pub fn tensor_bytes(&self) -> usize {
        self.tensors
            .iter()
            .map(|(_, t)| t.elem_count() * t.dtype().size_in_bytes())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::optim::OptimizerKind;
    use candle_core::{Device, Var};
    use rand::{Rng, SeedableRng};

    #[test]
    fn every_part_round_trips_through_the_files_parts() {
        let d = Device::Cpu;
        let mut rng = SeededRng::seed_from_u64(3);
        let _: u64 = rng.random();
        let var = Var::from_tensor(&Tensor::new(&[1f32, -2.0, 3.0], &d).unwrap()).unwrap();
        let mut optim = Optim::new(OptimizerKind::Adam, vec![var.clone()], 0.1, 0.9).unwrap();
        let loss = var.as_tensor().sqr().unwrap().sum_all().unwrap();
        optim.step(&loss.backward().unwrap()).unwrap();
        let mut state = TrainState::new();
        state.put("steps", &17u64).unwrap();
        state.put_rng("rng", &rng).unwrap();
        state.put_optim("opt", &optim).unwrap();
        state
            .put_tensor(
                "carry",
                &Tensor::ones((2, 2), candle_core::DType::F32, &d).unwrap(),
            )
            .unwrap();
        let (json, tensors) = state.to_parts().unwrap();
        let back = TrainState::from_parts(&json, tensors.into_iter().collect()).unwrap();
        assert_eq!(back.get::<u64>("steps").unwrap(), 17);
        assert_eq!(
            back.rng("rng").unwrap().random::<u64>(),
            rng.random::<u64>()
        );
        assert_eq!(back.tensor("carry", &[2, 2]).unwrap().dims(), &[2, 2]);
        assert!(
            back.tensor("carry", &[4]).is_err(),
            "a wrong shape is named"
        );
        let mut other = Optim::new(OptimizerKind::Adam, vec![var.clone()], 0.1, 0.9).unwrap();
        back.restore_optim("opt", &mut other).unwrap();
        assert_eq!(other.state().unwrap().updates, 1);
        // Another rule starts afresh instead.
        let mut sgd = Optim::new(OptimizerKind::RmsProp, vec![var.clone()], 0.1, 0.9).unwrap();
        back.restore_optim("opt", &mut sgd).unwrap();
        assert!(sgd.state().unwrap().slots.iter().all(Vec::is_empty));
        assert!(
            back.get::<u64>("nothing")
                .unwrap_err()
                .to_string()
                .contains("'nothing'")
        );
    }
}
