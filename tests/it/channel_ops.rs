//! The per-channel ops (bias, per-channel sum, batch norm) against the same
//! computation in candle's own broadcast ops (values and gradients, f32 and f64),
//! against finite differences (f64), and a second-order gradient through the bias;
//! the dense layer built on the bias against candle_nn's `Linear`.

use crate::common::numeric::{check_fd, max_diff, seq};
use candle_core::{DType, Module, Tensor, Var};
use candle_nn::Linear;
use latent_studio::nn::activations::leaky_relu;
use latent_studio::nn::channel_ops::{BatchNormOp, add_channel_bias, sum_per_channel};
use latent_studio::nn::dense::Dense;

const EPS: f64 = 1e-5;

/// Batch norm written in candle's ops, as `nn::batch_norm` did before the fused op.
fn reference_batch_norm(x: &Tensor, gamma: &Tensor, beta: &Tensor) -> Tensor {
    let c = x.dim(1).expect("c");
    let mut shape = vec![1; x.rank()];
    shape[1] = c;
    let flat = if x.rank() == 4 {
        x.permute((0, 2, 3, 1))
            .and_then(|t| t.reshape(((), c)))
            .expect("flat")
    } else {
        x.clone()
    };
    let mean = flat.mean(0).expect("mean");
    let var = flat
        .broadcast_sub(&mean)
        .and_then(|t| t.sqr())
        .and_then(|t| t.mean(0))
        .expect("var");
    let r = |t: &Tensor| t.reshape(shape.as_slice()).expect("reshape");
    x.broadcast_sub(&r(&mean))
        .and_then(|t| t.broadcast_div(&r(&(var + EPS).and_then(|v| v.sqrt()).expect("std"))))
        .and_then(|t| t.broadcast_mul(&r(gamma)))
        .and_then(|t| t.broadcast_add(&r(beta)))
        .expect("bn")
}

/// Gradients of Σ y·probe with respect to `vars`.
fn grads_of(y: &Tensor, probe: &Tensor, vars: &[&Var]) -> Vec<Tensor> {
    let g = (y * probe)
        .and_then(|t| t.sum_all())
        .and_then(|t| t.backward())
        .expect("backward");
    vars.iter()
        .map(|v| g.get(v).expect("gradient").clone())
        .collect()
}

#[test]
fn batch_norm_matches_candle_ops_in_value_gradients_and_statistics() {
    for (dtype, tol) in [(DType::F32, 2e-4), (DType::F64, 1e-10)] {
        // Planes, rows of channels (one block), rows over several blocks of 256.
        for shape in [vec![4, 3, 5, 5], vec![6, 4], vec![600, 7]] {
            let n: usize = shape.iter().product();
            let c = shape[1];
            // An offset and a spread per element, so the statistics are not trivial.
            let x = Var::from_tensor(
                &(seq(n, 0.3, dtype, &shape) * 3.0)
                    .and_then(|t| t + 0.7)
                    .expect("x"),
            )
            .expect("x");
            let gamma = Var::from_tensor(&(seq(c, 1.1, dtype, &[c]) + 1.0).expect("g")).expect("g");
            let beta = Var::from_tensor(&seq(c, 2.3, dtype, &[c])).expect("b");
            let op = BatchNormOp::new(EPS);
            let ours = op.apply(&x, &gamma, &beta).expect("ours");
            let theirs = reference_batch_norm(&x, &gamma, &beta);
            assert!(max_diff(&ours, &theirs) < tol, "{dtype:?} {shape:?} values");
            let probe = seq(n, 0.9, dtype, &shape);
            let vars = [&x, &gamma, &beta];
            for (a, b) in grads_of(&ours, &probe, &vars)
                .iter()
                .zip(grads_of(&theirs, &probe, &vars))
            {
                assert!(
                    max_diff(a, &b) < tol * 10.0,
                    "{dtype:?} {shape:?} gradient differs by {}",
                    max_diff(a, &b)
                );
            }
            // The statistics it reports are the batch's own.
            let stats = op.stats().expect("stats");
            let flat: Vec<f64> = x
                .to_dtype(DType::F64)
                .and_then(|t| t.flatten_all())
                .and_then(|t| t.to_vec1())
                .expect("v");
            let plane = n / (shape[0] * c);
            let of = |ci: usize| {
                (0..shape[0]).flat_map(move |b| (0..plane).map(move |i| (b * c + ci) * plane + i))
            };
            for ci in 0..c {
                let vals: Vec<f64> = of(ci).map(|i| flat[i]).collect();
                let mean = vals.iter().sum::<f64>() / vals.len() as f64;
                let var = vals.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / vals.len() as f64;
                assert!((stats.mean[ci] - mean).abs() < 1e-6, "mean of channel {ci}");
                assert!(
                    (stats.var[ci] - var).abs() < 1e-5,
                    "variance of channel {ci}"
                );
            }
            assert_eq!(stats.count, shape[0] * plane);
        }
    }
}

