//! Glyph digits: an MNIST-like set the studio makes itself, with no download.
//!
//! The digits 0–9 are drawn from fonts that ship inside crates (egui's Ubuntu Light and
//! Hack, and the DejaVu family), then each sample gets its own random stroke thickness,
//! rotation, scale, shear, translation, elastic distortion and noise, and is resampled
//! to `size × size` grayscale (white digit on black, like MNIST). Every image depends
//! only on the seed and its index, so a set is the same on any machine and any number
//! of threads.

use crate::nn::rng::SeededRng;
use ab_glyph::{Font, FontRef, PxScale};
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};
use rayon::prelude::*;

use super::ImageSet;

/// Side of the high-resolution masters the samples are resampled from.
const MASTER: usize = 64;
/// Height of a digit in a master, in pixels.
const MASTER_DIGIT_HEIGHT: f32 = 44.0;

/// The fonts the digits are drawn from.
fn fonts() -> Vec<&'static [u8]> {
    vec![
        epaint_default_fonts::UBUNTU_LIGHT,
        epaint_default_fonts::HACK_REGULAR,
        dejavu::sans::regular(),
        dejavu::sans::bold(),
        dejavu::sans::oblique(),
        dejavu::sans::extra_light(),
        dejavu::sans_condensed::bold(),
        dejavu::sans_mono::regular(),
        dejavu::serif::regular(),
        dejavu::serif::bold(),
        dejavu::serif::bold_italic(),
    ]
}

/// Draws each digit of each font once, centred, at [`MASTER`]² with coverage in [0, 1],
/// in three stroke weights (thinned, as drawn, thickened).
struct Masters {
    /// `[font][digit][weight]` → `MASTER * MASTER` coverage.
    glyphs: Vec<[[Vec<f32>; 3]; 10]>,
}

impl Masters {
    fn new() -> Self {
        let glyphs = fonts()
            .into_iter()
            .filter_map(|bytes| FontRef::try_from_slice(bytes).ok())
            .map(|font| std::array::from_fn(|d| draw_weights(&font, d)))
            .collect();
        Self { glyphs }
    }
}

fn draw_weights(font: &FontRef<'_>, digit: usize) -> [Vec<f32>; 3] {
    let drawn = draw_digit(font, digit);
    let thin = erode(&drawn);
    let ink = |v: &[f32]| v.iter().sum::<f32>();
    // A light font's strokes would vanish when thinned: keep half of its ink at least.
    let thin = if ink(&thin) > 0.5 * ink(&drawn) {
        thin
    } else {
        drawn.iter().map(|v| v * 0.9).collect()
    };
    [thin, drawn.clone(), dilate(&drawn)]
}

fn draw_digit(font: &FontRef<'_>, digit: usize) -> Vec<f32> {
    let mut canvas = vec![0f32; MASTER * MASTER];
    let ch = char::from(b'0' + digit as u8);
    let id = font.glyph_id(ch);
    // Measure at one scale, then draw at the scale that gives the wanted height.
    let Some(probe) = font.outline_glyph(id.with_scale(PxScale::from(MASTER_DIGIT_HEIGHT))) else {
        return canvas;
    };
    let h = probe.px_bounds().height().max(1.0);
    let scale = MASTER_DIGIT_HEIGHT * MASTER_DIGIT_HEIGHT / h;
    let Some(glyph) = font.outline_glyph(id.with_scale(PxScale::from(scale))) else {
        return canvas;
    };
    let b = glyph.px_bounds();
    let ox = ((MASTER as f32 - b.width()) / 2.0).round() as i64;
    let oy = ((MASTER as f32 - b.height()) / 2.0).round() as i64;
    glyph.draw(|x, y, c| {
        let (px, py) = (x as i64 + ox, y as i64 + oy);
        if (0..MASTER as i64).contains(&px) && (0..MASTER as i64).contains(&py) {
            canvas[py as usize * MASTER + px as usize] = c.clamp(0.0, 1.0);
        }
    });
    canvas
}

/// 3 × 3 maximum filter, applied twice: strokes about 4 px thicker at master size.
fn dilate(src: &[f32]) -> Vec<f32> {
    let once = filter3(src, f32::max, 0.0);
    filter3(&once, f32::max, 0.0)
}

/// 3 × 3 minimum filter: strokes about 2 px thinner at master size.
fn erode(src: &[f32]) -> Vec<f32> {
    filter3(src, f32::min, 1.0)
}

fn filter3(src: &[f32], pick: fn(f32, f32) -> f32, init: f32) -> Vec<f32> {
    let mut out = vec![0f32; src.len()];
    for y in 0..MASTER {
        for x in 0..MASTER {
            let mut v = init;
            for dy in -1i64..=1 {
                for dx in -1i64..=1 {
                    let (sx, sy) = (x as i64 + dx, y as i64 + dy);
                    let s = if (0..MASTER as i64).contains(&sx) && (0..MASTER as i64).contains(&sy)
                    {
                        src[sy as usize * MASTER + sx as usize]
                    } else {
                        0.0
                    };
                    v = pick(v, s);
                }
            }
            out[y * MASTER + x] = v;
        }
    }
    out
}

/// Makes `count` digits of `size × size`, numbered from `first_index`, labels balanced.
pub fn generate(seed: u64, first_index: u64, count: usize, size: usize) -> ImageSet {
    let masters = Masters::new();
    let mut pixels = vec![0u8; count * size * size];
    let mut labels = vec![0u32; count];
    pixels
        .par_chunks_mut(size * size)
        .zip(labels.par_iter_mut())
        .enumerate()
        .for_each(|(i, (out, label))| {
            let index = first_index + i as u64;
            let digit = (index % 10) as usize;
            *label = digit as u32;
            draw_sample(&masters, seed, index, digit, size, out);
        });
    ImageSet {
        width: size,
        height: size,
        channels: 1,
        pixels,
        labels: Some(labels),
        class_names: (0..10).map(|d| d.to_string()).collect(),
    }
}

