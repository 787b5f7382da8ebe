//! A user's own 2-D points for the 2-D GAN (GAN Lab's datasets are hard-coded;
//! its users asked for their own, poloclub/ganlab#10): a CSV or whitespace file of
//! x, y pairs, the transform that brings any scale to the lab's, and the modes found
//! by k-means so the mode census works on them as on the built-in mixtures.

use rand::{Rng, SeedableRng};

use crate::nn::rng::SeededRng;

/// Most points a file may hold (16 MB of floats).
pub const MAX_POINTS: usize = 2_000_000;

/// Most modes k-means looks for (the grid of 25 fits).
pub const MAX_MODES: usize = 30;

/// Parses `text` as one point per line: two numbers separated by a comma, a
/// semicolon, a tab or spaces (more columns are ignored). An optional header (a
/// first line that is not two numbers), blank lines and `#` comments are skipped.
/// A malformed line is named with its number; fewer than 2 points are refused.
pub fn parse(text: &str) -> Result<Vec<[f32; 2]>, String> {
    let mut points = Vec::new();
    let mut first = true;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|f| !f.is_empty())
            .collect();
        let numbers: Option<Vec<f32>> = fields.iter().take(2).map(|f| f.parse().ok()).collect();
        match numbers {
            Some(v) if v.len() == 2 => {
                if !(v[0].is_finite() && v[1].is_finite()) {
                    return Err(format!("line {}: not a finite point: {line}", i + 1));
                }
                if points.len() == MAX_POINTS {
                    return Err(format!("more than {MAX_POINTS} points"));
                }
                points.push([v[0], v[1]]);
            }
            // A first line that is not data is a header.
            _ if first => {}
            _ => {
                let shown: String = line.chars().take(60).collect();
                return Err(format!(
                    "line {}: expected two numbers (x, y), found \"{shown}\"",
                    i + 1
                ));
            }
        }
        first = false;
    }
    if points.len() < 2 {
        return Err(format!("{} point(s): at least 2 are needed", points.len()));
    }
    Ok(points)
}

/// The transform from the data's own units to the lab's: centred on the mean and
/// scaled so the points' root-mean-square distance from it is 2 (the ring's radius).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Normaliser {
    /// The data's mean.
    pub centre: [f32; 2],
    /// Data units per lab unit.
    pub scale: f32,
}

impl Normaliser {
    /// The identity (the built-in mixtures are in the lab's units already).
    pub const IDENTITY: Normaliser = Normaliser {
        centre: [0.0, 0.0],
        scale: 1.0,
    };

    /// The transform of `points`.
    pub fn of(points: &[[f32; 2]]) -> Self {
        let n = points.len().max(1) as f64;
        let mx = points.iter().map(|p| p[0] as f64).sum::<f64>() / n;
        let my = points.iter().map(|p| p[1] as f64).sum::<f64>() / n;
        let ms = points
            .iter()
            .map(|p| (p[0] as f64 - mx).powi(2) + (p[1] as f64 - my).powi(2))
            .sum::<f64>()
            / n;
        let rms = ms.sqrt();
        let scale = if rms > 1e-12 && rms.is_finite() {
            rms / 2.0
        } else {
            1.0
        };
        Self {
            centre: [mx as f32, my as f32],
            scale: scale as f32,
        }
    }

    /// A point of the data in the lab's units.
    pub fn to_lab(&self, p: [f32; 2]) -> [f32; 2] {
        [
            (p[0] - self.centre[0]) / self.scale,
            (p[1] - self.centre[1]) / self.scale,
        ]
    }

    /// A point of the lab in the data's units.
    pub fn to_data(&self, p: [f32; 2]) -> [f32; 2] {
        [
            p[0] * self.scale + self.centre[0],
            p[1] * self.scale + self.centre[1],
        ]
    }
}

/// Modes found by k-means: their centres and the pooled spread around them.
#[derive(Clone, Debug, PartialEq)]
pub struct Modes {
    /// The centres.
    pub centres: Vec<[f32; 2]>,
    /// The within-cluster standard deviation on each axis, pooled over clusters.
    pub std: f32,
}

