//! Padding by repeating the edge pixels ("replicate" padding) as one op: one copy
//! forward, one pass backward that adds each border's gradient into the edge pixel
//! it repeats. candle's `pad_with_same` on the two spatial axes is two
//! concatenations forward and their narrows and sums backward: a quarter of the fast
//! style network's repaint. The backward is itself an op whose backward is the
//! padding again (the two are each other's adjoints), so gradients of gradients flow.

use candle_core::{CustomOp1, Shape, Tensor};
use rayon::prelude::*;

use super::kernels::{Real, Unary, custom_op1_cpu};
use super::use_candle_ops;

/// `[b, c, h, w]` padded to `[b, c, h + 2p, w + 2p]` by repeating its edges.
pub fn pad_edges(x: &Tensor, p: usize) -> candle_core::Result<Tensor> {
    if p == 0 {
        return Ok(x.clone());
    }
    if use_candle_ops(x.device()) {
        return x.pad_with_same(2, p, p)?.pad_with_same(3, p, p);
    }
    x.contiguous()?.apply_op1(EdgePad { p })
}

/// Rows and columns repeated at each edge.
struct EdgePad {
    p: usize,
}

/// The gradient back through [`EdgePad`]: `[b, c, h + 2p, w + 2p]` to `[b, c, h, w]`.
struct EdgePadGrad {
    p: usize,
}

/// `(planes, h, w)` of a `[b, c, h, w]` shape.
fn planes(shape: &Shape, op: &str) -> candle_core::Result<(usize, usize, usize)> {
    match shape.dims() {
        [b, c, h, w] => Ok((b * c, *h, *w)),
        d => candle_core::bail!("{op} needs [batch, channels, height, width], not {d:?}"),
    }
}

impl Unary for EdgePad {
    fn run<T: Real>(&self, x: &[T], shape: &Shape) -> candle_core::Result<(Vec<T>, Shape)> {
        let (n, h, w) = planes(shape, "edge padding")?;
        if h == 0 || w == 0 {
            candle_core::bail!("edge padding needs a picture of at least one pixel");
        }
        let p = self.p;
        let (ph, pw) = (h + 2 * p, w + 2 * p);
        let mut y = vec![T::default(); n * ph * pw];
        y.par_chunks_mut(ph * pw)
            .zip(x.par_chunks(h * w))
            .for_each(|(out, plane)| {
                for (i, row) in out.chunks_mut(pw).enumerate() {
                    let src = &plane[i.saturating_sub(p).min(h - 1) * w..][..w];
                    row[..p].fill(src[0]);
                    row[p..p + w].copy_from_slice(src);
                    row[p + w..].fill(src[w - 1]);
                }
            });
        let (b, c) = (shape.dims()[0], shape.dims()[1]);
        Ok((y, Shape::from((b, c, ph, pw))))
    }
}

impl CustomOp1 for EdgePad {
    custom_op1_cpu!("edge-pad");

    fn bwd(
        &self,
        _x: &Tensor,
        _res: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<Option<Tensor>> {
        Ok(Some(
            grad.contiguous()?.apply_op1(EdgePadGrad { p: self.p })?,
        ))
    }
}

impl Unary for EdgePadGrad {
    fn run<T: Real>(&self, g: &[T], shape: &Shape) -> candle_core::Result<(Vec<T>, Shape)> {
        let (n, ph, pw) = planes(shape, "edge padding's gradient")?;
        let p = self.p;
        if ph <= 2 * p || pw <= 2 * p {
            candle_core::bail!(
                "edge padding's gradient: {ph} × {pw} is no larger than its padding"
            );
        }
        let (h, w) = (ph - 2 * p, pw - 2 * p);
        let mut x = vec![T::default(); n * h * w];
        x.par_chunks_mut(h * w)
            .zip(g.par_chunks(ph * pw))
            .for_each(|(acc, plane)| {
                for (i, row) in plane.chunks(pw).enumerate() {
                    let dst = &mut acc[i.saturating_sub(p).min(h - 1) * w..][..w];
                    for (d, v) in dst.iter_mut().zip(&row[p..p + w]) {
                        *d = *d + *v;
                    }
                    dst[0] = row[..p].iter().fold(dst[0], |a, v| a + *v);
                    dst[w - 1] = row[p + w..].iter().fold(dst[w - 1], |a, v| a + *v);
                }
            });
        let (b, c) = (shape.dims()[0], shape.dims()[1]);
        Ok((x, Shape::from((b, c, h, w))))
    }
}

impl CustomOp1 for EdgePadGrad {
    custom_op1_cpu!("edge-pad-grad");

