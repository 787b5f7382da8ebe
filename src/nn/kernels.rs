//! CPU kernels the custom ops share: matrix products on `gemm`, the scalar types
//! they run in, element-wise maps. The layout transposes are in [`super::transposes`]
//! and the plumbing that runs an op
//! on candle's CPU storage is in [`super::cpu_ops`] (re-exported here); the patch
//! rearrangements that turn convolutions into matrix products in [`super::patches`].

use candle_core::CpuStorage;
use std::mem::MaybeUninit;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

pub(crate) use super::cpu_ops::{
    Binary, Ternary, Unary, custom_op1_cpu, custom_op2_cpu, custom_op3_cpu,
};
pub(crate) use super::transposes::{
    swap_leading, swap_leading_plus, transpose_each, transpose_each_plus,
};

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
}
