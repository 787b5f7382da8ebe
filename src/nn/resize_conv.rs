//! A resize-convolution (Odena et al., 2016): the picture doubled by repeating each
//! pixel, cropped to the size wanted, padded by repeating its edges, then a 3 × 3
//! convolution, computed without the doubled picture. Each output pixel of a doubled
//! picture reads only 2 × 2 pixels of the small one, so the layer is four 2 × 2
//! convolutions of the small picture (one per output phase, their kernels sums of the
//! 3 × 3 kernel's taps) stacked into one matrix product, then interleaved: 16 taps
//! where the doubled picture needed 36, and no doubled copy to make, pad and lay out.
//! [`reference`] is the plain computation, which the tests hold it to.

use candle_core::{CustomOp1, Device, Shape, Tensor};
use rayon::prelude::*;

use super::conv::uniform_weight_and_bias;
use super::edge_pad::pad_edges;
use super::fast_conv::{ConvGeometry, conv2d_with_bias};
use super::kernels::{Real, Unary, custom_op1_cpu};
use super::params::ParamStore;
use super::rng::SeededRng;
use crate::Result;

/// Which taps of a 3 × 3 kernel's row land on each of the two source rows, for an
/// output row of phase 0 (even) and 1 (odd): `TAPS[phase][source][tap]`.
const TAPS: [[[f64; 3]; 2]; 2] = [[[1., 0., 0.], [0., 1., 1.]], [[1., 1., 0.], [0., 0., 1.]]];

/// `[b, c, h, w]` doubled to `[b, c, 2h, 2w]` by repeating each value (nearest
/// neighbour, by broadcasting: its gradient is a sum), then cropped to
/// `height × width`.
pub fn upsample_to(x: &Tensor, height: usize, width: usize) -> Result<Tensor> {
    let (b, c, h, w) = x.dims4()?;
    let up = x
        .reshape((b, c, h, 1, w, 1))?
        .broadcast_as((b, c, h, 2, w, 2))?
        .contiguous()?
        .reshape((b, c, 2 * h, 2 * w))?;
    Ok(up.narrow(2, 0, height)?.narrow(3, 0, width)?.contiguous()?)
}

/// The layer computed plainly: doubled, cropped, edge-padded, convolved.
pub fn reference(
    x: &Tensor,
    weight: &Tensor,
    bias: &Tensor,
    height: usize,
    width: usize,
) -> Result<Tensor> {
    let up = pad_edges(&upsample_to(x, height, width)?, 1)?;
    let g = ConvGeometry {
        stride: 1,
        padding: 0,
    };
    Ok(conv2d_with_bias(&up, weight, bias, g)?)
}

/// A resize-convolution `c_in → c_out` with a 3 × 3 kernel.
pub struct ResizeConv {
    weight: Tensor,
    bias: Tensor,
    /// `[9, 16]`: the 3 × 3 taps to each phase's 2 × 2 taps.
    phases: Tensor,
}

impl ResizeConv {
    /// Registers `{name}.weight` `[c_out, c_in, 3, 3]` and `{name}.bias` with
    /// PyTorch's default initialisation (the same draws as a 3 × 3 [`super::conv::Conv`]).
    pub fn pytorch_init(
        params: &mut ParamStore,
        name: &str,
        c_in: usize,
        c_out: usize,
        rng: &mut SeededRng,
        device: &Device,
    ) -> Result<Self> {
        let shape = [c_out, c_in, 3, 3];
        let (weight, bias) =
            uniform_weight_and_bias(params, name, &shape, c_out, c_in * 9, rng, device)?;
        Self::from_parts(weight, bias)
    }