/// k-means with `k` centres (k-means++ seeding from `seed`, the best of three
/// starts by within-cluster sum of squares).
pub fn kmeans(points: &[[f32; 2]], k: usize, seed: u64) -> Modes {
    let k = k.clamp(1, points.len().max(1));
    let mut rng = SeededRng::seed_from_u64(seed);
    let mut best: Option<(f64, Vec<[f32; 2]>)> = None;
    for _ in 0..3 {
        let mut centres = seed_centres(points, k, &mut rng);
        let mut sse = f64::INFINITY;
        for _ in 0..50 {
            let mut sum = vec![[0f64; 2]; k];
            let mut count = vec![0usize; k];
            let mut total = 0.0;
            for p in points {
                let (j, d) = nearest(&centres, *p);
                sum[j][0] += p[0] as f64;
                sum[j][1] += p[1] as f64;
                count[j] += 1;
                total += d as f64;
            }
            for j in 0..k {
                if count[j] > 0 {
                    centres[j] = [
                        (sum[j][0] / count[j] as f64) as f32,
                        (sum[j][1] / count[j] as f64) as f32,
                    ];
                }
            }
            let settled = total >= sse * (1.0 - 1e-6);
            sse = total;
            if settled {
                break;
            }
        }
        let sse = within_sse(points, &centres);
        if best.as_ref().is_none_or(|(b, _)| sse < *b) {
            best = Some((sse, centres));
        }
    }
    let (sse, centres) = best.unwrap_or_default();
    let dof = (2 * points.len().saturating_sub(k)).max(1) as f64;
    Modes {
        centres,
        std: (sse / dof).sqrt() as f32,
    }
}

/// The modes of `points`: `k` of them, or with `k = 0` the number between 2 and
/// [`MAX_MODES`] that maximises the Calinski–Harabasz index (between-cluster over
/// within-cluster dispersion, each per degree of freedom; Caliński and Harabasz
/// 1974), found on at most 3,000 of the points.
pub fn find_modes(points: &[[f32; 2]], k: usize, seed: u64) -> Modes {
    if k > 0 {
        return kmeans(points, k, seed);
    }
    let sample: Vec<[f32; 2]> = if points.len() > 3000 {
        let mut rng = SeededRng::seed_from_u64(seed ^ 0x5EED);
        (0..3000)
            .map(|_| points[rng.random_range(0..points.len())])
            .collect()
    } else {
        points.to_vec()
    };
    let n = sample.len();
    let mean = {
        let m = sample
            .iter()
            .fold([0f64; 2], |a, p| [a[0] + p[0] as f64, a[1] + p[1] as f64]);
        [m[0] / n as f64, m[1] / n as f64]
    };
    let total: f64 = sample
        .iter()
        .map(|p| (p[0] as f64 - mean[0]).powi(2) + (p[1] as f64 - mean[1]).powi(2))
        .sum();
    let mut best = (f64::NEG_INFINITY, 1);
    for k in 2..=MAX_MODES.min(n.saturating_sub(1)) {
        let modes = kmeans(&sample, k, seed);
        let within = within_sse(&sample, &modes.centres).max(1e-12);
        let ch = ((total - within) / (k - 1) as f64) / (within / (n - k) as f64);
        if ch > best.0 {
            best = (ch, k);
        }
    }
    kmeans(points, best.1, seed)
}

fn seed_centres(points: &[[f32; 2]], k: usize, rng: &mut SeededRng) -> Vec<[f32; 2]> {
    let mut centres = vec![points[rng.random_range(0..points.len())]];
    let mut dist: Vec<f32> = points.iter().map(|p| sq(*p, centres[0])).collect();
    while centres.len() < k {
        let total: f64 = dist.iter().map(|&d| d as f64).sum();
        let next = if total > 0.0 {
            let mut r = rng.random::<f64>() * total;
            let mut pick = points.len() - 1;
            for (i, &d) in dist.iter().enumerate() {
                r -= d as f64;
                if r <= 0.0 {
                    pick = i;
                    break;
                }
            }
            points[pick]
        } else {
            points[rng.random_range(0..points.len())]
        };
        centres.push(next);
        for (d, p) in dist.iter_mut().zip(points) {
            *d = d.min(sq(*p, next));
        }
    }
    centres
}