#[test]
fn batch_norm_with_its_activation_matches_the_two_ops() {
    for (dtype, tol) in [(DType::F32, 1e-5), (DType::F64, 1e-12)] {
        for (slope, shape) in [
            (0.0, vec![4, 3, 5, 5]),
            (0.2, vec![4, 3, 5, 5]),
            (0.2, vec![300, 3]),
        ] {
            let n = shape.iter().product();
            let x = Var::from_tensor(&seq(n, 0.3, dtype, &shape)).expect("x");
            let gamma = Var::from_tensor(&(seq(3, 1.1, dtype, &[3]) + 1.0).expect("g")).expect("g");
            let beta = Var::from_tensor(&seq(3, 2.3, dtype, &[3])).expect("b");
            let fused = BatchNormOp::new(EPS)
                .with_leaky_relu(slope)
                .apply(&x, &gamma, &beta)
                .expect("fused");
            let apart = BatchNormOp::new(EPS)
                .apply(&x, &gamma, &beta)
                .and_then(|y| leaky_relu(&y, slope))
                .expect("apart");
            assert!(
                max_diff(&fused, &apart) < tol,
                "{dtype:?} slope {slope} values"
            );
            let probe = seq(n, 0.9, dtype, &shape);
            let vars = [&x, &gamma, &beta];
            for (a, b) in grads_of(&fused, &probe, &vars)
                .iter()
                .zip(grads_of(&apart, &probe, &vars))
            {
                assert!(
                    max_diff(a, &b) < tol * 10.0,
                    "{dtype:?} slope {slope} gradients"
                );
            }
        }
    }
}

