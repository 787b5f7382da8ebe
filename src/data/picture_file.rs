//! Reading a picture file a user brought, with bounds: a small file can claim a
//! huge picture (a PNG of 20000 × 20000 pixels packs into a few hundred kB), so the
//! size its header declares is checked before anything is decoded, and the decoder
//! is held to a memory limit.

use std::path::Path;

/// The longest side the studio decodes, in pixels.
pub const MAX_SIDE: u32 = 12_000;

/// The most pixels the studio decodes (about a 48-megapixel photo).
pub const MAX_PIXELS: u64 = 48_000_000;

/// The decoder's memory limit (the picture itself included), in bytes.
pub const MAX_DECODE_BYTES: u64 = 384 << 20;

/// The picture at `path`, decoded (PNG, JPEG, GIF — the format read from its
/// bytes) and turned upright as its EXIF orientation says. A picture larger than
/// [`MAX_SIDE`] or [`MAX_PIXELS`] is refused from its header, with its size.
pub fn open(path: &Path) -> Result<image::DynamicImage, String> {
    let mut reader = image::ImageReader::open(path)
        .map_err(|e| e.to_string())?
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    // Checked here from the header (with a message of our own), then by the decoder.
    let mut unlimited = image::Limits::no_limits();
    unlimited.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(unlimited);
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let (w, h) = image::ImageDecoder::dimensions(&decoder);
    check_size(w, h)?;
    image::ImageDecoder::set_limits(&mut decoder, limits).map_err(|e| e.to_string())?;
    let orientation = image::ImageDecoder::orientation(&mut decoder).map_err(|e| e.to_string())?;
    let mut img = image::DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    img.apply_orientation(orientation);
    Ok(img)
}

/// Refuses a picture of `w` × `h` pixels that is empty or larger than the bounds.
pub fn check_size(w: u32, h: u32) -> Result<(), String> {
    if w == 0 || h == 0 {
        return Err(format!("the picture is empty ({w} × {h} pixels)"));
    }
    let pixels = u64::from(w) * u64::from(h);
    if w > MAX_SIDE || h > MAX_SIDE || pixels > MAX_PIXELS {
        return Err(format!(
            "the picture is {w} × {h} pixels, larger than the studio reads (at most {MAX_SIDE} \
             pixels a side and {} megapixels): scale it down first",
            MAX_PIXELS / 1_000_000
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_past_the_bounds_are_refused_with_the_size() {
        assert!(check_size(640, 480).is_ok());
        assert!(check_size(MAX_SIDE, 1).is_ok());
        let err = check_size(20_000, 20_000).expect_err("too big");
        assert!(err.contains("20000 × 20000"), "{err}");
        assert!(check_size(8_000, 8_000).is_err(), "64 megapixels");
        assert!(check_size(0, 5).is_err());
    }

    #[test]
    fn a_small_file_declaring_a_huge_picture_is_refused_before_decoding() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("bomb.png");
        std::fs::write(&path, png_start(20_000, 20_000)).expect("write");
        let err = open(&path).expect_err("refused");
        assert!(err.contains("20000 × 20000"), "{err}");
    }

    /// The start of a grey PNG of `w` × `h` pixels: its signature, header and a
    /// first data chunk (a file of under a hundred bytes).
    fn png_start(w: u32, h: u32) -> Vec<u8> {
        use std::io::Write;
        fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let mut crc = flate2::Crc::new();
            crc.update(kind);
            crc.update(data);
            out.extend_from_slice(kind);
            out.extend_from_slice(data);
            out.extend_from_slice(&crc.sum().to_be_bytes());
        }
        let mut out = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
        let mut header = Vec::new();
        header.extend_from_slice(&w.to_be_bytes());
        header.extend_from_slice(&h.to_be_bytes());
        header.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit grey, not interlaced
        chunk(&mut out, b"IHDR", &header);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&[0u8; 4096]).expect("deflate");
        chunk(&mut out, b"IDAT", &z.finish().expect("deflate"));
        out
    }
}
