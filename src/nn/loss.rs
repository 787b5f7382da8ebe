//! Numerically stable losses on logits.

use candle_core::Tensor;

use crate::Result;

/// softplus(x) = log(1 + eˣ), computed as max(x, 0) + log(1 + e^(−|x|)) so that it
/// neither overflows nor loses precision for large |x|.
pub fn softplus(xs: &Tensor) -> Result<Tensor> {
    let tail = (xs.abs()?.neg()?.exp()? + 1.0)?.log()?;
    Ok((xs.relu()? + tail)?)
}

/// Mean of −log σ(x): binary cross-entropy of logits against the label 1.
pub fn bce_with_logits_ones(logits: &Tensor) -> Result<Tensor> {
    Ok(softplus(&logits.neg()?)?.mean_all()?)
}

/// Mean of −log(1 − σ(x)): binary cross-entropy of logits against the label 0.
pub fn bce_with_logits_zeros(logits: &Tensor) -> Result<Tensor> {
    Ok(softplus(logits)?.mean_all()?)
}

/// Mean binary cross-entropy of `logits` against soft `targets` in [0, 1] (same shape):
/// t·softplus(−x) + (1 − t)·softplus(x).
pub fn bce_with_logits(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
    let pos = (softplus(&logits.neg()?)? * targets)?;
    let neg = (softplus(logits)? * (1.0 - targets)?)?;
    Ok((pos + neg)?.mean_all()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    #[test]
    fn softplus_matches_the_naive_formula_and_stays_finite() {
        let xs = Tensor::new(&[-3.0f32, -0.5, 0.0, 0.7, 4.0], &Device::Cpu).expect("tensor");
        let got: Vec<f32> = softplus(&xs)
            .and_then(|t| Ok(t.to_vec1()?))
            .expect("softplus");
        for (x, y) in [-3.0f32, -0.5, 0.0, 0.7, 4.0].iter().zip(got) {
            assert!((y - (1.0 + x.exp()).ln()).abs() < 1e-6, "{x}: {y}");
        }
        let big = Tensor::new(&[-200.0f32, 200.0], &Device::Cpu).expect("tensor");
        let got: Vec<f32> = softplus(&big)
            .and_then(|t| Ok(t.to_vec1()?))
            .expect("softplus");
        assert_eq!(got[0], 0.0);
        assert!((got[1] - 200.0).abs() < 1e-3);
    }
}
