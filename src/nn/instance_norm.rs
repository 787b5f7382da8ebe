//! Instance normalisation (Ulyanov et al., 2016): each picture's each channel
//! normalised over its own positions, then scaled and shifted per channel. The
//! transformation networks of fast style transfer use it instead of batch norm: a
//! picture's contrast is its own, not its batch's, and one picture is repainted
//! alone as well as in a batch.
//!
//! On the CPU it is the batch-norm op of [`super::batch_norm_op`] over `[1, b·c, h, w]`
//! (each picture's channel a channel of its own), with γ and β repeated for each
//! picture, and the ReLU after it in the same pass.

use candle_core::{Device, Tensor};

use super::batch_norm_op::BatchNormOp;
use super::params::ParamStore;
use super::use_candle_ops;
use crate::Result;

const EPS: f64 = 1e-5;

/// An instance-norm layer with its scale γ and shift β per channel.
pub struct InstanceNorm {
    gamma: Tensor,
    beta: Tensor,
}

impl InstanceNorm {
    /// A layer over `channels`, registered as `{name}.weight` (ones) and `{name}.bias`
    /// (zeros).
    pub fn new(
        params: &mut ParamStore,
        name: &str,
        channels: usize,
        device: &Device,
    ) -> Result<Self> {
        let gamma = params.constant(&format!("{name}.weight"), &[channels], 1.0, device)?;
        let beta = params.constant(&format!("{name}.bias"), &[channels], 0.0, device)?;
        Ok(Self { gamma, beta })
    }

    /// Normalises `[b, c, h, w]`, followed by a ReLU when `relu`.
    pub fn forward(&self, x: &Tensor, relu: bool) -> Result<Tensor> {
        if use_candle_ops(x.device()) {
            let y = reference(x, &self.gamma, &self.beta)?;
            return Ok(if relu { y.relu()? } else { y });
        }
        let (b, c, h, w) = x.dims4()?;
        let repeat = |t: &Tensor| t.unsqueeze(0)?.broadcast_as((b, c))?.reshape(b * c);
        let mut op = BatchNormOp::new(EPS);
        if relu {
            op = op.with_leaky_relu(0.0);
        }
        let flat = x.reshape((1, b * c, h, w))?;
        let y = op.apply(&flat, &repeat(&self.gamma)?, &repeat(&self.beta)?)?;
        Ok(y.reshape((b, c, h, w))?)
    }
}

/// Instance norm in candle's own ops: `(x − μ)/√(σ² + ε)·γ + β`, μ and σ² (biased)
/// over each picture's channel.
pub fn reference(x: &Tensor, gamma: &Tensor, beta: &Tensor) -> Result<Tensor> {
    let (b, c, h, w) = x.dims4()?;
    let flat = x.reshape((b, c, h * w))?;
    let mean = flat.mean_keepdim(2)?;
    let centred = flat.broadcast_sub(&mean)?;
    let var = centred.sqr()?.mean_keepdim(2)?;
    let norm = centred.broadcast_div(&(var + EPS)?.sqrt()?)?;
    let y = norm
        .broadcast_mul(&gamma.reshape((1, c, 1))?)?
        .broadcast_add(&beta.reshape((1, c, 1))?)?;
    Ok(y.reshape((b, c, h, w))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Var;

    #[test]
    fn instance_norm_matches_a_hand_computation() -> Result<()> {
        let d = Device::Cpu;
        // Two pictures, one channel, 1 × 4: (1, 2, 3, 6) and (0, 0, 4, 4).
        let x = Tensor::new(&[[[[1f32, 2., 3., 6.]]], [[[0., 0., 4., 4.]]]], &d)?;
        let mut params = ParamStore::new();
        let norm = InstanceNorm::new(&mut params, "n", 1, &d)?;
        let y = norm.forward(&x, false)?.flatten_all()?.to_vec1::<f32>()?;
        // Picture 1: mean 3, variance (4 + 1 + 0 + 9)/4 = 3.5.
        let s = (3.5f32 + 1e-5).sqrt();
        let want1 = [-2.0 / s, -1.0 / s, 0.0, 3.0 / s];
        // Picture 2: mean 2, variance 4: ±1.
        let s2 = (4f32 + 1e-5).sqrt();
        let want2 = [-2.0 / s2, -2.0 / s2, 2.0 / s2, 2.0 / s2];
        for (got, want) in y.iter().zip(want1.iter().chain(&want2)) {
            assert!((got - want).abs() < 1e-5, "{y:?}");
        }
        let r = norm.forward(&x, true)?.flatten_all()?.to_vec1::<f32>()?;
        assert_eq!(r[0], 0.0);
        assert!((r[3] - 3.0 / s).abs() < 1e-5);
        Ok(())
    }

    #[test]
    fn the_fast_path_and_its_gradients_match_candles_ops() -> Result<()> {
        let d = Device::Cpu;
        let x = Var::from_tensor(&((Tensor::randn(0f32, 1., (3, 4, 5, 6), &d)? * 2.0)? + 0.5)?)?;
        let gamma = Var::from_tensor(&Tensor::new(&[0.5f32, 1.5, -1.0, 2.0], &d)?)?;
        let beta = Var::from_tensor(&Tensor::new(&[0.1f32, -0.2, 0.3, 0.0], &d)?)?;
        let norm = InstanceNorm {
            gamma: gamma.as_tensor().clone(),
            beta: beta.as_tensor().clone(),
        };
        let weights = Tensor::randn(0f32, 1., (3, 4, 5, 6), &d)?;
        for relu in [false, true] {
            let fast = norm.forward(x.as_tensor(), relu)?;
            let mut slow = reference(x.as_tensor(), gamma.as_tensor(), beta.as_tensor())?;
            if relu {
                slow = slow.relu()?;
            }
            let diff = (&fast - &slow)?.abs()?.max_all()?.to_scalar::<f32>()?;
            assert!(diff < 1e-4, "forward differs by {diff}");
            let gf = (fast * &weights)?.sum_all()?.backward()?;
            let gs = (slow * &weights)?.sum_all()?.backward()?;
            for v in [&x, &gamma, &beta] {
                let (a, b) = (gf.get(v).expect("grad"), gs.get(v).expect("grad"));
                let diff = (a - b)?.abs()?.max_all()?.to_scalar::<f32>()?;
                assert!(diff < 1e-3, "gradient differs by {diff} (relu {relu})");
            }
        }
        Ok(())
    }
}
