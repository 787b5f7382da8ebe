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

/// Reads an IDX file, gunzipping it if it starts with the gzip magic number.
fn read_idx(path: &Path) -> Result<Idx, DataError> {
    let raw = std::fs::read(path).map_err(|e| DataError::new(path, e.to_string()))?;
    let bytes = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .map_err(|e| DataError::new(path, format!("not a valid gzip file ({e})")))?;
        out
    } else {
        raw
    };
    if bytes.len() < 4 || bytes[0] != 0 || bytes[1] != 0 {
        return Err(DataError::new(path, "not an IDX file (wrong magic number)"));
    }
    if bytes[2] != 0x08 {
        return Err(DataError::new(
            path,
            format!(
                "IDX data type 0x{:02x} is not supported (only unsigned bytes, 0x08)",
                bytes[2]
            ),
        ));
    }
    let ndims = bytes[3] as usize;
    let header = 4 + 4 * ndims;
    if ndims == 0 || bytes.len() < header {
        return Err(DataError::new(path, "truncated IDX header"));
    }
    let dims: Vec<usize> = (0..ndims)
        .map(|i| {
            let b = &bytes[4 + 4 * i..8 + 4 * i];
            u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize
        })
        .collect();
    let expected = dims.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
    let Some(expected) = expected else {
        return Err(DataError::new(path, "IDX dimensions overflow"));
    };
    let found = bytes.len() - header;
    if found < expected {
        return Err(DataError::new(
            path,
            format!("truncated: dimensions {dims:?} need {expected} bytes of data, found {found}"),
        ));
    }
    Ok(Idx {
        dims,
        data: bytes[header..header + expected].to_vec(),
    })
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
