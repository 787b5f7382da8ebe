//! Adam and RMSProp as one in-place pass per variable.
//!
//! candle_nn's `AdamW` builds each update from about ten tensor ops, every one a
//! full pass over the variable that allocates its result, then copies three results
//! back into place: a sixth of a conv-VAE training step (RMSProp in tensor ops is
//! six). Here one pass reads the gradient and updates the moments and the variable
//! where they lie (a candle in-place op on the variable's own storage). Adam's update
//! is AdamW's with no weight decay and RMSProp's is PyTorch's, to float tolerance; the
//! tensor-op versions remain for other devices.

use std::sync::Mutex;

use candle_core::{CpuStorage, InplaceOp2, Layout, Var};
use rayon::prelude::*;

use super::kernels::Real;

/// Adam's settings.
#[derive(Clone, Copy, Debug)]
pub struct AdamSettings {
    /// Learning rate.
    pub lr: f64,
    /// Decay of the first moment.
    pub beta1: f64,
    /// Decay of the second moment.
    pub beta2: f64,
    /// Added to the square root of the second moment.
    pub eps: f64,
}

/// Adam over a set of variables, each updated in place.
pub struct FusedAdam {
    vars: Vec<(Var, Moments)>,
    settings: AdamSettings,
    step: i32,
}

impl FusedAdam {
    /// Adam over the float variables of `vars`.
    pub fn new(vars: Vec<Var>, settings: AdamSettings) -> Self {
        Self {
            vars: with_moments(vars),
            settings,
            step: 0,
        }
    }

    /// One update from `grads` (variables without a gradient keep their values and
    /// moments, but the step count, and so the bias correction, moves on for all).
    pub fn step(&mut self, grads: &candle_core::backprop::GradStore) -> candle_core::Result<()> {
        self.step += 1;
        let AdamSettings {
            lr,
            beta1,
            beta2,
            eps,
        } = self.settings;
        for (var, moments) in &self.vars {
            let Some(g) = grads.get(var) else { continue };
            let update = Update {
                moments,
                rule: Rule::Adam {
                    lr,
                    beta1,
                    beta2,
                    eps,
                    scale_m: 1.0 / (1.0 - beta1.powi(self.step)),
                    scale_v: 1.0 / (1.0 - beta2.powi(self.step)),
                },
            };
            var.as_tensor().inplace_op2(&g.contiguous()?, &update)?;
        }
        Ok(())
    }

    /// Changes the learning rate from the next update on.
    pub fn set_learning_rate(&mut self, lr: f64) {
        self.settings.lr = lr;
    }

    /// The update count and each variable's moments, to continue exactly.
    pub fn state(&self) -> candle_core::Result<OptimState> {
        Ok(OptimState {
            updates: self.step as u64,
            slots: slots_of(&self.vars)?,
        })
    }

    /// Takes up `state` (from [`FusedAdam::state`] of the same variables).
    pub fn restore(&mut self, state: &OptimState) -> candle_core::Result<()> {
        restore_slots(&self.vars, &state.slots, 2)?;
        self.step = i32::try_from(state.updates)
            .map_err(|_| candle_core::Error::Msg("adam: update count out of range".into()))?;
        Ok(())
    }
}

/// RMSProp (PyTorch's: α = 0.99, ε = 1e-8, no momentum) over a set of variables,
/// each updated in place: θ ← θ − lr·g / (√v + ε), v ← α·v + (1 − α)·g².
pub struct FusedRmsProp {
    vars: Vec<(Var, Moments)>,
    lr: f64,
}

impl FusedRmsProp {
    /// The decay of the mean square.
    pub const ALPHA: f64 = 0.99;
    /// Added to the root mean square.
    pub const EPS: f64 = 1e-8;

    /// RMSProp over the float variables of `vars`.
    pub fn new(vars: Vec<Var>, lr: f64) -> Self {
        Self {
            vars: with_moments(vars),
            lr,
        }
    }

    /// One update from `grads` (variables without a gradient are left alone).
    pub fn step(&mut self, grads: &candle_core::backprop::GradStore) -> candle_core::Result<()> {
        for (var, moments) in &self.vars {
            let Some(g) = grads.get(var) else { continue };
            let update = Update {
                moments,
                rule: Rule::RmsProp {
                    lr: self.lr,
                    alpha: Self::ALPHA,
                    eps: Self::EPS,
                },
            };
            var.as_tensor().inplace_op2(&g.contiguous()?, &update)?;
        }
        Ok(())
    }

