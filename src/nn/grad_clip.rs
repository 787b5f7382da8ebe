//! Clipping a gradient by its global norm, as recurrent models are trained.

use candle_core::Var;
use candle_core::backprop::GradStore;

use crate::Result;

/// Scales the gradients of `vars` down so that their global norm is at most `clip`
/// (0: no clipping); returns the norm before.
pub fn clip_global_norm(vars: &[Var], grads: &mut GradStore, clip: f64) -> Result<f64> {
    let mut sq = 0.0f64;
    for v in vars {
        if let Some(g) = grads.get(v) {
            sq += g.sqr()?.sum_all()?.to_scalar::<f32>()? as f64;
        }
    }
    let norm = sq.sqrt();
    if clip > 0.0 && norm > clip {
        let scale = clip / norm;
        for v in vars {
            if let Some(g) = grads.get(v) {
                let scaled = (g * scale)?;
                grads.insert(v, scaled);
            }
        }
    }
    Ok(norm)
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{Device, Tensor};

    #[test]
    fn a_gradient_over_the_clip_is_scaled_to_it_and_one_under_is_kept() -> Result<()> {
        let d = Device::Cpu;
        let v = Var::from_tensor(&Tensor::new(&[1.0f32, 2.0], &d)?)?;
        let loss = (v.as_tensor() * 3.0)?.sum_all()?; // gradient (3, 3), norm 3√2
        let mut grads = loss.backward()?;
        let norm = clip_global_norm(std::slice::from_ref(&v), &mut grads, 1.0)?;
        assert!((norm - 18f64.sqrt()).abs() < 1e-5);
        let g = grads.get(&v).expect("grad").to_vec1::<f32>()?;
        assert!((g[0] - 1.0 / 2f32.sqrt()).abs() < 1e-5, "{g:?}");
        let mut grads = loss.backward()?;
        clip_global_norm(std::slice::from_ref(&v), &mut grads, 10.0)?;
        assert_eq!(grads.get(&v).expect("grad").to_vec1::<f32>()?, [3.0, 3.0]);
        Ok(())
    }
}
