//! Memorisation of images: how close generated images come to the training set,
//! against how close fresh images of the data come. Each image's distance to its
//! nearest training image is measured in a feature space; a held-out image (a fair
//! draw of the data that was not trained on) is that close only so often. A
//! sample nearer to a training image than all but [`QUANTILE`] of held-out images
//! counts as copied: a model that makes new images scores about
//! 100 · [`QUANTILE`] percent, one that hands back its training images 100.

use candle_core::{D, Tensor};

use crate::Result;

/// The share of held-out images that the threshold lets through as "copied": a
/// fair model's score, in percent, is 100 times this.
pub const QUANTILE: f64 = 0.05;

/// Training images compared against at most (an even spread of the set).
pub const TRAIN_ROWS: usize = 10_000;

/// Rows compared against the training set at once (keeps the distance matrix small).
const CHUNK: usize = 256;

/// Training features and the distance under which a sample counts as a copy.
#[derive(Clone, Debug)]
pub struct CopyCheck {
    train: Tensor,
    train_norms: Tensor,
    /// Nearest-training distance that only [`QUANTILE`] of held-out images are under.
    pub threshold: f32,
}

/// The nearest training row of one row, and how far it is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Nearest {
    /// Its row in the training features.
    pub index: usize,
    /// The Euclidean distance.
    pub distance: f32,
}

impl CopyCheck {
    /// The check against training features `train` `[n, d]`, its threshold set by
    /// the held-out features `held_out` `[m, d]`.
    pub fn new(train: Tensor, held_out: &Tensor) -> Result<Self> {
        let train_norms = train.sqr()?.sum_keepdim(1)?.t()?.contiguous()?; // [1, n]
        let mut check = Self {
            train,
            train_norms,
            threshold: 0.0,
        };
        let mut d: Vec<f32> = check
            .nearest(held_out)?
            .iter()
            .map(|n| n.distance)
            .collect();
        d.sort_by(f32::total_cmp);
        let at = ((d.len() as f64 * QUANTILE) as usize).min(d.len().saturating_sub(1));
        check.threshold = d.get(at).copied().unwrap_or(0.0);
        Ok(check)
    }

    /// Each row's nearest training row, for rows `[b, d]`.
    pub fn nearest(&self, rows: &Tensor) -> Result<Vec<Nearest>> {
        let b = rows.dim(0)?;
        let mut out = Vec::with_capacity(b);
        for start in (0..b).step_by(CHUNK) {
            let a = rows.narrow(0, start, CHUNK.min(b - start))?;
            let an = a.sqr()?.sum_keepdim(1)?; // [m, 1]
            let d2 = an
                .broadcast_add(&self.train_norms)?
                .broadcast_sub(&(a.matmul(&self.train.t()?)? * 2.0)?)?; // [m, n]
            let index = d2
                .argmin_keepdim(D::Minus1)?
                .flatten_all()?
                .to_vec1::<u32>()?;
            let min = d2.min_keepdim(D::Minus1)?.flatten_all()?.to_vec1::<f32>()?;
            out.extend(index.into_iter().zip(min).map(|(i, d2)| Nearest {
                index: i as usize,
                distance: d2.max(0.0).sqrt(),
            }));
        }
        Ok(out)
    }

    /// The share of rows `[b, d]` nearer a training row than the threshold, in
    /// percent.
    pub fn copied_pct(&self, rows: &Tensor) -> Result<f64> {
        let near = self.nearest(rows)?;
        let copied = near.iter().filter(|n| n.distance < self.threshold).count();
        Ok(100.0 * copied as f64 / near.len().max(1) as f64)
    }
}

/// `count` indices spread evenly over `0..len` (all of them when `len ≤ count`).
pub fn spread(len: usize, count: usize) -> Vec<usize> {
    if len <= count {
        return (0..len).collect();
    }
    (0..count).map(|i| i * len / count).collect()
}

#[cfg(test)]
mod tests {
    use candle_core::Device;
    use rand::SeedableRng;
    use rand_distr::{Distribution, Normal};

    use super::*;

    /// `n` points of a mixture of ten Gaussians in 16-D.
    fn mixture(n: usize, seed: u64) -> Vec<f32> {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let noise = Normal::new(0.0f32, 1.0).expect("normal");
        (0..n)
            .flat_map(|i| {
                (0..16)
                    .map(|d| noise.sample(&mut rng) + if d == i % 10 { 8.0 } else { 0.0 })
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    fn tensor(v: Vec<f32>) -> Tensor {
        let n = v.len() / 16;
        Tensor::from_vec(v, (n, 16), &Device::Cpu).expect("tensor")
    }

    #[test]
    fn a_model_that_hands_back_training_data_is_caught_and_a_fresh_one_is_not() {
        let train = mixture(3000, 1);
        let check = CopyCheck::new(tensor(train.clone()), &tensor(mixture(1000, 2))).unwrap();
        // New draws of the data: about the quantile (5%).
        let fresh = check.copied_pct(&tensor(mixture(1000, 3))).unwrap();
        assert!((1.5..10.0).contains(&fresh), "fresh samples: {fresh}%");
        // Training points with a little noise: all copied.
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4);
        let tiny = Normal::new(0.0f32, 0.01).expect("normal");
        let copies: Vec<f32> = train[..1000 * 16]
            .iter()
            .map(|v| v + tiny.sample(&mut rng))
            .collect();
        let copied = check.copied_pct(&tensor(copies)).unwrap();
        assert!(copied > 99.0, "copies: {copied}%");
        // Half copies, half fresh: in between.
        let mut half = train[..500 * 16].to_vec();
        half.extend(mixture(500, 5));
        let mixed = check.copied_pct(&tensor(half)).unwrap();
        assert!((45.0..60.0).contains(&mixed), "half copies: {mixed}%");
    }

    #[test]
    fn the_nearest_row_and_its_distance_are_found() {
        let train = Tensor::new(&[[0.0f32, 0.0], [3.0, 4.0], [10.0, 0.0]], &Device::Cpu).unwrap();
        let held = Tensor::new(&[[1.0f32, 0.0]], &Device::Cpu).unwrap();
        let check = CopyCheck::new(train, &held).unwrap();
        assert_eq!(check.threshold, 1.0);
        let near = check
            .nearest(&Tensor::new(&[[3.0f32, 5.0], [9.0, 0.0]], &Device::Cpu).unwrap())
            .unwrap();
        assert_eq!(near[0].index, 1);
        assert!((near[0].distance - 1.0).abs() < 1e-5);
        assert_eq!(near[1].index, 2);
        assert_eq!(spread(10, 4), vec![0, 2, 5, 7]);
        assert_eq!(spread(3, 4), vec![0, 1, 2]);
    }
}
