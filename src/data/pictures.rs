//! Pictures for optimising the input (style transfer, DeepDream): the user's photos,
//! read with their EXIF orientation and scaled to a working size, and two pictures
//! the studio draws itself — a landscape to repaint and a stained-glass mosaic to
//! repaint it with — so the feature works before anything is loaded.

use std::path::Path;

use crate::nn::rng::SeededRng;
use image::imageops::FilterType;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use super::DataError;
use crate::view::RgbImage;

/// Where a picture comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PictureSource {
    /// The studio's landscape (a content picture).
    #[default]
    Landscape,
    /// The studio's stained-glass mosaic (a style picture).
    Mosaic,
    /// One of the studio's glyph digits (0–9), light on dark: for networks that
    /// learned digits.
    Digit(u8),
    /// A PNG or JPEG file.
    File(std::path::PathBuf),
}

/// The shortest side a working picture may have, in pixels: the feature networks
/// halve it four times.
pub const MIN_SIDE: u32 = 16;

impl PictureSource {
    /// Refuses a glyph digit that is not 0–9; `what` names the setting.
    pub fn validate(&self, what: &str) -> crate::Result<()> {
        match self {
            PictureSource::Digit(d) if *d > 9 => Err(crate::StudioError::Spec(format!(
                "{what}: digit {d} does not exist (0–9)"
            ))),
            _ => Ok(()),
        }
    }

    /// A short name for the UI.
    pub fn label(&self) -> String {
        match self {
            PictureSource::Landscape => "the studio's landscape".into(),
            PictureSource::Mosaic => "the studio's mosaic".into(),
            PictureSource::Digit(d) => format!("a glyph digit {d}"),
            PictureSource::File(p) => p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
        }
    }

    /// The picture with its longer side `max_side` pixels (drawn, or read and
    /// scaled: larger pictures are scaled down, smaller ones up).
    pub fn load(&self, max_side: usize) -> Result<RgbImage, DataError> {
        let max_side = max_side.max(8);
        match self {
            PictureSource::Landscape => Ok(landscape(max_side, max_side * 3 / 4)),
            PictureSource::Mosaic => Ok(mosaic(max_side, max_side, 7)),
            PictureSource::Digit(d) => Ok(digit(*d, max_side)),
            PictureSource::File(path) => read_picture(path, max_side),
        }
    }
}

/// Reads a PNG or JPEG (any size, colour or grayscale), turns it upright as its
/// EXIF orientation says, and scales it so its longer side is `max_side` pixels.
pub fn read_picture(path: &Path, max_side: usize) -> Result<RgbImage, DataError> {
    let img = super::picture_file::open(path).map_err(|e| DataError::new(path, e))?;
    let (w, h) = (img.width() as usize, img.height() as usize);
    if w == 0 || h == 0 {
        return Err(DataError::new(path, "the picture is empty"));
    }
    let scale = max_side as f64 / w.max(h) as f64;
    let (nw, nh) = (
        ((w as f64 * scale).round() as u32).max(1),
        ((h as f64 * scale).round() as u32).max(1),
    );
    if nw.min(nh) < MIN_SIDE {
        return Err(DataError::new(
            path,
            format!(
                "the picture is {w} × {h} pixels: scaled to {max_side} px on its longer side, its \
                 shorter side is {} px, and the networks need at least {MIN_SIDE} (crop it to a \
                 less elongated shape)",
                nw.min(nh)
            ),
        ));
    }
    let rgb = img.resize_exact(nw, nh, FilterType::Triangle).to_rgb8();
    Ok(RgbImage {
        width: nw as usize,
        height: nh as usize,
        pixels: rgb.into_raw(),
    })
}

/// Reads a picture at its own size, scaled down only if its longer side passes
/// `max_side` (see [`read_picture`]).
pub fn read_picture_at_most(path: &Path, max_side: usize) -> Result<RgbImage, DataError> {
    let own = image::image_dimensions(path).map_or(max_side, |(w, h)| w.max(h) as usize);
    read_picture(path, own.min(max_side))
}

/// `image` resized to exactly `width` × `height`.
pub fn resize(image: &RgbImage, width: usize, height: usize) -> RgbImage {
    if image.width == width && image.height == height {
        return image.clone();
    }
    let Some(buffer) = image::RgbImage::from_raw(
        image.width as u32,
        image.height as u32,
        image.pixels.clone(),
    ) else {
        return RgbImage {
            width,
            height,
            pixels: vec![0; width * height * 3],
        };
    };
    let out = image::imageops::resize(&buffer, width as u32, height as u32, FilterType::Triangle);
    RgbImage {
        width,
        height,
        pixels: out.into_raw(),
    }
}

/// Glyph digit `d` (mod 10), `side` × `side`, grey made RGB.
pub fn digit(d: u8, side: usize) -> RgbImage {
    let set = super::glyph_digits::generate(1, u64::from(d % 10), 1, side);
    RgbImage::from_channels(set.image(0), side, side, 1)
}

/// The studio's landscape: sky, sun, two ranges of hills, a lake and a house, at
/// any size (others: [`super::landscapes::LandscapeParams`]).
pub fn landscape(width: usize, height: usize) -> RgbImage {
    super::landscapes::LandscapeParams::default().draw(width, height)
}

