//! CPU kernels the custom ops share: matrix products on `gemm`, the scalar types
//! they run in, element-wise maps and layout transposes, and the plumbing that runs
//! an op on candle's CPU storage. The patch rearrangements that turn convolutions into
//! matrix products are in [`super::patches`].

use candle_core::{CpuStorage, Layout, Shape};
use std::mem::MaybeUninit;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

/// A scalar the op computes in.
pub(crate) trait Real:
    Copy
    + Default
    + Send
    + Sync
    + 'static
    + std::ops::Add<Output = Self>
    + std::ops::Sub<Output = Self>
    + std::ops::Mul<Output = Self>
    + std::ops::Div<Output = Self>
    + PartialOrd
{
    fn from_f64(v: f64) -> Self;
    fn to_f64(self) -> f64;
    /// A vector of this type as a candle storage.
    fn into_storage(v: Vec<Self>) -> CpuStorage;
    /// A storage's vector, if it holds this type.
    fn from_storage(s: CpuStorage) -> Option<Vec<Self>>;
    /// A storage's vector to change in place, if it holds this type.
    fn storage_mut(s: &mut CpuStorage) -> Option<&mut Vec<Self>>;
    fn sqrt(self) -> Self;
    fn tanh(self) -> Self;
    fn sigmoid(self) -> Self;
    /// σ of every element, in place.
    fn sigmoid_all(xs: &mut [Self]) {
        for x in xs {
            *x = x.sigmoid();
        }
    }
    /// tanh of every element, in place.
    fn tanh_all(xs: &mut [Self]) {
        for x in xs {
            *x = x.tanh();
        }
    }
}

/// e^x for f32 without a library call, so loops over slices vectorise: x = n·ln 2 + r
/// with |r| ≤ ½ ln 2, e^r by a degree-6 polynomial, 2^n by the exponent bits
/// (relative error below 2·10⁻⁷).
#[inline(always)]
fn exp_f32(x: f32) -> f32 {
    // max/min rather than clamp: clamp's checks keep the loop from vectorising.
    #[allow(clippy::manual_clamp)]
    let x = x.max(-87.0).min(88.0);
    // Round to nearest by adding and removing 1.5·2²³ (no rounding instruction needed,
    // so the loop vectorises on any x86-64).
    const SHIFT: f32 = 12_582_912.0;
    let n = (x * std::f32::consts::LOG2_E + SHIFT) - SHIFT;
    let r = x - n * 0.693_145_75 - n * 1.428_606_8e-6;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (0.166_666_67
                    + r * (0.041_666_668 + r * (0.008_333_334 + r * 0.001_388_889)))));
    // 2ⁿ from the exponent bits: n + 127 + 1.5·2²³ holds n + 127 in its low mantissa bits.
    let biased = (n + 127.0 + SHIFT).to_bits() & 0xff;
    p * f32::from_bits(biased << 23)
}

/// The [`Real`] methods that move a vector in and out of `CpuStorage::$variant`.
macro_rules! storage_conversions {
    ($variant:ident) => {
        fn into_storage(v: Vec<Self>) -> CpuStorage {
            CpuStorage::$variant(v)
        }
        fn from_storage(s: CpuStorage) -> Option<Vec<Self>> {
            match s {
                CpuStorage::$variant(v) => Some(v),
                _ => None,
            }
        }
        fn storage_mut(s: &mut CpuStorage) -> Option<&mut Vec<Self>> {
            match s {
                CpuStorage::$variant(v) => Some(v),
                _ => None,
            }
        }
    };
}

impl Real for f32 {
    fn sigmoid_all(xs: &mut [Self]) {
        for x in xs {
            *x = 1.0 / (1.0 + exp_f32(-*x));
        }
    }
    fn tanh_all(xs: &mut [Self]) {
        // tanh x = 2σ(2x) − 1
        for x in xs {
            *x = 2.0 / (1.0 + exp_f32(-2.0 * *x)) - 1.0;
        }
    }
    fn from_f64(v: f64) -> Self {
        v as f32
    }
    storage_conversions!(F32);
    fn sqrt(self) -> Self {
        f32::sqrt(self)
    }
    fn to_f64(self) -> f64 {
        self as f64
    }
    fn tanh(self) -> Self {
        f32::tanh(self)
    }
    fn sigmoid(self) -> Self {
        1.0 / (1.0 + (-self).exp())
    }
}

