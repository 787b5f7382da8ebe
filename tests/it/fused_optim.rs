//! The fused, in-place Adam against candle_nn's `AdamW` (no weight decay) and the fused
//! RMSProp against the same rule in candle's tensor ops: the same variables after
//! several updates, in f32 and f64, including a variable that gets no gradient on some
//! steps and one whose gradient is not contiguous.

use crate::common::numeric::{max_diff, seq};
use candle_core::{DType, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use latent_studio::nn::fused_optim::{AdamSettings, FusedAdam, FusedRmsProp};
use latent_studio::nn::tensor_optim::RmsProp;

/// Loss of step `k`: Σ r_k · (a·bᵀ) + Σ (c², on odd steps only), with `b` used
/// transposed so that its gradient arrives as a transposed (strided) tensor.
fn grads(vars: &[Var; 3], k: usize) -> candle_core::backprop::GradStore {
    let [a, b, c] = vars;
    let dtype = a.dtype();
    let prod = a.matmul(&b.t().expect("t")).expect("matmul");
    let r = seq(prod.elem_count(), 0.3 + k as f64, dtype, prod.dims());
    let mut loss = (prod * r).and_then(|t| t.sum_all()).expect("loss");
    if k % 2 == 1 {
        loss = (loss + c.sqr().and_then(|t| t.sum_all()).expect("c")).expect("sum");
    }
    loss.backward().expect("backward")
}

fn vars(dtype: DType) -> [Var; 3] {
    [
        Var::from_tensor(&seq(4 * 5, 0.1, dtype, &[4, 5])).expect("a"),
        Var::from_tensor(&seq(3 * 5, 0.7, dtype, &[3, 5])).expect("b"),
        Var::from_tensor(&seq(6, 1.3, dtype, &[6])).expect("c"),
    ]
}

#[test]
fn fused_adam_follows_candles_adamw() {
    for (dtype, tol) in [(DType::F32, 1e-5), (DType::F64, 1e-12)] {
        let (ours, theirs) = (vars(dtype), vars(dtype));
        let settings = AdamSettings {
            lr: 0.05,
            beta1: 0.5,
            beta2: 0.999,
            eps: 1e-8,
        };
        let mut fused = FusedAdam::new(ours.to_vec(), settings);
        let mut reference = AdamW::new(
            theirs.to_vec(),
            ParamsAdamW {
                lr: settings.lr,
                beta1: settings.beta1,
                beta2: settings.beta2,
                eps: settings.eps,
                weight_decay: 0.0,
            },
        )
        .expect("adamw");
        let start: Vec<Tensor> = ours
            .iter()
            .map(|v| v.as_tensor().copy().expect("copy"))
            .collect();
        for k in 0..6 {
            fused.step(&grads(&ours, k)).expect("fused step");
            reference.step(&grads(&theirs, k)).expect("reference step");
            for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
                let diff = max_diff(a.as_tensor(), b.as_tensor());
                assert!(
                    diff < tol,
                    "{dtype:?} step {k}, variable {i}: differs by {diff}"
                );
            }
        }
        for (i, (now, before)) in ours.iter().zip(&start).enumerate() {
            assert!(
                max_diff(now.as_tensor(), before) > 0.01,
                "variable {i} never moved"
            );
        }
    }
}

#[test]
fn fused_rmsprop_follows_the_tensor_op_rule() {
    for (dtype, tol) in [(DType::F32, 1e-5), (DType::F64, 1e-12)] {
        let (ours, theirs) = (vars(dtype), vars(dtype));
        let lr = 0.01;
        let mut fused = FusedRmsProp::new(ours.to_vec(), lr);
        let mut reference = RmsProp::new(theirs.to_vec(), lr).expect("rmsprop");
        let start: Vec<Tensor> = ours
            .iter()
            .map(|v| v.as_tensor().copy().expect("copy"))
            .collect();
        for k in 0..6 {
            fused.step(&grads(&ours, k)).expect("fused step");
            reference.step(&grads(&theirs, k)).expect("reference step");
            for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
                let diff = max_diff(a.as_tensor(), b.as_tensor());
                assert!(
                    diff < tol,
                    "{dtype:?} step {k}, variable {i}: differs by {diff}"
                );
            }
        }
        for (i, (now, before)) in ours.iter().zip(&start).enumerate() {
            assert!(
                max_diff(now.as_tensor(), before) > 0.01,
                "variable {i} never moved"
            );
        }
    }
}
