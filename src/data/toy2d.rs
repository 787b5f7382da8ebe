//! Toy 2-D distributions (mixtures of Gaussians) and the mode census that tells
//! how many of their modes a generator has captured.
//!
//! Every distribution is a mixture of equal-weight isotropic Gaussians, so "a mode"
//! always means one mixture component. The census follows the convention of the
//! unrolled-GAN and VEEGAN papers: a sample is *high quality* if it lies within three
//! standard deviations of its nearest mode, and a mode is *captured* if at least one
//! high-quality sample is nearest to it.

use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use crate::view::{Gan2dView, ScalarField};

/// The toy distributions a 2-D GAN can learn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Toy2d {
    /// Eight Gaussians on a circle of radius 2 (σ = 0.02).
    #[default]
    Ring,
    /// A 5 × 5 grid of Gaussians at −4, −2, 0, 2, 4 (σ = 0.05).
    Grid,
    /// Twenty Gaussians along an Archimedean spiral (σ = 0.1).
    Spiral,
    /// Two interleaved half-circles of twelve Gaussians each (σ = 0.08).
    Moons,
    /// The user's own points (`data.path` or `data.points`), modes by k-means.
    Points,
}

impl Toy2d {
    /// Every distribution, in the order the UI lists them.
    pub const ALL: [Toy2d; 4] = [Toy2d::Ring, Toy2d::Grid, Toy2d::Spiral, Toy2d::Moons];

    /// A short human-readable name.
    pub fn label(self) -> &'static str {
        match self {
            Toy2d::Ring => "Ring of 8 Gaussians",
            Toy2d::Grid => "Grid of 25 Gaussians",
            Toy2d::Spiral => "Spiral",
            Toy2d::Moons => "Two moons",
            Toy2d::Points => "Your points (drawn or a file)",
        }
    }

    /// The mixture behind this distribution.
    pub fn mixture(self) -> Mixture {
        match self {
            Toy2d::Ring => {
                let means = (0..8)
                    .map(|i| {
                        let a = i as f32 * std::f32::consts::TAU / 8.0;
                        [2.0 * a.cos(), 2.0 * a.sin()]
                    })
                    .collect();
                Mixture { means, std: 0.02 }
            }
            Toy2d::Grid => {
                let mut means = Vec::with_capacity(25);
                for i in -2..=2 {
                    for j in -2..=2 {
                        means.push([2.0 * i as f32, 2.0 * j as f32]);
                    }
                }
                Mixture { means, std: 0.05 }
            }
            Toy2d::Spiral => {
                let n = 20;
                let means = (0..n)
                    .map(|i| {
                        // θ from π/2 to 4π; radius grows linearly with θ.
                        let t = i as f32 / (n - 1) as f32;
                        let theta = std::f32::consts::FRAC_PI_2 + t * 3.5 * std::f32::consts::PI;
                        let r = 0.25 * theta;
                        [r * theta.cos(), r * theta.sin()]
                    })
                    .collect();
                Mixture { means, std: 0.1 }
            }
            Toy2d::Moons => {
                let per_moon = 12;
                let mut means = Vec::with_capacity(2 * per_moon);
                for i in 0..per_moon {
                    let t = i as f32 / (per_moon - 1) as f32 * std::f32::consts::PI;
                    // The two moons of scikit-learn, scaled by 1.5 and centred on the origin.
                    means.push([1.5 * (t.cos() - 0.5), 1.5 * (t.sin() - 0.25)]);
                    means.push([1.5 * (1.0 - t.cos() - 0.5), 1.5 * (0.5 - t.sin() - 0.25)]);
                }
                Mixture { means, std: 0.08 }
            }
            // Known only once the file is read (see `experiments::gan2d::data`).
            Toy2d::Points => Mixture {
                means: Vec::new(),
                std: 1.0,
            },
        }
    }

    /// A square view that holds the distribution with a margin: `(min, max)` on both axes.
    pub fn view_range(self) -> (f32, f32) {
        match self {
            Toy2d::Ring => (-3.0, 3.0),
            Toy2d::Grid => (-5.5, 5.5),
            Toy2d::Spiral => (-4.0, 4.0),
            Toy2d::Moons => (-3.0, 3.0),
            Toy2d::Points => (-4.0, 4.0),
        }
    }
}

/// An equal-weight mixture of isotropic Gaussians.
#[derive(Clone, Debug, PartialEq)]
pub struct Mixture {
    /// The centre of each component (each "mode").
    pub means: Vec<[f32; 2]>,
    /// The standard deviation shared by every component, on each axis.
    pub std: f32,
}

