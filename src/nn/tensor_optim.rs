//! Adam and RMSProp in candle's tensor ops, for devices other than the CPU (and
//! the references the in-place [`super::fused_optim`] versions are tested against).
//! Their running averages are plain tensors, so a checkpoint can carry them.

use candle_core::backprop::GradStore;
use candle_core::{Tensor, Var};

use super::fused_optim::{AdamSettings, FusedRmsProp, OptimState, check_slots};
use crate::Result;

/// Adam (no weight decay: candle_nn's AdamW with decay 0).
pub struct TensorAdam {
    vars: Vec<Var>,
    /// Each variable's two moments, made at its first update.
    moments: Vec<Vec<Tensor>>,
    settings: AdamSettings,
    updates: u64,
}

impl TensorAdam {
    /// Adam over the float variables of `vars`.
    pub fn new(vars: Vec<Var>, settings: AdamSettings) -> Self {
        let vars: Vec<Var> = vars.into_iter().filter(|v| v.dtype().is_float()).collect();
        Self {
            moments: vec![Vec::new(); vars.len()],
            vars,
            settings,
            updates: 0,
        }
    }

    /// One update from `grads` (the bias correction moves on for every variable).
    pub fn step(&mut self, grads: &GradStore) -> Result<()> {
        self.updates += 1;
        let AdamSettings {
            lr,
            beta1,
            beta2,
            eps,
        } = self.settings;
        let t = self.updates.min(i32::MAX as u64) as i32;
        let (scale_m, scale_v) = (1.0 / (1.0 - beta1.powi(t)), 1.0 / (1.0 - beta2.powi(t)));
        for (var, moments) in self.vars.iter().zip(self.moments.iter_mut()) {
            let Some(g) = grads.get(var) else { continue };
            let g = g.detach();
            if moments.is_empty() {
                *moments = vec![var.zeros_like()?, var.zeros_like()?];
            }
            let m = ((&moments[0] * beta1)? + (&g * (1.0 - beta1))?)?;
            let v = ((&moments[1] * beta2)? + (g.sqr()? * (1.0 - beta2))?)?;
            let step = ((&m * scale_m)? / ((&v * scale_v)?.sqrt()? + eps)?)?;
            var.set(&(var.as_tensor() - (step * lr)?)?)?;
            *moments = vec![m, v];
        }
        Ok(())
    }

    /// Changes the learning rate from the next update on.
    pub fn set_learning_rate(&mut self, lr: f64) {
        self.settings.lr = lr;
    }

    /// The update count and each variable's moments.
    pub fn state(&self) -> OptimState {
        OptimState {
            updates: self.updates,
            slots: self.moments.clone(),
        }
    }

    /// Takes up `state` (from [`TensorAdam::state`] or the fused Adam's, of the same
    /// variables).
    pub fn restore(&mut self, state: &OptimState) -> Result<()> {
        check_slots(self.vars.iter(), &state.slots, 2)?;
        self.moments = placed(&self.vars, &state.slots)?;
        self.updates = state.updates;
        Ok(())
    }
}

/// RMSProp in candle's tensor ops: θ ← θ − lr·g / (√v + ε), v ← α·v + (1 − α)·g²
/// (PyTorch's formulation); the reference [`FusedRmsProp`] is tested against.
pub struct RmsProp {
    vars: Vec<Var>,
    square_avg: Vec<Tensor>,
    /// The learning rate.
    pub lr: f64,
}

impl RmsProp {
    const ALPHA: f64 = FusedRmsProp::ALPHA;
    const EPS: f64 = FusedRmsProp::EPS;

    /// RMSProp over `vars`.
    pub fn new(vars: Vec<Var>, lr: f64) -> Result<Self> {
        let square_avg = vars
            .iter()
            .map(|v| v.zeros_like())
            .collect::<candle_core::Result<Vec<_>>>()?;
        Ok(Self {
            vars,
            square_avg,
            lr,
        })
    }

    /// One update from `grads`.
    pub fn step(&mut self, grads: &GradStore) -> Result<()> {
        for (var, avg) in self.vars.iter().zip(self.square_avg.iter_mut()) {
            let Some(g) = grads.get(var) else { continue };
            let g = g.detach();
            *avg = ((&*avg * Self::ALPHA)? + (g.sqr()? * (1.0 - Self::ALPHA))?)?;
            let update = (g / (avg.sqrt()? + Self::EPS)?)?;
            var.set(&(var.as_tensor() - (update * self.lr)?)?)?;
        }
        Ok(())
    }

    /// Each variable's mean square.
    pub fn state(&self) -> OptimState {
        OptimState {
            updates: 0,
            slots: self.square_avg.iter().map(|t| vec![t.clone()]).collect(),
        }
    }

    /// Takes up `state` (a variable never updated restarts from zero).
    pub fn restore(&mut self, state: &OptimState) -> Result<()> {
        check_slots(self.vars.iter(), &state.slots, 1)?;
        let placed = placed(&self.vars, &state.slots)?;
        for ((avg, saved), var) in self.square_avg.iter_mut().zip(placed).zip(&self.vars) {
            *avg = match saved.into_iter().next() {
                Some(t) => t,
                None => var.zeros_like()?,
            };
        }
        Ok(())
    }
}

