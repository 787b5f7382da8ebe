//! `stylize --model RUN --content A.jpg --out B.png [--size PX]`: a picture repainted
//! by the transformation network of a fast style transfer's run folder, in one
//! forward pass, at the picture's own size (or `--size` on its longer side).

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, bail};
use candle_core::Device;

use crate::data::pictures::{PictureSource, read_picture, read_picture_at_most};
use crate::experiments::ExperimentSpec;
use crate::experiments::canvas::preserve_colour;
use crate::experiments::checkpoint;
use crate::experiments::fast_style::StyleNet;
use crate::runs::folder::RunFolder;
use crate::runs::render::save_png;

/// The longest side a picture is repainted at when `--size` is not given (larger
/// ones are scaled down to it).
const MAX_SIDE: usize = 2048;

/// Repaints `content` (the studio's landscape when `None`) with the network of `run`.
pub fn run(
    run: &Path,
    content: Option<&Path>,
    out: &Path,
    size: Option<usize>,
    keep_colours: bool,
) -> anyhow::Result<()> {
    let folder = RunFolder::open(run)?;
    let ckpt = checkpoint::load(&folder.checkpoint_path(), &Device::Cpu)?;
    let ExperimentSpec::FastStyle(spec) = &ckpt.spec else {
        bail!(
            "{}: this is a run of architecture `{}`, not of a fast style transfer (without --model, stylize optimises the picture itself)",
            run.display(),
            ckpt.spec.architecture()
        );
    };
    let net = StyleNet::from_checkpoint(spec, &ckpt.tensors, &Device::Cpu)
        .with_context(|| format!("{}", run.display()))?;
    if size.is_some_and(|s| !(16..=MAX_SIDE).contains(&s)) {
        bail!("--size must be between 16 and {MAX_SIDE} pixels");
    }
    let picture = match content {
        Some(path) => match size {
            Some(side) => read_picture(path, side)?,
            None => read_picture_at_most(path, MAX_SIDE)?,
        },
        None => PictureSource::Landscape.load(size.unwrap_or(512))?,
    };
    let start = Instant::now();
    let mut result = net.repaint(&picture)?;
    let seconds = start.elapsed().as_secs_f64();
    if keep_colours {
        result = preserve_colour(&result, &picture);
    }
    save_png(out, &result)?;
    eprintln!(
        "repainted {} × {} in {:.0} ms with {}; wrote {}",
        result.width,
        result.height,
        seconds * 1e3,
        spec.name,
        out.display()
    );
    Ok(())
}
