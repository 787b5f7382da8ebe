//! The Fréchet distance between two Gaussians fitted to feature vectors (the "FID"
//! when the features come from a classifier):
//! d² = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁^½ Σ₂ Σ₁^½)^½).

/// Mean and covariance of a set of feature vectors.
#[derive(Clone, Debug, PartialEq)]
pub struct Gaussian {
    /// Dimension.
    pub dim: usize,
    /// The mean, `dim` values.
    pub mean: Vec<f64>,
    /// The covariance, `dim × dim`, row-major (divided by n − 1).
    pub cov: Vec<f64>,
}

impl Gaussian {
    /// Fits `rows` (each `dim` long); `None` for fewer than two rows.
    pub fn fit(rows: &[Vec<f32>], dim: usize) -> Option<Self> {
        let n = rows.len();
        if n < 2 || rows.iter().any(|r| r.len() != dim) {
            return None;
        }
        let mut mean = vec![0f64; dim];
        for r in rows {
            for (m, &v) in mean.iter_mut().zip(r) {
                *m += v as f64 / n as f64;
            }
        }
        let mut cov = vec![0f64; dim * dim];
        for r in rows {
            let c: Vec<f64> = r.iter().zip(&mean).map(|(&v, m)| v as f64 - m).collect();
            for i in 0..dim {
                for j in i..dim {
                    cov[i * dim + j] += c[i] * c[j];
                }
            }
        }
        for i in 0..dim {
            for j in i..dim {
                let v = cov[i * dim + j] / (n - 1) as f64;
                cov[i * dim + j] = v;
                cov[j * dim + i] = v;
            }
        }
        Some(Self { dim, mean, cov })
    }
}

/// The squared Fréchet distance between `a` and `b` (same dimension).
pub fn frechet_distance(a: &Gaussian, b: &Gaussian) -> f64 {
    let n = a.dim;
    let mean_term: f64 = a
        .mean
        .iter()
        .zip(&b.mean)
        .map(|(x, y)| (x - y) * (x - y))
        .sum();
    let trace = |m: &[f64]| (0..n).map(|i| m[i * n + i]).sum::<f64>();
    let s1 = sqrt_psd(&a.cov, n);
    let m = matmul(&matmul(&s1, &b.cov, n), &s1, n);
    let (vals, _) = symmetric_eigen(&m, n);
    let tr_sqrt: f64 = vals.iter().map(|v| v.max(0.0).sqrt()).sum();
    (mean_term + trace(&a.cov) + trace(&b.cov) - 2.0 * tr_sqrt).max(0.0)
}

fn matmul(a: &[f64], b: &[f64], n: usize) -> Vec<f64> {
    let mut out = vec![0f64; n * n];
    for i in 0..n {
        for k in 0..n {
            let aik = a[i * n + k];
            if aik == 0.0 {
                continue;
            }
            for j in 0..n {
                out[i * n + j] += aik * b[k * n + j];
            }
        }
    }
    out
}

/// The square root of a symmetric positive semi-definite matrix (negative
/// eigenvalues from rounding are taken as zero).
fn sqrt_psd(a: &[f64], n: usize) -> Vec<f64> {
    let (vals, vecs) = symmetric_eigen(a, n);
    let mut out = vec![0f64; n * n];
    for (k, &l) in vals.iter().enumerate() {
        let s = l.max(0.0).sqrt();
        for i in 0..n {
            let vik = vecs[i * n + k] * s;
            for j in 0..n {
                out[i * n + j] += vik * vecs[j * n + k];
            }
        }
    }
    out
}

/// Eigenvalues and eigenvectors (columns of the second result) of a symmetric
/// matrix, by cyclic Jacobi rotations.
pub fn symmetric_eigen(a: &[f64], n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut m = a.to_vec();
    let mut v = vec![0f64; n * n];
    for i in 0..n {
        v[i * n + i] = 1.0;
    }
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| m[i * n + j].powi(2))
            .sum();
        let scale: f64 = (0..n)
            .map(|i| m[i * n + i].powi(2))
            .sum::<f64>()
            .max(1e-300);
        if off <= 1e-22 * scale {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = m[p * n + q];
                if apq.abs() < 1e-300 {
                    continue;
                }
                let theta = (m[q * n + q] - m[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (mkp, mkq) = (m[k * n + p], m[k * n + q]);
                    m[k * n + p] = c * mkp - s * mkq;
                    m[k * n + q] = s * mkp + c * mkq;
                }
                for k in 0..n {
                    let (mpk, mqk) = (m[p * n + k], m[q * n + k]);
                    m[p * n + k] = c * mpk - s * mqk;
                    m[q * n + k] = s * mpk + c * mqk;
                }
                for k in 0..n {
                    let (vkp, vkq) = (v[k * n + p], v[k * n + q]);
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    ((0..n).map(|i| m[i * n + i]).collect(), v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gaussian(mean: Vec<f64>, cov: Vec<f64>) -> Gaussian {
        Gaussian {
            dim: mean.len(),
            mean,
            cov,
        }
    }

    #[test]
    fn one_dimensional_case_matches_the_closed_form() {
        // (μ₁ − μ₂)² + σ₁² + σ₂² − 2σ₁σ₂ = (1 − 3)² + (2 − 0.5)²
        let d = frechet_distance(
            &gaussian(vec![1.0], vec![4.0]),
            &gaussian(vec![3.0], vec![0.25]),
        );
        assert!((d - (4.0 + 2.25)).abs() < 1e-9, "{d}");
    }

    #[test]
    fn identical_gaussians_are_at_distance_zero_and_shifts_add_their_square() {
        let cov = vec![2.0, 0.3, 0.1, 0.3, 1.0, -0.2, 0.1, -0.2, 0.5];
        let a = gaussian(vec![0.0, 1.0, 2.0], cov.clone());
        assert!(frechet_distance(&a, &a).abs() < 1e-9);
        let b = gaussian(vec![1.0, 1.0, 0.0], cov);
        assert!((frechet_distance(&a, &b) - 5.0).abs() < 1e-9);
    }

    #[test]
    fn diagonal_covariances_give_the_sum_of_one_dimensional_terms() {
        let a = gaussian(vec![0.0, 0.0], vec![4.0, 0.0, 0.0, 9.0]);
        let b = gaussian(vec![0.0, 0.0], vec![1.0, 0.0, 0.0, 1.0]);
        // (2 − 1)² + (3 − 1)²
        assert!((frechet_distance(&a, &b) - 5.0).abs() < 1e-9);
    }

    #[test]
    fn eigen_decomposition_reconstructs_the_matrix() {
        let a = vec![4.0, 1.0, 2.0, 1.0, 3.0, 0.5, 2.0, 0.5, 5.0];
        let (vals, vecs) = symmetric_eigen(&a, 3);
        for i in 0..3 {
            for j in 0..3 {
                let r: f64 = (0..3)
                    .map(|k| vecs[i * 3 + k] * vals[k] * vecs[j * 3 + k])
                    .sum();
                assert!((r - a[i * 3 + j]).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn fitting_recovers_mean_and_unbiased_covariance() {
        let rows = vec![vec![1.0f32, 2.0], vec![3.0, 2.0], vec![2.0, 5.0]];
        let g = Gaussian::fit(&rows, 2).expect("fit");
        assert_eq!(g.mean, vec![2.0, 3.0]);
        assert!(
            (g.cov[0] - 1.0).abs() < 1e-9 && (g.cov[3] - 3.0).abs() < 1e-9 && g.cov[1].abs() < 1e-9
        );
        assert!(Gaussian::fit(&rows[..1], 2).is_none());
    }
}
