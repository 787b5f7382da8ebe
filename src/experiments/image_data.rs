//! The images an image experiment learns (glyph digits, IDX files or a picture
//! folder): their spec, its checks, the loader with a held-out split, and batches
//! as tensors. Shared by the image GANs and the autoencoders.

use std::path::PathBuf;

use crate::nn::rng::SeededRng;
use candle_core::{Device, Tensor};
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::data::binarize::{self, Binarize, TrainImages};
use crate::data::{ImageSet, glyph_digits, idx, image_folder};
use crate::{Result, StudioError};

/// Glyph digits made for training.
pub const GLYPH_TRAIN: usize = 60_000;
/// Glyph digits held out for measurements.
pub const GLYPH_HELD_OUT: usize = 2_000;

/// Where the images come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DataSource {
    /// Digits the studio draws from fonts (no download).
    #[default]
    Glyphs,
    /// MNIST-style IDX files in `data.path`.
    Idx,
    /// A folder of pictures at `data.path`.
    Folder,
}

/// The images an experiment learns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageData {
    /// glyphs | idx | folder.
    pub source: DataSource,
    /// The folder, for idx and folder (ignored for glyphs).
    pub path: PathBuf,
    /// Side of the square images: 28, 32 or 64.
    pub image_size: usize,
    /// 1 (grayscale) or 3 (colour; folders only).
    pub channels: usize,
    /// off | threshold | stochastic: pixels made black or white (grayscale only).
    #[serde(default)]
    pub binarize: Binarize,
}

impl ImageData {
    /// Glyph digits of side `size`, grayscale.
    pub fn glyphs(size: usize) -> Self {
        Self {
            source: DataSource::Glyphs,
            path: PathBuf::new(),
            image_size: size,
            channels: 1,
            binarize: Binarize::Off,
        }
    }

    /// Checks values that parse but cannot load.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(StudioError::Spec(m.to_string()));
        if ![28, 32, 64].contains(&self.image_size) {
            return bad("data.image_size must be 28, 32 or 64");
        }
        if ![1, 3].contains(&self.channels) {
            return bad("data.channels must be 1 or 3");
        }
        if self.channels == 3 && self.source != DataSource::Folder {
            return bad("data.channels = 3 needs data.source = \"folder\" (digits are grayscale)");
        }
        if self.binarize != Binarize::Off && self.channels != 1 {
            return bad("data.binarize needs grayscale images (data.channels = 1)");
        }
        if self.source != DataSource::Glyphs && self.path.as_os_str().is_empty() {
            return bad("data.path must name the folder for idx and folder sources");
        }
        Ok(())
    }

    /// Bytes its images take in memory once loaded, where known from the spec (the
    /// studio's glyphs: a byte a pixel); files are checked as they load.
    pub fn resident_bytes(&self) -> u64 {
        match self.source {
            DataSource::Glyphs => {
                let pixels = self.image_size * self.image_size * self.channels;
                ((GLYPH_TRAIN + GLYPH_HELD_OUT) * pixels) as u64
            }
            DataSource::Idx | DataSource::Folder => 0,
        }
    }

    /// The training and held-out images, binarised as `data.binarize` says (the
    /// training images' stochastic draw follows the epoch: see
    /// [`TrainImages::follow`]). Without a held-out set of its own, the last tenth of
    /// the data is held out.
    pub fn load(&self, seed: u64) -> Result<(TrainImages, ImageSet)> {
        let (train, held_out) = self.load_grey(seed)?;
        Ok((
            TrainImages::new(train, self.binarize, seed),
            binarize::held_out(held_out, self.binarize, seed),
        ))
    }

    /// The training and held-out images as stored, before any binarisation.
    fn load_grey(&self, seed: u64) -> Result<(ImageSet, ImageSet)> {
        let to_spec = |e: crate::data::DataError| StudioError::Spec(e.to_string());
        let (train, held_out) = match self.source {
            DataSource::Glyphs => (
                glyph_digits::generate(seed, 0, GLYPH_TRAIN, self.image_size),
                glyph_digits::generate(seed, GLYPH_TRAIN as u64, GLYPH_HELD_OUT, self.image_size),
            ),
            DataSource::Idx => {
                let (train, test) = idx::load_folder(&self.path).map_err(to_spec)?;
                match test {
                    Some(test) => (train, test),
                    None => split_tail(train),
                }
            }
            DataSource::Folder => split_tail(
                image_folder::load(&self.path, self.image_size, self.channels)
                    .map_err(to_spec)?
                    .set,
            ),
        };
        if train.width != self.image_size
            || train.height != self.image_size
            || train.channels != self.channels
        {
            return Err(StudioError::Spec(format!(
                "{}: images are {}×{}×{}, the model expects {}×{}×{} (set data.image_size / data.channels)",
                self.path.display(),
                train.width,
                train.height,
                train.channels,
                self.image_size,
                self.image_size,
                self.channels
            )));
        }
        Ok((train, held_out))
    }
}

/// Splits off the last tenth (at most 2,000 images) as a held-out set, after a
/// deterministic shuffle so that every class is represented.
fn split_tail(set: ImageSet) -> (ImageSet, ImageSet) {
    let n = set.len();
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = SeededRng::seed_from_u64(0x5EED);
    for i in (1..n).rev() {
        order.swap(i, rng.random_range(0..=i));
    }
    let k = (n / 10).min(2000);
    let (train, held) = order.split_at(n - k);
    (set.subset(train), set.subset(held))
}

/// Images `indices` of `set` as a tensor `[n, c, h, w]`, pixels mapped from
/// [0, 255] to [lo, hi].
pub fn batch(
    set: &ImageSet,
    indices: &[usize],
    lo: f32,
    hi: f32,
    device: &Device,
) -> Result<Tensor> {
    let mut out = Vec::with_capacity(indices.len() * set.image_len());
    for &i in indices {
        out.extend(
            set.image(i)
                .iter()
                .map(|&p| lo + (hi - lo) * p as f32 / 255.0),
        );
    }
    // Stored as [h, w, c]; networks want [c, h, w].
    Ok(Tensor::from_vec(
        out,
        (indices.len(), set.height, set.width, set.channels),
        device,
    )?
    .permute((0, 3, 1, 2))?
    .contiguous()?)
}

/// Unit images `[n, c, h, w]` (pixels in [0, 1]) as bytes `[n, h, w, c]`.
pub fn to_bytes(images: &Tensor) -> Result<Vec<u8>> {
    let x = (images.clamp(0.0, 1.0)? * 255.0)?;
    let x = x.permute((0, 2, 3, 1))?.flatten_all()?.to_vec1::<f32>()?;
    Ok(x.into_iter().map(|v| v.round() as u8).collect())
}
