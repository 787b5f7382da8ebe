//! `latent-studio dataset <glyphs|idx DIR|folder DIR> [--grid PNG]`: loads a dataset,
//! prints its size and label histogram, and writes a grid of examples.

use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, ValueEnum};

use crate::data::{ImageSet, glyph_digits, idx, image_folder};
use crate::runs::render;
use crate::view::{ImageGrid, RgbImage};

/// The kinds of dataset.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DatasetKind {
    /// Digits the studio draws from fonts (the default; no download).
    Glyphs,
    /// MNIST-style IDX files in a folder.
    Idx,
    /// A folder of pictures, one sub-folder per class.
    Folder,
}

/// Options of `dataset`.
#[derive(Debug, Args)]
pub struct DatasetArgs {
    /// Which kind of dataset.
    pub kind: DatasetKind,
    /// The folder, for `idx` and `folder`.
    pub path: Option<PathBuf>,
    /// Write a grid of the first 100 images (10 × 10) to this PNG.
    #[arg(long, value_name = "PNG")]
    pub grid: Option<PathBuf>,
    /// Seed of the glyph digits.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Side of the pictures, for `folder`.
    #[arg(long, default_value_t = 32)]
    pub size: usize,
}

/// Runs the command.
pub fn run(args: DatasetArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let need_path = || {
        args.path
            .clone()
            .ok_or_else(|| anyhow::anyhow!("this kind of dataset needs a folder"))
    };
    let (train, test) = match args.kind {
        DatasetKind::Glyphs => {
            let (train, test) = glyph_digits::train_and_test(args.seed);
            (train, Some(test))
        }
        DatasetKind::Idx => idx::load_folder(&need_path()?)?,
        DatasetKind::Folder => {
            let load = image_folder::load(&need_path()?, args.size, 3)?;
            for (path, why) in &load.skipped {
                eprintln!("skipped {}: {why}", path.display());
            }
            (load.set, None)
        }
    };
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{} training images{} of {}×{}×{} in {secs:.2} s",
        train.len(),
        test.as_ref()
            .map(|t| format!(" + {} held out", t.len()))
            .unwrap_or_default(),
        train.width,
        train.height,
        train.channels
    );
    let hist = train.label_histogram();
    if !hist.is_empty() {
        let parts: Vec<String> = train
            .class_names
            .iter()
            .zip(&hist)
            .map(|(n, c)| format!("{n}: {c}"))
            .collect();
        println!("labels: {}", parts.join(", "));
    }
    if let Some(path) = &args.grid {
        render::save_png(path, &grid(&train, 10, 10))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// The first `cols * rows` images tiled in a grid.
pub fn grid(set: &ImageSet, cols: usize, rows: usize) -> RgbImage {
    let n = (cols * rows).min(set.len());
    ImageGrid::tile(0, &set.pixels, n, set.width, set.height, set.channels, cols).image
}
