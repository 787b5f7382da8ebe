//! The plumbing that runs our custom ops on candle's CPU storage: an op written once
//! over contiguous slices of a float type ([`Binary`], [`Ternary`], [`Unary`]) gets
//! its `cpu_fwd` for f32 and f64 from `custom_op1_cpu!`, `custom_op2_cpu!` and
//! `custom_op3_cpu!`.

use candle_core::{CpuStorage, Layout, Shape};

use super::kernels::Real;

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
            $crate::nn::cpu_ops::run_binary(self, s1, l1, s2, l2)
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
            $crate::nn::cpu_ops::run_unary(self, s, l)
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
            $crate::nn::cpu_ops::run_ternary(self, (s1, l1), (s2, l2), (s3, l3))
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
