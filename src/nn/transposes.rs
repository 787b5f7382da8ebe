//! Layout transposes of the custom ops, in parallel: swapping a tensor's two leading
//! axes, and transposing every matrix of a batch (channels first ↔ channels last),
//! each optionally adding a per-channel bias on the way.

use rayon::prelude::*;

use super::kernels::Real;

/// `[a, b, n]` → `[b, a, n]`: swaps the two leading axes (batch and channels), one
/// row of `n` at a time, in parallel.
pub(crate) fn swap_leading<T: Real>(src: &[T], a: usize, b: usize, n: usize) -> Vec<T> {
    swap_leading_plus(src, a, b, n, None)
}

/// [`swap_leading`], adding `bias[i]` to every value of each row `(j, i)` of the
/// result (a convolution's per-channel bias, added on the way).
pub(crate) fn swap_leading_plus<T: Real>(
    src: &[T],
    a: usize,
    b: usize,
    n: usize,
    bias: Option<&[T]>,
) -> Vec<T> {
    debug_assert_eq!(src.len(), a * b * n);
    let mut dst = vec![T::default(); src.len()];
    if n == 0 {
        return dst;
    }
    dst.par_chunks_mut(n).enumerate().for_each(|(row, d)| {
        // Row `row` of the result is (j, i) = (row / a, row % a), taken from (i, j).
        let (j, i) = (row / a, row % a);
        let s = &src[(i * b + j) * n..][..n];
        match bias {
            Some(bias) => {
                let add = bias[i];
                for (d, &v) in d.iter_mut().zip(s) {
                    *d = v + add;
                }
            }
            None => d.copy_from_slice(s),
        }
    });
    dst
}

/// `[b, rows, cols]` → `[b, cols, rows]`: transposes every matrix of a batch, in
/// parallel (channels first ↔ channels last: `[b, c, h·w]` ↔ `[b, h·w, c]`).
pub(crate) fn transpose_each<T: Real>(src: &[T], b: usize, rows: usize, cols: usize) -> Vec<T> {
    transpose_each_plus(src, b, rows, cols, None)
}

/// [`transpose_each`], adding `bias[c]` to every value of row `c` of each transpose
/// (a convolution's per-channel bias, added on the way to channels first).
pub(crate) fn transpose_each_plus<T: Real>(
    src: &[T],
    b: usize,
    rows: usize,
    cols: usize,
    bias: Option<&[T]>,
) -> Vec<T> {
    debug_assert_eq!(src.len(), b * rows * cols);
    let size = rows * cols;
    let mut dst = vec![T::default(); src.len()];
    if size == 0 {
        return dst;
    }
    if b >= 4 * rayon::current_num_threads() {
        dst.par_chunks_mut(size)
            .zip(src.par_chunks(size))
            .for_each(|(d, s)| transpose_tiles(s, d, (rows, cols), 0..cols, bias));
    } else {
        // Few large matrices: split each by bands of output rows.
        for (d, s) in dst.chunks_mut(size).zip(src.chunks(size)) {
            d.par_chunks_mut(TILE * rows)
                .enumerate()
                .for_each(|(band, d)| {
                    let c0 = band * TILE;
                    let band = c0..(c0 + TILE).min(cols);
                    transpose_tiles(s, d, (rows, cols), band, bias);
                });
        }
    }
    dst
}

/// Side of the square tiles a transpose moves at a time.
const TILE: usize = 8;

/// Columns `band` of `src` `[rows, cols]` into `dst`, which holds the rows `band` of
/// the transpose `[cols, rows]`, tile by tile, plus `bias[c]` on row `c` if given.
fn transpose_tiles<T: Real>(
    src: &[T],
    dst: &mut [T],
    (rows, cols): (usize, usize),
    band: std::ops::Range<usize>,
    bias: Option<&[T]>,
) {
    let add = |c: usize| bias.map_or(T::default(), |b| b[c]);
    for c0 in band.clone().step_by(TILE) {
        let c1 = (c0 + TILE).min(band.end);
        for r0 in (0..rows).step_by(TILE) {
            let r1 = (r0 + TILE).min(rows);
            if c1 - c0 == TILE && r1 - r0 == TILE {
                // A whole tile: rows in, columns out, through a block the compiler
                // keeps in registers.
                let mut block = [[T::default(); TILE]; TILE];
                for (r, row) in block.iter_mut().enumerate() {
                    row.copy_from_slice(&src[(r0 + r) * cols + c0..][..TILE]);
                }
                for c in 0..TILE {
                    let plus = add(c0 + c);
                    let d = &mut dst[(c0 + c - band.start) * rows + r0..][..TILE];
                    for (d, row) in d.iter_mut().zip(&block) {
                        *d = row[c] + plus;
                    }
                }
                continue;
            }
            for c in c0..c1 {
                let plus = add(c);
                let d = &mut dst[(c - band.start) * rows..][r0..r1];
                for (r, d) in (r0..r1).zip(d) {
                    *d = src[r * cols + c] + plus;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transposing_each_matrix_twice_gives_the_input_back() {
        // Shapes around the tile size, in a batch large enough for either schedule.
        for (b, rows, cols) in [(3, 5, 7), (1, 40, 17), (20, 16, 33)] {
            let x: Vec<f32> = (0..b * rows * cols).map(|i| i as f32).collect();
            let y = transpose_each(&x, b, rows, cols);
            let (bi, r, c) = (b - 1, rows - 2, cols - 3);
            assert_eq!(y[(bi * cols + c) * rows + r], x[(bi * rows + r) * cols + c]);
            assert_eq!(transpose_each(&y, b, cols, rows), x);
        }
    }

    #[test]
    fn swapping_the_leading_axes_twice_gives_the_input_back() {
        let x: Vec<f32> = (0..3 * 4 * 5).map(|i| i as f32).collect();
        let y = swap_leading(&x, 3, 4, 5);
        // Row (j, i) = (1, 2) of the result is row (i, j) = (2, 1) of the input.
        assert_eq!(y[5 * (3 + 2)..][..5], x[5 * (2 * 4 + 1)..][..5]);
        assert_eq!(swap_leading(&y, 4, 3, 5), x);
    }
}