    /// The layer with these weights `[c_out, c_in, 3, 3]` and bias `[c_out]`.
    pub fn from_parts(weight: Tensor, bias: Tensor) -> Result<Self> {
        let mut m = vec![0f64; 9 * 16];
        for (r, s) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
            for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                for (ky, kx) in (0..3).flat_map(|ky| (0..3).map(move |kx| (ky, kx))) {
                    let column = (2 * r + s) * 4 + 2 * dy + dx;
                    m[(ky * 3 + kx) * 16 + column] = TAPS[r][dy][ky] * TAPS[s][dx][kx];
                }
            }
        }
        let phases = Tensor::from_vec(m, (9, 16), weight.device())?.to_dtype(weight.dtype())?;
        Ok(Self {
            weight,
            bias,
            phases,
        })
    }

    /// `[b, c_in, h, w]` to `[b, c_out, height, width]`, `height` ≤ 2h and `width` ≤ 2w.
    pub fn forward(&self, x: &Tensor, height: usize, width: usize) -> Result<Tensor> {
        let (_, _, h, w) = x.dims4()?;
        if height > 2 * h || width > 2 * w || height + 1 < 2 * h || width + 1 < 2 * w {
            return Err(crate::StudioError::Spec(format!(
                "a resize-convolution doubles {h} × {w}: it cannot give {height} × {width}"
            )));
        }
        if super::use_candle_ops(x.device()) {
            return reference(x, &self.weight, &self.bias, height, width);
        }
        let (o, i, _, _) = self.weight.dims4()?;
        // [o·i, 9] · [9, 16] → per phase, a 2 × 2 kernel: [4·o, i, 2, 2].
        let kernels = self
            .weight
            .reshape((o * i, 9))?
            .matmul(&self.phases)?
            .reshape((o, i, 4, 2, 2))?
            .permute((2, 0, 1, 3, 4))?
            .contiguous()?
            .reshape((4 * o, i, 2, 2))?;
        let bias = Tensor::cat(&[&self.bias, &self.bias, &self.bias, &self.bias], 0)?;
        let g = ConvGeometry {
            stride: 1,
            padding: 0,
        };
        let stacked = conv2d_with_bias(&pad_edges(x, 1)?, &kernels, &bias, g)?;
        Ok(stacked.apply_op1(Interleave { height, width })?)
    }
}

/// `[b, 4·o, h + 1, w + 1]` (four phases' outputs at every offset) to `[b, o,
/// height, width]`: output pixel (2a + r, 2c + s) is phase (r, s)'s at (a + r, c + s).
struct Interleave {
    height: usize,
    width: usize,
}

/// The gradient back through [`Interleave`]: each output pixel's gradient to the one
/// place it came from (zero elsewhere).
struct InterleaveGrad {
    h: usize,
    w: usize,
}

/// `(batch, channels, height, width)` of a 4-d shape.
fn dims4(shape: &Shape, op: &str) -> candle_core::Result<(usize, usize, usize, usize)> {
    match shape.dims() {
        [b, c, h, w] => Ok((*b, *c, *h, *w)),
        d => candle_core::bail!("{op} needs [batch, channels, height, width], not {d:?}"),
    }
}

/// The source `(phase, row)` of output row `y`, and likewise for columns.
fn source(y: usize) -> (usize, usize) {
    let phase = y & 1;
    (phase, (y >> 1) + phase)
}

impl Unary for Interleave {
    fn run<T: Real>(&self, x: &[T], shape: &Shape) -> candle_core::Result<(Vec<T>, Shape)> {
        let (b, c4, h1, w1) = dims4(shape, "interleaving")?;
        let (height, width) = (self.height, self.width);
        if c4 % 4 != 0 || height > 2 * (h1 - 1) || width > 2 * (w1 - 1) {
            candle_core::bail!("interleaving {shape:?} into {height} × {width}");
        }
        let o = c4 / 4;
        let plane = h1 * w1;
        let mut y = vec![T::default(); b * o * height * width];
        y.par_chunks_mut(height * width)
            .enumerate()
            .for_each(|(n, out)| {
                let (image, channel) = (n / o, n % o);
                let at = |phase: usize| (image * c4 + phase * o + channel) * plane;
                for (row, line) in out.chunks_mut(width).enumerate() {
                    let (r, sy) = source(row);
                    let even = &x[at(2 * r) + sy * w1..][..w1];
                    let odd = &x[at(2 * r + 1) + sy * w1..][..w1];
                    for (col, v) in line.iter_mut().enumerate() {
                        let (s, sx) = source(col);
                        *v = if s == 0 { even[sx] } else { odd[sx] };
                    }
                }
            });
        Ok((y, Shape::from((b, o, height, width))))
    }
}

