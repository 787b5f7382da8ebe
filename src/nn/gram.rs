//! Gram matrices of feature maps: which channels fire together, wherever they fire.
//! Two pictures with the same Gram matrices at several layers share a texture (a
//! style), whatever their layout.

use candle_core::Tensor;

use crate::Result;

/// The Gram matrix of features `[b, c, h, w]`: `G[b, i, j] = Σ_p F[b, i, p]·F[b, j, p] / (h·w)`,
/// `[b, c, c]` — the mean over positions, so pictures of different sizes compare.
pub fn gram(features: &Tensor) -> Result<Tensor> {
    let (b, c, h, w) = features.dims4()?;
    let f = features.reshape((b, c, h * w))?; // [b, c, hw]
    let g = f.matmul(&f.t()?)?; // [b, c, c]
    Ok((g / (h * w) as f64)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    #[test]
    fn gram_matches_a_hand_computation() -> Result<()> {
        // Two channels over a 1 × 3 picture: a = (1, 2, 3), b = (0, −1, 4).
        // a·a = 14, a·b = 10, b·b = 17; divided by 3 positions.
        let f = Tensor::new(&[[[[1f32, 2., 3.]], [[0., -1., 4.]]]], &Device::Cpu)?;
        let g = gram(&f)?.to_vec3::<f32>()?;
        let want = [[14.0 / 3.0, 10.0 / 3.0], [10.0 / 3.0, 17.0 / 3.0]];
        for i in 0..2 {
            for j in 0..2 {
                assert!((g[0][i][j] - want[i][j]).abs() < 1e-6, "{g:?}");
            }
        }
        Ok(())
    }

    #[test]
    fn gram_ignores_where_features_are() -> Result<()> {
        // The same values, shuffled over positions, give the same Gram matrix.
        let f = Tensor::new(
            &[[[[1f32, 2.], [3., 4.]], [[5., 6.], [7., 8.]]]],
            &Device::Cpu,
        )?;
        let shuffled = Tensor::new(
            &[[[[4f32, 1.], [2., 3.]], [[8., 5.], [6., 7.]]]],
            &Device::Cpu,
        )?;
        let diff = (gram(&f)? - gram(&shuffled)?)?
            .abs()?
            .max_all()?
            .to_scalar::<f32>()?;
        assert!(diff < 1e-6);
        Ok(())
    }
}