#[test]
fn channels_last_batch_norm_matches_the_reference_on_the_same_maps() {
    // `[b, h, w, c]` maps normalised in place against the reference on the same maps
    // channels first: values, gradients and statistics, with and without the
    // activation, over several blocks of rows, and far from zero (the one-pass
    // variance must not lose it to cancellation).
    for (dtype, tol) in [(DType::F32, 5e-4), (DType::F64, 1e-9)] {
        for (shape, offset, leak) in [
            ([3, 4, 5, 6], 0.7, None),
            ([8, 9, 9, 7], 50.0, Some(0.2)),
            ([2, 3, 3, 5], -3.0, Some(0.0)),
        ] {
            let n: usize = shape.iter().product();
            let c = shape[3];
            let x = (seq(n, 0.37, dtype, &shape) * 3.0)
                .and_then(|t| t + offset)
                .expect("x");
            let x = Var::from_tensor(&x).expect("x");
            let gamma = Var::from_tensor(&(seq(c, 1.1, dtype, &[c]) + 1.0).expect("g")).expect("g");
            let beta = Var::from_tensor(&seq(c, 2.3, dtype, &[c])).expect("b");
            let op = BatchNormOp::new(EPS).channels_last();
            let op = match leak {
                Some(slope) => op.with_leaky_relu(slope),
                None => op,
            };
            let ours = op.apply(&x, &gamma, &beta).expect("ours");
            let first = x.permute((0, 3, 1, 2)).expect("first");
            let theirs = reference_batch_norm(&first, &gamma, &beta);
            let theirs = match leak {
                Some(slope) => leaky_relu(&theirs, slope).expect("act"),
                None => theirs,
            };
            let theirs = theirs.permute((0, 2, 3, 1)).expect("last");
            let case = (dtype, shape, offset, leak);
            assert!(max_diff(&ours, &theirs) < tol, "{case:?} values");
            let probe = seq(n, 0.9, dtype, &shape);
            let vars = [&x, &gamma, &beta];
            for (a, b) in grads_of(&ours, &probe, &vars)
                .iter()
                .zip(grads_of(&theirs, &probe, &vars))
            {
                let scale = 1.0 + max_diff(&b, &b.zeros_like().expect("0"));
                assert!(max_diff(a, &b) < tol * 10.0 * scale, "{case:?} gradients");
            }
            let stats = op.stats().expect("stats");
            let values: Vec<f64> = (x.to_dtype(DType::F64))
                .and_then(|t| t.flatten_all())
                .and_then(|t| t.to_vec1())
                .expect("values");
            for ci in 0..c {
                let of: Vec<f64> = values.iter().skip(ci).step_by(c).copied().collect();
                let mean = of.iter().sum::<f64>() / of.len() as f64;
                let var = of.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / of.len() as f64;
                assert!(
                    (stats.mean[ci] - mean).abs() < 1e-4 * (1.0 + mean.abs()),
                    "{case:?}"
                );
                assert!(
                    (stats.var[ci] - var).abs() < 1e-4 * var,
                    "{case:?} variance"
                );
            }
            assert_eq!(stats.count, n / c);
        }
    }
}

#[test]
fn batch_norm_gradients_match_finite_differences_in_f64() {
    for leak in [None, Some(0.2)] {
        // Planes, and rows of channels (channels-last images, flattened).
        batch_norm_fd(leak, &[3, 2, 2, 2], false);
        batch_norm_fd(leak, &[12, 2], false);
        batch_norm_fd(leak, &[3, 2, 2, 2], true);
    }
}

/// Finite differences through batch norm (and a leaky ReLU in the same op, if `leak`)
/// of a `shape` with 2 channels (its last axis if `channels_last`).
fn batch_norm_fd(leak: Option<f64>, shape: &[usize], channels_last: bool) {
    let n = shape.iter().product();
    let x = Var::from_tensor(&seq(n, 0.4, DType::F64, shape)).expect("x");
    let gamma = Var::from_tensor(&(seq(2, 1.7, DType::F64, &[2]) + 1.0).expect("g")).expect("g");
    let beta = Var::from_tensor(&seq(2, 0.2, DType::F64, &[2])).expect("b");
    let probe = seq(n, 2.1, DType::F64, shape);
    // A loss that is not linear in the output, so every term of the backward matters.
    let loss = || -> Tensor {
        let op = match leak {
            Some(slope) => BatchNormOp::new(EPS).with_leaky_relu(slope),
            None => BatchNormOp::new(EPS),
        };
        let op = if channels_last {
            op.channels_last()
        } else {
            op
        };
        let y = op.apply(&x, &gamma, &beta).expect("bn");
        (y.tanh().expect("tanh") * &probe)
            .and_then(|t| t.sum_all())
            .expect("loss")
    };
    let grads = loss().backward().expect("backward");
    let value = || loss().to_scalar::<f64>().expect("scalar");
    for v in [&x, &gamma, &beta] {
        check_fd(v, grads.get(v).expect("grad"), &value);
    }
}

