//! Plain vector math on latent codes: a principal-component basis to draw a
//! many-dimensional code cloud in two dimensions and to lift a point of that
//! drawing back to a code; linear and spherical interpolation.

use crate::quality::frechet::symmetric_eigen;

/// Axes for drawing codes in 2-D: the mean code and orthonormal directions (the
/// principal components, by falling variance; or the code's own axes when the
/// latent space is 2-D already).
#[derive(Clone, Debug, PartialEq)]
pub struct LatentBasis {
    /// The mean code.
    pub mean: Vec<f32>,
    /// Unit directions, each of the latent size.
    pub components: Vec<Vec<f32>>,
    /// The variance of the codes along each direction.
    pub variances: Vec<f32>,
    /// Whether the directions are principal components (else the code's own axes).
    pub is_pca: bool,
}

impl LatentBasis {
    /// The basis that draws `codes`: the latent axes themselves for two dimensions or
    /// fewer, else up to `max_components` principal components.
    pub fn fit(codes: &[Vec<f32>], dim: usize, max_components: usize) -> Self {
        let n = codes.len().max(1) as f64;
        let mut mean = vec![0f64; dim];
        for c in codes {
            for (m, v) in mean.iter_mut().zip(c) {
                *m += *v as f64 / n;
            }
        }
        let mut cov = vec![0f64; dim * dim];
        for c in codes {
            for i in 0..dim {
                let di = c[i] as f64 - mean[i];
                for j in 0..dim {
                    cov[i * dim + j] += di * (c[j] as f64 - mean[j]) / n;
                }
            }
        }
        if dim <= 2 {
            let axes = (0..dim)
                .map(|i| (0..dim).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
                .collect();
            return Self {
                mean: vec![0.0; dim],
                components: axes,
                variances: (0..dim).map(|i| cov[i * dim + i] as f32).collect(),
                is_pca: false,
            };
        }
        let (values, vectors) = symmetric_eigen(&cov, dim);
        let mut order: Vec<usize> = (0..dim).collect();
        order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
        let k = max_components.clamp(2, dim);
        let components = order[..k]
            .iter()
            .map(|&e| (0..dim).map(|i| vectors[i * dim + e] as f32).collect())
            .collect();
        Self {
            mean: mean.iter().map(|&m| m as f32).collect(),
            components,
            variances: order[..k]
                .iter()
                .map(|&e| values[e].max(0.0) as f32)
                .collect(),
            is_pca: true,
        }
    }

    /// The coordinates of `code` on every component.
    pub fn project(&self, code: &[f32]) -> Vec<f32> {
        self.components
            .iter()
            .map(|c| {
                c.iter()
                    .zip(code.iter().zip(&self.mean))
                    .map(|(a, (x, m))| a * (x - m))
                    .sum()
            })
            .collect()
    }

    /// The code at coordinates `(a, b)` on components `axes`, and at the mean along
    /// every other component.
    pub fn lift(&self, axes: (usize, usize), point: [f32; 2]) -> Vec<f32> {
        let mut z = self.mean.clone();
        for (axis, value) in [(axes.0, point[0]), (axes.1, point[1])] {
            if let Some(c) = self.components.get(axis) {
                for (zi, ci) in z.iter_mut().zip(c) {
                    *zi += value * ci;
                }
            }
        }
        z
    }
}

/// The point a fraction `t` of the way from `a` to `b` on the straight line.
pub fn lerp(a: &[f32], b: &[f32], t: f32) -> Vec<f32> {
    a.iter().zip(b).map(|(x, y)| x + t * (y - x)).collect()
}

/// The point a fraction `t` of the way from `a` to `b` along the great circle
/// (angle and norm both interpolated); the straight line when the two are
/// (anti)parallel or zero.
pub fn slerp(a: &[f32], b: &[f32], t: f32) -> Vec<f32> {
    let na = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    if na < 1e-8 || nb < 1e-8 {
        return lerp(a, b, t);
    }
    let cos = (a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>() / (na * nb)).clamp(-1.0, 1.0);
    let omega = cos.acos();
    if omega.sin().abs() < 1e-4 {
        return lerp(a, b, t);
    }
    let (wa, wb) = (
        ((1.0 - t) * omega).sin() / omega.sin(),
        (t * omega).sin() / omega.sin(),
    );
    a.iter().zip(b).map(|(x, y)| wa * x + wb * y).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pca_finds_the_long_axis_and_lift_inverts_project() {
        // Points along the direction (1, 1, 0) with a little spread in z.
        let codes: Vec<Vec<f32>> = (0..50)
            .map(|i| {
                let t = i as f32 / 10.0 - 2.5;
                vec![1.0 + t, 2.0 + t, 0.1 * ((i % 3) as f32 - 1.0)]
            })
            .collect();
        let basis = LatentBasis::fit(&codes, 3, 3);
        assert!(basis.is_pca);
        let c0 = &basis.components[0];
        let along = (c0[0] + c0[1]).abs() / 2f32.sqrt();
        assert!(along > 0.999, "first component {c0:?}");
        assert!(basis.variances[0] > 10.0 * basis.variances[1]);
        let p = basis.project(&codes[7]);
        let back = basis.lift((0, 1), [p[0], p[1]]);
        for (x, y) in back.iter().zip(&codes[7]).take(2) {
            assert!((x - y).abs() < 0.15, "{back:?} vs {:?}", codes[7]);
        }
    }

    #[test]
    fn two_dimensional_codes_are_drawn_on_their_own_axes() {
        let codes = vec![vec![1.0, -2.0], vec![3.0, 0.5]];
        let basis = LatentBasis::fit(&codes, 2, 8);
        assert!(!basis.is_pca);
        assert_eq!(basis.project(&codes[0]), vec![1.0, -2.0]);
        assert_eq!(basis.lift((0, 1), [3.0, 0.5]), vec![3.0, 0.5]);
    }

    #[test]
    fn interpolations_start_and_end_at_the_ends() {
        let (a, b) = (vec![1.0, 0.0, 2.0], vec![0.0, 3.0, -1.0]);
        for f in [lerp, slerp] {
            assert_eq!(f(&a, &b, 0.0), a);
            let end = f(&a, &b, 1.0);
            assert!(
                end.iter().zip(&b).all(|(x, y)| (x - y).abs() < 1e-5),
                "{end:?}"
            );
        }
        // Between two unit vectors at right angles, slerp stays on the unit circle.
        let mid = slerp(&[1.0, 0.0], &[0.0, 1.0], 0.5);
        let norm = (mid[0] * mid[0] + mid[1] * mid[1]).sqrt();
        assert!((norm - 1.0).abs() < 1e-5, "{mid:?}");
        assert!((lerp(&[1.0, 0.0], &[0.0, 1.0], 0.5)[0] - 0.5).abs() < 1e-6);
    }
}
