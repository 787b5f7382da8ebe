//! The fast convolutions, with and without their bias, against candle's own ops
//! (values and gradients, f32) and against finite differences (f64), including a
//! second-order gradient.

use crate::common::numeric::{check_fd, max_diff, seq};
use candle_core::{DType, Tensor, Var};
use latent_studio::nn::fast_conv::{
    ConvGeometry, Layout, Layouts, conv_transpose2d, conv_transpose2d_laid_out,
    conv_transpose2d_with_bias, conv2d, conv2d_laid_out, conv2d_with_bias,
};

/// Shapes: (batch, c_in, side, c_out, kernel, stride, padding). The patches of 16
/// channels or more go channels-last (`im2row`), fewer as columns (`im2col`): the
/// last three cases take the first way in the forward or the backward pass.
const CASES: [(usize, usize, usize, usize, usize, usize, usize); 8] = [
    (2, 3, 7, 4, 4, 2, 1),
    (2, 3, 8, 5, 3, 2, 1),
    (1, 2, 5, 3, 3, 1, 1),
    (3, 4, 6, 2, 4, 2, 1),
    (2, 1, 14, 3, 4, 2, 1),
    (2, 16, 6, 5, 4, 2, 1),
    (1, 17, 5, 3, 3, 1, 1),
    (2, 3, 5, 16, 4, 2, 1),
];

#[test]
fn conv2d_matches_candle_in_value_and_gradients() {
    for (b, ci, s, co, k, st, p) in CASES {
        let x = Var::from_tensor(&seq(b * ci * s * s, 0.1, DType::F32, &[b, ci, s, s])).expect("x");
        let w =
            Var::from_tensor(&seq(co * ci * k * k, 0.7, DType::F32, &[co, ci, k, k])).expect("w");
        let bias = Var::from_tensor(&seq(co, 0.45, DType::F32, &[co])).expect("bias");
        let geometry = ConvGeometry {
            stride: st,
            padding: p,
        };
        let plain = conv2d(&x, &w, geometry).expect("plain");
        let ours = conv2d_with_bias(&x, &w, &bias, geometry).expect("ours");
        let theirs = x.conv2d(&w, p, st, 1, 1).expect("candle");
        assert!(max_diff(&plain, &theirs) < 1e-5);
        let theirs = theirs
            .broadcast_add(&bias.reshape((1, co, 1, 1)).expect("r"))
            .expect("bias");
        assert_eq!(ours.dims(), theirs.dims());
        assert!(max_diff(&ours, &theirs) < 1e-5);
        let probe = seq(ours.elem_count(), 1.3, DType::F32, ours.dims());
        let g1 = (ours * &probe)
            .and_then(|t| t.sum_all())
            .and_then(|t| t.backward())
            .expect("ours bwd");
        let g2 = (theirs * &probe)
            .and_then(|t| t.sum_all())
            .and_then(|t| t.backward())
            .expect("candle bwd");
        for v in [&x, &w, &bias] {
            let (a, b) = (
                g1.get(v).expect("ours grad"),
                g2.get(v).expect("candle grad"),
            );
            assert!(
                max_diff(a, b) < 1e-4,
                "{:?}: gradient differs by {}",
                (b_dims(v)),
                max_diff(a, b)
            );
        }
    }
}

/// A strided convolution over a picture whose height and width leave different
/// remainders (7 × 6, kernel 3, stride 2): the input gradient has the input's shape
/// and matches finite differences in f64. (candle's own conv2d backward fails here:
/// its gradient is a column short.)
#[test]
fn a_strided_convolution_of_a_non_square_picture_gets_its_whole_input_gradient() {
    let (b, ci, co, h, w) = (1, 2, 2, 7, 6);
    let x = Var::from_tensor(&seq(b * ci * h * w, 0.1, DType::F64, &[b, ci, h, w])).expect("x");
    let k = seq(co * ci * 9, 0.7, DType::F64, &[co, ci, 3, 3]);
    let g = ConvGeometry {
        stride: 2,
        padding: 1,
    };
    let loss = || {
        conv2d(&x, &k, g)
            .and_then(|y| y.sqr())
            .and_then(|y| y.sum_all())
            .expect("loss")
    };
    assert_eq!(conv2d(&x, &k, g).expect("y").dims(), [b, co, 4, 3]);
    let grads = loss().backward().expect("bwd");
    let dx = grads.get(&x).expect("dx");
    assert_eq!(dx.dims(), [b, ci, h, w]);
    check_fd(&x, dx, &|| loss().to_scalar::<f64>().expect("s"));
}

