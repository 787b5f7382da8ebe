//! The fused LSTM's two passes over a whole sequence, on slices: the forward pass
//! (one matrix product per step for the recurrence, one pass over the gates) and the
//! backward pass through time, each batch block of rows on its own thread.

use std::ops::Range;

use candle_core::{Layout, Shape};
use rayon::prelude::*;

use super::super::channel_ops::column_sums;
use super::super::kernels::{Real, matmul, matmul_serial};

/// Sizes of a run: steps, batch, hidden, input.
#[derive(Clone, Copy)]
pub(super) struct Dims {
    pub(super) t: usize,
    pub(super) b: usize,
    pub(super) h: usize,
    pub(super) e: usize,
}

impl Dims {
    /// Columns of the weight matrix `[W_ih | W_hh | b]`.
    pub(super) fn cols(&self) -> usize {
        self.e + self.h + 1
    }
}

pub(super) fn dims(x: &Shape, w: &Shape, s: &Shape) -> candle_core::Result<Dims> {
    let (t, b, e) = x.dims3()?;
    let (w4, cols) = w.dims2()?;
    let (two, sb, h) = s.dims3()?;
    if w4 != 4 * h || cols != e + h + 1 || two != 2 || sb != b || t == 0 {
        candle_core::bail!("fused LSTM: x {x:?}, weights {w:?} and state {s:?} do not fit");
    }
    Ok(Dims { t, b, h, e })
}

pub(super) fn slice<'a, T>(v: &'a [T], l: &Layout) -> candle_core::Result<&'a [T]> {
    match l.contiguous_offsets() {
        Some((a, b)) => Ok(&v[a..b]),
        None => candle_core::bail!("fused LSTM needs contiguous inputs"),
    }
}

/// The batch rows split into one block per thread. The recurrence of one row never
/// reads another's, so each block runs its whole sequence on its own thread: no
/// waiting between steps, and the steps' small products run unsplit.
pub(super) fn row_blocks(b: usize) -> Vec<Range<usize>> {
    let n = rayon::current_num_threads().clamp(1, b.max(1));
    (0..n).map(|i| i * b / n..(i + 1) * b / n).collect()
}

/// `buf` `[t, b, width]` cut into, per block of rows, its `t` slices (one per step).
pub(super) fn per_block<'a, T>(
    buf: &'a mut [T],
    t: usize,
    width: usize,
    blocks: &[Range<usize>],
) -> Vec<Vec<&'a mut [T]>> {
    let mut out: Vec<Vec<&mut [T]>> = blocks.iter().map(|_| Vec::with_capacity(t)).collect();
    let mut rest = buf;
    for _ in 0..t {
        for (slices, rows) in out.iter_mut().zip(blocks) {
            let (piece, tail) = std::mem::take(&mut rest).split_at_mut(rows.len() * width);
            slices.push(piece);
            rest = tail;
        }
    }
    out
}

/// One block of rows through every step: `acts` holds each step's input projection
/// and becomes its gate activations; `hs` and `cells` get the states. `start` is the
/// block's (h₀, c₀).
pub(super) fn forward_block<T: Real>(
    h: usize,
    w_t: &[T],
    (h0, c0): (&[T], &[T]),
    mut acts: Vec<&mut [T]>,
    mut hs: Vec<&mut [T]>,
    mut cells: Vec<&mut [T]>,
) {
    let n = h0.len() / h.max(1);
    for s in 0..acts.len() {
        let (hs_done, hs_rest) = hs.split_at_mut(s);
        let h_prev: &[T] = if s == 0 { h0 } else { hs_done[s - 1] };
        let h_out = &mut *hs_rest[0];
        let (cells_done, cells_rest) = cells.split_at_mut(s);
        let c_prev: &[T] = if s == 0 { c0 } else { cells_done[s - 1] };
        let c_out = &mut *cells_rest[0];
        let a = &mut *acts[s];
        // gates += h_prev [n, h] · W_hhᵀ [h, 4h]
        matmul_serial(a, (n, 4 * h, h), h_prev, (h, 1), w_t, (4 * h, 1), true);
        // Activations in place, one pass per gate block: i, f, o by σ and g by tanh.
        for row in a.chunks_mut(4 * h) {
            T::sigmoid_all(&mut row[..2 * h]);
            T::tanh_all(&mut row[2 * h..3 * h]);
            T::sigmoid_all(&mut row[3 * h..]);
        }
        // c = f·c_prev + i·g, h = o·tanh(c), row by row (zipped slices: no index
        // checks in the loops, which then vectorise).
        let rows = a
            .chunks(4 * h)
            .zip(c_out.chunks_mut(h))
            .zip(c_prev.chunks(h));
        for ((a, c), cp) in rows {
            let (i, rest) = a.split_at(h);
            let (f, g) = (&rest[..h], &rest[h..2 * h]);
            for ((((c, &cp), &i), &f), &g) in c.iter_mut().zip(cp).zip(i).zip(f).zip(g) {
                *c = f * cp + i * g;
            }
        }
        h_out.copy_from_slice(c_out);
        T::tanh_all(h_out);
        for (a, hr) in a.chunks(4 * h).zip(h_out.chunks_mut(h)) {
            for (hv, &o) in hr.iter_mut().zip(&a[3 * h..]) {
                *hv = o * *hv;
            }
        }
    }
}

