//! A test helper: an input gradient checked against central finite differences in f64.

use candle_core::{Device, Tensor, Var};

/// Asserts that the gradient of `loss` (a scalar of an f64 input of `shape`) at `x0`
/// matches central differences within `tol` relative to the difference.
pub fn assert_input_gradient(
    x0: &[f64],
    shape: &[usize],
    tol: f64,
    loss: impl Fn(&Tensor) -> candle_core::Result<Tensor>,
) -> candle_core::Result<()> {
    let d = Device::Cpu;
    let x = Var::from_vec(x0.to_vec(), shape, &d)?;
    let grads = loss(&x)?.backward()?;
    let grad = grads.get(&x).expect("the loss depends on its input");
    let grad = grad.flatten_all()?.to_vec1::<f64>()?;
    let eps = 1e-6;
    for i in 0..x0.len() {
        let at = |delta: f64| -> candle_core::Result<f64> {
            let mut v = x0.to_vec();
            v[i] += delta;
            loss(&Tensor::from_vec(v, shape, &d)?)?.to_scalar::<f64>()
        };
        let fd = (at(eps)? - at(-eps)?) / (2.0 * eps);
        assert!(
            (fd - grad[i]).abs() < tol * (1.0 + fd.abs()),
            "input {i}: {fd} by differences, {} by the backward",
            grad[i]
        );
    }
    Ok(())
}
