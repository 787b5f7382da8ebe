//! The patches of a convolution laid out for one matrix product: im2col / col2im
//! (channels first, for few channels) and im2row / row2im (channels last), each pair
//! adjoint, so that the forward pass and both gradients of a convolution and of a
//! transposed convolution are products over these copies.

use std::mem::MaybeUninit;

use rayon::prelude::*;

use super::kernels::Real;

/// The patches of a `k × k` convolution with stride `s` and zero padding `p` that
/// takes images `[b, c, h, w]` to outputs `oh × ow`.
///
/// [`Patches::im2col`] lays every patch out as a column, so that the convolution is
/// one matrix product (kernel `[c_out, c·k·k]` times columns `[c·k·k, b·oh·ow]`);
/// [`Patches::col2im`] is its adjoint, which sums columns back into images: the
/// input gradient of a convolution, and the forward pass of a transposed one.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Patches {
    pub b: usize,
    pub c: usize,
    pub h: usize,
    pub w: usize,
    pub k: usize,
    pub s: usize,
    pub p: usize,
    pub oh: usize,
    pub ow: usize,
}

impl Patches {
    /// Rows of the columns matrix: `c·k·k`.
    pub fn rows(&self) -> usize {
        self.c * self.k * self.k
    }

    /// Columns of the columns matrix: `b·oh·ow`.
    pub fn cols(&self) -> usize {
        self.b * self.oh * self.ow
    }

    /// The input column `x` that output column `o` reads at kernel offset `kx`, if
    /// it lies inside the image.
    #[inline(always)]
    fn source(&self, o: usize, kx: usize, len: usize) -> Option<usize> {
        (o * self.s + kx).checked_sub(self.p).filter(|&i| i < len)
    }

    /// The output columns `first..=last` whose input column (at kernel offset `kx`)
    /// lies inside an image `len` wide, and the input column of `first`.
    fn inside(&self, kx: usize, len: usize, out_len: usize) -> Option<(usize, usize, usize)> {
        let first = (0..out_len).find(|&o| self.source(o, kx, len).is_some())?;
        let last = (first..out_len)
            .take_while(|&o| self.source(o, kx, len).is_some())
            .last()?;
        Some((first, last, first * self.s + kx - self.p))
    }

    /// Images `[b, c, h, w]` → columns `[c·k·k, b·oh·ow]` (zero where a patch
    /// overhangs the border).
    pub fn im2col<T: Real>(&self, x: &[T]) -> Vec<T> {
        let Patches {
            b,
            c,
            h,
            w,
            k,
            oh,
            ow,
            ..
        } = *self;
        debug_assert_eq!(x.len(), b * c * h * w);
        let n = self.cols();
        let mut cols = vec![T::default(); self.rows() * n];
        if n == 0 {
            return cols;
        }
        cols.par_chunks_mut(n).enumerate().for_each(|(row, dst)| {
            let (ci, ky, kx) = (row / (k * k), (row / k) % k, row % k);
            let Some((first, last, ix0)) = self.inside(kx, w, ow) else {
                return;
            };
            for bi in 0..b {
                let plane = &x[(bi * c + ci) * h * w..][..h * w];
                let out = &mut dst[bi * oh * ow..][..oh * ow];
                for oy in 0..oh {
                    let Some(iy) = self.source(oy, ky, h) else {
                        continue;
                    };
                    let src = &plane[iy * w + ix0..(iy + 1) * w];
                    let d = &mut out[oy * ow + first..=oy * ow + last];
                    for (d, &v) in d.iter_mut().zip(src.iter().step_by(self.s)) {
                        *d = v;
                    }
                }
            }
        });
        cols
    }

    /// Whether the patch rows ([`Patches::im2row`], channels contiguous) beat the
    /// columns ([`Patches::im2col`]): with many channels each patch is a few long
    /// copies; with few, short strided rows are as good and need no transposes.
    pub fn channels_last(&self) -> bool {
        self.c >= 16
    }

