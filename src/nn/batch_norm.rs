//! Batch normalisation over `[b, c, h, w]` (or `[b, c]`), with running statistics
//! saved as buffers for evaluation.

use candle_core::{D, DType, Device, Tensor, Var};

use super::activations;
use super::channel_ops::BatchNormOp;
use super::conv_layout::Layout;
use super::params::ParamStore;
use super::use_candle_ops;
use crate::Result;

/// Momentum of the running statistics (PyTorch's default).
const MOMENTUM: f64 = 0.1;
const EPS: f64 = 1e-5;

/// A batch-norm layer.
pub struct BatchNorm {
    gamma: Tensor,
    beta: Tensor,
    running_mean: Var,
    running_var: Var,
}

impl BatchNorm {
    /// A layer over `channels`, registered as `{name}.weight`, `.bias`, `.running_mean`, `.running_var`.
    pub fn new(
        params: &mut ParamStore,
        name: &str,
        channels: usize,
        device: &Device,
    ) -> Result<Self> {
        let gamma = params.constant(&format!("{name}.weight"), &[channels], 1.0, device)?;
        let beta = params.constant(&format!("{name}.bias"), &[channels], 0.0, device)?;
        let running_mean = params.buffer(
            &format!("{name}.running_mean"),
            Tensor::zeros(channels, DType::F32, device)?,
        )?;
        let running_var = params.buffer(
            &format!("{name}.running_var"),
            Tensor::ones(channels, DType::F32, device)?,
        )?;
        Ok(Self {
            gamma,
            beta,
            running_mean,
            running_var,
        })
    }

    /// The same layer with γ and β cut from the graph (no gradients for them); the
    /// running statistics are shared, so a training pass still updates them.
    pub fn detached(&self) -> Self {
        Self {
            gamma: self.gamma.detach(),
            beta: self.beta.detach(),
            running_mean: self.running_mean.clone(),
            running_var: self.running_var.clone(),
        }
    }

    /// Normalises with the batch's statistics (training, updating the running ones) or
    /// with the running statistics (evaluation).
    pub fn forward(&self, xs: &Tensor, train: bool) -> Result<Tensor> {
        if train && !use_candle_ops(xs.device()) {
            return self.forward_fused(xs, None, false);
        }
        let c = xs.dim(1)?;
        // Per-channel statistics over every axis but 1: move channels last and flatten.
        let rank = xs.rank();
        let shape: Vec<usize> = (0..rank).map(|i| if i == 1 { c } else { 1 }).collect();
        let (mean, var) = if train {
            let flat = if rank == 4 {
                xs.permute((0, 2, 3, 1))?.reshape(((), c))?
            } else {
                xs.clone()
            }; // [n, c]
            let mean = flat.mean(0)?; // [c]
            let var = flat.broadcast_sub(&mean)?.sqr()?.mean(0)?; // [c], biased
            let n = flat.dim(0)? as f64;
            let unbiased = (var.detach() * (n / (n - 1.0).max(1.0)))?;
            self.update_running(&mean.detach(), &unbiased)?;
            (mean, var)
        } else {
            (
                self.running_mean.as_tensor().clone(),
                self.running_var.as_tensor().clone(),
            )
        };
        let norm = xs
            .broadcast_sub(&mean.reshape(shape.as_slice())?)?
            .broadcast_div(&(var + EPS)?.sqrt()?.reshape(shape.as_slice())?)?;
        Ok(norm
            .broadcast_mul(&self.gamma.reshape(shape.as_slice())?)?
            .broadcast_add(&self.beta.reshape(shape.as_slice())?)?)
    }

    /// [`BatchNorm::forward`] followed by a leaky ReLU of slope `slope` (0: ReLU).
    /// Training on our kernels, one op does both.
    pub fn forward_leaky_relu(&self, xs: &Tensor, train: bool, slope: f64) -> Result<Tensor> {
        if train && slope >= 0.0 && !use_candle_ops(xs.device()) {
            return self.forward_fused(xs, Some(slope), false);
        }
        Ok(activations::leaky_relu(&self.forward(xs, train)?, slope)?)
    }

    /// [`BatchNorm::forward_leaky_relu`] (or [`BatchNorm::forward`] without a slope)
    /// of images in `layout`: channels-last images `[b, h, w, c]` are normalised as
    /// rows of channels `[b·h·w, c]`, which is the same statistics.
    pub fn forward_laid_out(
        &self,
        xs: &Tensor,
        layout: Layout,
        train: bool,
        slope: Option<f64>,
    ) -> Result<Tensor> {
        let fusable = slope.is_none_or(|s| s >= 0.0);
        if train && fusable && layout == Layout::ChannelsLast && !use_candle_ops(xs.device()) {
            // One op over the 4-D maps: no reshapes (each a graph node whose gradient
            // candle would sum into a fresh buffer).
            return self.forward_fused(xs, slope, true);
        }
        let rows = match layout {
            Layout::ChannelsFirst => xs.clone(),
            Layout::ChannelsLast => xs.reshape(((), xs.dim(D::Minus1)?))?,
        };
        let y = match slope {
            Some(slope) => self.forward_leaky_relu(&rows, train, slope)?,
            None => self.forward(&rows, train)?,
        };
        Ok(y.reshape(xs.shape())?)
    }

    /// Training-mode [`BatchNorm::forward`] as one op ([`BatchNormOp`]), with a
    /// leaky ReLU of slope `leak` after it if given, over channels-last input if
    /// `channels_last`.
    fn forward_fused(&self, xs: &Tensor, leak: Option<f64>, channels_last: bool) -> Result<Tensor> {
        let op = BatchNormOp::new(EPS);
        let op = if channels_last {
            op.channels_last()
        } else {
            op
        };
        let op = match leak {
            Some(slope) => op.with_leaky_relu(slope),
            None => op,
        };
        let y = op.apply(xs, &self.gamma, &self.beta)?;
        let stats = op.stats()?;
        let n = stats.count as f64;
        let unbiased: Vec<f32> = stats
            .var
            .iter()
            .map(|v| (v * n / (n - 1.0).max(1.0)) as f32)
            .collect();
        let mean: Vec<f32> = stats.mean.iter().map(|&m| m as f32).collect();
        let device = xs.device();
        self.update_running(
            &Tensor::new(mean.as_slice(), device)?,
            &Tensor::new(unbiased.as_slice(), device)?,
        )?;
        Ok(y)
    }

    /// Moves the running statistics towards one batch's mean and unbiased variance.
    fn update_running(&self, mean: &Tensor, unbiased_var: &Tensor) -> Result<()> {
        let rm = ((self.running_mean.as_tensor() * (1.0 - MOMENTUM))? + (mean * MOMENTUM)?)?;
        let rv = ((self.running_var.as_tensor() * (1.0 - MOMENTUM))? + (unbiased_var * MOMENTUM)?)?;
        self.running_mean.set(&rm)?;
        self.running_var.set(&rv)?;
        Ok(())
    }
}
