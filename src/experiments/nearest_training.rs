//! The memorisation check on request: a generated image beside its nearest
//! training images, by pixels and by the quality classifier's features, with the
//! feature distance under which it counts as copied. Shared by the image models
//! with a sample gallery (the GANs, the VAE).

use crate::data::ImageSet;
use crate::lab::{LabResult, NearImage, NearestImages};
use crate::quality::classifier::images_tensor;
use crate::quality::probe::LazyProbe;
use crate::view::RgbImage;
use crate::{Result, StudioError};

/// The answer for a sample given as bytes `[h, w, c]` in the dataset's layout.
/// `train` and `held_out` are the experiment's images; `probe` its quality probe,
/// made here on first use if the images are labelled.
pub fn answer(
    image: &[u8],
    train: &ImageSet,
    held_out: &ImageSet,
    probe: &mut LazyProbe,
) -> Result<LabResult> {
    let t = train;
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
    let device = probe.device().clone();
    let probe = if LazyProbe::possible(t, held_out) {
        Some(probe.get(t, held_out)?)
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
            let x = images_tensor(&one, &[0], &device)?;
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
