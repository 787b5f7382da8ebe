//! A summary of a dataset for the dataset browser: count, label histogram and a grid
//! of examples, as plain data.

use std::path::{Path, PathBuf};

use super::{DataError, ImageSet, glyph_digits, idx, image_folder};
use crate::view::{ImageGrid, RgbImage};

/// Where a dataset comes from, as the browser offers it.
#[derive(Clone, Debug, PartialEq)]
pub enum DatasetSource {
    /// The studio's glyph digits at this side and seed.
    Glyphs {
        /// Side of the images.
        size: usize,
        /// Seed of the digits.
        seed: u64,
    },
    /// MNIST-style IDX files in a folder.
    Idx(PathBuf),
    /// A folder of pictures, loaded at this side and channel count.
    Folder {
        /// The folder.
        path: PathBuf,
        /// Side of the images.
        size: usize,
        /// 1 or 3.
        channels: usize,
    },
}

/// What the browser shows of a dataset.
#[derive(Clone, Debug, PartialEq)]
pub struct DatasetPreview {
    /// Where it came from.
    pub source: DatasetSource,
    /// Training images.
    pub count: usize,
    /// Held-out images, if the dataset has its own held-out set.
    pub held_out: Option<usize>,
    /// `width × height × channels`.
    pub shape: [usize; 3],
    /// Class names and their counts (empty if unlabelled).
    pub classes: Vec<(String, usize)>,
    /// Files skipped as unreadable, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
    /// The first 100 images in a 10 × 10 grid.
    pub grid: RgbImage,
}

/// Loads `source` and summarises it.
pub fn preview(source: &DatasetSource) -> Result<DatasetPreview, DataError> {
    let (set, held_out, skipped) = match source {
        DatasetSource::Glyphs { size, seed } => {
            let (train, test) = (glyph_digits::generate(*seed, 0, 60_000, *size), 10_000);
            (train, Some(test), Vec::new())
        }
        DatasetSource::Idx(path) => {
            let (train, test) = idx::load_folder(path)?;
            (train, test.map(|t| t.len()), Vec::new())
        }
        DatasetSource::Folder {
            path,
            size,
            channels,
        } => {
            let load = image_folder::load(path, *size, *channels)?;
            (load.set, None, load.skipped)
        }
    };
    Ok(summarise(source.clone(), &set, held_out, skipped))
}

fn summarise(
    source: DatasetSource,
    set: &ImageSet,
    held_out: Option<usize>,
    skipped: Vec<(PathBuf, String)>,
) -> DatasetPreview {
    let hist = set.label_histogram();
    DatasetPreview {
        source,
        count: set.len(),
        held_out,
        shape: [set.width, set.height, set.channels],
        classes: set.class_names.iter().cloned().zip(hist).collect(),
        skipped,
        grid: ImageGrid::tile(
            0,
            &set.pixels,
            set.len().min(100),
            set.width,
            set.height,
            set.channels,
            10,
        )
        .image,
    }
}

/// A short description of a source for the browser's title.
pub fn describe(source: &DatasetSource) -> String {
    let name = |p: &Path| p.display().to_string();
    match source {
        DatasetSource::Glyphs { size, .. } => format!("glyph digits, {size}×{size}"),
        DatasetSource::Idx(p) => format!("IDX files in {}", name(p)),
        DatasetSource::Folder { path, .. } => format!("pictures in {}", name(path)),
    }
}
