//! Draws a [`View`] as a picture for the run folder's `samples/`.

use std::path::Path;

use super::atomic::write_atomic;
use crate::theme::{self, Rgb};
use crate::view::{Gan2dView, RgbImage, View};
use crate::{Result, StudioError};

/// Renders a view at its natural size (`None` for text, which is saved as text).
pub fn render(view: &View) -> Option<RgbImage> {
    match view {
        View::Gan2d(v) => Some(render_gan2d(v, 512)),
        View::Images(grid) => Some(grid.image.clone()),
        View::Text(_) => None,
    }
}

/// Encodes `image` as PNG and writes it atomically.
pub fn save_png(path: &Path, image: &RgbImage) -> Result<()> {
    let mut bytes = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new(&mut bytes);
    image::ImageEncoder::write_image(
        encoder,
        &image.pixels,
        image.width as u32,
        image.height as u32,
        image::ExtendedColorType::Rgb8,
    )
    .map_err(|e| StudioError::Spec(format!("{}: {e}", path.display())))?;
    write_atomic(path, &bytes)
}

/// Encodes `frames` (all the size of the first) as a looping animated GIF, showing
/// each for `frame_ms`, and writes it atomically.
pub fn save_gif(path: &Path, frames: &[RgbImage], frame_ms: u32) -> Result<()> {
    use image::codecs::gif::{GifEncoder, Repeat};
    let Some(first) = frames.first() else {
        return Err(StudioError::Spec(format!(
            "{}: no frames to write",
            path.display()
        )));
    };
    let (w, h) = (first.width as u32, first.height as u32);
    let mut bytes = Vec::new();
    {
        let mut encoder = GifEncoder::new_with_speed(&mut bytes, 10);
        let fail = |e: image::ImageError| StudioError::Spec(format!("{}: {e}", path.display()));
        encoder.set_repeat(Repeat::Infinite).map_err(fail)?;
        for f in frames
            .iter()
            .filter(|f| f.width == first.width && f.height == first.height)
        {
            let rgba: Vec<u8> = f
                .pixels
                .chunks(3)
                .flat_map(|p| [p[0], p[1], p[2], 255])
                .collect();
            let Some(buffer) = image::RgbaImage::from_raw(w, h, rgba) else {
                continue;
            };
            let delay = image::Delay::from_numer_denom_ms(frame_ms, 1);
            encoder
                .encode_frame(image::Frame::from_parts(buffer, 0, 0, delay))
                .map_err(fail)?;
        }
    }
    write_atomic(path, &bytes)
}

/// The 2-D GAN's picture: D(x) as the background, real points in green, generated
/// points in purple with the generator's gradient as short lines, modes as crosses.
fn render_gan2d(v: &Gan2dView, size: usize) -> RgbImage {
    let mut canvas = Canvas::new(size, size);
    let f = &v.field;
    let [x0, x1] = f.x_range;
    let [y0, y1] = f.y_range;
    for py in 0..size {
        for px in 0..size {
            // Bilinear sample of the field at the pixel centre (row 0 of the field is the bottom).
            let gx =
                ((px as f32 + 0.5) / size as f32 * f.nx as f32 - 0.5).clamp(0.0, (f.nx - 1) as f32);
            let gy = ((1.0 - (py as f32 + 0.5) / size as f32) * f.ny as f32 - 0.5)
                .clamp(0.0, (f.ny - 1) as f32);
            let (ix, iy) = (gx.floor() as usize, gy.floor() as usize);
            let (ix1, iy1) = ((ix + 1).min(f.nx - 1), (iy + 1).min(f.ny - 1));
            let (tx, ty) = (gx - ix as f32, gy - iy as f32);
            let at = |x: usize, y: usize| f.values.get(y * f.nx + x).copied().unwrap_or(0.5);
            let top = at(ix, iy) * (1.0 - tx) + at(ix1, iy) * tx;
            let bottom = at(ix, iy1) * (1.0 - tx) + at(ix1, iy1) * tx;
            canvas.set(
                px as i64,
                py as i64,
                theme::d_value_colour(top * (1.0 - ty) + bottom * ty),
            );
        }
    }
    let to_px = |p: [f32; 2]| -> (f32, f32) {
        (
            (p[0] - x0) / (x1 - x0) * size as f32,
            (1.0 - (p[1] - y0) / (y1 - y0)) * size as f32,
        )
    };
    for p in &v.real {
        let (x, y) = to_px(*p);
        canvas.dot(x, y, 2, theme::REAL);
    }
    for (p, push) in v.fake.iter().zip(&v.fake_push) {
        let (x, y) = to_px(*p);
        let (tx, ty) = to_px([p[0] + push[0], p[1] + push[1]]);
        canvas.line(x, y, tx, ty, theme::PUSH);
    }
    for p in &v.fake {
        let (x, y) = to_px(*p);
        canvas.dot(x, y, 2, theme::FAKE);
    }
    for m in &v.modes {
        let (x, y) = to_px(*m);
        canvas.line(x - 4.0, y, x + 4.0, y, theme::MODE);
        canvas.line(x, y - 4.0, x, y + 4.0, theme::MODE);
    }
    canvas.image
}

/// A tiny RGB raster with the few primitives the pictures need.
struct Canvas {
    image: RgbImage,
}

impl Canvas {
    fn new(width: usize, height: usize) -> Self {
        Self {
            image: RgbImage {
                width,
                height,
                pixels: vec![255; width * height * 3],
            },
        }
    }

    fn set(&mut self, x: i64, y: i64, c: Rgb) {
        let (w, h) = (self.image.width as i64, self.image.height as i64);
        if x < 0 || y < 0 || x >= w || y >= h {
            return;
        }
        let i = ((y * w + x) * 3) as usize;
        self.image.pixels[i..i + 3].copy_from_slice(&c);
    }

    fn dot(&mut self, x: f32, y: f32, radius: i64, c: Rgb) {
        if !(x.is_finite() && y.is_finite()) {
            return;
        }
        let (cx, cy) = (x.round() as i64, y.round() as i64);
        for dy in -radius..=radius {
            for dx in -radius..=radius {
                if dx * dx + dy * dy <= radius * radius {
                    self.set(cx + dx, cy + dy, c);
                }
            }
        }
    }

    fn line(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, c: Rgb) {
        if !(x0.is_finite() && y0.is_finite() && x1.is_finite() && y1.is_finite()) {
            return;
        }
        let n = (x1 - x0).abs().max((y1 - y0).abs()).ceil().min(4096.0) as usize + 1;
        for i in 0..=n {
            let t = i as f32 / n as f32;
            self.set(
                (x0 + (x1 - x0) * t).round() as i64,
                (y0 + (y1 - y0) * t).round() as i64,
                c,
            );
        }
    }
}
