//! Binarised images: every pixel black or white, as the likelihoods in the papers
//! are measured on (binarised MNIST). A threshold binarises once; stochastic
//! binarisation makes each pixel white with probability p / 255, drawn afresh for
//! every epoch of the training set (Salakhutdinov and Murray, 2008), and once, with
//! a fixed seed, for the held-out set so that its numbers compare across runs.

use std::ops::Deref;

use serde::{Deserialize, Serialize};

use super::ImageSet;

/// How pixels are made black or white.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Binarize {
    /// Grey levels as they are.
    #[default]
    Off,
    /// White where the grey level is at least half (128 of 255).
    Threshold,
    /// White with probability grey / 255, redrawn every epoch.
    Stochastic,
}

impl Binarize {
    /// The name shown in the UI.
    pub fn label(self) -> &'static str {
        match self {
            Binarize::Off => "off",
            Binarize::Threshold => "threshold",
            Binarize::Stochastic => "stochastic",
        }
    }

    /// What it does, for a tooltip.
    pub fn about(self) -> &'static str {
        match self {
            Binarize::Off => "Grey levels as they are.",
            Binarize::Threshold => {
                "Each pixel white where it is at least half grey, black elsewhere: fixed once."
            }
            Binarize::Stochastic => {
                "Each pixel white with probability (its grey level), drawn afresh every epoch; the held-out set is drawn once with a fixed seed. The papers' binarised MNIST is made so."
            }
        }
    }
}

/// White where the grey level is at least 128.
pub fn threshold(pixels: &mut [u8]) {
    for p in pixels {
        *p = if *p >= 128 { 255 } else { 0 };
    }
}

/// `out[i]` white with probability `grey[i] / 255`; the draw is fixed by `seed`,
/// `epoch` and the pixel's index, so an epoch's images are the same after a resume.
pub fn stochastic(grey: &[u8], out: &mut [u8], seed: u64, epoch: u64) {
    let key = splitmix(seed ^ splitmix(epoch.wrapping_add(0xB1A2)));
    for (i, (o, &g)) in out.iter_mut().zip(grey).enumerate() {
        let h = splitmix(key.wrapping_add(i as u64));
        // A uniform draw from 0..255: white with probability g / 255.
        let u = ((h >> 32) * 255) >> 32;
        *o = if u < g as u64 { 255 } else { 0 };
    }
}

/// The SplitMix64 finaliser: a well-mixed 64-bit hash of `x`.
fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Binarises a held-out set once: by threshold, or stochastically with a seed of its
/// own (the same for every run of a seed).
pub fn held_out(mut set: ImageSet, mode: Binarize, seed: u64) -> ImageSet {
    match mode {
        Binarize::Off => {}
        Binarize::Threshold => threshold(&mut set.pixels),
        Binarize::Stochastic => {
            let grey = set.pixels.clone();
            stochastic(&grey, &mut set.pixels, seed ^ 0x4E1D0, u64::MAX);
        }
    }
    set
}

/// The training images as the model sees them: binarised as the spec says, with a
/// stochastic draw that follows the epoch.
#[derive(Clone, Debug)]
pub struct TrainImages {
    images: ImageSet,
    /// The grey levels, kept for stochastic redraws.
    grey: Option<Vec<u8>>,
    seed: u64,
    epoch: u64,
}

impl TrainImages {
    /// `set` binarised by `mode`; a stochastic draw starts at epoch 0.
    pub fn new(mut set: ImageSet, mode: Binarize, seed: u64) -> Self {
        let grey = match mode {
            Binarize::Off => None,
            Binarize::Threshold => {
                threshold(&mut set.pixels);
                None
            }
            Binarize::Stochastic => {
                let grey = set.pixels.clone();
                stochastic(&grey, &mut set.pixels, seed, 0);
                Some(grey)
            }
        };
        Self {
            images: set,
            grey,
            seed,
            epoch: 0,
        }
    }

    /// Redraws a stochastic binarisation when `images_drawn` (batches so far times
    /// their size) has entered a new epoch.
    pub fn follow(&mut self, images_drawn: u64) {
        let Some(grey) = &self.grey else {
            return;
        };
        let epoch = images_drawn / self.images.len().max(1) as u64;
        if epoch != self.epoch {
            stochastic(grey, &mut self.images.pixels, self.seed, epoch);
            self.epoch = epoch;
        }
    }

    /// The epoch whose draw the images hold.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }
}

impl Deref for TrainImages {
    type Target = ImageSet;

    fn deref(&self) -> &ImageSet {
        &self.images
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grey_set(levels: &[u8], copies: usize) -> ImageSet {
        let pixels: Vec<u8> = (0..copies).flat_map(|_| levels.iter().copied()).collect();
        ImageSet {
            width: levels.len(),
            height: 1,
            channels: 1,
            pixels,
            labels: None,
            class_names: Vec::new(),
        }
    }

    #[test]
    fn a_threshold_makes_half_grey_white() {
        let mut p = vec![0, 127, 128, 255];
        threshold(&mut p);
        assert_eq!(p, vec![0, 0, 255, 255]);
    }

    #[test]
    fn stochastic_pixels_are_white_as_often_as_they_are_grey() {
        // Four levels, 20,000 pixels each.
        let levels = [0u8, 51, 191, 255];
        let set = grey_set(&levels, 20_000);
        let images = TrainImages::new(set, Binarize::Stochastic, 7);
        for (k, &g) in levels.iter().enumerate() {
            let white = images
                .pixels
                .iter()
                .skip(k)
                .step_by(levels.len())
                .filter(|&&p| p == 255)
                .count() as f64
                / 20_000.0;
            let want = g as f64 / 255.0;
            // Four standard errors of a share from 20,000 draws at most 0.014.
            assert!(
                (white - want).abs() < 0.014,
                "level {g}: {white} against {want}"
            );
        }
        assert!(images.pixels.iter().all(|&p| p == 0 || p == 255));
    }

    #[test]
    fn the_draw_changes_with_the_epoch_and_returns_with_it() {
        let set = grey_set(&[128; 100], 100); // 100 images of 100 half-grey pixels
        let mut images = TrainImages::new(set.clone(), Binarize::Stochastic, 3);
        let first = images.pixels.clone();
        images.follow(99); // still within the first epoch of 100 images
        assert!(images.pixels == first);
        images.follow(100 * 50);
        assert_eq!(images.epoch(), 50);
        let later = images.pixels.clone();
        let differ = first.iter().zip(&later).filter(|(a, b)| a != b).count();
        // Independent fair coins differ about half the time.
        assert!(
            (4_000..6_000).contains(&differ),
            "{differ} of 10,000 differ"
        );
        // A resumed run at the same epoch sees the same images.
        let mut resumed = TrainImages::new(set, Binarize::Stochastic, 3);
        resumed.follow(100 * 50 + 7);
        assert!(resumed.pixels == later);
    }

    #[test]
    fn the_held_out_draw_is_fixed_by_the_seed() {
        let set = grey_set(&[100, 200], 1000);
        let a = held_out(set.clone(), Binarize::Stochastic, 1);
        assert!(a == held_out(set.clone(), Binarize::Stochastic, 1));
        assert!(a != held_out(set.clone(), Binarize::Stochastic, 2));
        assert!(held_out(set.clone(), Binarize::Off, 1) == set);
    }
}