impl Real for f64 {
    fn from_f64(v: f64) -> Self {
        v
    }
    storage_conversions!(F64);
    fn sqrt(self) -> Self {
        f64::sqrt(self)
    }
    fn to_f64(self) -> f64 {
        self
    }
    fn tanh(self) -> Self {
        f64::tanh(self)
    }
    fn sigmoid(self) -> Self {
        1.0 / (1.0 + (-self).exp())
    }
}

/// A buffer one op's forward pass leaves for another op to take (the columns a
/// convolution computed, for its kernel gradient): taken at most once, and empty
/// when nothing was left, so the taker recomputes.
#[derive(Clone, Default)]
pub(crate) struct Stash(Arc<Mutex<Option<CpuStorage>>>);

impl Stash {
    /// Leaves `v` (replacing whatever was there).
    pub fn put<T: Real>(&self, v: Vec<T>) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(T::into_storage(v));
        }
    }

    /// Takes what was left, if it is `len` values of type `T`.
    pub fn take<T: Real>(&self, len: usize) -> Option<Vec<T>> {
        let stored = self.0.lock().ok()?.take()?;
        T::from_storage(stored).filter(|v| v.len() == len)
    }
}

/// `dst [m, n] (+)= a · b`, all row-major unless strides say otherwise: `a` is
/// `[m, k]` with strides (`a_rs`, `a_cs`), `b` is `[k, n]` with (`b_rs`, `b_cs`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn matmul<T: Real>(
    dst: &mut [T],
    (m, n, k): (usize, usize, usize),
    a: &[T],
    (a_rs, a_cs): (usize, usize),
    b: &[T],
    (b_rs, b_cs): (usize, usize),
    accumulate: bool,
) {
    product(
        as_uninit(dst),
        (m, n, k),
        a,
        (a_rs, a_cs),
        b,
        (b_rs, b_cs),
        accumulate,
        true,
    );
}

/// `a · b` as [`matmul`] computes it, into a new `[m, n]` buffer that is not zeroed
/// first (the product writes every element): zeroing the patch rows of a transposed
/// convolution took a tenth of its time.
pub(crate) fn matmul_new<T: Real>(
    (m, n, k): (usize, usize, usize),
    a: &[T],
    a_strides: (usize, usize),
    b: &[T],
    b_strides: (usize, usize),
) -> Vec<T> {
    let len = m * n;
    let mut dst = Vec::with_capacity(len);
    product(
        &mut dst.spare_capacity_mut()[..len],
        (m, n, k),
        a,
        a_strides,
        b,
        b_strides,
        false,
        true,
    );
    // SAFETY: a product that does not accumulate writes all `m·n` elements.
    unsafe { dst.set_len(len) };
    dst
}

/// `x` as possibly uninitialised values: what [`product`] writes to.
fn as_uninit<T: Real>(x: &mut [T]) -> &mut [MaybeUninit<T>] {
    // SAFETY: `MaybeUninit<T>` has the layout of `T`, and the product writes only
    // initialised values through it.
    unsafe { &mut *(x as *mut [T] as *mut [MaybeUninit<T>]) }
}

/// [`matmul`] on the calling thread only: for the many small products of a loop
/// that already runs one copy per thread (an LSTM's steps, per block of rows).
#[allow(clippy::too_many_arguments)]
pub(crate) fn matmul_serial<T: Real>(
    dst: &mut [T],
    (m, n, k): (usize, usize, usize),
    a: &[T],
    (a_rs, a_cs): (usize, usize),
    b: &[T],
    (b_rs, b_cs): (usize, usize),
    accumulate: bool,
) {
    product(
        as_uninit(dst),
        (m, n, k),
        a,
        (a_rs, a_cs),
        b,
        (b_rs, b_cs),
        accumulate,
        false,
    );
}

/// `dst (+)= a · b`; without `accumulate`, `dst` may start uninitialised and every
/// one of its first `m·n` elements is written.
#[allow(clippy::too_many_arguments)]
fn product<T: Real>(
    dst: &mut [MaybeUninit<T>],
    (m, n, k): (usize, usize, usize),
    a: &[T],
    (a_rs, a_cs): (usize, usize),
    b: &[T],
    (b_rs, b_cs): (usize, usize),
    accumulate: bool,
    parallel: bool,
) {
    // Every index the product touches must lie inside its slice.
    assert!(dst.len() >= m * n);
    assert!(m == 0 || k == 0 || (m - 1) * a_rs + (k - 1) * a_cs < a.len());
    assert!(k == 0 || n == 0 || (k - 1) * b_rs + (n - 1) * b_cs < b.len());
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        // An empty sum: nothing for gemm to do, and nothing it would write.
        if !accumulate {
            dst[..m * n].fill(MaybeUninit::new(T::default()));
        }
        return;
    }
    let threads = rayon::current_num_threads();
    let parallelism = if parallel && threads > 1 && m * n * k >= 64 * 64 * 64 {
        gemm::Parallelism::Rayon(threads)
    } else {
        gemm::Parallelism::None
    };
    // SAFETY: the asserts above keep every element gemm reads or writes in bounds,
    // and `dst` does not alias `a` or `b` (it is borrowed mutably).
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr().cast::<T>(),
            1,
            n as isize,
            accumulate,
            a.as_ptr(),
            a_cs as isize,
            a_rs as isize,
            b.as_ptr(),
            b_cs as isize,
            b_rs as isize,
            T::from_f64(1.0),
            T::from_f64(1.0),
            false,
            false,
            false,
            parallelism,
        );
    }
}