fn b_dims(v: &Var) -> Vec<usize> {
    v.dims().to_vec()
}

#[test]
fn conv_transpose2d_matches_candle_in_value_and_gradients() {
    for (b, ci, s, co, k, st, p) in CASES {
        let op = if k % st == 1 && st > 1 { 1 } else { 0 };
        let x = Var::from_tensor(&seq(b * ci * s * s, 0.2, DType::F32, &[b, ci, s, s])).expect("x");
        let w =
            Var::from_tensor(&seq(ci * co * k * k, 0.9, DType::F32, &[ci, co, k, k])).expect("w");
        let bias = Var::from_tensor(&seq(co, 0.35, DType::F32, &[co])).expect("bias");
        let geometry = ConvGeometry {
            stride: st,
            padding: p,
        };
        let plain = conv_transpose2d(&x, &w, geometry, op).expect("plain");
        let ours = conv_transpose2d_with_bias(&x, &w, &bias, geometry, op).expect("ours");
        let theirs = x.conv_transpose2d(&w, p, op, st, 1).expect("candle");
        assert!(max_diff(&plain, &theirs) < 1e-5);
        let theirs = theirs
            .broadcast_add(&bias.reshape((1, co, 1, 1)).expect("r"))
            .expect("bias");
        assert_eq!(
            ours.dims(),
            theirs.dims(),
            "case {:?}",
            (b, ci, s, co, k, st, p)
        );
        assert!(max_diff(&ours, &theirs) < 1e-5);
        let probe = seq(ours.elem_count(), 0.4, DType::F32, ours.dims());
        let g1 = (ours * &probe)
            .and_then(|t| t.sum_all())
            .and_then(|t| t.backward())
            .expect("ours bwd");
        let g2 = (theirs * &probe)
            .and_then(|t| t.sum_all())
            .and_then(|t| t.backward())
            .expect("candle bwd");
        for v in [&x, &w, &bias] {
            let (a, b) = (
                g1.get(v).expect("ours grad"),
                g2.get(v).expect("candle grad"),
            );
            assert!(
                max_diff(a, b) < 1e-4,
                "gradient differs by {}",
                max_diff(a, b)
            );
        }
    }
}

#[test]
fn gradients_match_finite_differences_in_f64() {
    // Columns: conv 2 → 3 channels, 5 → 3, then transposed conv back (3 → 2, 3 → 6).
    fd_through_both_ops([2, 2, 5, 5], [3, 2, 3, 3], [3, 2, 4, 4]);
    // Channels last: conv 16 → 2 channels, 4 → 2, then transposed conv 2 → 16.
    fd_through_both_ops([1, 16, 4, 4], [2, 16, 3, 3], [2, 16, 4, 4]);
}

/// Finite differences of Σ convT(tanh(conv(x, w) + b), wt)² + bt against its gradients.
fn fd_through_both_ops(xs: [usize; 4], ws: [usize; 4], wts: [usize; 4]) {
    let g = ConvGeometry {
        stride: 2,
        padding: 1,
    };
    let var = |shape: [usize; 4], step: f64| {
        let n = shape.iter().product();
        Var::from_tensor(&seq(n, step, DType::F64, &shape)).expect("var")
    };
    let (x, w, wt) = (var(xs, 0.3), var(ws, 0.8), var(wts, 1.1));
    let bias =
        |n: usize, step: f64| Var::from_tensor(&seq(n, step, DType::F64, &[n])).expect("bias");
    let (b, bt) = (bias(ws[0], 0.4), bias(wts[1], 0.6));
    let loss = || -> Tensor {
        let h = conv2d_with_bias(&x, &w, &b, g)
            .expect("conv")
            .tanh()
            .expect("tanh");
        let y = conv_transpose2d_with_bias(&h, &wt, &bt, g, 0).expect("convT");
        y.sqr().and_then(|t| t.sum_all()).expect("loss")
    };
    let grads = loss().backward().expect("backward");
    let value = || loss().to_scalar::<f64>().expect("scalar");
    for v in [&x, &w, &wt, &b, &bt] {
        check_fd(v, grads.get(v).expect("grad"), &value);
    }
}

