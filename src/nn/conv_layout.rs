//! Where a 4-D activation keeps its channels, and the copies between the two ways.
//!
//! candle's (and PyTorch's) convention is channels first, `[b, c, h, w]`. The matrix
//! products of a many-channel convolution read and write channels last,
//! `[b, h, w, c]` (each patch a few long copies, each output row one position's
//! channels), so a network that keeps its activations channels last between
//! consecutive convolutions skips two transposes per layer and pass.

use std::borrow::Cow;

use candle_core::{Shape, Tensor};

use super::kernels::{Real, swap_leading, transpose_each};

/// The order of a 4-D activation's axes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Layout {
    /// `[b, c, h, w]`.
    #[default]
    ChannelsFirst,
    /// `[b, h, w, c]`.
    ChannelsLast,
}

/// The layouts of a convolution's input and output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Layouts {
    /// The input's.
    pub input: Layout,
    /// The output's.
    pub output: Layout,
}

impl Layouts {
    /// Both channels first.
    pub const FIRST: Layouts = Layouts {
        input: Layout::ChannelsFirst,
        output: Layout::ChannelsFirst,
    };

    /// Input and output swapped: the layouts of the op's adjoint (its input gradient).
    pub fn reversed(self) -> Self {
        Self {
            input: self.output,
            output: self.input,
        }
    }
}

impl Layout {
    /// Batch, channels, height and width of a shape in this layout.
    pub fn dims(self, shape: &Shape) -> candle_core::Result<(usize, usize, usize, usize)> {
        let (a, b, c, d) = shape.dims4()?;
        Ok(match self {
            Layout::ChannelsFirst => (a, b, c, d),
            Layout::ChannelsLast => (a, d, b, c),
        })
    }

    /// The shape of `b` images of `c` channels, `h × w`, in this layout.
    pub fn shape(self, b: usize, c: usize, h: usize, w: usize) -> Shape {
        match self {
            Layout::ChannelsFirst => Shape::from((b, c, h, w)),
            Layout::ChannelsLast => Shape::from((b, h, w, c)),
        }
    }

    /// The axes of height and width.
    pub fn spatial_axes(self) -> (usize, usize) {
        match self {
            Layout::ChannelsFirst => (2, 3),
            Layout::ChannelsLast => (1, 2),
        }
    }

    /// `t` (in this layout) channels first, as a view (no copy).
    pub fn to_first_tensor(self, t: &Tensor) -> candle_core::Result<Tensor> {
        match self {
            Layout::ChannelsFirst => Ok(t.clone()),
            Layout::ChannelsLast => t.permute((0, 3, 1, 2)),
        }
    }

    /// `t` (channels first) in this layout, contiguous.
    pub fn from_first_tensor(self, t: &Tensor) -> candle_core::Result<Tensor> {
        match self {
            Layout::ChannelsFirst => Ok(t.clone()),
            Layout::ChannelsLast => t.permute((0, 2, 3, 1))?.contiguous(),
        }
    }

    /// `x`, `b` images of `c` channels and `hw` positions in this layout, channels
    /// last: borrowed when it already is (one channel is both), transposed otherwise.
    pub(crate) fn to_last<T: Real>(self, x: &[T], b: usize, c: usize, hw: usize) -> Cow<'_, [T]> {
        match self {
            Layout::ChannelsFirst if c > 1 => Cow::Owned(transpose_each(x, b, c, hw)),
            _ => Cow::Borrowed(x),
        }
    }

    /// `x` as [`Layout::to_last`] gives it, channels first.
    pub(crate) fn to_first<T: Real>(self, x: &[T], b: usize, c: usize, hw: usize) -> Cow<'_, [T]> {
        match self {
            Layout::ChannelsLast if c > 1 => Cow::Owned(transpose_each(x, b, hw, c)),
            _ => Cow::Borrowed(x),
        }
    }

    /// `x`, channels first, arranged in this layout (moved, not copied, when that is
    /// the same).
    pub(crate) fn arrange<T: Real>(self, x: Vec<T>, b: usize, c: usize, hw: usize) -> Vec<T> {
        match self {
            Layout::ChannelsLast if c > 1 => transpose_each(&x, b, c, hw),
            _ => x,
        }
    }

    /// `x` as a matrix `[c, b·hw]` (channels by positions): its values and their
    /// (row, column) strides. Channels last is that matrix transposed, so it is read
    /// in place; channels first swaps the batch and channel axes.
    pub(crate) fn channel_rows<T: Real>(
        self,
        x: &[T],
        b: usize,
        c: usize,
        hw: usize,
    ) -> (Cow<'_, [T]>, (usize, usize)) {
        match self {
            Layout::ChannelsFirst if b > 1 && c > 1 => {
                (Cow::Owned(swap_leading(x, b, c, hw)), (b * hw, 1))
            }
            Layout::ChannelsFirst => (Cow::Borrowed(x), (b * hw, 1)),
            Layout::ChannelsLast => (Cow::Borrowed(x), (1, c)),
        }
    }
}