fn within_sse(points: &[[f32; 2]], centres: &[[f32; 2]]) -> f64 {
    points.iter().map(|p| nearest(centres, *p).1 as f64).sum()
}

fn nearest(centres: &[[f32; 2]], p: [f32; 2]) -> (usize, f32) {
    centres
        .iter()
        .enumerate()
        .map(|(i, c)| (i, sq(p, *c)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or((0, 0.0))
}

fn sq(a: [f32; 2], b: [f32; 2]) -> f32 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)
}

/// A fingerprint of a set of points (their count and exact values), to tell
/// whether drawn points changed since their modes were found.
pub fn fingerprint(points: &[[f32; 2]]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    points.len().hash(&mut h);
    for p in points {
        p[0].to_bits().hash(&mut h);
        p[1].to_bits().hash(&mut h);
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::toy2d::Toy2d;

    #[test]
    fn csv_whitespace_and_headers_parse_and_bad_lines_are_named() {
        let pts = parse("x,y\n1,2\n3.5, -4\n# note\n\n5;6\n").expect("csv");
        assert_eq!(pts, vec![[1.0, 2.0], [3.5, -4.0], [5.0, 6.0]]);
        let pts = parse("1 2 extra\n\t3\t4\n").expect("whitespace");
        assert_eq!(pts, vec![[1.0, 2.0], [3.0, 4.0]]);
        let err = parse("1,2\n3,4\noops,5\n").expect_err("bad line");
        assert!(err.starts_with("line 3:"), "{err}");
        assert!(
            parse("x,y\n1,2\n")
                .expect_err("one point")
                .contains("at least 2")
        );
        assert!(parse("1,2\nnan,3\n").expect_err("nan").contains("line 2"));
        assert!(parse("").is_err());
    }

    #[test]
    fn the_transform_round_trips_and_brings_any_scale_to_the_labs() {
        let pts: Vec<[f32; 2]> = (0..100)
            .map(|i| {
                [
                    1000.0 + 50.0 * (i as f32).cos(),
                    -7.0 + 50.0 * (i as f32).sin(),
                ]
            })
            .collect();
        let t = Normaliser::of(&pts);
        let lab: Vec<[f32; 2]> = pts.iter().map(|p| t.to_lab(*p)).collect();
        let rms = (lab.iter().map(|p| p[0] * p[0] + p[1] * p[1]).sum::<f32>() / 100.0).sqrt();
        assert!((rms - 2.0).abs() < 0.05, "rms {rms}");
        let back = t.to_data(lab[7]);
        assert!((back[0] - pts[7][0]).abs() < 1e-2 && (back[1] - pts[7][1]).abs() < 1e-3);
    }

    #[test]
    fn kmeans_finds_the_modes_of_a_mixture_and_how_many() {
        for (toy, seed) in [(Toy2d::Ring, 3), (Toy2d::Grid, 4)] {
            let mixture = toy.mixture();
            let mut rng = SeededRng::seed_from_u64(seed);
            let pts = mixture.sample(&mut rng, 4000);
            let modes = find_modes(&pts, 0, seed);
            assert_eq!(modes.centres.len(), mixture.means.len(), "{toy:?}");
            for m in &mixture.means {
                let (_, d) = nearest(&modes.centres, *m);
                assert!(
                    d.sqrt() < 3.0 * mixture.std,
                    "{toy:?}: no centre near {m:?}"
                );
            }
            assert!(
                (modes.std / mixture.std - 1.0).abs() < 0.2,
                "{toy:?}: spread {} against {}",
                modes.std,
                mixture.std
            );
        }
        let pts = Toy2d::Ring
            .mixture()
            .sample(&mut SeededRng::seed_from_u64(1), 500);
        assert_eq!(find_modes(&pts, 3, 1).centres.len(), 3, "k as asked");
    }
}