#[test]
fn second_order_gradients_flow_through_both_ops() {
    // P = ‖∂L/∂x‖² with L = Σ convT(tanh(conv(x, w)), wt)²: its gradient with respect to
    // w needs the backward of each op's backward.
    assert!(latent_studio::nn::gradient_penalty::second_order_enabled());
    let g = ConvGeometry {
        stride: 2,
        padding: 1,
    };
    let x = Var::from_tensor(&seq(16, 0.5, DType::F64, &[1, 1, 4, 4])).expect("x");
    let w = Var::from_tensor(&seq(18, 0.2, DType::F64, &[2, 1, 3, 3])).expect("w");
    let wt = Var::from_tensor(&seq(32, 0.6, DType::F64, &[2, 1, 4, 4])).expect("wt");
    let penalty = || -> Tensor {
        let h = conv2d(&x, &w, g).expect("conv").tanh().expect("tanh");
        let l = conv_transpose2d(&h, &wt, g, 0)
            .expect("convT")
            .sqr()
            .and_then(|t| t.sum_all())
            .expect("l");
        let gx = l.backward().expect("inner").get(&x).expect("dx").clone();
        gx.sqr().and_then(|t| t.sum_all()).expect("p")
    };
    let grads = penalty().backward().expect("outer");
    let value = || penalty().to_scalar::<f64>().expect("scalar");
    for v in [&w, &wt] {
        check_fd(v, grads.get(v).expect("second-order grad"), &value);
    }
}

#[test]
fn a_fixed_kernel_gives_the_same_input_gradient_and_none_for_itself() {
    use latent_studio::nn::fast_conv::conv2d_fixed;
    let g = ConvGeometry {
        stride: 1,
        padding: 1,
    };
    let x = Var::from_tensor(&seq(2 * 3 * 6 * 6, 0.2, DType::F32, &[2, 3, 6, 6])).expect("x");
    let w = Var::from_tensor(&seq(4 * 3 * 9, 0.9, DType::F32, &[4, 3, 3, 3])).expect("w");
    let fixed = conv2d_fixed(&x, &w, g).expect("fixed");
    let full = conv2d(&x, &w, g).expect("full");
    assert!(max_diff(&fixed, &full) < 1e-6);
    let probe = seq(fixed.elem_count(), 0.4, DType::F32, fixed.dims());
    let grads = |y: Tensor| {
        (y * &probe)
            .and_then(|t| t.sum_all())
            .and_then(|t| t.backward())
            .expect("bwd")
    };
    let (gf, gc) = (grads(fixed), grads(full));
    let (dx_f, dx_c) = (gf.get(&x).expect("dx"), gc.get(&x).expect("dx"));
    assert!(max_diff(dx_f, dx_c) < 1e-5);
    assert!(gf.get(&w).is_none(), "the fixed kernel gets no gradient");
    assert!(gc.get(&w).is_some());
}

#[test]
fn a_second_backward_over_the_same_graph_gives_the_same_kernel_gradients() {
    // The first backward takes the columns the forward pass kept; the second must
    // compute them again, not find them gone.
    let geometry = ConvGeometry {
        stride: 2,
        padding: 1,
    };
    let x = Var::from_tensor(&seq(2 * 3 * 8 * 8, 0.2, DType::F32, &[2, 3, 8, 8])).expect("x");
    let w = Var::from_tensor(&seq(4 * 3 * 16, 0.5, DType::F32, &[4, 3, 4, 4])).expect("w");
    let wt = Var::from_tensor(&seq(4 * 2 * 16, 0.9, DType::F32, &[4, 2, 4, 4])).expect("wt");
    let y = conv2d(&x, &w, geometry)
        .and_then(|h| conv_transpose2d(&h, &wt, geometry, 0))
        .expect("forward");
    let probe = seq(y.elem_count(), 1.7, DType::F32, y.dims());
    let loss = (y * &probe).and_then(|t| t.sum_all()).expect("loss");
    let first = loss.backward().expect("first");
    let second = loss.backward().expect("second");
    for v in [&x, &w, &wt] {
        let (a, b) = (first.get(v).expect("grad"), second.get(v).expect("grad"));
        assert!(max_diff(a, b) < 1e-6, "{:?}", b_dims(v));
    }
}

