//! The 2-D GAN's cures for mode collapse that change what D sees or how G is
//! updated: minibatch standard deviation, instance noise and unrolled D's snapshot.
//! (PacGAN packing is a reshape in the model; WGAN-GP a loss.)

use candle_core::{Tensor, Var};
use rand_distr::{Distribution, StandardNormal};

use crate::nn::optim::{Optim, OptimState};
use crate::nn::params::ParamStore;
use crate::nn::rng::SeededRng;
use crate::Result;

/// The batch's mean standard deviation (over the batch, averaged over features)
/// of D's inputs `[n, f]`: one number, as a tensor `[1, 1]` (Karras et al. 2018).
pub fn batch_std(inputs: &Tensor) -> Result<Tensor> {
    let (n, _) = inputs.dims2()?;
    if n < 2 {
        return Ok(Tensor::zeros((1, 1), inputs.dtype(), inputs.device())?);
    }
    let centred = inputs.broadcast_sub(&inputs.mean_keepdim(0)?)?;
    let var = centred.sqr()?.mean_keepdim(0)?; // [1, f]
    Ok((var + 1e-8)?.sqrt()?.mean_keepdim(1)?) // [1, 1]
}

/// `inputs [n, f]` with `std [1, 1]` appended to every row: `[n, f + 1]`.
pub fn with_std_column(inputs: &Tensor, std: &Tensor) -> Result<Tensor> {
    let (n, _) = inputs.dims2()?;
    Ok(Tensor::cat(&[inputs, &std.broadcast_as((n, 1))?], 1)?)
}

/// Instance noise's standard deviation after `updates` D updates: `start` falling
/// linearly to 0 over `steps` (constant when `steps` is 0).
pub fn noise_sigma(start: f64, steps: u64, updates: u64) -> f64 {
    if steps == 0 {
        start
    } else {
        start * (1.0 - updates as f64 / steps as f64).max(0.0)
    }
}

/// `points` with Gaussian noise of standard deviation `sigma` added (unchanged
/// when `sigma` is 0).
pub fn add_noise(points: &Tensor, sigma: f64, rng: &mut SeededRng) -> Result<Tensor> {
    if sigma <= 0.0 {
        return Ok(points.clone());
    }
    let n = points.elem_count();
    let e: Vec<f32> = (0..n).map(|_| StandardNormal.sample(rng)).collect();
    let e = Tensor::from_vec(e, points.shape(), points.device())?;
    Ok((points + (e * sigma)?)?)
}

/// D's weights and optimiser state, kept while unrolled look-ahead updates change
/// them, and put back after G's update.
pub struct Snapshot {
    weights: Vec<(Var, Tensor)>,
    optim: OptimState,
}

impl Snapshot {
    /// Copies the variables under `prefix` and `optim`'s state.
    pub fn take(params: &ParamStore, prefix: &str, optim: &Optim) -> Result<Self> {
        let weights = params
            .vars_with_prefix(prefix)
            .into_iter()
            .map(|v| {
                let copy = v.as_tensor().copy()?;
                Ok((v, copy))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            weights,
            optim: optim.state()?,
        })
    }

    /// Puts the weights and the optimiser's state back as they were.
    pub fn restore(self, optim: &mut Optim) -> Result<()> {
        for (var, value) in &self.weights {
            var.set(value)?;
        }
        optim.restore(&self.optim)
    }
}

#[cfg(test)]
mod tests {
    use candle_core::Device;

    use super::*;

    #[test]
    fn the_batch_std_is_the_mean_over_features_of_each_features_std() {
        // Feature 0: 1, 3 (std 1); feature 1: 5, 5 (std 0) → mean 0.5.
        let x = Tensor::from_vec(vec![1f32, 5.0, 3.0, 5.0], (2, 2), &Device::Cpu).unwrap();
        let s = batch_std(&x).unwrap().flatten_all().unwrap().to_vec1::<f32>().unwrap();
        assert!((s[0] - 0.5).abs() < 1e-3, "{s:?}");
        let with = with_std_column(&x, &batch_std(&x).unwrap()).unwrap();
        assert_eq!(with.dims(), &[2, 3]);
        assert!((with.to_vec2::<f32>().unwrap()[1][2] - 0.5).abs() < 1e-3);
    }

    #[test]
    fn instance_noise_falls_linearly_to_zero() {
        assert_eq!(noise_sigma(0.4, 100, 0), 0.4);
        assert!((noise_sigma(0.4, 100, 25) - 0.3).abs() < 1e-12);
        assert_eq!(noise_sigma(0.4, 100, 250), 0.0);
        assert_eq!(noise_sigma(0.4, 0, 10_000), 0.4);
    }
}
