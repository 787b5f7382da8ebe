//! The optimisers a user can pick, behind one enum.

use candle_core::backprop::GradStore;
use candle_core::{Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW, SGD};
use serde::{Deserialize, Serialize};

use super::fused_optim::{AdamSettings, FusedAdam, FusedRmsProp};
use super::use_candle_ops;
use crate::Result;

/// Which optimiser updates a network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OptimizerKind {
    /// Adam (no weight decay).
    #[default]
    Adam,
    /// Plain stochastic gradient descent.
    Sgd,
    /// RMSProp (α = 0.99), the original WGAN's choice.
    RmsProp,
}

/// A live optimiser over a set of variables.
pub enum Optim {
    /// Adam, one in-place pass per variable.
    Adam(FusedAdam),
    /// Adam in candle_nn's tensor ops (where [`use_candle_ops`] says so).
    CandleAdam(AdamW),
    /// SGD.
    Sgd(SGD),
    /// RMSProp, one in-place pass per variable.
    RmsProp(FusedRmsProp),
    /// RMSProp in candle's tensor ops (where [`use_candle_ops`] says so).
    CandleRmsProp(RmsProp),
}

impl Optim {
    /// Builds the optimiser `kind` over `vars`; `beta1` only matters for Adam.
    pub fn new(kind: OptimizerKind, vars: Vec<Var>, lr: f64, beta1: f64) -> Result<Self> {
        let candle = vars.first().is_some_and(|v| use_candle_ops(v.device()));
        Ok(match kind {
            OptimizerKind::Adam => {
                let settings = AdamSettings {
                    lr,
                    beta1,
                    beta2: 0.999,
                    eps: 1e-8,
                };
                if candle {
                    Optim::CandleAdam(AdamW::new(
                        vars,
                        ParamsAdamW {
                            lr,
                            beta1,
                            beta2: settings.beta2,
                            eps: settings.eps,
                            weight_decay: 0.0,
                        },
                    )?)
                } else {
                    Optim::Adam(FusedAdam::new(vars, settings))
                }
            }
            OptimizerKind::Sgd => Optim::Sgd(SGD::new(vars, lr)?),
            OptimizerKind::RmsProp if candle => Optim::CandleRmsProp(RmsProp::new(vars, lr)?),
            OptimizerKind::RmsProp => Optim::RmsProp(FusedRmsProp::new(vars, lr)),
        })
    }

    /// Applies one update from `grads` (gradients of variables it does not own are ignored).
    pub fn step(&mut self, grads: &GradStore) -> Result<()> {
        match self {
            Optim::Adam(o) => o.step(grads)?,
            Optim::CandleAdam(o) => o.step(grads)?,
            Optim::Sgd(o) => o.step(grads)?,
            Optim::RmsProp(o) => o.step(grads)?,
            Optim::CandleRmsProp(o) => o.step(grads)?,
        }
        Ok(())
    }

    /// Changes the learning rate from the next update on.
    pub fn set_learning_rate(&mut self, lr: f64) {
        match self {
            Optim::Adam(o) => o.set_learning_rate(lr),
            Optim::CandleAdam(o) => o.set_learning_rate(lr),
            Optim::Sgd(o) => o.set_learning_rate(lr),
            Optim::RmsProp(o) => o.set_learning_rate(lr),
            Optim::CandleRmsProp(o) => o.lr = lr,
        }
    }
}

/// RMSProp in candle's tensor ops: θ ← θ − lr·g / (√v + ε), v ← α·v + (1 − α)·g²
/// (PyTorch's formulation); the reference [`FusedRmsProp`] is tested against.
pub struct RmsProp {
    vars: Vec<Var>,
    square_avg: Vec<Tensor>,
    lr: f64,
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
}
