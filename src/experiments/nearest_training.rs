//! The memorisation check on request: a generated image beside its nearest
//! training images, by pixels and by the quality classifier's features, with the
//! feature distance under which it counts as copied. Shared by the image models
//! with a sample gallery (the GANs, the VAE).

use std::path::Path;

use candle_core::Device;

use crate::data::ImageSet;
use crate::lab::{LabResult, NearImage, NearestImages};
use crate::quality::classifier::images_tensor;
use crate::quality::probe::QualityProbe;
use crate::view::RgbImage;
use crate::{Result, StudioError};

/// Where an experiment keeps what the check needs.
pub struct NearestInputs<'a> {
    /// The training images.
    pub train: &'a ImageSet,
    /// The held-out images (they set the copy threshold).
    pub held_out: &'a ImageSet,
    /// The experiment's quality probe: made here on first use if the data is
    /// labelled and there is none yet.
    pub probe: &'a mut Option<QualityProbe>,
    /// The run folder, whose classifier cache the probe shares.
    pub run_dir: Option<&'a Path>,
    /// The run's seed (the classifier's, when it is trained here).
    pub seed: u64,
    /// Where tensors live.
    pub device: &'a Device,
}

/// The answer for a sample given as bytes `[h, w, c]` in the dataset's layout.
pub fn answer(image: &[u8], inputs: NearestInputs) -> Result<LabResult> {
    let t = inputs.train;
    let (w, h, c) = (t.width, t.height, t.channels);
    if image.len() != t.image_len() {
        return Err(StudioError::Spec(format!(
            "a sample of {} bytes, where the training images are {w} × {h} × {c}",
            image.len()
        )));
    }
    if t.is_empty() {
        return Err(StudioError::Spec(
            "no training images to compare with".into(),
        ));
    }
    let picture = |i: usize| RgbImage::from_channels(t.image(i), w, h, c);
    let (index, d2) = nearest_by_pixels(image, t);
    let by_pixels = NearImage {
        image: picture(index),
        index,
        distance: (d2 as f64).sqrt() as f32 / 255.0,
    };
    let labelled = t.labels.is_some() && inputs.held_out.len() >= 10;
    let probe = if labelled {
        Some(QualityProbe::get_or_make(
            inputs.probe,
            t,
            inputs.held_out,
            inputs.run_dir,
            inputs.seed,
            inputs.device,
        )?)
    } else {
        None
    };
    let (by_features, copy_threshold) = match probe {
        Some(probe) => {
            let one = ImageSet {
                width: w,
                height: h,
                channels: c,
                pixels: image.to_vec(),
                labels: None,
                class_names: Vec::new(),
            };
            let x = images_tensor(&one, &[0], inputs.device)?;
            let (near, threshold) = probe.nearest_training(&x)?;
            let n = near[0];
            (
                Some(NearImage {
                    image: picture(n.index),
                    index: n.index,
                    distance: n.distance,
                }),
                Some(threshold),
            )
        }
        None => (None, None),
    };
    Ok(LabResult::Nearest(Box::new(NearestImages {
        sample: RgbImage::from_channels(image, w, h, c),
        by_pixels,
        by_features,
        copy_threshold,
    })))
}

/// The training image nearest `image` in squared pixel distance (bytes), and that
/// distance.
pub fn nearest_by_pixels(image: &[u8], set: &ImageSet) -> (usize, u64) {
    let n = set.image_len();
    set.pixels
        .chunks_exact(n)
        .map(|other| {
            other
                .iter()
                .zip(image)
                .map(|(&a, &b)| {
                    let d = a as i32 - b as i32;
                    (d * d) as u64
                })
                .sum::<u64>()
        })
        .enumerate()
        .min_by_key(|&(_, d)| d)
        .unwrap_or((0, u64::MAX))
}