    /// Channels-last images `[b, h, w, c]` → patch rows `[b·oh·ow, k·k·c]`: per output
    /// position its patch, kernel offset by kernel offset, each offset's `c` channels
    /// one contiguous copy (zeros where the patch overhangs the border). The
    /// transpose of [`Patches::im2col`] with the channels innermost.
    pub fn im2row<T: Real>(&self, x: &[T]) -> Vec<T> {
        let Patches {
            b,
            c,
            h,
            w,
            k,
            oh,
            ow,
            ..
        } = *self;
        debug_assert_eq!(x.len(), b * h * w * c);
        let width = k * k * c;
        let len = b * oh * ow * width;
        if width == 0 {
            return vec![T::default(); len];
        }
        // Every value is written once, a copy or a zero where the patch overhangs the
        // border: no zero fill first (a pass over the whole matrix).
        let mut rows = Vec::with_capacity(len);
        rows.spare_capacity_mut()[..len]
            .par_chunks_mut(width)
            .enumerate()
            .with_min_len(8)
            .for_each(|(pos, row)| {
                let (bi, oy, ox) = (pos / (oh * ow), (pos / ow) % oh, pos % ow);
                for ky in 0..k {
                    let iy = self.source(oy, ky, h);
                    for kx in 0..k {
                        let dst = &mut row[(ky * k + kx) * c..][..c];
                        match (iy, self.source(ox, kx, w)) {
                            (Some(iy), Some(ix)) => {
                                let src = &x[((bi * h + iy) * w + ix) * c..][..c];
                                for (d, &v) in dst.iter_mut().zip(src) {
                                    d.write(v);
                                }
                            }
                            _ => dst.fill(MaybeUninit::new(T::default())),
                        }
                    }
                }
            });
        // SAFETY: each row's `k·k` segments of `c` were all written above.
        unsafe { rows.set_len(len) };
        rows
    }

    /// Patch rows `[b·oh·ow, k·k·c]` → channels-last images `[b, h, w, c]`, each row's
    /// values added where its patch lies: the adjoint of [`Patches::im2row`]; `bias`
    /// `[c]`, if given, is added to every position. Each image position sums the
    /// patches that cover it, so every output is written once.
    pub fn row2im<T: Real>(&self, rows: &[T], bias: Option<&[T]>) -> Vec<T> {
        let Patches {
            b,
            c,
            h,
            w,
            k,
            s,
            p,
            oh,
            ow,
        } = *self;
        let width = k * k * c;
        debug_assert_eq!(rows.len(), b * oh * ow * width);
        let mut out = vec![T::default(); b * h * w * c];
        if c == 0 || s == 0 {
            return out;
        }
        // The output positions (along one axis of `len` outputs) whose patch covers
        // input `i`, with the kernel offset at which it does.
        let covering = move |i: usize, len: usize| {
            (0..k).filter_map(move |kk| {
                let shifted = (i + p).checked_sub(kk)?;
                (shifted % s == 0 && shifted / s < len).then_some((shifted / s, kk))
            })
        };
        out.par_chunks_mut(c)
            .enumerate()
            .with_min_len(8)
            .for_each(|(pix, dst)| {
                let (bi, iy, ix) = (pix / (h * w), (pix / w) % h, pix % w);
                if let Some(bias) = bias {
                    dst.copy_from_slice(bias);
                }
                for (oy, ky) in covering(iy, oh) {
                    for (ox, kx) in covering(ix, ow) {
                        let row = ((bi * oh + oy) * ow + ox) * width;
                        let src = &rows[row + (ky * k + kx) * c..][..c];
                        for (d, &v) in dst.iter_mut().zip(src) {
                            *d = *d + v;
                        }
                    }
                }
            });
        out
    }

    /// Columns `[c·k·k, b·oh·ow]` → images `[b, c, h, w]`, each column's values added
    /// where its patch lies: the adjoint of [`Patches::im2col`]; `bias[c]`, if given,
    /// is added to every value of channel `c`.
    pub fn col2im<T: Real>(&self, cols: &[T], bias: Option<&[T]>) -> Vec<T> {
        let Patches {
            b,
            c,
            h,
            w,
            k,
            oh,
            ow,
            ..
        } = *self;
        let n = self.cols();
        debug_assert_eq!(cols.len(), self.rows() * n);
        let mut out = vec![T::default(); b * c * h * w];
        if h * w == 0 {
            return out;
        }
        // One image plane per task: no two tasks write to the same place.
        out.par_chunks_mut(h * w)
            .enumerate()
            .for_each(|(plane, dst)| {
                let (bi, ci) = (plane / c, plane % c);
                if let Some(bias) = bias {
                    dst.fill(bias[ci]);
                }
                for ky in 0..k {
                    for kx in 0..k {
                        let row = (ci * k + ky) * k + kx;
                        let src = &cols[row * n + bi * oh * ow..][..oh * ow];
                        let Some((first, last, ix0)) = self.inside(kx, w, ow) else {
                            continue;
                        };
                        for oy in 0..oh {
                            let Some(iy) = self.source(oy, ky, h) else {
                                continue;
                            };
                            let d = &mut dst[iy * w + ix0..(iy + 1) * w];
                            let s = &src[oy * ow + first..=oy * ow + last];
                            for (d, &v) in d.iter_mut().step_by(self.s).zip(s) {
                                *d = *d + v;
                            }
                        }
                    }
                }
            });
        out
    }
}