/// The forward pass: hidden states `[t, b, h]`, gate activations and cell states.
pub(super) fn forward<T: Real>(
    d: Dims,
    x: &[T],
    w: &[T],
    state0: &[T],
) -> (Vec<T>, Vec<T>, Vec<T>) {
    let Dims { t, b, h, e } = d;
    let cols = d.cols();
    let mut hs = vec![T::default(); t * b * h];
    let mut cells = vec![T::default(); t * b * h];
    // Every step's gates start as x·W_ihᵀ + b, in one product; each step then adds
    // its recurrent term and turns them into activations in place.
    let bias: Vec<T> = (0..4 * h).map(|g| w[g * cols + e + h]).collect();
    // (Repeated by doubling copies: built element by element through an iterator,
    // this took a twelfth of a char-LSTM step.)
    let mut acts = bias.repeat(t * b);
    matmul(&mut acts, (t * b, 4 * h, e), x, (e, 1), w, (1, cols), true);
    // W_hhᵀ [h, 4h], row-major: the recurrent product then reads both sides in order.
    let mut w_t = vec![T::default(); h * 4 * h];
    for (row, w_row) in w.chunks(cols).enumerate() {
        for (col, &v) in w_row[e..e + h].iter().enumerate() {
            w_t[col * 4 * h + row] = v;
        }
    }
    let blocks = row_blocks(b);
    let jobs: Vec<_> = blocks
        .iter()
        .cloned()
        .zip(per_block(&mut acts, t, 4 * h, &blocks))
        .zip(
            per_block(&mut hs, t, h, &blocks)
                .into_iter()
                .zip(per_block(&mut cells, t, h, &blocks)),
        )
        .collect();
    jobs.into_par_iter()
        .for_each(|((rows, acts), (hs, cells))| {
            let start = (
                &state0[rows.start * h..rows.end * h],
                &state0[(b + rows.start) * h..(b + rows.end) * h],
            );
            forward_block(h, &w_t, start, acts, hs, cells);
        });
    (hs, acts, cells)
}