/// A stained-glass mosaic: Voronoi cells of saturated colours, each with a little
/// grain, between dark lead lines; the same picture for the same `seed`.
pub fn mosaic(width: usize, height: usize, seed: u64) -> RgbImage {
    let mut rng = SeededRng::seed_from_u64(seed);
    let cells = 60;
    let centres: Vec<(f32, f32)> = (0..cells)
        .map(|_| {
            (
                rng.random::<f32>() * width as f32,
                rng.random::<f32>() * height as f32,
            )
        })
        .collect();
    let palette = [
        [200u8, 40, 40],
        [240, 180, 30],
        [30, 90, 190],
        [40, 150, 80],
        [120, 50, 160],
        [230, 110, 30],
        [20, 160, 170],
    ];
    let colours: Vec<[u8; 3]> = (0..cells)
        .map(|_| palette[rng.random_range(0..palette.len())])
        .collect();
    let lead = (width.max(height) as f32 / 100.0).max(1.0);
    let mut pixels = Vec::with_capacity(width * height * 3);
    for y in 0..height {
        for x in 0..width {
            let (px, py) = (x as f32, y as f32);
            let (mut best, mut second, mut at) = (f32::MAX, f32::MAX, 0);
            for (i, (cx, cy)) in centres.iter().enumerate() {
                let d = ((px - cx).powi(2) + (py - cy).powi(2)).sqrt();
                if d < best {
                    (second, best, at) = (best, d, i);
                } else if d < second {
                    second = d;
                }
            }
            if second - best < lead {
                pixels.extend([25, 20, 20]);
            } else {
                let grain = 8.0 * ((px * 0.21).sin() * (py * 0.17).cos());
                pixels.extend(colours[at].map(|k| (k as f32 + grain).clamp(0.0, 255.0) as u8));
            }
        }
    }
    RgbImage {
        width,
        height,
        pixels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawn_pictures_have_the_asked_size_and_are_not_flat() {
        for img in [landscape(64, 48), mosaic(50, 40, 3)] {
            assert_eq!(img.pixels.len(), img.width * img.height * 3);
            let (lo, hi) = img
                .pixels
                .iter()
                .fold((255u8, 0u8), |(lo, hi), &p| (lo.min(p), hi.max(p)));
            assert!(hi - lo > 100, "a picture with contrast");
        }
        assert_eq!(mosaic(20, 20, 1), mosaic(20, 20, 1));
        let three = digit(3, 40);
        assert_eq!(three.pixels.len(), 40 * 40 * 3);
        assert!(
            three.pixels.iter().any(|&p| p > 200) && three.pixels[0] < 50,
            "light on dark"
        );
        assert_ne!(mosaic(20, 20, 1), mosaic(20, 20, 2));
    }

    #[test]
    fn files_are_scaled_to_the_working_size_and_bad_ones_named() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("wide.png");
        image::GrayImage::from_fn(300, 100, |x, _| image::Luma([(x % 256) as u8]))
            .save(&path)
            .expect("png");
        let img = read_picture(&path, 120).expect("read");
        assert_eq!((img.width, img.height), (120, 40));
        let bad = dir.path().join("broken.jpg");
        std::fs::write(&bad, b"not a jpeg at all").expect("write");
        let e = read_picture(&bad, 64).expect_err("corrupt");
        assert!(e.to_string().contains("broken.jpg"), "{e}");
    }

    /// A PNG of `img` with an eXIf chunk saying "rotate 90° clockwise to view"
    /// (orientation 6), inserted before the image data.
    fn png_with_orientation_6(img: &image::RgbImage) -> Vec<u8> {
        let mut png = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .expect("png");
        // TIFF, big-endian: one IFD entry, Orientation (0x0112), SHORT, 1, value 6.
        let exif: Vec<u8> = [
            &b"MM\x00\x2a\x00\x00\x00\x08"[..],
            &[0x00, 0x01],
            &[
                0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00,
            ],
            &[0x00, 0x00, 0x00, 0x00],
        ]
        .concat();
        let mut chunk = (exif.len() as u32).to_be_bytes().to_vec();
        let mut crc = flate2::Crc::new();
        crc.update(b"eXIf");
        crc.update(&exif);
        chunk.extend_from_slice(b"eXIf");
        chunk.extend_from_slice(&exif);
        chunk.extend_from_slice(&crc.sum().to_be_bytes());
        // After the 8-byte signature and the 25-byte IHDR chunk.
        let at = 8 + 25;
        [&png[..at], &chunk[..], &png[at..]].concat()
    }

    #[test]
    fn exif_orientation_turns_the_picture_upright() {
        let dir = tempfile::tempdir().expect("dir");
        // 40 × 20 as stored, red on the left half; viewed, it is 20 × 40, red on top.
        let stored = image::RgbImage::from_fn(40, 20, |x, _| {
            if x < 20 {
                image::Rgb([255, 0, 0])
            } else {
                image::Rgb([0, 0, 255])
            }
        });
        let path = dir.path().join("sideways.png");
        std::fs::write(&path, png_with_orientation_6(&stored)).expect("write");
        let img = read_picture(&path, 40).expect("read");
        assert_eq!((img.width, img.height), (20, 40), "turned upright");
        let top = &img.pixels[..3];
        let bottom = &img.pixels[img.pixels.len() - 3..];
        assert!(top[0] > 200 && top[2] < 50, "red on top: {top:?}");
        assert!(bottom[2] > 200 && bottom[0] < 50, "blue below: {bottom:?}");
    }
}
