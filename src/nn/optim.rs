//! The optimisers a user can pick, behind one enum.

use candle_core::Var;
use candle_core::backprop::GradStore;
use candle_nn::{Optimizer, SGD};
use serde::{Deserialize, Serialize};

pub use super::fused_optim::OptimState;
use super::fused_optim::{AdamSettings, FusedAdam, FusedRmsProp};
use super::tensor_optim::{RmsProp, TensorAdam};
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
    /// Adam in candle's tensor ops (where [`use_candle_ops`] says so).
    CandleAdam(TensorAdam),
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
                    Optim::CandleAdam(TensorAdam::new(vars, settings))
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

    /// Its rule's name (`adam`, `sgd`, `rmsprop`), whichever ops carry it out.
    pub fn rule(&self) -> &'static str {
        match self {
            Optim::Adam(_) | Optim::CandleAdam(_) => "adam",
            Optim::Sgd(_) => "sgd",
            Optim::RmsProp(_) | Optim::CandleRmsProp(_) => "rmsprop",
        }
    }

    /// Its running state (SGD keeps none), for a checkpoint.
    pub fn state(&self) -> Result<OptimState> {
        Ok(match self {
            Optim::Adam(o) => o.state()?,
            Optim::CandleAdam(o) => o.state(),
            Optim::Sgd(_) => OptimState::default(),
            Optim::RmsProp(o) => o.state()?,
            Optim::CandleRmsProp(o) => o.state(),
        })
    }

    /// Takes up a state [`Optim::state`] gave, so updates go on as if never
    /// stopped; an error (and no change) if it belongs to other variables.
    pub fn restore(&mut self, state: &OptimState) -> Result<()> {
        match self {
            Optim::Adam(o) => o.restore(state)?,
            Optim::CandleAdam(o) => o.restore(state)?,
            Optim::Sgd(_) => {}
            Optim::RmsProp(o) => o.restore(state)?,
            Optim::CandleRmsProp(o) => o.restore(state)?,
        }
        Ok(())
    }
}
