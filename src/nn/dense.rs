//! A dense (fully connected) layer, `x·Wᵀ + b` and optionally a (leaky) ReLU, as one
//! graph node.
//!
//! candle_nn's `Linear` broadcasts the bias; the broadcast's backward sums the
//! gradient over the batch with candle's strided reduction, a seventh of a
//! char-LSTM training step. Built from candle's ops (reshape, product, bias,
//! activation, reshape) it is five graph nodes, and candle's backward sums each
//! node's gradient into a fresh zeroed buffer. Here the product starts from the bias
//! (one pass), the activation is applied in place, and the input and output may
//! have any shape with the right number of values (no reshape nodes either side).

use candle_core::{CustomOp2, CustomOp3, Module, Shape, Tensor};

use super::activations;
use super::channel_ops::{add_channel_bias, sum_per_channel};
use super::conv_layout::Layout;
use super::kernels::{Binary, Real, Ternary, custom_op2_cpu, custom_op3_cpu, matmul};
use super::use_candle_ops;

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

    /// The layer for flattened maps of `channels` channels in `layout`, where its
    /// weight's columns run channels first, (c, y, x) (PyTorch's flatten): channels
    /// last the maps run (y, x, c), so the columns are reordered to match (a copy
    /// whose gradient flows back to the weight; the parameters keep their order).
    pub fn reading(&self, layout: Layout, channels: usize) -> candle_core::Result<Self> {
        match layout {
            Layout::ChannelsFirst => Ok(self.clone()),
            Layout::ChannelsLast => {
                let (out, fan_in) = self.weight.dims2()?;
                let w = (self
                    .weight
                    .reshape((out, channels, fan_in / channels.max(1)))?)
                .transpose(1, 2)?
                .reshape((out, fan_in))?;
                Ok(Self::new(w, self.bias.clone()))
            }
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

    /// `x` read as rows of the layer's inputs (`[b, …]` with every axis after the
    /// first flattened: images straight into a classifier), through the layer and a
    /// leaky ReLU of slope `leak` ≥ 0 if given (0: ReLU), as `shape` (`[b, out]` or
    /// any shape of as many values).
    pub fn forward_as(
        &self,
        x: &Tensor,
        leak: Option<f64>,
        shape: impl Into<Shape>,
    ) -> candle_core::Result<Tensor> {
        let shape = shape.into();
        let (out, fan_in) = self.weight.dims2()?;
        if fan_in == 0 || !x.elem_count().is_multiple_of(fan_in) {
            candle_core::bail!("dense layer of {fan_in} inputs given {:?}", x.shape());
        }
        let rows = x.elem_count() / fan_in;
        if leak.is_some_and(|s| s < 0.0) {
            candle_core::bail!("dense layer: a leaky ReLU of negative slope");
        }
        if shape.elem_count() != rows * out {
            candle_core::bail!("dense layer: {rows} rows of {out} do not fill {shape:?}");
        }
        if use_candle_ops(x.device()) {
            let y = x.reshape((rows, fan_in))?.matmul(&self.weight.t()?)?;
            let y = match &self.bias {
                Some(b) => add_channel_bias(&y, b)?,
                None => y,
            };
            let y = match leak {
                Some(slope) => activations::leaky_relu(&y, slope)?,
                None => y,
            };
            return y.reshape(shape);
        }
        let op = DenseOp { leak, shape };
        let (x, w) = (x.contiguous()?, self.weight.contiguous()?);
        match &self.bias {
            Some(b) => x.apply_op3(&w, &b.contiguous()?, op),
            None => x.apply_op2(&w, op),
        }
    }
}

impl Module for Dense {
    /// `[…, in]` → `[…, out]`.
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let Some((_, lead)) = x.dims().split_last() else {
            candle_core::bail!("dense layer: a scalar input");
        };
        let mut shape = lead.to_vec();
        shape.push(self.weight.dim(0)?);
        self.forward_as(x, None, shape)
    }
}

/// `(x, W[, b])` → `act(x·Wᵀ + b)` shaped as `shape`, `x` read as `[rows, in]`.
#[derive(Clone)]
struct DenseOp {
    leak: Option<f64>,
    shape: Shape,
}

impl DenseOp {
    fn forward<T: Real>(
        &self,
        x: &[T],
        w: &[T],
        wl: &Shape,
        bias: Option<&[T]>,
    ) -> candle_core::Result<(Vec<T>, Shape)> {
        let (out, fan_in) = wl.dims2()?;
        let rows = x.len() / fan_in.max(1);
        if bias.is_some_and(|b| b.len() != out) || rows * out != self.shape.elem_count() {
            candle_core::bail!("dense layer: weight {wl:?} does not fit its input or bias");
        }
        // The product adds to the bias, repeated per row.
        let mut y = match bias {
            Some(b) => b.repeat(rows),
            None => vec![T::default(); rows * out],
        };
        matmul(
            &mut y,
            (rows, out, fan_in),
            x,
            (fan_in, 1),
            w,
            (1, fan_in),
            bias.is_some(),
        );
        if let Some(slope) = self.leak {
            activations::leaky_relu_in_place(&mut y, slope);
        }
        Ok((y, self.shape.clone()))
    }

    /// The gradients of `x`, `W` and `b` (each only if it tracks one), as graph
    /// tensors of candle's ops: the critic's gradient penalty differentiates through
    /// the input gradient.
    fn backward(
        &self,
        x: &Tensor,
        w: &Tensor,
        bias: Option<&Tensor>,
        res: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let (out, fan_in) = w.dims2()?;
        let grad = match self.leak {
            Some(slope) => activations::through_leaky_relu(grad, res, slope)?,
            None => grad.clone(),
        };
        let g = grad.reshape(((), out))?; // [rows, out]
        let dx = if x.track_op() {
            Some(g.matmul(w)?.reshape(x.shape())?)
        } else {
            None
        };
        let dw = if w.track_op() {
            Some(g.t()?.matmul(&x.reshape(((), fan_in))?)?)
        } else {
            None
        };
        let db = match bias {
            Some(b) if b.track_op() => Some(sum_per_channel(&g)?),
            _ => None,
        };
        Ok((dx, dw, db))
    }
}

impl Binary for DenseOp {
    fn run<T: Real>(
        &self,
        x: &[T],
        _xl: &Shape,
        w: &[T],
        wl: &Shape,
    ) -> candle_core::Result<(Vec<T>, Shape)> {
        self.forward(x, w, wl, None)
    }
}

impl Ternary for DenseOp {
    fn run<T: Real>(
        &self,
        x: &[T],
        _xl: &Shape,
        w: &[T],
        wl: &Shape,
        b: &[T],
        _bl: &Shape,
    ) -> candle_core::Result<(Vec<T>, Shape)> {
        self.forward(x, w, wl, Some(b))
    }
}

impl CustomOp2 for DenseOp {
    custom_op2_cpu!("dense");

    fn bwd(
        &self,
        x: &Tensor,
        w: &Tensor,
        res: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>)> {
        let (dx, dw, _) = self.backward(x, w, None, res, grad)?;
        Ok((dx, dw))
    }
}

impl CustomOp3 for DenseOp {
    custom_op3_cpu!("dense-bias");

    fn bwd(
        &self,
        x: &Tensor,
        w: &Tensor,
        b: &Tensor,
        res: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        self.backward(x, w, Some(b), res, grad)
    }
}
