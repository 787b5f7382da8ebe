//! MNIST-format IDX files (`*-images-idx3-ubyte`, `*-labels-idx1-ubyte`), raw or
//! gzipped: MNIST, Fashion-MNIST, KMNIST and their kin.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{DataError, ImageSet};

/// An IDX file's dimensions and bytes (only unsigned-byte data is accepted).
struct Idx {
    dims: Vec<usize>,
    data: Vec<u8>,
}

/// The most data bytes an IDX file may declare (EMNIST's largest file holds about
/// 550 MB): a few kB of gzip can claim gigabytes, so what is unpacked is bounded
/// by the header's declared size, and that by this.
pub const MAX_IDX_BYTES: usize = 1 << 30;

/// Reads an IDX file, gunzipping it if it starts with the gzip magic number. Only
/// the bytes its header declares are unpacked.
fn read_idx(path: &Path) -> Result<Idx, DataError> {
    let raw = std::fs::read(path).map_err(|e| DataError::new(path, e.to_string()))?;
    let gz = raw.starts_with(&[0x1f, 0x8b]);
    let mut stream: Box<dyn Read> = if gz {
        Box::new(flate2::read::GzDecoder::new(&raw[..]))
    } else {
        Box::new(&raw[..])
    };
    let bad_gzip = |e: std::io::Error| DataError::new(path, format!("not a valid gzip file ({e})"));
    let mut magic = [0u8; 4];
    let got = read_up_to(&mut stream, &mut magic).map_err(bad_gzip)?;
    if got < 4 || magic[0] != 0 || magic[1] != 0 {
        return Err(DataError::new(path, "not an IDX file (wrong magic number)"));
    }
    if magic[2] != 0x08 {
        return Err(DataError::new(
            path,
            format!(
                "IDX data type 0x{:02x} is not supported (only unsigned bytes, 0x08)",
                magic[2]
            ),
        ));
    }
    let ndims = magic[3] as usize;
    let mut header = vec![0u8; 4 * ndims];
    let got = read_up_to(&mut stream, &mut header).map_err(bad_gzip)?;
    if ndims == 0 || got < header.len() {
        return Err(DataError::new(path, "truncated IDX header"));
    }
    let dims: Vec<usize> = header
        .chunks_exact(4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
        .collect();
    let expected = dims.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
    let Some(expected) = expected else {
        return Err(DataError::new(path, "IDX dimensions overflow"));
    };
    if expected > MAX_IDX_BYTES {
        return Err(DataError::new(
            path,
            format!(
                "its header declares {dims:?}: {} MB of data, more than the studio loads ({} MB)",
                expected >> 20,
                MAX_IDX_BYTES >> 20
            ),
        ));
    }
    // Its bytes, then as floats for training (4 bytes each).
    crate::memory_guard::check(
        expected as u64 * 5,
        &format!(
            "{} ({dims:?} bytes, as floats for training)",
            path.display()
        ),
        "use a smaller file",
    )
    .map_err(|e| DataError::new(path, e.to_string()))?;
    let mut data = Vec::new();
    stream
        .take(expected as u64)
        .read_to_end(&mut data)
        .map_err(bad_gzip)?;
    if data.len() < expected {
        return Err(DataError::new(
            path,
            format!(
                "truncated: dimensions {dims:?} need {expected} bytes of data, found {}",
                data.len()
            ),
        ));
    }
    Ok(Idx { dims, data })
}

/// Fills `buf` as far as the stream goes; the bytes read.
fn read_up_to(stream: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match stream.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Loads an images file (3 dimensions: count, rows, columns) and, optionally, its labels
/// file (1 dimension: count). Labels must match the images in number.
pub fn load_pair(images: &Path, labels: Option<&Path>) -> Result<ImageSet, DataError> {
    let img = read_idx(images)?;
    let [n, rows, cols] = img.dims[..] else {
        return Err(DataError::new(
            images,
            format!("an images file has 3 dimensions, this one {:?}", img.dims),
        ));
    };
    if n == 0 {
        return Err(DataError::new(images, "holds no image"));
    }
    let labels = match labels {
        Some(path) => {
            let lab = read_idx(path)?;
            if lab.dims.len() != 1 {
                return Err(DataError::new(
                    path,
                    format!("a labels file has 1 dimension, this one {:?}", lab.dims),
                ));
            }
            if lab.dims[0] != n {
                return Err(DataError::new(
                    path,
                    format!(
                        "{} labels for {n} images in {}",
                        lab.dims[0],
                        images.display()
                    ),
                ));
            }
            Some(lab.data.iter().map(|&l| l as u32).collect::<Vec<u32>>())
        }
        None => None,
    };
    let classes = labels
        .as_ref()
        .and_then(|l| l.iter().max())
        .map_or(0, |&m| m as usize + 1);
    Ok(ImageSet {
        width: cols,
        height: rows,
        channels: 1,
        pixels: img.data,
        labels,
        class_names: (0..classes).map(|c| c.to_string()).collect(),
    })
}

/// The training and held-out sets of an IDX folder, found by MNIST's file names
/// (`train-images-idx3-ubyte[.gz]`, `train-labels-idx1-ubyte[.gz]`, `t10k-…`).
/// The held-out set is `None` when its files are absent.
pub fn load_folder(folder: &Path) -> Result<(ImageSet, Option<ImageSet>), DataError> {
    let find = |stem: &str| -> Option<PathBuf> {
        [stem.to_string(), format!("{stem}.gz")]
            .into_iter()
            .map(|n| folder.join(n))
            .find(|p| p.is_file())
    };
    let Some(train_images) = find("train-images-idx3-ubyte") else {
        return Err(DataError::new(
            folder,
            "no train-images-idx3-ubyte (or .gz) here: expected MNIST-style IDX files",
        ));
    };
    let train = load_pair(&train_images, find("train-labels-idx1-ubyte").as_deref())?;
    let test = match find("t10k-images-idx3-ubyte") {
        Some(images) => Some(load_pair(
            &images,
            find("t10k-labels-idx1-ubyte").as_deref(),
        )?),
        None => None,
    };
    Ok((train, test))
}
