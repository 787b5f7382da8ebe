//! How a model that predicts each pixel as one of a few classes sees a picture: a
//! grey level of `levels`, or the nearest colour of a palette fitted by k-means;
//! the conversions both ways, and the palette's place in a checkpoint. Shared by
//! PixelCNN and the independent-pixels baseline.

use std::collections::HashMap;

use candle_core::{DType, Device, Tensor};

use crate::data::ImageSet;
use crate::data::palette::Palette;
use crate::view::RgbImage;
use crate::{Result, StudioError};

/// The checkpoint tensor holding a colour model's palette, `[colours, 3]`.
pub const PALETTE_TENSOR: &str = "palette.colours";

/// Classes per pixel of pictures with `channels` bytes a pixel: `levels` grey levels,
/// or a palette of `colours` for colour pictures.
pub fn class_count(channels: usize, levels: usize, colours: usize) -> usize {
    if channels == 3 { colours } else { levels }
}

/// Pixels as classes.
#[derive(Clone, Debug, PartialEq)]
pub struct PixelClasses {
    /// Grey levels (grayscale pictures).
    levels: usize,
    /// Classes per pixel: the grey levels, or the palette's size asked for.
    classes: usize,
    /// Bytes per pixel of the pictures: 1 or 3.
    channels: usize,
    /// Colour pictures: the palette every pixel is mapped to.
    palette: Option<Palette>,
}

impl PixelClasses {
    /// Grey levels for grayscale `data`; for colour data a palette of `colours`
    /// fitted to it (seeded).
    pub fn fit(data: &ImageSet, levels: usize, colours: usize, seed: u64) -> Self {
        let palette = (data.channels == 3).then(|| Palette::fit(&data.pixels, colours, seed));
        let classes = class_count(data.channels, levels, colours);
        Self {
            levels,
            classes,
            channels: data.channels,
            palette,
        }
    }

    /// Classes per pixel: the grey levels, or the palette's colours.
    pub fn classes(&self) -> usize {
        self.classes
    }

    /// Bytes per pixel of the pictures.
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// The class of a pixel (its bytes): ⌊p · levels / 256⌋ for grayscale, the
    /// nearest palette colour for colour.
    pub fn class_of(&self, pixel: &[u8]) -> u32 {
        match (&self.palette, pixel) {
            (Some(palette), [r, g, b, ..]) => palette.index([*r, *g, *b]),
            _ => (pixel.first().copied().unwrap_or(0) as usize * self.levels / 256) as u32,
        }
    }

    /// Images `indices` of `set` as classes, `[n · h · w]`.
    pub fn of_images(&self, set: &ImageSet, indices: &[usize]) -> Vec<u32> {
        let c = set.channels;
        indices
            .iter()
            .flat_map(|&i| set.image(i).chunks(c).map(|p| self.class_of(p)))
            .collect()
    }

    /// One picture's bytes (`[h, w, c]`) as classes.
    pub fn of_bytes(&self, bytes: &[u8]) -> Vec<u32> {
        bytes
            .chunks(self.channels)
            .map(|p| self.class_of(p))
            .collect()
    }

    /// Classes as image bytes: grey levels, or palette colours (3 bytes a pixel).
    pub fn bytes(&self, classes: &[u32]) -> Vec<u8> {
        if let Some(palette) = &self.palette {
            return classes
                .iter()
                .flat_map(|&l| {
                    palette
                        .colours
                        .get(l as usize)
                        .copied()
                        .unwrap_or([0, 0, 0])
                })
                .collect();
        }
        let top = (self.levels - 1).max(1) as f32;
        classes
            .iter()
            .map(|&l| (l as f32 / top * 255.0).round() as u8)
            .collect()
    }

    /// The first `count` images of `set` (of side `side`) as the model sees them.
    pub fn pictures(&self, set: &ImageSet, side: usize, count: usize) -> Vec<RgbImage> {
        let indices: Vec<usize> = (0..count.min(set.len())).collect();
        let bytes = self.bytes(&self.of_images(set, &indices));
        let ch = self.channels;
        bytes
            .chunks(side * side * ch)
            .map(|img| RgbImage::from_channels(img, side, side, ch))
            .collect()
    }

    /// The mean negative log-likelihood of the first `images` of `set` (side `side`),
    /// in nats per image and bits per dimension, from `nll` (nats per image, averaged
    /// over the `n` images of `[n · side²]` classes it is given), 100 images at a time.
    pub fn held_out_nll(
        &self,
        set: &ImageSet,
        images: usize,
        side: usize,
        nll: impl Fn(&[u32], usize) -> Result<Tensor>,
    ) -> Result<(f64, f64)> {
        let n = images.min(set.len());
        let (mut total, mut count) = (0.0, 0);
        for chunk in (0..n).collect::<Vec<_>>().chunks(100) {
            let levels = self.of_images(set, chunk);
            total += nll(&levels, chunk.len())?.to_scalar::<f32>()? as f64 * chunk.len() as f64;
            count += chunk.len();
        }
        let nats = total / count.max(1) as f64;
        let dims = (side * side) as f64;
        Ok((nats, nats / dims / std::f64::consts::LN_2))
    }