/// Saved averages on each variable's device and in its type.
fn placed(vars: &[Var], slots: &[Vec<Tensor>]) -> Result<Vec<Vec<Tensor>>> {
    vars.iter()
        .zip(slots)
        .map(|(var, saved)| {
            saved
                .iter()
                .map(|t| Ok(t.to_dtype(var.dtype())?.to_device(var.device())?))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::fused_optim::FusedAdam;
    use candle_core::Device;

    fn grads_of(var: &Var, k: f32) -> GradStore {
        // loss = Σ k·x³ → gradient 3k·x².
        let loss = (var.as_tensor().powf(3.0).unwrap() * k as f64)
            .unwrap()
            .sum_all()
            .unwrap();
        loss.backward().unwrap()
    }

    /// Both Adams take the same steps, and each continues from the other's state
    /// as if never interrupted.
    #[test]
    fn tensor_adam_matches_the_fused_one_and_their_states_carry_over() {
        let d = Device::Cpu;
        let start = Tensor::new(&[0.5f32, -1.0, 2.0, 0.1], &d).unwrap();
        let settings = AdamSettings {
            lr: 0.01,
            beta1: 0.5,
            beta2: 0.999,
            eps: 1e-8,
        };
        let (a, b) = (
            Var::from_tensor(&start).unwrap(),
            Var::from_tensor(&start).unwrap(),
        );
        let mut tensor = TensorAdam::new(vec![a.clone()], settings);
        let mut fused = FusedAdam::new(vec![b.clone()], settings);
        for k in 1..=5 {
            tensor.step(&grads_of(&a, k as f32)).unwrap();
            fused.step(&grads_of(&b, k as f32)).unwrap();
        }
        let close = |x: &Var, y: &Var| {
            let (x, y): (Vec<f32>, Vec<f32>) = (
                x.as_tensor().to_vec1().unwrap(),
                y.as_tensor().to_vec1().unwrap(),
            );
            x.iter().zip(&y).all(|(p, q)| (p - q).abs() < 1e-6)
        };
        assert!(close(&a, &b));
        // Hand each one's state to a fresh optimiser of the other kind.
        let (c, e) = (
            Var::from_tensor(&a.as_tensor().copy().unwrap()).unwrap(),
            Var::from_tensor(&b.as_tensor().copy().unwrap()).unwrap(),
        );
        let mut fused_again = FusedAdam::new(vec![c.clone()], settings);
        fused_again.restore(&tensor.state()).unwrap();
        let mut tensor_again = TensorAdam::new(vec![e.clone()], settings);
        tensor_again.restore(&fused.state().unwrap()).unwrap();
        for k in 6..=8 {
            tensor.step(&grads_of(&a, k as f32)).unwrap();
            fused_again.step(&grads_of(&c, k as f32)).unwrap();
            tensor_again.step(&grads_of(&e, k as f32)).unwrap();
        }
        assert!(
            close(&a, &c) && close(&a, &e),
            "continued as if never stopped"
        );
        // A fresh Adam (no state) goes elsewhere: the state matters.
        let f = Var::from_tensor(&b.as_tensor().copy().unwrap()).unwrap();
        let mut fresh = FusedAdam::new(vec![f.clone()], settings);
        fresh.step(&grads_of(&f, 6.0)).unwrap();
        let g = Var::from_tensor(&b.as_tensor().copy().unwrap()).unwrap();
        let mut carried = FusedAdam::new(vec![g.clone()], settings);
        carried.restore(&fused.state().unwrap()).unwrap();
        carried.step(&grads_of(&g, 6.0)).unwrap();
        assert!(!close(&f, &g));
    }

    #[test]
    fn a_state_of_other_shapes_is_refused_and_changes_nothing() {
        let d = Device::Cpu;
        let var = Var::from_tensor(&Tensor::new(&[1f32, 2.0], &d).unwrap()).unwrap();
        let mut adam = TensorAdam::new(
            vec![var.clone()],
            AdamSettings {
                lr: 0.1,
                beta1: 0.9,
                beta2: 0.999,
                eps: 1e-8,
            },
        );
        let wrong = OptimState {
            updates: 3,
            slots: vec![vec![
                Tensor::zeros(3, candle_core::DType::F32, &d).unwrap();
                2
            ]],
        };
        assert!(adam.restore(&wrong).is_err());
        assert_eq!(adam.state().updates, 0);
        let too_many = OptimState {
            updates: 1,
            slots: vec![vec![], vec![]],
        };
        assert!(adam.restore(&too_many).is_err());
        let mut fused = FusedAdam::new(
            vec![var],
            AdamSettings {
                lr: 0.1,
                beta1: 0.9,
                beta2: 0.999,
                eps: 1e-8,
            },
        );
        assert!(fused.restore(&wrong).is_err());
    }
}