/// The standard split: 60,000 training and 10,000 held-out 28 × 28 digits.
/// Held-out images are numbered after the training ones, so the two never overlap.
pub fn train_and_test(seed: u64) -> (ImageSet, ImageSet) {
    (
        generate(seed, 0, 60_000, 28),
        generate(seed, 60_000, 10_000, 28),
    )
}

fn draw_sample(
    masters: &Masters,
    seed: u64,
    index: u64,
    digit: usize,
    size: usize,
    out: &mut [u8],
) {
    let mut rng =
        SeededRng::seed_from_u64(seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17));
    let Some(font) = masters
        .glyphs
        .get(rng.random_range(0..masters.glyphs.len().max(1)))
    else {
        return;
    };
    let weight = rng.random_range(0..3);
    let master = &font[digit][weight];
    // The digit's height is about 20 of 28 pixels, as in MNIST, times a random scale.
    let scale = rng.random_range(0.8f32..1.1) * (20.0 / 28.0) * size as f32 / MASTER_DIGIT_HEIGHT;
    let aspect = rng.random_range(0.85f32..1.15);
    let angle = Normal::new(0f32, 0.15)
        .map_or(0.0, |n| n.sample(&mut rng))
        .clamp(-0.45, 0.45);
    let shear = rng.random_range(-0.3f32..0.3);
    let (tx, ty) = (
        rng.random_range(-1.5f32..1.5),
        rng.random_range(-1.5f32..1.5),
    );
    // Elastic distortion: random displacements on a coarse 4 × 4 grid, interpolated.
    let alpha = rng.random_range(0.0f32..1.2);
    let grid: Vec<[f32; 2]> = (0..16)
        .map(|_| {
            [
                rng.random_range(-alpha..=alpha),
                rng.random_range(-alpha..=alpha),
            ]
        })
        .collect();
    let noise_sd = rng.random_range(0.0f32..0.04);
    let noise = Normal::new(0f32, noise_sd.max(1e-6)).ok();
    let (sin, cos) = angle.sin_cos();
    let half = size as f32 / 2.0;
    for v in 0..size {
        for u in 0..size {
            // Output pixel → centred coordinates, displaced, then the inverse affine map.
            let [ex, ey] = bilinear_grid(&grid, u as f32 / size as f32, v as f32 / size as f32);
            let x = u as f32 + 0.5 - half - tx + ex;
            let y = v as f32 + 0.5 - half - ty + ey;
            let (xr, yr) = (cos * x + sin * y, -sin * x + cos * y);
            let xs = xr - shear * yr;
            let mx = xs / (scale * aspect) + MASTER as f32 / 2.0;
            let my = yr / scale + MASTER as f32 / 2.0;
            let mut value = sample_bilinear(master, mx - 0.5, my - 0.5);
            if let Some(n) = &noise {
                value += n.sample(&mut rng);
            }
            out[v * size + u] = (value.clamp(0.0, 1.0) * 255.0).round() as u8;
        }
    }
}

fn bilinear_grid(grid: &[[f32; 2]], fx: f32, fy: f32) -> [f32; 2] {
    let gx = fx * 3.0;
    let gy = fy * 3.0;
    let (x0, y0) = ((gx.floor() as usize).min(2), (gy.floor() as usize).min(2));
    let (tx, ty) = (gx - x0 as f32, gy - y0 as f32);
    let at = |x: usize, y: usize| grid[y * 4 + x];
    let mut out = [0f32; 2];
    for (k, o) in out.iter_mut().enumerate() {
        let top = at(x0, y0)[k] * (1.0 - tx) + at(x0 + 1, y0)[k] * tx;
        let bottom = at(x0, y0 + 1)[k] * (1.0 - tx) + at(x0 + 1, y0 + 1)[k] * tx;
        *o = top * (1.0 - ty) + bottom * ty;
    }
    out
}

fn sample_bilinear(img: &[f32], x: f32, y: f32) -> f32 {
    let (x0, y0) = (x.floor(), y.floor());
    let (tx, ty) = (x - x0, y - y0);
    let at = |xi: i64, yi: i64| -> f32 {
        if (0..MASTER as i64).contains(&xi) && (0..MASTER as i64).contains(&yi) {
            img[yi as usize * MASTER + xi as usize]
        } else {
            0.0
        }
    };
    let (xi, yi) = (x0 as i64, y0 as i64);
    let top = at(xi, yi) * (1.0 - tx) + at(xi + 1, yi) * tx;
    let bottom = at(xi, yi + 1) * (1.0 - tx) + at(xi + 1, yi + 1) * tx;
    top * (1.0 - ty) + bottom * ty
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_font_draws_every_digit() {
        let m = Masters::new();
        assert_eq!(m.glyphs.len(), fonts().len());
        for (f, font) in m.glyphs.iter().enumerate() {
            for (d, weights) in font.iter().enumerate() {
                let ink: [f32; 3] = std::array::from_fn(|w| weights[w].iter().sum());
                assert!(ink[0] > 20.0, "font {f} digit {d} is empty");
                assert!(
                    ink[0] < ink[1] && ink[1] < ink[2],
                    "font {f} digit {d}: weights {ink:?}"
                );
            }
        }
    }
}