#[test]
fn bias_and_channel_sum_match_broadcast_ops() {
    for (dtype, tol) in [(DType::F32, 1e-5), (DType::F64, 1e-12)] {
        // [600, 7]: rows of a dense layer, summed in more than one block.
        for shape in [vec![3, 4, 5, 2], vec![5, 3], vec![600, 7]] {
            let n: usize = shape.iter().product();
            let c = shape[1];
            // Sums over n / c values carry that many roundings in candle's f32.
            let sum_tol = tol * 10.0 * (n / c) as f64;
            let x = Var::from_tensor(&seq(n, 0.1, dtype, &shape)).expect("x");
            let bias = Var::from_tensor(&seq(c, 0.6, dtype, &[c])).expect("b");
            let mut bshape = vec![1; shape.len()];
            bshape[1] = c;
            let ours = add_channel_bias(&x, &bias).expect("ours");
            let theirs = x
                .broadcast_add(&bias.reshape(bshape.as_slice()).expect("r"))
                .expect("theirs");
            assert!(max_diff(&ours, &theirs) < tol);
            let probe = seq(n, 1.4, dtype, &shape);
            let vars = [&x, &bias];
            for (a, b) in grads_of(&ours, &probe, &vars)
                .iter()
                .zip(grads_of(&theirs, &probe, &vars))
            {
                assert!(max_diff(a, &b) < sum_tol);
            }
            let sums = sum_per_channel(&x).expect("sum");
            let dims: Vec<usize> = (0..shape.len()).filter(|&d| d != 1).collect();
            let reference = x
                .sum_keepdim(dims)
                .and_then(|t| t.flatten_all())
                .expect("sum");
            assert!(
                max_diff(&sums, &reference) < sum_tol,
                "{dtype:?} {shape:?} sums"
            );
        }
    }
}

#[test]
fn dense_layer_matches_candle_linear_in_values_and_gradients() {
    for (dtype, tol) in [(DType::F32, 1e-4), (DType::F64, 1e-10)] {
        for shape in [vec![300, 6], vec![4, 5, 6]] {
            let n: usize = shape.iter().product();
            let x = Var::from_tensor(&seq(n, 0.3, dtype, &shape)).expect("x");
            let w = Var::from_tensor(&seq(6 * 9, 0.7, dtype, &[9, 6])).expect("w");
            let b = Var::from_tensor(&seq(9, 0.2, dtype, &[9])).expect("b");
            let ours = Dense::new(w.as_tensor().clone(), Some(b.as_tensor().clone()))
                .forward(&x)
                .expect("ours");
            let theirs = Linear::new(w.as_tensor().clone(), Some(b.as_tensor().clone()))
                .forward(&x)
                .expect("theirs");
            assert_eq!(ours.dims(), theirs.dims());
            assert!(max_diff(&ours, &theirs) < tol, "{dtype:?} {shape:?} values");
            let probe = seq(ours.elem_count(), 1.1, dtype, ours.dims());
            let vars = [&x, &w, &b];
            for (a, r) in grads_of(&ours, &probe, &vars)
                .iter()
                .zip(grads_of(&theirs, &probe, &vars))
            {
                assert!(
                    max_diff(a, &r) < tol * 100.0,
                    "{dtype:?} {shape:?} gradients"
                );
            }
        }
    }
}

#[test]
fn dense_layer_with_its_activation_and_any_shapes_matches_the_separate_ops() {
    // Images [b, c, h, w] read as rows of c·h·w, through ReLU or a leaky ReLU, out as
    // [b, 3, 1, 2]: against Linear on the flattened rows, the activation and a reshape.
    for (dtype, tol) in [(DType::F32, 1e-4), (DType::F64, 1e-10)] {
        for leak in [None, Some(0.0), Some(0.2)] {
            let x = Var::from_tensor(&seq(5 * 2 * 3 * 2, 0.3, dtype, &[5, 2, 3, 2])).expect("x");
            let w = Var::from_tensor(&seq(12 * 6, 0.7, dtype, &[6, 12])).expect("w");
            let b = Var::from_tensor(&seq(6, 0.2, dtype, &[6])).expect("b");
            let dense = Dense::new(w.as_tensor().clone(), Some(b.as_tensor().clone()));
            let ours = dense.forward_as(&x, leak, (5, 3, 1, 2)).expect("ours");
            let theirs = Linear::new(w.as_tensor().clone(), Some(b.as_tensor().clone()))
                .forward(&x.flatten_from(1).expect("flat"))
                .expect("theirs");
            let theirs = match leak {
                Some(slope) => leaky_relu(&theirs, slope).expect("act"),
                None => theirs,
            }
            .reshape((5, 3, 1, 2))
            .expect("reshape");
            assert!(max_diff(&ours, &theirs) < tol, "{dtype:?} {leak:?} values");
            let probe = seq(ours.elem_count(), 1.1, dtype, ours.dims());
            let vars = [&x, &w, &b];
            for (a, r) in grads_of(&ours, &probe, &vars)
                .iter()
                .zip(grads_of(&theirs, &probe, &vars))
            {
                assert!(
                    max_diff(a, &r) < tol * 100.0,
                    "{dtype:?} {leak:?} gradients"
                );
            }
        }
    }
}