/// The backward pass: gradients of the input `[t, b, e]` and of the weights
/// `[W_ih | W_hh | b]` `[4h, e + h + 1]`, given the gradient of the hidden states.
#[allow(clippy::too_many_arguments)]
pub(super) fn backward<T: Real>(
    d: Dims,
    x: &[T],
    w: &[T],
    state0: &[T],
    hs: &[T],
    acts: &[T],
    cells: &[T],
    grad_hs: &[T],
) -> (Vec<T>, Vec<T>) {
    let Dims { t, b, h, e } = d;
    let cols = d.cols();
    let mut d_gates = vec![T::default(); t * b * 4 * h];
    let blocks = row_blocks(b);
    let jobs: Vec<_> = blocks
        .iter()
        .cloned()
        .zip(per_block(&mut d_gates, t, 4 * h, &blocks))
        .collect();
    let w_hh = &w[e..];
    jobs.into_par_iter().for_each(|(rows, d_gates)| {
        let n = rows.len();
        let mut dh_next = vec![T::default(); n * h];
        let mut dc_next = vec![T::default(); n * h];
        let mut tanh_c = vec![T::default(); n * h];
        let one = T::from_f64(1.0);
        // Rows `rows` of step `s` of a `[t, b, width]` buffer.
        let at = |s: usize, width: usize| (s * b + rows.start) * width..(s * b + rows.end) * width;
        for (s, dg) in d_gates.into_iter().enumerate().rev() {
            let a = &acts[at(s, 4 * h)];
            let c = &cells[at(s, h)];
            let c_prev = if s == 0 {
                &state0[(b + rows.start) * h..(b + rows.end) * h]
            } else {
                &cells[at(s - 1, h)]
            };
            let grad = &grad_hs[at(s, h)];
            tanh_c.copy_from_slice(c);
            T::tanh_all(&mut tanh_c);
            for r in 0..n {
                let (a, row) = (
                    &a[r * 4 * h..(r + 1) * 4 * h],
                    &mut dg[r * 4 * h..(r + 1) * 4 * h],
                );
                let (ai, rest) = a.split_at(h);
                let (af, rest) = rest.split_at(h);
                let (ag, ao) = rest.split_at(h);
                let (di, rest) = row.split_at_mut(h);
                let (df, rest) = rest.split_at_mut(h);
                let (dgg, d_o) = rest.split_at_mut(h);
                let span = r * h..(r + 1) * h;
                let (grad, dh_n) = (&grad[span.clone()], &dh_next[span.clone()]);
                let (tc, cp) = (&tanh_c[span.clone()], &c_prev[span.clone()]);
                let dc_n = &mut dc_next[span];
                // Zipped slices, so the loop has no index checks and vectorises.
                let gates = ai.iter().zip(af).zip(ag).zip(ao);
                let states = grad.iter().zip(dh_n).zip(tc).zip(cp);
                let outs = di
                    .iter_mut()
                    .zip(df.iter_mut())
                    .zip(dgg.iter_mut())
                    .zip(d_o.iter_mut());
                for (
                    ((((&i, &f), &g), &o), (((&gr, &dhn), &tc), &cp)),
                    ((((di, df), dgg), d_o), dcn),
                ) in gates.zip(states).zip(outs.zip(dc_n.iter_mut()))
                {
                    let dh = gr + dhn;
                    let dc = dh * o * (one - tc * tc) + *dcn;
                    *d_o = dh * tc * o * (one - o);
                    *di = dc * g * i * (one - i);
                    *df = dc * cp * f * (one - f);
                    *dgg = dc * i * (one - g * g);
                    *dcn = dc * f;
                }
            }
            // dh_{s−1} = dgates [n, 4h] · W_hh [4h, h] (columns e.. of the weights)
            matmul_serial(
                &mut dh_next,
                (n, h, 4 * h),
                dg,
                (4 * h, 1),
                w_hh,
                (cols, 1),
                false,
            );
        }
    });
    // dx [t·b, e] = dgates [t·b, 4h] · W_ih [4h, e]
    let mut dx = vec![T::default(); t * b * e];
    matmul(
        &mut dx,
        (t * b, e, 4 * h),
        &d_gates,
        (4 * h, 1),
        w,
        (cols, 1),
        false,
    );
    // dW_ih [4h, e] = Σ_s dgatesₛᵀ [4h, b] · xₛ [b, e]
    let mut d_w_ih = vec![T::default(); 4 * h * e];
    matmul(
        &mut d_w_ih,
        (4 * h, e, t * b),
        &d_gates,
        (1, 4 * h),
        x,
        (e, 1),
        false,
    );
    // dW_hh [4h, h] = Σ_s dgatesₛᵀ [4h, b] · h_{s−1} [b, h]: one product over all steps.
    let mut h_prev = Vec::with_capacity(t * b * h);
    h_prev.extend_from_slice(&state0[..b * h]);
    h_prev.extend_from_slice(&hs[..(t - 1) * b * h]);
    let mut d_w_hh = vec![T::default(); 4 * h * h];
    matmul(
        &mut d_w_hh,
        (4 * h, h, t * b),
        &d_gates,
        (1, 4 * h),
        &h_prev,
        (h, 1),
        false,
    );
    // db = Σ over steps and batch of dgates (blocks of rows in parallel).
    let d_b = column_sums(&d_gates, 4 * h);
    let mut d_w = Vec::with_capacity(4 * h * cols);
    for g in 0..4 * h {
        d_w.extend_from_slice(&d_w_ih[g * e..(g + 1) * e]);
        d_w.extend_from_slice(&d_w_hh[g * h..(g + 1) * h]);
        d_w.push(T::from_f64(d_b[g]));
    }
    (dx, d_w)
}