/// `f` of every element of `x`, in parallel chunks for large slices.
pub(crate) fn map_elements<T: Real>(x: &[T], f: impl Fn(T) -> T + Send + Sync + Copy) -> Vec<T> {
    map_pairs(x, x, move |a, _| f(a))
}

/// `f` of every pair of elements of `a` and `b` (of equal length), in parallel
/// chunks for large slices.
///
/// `f` is `Copy` so that each chunk works on its own copy: the constants it captures
/// (by `move`) then live in registers. Reached through a reference, they are
/// reloaded after every store and the loop stays scalar — 50× slower, measured.
pub(crate) fn map_pairs<T: Real>(
    a: &[T],
    b: &[T],
    f: impl Fn(T, T) -> T + Send + Sync + Copy,
) -> Vec<T> {
    const CHUNK: usize = 16 * 1024;
    assert_eq!(a.len(), b.len());
    type Chunk<'a, T> = (&'a mut [MaybeUninit<T>], (&'a [T], &'a [T]));
    let run = move |(d, (a, b)): Chunk<T>| {
        let f = f;
        for ((d, &a), &b) in d.iter_mut().zip(a).zip(b) {
            d.write(f(a, b));
        }
    };
    let mut y = Vec::with_capacity(a.len());
    let dst = &mut y.spare_capacity_mut()[..a.len()];
    if a.len() < 4 * CHUNK {
        run((dst, (a, b)));
    } else {
        dst.par_chunks_mut(CHUNK)
            .zip(a.par_chunks(CHUNK).zip(b.par_chunks(CHUNK)))
            .for_each(run);
    }
    // SAFETY: every element below `a.len()` was written above.
    unsafe { y.set_len(a.len()) };
    y
}

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

/// The `name` and `cpu_fwd` of a `CustomOp2` whose type implements [`Binary`].
macro_rules! custom_op2_cpu {
    ($name:literal) => {
        fn name(&self) -> &'static str {
            $name
        }

        fn cpu_fwd(
            &self,
            s1: &candle_core::CpuStorage,
            l1: &candle_core::Layout,
            s2: &candle_core::CpuStorage,
            l2: &candle_core::Layout,
        ) -> candle_core::Result<(candle_core::CpuStorage, candle_core::Shape)> {
            $crate::nn::kernels::run_binary(self, s1, l1, s2, l2)
        }
    };
}
pub(crate) use custom_op2_cpu;

/// The `name` and `cpu_fwd` of a `CustomOp1` whose type implements [`Unary`].
macro_rules! custom_op1_cpu {
    ($name:literal) => {
        fn name(&self) -> &'static str {
            $name
        }

        fn cpu_fwd(
            &self,
            s: &candle_core::CpuStorage,
            l: &candle_core::Layout,
        ) -> candle_core::Result<(candle_core::CpuStorage, candle_core::Shape)> {
            $crate::nn::kernels::run_unary(self, s, l)
        }
    };
}
pub(crate) use custom_op1_cpu;

/// A two-input op on contiguous slices of one float type.
pub(crate) trait Binary {
    fn run<T: Real>(
        &self,
        a: &[T],
        a_shape: &Shape,
        b: &[T],
        b_shape: &Shape,
    ) -> candle_core::Result<(Vec<T>, Shape)>;
}

