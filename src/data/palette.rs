//! A colour palette learned by k-means, for models that predict one of a few
//! colours per pixel (PixelCNN on colour pictures).

use crate::nn::rng::SeededRng;
use rand::{Rng, SeedableRng};

/// Pixels used to fit a palette (a random sample of the images').
const FIT_PIXELS: usize = 20_000;
/// Lloyd iterations.
const ITERATIONS: usize = 15;

/// Colours, each `[r, g, b]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Palette {
    /// The colours.
    pub colours: Vec<[u8; 3]>,
}

impl Palette {
    /// `k` colours fitted to `rgb` (3 bytes a pixel) by k-means (k-means++ start,
    /// seeded), on at most 20,000 pixels drawn from it.
    pub fn fit(rgb: &[u8], k: usize, seed: u64) -> Self {
        let mut rng = SeededRng::seed_from_u64(seed ^ 0xC0_10_0E);
        let all = rgb.len() / 3;
        let take = all.min(FIT_PIXELS);
        let pixels: Vec<[f32; 3]> = (0..take)
            .map(|i| {
                let p = if all > FIT_PIXELS {
                    rng.random_range(0..all)
                } else {
                    i
                };
                [
                    rgb[3 * p] as f32,
                    rgb[3 * p + 1] as f32,
                    rgb[3 * p + 2] as f32,
                ]
            })
            .collect();
        let k = k.clamp(1, pixels.len().max(1));
        if pixels.is_empty() {
            return Self {
                colours: vec![[0, 0, 0]],
            };
        }
        // k-means++: each next centre drawn with probability ∝ squared distance.
        let mut centres = vec![pixels[rng.random_range(0..pixels.len())]];
        let mut d2: Vec<f32> = pixels.iter().map(|p| dist2(p, &centres[0])).collect();
        while centres.len() < k {
            let total: f32 = d2.iter().sum();
            let next = if total <= 0.0 {
                pixels[rng.random_range(0..pixels.len())]
            } else {
                let mut u = rng.random::<f32>() * total;
                let mut pick = pixels.len() - 1;
                for (i, &d) in d2.iter().enumerate() {
                    if u < d {
                        pick = i;
                        break;
                    }
                    u -= d;
                }
                pixels[pick]
            };
            for (d, p) in d2.iter_mut().zip(&pixels) {
                *d = d.min(dist2(p, &next));
            }
            centres.push(next);
        }
        for _ in 0..ITERATIONS {
            let mut sums = vec![[0f64; 4]; k];
            for p in &pixels {
                let c = nearest(&centres, p);
                for j in 0..3 {
                    sums[c][j] += p[j] as f64;
                }
                sums[c][3] += 1.0;
            }
            for (c, s) in centres.iter_mut().zip(&sums) {
                if s[3] > 0.0 {
                    *c = [
                        (s[0] / s[3]) as f32,
                        (s[1] / s[3]) as f32,
                        (s[2] / s[3]) as f32,
                    ];
                }
            }
        }
        let mut colours: Vec<[u8; 3]> = centres
            .iter()
            .map(|c| c.map(|v| v.round().clamp(0.0, 255.0) as u8))
            .collect();
        // A fixed order (by brightness) so that indices mean something to look at.
        colours.sort_by_key(|c| c[0] as u32 * 3 + c[1] as u32 * 6 + c[2] as u32);
        Self { colours }
    }

    /// The index of the colour nearest to `rgb`.
    pub fn index(&self, rgb: [u8; 3]) -> u32 {
        let p = rgb.map(|v| v as f32);
        let centres: Vec<[f32; 3]> = self.colours.iter().map(|c| c.map(|v| v as f32)).collect();
        nearest(&centres, &p) as u32
    }
}

fn dist2(a: &[f32; 3], b: &[f32; 3]) -> f32 {
    (0..3).map(|j| (a[j] - b[j]).powi(2)).sum()
}

fn nearest(centres: &[[f32; 3]], p: &[f32; 3]) -> usize {
    let mut best = (0, f32::INFINITY);
    for (i, c) in centres.iter().enumerate() {
        let d = dist2(c, p);
        if d < best.1 {
            best = (i, d);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_means_finds_the_colours_of_a_synthetic_picture() {
        // Four flat colours with a little noise, in unequal amounts.
        let truth = [
            [200u8, 30, 30],
            [20, 180, 40],
            [30, 40, 220],
            [240, 240, 240],
        ];
        let mut rng = SeededRng::seed_from_u64(1);
        let mut rgb = Vec::new();
        for (i, c) in truth.iter().enumerate() {
            for _ in 0..(500 * (i + 1)) {
                for &v in c {
                    rgb.push((v as i32 + rng.random_range(-6..=6)).clamp(0, 255) as u8);
                }
            }
        }
        let palette = Palette::fit(&rgb, 4, 7);
        assert_eq!(palette.colours.len(), 4);
        for c in &truth {
            let found = &palette.colours[palette.index(*c) as usize];
            let err = (0..3)
                .map(|j| (found[j] as i32 - c[j] as i32).abs())
                .max()
                .unwrap_or(255);
            assert!(err <= 3, "{c:?} came out as {found:?}");
        }
        // Every true colour has its own palette entry.
        let mut idx: Vec<u32> = truth.iter().map(|c| palette.index(*c)).collect();
        idx.sort();
        idx.dedup();
        assert_eq!(idx.len(), 4);
    }
}