#[test]
fn dense_layer_gradients_match_finite_differences_in_f64_to_second_order() {
    // L = Σ tanh(dense(x))², and the gradient penalty P = ‖∂L/∂x‖² (its gradient for
    // the weight runs through the backward of the input gradient).
    let x = Var::from_tensor(&seq(4 * 6, 0.5, DType::F64, &[4, 2, 3])).expect("x");
    let w = Var::from_tensor(&seq(6 * 5, 0.9, DType::F64, &[5, 6])).expect("w");
    let b = Var::from_tensor(&seq(5, 0.4, DType::F64, &[5])).expect("b");
    for leak in [None, Some(0.2)] {
        let dense = Dense::new(w.as_tensor().clone(), Some(b.as_tensor().clone()));
        let loss = || -> Tensor {
            let y = dense.forward_as(&x, leak, (4, 5)).expect("dense");
            y.tanh()
                .and_then(|t| t.sqr())
                .and_then(|t| t.sum_all())
                .expect("loss")
        };
        let grads = loss().backward().expect("backward");
        let value = || loss().to_scalar::<f64>().expect("scalar");
        for v in [&x, &w, &b] {
            check_fd(v, grads.get(v).expect("grad"), &value);
        }
        let penalty = || -> Tensor {
            let g = loss().backward().expect("inner");
            g.get(&x)
                .expect("dx")
                .sqr()
                .and_then(|t| t.sum_all())
                .expect("penalty")
        };
        let grads = penalty().backward().expect("outer");
        let value = || penalty().to_scalar::<f64>().expect("scalar");
        for v in [&x, &w] {
            check_fd(v, grads.get(v).expect("second-order grad"), &value);
        }
    }
}

#[test]
fn second_order_gradients_flow_through_the_bias() {
    // P = ‖∂L/∂x‖² with L = Σ tanh(x + b)²: ∂P/∂b needs the backward of the bias
    // op's backward (the per-channel sum).
    let x = Var::from_tensor(&seq(2 * 3 * 4, 0.5, DType::F64, &[2, 3, 2, 2])).expect("x");
    let bias = Var::from_tensor(&seq(3, 0.2, DType::F64, &[3])).expect("b");
    let penalty = || -> Tensor {
        let l = add_channel_bias(&x, &bias)
            .and_then(|t| t.tanh())
            .and_then(|t| t.sqr())
            .and_then(|t| t.sum_all())
            .expect("l");
        let g = l.backward().expect("inner");
        // Both the input's and the bias's gradients enter, so the sum's backward runs.
        let gx = g
            .get(&x)
            .expect("dx")
            .sqr()
            .and_then(|t| t.sum_all())
            .expect("gx");
        let gb = g
            .get(&bias)
            .expect("db")
            .sqr()
            .and_then(|t| t.sum_all())
            .expect("gb");
        (gx + gb).expect("p")
    };
    let grads = penalty().backward().expect("outer");
    let value = || penalty().to_scalar::<f64>().expect("scalar");
    for v in [&x, &bias] {
        check_fd(v, grads.get(v).expect("second-order grad"), &value);
    }
}