    /// Changes the learning rate from the next update on.
    pub fn set_learning_rate(&mut self, lr: f64) {
        self.lr = lr;
    }

    /// Each variable's mean square, to continue exactly.
    pub fn state(&self) -> candle_core::Result<OptimState> {
        Ok(OptimState {
            updates: 0,
            slots: slots_of(&self.vars)?,
        })
    }

    /// Takes up `state` (from [`FusedRmsProp::state`] of the same variables).
    pub fn restore(&mut self, state: &OptimState) -> candle_core::Result<()> {
        restore_slots(&self.vars, &state.slots, 1)
    }
}

/// Each variable's running averages as tensors of its shape (none before its
/// first update).
fn slots_of(vars: &[(Var, Moments)]) -> candle_core::Result<Vec<Vec<candle_core::Tensor>>> {
    vars.iter()
        .map(|(var, moments)| {
            let slots = moments
                .0
                .lock()
                .map_err(|_| candle_core::Error::Msg("optimiser state poisoned".into()))?;
            slots
                .iter()
                .map(|storage| {
                    let device = candle_core::Device::Cpu;
                    match storage {
                        CpuStorage::F32(v) => {
                            candle_core::Tensor::from_slice(v, var.shape(), &device)
                        }
                        CpuStorage::F64(v) => {
                            candle_core::Tensor::from_slice(v, var.shape(), &device)
                        }
                        _ => candle_core::bail!("optimiser: f32 or f64 moments"),
                    }
                })
                .collect()
        })
        .collect()
}

/// Sets each variable's running averages from `slots` (as [`slots_of`] made them):
/// as many variables, `count` averages each (or none: not yet updated), each of its
/// variable's shape. Nothing changes unless all fit.
fn restore_slots(
    vars: &[(Var, Moments)],
    slots: &[Vec<candle_core::Tensor>],
    count: usize,
) -> candle_core::Result<()> {
    check_slots(vars.iter().map(|(v, _)| v), slots, count)?;
    for ((var, moments), saved) in vars.iter().zip(slots) {
        let storages = saved
            .iter()
            .map(|t| {
                let t = t.to_dtype(var.dtype())?.flatten_all()?;
                Ok(match var.dtype() {
                    candle_core::DType::F64 => CpuStorage::F64(t.to_vec1()?),
                    _ => CpuStorage::F32(t.to_dtype(candle_core::DType::F32)?.to_vec1()?),
                })
            })
            .collect::<candle_core::Result<Vec<_>>>()?;
        *moments
            .0
            .lock()
            .map_err(|_| candle_core::Error::Msg("optimiser state poisoned".into()))? = storages;
    }
    Ok(())
}

/// Whether `slots` fit `vars`: one entry per variable, each empty or `count`
/// tensors of the variable's shape.
pub(super) fn check_slots<'a>(
    vars: impl ExactSizeIterator<Item = &'a Var>,
    slots: &[Vec<candle_core::Tensor>],
    count: usize,
) -> candle_core::Result<()> {
    if vars.len() != slots.len() {
        candle_core::bail!(
            "the saved optimiser state holds {} variables, the model {}",
            slots.len(),
            vars.len()
        );
    }
    for (i, (var, saved)) in vars.zip(slots).enumerate() {
        if !(saved.is_empty() || saved.len() == count) {
            candle_core::bail!(
                "optimiser state of variable {i}: {} averages, not {count}",
                saved.len()
            );
        }
        if let Some(t) = saved.iter().find(|t| t.dims() != var.dims()) {
            candle_core::bail!(
                "optimiser state of variable {i}: shape {:?}, the variable's {:?}",
                t.dims(),
                var.dims()
            );
        }
    }
    Ok(())
}

/// An optimiser's running state: its update count (Adam's bias correction) and, for
/// each of its variables in order, the running averages it keeps (Adam's two
/// moments, RMSProp's mean square; none before the variable's first update).
#[derive(Clone, Debug, Default)]
pub struct OptimState {
    /// Updates made so far.
    pub updates: u64,
    /// Each variable's running averages.
    pub slots: Vec<Vec<candle_core::Tensor>>,
}

/// The float variables of `vars`, each with its (not yet made) running averages.
fn with_moments(vars: Vec<Var>) -> Vec<(Var, Moments)> {
    vars.into_iter()
        .filter(|v| v.dtype().is_float())
        .map(|v| (v, Moments::default()))
        .collect()
}