#[test]
fn a_detached_input_or_kernel_gets_no_gradient_and_the_other_the_same_one() {
    // The backward passes compute only the gradients asked for (data needs none, nor
    // a detached network's kernels); what they do compute must not change.
    let geometry = ConvGeometry {
        stride: 2,
        padding: 1,
    };
    // Channels-first and channels-last patches, forward and transposed.
    for (b, ci, s, co) in [(2, 3, 7, 4), (2, 16, 6, 5), (2, 3, 5, 16)] {
        let x = Var::from_tensor(&seq(b * ci * s * s, 0.3, DType::F32, &[b, ci, s, s])).expect("x");
        let w = Var::from_tensor(&seq(co * ci * 16, 0.8, DType::F32, &[co, ci, 4, 4])).expect("w");
        let wt =
            Var::from_tensor(&seq(ci * co * 16, 0.6, DType::F32, &[ci, co, 4, 4])).expect("wt");
        type Op<'a> = &'a dyn Fn(&Tensor, &Tensor) -> Tensor;
        let ops: [Op; 2] = [&|x, w| conv2d(x, w, geometry).expect("conv"), &|x, w| {
            conv_transpose2d(x, w, geometry, 0).expect("conv_transpose")
        }];
        for (op, kernel) in ops.iter().zip([&w, &wt]) {
            let grads = |x: &Tensor, w: &Tensor| {
                let y = op(x, w);
                let probe = seq(y.elem_count(), 1.1, DType::F32, y.dims());
                (y * &probe)
                    .and_then(|t| t.sum_all())
                    .and_then(|t| t.backward())
                    .expect("bwd")
            };
            let both = grads(&x, kernel);
            let kernel_only = grads(&x.detach(), kernel);
            let input_only = grads(&x, &kernel.detach());
            assert!(
                kernel_only.get(&x).is_none(),
                "a detached input gets no gradient"
            );
            assert!(
                input_only.get(kernel).is_none(),
                "a detached kernel gets none"
            );
            let dw = (both.get(kernel), kernel_only.get(kernel));
            let dx = (both.get(&x), input_only.get(&x));
            assert!(max_diff(dw.0.expect("dw"), dw.1.expect("dw")) < 1e-6);
            assert!(max_diff(dx.0.expect("dx"), dx.1.expect("dx")) < 1e-6);
        }
    }
}

/// Every pair of input and output layouts.
const LAYOUTS: [Layouts; 4] = [
    Layouts::FIRST,
    Layouts {
        input: Layout::ChannelsFirst,
        output: Layout::ChannelsLast,
    },
    Layouts {
        input: Layout::ChannelsLast,
        output: Layout::ChannelsFirst,
    },
    Layouts {
        input: Layout::ChannelsLast,
        output: Layout::ChannelsLast,
    },
];

