//! A folder of pictures (PNG, JPEG, GIF; any size, grayscale or colour), centre-cropped
//! to a square and resized to the model's size. One sub-folder per class if present.
//! A few unreadable files are skipped and counted; none readable is an error.

use std::path::{Path, PathBuf};

use image::imageops::FilterType;
use rayon::prelude::*;

use super::{DataError, ImageSet};

/// A loaded folder and what was skipped.
#[derive(Debug)]
pub struct FolderLoad {
    /// The images that loaded.
    pub set: ImageSet,
    /// Files that could not be read as images, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
}

/// File extensions taken as pictures.
const EXTENSIONS: [&str; 4] = ["png", "jpg", "jpeg", "gif"];

/// Loads every picture under `root` (and its immediate sub-folders, one class each)
/// at `size × size` with `channels` (1 = grayscale, 3 = RGB).
pub fn load(root: &Path, size: usize, channels: usize) -> Result<FolderLoad, DataError> {
    if !root.is_dir() {
        return Err(DataError::new(root, "not a folder"));
    }
    let (files, class_names) = list(root)?;
    if files.is_empty() {
        return Err(DataError::new(
            root,
            "no pictures here (PNG, JPEG or GIF, directly or one folder down)",
        ));
    }
    let decoded: Vec<Result<Vec<u8>, String>> = files
        .par_iter()
        .map(|(path, _)| decode(path, size, channels))
        .collect();
    let mut pixels = Vec::new();
    let mut labels = Vec::new();
    let mut skipped = Vec::new();
    for ((path, class), result) in files.into_iter().zip(decoded) {
        match result {
            Ok(bytes) => {
                pixels.extend_from_slice(&bytes);
                labels.push(class);
            }
            Err(reason) => skipped.push((path, reason)),
        }
    }
    if labels.is_empty() {
        let first = skipped
            .first()
            .map(|(p, r)| format!(" (e.g. {}: {r})", p.display()))
            .unwrap_or_default();
        return Err(DataError::new(
            root,
            format!(
                "none of its {} files could be read as a picture{first}",
                skipped.len()
            ),
        ));
    }
    let labelled = class_names.len() > 1;
    Ok(FolderLoad {
        set: ImageSet {
            width: size,
            height: size,
            channels,
            pixels,
            labels: labelled.then_some(labels),
            class_names: if labelled { class_names } else { Vec::new() },
        },
        skipped,
    })
}

/// A file and its class index.
type Labelled = (PathBuf, u32);

/// The candidate files with their class, and the class names (sorted sub-folder names;
/// pictures directly in `root` form a class named ".").
fn list(root: &Path) -> Result<(Vec<Labelled>, Vec<String>), DataError> {
    let read = |dir: &Path| -> Result<Vec<PathBuf>, DataError> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| DataError::new(dir, e.to_string()))?
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        Ok(entries)
    };
    let is_picture = |p: &Path| {
        p.is_file()
            && p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
    };
    let entries = read(root)?;
    let mut groups: Vec<(String, Vec<PathBuf>)> = Vec::new();
    let top: Vec<PathBuf> = entries.iter().filter(|p| is_picture(p)).cloned().collect();
    if !top.is_empty() {
        groups.push((".".into(), top));
    }
    for dir in entries.iter().filter(|p| p.is_dir()) {
        let pics: Vec<PathBuf> = read(dir)?.into_iter().filter(|p| is_picture(p)).collect();
        if !pics.is_empty() {
            let name = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            groups.push((name, pics));
        }
    }
    let class_names = groups.iter().map(|(n, _)| n.clone()).collect();
    let files = groups
        .into_iter()
        .enumerate()
        .flat_map(|(c, (_, pics))| pics.into_iter().map(move |p| (p, c as u32)))
        .collect();
    Ok((files, class_names))
}

/// One picture, centre-cropped to a square and resized to `size` × `size` ×
/// `channels` bytes (`[h, w, c]`).
pub fn decode(path: &Path, size: usize, channels: usize) -> Result<Vec<u8>, String> {
    let img = super::picture_file::open(path)?;
    let side = img.width().min(img.height());
    if side == 0 {
        return Err("empty picture".into());
    }
    let x = (img.width() - side) / 2;
    let y = (img.height() - side) / 2;
    let square =
        img.crop_imm(x, y, side, side)
            .resize_exact(size as u32, size as u32, FilterType::Triangle);
    Ok(if channels == 1 {
        square.to_luma8().into_raw()
    } else {
        square.to_rgb8().into_raw()
    })
}
