//! What an autoencoder measures on held-out images: reconstruction, KL, ELBO and
//! active units; −log p(x) by the importance-weighted bound; and, for a VAE, the
//! quality of samples from its prior (Fréchet distance, precision and recall,
//! copies of training images), as an image GAN's samples are measured.

use candle_core::Tensor;
use rand::SeedableRng;

use super::spec::AutoencoderKind;
use super::{Autoencoder, active_units, randn};
use crate::data::binarize::Binarize;
use crate::experiments::Metrics;
use crate::nn::gaussian::{kl_to_standard_normal, reparameterise};
use crate::nn::iwae;
use crate::nn::rng::SeededRng;
use crate::quality::probe::LazyProbe;
use crate::{Result, StudioError};

impl Autoencoder {
    /// Reconstruction, KL, ELBO and active units on the first `eval.images` held-out
    /// images, with a fixed draw of ε so that rows compare.
    pub(super) fn measure_held_out(&mut self) -> Result<Metrics> {
        let n = self.spec.eval.images.min(self.held_out.len());
        let mut eps_rng = SeededRng::seed_from_u64(self.spec.seed ^ 0xE1B0);
        let (mut rec_sum, mut kl_sum) = (0.0, 0.0);
        let mut codes: Vec<Vec<f32>> = Vec::with_capacity(n);
        let mut noise_rng = SeededRng::seed_from_u64(self.spec.seed ^ 0xD1A5);
        for chunk in (0..n).collect::<Vec<_>>().chunks(250) {
            let x = self.held_out_batch(chunk)?;
            let input = if self.spec.model.kind == AutoencoderKind::Denoising {
                let noise = randn(&mut noise_rng, x.dims(), &self.device)?;
                self.corrupt(&x, &noise)?
            } else {
                x.clone()
            };
            let (mu, log_var) = self.enc.forward(&input)?;
            let z = match &log_var {
                Some(lv) => {
                    let eps = randn(&mut eps_rng, mu.dims(), &self.device)?;
                    kl_sum += kl_to_standard_normal(&mu, lv)?
                        .sum_all()?
                        .to_scalar::<f32>()? as f64;
                    reparameterise(&mu, lv, &eps)?
                }
                None => mu.clone(),
            };
            let out = self.dec.forward(&z)?;
            rec_sum += self
                .reconstruction_nll(&out, &x)?
                .sum_all()?
                .to_scalar::<f32>()? as f64;
            codes.extend(mu.to_vec2::<f32>()?);
        }
        let (rec, kl) = (rec_sum / n as f64, kl_sum / n as f64);
        let mut out: Metrics = vec![("val_reconstruction", rec)];
        if self.is_vae() {
            out.push(("val_kl", kl));
            out.push(("val_elbo", -(rec + kl)));
            out.push(("active_units", active_units(&codes) as f64));
        }
        Ok(out)
    }

    /// −log p(x) in nats per image by the importance-weighted bound with
    /// `eval.iwae_samples` codes per image, averaged over the first
    /// `eval.iwae_images` held-out images (a fixed draw, so runs compare).
    pub(super) fn held_out_iwae_nll(&self) -> Result<f64> {
        let e = &self.spec.eval;
        let n = e.iwae_images.min(self.held_out.len());
        let mut rng = SeededRng::seed_from_u64(self.spec.seed ^ 0x1BAE);
        let mut total = 0.0;
        for chunk in (0..n).collect::<Vec<_>>().chunks(8) {
            let x = self.held_out_batch(chunk)?;
            let (mu, log_var) = self.enc.forward(&x)?;
            let log_var = log_var.ok_or_else(|| StudioError::Spec("not a VAE".into()))?;
            let dims = x.dims().to_vec();
            let b = chunk.len();
            let log_px = iwae::log_likelihood(&mu, &log_var, e.iwae_samples, &mut rng, |z, r| {
                let shape: Vec<usize> = [b, r].into_iter().chain(dims[1..].iter().copied()).collect();
                let flat: Vec<usize> = [b * r].into_iter().chain(dims[1..].iter().copied()).collect();
                let xr = x.unsqueeze(1)?.broadcast_as(shape)?.reshape(flat)?;
                Ok(self.reconstruction_nll(&self.dec.forward(z)?, &xr)?.neg()?)
            })?;
            total -= log_px.iter().sum::<f64>();
        }
        Ok(total / n.max(1) as f64)
    }

    /// Whether prior samples are measured: a VAE with `quality.every` set, on
    /// labelled data (the classifier learns the labels).
    pub(super) fn quality_enabled(&self) -> bool {
        self.is_vae()
            && self.spec.quality.every > 0
            && LazyProbe::possible(&self.data, &self.held_out)
    }

    /// The Fréchet distance, precision and recall, classes and copies of
    /// `quality.samples` images decoded from the prior (a fixed draw, so rows
    /// compare). On binarised data each pixel is drawn from its probability, as the
    /// data's pixels are; otherwise the decoder's mean image is used.
    pub(super) fn measure_prior_quality(&mut self) -> Result<Metrics> {
        self.probe.get(&self.data, &self.held_out)?;
        let n = self.spec.quality.samples;
        let d = self.spec.model.latent_dim;
        let mut rng = SeededRng::seed_from_u64(self.spec.seed ^ 0x0F1D);
        let mut batches = Vec::new();
        for start in (0..n).step_by(100) {
            let z = randn(&mut rng, &[(n - start).min(100), d], &self.device)?;
            let mean = self.decode(&z)?;
            batches.push(if self.spec.data.binarize == Binarize::Off {
                mean
            } else {
                let u = randn(&mut rng, mean.dims(), &self.device)?; // thresholded below
                bernoulli_from_normal(&mean, &u)?
            });
        }
        let Some(probe) = self.probe.made() else {
            return Ok(Metrics::new());
        };
        Ok(probe.measure(&Tensor::cat(&batches, 0)?)?.columns())
    }
}

/// Pixels 1 with probability `p`, from standard normal draws `u` (turned uniform
/// by their own CDF Φ, then compared with `p`).
fn bernoulli_from_normal(p: &Tensor, u: &Tensor) -> Result<Tensor> {
    // Φ(u) = ½ (1 + erf(u / √2)).
    let uniform = ((u / std::f64::consts::SQRT_2)?.erf()? + 1.0)? * 0.5;
    Ok(uniform?.lt(p)?.to_dtype(p.dtype())?)
}