    /// The palette as a checkpoint tensor, for colour models.
    pub fn palette_tensor(&self, device: &Device) -> Option<(String, Tensor)> {
        let p = self.palette.as_ref()?;
        let flat: Vec<u32> = p.colours.iter().flatten().map(|&v| v as u32).collect();
        let t = Tensor::from_vec(flat, (p.colours.len(), 3), device).ok()?;
        Some((PALETTE_TENSOR.to_string(), t))
    }

    /// The palette a checkpoint holds, checked against this one's size; `None` for
    /// grayscale models or a checkpoint without one. Nothing changes here: apply it
    /// with [`PixelClasses::use_palette`] once the rest of the checkpoint loaded.
    pub fn palette_in(&self, tensors: &HashMap<String, Tensor>) -> Result<Option<Palette>> {
        let (Some(t), Some(_)) = (tensors.get(PALETTE_TENSOR), &self.palette) else {
            return Ok(None);
        };
        let rows = t.to_dtype(DType::U32)?.to_vec2::<u32>()?;
        let colours: Vec<[u8; 3]> = rows
            .iter()
            .map(|r| [r[0] as u8, r[1] as u8, r[2] as u8])
            .collect();
        if colours.len() != self.classes() {
            return Err(StudioError::Checkpoint(
                "the checkpoint's palette has another number of colours".into(),
            ));
        }
        Ok(Some(Palette { colours }))
    }

    /// Replaces the palette (one read by [`PixelClasses::palette_in`]).
    pub fn use_palette(&mut self, palette: Palette) {
        self.palette = Some(palette);
    }

    /// A checkpoint's tensors: a model's `params`, and the palette of a colour model.
    pub fn with_palette(
        &self,
        mut params: Vec<(String, Tensor)>,
        device: &Device,
    ) -> Vec<(String, Tensor)> {
        params.extend(self.palette_tensor(device));
        params
    }

    /// Loads a checkpoint written with [`PixelClasses::with_palette`] into `params`
    /// and this palette; nothing changes on error.
    pub fn load_with(
        &mut self,
        params: &crate::nn::params::ParamStore,
        tensors: &HashMap<String, Tensor>,
    ) -> Result<()> {
        let palette = self.palette_in(tensors)?;
        params.load(tensors)?;
        if let Some(p) = palette {
            self.use_palette(p);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grey(levels: usize) -> PixelClasses {
        PixelClasses {
            levels,
            classes: levels,
            channels: 1,
            palette: None,
        }
    }

    #[test]
    fn grey_levels_round_trip_through_bytes() {
        let two = grey(2);
        assert_eq!(two.of_bytes(&[0, 127, 128, 255]), vec![0, 0, 1, 1]);
        assert_eq!(two.bytes(&[0, 1]), vec![0, 255]);
        let four = grey(4);
        let classes = four.of_bytes(&[0, 70, 130, 250]);
        assert_eq!(classes, vec![0, 1, 2, 3]);
        assert_eq!(four.of_bytes(&four.bytes(&classes)), classes);
    }

    #[test]
    fn a_palette_maps_to_its_nearest_colour_and_checks_a_checkpoint() {
        let mut c = PixelClasses {
            levels: 2,
            classes: 2,
            channels: 3,
            palette: Some(Palette {
                colours: vec![[0, 0, 0], [250, 10, 10]],
            }),
        };
        assert_eq!(c.classes(), 2);
        assert_eq!(c.of_bytes(&[240, 20, 0, 5, 5, 5]), vec![1, 0]);
        assert_eq!(c.bytes(&[1]), vec![250, 10, 10]);
        let (name, t) = c.palette_tensor(&Device::Cpu).expect("tensor");
        let tensors = HashMap::from([(name, t)]);
        let read = c.palette_in(&tensors).expect("read").expect("palette");
        c.use_palette(read.clone());
        assert_eq!(c.palette, Some(read));
        let three = Tensor::zeros((3, 3), DType::U32, &Device::Cpu).expect("t");
        let wrong = HashMap::from([(PALETTE_TENSOR.to_string(), three)]);
        assert!(c.palette_in(&wrong).is_err(), "another number of colours");
        assert_eq!(grey(2).palette_in(&tensors).expect("grey"), None);
    }
}