/// Geometry of a stride-`stride`, padding-`padding` convolution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvGeometry {
    /// Stride.
    pub stride: usize,
    /// Zero padding on each side.
    pub padding: usize,
}

/// The patches of a convolution of `b` images `[c, h, w]` by a `k × k` kernel.
pub(super) fn conv_patches(
    (b, c, h, w): (usize, usize, usize, usize),
    k: usize,
    g: ConvGeometry,
) -> candle_core::Result<Patches> {
    let ConvGeometry {
        stride: s,
        padding: p,
    } = g;
    if h + 2 * p < k || w + 2 * p < k || s == 0 {
        candle_core::bail!("conv2d: kernel {k} larger than the padded input {h} × {w}");
    }
    let (oh, ow) = ((h + 2 * p - k) / s + 1, (w + 2 * p - k) / s + 1);
    Ok(Patches {
        b,
        c,
        h,
        w,
        k,
        s,
        p,
        oh,
        ow,
    })
}

/// The patches of the convolution that is the adjoint of a transposed convolution
/// of `b` images `[c_in, h, w]` to `c_out` channels: it takes outputs back to `h × w`.
pub(super) fn transposed_patches(
    (b, h, w): (usize, usize, usize),
    c_out: usize,
    k: usize,
    g: ConvGeometry,
    output_padding: usize,
) -> candle_core::Result<Patches> {
    let ConvGeometry {
        stride: s,
        padding: p,
    } = g;
    if output_padding >= s.max(1) {
        candle_core::bail!(
            "conv_transpose2d: output padding {output_padding} not below the stride {s}"
        );
    }
    let oh = ((h.max(1) - 1) * s + k + output_padding).checked_sub(2 * p);
    let ow = ((w.max(1) - 1) * s + k + output_padding).checked_sub(2 * p);
    let (Some(oh), Some(ow)) = (oh, ow) else {
        candle_core::bail!("conv_transpose2d: padding {p} too large");
    };
    Ok(Patches {
        b,
        c: c_out,
        h: oh,
        w: ow,
        k,
        s,
        p,
        oh: h,
        ow: w,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::kernels::transpose_each;

    #[test]
    fn im2col_and_col2im_are_adjoint() {
        // ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩ for any x and c, with padding and a stride
        // that leaves a row over.
        let pat = Patches {
            b: 2,
            c: 3,
            h: 7,
            w: 6,
            k: 3,
            s: 2,
            p: 1,
            oh: 4,
            ow: 3,
        };
        let x: Vec<f64> = (0..2 * 3 * 7 * 6)
            .map(|i| (i as f64 * 0.37).sin())
            .collect();
        let c: Vec<f64> = (0..pat.rows() * pat.cols())
            .map(|i| (i as f64 * 0.11).cos())
            .collect();
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(a, b)| a * b).sum::<f64>();
        let (lhs, rhs) = (dot(&pat.im2col(&x), &c), dot(&x, &pat.col2im(&c, None)));
        assert!(
            (lhs - rhs).abs() < 1e-9 * lhs.abs().max(1.0),
            "{lhs} vs {rhs}"
        );
    }

    #[test]
    fn patch_rows_are_the_columns_channels_last_and_row2im_their_adjoint() {
        let pat = Patches {
            b: 2,
            c: 3,
            h: 7,
            w: 6,
            k: 3,
            s: 2,
            p: 1,
            oh: 4,
            ow: 3,
        };
        let (hw, kk) = (pat.h * pat.w, pat.k * pat.k);
        let x: Vec<f64> = (0..2 * 3 * hw).map(|i| (i as f64 * 0.37).sin()).collect();
        let x_last = transpose_each(&x, pat.b, pat.c, hw);
        // im2row of the channels-last images is im2col's [c, k·k, n] laid out [n, k·k, c].
        let rows = pat.im2row(&x_last);
        let cols = pat.im2col(&x);
        let n = pat.cols();
        for j in 0..n {
            for ci in 0..pat.c {
                for o in 0..kk {
                    assert_eq!(rows[(j * kk + o) * pat.c + ci], cols[(ci * kk + o) * n + j]);
                }
            }
        }
        let r: Vec<f64> = (0..rows.len()).map(|i| (i as f64 * 0.11).cos()).collect();
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(a, b)| a * b).sum::<f64>();
        let (lhs, rhs) = (dot(&rows, &r), dot(&x_last, &pat.row2im(&r, None)));
        assert!(
            (lhs - rhs).abs() < 1e-9 * lhs.abs().max(1.0),
            "{lhs} vs {rhs}"
        );
    }
}