/// Runs `op` on two CPU storages of the same float type (f32 or f64).
pub(crate) fn run_binary<O: Binary>(
    op: &O,
    s1: &CpuStorage,
    l1: &Layout,
    s2: &CpuStorage,
    l2: &Layout,
) -> candle_core::Result<(CpuStorage, Shape)> {
    match (s1, s2) {
        (CpuStorage::F32(a), CpuStorage::F32(b)) => {
            let (y, shape) = op.run(slice(a, l1)?, l1.shape(), slice(b, l2)?, l2.shape())?;
            Ok((CpuStorage::F32(y), shape))
        }
        (CpuStorage::F64(a), CpuStorage::F64(b)) => {
            let (y, shape) = op.run(slice(a, l1)?, l1.shape(), slice(b, l2)?, l2.shape())?;
            Ok((CpuStorage::F64(y), shape))
        }
        _ => candle_core::bail!("custom ops support f32 and f64 (both the same) only"),
    }
}

/// A three-input op on contiguous slices of one float type.
pub(crate) trait Ternary {
    #[allow(clippy::too_many_arguments)]
    fn run<T: Real>(
        &self,
        a: &[T],
        a_shape: &Shape,
        b: &[T],
        b_shape: &Shape,
        c: &[T],
        c_shape: &Shape,
    ) -> candle_core::Result<(Vec<T>, Shape)>;
}

/// Runs `op` on three CPU storages of the same float type (f32 or f64).
pub(crate) fn run_ternary<O: Ternary>(
    op: &O,
    (s1, l1): (&CpuStorage, &Layout),
    (s2, l2): (&CpuStorage, &Layout),
    (s3, l3): (&CpuStorage, &Layout),
) -> candle_core::Result<(CpuStorage, Shape)> {
    match (s1, s2, s3) {
        (CpuStorage::F32(a), CpuStorage::F32(b), CpuStorage::F32(c)) => {
            let (y, shape) = op.run(
                slice(a, l1)?,
                l1.shape(),
                slice(b, l2)?,
                l2.shape(),
                slice(c, l3)?,
                l3.shape(),
            )?;
            Ok((CpuStorage::F32(y), shape))
        }
        (CpuStorage::F64(a), CpuStorage::F64(b), CpuStorage::F64(c)) => {
            let (y, shape) = op.run(
                slice(a, l1)?,
                l1.shape(),
                slice(b, l2)?,
                l2.shape(),
                slice(c, l3)?,
                l3.shape(),
            )?;
            Ok((CpuStorage::F64(y), shape))
        }
        _ => candle_core::bail!("custom ops support f32 and f64 (all the same) only"),
    }
}

/// The `name` and `cpu_fwd` of a `CustomOp3` whose type implements [`Ternary`].
macro_rules! custom_op3_cpu {
    ($name:literal) => {
        fn name(&self) -> &'static str {
            $name
        }

        fn cpu_fwd(
            &self,
            s1: &candle_core::CpuStorage,
            l1: &candle_core::Layout,
            s2: &candle_core::CpuStorage,
            l2: &candle_core::Layout,
            s3: &candle_core::CpuStorage,
            l3: &candle_core::Layout,
        ) -> candle_core::Result<(candle_core::CpuStorage, candle_core::Shape)> {
            $crate::nn::kernels::run_ternary(self, (s1, l1), (s2, l2), (s3, l3))
        }
    };
}
pub(crate) use custom_op3_cpu;

/// A one-input op on a contiguous slice of one float type.
pub(crate) trait Unary {
    fn run<T: Real>(&self, a: &[T], a_shape: &Shape) -> candle_core::Result<(Vec<T>, Shape)>;
}

/// Runs `op` on a CPU storage of f32 or f64.
pub(crate) fn run_unary<O: Unary>(
    op: &O,
    s: &CpuStorage,
    l: &Layout,
) -> candle_core::Result<(CpuStorage, Shape)> {
    match s {
        CpuStorage::F32(a) => {
            let (y, shape) = op.run(slice(a, l)?, l.shape())?;
            Ok((CpuStorage::F32(y), shape))
        }
        CpuStorage::F64(a) => {
            let (y, shape) = op.run(slice(a, l)?, l.shape())?;
            Ok((CpuStorage::F64(y), shape))
        }
        _ => candle_core::bail!("custom ops support f32 and f64 only"),
    }
}

/// The contiguous part of a storage that a layout covers.
fn slice<'a, T>(v: &'a [T], l: &Layout) -> candle_core::Result<&'a [T]> {
    match l.contiguous_offsets() {
        Some((start, end)) => Ok(&v[start..end]),
        None => candle_core::bail!("custom ops need contiguous inputs"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_exponential_is_accurate() {
        for i in -8000..8000 {
            let x = i as f32 / 100.0;
            let (got, want) = (exp_f32(x), x.exp());
            assert!(
                ((got - want) / want).abs() < 3e-7,
                "exp({x}) = {got}, not {want}"
            );
        }
    }

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
