//! Numerical helpers for the tests of custom ops: deterministic inputs, differences,
//! finite-difference gradients.

use candle_core::backprop::GradStore;
use candle_core::{DType, Device, Tensor, Var};

/// A deterministic tensor of `shape` (`n` values, phase `k`) in `dtype`.
pub fn seq(n: usize, k: f64, dtype: DType, shape: &[usize]) -> Tensor {
    let v: Vec<f64> = (0..n)
        .map(|i| ((i as f64 * 0.37 + k).sin()) * 0.5)
        .collect();
    Tensor::from_vec(v, shape, &Device::Cpu)
        .expect("t")
        .to_dtype(dtype)
        .expect("dtype")
}

/// Standard normal f32 values of `shape` drawn from a generator seeded with `seed`
/// (candle's own `randn` is unseeded, so a test built on it computes different
/// numbers on every run).
pub fn normal(seed: u64, shape: &[usize]) -> Tensor {
    use rand::SeedableRng;
    use rand_distr::{Distribution, StandardNormal};
    let mut rng = latent_studio::nn::rng::SeededRng::seed_from_u64(seed);
    let n = shape.iter().product();
    let v: Vec<f32> = (0..n).map(|_| StandardNormal.sample(&mut rng)).collect();
    Tensor::from_vec(v, shape, &Device::Cpu).expect("normal")
}

/// The largest absolute difference of two tensors.
pub fn max_diff(a: &Tensor, b: &Tensor) -> f64 {
    max_abs(&(a - b).expect("diff"))
}

/// The largest absolute value in a tensor.
pub fn max_abs(t: &Tensor) -> f64 {
    (t.abs()
        .and_then(|t| t.flatten_all()?.max(0)?.to_dtype(DType::F64)))
    .and_then(|t| t.to_scalar::<f64>())
    .expect("max")
}

/// Two sets of gradients compared as a whole over `vars`: the norm of their
/// difference and the norm of `a`'s.
pub fn gradient_gap(vars: &[Var], a: &GradStore, b: &GradStore) -> (f64, f64) {
    let norm = |t: &Tensor| -> f64 {
        (t.to_dtype(DType::F64)
            .and_then(|t| t.sqr()?.sum_all()?.to_scalar::<f64>()))
        .expect("norm")
        .sqrt()
    };
    let (mut diff, mut total) = (0.0f64, 0.0f64);
    for v in vars {
        let (ga, gb) = (a.get(v).expect("grad"), b.get(v).expect("grad"));
        diff = diff.hypot(norm(&(ga - gb).expect("diff")));
        total = total.hypot(norm(ga));
    }
    (diff, total)
}

/// Central differences of `f` with respect to every entry of `v`, against `analytic`.
pub fn check_fd(v: &Var, analytic: &Tensor, f: &dyn Fn() -> f64) {
    let base: Vec<f64> = v.flatten_all().expect("f").to_vec1().expect("v");
    let got: Vec<f64> = analytic.flatten_all().expect("f").to_vec1().expect("v");
    let shape = v.dims().to_vec();
    for i in 0..base.len() {
        let at = |d: f64| {
            let mut b = base.clone();
            b[i] += d;
            v.set(&Tensor::from_vec(b, shape.as_slice(), &Device::Cpu).expect("t"))
                .expect("set");
            let out = f();
            v.set(&Tensor::from_vec(base.clone(), shape.as_slice(), &Device::Cpu).expect("t"))
                .expect("set");
            out
        };
        let h = 1e-5;
        let numeric = (at(h) - at(-h)) / (2.0 * h);
        assert!(
            (got[i] - numeric).abs() < 1e-6 + 1e-5 * numeric.abs(),
            "entry {i}: {} vs {numeric}",
            got[i]
        );
    }
}