#[test]
fn every_layout_gives_the_channels_first_values_and_gradients() {
    for (b, ci, s, co, k, st, p) in CASES {
        let geometry = ConvGeometry {
            stride: st,
            padding: p,
        };
        let op = if k % st == 1 && st > 1 { 1 } else { 0 };
        let x = seq(b * ci * s * s, 0.2, DType::F32, &[b, ci, s, s]);
        let w =
            Var::from_tensor(&seq(co * ci * k * k, 0.7, DType::F32, &[co, ci, k, k])).expect("w");
        let wt =
            Var::from_tensor(&seq(ci * co * k * k, 0.9, DType::F32, &[ci, co, k, k])).expect("wt");
        let bias = Var::from_tensor(&seq(co, 0.35, DType::F32, &[co])).expect("bias");
        for layouts in LAYOUTS {
            for transposed in [false, true] {
                // The same images in the input layout, as a variable of their own.
                let x_in = Var::from_tensor(&layouts.input.from_first_tensor(&x).expect("x in"))
                    .expect("x var");
                let x_first = Var::from_tensor(&x).expect("x first");
                let (kernel, reference, ours) = if transposed {
                    let ours = conv_transpose2d_laid_out(
                        &x_in,
                        &wt,
                        Some(&bias),
                        geometry,
                        op,
                        layouts,
                        None,
                    );
                    let reference = conv_transpose2d_with_bias(&x_first, &wt, &bias, geometry, op);
                    (&wt, reference, ours)
                } else {
                    let ours = conv2d_laid_out(&x_in, &w, Some(&bias), geometry, layouts, None);
                    (&w, conv2d_with_bias(&x_first, &w, &bias, geometry), ours)
                };
                let (reference, ours) = (reference.expect("reference"), ours.expect("ours"));
                let case = (b, ci, s, co, k, st, p, layouts, transposed);
                let ours_first = layouts.output.to_first_tensor(&ours).expect("first");
                assert_eq!(ours_first.dims(), reference.dims(), "{case:?}");
                assert!(max_diff(&ours_first, &reference) < 1e-5, "{case:?}");
                let probe = seq(reference.elem_count(), 1.3, DType::F32, reference.dims());
                let grads = |y: &Tensor| {
                    (y * &probe)
                        .and_then(|t| t.sum_all())
                        .and_then(|t| t.backward())
                        .expect("bwd")
                };
                let (ga, gb) = (grads(&ours_first), grads(&reference));
                let dx = layouts
                    .input
                    .to_first_tensor(ga.get(&x_in).expect("dx"))
                    .expect("dx");
                assert!(
                    max_diff(&dx, gb.get(&x_first).expect("dx")) < 1e-4,
                    "dx {case:?}"
                );
                for v in [kernel, &bias] {
                    let (a, r) = (ga.get(v).expect("grad"), gb.get(v).expect("grad"));
                    assert!(max_diff(a, r) < 1e-4, "{:?} {case:?}", b_dims(v));
                }
            }
        }
    }
}

#[test]
fn channels_last_gradients_match_finite_differences_in_f64() {
    // Channels last between the two ops (and at the input of the second pair):
    // conv 16 → 3 channels then transposed conv 3 → 16 (patch rows, columns), and
    // conv 2 → 17 then transposed conv 17 → 2 (columns, patch rows).
    for (xs, ws, wts) in [
        ([1, 16, 4, 4], [3, 16, 3, 3], [3, 16, 4, 4]),
        ([2, 2, 5, 5], [17, 2, 3, 3], [17, 2, 4, 4]),
    ] {
        for input in [Layout::ChannelsFirst, Layout::ChannelsLast] {
            let g = ConvGeometry {
                stride: 2,
                padding: 1,
            };
            let var = |shape: [usize; 4], step: f64| {
                let n = shape.iter().product();
                Var::from_tensor(&seq(n, step, DType::F64, &shape)).expect("var")
            };
            let first = seq(xs.iter().product(), 0.3, DType::F64, &xs);
            let x = Var::from_tensor(&input.from_first_tensor(&first).expect("x")).expect("var");
            let (w, wt) = (var(ws, 0.8), var(wts, 1.1));
            let bias = |n: usize, step: f64| {
                Var::from_tensor(&seq(n, step, DType::F64, &[n])).expect("bias")
            };
            let (b, bt) = (bias(ws[0], 0.4), bias(wts[1], 0.6));
            let into_last = Layouts {
                input,
                output: Layout::ChannelsLast,
            };
            let out_of_last = Layouts {
                input: Layout::ChannelsLast,
                output: Layout::ChannelsFirst,
            };
            let loss = || -> Tensor {
                let h = conv2d_laid_out(&x, &w, Some(&b), g, into_last, None)
                    .and_then(|h| h.tanh())
                    .expect("conv");
                let y = conv_transpose2d_laid_out(&h, &wt, Some(&bt), g, 0, out_of_last, None)
                    .expect("convT");
                y.sqr().and_then(|t| t.sum_all()).expect("loss")
            };
            let grads = loss().backward().expect("backward");
            let value = || loss().to_scalar::<f64>().expect("scalar");
            for v in [&x, &w, &wt, &b, &bt] {
                check_fd(v, grads.get(v).expect("grad"), &value);
            }
        }
    }
}

