//! The diagonal Gaussian of a VAE's encoder: reparameterised sampling, the KL
//! divergence to the standard normal prior in closed form, and the
//! reconstruction likelihoods.

use candle_core::Tensor;

use crate::Result;

/// z = μ + σ·ε with σ = exp(½·log σ²): a sample of N(μ, σ²) that gradients flow
/// through (ε ~ N(0, 1) is given, same shape as `mu`).
pub fn reparameterise(mu: &Tensor, log_var: &Tensor, eps: &Tensor) -> Result<Tensor> {
    Ok((mu + (log_var * 0.5)?.exp()?.mul(eps)?)?)
}

/// KL(N(μ, σ²) ‖ N(0, 1)) per row, summed over the latent dimensions, in nats:
/// ½ Σ (σ² + μ² − 1 − log σ²). `[b, d]` → `[b]`.
pub fn kl_to_standard_normal(mu: &Tensor, log_var: &Tensor) -> Result<Tensor> {
    let terms = ((log_var.exp()? + mu.sqr()?)? - 1.0)?.sub(log_var)?;
    Ok((terms.sum(1)? * 0.5)?)
}

/// −log p(x | logits) of a Bernoulli decoder per image, summed over pixels, in nats:
/// binary cross-entropy with logits, for targets in [0, 1]. `[b, …]` → `[b]`.
pub fn bernoulli_nll(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
    // softplus(l) − x·l = max(l, 0) − x·l + log(1 + e^(−|l|)).
    let b = logits.dim(0)?;
    let stable = (logits.relu()? - logits.mul(targets)?)?;
    let tail = (logits.abs()?.neg()?.exp()? + 1.0)?.log()?;
    Ok((stable + tail)?.reshape((b, ()))?.sum(1)?)
}

/// −log p(x | mean) of a Gaussian decoder with fixed standard deviation `sigma` per
/// image, summed over pixels, in nats: ½((x − m)/σ)² + log σ + ½ log 2π per pixel.
pub fn gaussian_nll(mean: &Tensor, targets: &Tensor, sigma: f64) -> Result<Tensor> {
    let b = mean.dim(0)?;
    let pixels = mean.elem_count() / b.max(1);
    let constant = pixels as f64 * (sigma.ln() + 0.5 * (2.0 * std::f64::consts::PI).ln());
    let sq = (mean - targets)?.sqr()?.reshape((b, ()))?.sum(1)?;
    Ok(((sq * (0.5 / (sigma * sigma)))? + constant)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    #[test]
    fn kl_of_the_prior_itself_is_zero_and_grows_with_the_mean() -> Result<()> {
        let d = Device::Cpu;
        let zero = Tensor::zeros((2, 3), candle_core::DType::F32, &d)?;
        let kl = kl_to_standard_normal(&zero, &zero)?.to_vec1::<f32>()?;
        assert!(kl.iter().all(|v| v.abs() < 1e-7));
        let mu = Tensor::new(&[[1.0f32, 0.0, 0.0]], &d)?;
        let lv = Tensor::zeros((1, 3), candle_core::DType::F32, &d)?;
        let kl = kl_to_standard_normal(&mu, &lv)?.to_vec1::<f32>()?;
        assert!((kl[0] - 0.5).abs() < 1e-6, "{kl:?}");
        Ok(())
    }

    #[test]
    fn bernoulli_nll_matches_the_log_of_the_probabilities() -> Result<()> {
        let d = Device::Cpu;
        let logits = Tensor::new(&[[2.0f32, -1.0, 30.0, -30.0]], &d)?;
        let x = Tensor::new(&[[1.0f32, 0.0, 1.0, 1.0]], &d)?;
        let got = bernoulli_nll(&logits, &x)?.to_vec1::<f32>()?[0] as f64;
        let sig = |l: f64| 1.0 / (1.0 + (-l).exp());
        // −[log σ(2) + log(1 − σ(−1)) + log σ(30) + log σ(−30)]
        let want = -(sig(2.0).ln() + (1.0 - sig(-1.0)).ln() + sig(30.0).ln() + (sig(-30.0)).ln());
        assert!((got - want).abs() < 1e-4, "{got} vs {want}");
        Ok(())
    }

    #[test]
    fn gaussian_nll_matches_the_density() -> Result<()> {
        let d = Device::Cpu;
        let m = Tensor::new(&[[0.5f32, 0.2]], &d)?;
        let x = Tensor::new(&[[0.7f32, 0.2]], &d)?;
        let got = gaussian_nll(&m, &x, 0.1)?.to_vec1::<f32>()?[0] as f64;
        let pdf = |x: f64, m: f64, s: f64| {
            (-(x - m).powi(2) / (2.0 * s * s)).exp() / (s * (2.0 * std::f64::consts::PI).sqrt())
        };
        let want = -(pdf(0.7, 0.5, 0.1).ln() + pdf(0.2, 0.2, 0.1).ln());
        assert!((got - want).abs() < 1e-4, "{got} vs {want}");
        Ok(())
    }
}