/// The running averages of one variable (Adam's two moments, RMSProp's mean
/// square), in its own float type, made at the first update.
#[derive(Default)]
struct Moments(Mutex<Vec<CpuStorage>>);

/// One update rule with its constants for this step.
#[derive(Clone, Copy)]
enum Rule {
    Adam {
        lr: f64,
        beta1: f64,
        beta2: f64,
        eps: f64,
        /// 1 / (1 − βᵗ), the bias corrections.
        scale_m: f64,
        scale_v: f64,
    },
    RmsProp {
        lr: f64,
        alpha: f64,
        eps: f64,
    },
}

impl Rule {
    /// How many running averages the rule keeps per variable.
    fn slots(&self) -> usize {
        match self {
            Rule::Adam { .. } => 2,
            Rule::RmsProp { .. } => 1,
        }
    }
}

struct Update<'a> {
    moments: &'a Moments,
    rule: Rule,
}

impl Update<'_> {
    fn apply<T: Real>(&self, theta: &mut [T], g: &[T]) -> candle_core::Result<()> {
        if theta.len() != g.len() {
            candle_core::bail!(
                "optimiser: gradient of {} values for {}",
                g.len(),
                theta.len()
            );
        }
        let mut slots = self
            .moments
            .0
            .lock()
            .map_err(|_| candle_core::Error::Msg("optimiser state poisoned".into()))?;
        if slots.is_empty() {
            let zeros = || T::into_storage(vec![T::default(); theta.len()]);
            *slots = (0..self.rule.slots()).map(|_| zeros()).collect();
        }
        let mut averages = slots.iter_mut().map(T::storage_mut);
        let f = T::from_f64;
        const CHUNK: usize = 16 * 1024;
        let pieces = theta.par_chunks_mut(CHUNK).zip(g.par_chunks(CHUNK));
        match self.rule {
            Rule::Adam {
                lr,
                beta1,
                beta2,
                eps,
                scale_m,
                scale_v,
            } => {
                let (Some(Some(m)), Some(Some(v))) = (averages.next(), averages.next()) else {
                    candle_core::bail!("adam: the moments' type changed");
                };
                let (b1, b2, c1, c2) = (f(beta1), f(beta2), f(1.0 - beta1), f(1.0 - beta2));
                let (sm, sv, eps, lr) = (f(scale_m), f(scale_v), f(eps), f(lr));
                pieces
                    .zip(m.par_chunks_mut(CHUNK).zip(v.par_chunks_mut(CHUNK)))
                    .for_each(move |((theta, g), (m, v))| {
                        for (((t, &g), m), v) in theta.iter_mut().zip(g).zip(m).zip(v) {
                            *m = *m * b1 + g * c1;
                            *v = *v * b2 + g * g * c2;
                            let step = (*m * sm) / ((*v * sv).sqrt() + eps);
                            *t = *t - step * lr;
                        }
                    });
            }
            Rule::RmsProp { lr, alpha, eps } => {
                let Some(Some(avg)) = averages.next() else {
                    candle_core::bail!("rmsprop: the mean square's type changed");
                };
                let (a, c, eps, lr) = (f(alpha), f(1.0 - alpha), f(eps), f(lr));
                pieces
                    .zip(avg.par_chunks_mut(CHUNK))
                    .for_each(move |((theta, g), avg)| {
                        for ((t, &g), avg) in theta.iter_mut().zip(g).zip(avg) {
                            *avg = *avg * a + g * g * c;
                            *t = *t - g / (avg.sqrt() + eps) * lr;
                        }
                    });
            }
        }
        Ok(())
    }
}

impl InplaceOp2 for Update<'_> {
    fn name(&self) -> &'static str {
        "optimiser-update"
    }

    fn cpu_fwd(
        &self,
        theta: &mut CpuStorage,
        lt: &Layout,
        g: &CpuStorage,
        lg: &Layout,
    ) -> candle_core::Result<()> {
        let (Some((t0, t1)), Some((g0, g1))) = (lt.contiguous_offsets(), lg.contiguous_offsets())
        else {
            candle_core::bail!("optimiser: the variable and its gradient must be contiguous");
        };
        match (theta, g) {
            (CpuStorage::F32(t), CpuStorage::F32(g)) => self.apply(&mut t[t0..t1], &g[g0..g1]),
            (CpuStorage::F64(t), CpuStorage::F64(g)) => self.apply(&mut t[t0..t1], &g[g0..g1]),
            _ => candle_core::bail!("optimiser: f32 or f64 variables, their gradients alike"),
        }
    }
}