impl CustomOp1 for Interleave {
    custom_op1_cpu!("resize-conv-interleave");

    fn bwd(&self, x: &Tensor, _res: &Tensor, grad: &Tensor) -> candle_core::Result<Option<Tensor>> {
        let (_, _, h1, w1) = x.dims4()?;
        let back = InterleaveGrad {
            h: h1 - 1,
            w: w1 - 1,
        };
        Ok(Some(grad.contiguous()?.apply_op1(back)?))
    }
}

impl Unary for InterleaveGrad {
    fn run<T: Real>(&self, g: &[T], shape: &Shape) -> candle_core::Result<(Vec<T>, Shape)> {
        let (b, o, height, width) = dims4(shape, "interleaving's gradient")?;
        let (h1, w1) = (self.h + 1, self.w + 1);
        let plane = h1 * w1;
        let mut x = vec![T::default(); b * 4 * o * plane];
        // One image's four phases of every channel at a time (they share no pixel
        // with another image's).
        x.par_chunks_mut(4 * o * plane)
            .enumerate()
            .for_each(|(image, acc)| {
                for channel in 0..o {
                    let from = &g[(image * o + channel) * height * width..][..height * width];
                    for (row, line) in from.chunks(width).enumerate() {
                        let (r, sy) = source(row);
                        for (col, v) in line.iter().enumerate() {
                            let (s, sx) = source(col);
                            acc[((2 * r + s) * o + channel) * plane + sy * w1 + sx] = *v;
                        }
                    }
                }
            });
        Ok((x, Shape::from((b, 4 * o, h1, w1))))
    }
}

impl CustomOp1 for InterleaveGrad {
    custom_op1_cpu!("resize-conv-interleave-grad");