impl Mixture {
    /// Draws `n` points: a uniformly chosen mode plus Gaussian noise.
    pub fn sample(&self, rng: &mut impl Rng, n: usize) -> Vec<[f32; 2]> {
        (0..n)
            .map(|_| {
                let m = self.means[rng.random_range(0..self.means.len())];
                let dx: f32 = StandardNormal.sample(rng);
                let dy: f32 = StandardNormal.sample(rng);
                [m[0] + self.std * dx, m[1] + self.std * dy]
            })
            .collect()
    }

    /// Counts captured modes and high-quality samples (see the module docs).
    pub fn census(&self, samples: &[[f32; 2]]) -> Census {
        let mut per_mode = vec![0usize; self.means.len()];
        let mut high_quality = 0usize;
        let limit_sq = (3.0 * self.std) * (3.0 * self.std);
        for p in samples {
            let Some((nearest, dist_sq)) = self.nearest_mode(*p) else {
                continue;
            };
            if dist_sq <= limit_sq {
                high_quality += 1;
                per_mode[nearest] += 1;
            }
        }
        let modes_captured = per_mode.iter().filter(|&&c| c > 0).count();
        let high_quality_pct = if samples.is_empty() {
            0.0
        } else {
            100.0 * high_quality as f64 / samples.len() as f64
        };
        Census {
            modes_captured,
            modes_total: self.means.len(),
            high_quality_pct,
            per_mode,
        }
    }

    /// The index of the mode nearest to `p` and the squared distance to it.
    /// `None` for an empty mixture or a non-finite point.
    pub fn nearest_mode(&self, p: [f32; 2]) -> Option<(usize, f32)> {
        if !(p[0].is_finite() && p[1].is_finite()) {
            return None;
        }
        self.means
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let dx = p[0] - m[0];
                let dy = p[1] - m[1];
                (i, dx * dx + dy * dy)
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }
}

/// The result of a mode census.
#[derive(Clone, Debug, PartialEq)]
pub struct Census {
    /// Modes with at least one high-quality sample nearest to them.
    pub modes_captured: usize,
    /// Modes in the mixture.
    pub modes_total: usize,
    /// Percentage of samples within three standard deviations of their nearest mode.
    pub high_quality_pct: f64,
    /// High-quality samples per mode.
    pub per_mode: Vec<usize>,
}

impl Toy2d {
    /// The data alone, before any training: `n` points drawn from this distribution
    /// with `seed`, its modes, no generated points and an empty field over the view
    /// the trained model will use.
    pub fn preview(self, n: usize, seed: u64) -> Gan2dView {
        let mixture = self.mixture();
        let mut rng = crate::nn::rng::SeededRng::seed_from_u64(seed);
        let (lo, hi) = self.view_range();
        Gan2dView {
            step: 0,
            real: mixture.sample(&mut rng, n),
            fake: Vec::new(),
            fake_push: Vec::new(),
            field: ScalarField {
                nx: 0,
                ny: 0,
                x_range: [lo, hi],
                y_range: [lo, hi],
                values: Vec::new(),
            },
            field_is_critic: false,
            modes: mixture.means,
            manifold: Default::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::rng::SeededRng;

    #[test]
    fn a_data_preview_draws_the_distribution_over_the_models_view() {
        for toy in Toy2d::ALL {
            let view = toy.preview(300, 4);
            let mixture = toy.mixture();
            assert_eq!(view.real.len(), 300);
            assert!(view.fake.is_empty() && view.field.values.is_empty());
            assert_eq!(view.modes, mixture.means);
            let (lo, hi) = toy.view_range();
            assert_eq!(
                (view.field.x_range, view.field.y_range),
                ([lo, hi], [lo, hi])
            );
            // The points lie near the modes (a 2-D Gaussian puts 98.9% within 3σ),
            // and most modes get points.
            let census = mixture.census(&view.real);
            assert!(census.high_quality_pct > 96.0, "{toy:?}: {census:?}");
            assert!(
                census.modes_captured * 10 >= mixture.means.len() * 9,
                "{toy:?}"
            );
            assert_eq!(view, toy.preview(300, 4), "seeded");
        }
    }

    #[test]
    fn samples_cluster_around_their_modes() {
        for dist in Toy2d::ALL {
            let mix = dist.mixture();
            let mut rng = SeededRng::seed_from_u64(3);
            let pts = mix.sample(&mut rng, 5000);
            let census = mix.census(&pts);
            // 3σ in 2-D holds 98.9% of an isotropic Gaussian's mass.
            assert!(census.high_quality_pct > 97.0, "{dist:?}: {census:?}");
            assert_eq!(census.modes_captured, mix.means.len(), "{dist:?}");
            let (lo, hi) = dist.view_range();
            assert!(
                pts.iter()
                    .all(|p| p[0] > lo && p[0] < hi && p[1] > lo && p[1] < hi)
            );
        }
    }
}
