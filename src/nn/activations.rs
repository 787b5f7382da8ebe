//! ReLU and leaky ReLU as custom ops: one pass forward, one pass backward.
//!
//! candle's ReLU backward builds a zero tensor, compares, converts the mask and
//! multiplies (four passes); its leaky ReLU is `max(x, a·x)`, whose backward is more
//! of the same: a tenth of a DCGAN step. The backward here is itself an op whose
//! backward is the same op, so second-order gradients (WGAN-GP's critic) flow.

use candle_core::{CustomOp1, CustomOp2, Shape, Tensor};

use super::kernels::{
    Binary, Real, Unary, custom_op1_cpu, custom_op2_cpu, map_elements, map_pairs,
};
use super::use_candle_ops;
use rayon::prelude::*;

/// max(0, x).
pub fn relu(x: &Tensor) -> candle_core::Result<Tensor> {
    leaky_relu(x, 0.0)
}

/// x for x > 0, `slope`·x otherwise.
pub fn leaky_relu(x: &Tensor, slope: f64) -> candle_core::Result<Tensor> {
    if use_candle_ops(x.device()) {
        return if slope == 0.0 {
            x.relu()
        } else {
            candle_nn::ops::leaky_relu(x, slope)
        };
    }
    x.contiguous()?.apply_op1(LeakyRelu { slope })
}

/// tanh, vectorised (candle's calls the C library once per value: 3% of a DCGAN
/// step for its 28 × 28 outputs). Absolute error below 2·10⁻⁷ in f32. Its backward,
/// `g·(1 − y²)`, is candle's ops on the output, so second-order gradients flow.
pub fn tanh(x: &Tensor) -> candle_core::Result<Tensor> {
    if use_candle_ops(x.device()) {
        return x.tanh();
    }
    x.contiguous()?.apply_op1(Tanh)
}

struct Tanh;

impl Unary for Tanh {
    fn run<T: Real>(&self, x: &[T], shape: &Shape) -> candle_core::Result<(Vec<T>, Shape)> {
        let mut y = x.to_vec();
        y.par_chunks_mut(16 * 1024)
            .for_each(|chunk| T::tanh_all(chunk));
        Ok((y, shape.clone()))
    }
}

impl CustomOp1 for Tanh {
    custom_op1_cpu!("tanh");

    fn bwd(&self, _x: &Tensor, res: &Tensor, grad: &Tensor) -> candle_core::Result<Option<Tensor>> {
        Ok(Some(grad.mul(&res.sqr()?.affine(-1.0, 1.0)?)?))
    }
}

struct LeakyRelu {
    slope: f64,
}

impl Unary for LeakyRelu {
    fn run<T: Real>(&self, x: &[T], shape: &Shape) -> candle_core::Result<(Vec<T>, Shape)> {
        let (zero, slope) = (T::default(), T::from_f64(self.slope));
        let y = map_elements(x, move |v| if v > zero { v } else { v * slope });
        Ok((y, shape.clone()))
    }
}

impl CustomOp1 for LeakyRelu {
    custom_op1_cpu!("leaky-relu");

    fn bwd(&self, x: &Tensor, _res: &Tensor, grad: &Tensor) -> candle_core::Result<Option<Tensor>> {
        // x only picks the slope (a constant almost everywhere): detached, so the
        // gradient's own graph has no edge to it.
        Ok(Some(grad.contiguous()?.apply_op2(
            &x.contiguous()?.detach(),
            SlopeOf { slope: self.slope },
        )?))
    }
}

/// The gradient `grad` back through a leaky ReLU whose input (or output: the sign is
/// the same) was `x`, as a value: no graph node, for ops that fold the activation in.
pub(crate) fn leaky_relu_grad(
    grad: &Tensor,
    x: &Tensor,
    slope: f64,
) -> candle_core::Result<Tensor> {
    grad.contiguous()?
        .apply_op2_no_bwd(&x.contiguous()?, &SlopeOf { slope })
}

/// A leaky ReLU of slope `slope` applied to `y` in place, in parallel chunks: for
/// ops that fold the activation into their output.
pub(crate) fn leaky_relu_in_place<T: Real>(y: &mut [T], slope: f64) {
    const CHUNK: usize = 16 * 1024;
    let (zero, slope) = (T::default(), T::from_f64(slope));
    y.par_chunks_mut(CHUNK).for_each(move |chunk| {
        for v in chunk {
            *v = if *v > zero { *v } else { *v * slope };
        }
    });
}

/// `grad` back through a leaky ReLU (slope ≥ 0) whose output was `y`, as a graph
/// node whose own backward is the same mask (so second-order gradients flow through
/// it): for ops that fold the activation into their output.
pub(crate) fn through_leaky_relu(
    grad: &Tensor,
    y: &Tensor,
    slope: f64,
) -> candle_core::Result<Tensor> {
    grad.contiguous()?
        .apply_op2(&y.contiguous()?.detach(), SlopeOf { slope })
}

/// `(g, x)` → g where x > 0, `slope`·g elsewhere: the gradient through a leaky ReLU
/// at x. Linear in g and flat in x, so its own backward is itself (and nothing for x).
struct SlopeOf {
    slope: f64,
}

impl Binary for SlopeOf {
    fn run<T: Real>(
        &self,
        g: &[T],
        gs: &Shape,
        x: &[T],
        xs: &Shape,
    ) -> candle_core::Result<(Vec<T>, Shape)> {
        if gs != xs {
            candle_core::bail!("leaky ReLU backward: gradient {gs:?} does not fit {xs:?}");
        }
        let (zero, slope) = (T::default(), T::from_f64(self.slope));
        let y = map_pairs(g, x, move |g, x| if x > zero { g } else { g * slope });
        Ok((y, gs.clone()))
    }
}

impl CustomOp2 for SlopeOf {
    custom_op2_cpu!("leaky-relu-grad");

    fn bwd(
        &self,
        _g: &Tensor,
        x: &Tensor,
        _res: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>)> {
        let back = grad
            .contiguous()?
            .apply_op2(&x.contiguous()?.detach(), SlopeOf { slope: self.slope })?;
        Ok((Some(back), None))
    }
}