    fn bwd(&self, g: &Tensor, _res: &Tensor, grad: &Tensor) -> candle_core::Result<Option<Tensor>> {
        let (_, _, height, width) = g.dims4()?;
        Ok(Some(
            grad.contiguous()?.apply_op1(Interleave { height, width })?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{DType, Var};
    use rand::SeedableRng;

    fn max_diff(a: &Tensor, b: &Tensor) -> f64 {
        let d = (a - b).unwrap().abs().unwrap().flatten_all().unwrap();
        d.max(0)
            .unwrap()
            .to_dtype(DType::F64)
            .unwrap()
            .to_scalar::<f64>()
            .unwrap()
    }

    #[test]
    fn matches_the_plain_computation_and_its_gradients_in_f32_and_f64() -> Result<()> {
        let d = Device::Cpu;
        for dtype in [DType::F32, DType::F64] {
            let tol = if dtype == DType::F32 { 1e-4 } else { 1e-10 };
            for (h, w, height, width) in [
                (4, 5, 8, 10),
                (4, 5, 7, 9),
                (3, 3, 6, 5),
                (1, 2, 1, 4),
                (2, 1, 3, 2),
            ] {
                let mut params = ParamStore::new();
                let mut rng = SeededRng::seed_from_u64(3);
                let layer = ResizeConv::pytorch_init(&mut params, "up", 3, 4, &mut rng, &d)?;
                let weight = Var::from_tensor(&layer.weight.to_dtype(dtype)?)?;
                let bias = Var::from_tensor(&layer.bias.to_dtype(dtype)?)?;
                let layer =
                    ResizeConv::from_parts(weight.as_tensor().clone(), bias.as_tensor().clone())?;
                let x = Var::from_tensor(
                    &crate::nn::rng::normal_tensor(h as u64, 1.0, &[2, 3, h, w], &d)?
                        .to_dtype(dtype)?,
                )?;
                let ours = layer.forward(&x, height, width)?;
                let theirs = reference(&x, &weight, &bias, height, width)?;
                assert_eq!(ours.dims(), [2, 4, height, width]);
                assert!(max_diff(&ours, &theirs) < tol, "{h}×{w} → {height}×{width}");
                let probe =
                    crate::nn::rng::normal_tensor(width as u64, 1.0, &[2, 4, height, width], &d)?
                        .to_dtype(dtype)?;
                let g_ours = (ours * &probe)?.sum_all()?.backward()?;
                let g_theirs = (theirs * &probe)?.sum_all()?.backward()?;
                for (name, v) in [("input", &x), ("weight", &weight), ("bias", &bias)] {
                    let diff = max_diff(g_ours.get(v).unwrap(), g_theirs.get(v).unwrap());
                    assert!(
                        diff < tol * 10.0,
                        "{dtype:?} {h}×{w} → {height}×{width}: {name} gradient off by {diff}"
                    );
                }
            }
        }
        Ok(())
    }

    #[test]
    fn the_input_gradient_matches_finite_differences_in_f64() -> Result<()> {
        let d = Device::Cpu;
        let mut params = ParamStore::new();
        let mut rng = SeededRng::seed_from_u64(5);
        let layer = ResizeConv::pytorch_init(&mut params, "up", 2, 2, &mut rng, &d)?;
        let layer = ResizeConv::from_parts(
            layer.weight.to_dtype(DType::F64)?,
            layer.bias.to_dtype(DType::F64)?,
        )?;
        let (h, w, height, width) = (3, 2, 5, 4);
        let x0: Vec<f64> = (0..2 * h * w)
            .map(|i| ((i * 5 % 7) as f64) / 3.0 - 1.0)
            .collect();
        crate::nn::finite_differences::assert_input_gradient(&x0, &[1, 2, h, w], 1e-5, |x| {
            layer
                .forward(x, height, width)
                .map_err(|e| candle_core::Error::Msg(e.to_string()))?
                .sqr()?
                .sum_all()
        })?;
        Ok(())
    }

    #[test]
    fn interleaving_and_its_gradient_are_adjoint() -> Result<()> {
        // <interleave(a), b> = <a, gradient(b)>: the backward is the forward's transpose.
        let d = Device::Cpu;
        let (h, w, height, width) = (3, 4, 5, 8);
        let a = crate::nn::rng::normal_tensor(1, 1.0, &[2, 8, h + 1, w + 1], &d)?
            .to_dtype(DType::F64)?;
        let b = crate::nn::rng::normal_tensor(2, 1.0, &[2, 2, height, width], &d)?
            .to_dtype(DType::F64)?;
        let forward = a.apply_op1(Interleave { height, width })?;
        let back = b.apply_op1(InterleaveGrad { h, w })?;
        let lhs = (forward * &b)?.sum_all()?.to_scalar::<f64>()?;
        let rhs = (a * back)?.sum_all()?.to_scalar::<f64>()?;
        assert!(
            (lhs - rhs).abs() < 1e-9 * (1.0 + lhs.abs()),
            "{lhs} vs {rhs}"
        );
        Ok(())
    }

    #[test]
    fn a_size_it_cannot_reach_is_refused() -> Result<()> {
        let d = Device::Cpu;
        let mut params = ParamStore::new();
        let mut rng = SeededRng::seed_from_u64(1);
        let layer = ResizeConv::pytorch_init(&mut params, "up", 1, 1, &mut rng, &d)?;
        let x = Tensor::zeros((1, 1, 4, 4), DType::F32, &d)?;
        assert!(layer.forward(&x, 9, 8).is_err());
        assert!(layer.forward(&x, 6, 8).is_err());
        Ok(())
    }

    #[test]
    fn upsampling_repeats_values_and_crops() -> Result<()> {
        let x = Tensor::new(&[[[[1f32, 2.], [3., 4.]]]], &Device::Cpu)?;
        let y = upsample_to(&x, 3, 4)?.squeeze(0)?.to_vec3::<f32>()?;
        assert_eq!(
            y[0],
            vec![
                vec![1., 1., 2., 2.],
                vec![1., 1., 2., 2.],
                vec![3., 3., 4., 4.]
            ]
        );
        Ok(())
    }
}
