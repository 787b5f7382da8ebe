//! A dense (fully connected) layer, `x·Wᵀ + b`, with its bias added by
//! [`add_channel_bias`].
//!
//! candle_nn's `Linear` broadcasts the bias; the broadcast's backward sums the
//! gradient over the batch with candle's strided reduction, a seventh of a
//! char-LSTM training step (the input projection's `[t·b, 4h]` and the head's).

use candle_core::{Module, Tensor};

use super::channel_ops::add_channel_bias;

/// Weight `[out, in]` and an optional bias `[out]`, as in candle_nn's `Linear`.
#[derive(Clone, Debug)]
pub struct Dense {
    weight: Tensor,
    bias: Option<Tensor>,
}

impl Dense {
    /// A layer from its weight `[out, in]` and bias `[out]`.
    pub fn new(weight: Tensor, bias: Option<Tensor>) -> Self {
        Self { weight, bias }
    }

    /// The same layer with its weight and bias cut from the graph (no gradients for
    /// them; gradients still flow through to the input).
    pub fn detached(&self) -> Self {
        Self {
            weight: self.weight.detach(),
            bias: self.bias.as_ref().map(Tensor::detach),
        }
    }

    /// The weight `[out, in]`.
    pub fn weight(&self) -> &Tensor {
        &self.weight
    }

    /// The bias `[out]`, if any.
    pub fn bias(&self) -> Option<&Tensor> {
        self.bias.as_ref()
    }
}

impl Module for Dense {
    /// `[…, in]` → `[…, out]`.
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let dims = x.dims();
        let Some((&fan_in, lead)) = dims.split_last() else {
            candle_core::bail!("dense layer: a scalar input");
        };
        let rows: usize = lead.iter().product();
        let y = x.reshape((rows, fan_in))?.matmul(&self.weight.t()?)?;
        let y = match &self.bias {
            Some(b) => add_channel_bias(&y, b)?,
            None => y,
        };
        let mut out = lead.to_vec();
        out.push(y.dim(1)?);
        y.reshape(out)
    }
}