    fn bwd(
        &self,
        _g: &Tensor,
        _res: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<Option<Tensor>> {
        Ok(Some(grad.contiguous()?.apply_op1(EdgePad { p: self.p })?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{DType, Device, Var};

    fn candle_pad(x: &Tensor, p: usize) -> candle_core::Result<Tensor> {
        x.pad_with_same(2, p, p)?.pad_with_same(3, p, p)
    }

    #[test]
    fn padding_and_its_gradient_match_candles_in_f32_and_f64() -> candle_core::Result<()> {
        let d = Device::Cpu;
        for dtype in [DType::F32, DType::F64] {
            for (h, w, p) in [(5, 7, 1), (4, 3, 2), (1, 6, 2), (6, 1, 1), (3, 3, 3)] {
                let x = Var::from_tensor(
                    &crate::nn::rng::normal_tensor(h as u64, 1.0, &[2, 3, h, w], &d)?
                        .to_dtype(dtype)?,
                )?;
                let weights = crate::nn::rng::normal_tensor(
                    w as u64,
                    1.0,
                    &[2, 3, h + 2 * p, w + 2 * p],
                    &d,
                )?
                .to_dtype(dtype)?;
                let ours = pad_edges(&x, p)?;
                let theirs = candle_pad(&x, p)?;
                let diff = (&ours - &theirs)?
                    .abs()?
                    .max_all()?
                    .to_dtype(DType::F64)?
                    .to_scalar::<f64>()?;
                assert_eq!(diff, 0.0, "{h}×{w} p {p}");
                let g_ours = (ours * &weights)?.sum_all()?.backward()?;
                let g_theirs = (theirs * &weights)?.sum_all()?.backward()?;
                let (a, b) = (g_ours.get(&x).unwrap(), g_theirs.get(&x).unwrap());
                let diff = (a - b)?
                    .abs()?
                    .max_all()?
                    .to_dtype(DType::F64)?
                    .to_scalar::<f64>()?;
                assert!(
                    diff < 1e-5,
                    "{dtype:?} {h}×{w} p {p}: gradients differ by {diff}"
                );
            }
        }
        Ok(())
    }

    #[test]
    fn the_gradient_matches_finite_differences_in_f64() -> candle_core::Result<()> {
        let d = Device::Cpu;
        let (h, w, p) = (3, 4, 2);
        let x0: Vec<f64> = (0..h * w)
            .map(|i| ((i * 7 % 11) as f64) / 5.0 - 1.0)
            .collect();
        let weights = crate::nn::rng::normal_tensor(1, 1.0, &[1, 1, h + 2 * p, w + 2 * p], &d)?
            .to_dtype(DType::F64)?;
        // A loss that is not linear, so the gradient depends on x.
        let loss = |x: &Tensor| -> candle_core::Result<Tensor> {
            (pad_edges(x, p)?.sqr()? * &weights)?.sum_all()
        };
        crate::nn::finite_differences::assert_input_gradient(&x0, &[1, 1, h, w], 1e-6, loss)
    }

    #[test]
    fn the_gradients_backward_is_the_padding() -> candle_core::Result<()> {
        // Second order: d/dg of <pad_grad(g), v> is pad(v).
        let d = Device::Cpu;
        let (h, w, p) = (4, 5, 1);
        let g = Var::from_tensor(
            &crate::nn::rng::normal_tensor(2, 1.0, &[1, 2, h + 2 * p, w + 2 * p], &d)?
                .to_dtype(DType::F64)?,
        )?;
        let v = crate::nn::rng::normal_tensor(3, 1.0, &[1, 2, h, w], &d)?.to_dtype(DType::F64)?;
        let back = g.as_tensor().apply_op1(EdgePadGrad { p })?;
        let grads = (back * &v)?.sum_all()?.backward()?;
        let diff = (grads.get(&g).unwrap() - candle_pad(&v, p)?)?
            .abs()?
            .max_all()?
            .to_scalar::<f64>()?;
        assert!(diff < 1e-12);
        Ok(())
    }
}
