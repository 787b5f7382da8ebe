//! The content pictures a transformation network learns from: the studio's
//! landscapes (one per seed; the held-out ones start with the landscape the style
//! transfer repaints) or the pictures in a folder, all at the training size (a
//! folder's scaled to cover it and centre-cropped), with random left–right flips.

use std::path::Path;

use candle_core::{Device, Tensor};
use image::imageops::FilterType;
use rand::Rng;

use super::spec::{ContentSource, FastStyleSpec};
use crate::data::DataError;
use crate::data::landscapes::LandscapeParams;
use crate::nn::rng::SeededRng;
use crate::view::RgbImage;
use crate::{Result, StudioError};

/// The first seed of the held-out landscapes after the default one.
const HELD_OUT_SEEDS: u64 = 1_000_000;

/// Training and held-out pictures, all `width × height`.
pub struct ContentSet {
    /// Pictures to learn from.
    pub train: Vec<RgbImage>,
    /// Pictures to measure and show on.
    pub held_out: Vec<RgbImage>,
    /// Files of a folder that could not be read.
    pub skipped: usize,
}

impl ContentSet {
    /// The pictures `spec` names.
    pub fn load(spec: &FastStyleSpec) -> Result<Self> {
        let (w, h) = (spec.content.size, spec.height());
        let held = spec.content.held_out;
        match &spec.content.source {
            ContentSource::Landscapes => {
                let draw = |seed: u64| LandscapeParams::from_seed(seed).draw(w, h);
                let train = (1..=spec.content.count as u64).map(draw).collect();
                let held_out = (0..held as u64)
                    .map(|i| draw(if i == 0 { 0 } else { HELD_OUT_SEEDS + i }))
                    .collect();
                Ok(Self {
                    train,
                    held_out,
                    skipped: 0,
                })
            }
            ContentSource::Folder(dir) => Self::from_folder(dir, held, w, h),
        }
    }

    fn from_folder(dir: &Path, held: usize, w: usize, h: usize) -> Result<Self> {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| DataError::new(dir, format!("cannot read the folder: {e}")))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
                matches!(ext.to_ascii_lowercase().as_str(), "png" | "jpg" | "jpeg")
            })
            .collect();
        files.sort();
        let mut pictures = Vec::new();
        let mut skipped = 0;
        for path in &files {
            match crate::data::picture_file::open(path) {
                Ok(img) => {
                    let fill = img.resize_to_fill(w as u32, h as u32, FilterType::Triangle);
                    pictures.push(RgbImage {
                        width: w,
                        height: h,
                        pixels: fill.to_rgb8().into_raw(),
                    });
                }
                Err(_) => skipped += 1,
            }
        }
        if pictures.len() <= held {
            return Err(DataError::new(
                dir,
                format!(
                    "{} readable pictures (PNG or JPEG) here, and {held} are kept aside to measure \
                     on: add pictures or lower content.held_out",
                    pictures.len()
                ),
            )
            .into());
        }
        let held_out = pictures.split_off(pictures.len() - held);
        Ok(Self {
            train: pictures,
            held_out,
            skipped,
        })
    }

    /// `n` training pictures drawn with replacement, each flipped left–right half the
    /// time, as `[n, 3, h, w]` in [0, 1].
    pub fn batch(&self, n: usize, rng: &mut SeededRng, device: &Device) -> Result<Tensor> {
        if self.train.is_empty() {
            return Err(StudioError::Spec("no training pictures".into()));
        }
        let pictures: Vec<RgbImage> = (0..n)
            .map(|_| {
                let p = &self.train[rng.random_range(0..self.train.len())];
                if rng.random_bool(0.5) { flipped(p) } else { p.clone() }
            })
            .collect();
        stack(&pictures, device)
    }
}

/// `p` mirrored left to right.
fn flipped(p: &RgbImage) -> RgbImage {
    let mut pixels = Vec::with_capacity(p.pixels.len());
    for row in p.pixels.chunks(p.width * 3) {
        for px in row.chunks(3).rev() {
            pixels.extend_from_slice(px);
        }
    }
    RgbImage {
        width: p.width,
        height: p.height,
        pixels,
    }
}

/// Pictures of one size as `[n, 3, h, w]` in [0, 1].
pub fn stack(pictures: &[RgbImage], device: &Device) -> Result<Tensor> {
    let tensors = pictures
        .iter()
        .map(|p| super::super::canvas::to_tensor(p, device))
        .collect::<Result<Vec<_>>>()?;
    Ok(Tensor::cat(&tensors, 0)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flipping_twice_gives_the_picture_back() {
        let p = LandscapeParams::from_seed(5).draw(9, 7);
        assert_ne!(flipped(&p), p);
        assert_eq!(flipped(&flipped(&p)), p);
        assert_eq!(flipped(&p).pixels[..3], p.pixels[(9 - 1) * 3..9 * 3]);
    }
}
