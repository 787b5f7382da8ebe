//! ReLU and leaky ReLU ops against candle's own (values and gradients, f32 and f64),
//! against finite differences (f64), and a second-order gradient through them.

use crate::common::numeric::{check_fd, max_diff, seq};
use candle_core::{DType, Tensor, Var};
use latent_studio::nn::activations::{leaky_relu, relu};

#[test]
fn they_match_candle_in_value_and_gradient() {
    for (dtype, tol) in [(DType::F32, 1e-6), (DType::F64, 1e-12)] {
        for slope in [0.0, 0.2] {
            // Large enough for the parallel path, and no exact zeros.
            let shape = [3, 5, 70, 100];
            let n: usize = shape.iter().product();
            let x = Var::from_tensor(&seq(n, 0.05, dtype, &shape)).expect("x");
            let (ours, theirs) = if slope == 0.0 {
                (relu(&x).expect("ours"), x.relu().expect("candle"))
            } else {
                (
                    leaky_relu(&x, slope).expect("ours"),
                    candle_nn::ops::leaky_relu(&x, slope).expect("candle"),
                )
            };
            assert!(max_diff(&ours, &theirs) < tol, "slope {slope} values");
            let probe = seq(n, 1.3, dtype, &shape);
            let grad = |y: Tensor| {
                (y * &probe)
                    .and_then(|t| t.sum_all())
                    .and_then(|t| t.backward())
                    .expect("backward")
                    .get(&x)
                    .expect("grad")
                    .clone()
            };
            let (a, b) = (grad(ours), grad(theirs));
            assert!(max_diff(&a, &b) < tol, "slope {slope} gradients");
        }
    }
}

#[test]
fn first_and_second_order_gradients_match_finite_differences() {
    // L = Σ leaky(W·x)², P = ‖∂L/∂x‖²: ∂P/∂W needs the backward of the activation's
    // backward, with the pre-activation W·x tracked (as in a WGAN-GP critic).
    let x = Var::from_tensor(&seq(2 * 3, 0.4, DType::F64, &[2, 3])).expect("x");
    let w = Var::from_tensor(&seq(3 * 4, 0.9, DType::F64, &[3, 4])).expect("w");
    let l = || {
        leaky_relu(&x.matmul(&w).expect("xw"), 0.2)
            .and_then(|t| t.sqr())
            .and_then(|t| t.sum_all())
            .expect("l")
    };
    let grads = l().backward().expect("backward");
    let value = || l().to_scalar::<f64>().expect("scalar");
    check_fd(&w, grads.get(&w).expect("dw"), &value);
    let p = || {
        let gx = l().backward().expect("inner").get(&x).expect("dx").clone();
        gx.sqr().and_then(|t| t.sum_all()).expect("p")
    };
    let grads = p().backward().expect("outer");
    let value = || p().to_scalar::<f64>().expect("scalar");
    check_fd(&w, grads.get(&w).expect("second-order dw"), &value);
}

#[test]
fn tanh_matches_candle_and_finite_differences_to_second_order() {
    use latent_studio::nn::activations::tanh;
    // Values and gradients against candle's tanh over a wide range (saturated ends
    // included), large enough for the parallel path.
    for (dtype, tol) in [(DType::F32, 1e-6), (DType::F64, 1e-14)] {
        let shape = [4, 60, 100];
        let n: usize = shape.iter().product();
        let x = Var::from_tensor(&(seq(n, 0.05, dtype, &shape) * 12.0).expect("x")).expect("x");
        let (ours, theirs) = (tanh(&x).expect("ours"), x.tanh().expect("candle"));
        assert!(max_diff(&ours, &theirs) < tol, "{dtype:?} values");
        let probe = seq(n, 1.3, dtype, &shape);
        let grad = |y: Tensor| {
            let g = (y * &probe)
                .and_then(|t| t.sum_all())
                .and_then(|t| t.backward())
                .expect("backward");
            g.get(&x).expect("dx").clone()
        };
        assert!(
            max_diff(&grad(ours), &grad(theirs)) < tol * 10.0,
            "{dtype:?} gradients"
        );
    }
    // P = ‖∂L/∂x‖² with L = Σ tanh(x)·p: its gradient needs the backward's own.
    let x = Var::from_tensor(&seq(12, 0.4, DType::F64, &[3, 4])).expect("x");
    let p = seq(12, 0.9, DType::F64, &[3, 4]);
    let loss = || {
        (tanh(&x).expect("tanh") * &p)
            .and_then(|t| t.sum_all())
            .expect("l")
    };
    let grads = loss().backward().expect("backward");
    check_fd(&x, grads.get(&x).expect("dx"), &|| {
        loss().to_scalar::<f64>().expect("v")
    });
    let penalty = || {
        let g = loss().backward().expect("inner");
        g.get(&x)
            .expect("dx")
            .sqr()
            .and_then(|t| t.sum_all())
            .expect("p")
    };
    let grads = penalty().backward().expect("outer");
    check_fd(&x, grads.get(&x).expect("second order"), &|| {
        penalty().to_scalar::<f64>().expect("v")
    });
}
