//! The picture being optimised, shared by style transfer and DeepDream: conversions
//! between RGB bytes and `[1, 3, h, w]` tensors in [0, 1], total variation, colour
//! preservation, and a bilinear resize for DeepDream's octaves.

use candle_core::{Device, Tensor};

use crate::Result;
use crate::view::RgbImage;

/// A picture as a `[1, 3, h, w]` tensor with values in [0, 1].
pub fn to_tensor(image: &RgbImage, device: &Device) -> Result<Tensor> {
    let (w, h) = (image.width, image.height);
    let mut planes = vec![0f32; 3 * w * h];
    for (k, p) in image.pixels.chunks(3).enumerate() {
        for c in 0..3 {
            planes[c * w * h + k] = p[c] as f32 / 255.0;
        }
    }
    Ok(Tensor::from_vec(planes, (1, 3, h, w), device)?)
}

/// A `[1, 3, h, w]` tensor (values clamped to [0, 1]) as a picture.
pub fn to_image(t: &Tensor) -> Result<RgbImage> {
    let (_, _, h, w) = t.dims4()?;
    let planes = t.flatten_all()?.to_vec1::<f32>()?;
    let mut pixels = Vec::with_capacity(3 * w * h);
    for k in 0..w * h {
        for c in 0..3 {
            pixels.push((planes[c * w * h + k].clamp(0.0, 1.0) * 255.0).round() as u8);
        }
    }
    Ok(RgbImage {
        width: w,
        height: h,
        pixels,
    })
}

/// Total variation of `[b, c, h, w]`: the mean squared difference between
/// neighbouring pixels, across and down. Small for smooth pictures.
pub fn total_variation(x: &Tensor) -> Result<Tensor> {
    let (_, _, h, w) = x.dims4()?;
    let across = (x.narrow(3, 1, w - 1)? - x.narrow(3, 0, w - 1)?)?
        .sqr()?
        .mean_all()?;
    let down = (x.narrow(2, 1, h - 1)? - x.narrow(2, 0, h - 1)?)?
        .sqr()?
        .mean_all()?;
    Ok((across + down)?)
}

/// `result`'s luminance with `colours`' chrominance (YIQ), so a style changes the
/// strokes but not the colours. Both pictures have the same size.
pub fn preserve_colour(result: &RgbImage, colours: &RgbImage) -> RgbImage {
    let pixels = result
        .pixels
        .chunks(3)
        .zip(colours.pixels.chunks(3))
        .flat_map(|(r, c)| {
            let f = |p: &[u8]| [p[0] as f32, p[1] as f32, p[2] as f32];
            let (r, c) = (f(r), f(c));
            let y = 0.299 * r[0] + 0.587 * r[1] + 0.114 * r[2];
            let i = 0.596 * c[0] - 0.274 * c[1] - 0.322 * c[2];
            let q = 0.211 * c[0] - 0.523 * c[1] + 0.312 * c[2];
            [
                y + 0.956 * i + 0.621 * q,
                y - 0.272 * i - 0.647 * q,
                y - 1.106 * i + 1.703 * q,
            ]
            .map(|v| v.clamp(0.0, 255.0).round() as u8)
        })
        .collect();
    RgbImage {
        width: result.width,
        height: result.height,
        pixels,
    }
}

/// Bilinear resize of `[1, c, h, w]` to `[1, c, height, width]` (pixel centres aligned:
/// candle's `upsample_bilinear2d` without corner alignment, which also shrinks).
pub fn resize(t: &Tensor, height: usize, width: usize) -> Result<Tensor> {
    Ok(t.upsample_bilinear2d(height, width, false)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_round_trip_through_tensors() -> Result<()> {
        let img = crate::data::pictures::landscape(12, 9);
        let t = to_tensor(&img, &Device::Cpu)?;
        assert_eq!(t.dims(), [1, 3, 9, 12]);
        assert_eq!(to_image(&t)?, img);
        Ok(())
    }

    #[test]
    fn total_variation_is_zero_when_flat_and_matches_a_hand_count() -> Result<()> {
        let d = Device::Cpu;
        assert_eq!(
            total_variation(&Tensor::ones((1, 3, 4, 4), candle_core::DType::F32, &d)?)?
                .to_scalar::<f32>()?,
            0.0
        );
        // One channel, 2 × 2: [[0, 1], [0, 1]]: across diffs 1, 1 (mean 1); down 0, 0.
        let t = Tensor::new(&[[[[0f32, 1.], [0., 1.]]]], &d)?;
        assert!((total_variation(&t)?.to_scalar::<f32>()? - 1.0).abs() < 1e-6);
        Ok(())
    }

    #[test]
    fn preserving_colour_keeps_the_luminance_and_takes_the_hue() {
        let grey = RgbImage {
            width: 1,
            height: 1,
            pixels: vec![100, 100, 100],
        };
        let red = RgbImage {
            width: 1,
            height: 1,
            pixels: vec![200, 30, 30],
        };
        let out = preserve_colour(&grey, &red);
        let p: Vec<f32> = out.pixels.iter().map(|&v| v as f32).collect();
        let y = 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
        assert!((y - 100.0).abs() < 2.0, "luminance kept: {p:?}");
        assert!(p[0] > p[1] + 50.0, "reddish: {p:?}");
    }

    #[test]
    fn bilinear_resize_keeps_flat_pictures_flat_and_ramps_monotone() -> Result<()> {
        let d = Device::Cpu;
        let ramp = Tensor::new(&[[[[0f32, 1., 2., 3.]]]], &d)?;
        let up = resize(&ramp, 1, 8)?.flatten_all()?.to_vec1::<f32>()?;
        assert_eq!(up.len(), 8);
        assert!(up.windows(2).all(|w| w[1] >= w[0]), "{up:?}");
        assert_eq!((up[0], up[7]), (0.0, 3.0));
        let flat = Tensor::full(0.25f32, (1, 3, 5, 7), &d)?;
        let r = resize(&flat, 3, 4)?;
        assert_eq!(r.dims(), [1, 3, 3, 4]);
        let diff = (r - 0.25)?.abs()?.max_all()?.to_scalar::<f32>()?;
        assert!(diff < 1e-6);
        Ok(())
    }
}