#[test]
fn a_leaky_relu_inside_either_convolution_matches_the_two_ops() {
    // Values and gradients against the convolution then the activation (f32, every
    // layout pair, patch rows and columns), then FD in f64 to second order.
    use latent_studio::nn::activations::leaky_relu;
    let g = ConvGeometry {
        stride: 2,
        padding: 1,
    };
    for (b, ci, s, co) in [(2, 3, 6, 4), (2, 16, 6, 17)] {
        let x = Var::from_tensor(&seq(b * ci * s * s, 0.3, DType::F32, &[b, ci, s, s])).expect("x");
        let w = Var::from_tensor(&seq(co * ci * 16, 0.8, DType::F32, &[co, ci, 4, 4])).expect("w");
        let wt =
            Var::from_tensor(&seq(ci * co * 16, 0.6, DType::F32, &[ci, co, 4, 4])).expect("wt");
        let bias = Var::from_tensor(&seq(co, 0.5, DType::F32, &[co])).expect("bias");
        for layouts in LAYOUTS {
            for (slope, transposed) in [(0.0, false), (0.2, false), (0.0, true), (0.2, true)] {
                let x_in = Var::from_tensor(&layouts.input.from_first_tensor(&x).expect("x"))
                    .expect("x in");
                let kernel = if transposed { &wt } else { &w };
                let op = |leak| {
                    if transposed {
                        conv_transpose2d_laid_out(&x_in, &wt, Some(&bias), g, 0, layouts, leak)
                    } else {
                        conv2d_laid_out(&x_in, &w, Some(&bias), g, layouts, leak)
                    }
                };
                let fused = op(Some(slope)).expect("fused");
                let apart = op(None).and_then(|y| leaky_relu(&y, slope)).expect("apart");
                let case = (layouts, slope, transposed);
                assert!(max_diff(&fused, &apart) < 1e-6, "{case:?}");
                let probe = seq(fused.elem_count(), 1.3, DType::F32, fused.dims());
                let grads = |y: &Tensor| {
                    (y * &probe)
                        .and_then(|t| t.sum_all())
                        .and_then(|t| t.backward())
                        .expect("bwd")
                };
                let (ga, gb) = (grads(&fused), grads(&apart));
                for v in [&x_in, kernel, &bias] {
                    let (a, r) = (ga.get(v).expect("grad"), gb.get(v).expect("grad"));
                    assert!(max_diff(a, r) < 1e-4, "{case:?} {:?}", b_dims(v));
                }
            }
        }
    }
    // P = ‖∂L/∂x‖² with L = Σ tanh(leaky(conv(x)))²: the critic's penalty through
    // the activation's mask.
    let x = Var::from_tensor(&seq(2 * 2 * 25, 0.5, DType::F64, &[2, 2, 5, 5])).expect("x");
    let w = Var::from_tensor(&seq(3 * 2 * 9, 0.7, DType::F64, &[3, 2, 3, 3])).expect("w");
    let bias = Var::from_tensor(&seq(3, 0.3, DType::F64, &[3])).expect("b");
    let layouts = LAYOUTS[1];
    let loss = || -> Tensor {
        conv2d_laid_out(&x, &w, Some(&bias), g, layouts, Some(0.2))
            .and_then(|y| y.tanh())
            .and_then(|y| y.sqr())
            .and_then(|t| t.sum_all())
            .expect("loss")
    };
    let grads = loss().backward().expect("backward");
    let value = || loss().to_scalar::<f64>().expect("scalar");
    for v in [&x, &w, &bias] {
        check_fd(v, grads.get(v).expect("grad"), &value);
    }
    let penalty = || -> Tensor {
        let gx = loss()
            .backward()
            .expect("inner")
            .get(&x)
            .expect("dx")
            .clone();
        gx.sqr().and_then(|t| t.sum_all()).expect("p")
    };
    let grads = penalty().backward().expect("outer");
    let value = || penalty().to_scalar::<f64>().expect("scalar");
    for v in [&w, &bias] {
        check_fd(v, grads.get(v).expect("second-order grad"), &value);
    }
}
