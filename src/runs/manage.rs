//! What a user does to a run folder from a list of runs: rename it, move it to
//! the trash (a `.trash` folder beside it, never erased), and a small picture of
//! its last sample. A run being written (its lock held) is left alone.

use std::path::{Path, PathBuf};

use super::run_state;
use crate::view::RgbImage;
use crate::{Result, StudioError};

/// The trash's name inside a folder of runs.
pub const TRASH_DIR: &str = ".trash";

/// Refuses a folder that a run is writing now.
fn not_running(folder: &Path, doing: &str) -> Result<()> {
    if run_state::is_locked(folder) {
        return Err(StudioError::Spec(format!(
            "{}: cannot {doing} a run while it is being trained; stop it first",
            folder.display()
        )));
    }
    Ok(())
}

/// Renames the run folder `folder` to `new_name` beside it; returns the new path.
/// The name must be a plain folder name, not taken.
pub fn rename(folder: &Path, new_name: &str) -> Result<PathBuf> {
    let name = new_name.trim();
    let plain = !name.is_empty()
        && name != "."
        && name != ".."
        && !name.starts_with('.')
        && !name.contains(['/', '\\']);
    if !plain {
        return Err(StudioError::Spec(format!(
            "\"{new_name}\" is not a folder name: use letters, digits, dashes, no slashes"
        )));
    }
    not_running(folder, "rename")?;
    let target = folder.with_file_name(name);
    if target.exists() {
        return Err(StudioError::Spec(format!(
            "{}: already exists; choose another name",
            target.display()
        )));
    }
    std::fs::rename(folder, &target).map_err(|e| StudioError::io(folder, e))?;
    Ok(target)
}

/// Moves the run folder `folder` into the `.trash` folder beside it (under a
/// fresh name if the trash holds one of that name); returns where it went.
pub fn trash(folder: &Path) -> Result<PathBuf> {
    not_running(folder, "delete")?;
    let (Some(parent), Some(name)) = (folder.parent(), folder.file_name()) else {
        return Err(StudioError::Spec(format!(
            "{}: not a run folder",
            folder.display()
        )));
    };
    let bin = parent.join(TRASH_DIR);
    std::fs::create_dir_all(&bin).map_err(|e| StudioError::io(&bin, e))?;
    let name = name.to_string_lossy();
    let target = std::iter::once(bin.join(name.as_ref()))
        .chain((2..).map(|i| bin.join(format!("{name}-{i}"))))
        .find(|p| !p.exists())
        .unwrap_or_else(|| bin.join(name.as_ref()));
    std::fs::rename(folder, &target).map_err(|e| StudioError::io(folder, e))?;
    Ok(target)
}

/// The picture at `path` scaled to fit `side` × `side` (never enlarged), for a
/// list's thumbnail. Pictures over 64 megapixels are refused unread.
pub fn thumbnail(path: &Path, side: u32) -> Result<RgbImage> {
    let fail = |e: image::ImageError| StudioError::Spec(format!("{}: {e}", path.display()));
    let mut reader = image::ImageReader::open(path)
        .map_err(|e| StudioError::io(path, e))?
        .with_guessed_format()
        .map_err(|e| StudioError::io(path, e))?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(256 << 20);
    limits.max_image_width = Some(8192);
    limits.max_image_height = Some(8192);
    reader.limits(limits);
    let picture = reader.decode().map_err(fail)?;
    let picture = if picture.width() > side || picture.height() > side {
        picture.thumbnail(side, side)
    } else {
        picture
    };
    let rgb = picture.to_rgb8();
    Ok(RgbImage {
        width: rgb.width() as usize,
        height: rgb.height() as usize,
        pixels: rgb.into_raw(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(root: &Path, name: &str) -> PathBuf {
        let folder = root.join(name);
        std::fs::create_dir_all(&folder).expect("dir");
        std::fs::write(folder.join("config.toml"), "x").expect("config");
        folder
    }

    #[test]
    fn a_run_is_renamed_beside_itself_and_never_over_another() {
        let dir = tempfile::tempdir().expect("dir");
        let a = run(dir.path(), "a");
        run(dir.path(), "b");
        assert!(rename(&a, "b").is_err(), "taken");
        for bad in ["", "x/y", "..", ".trash"] {
            assert!(rename(&a, bad).is_err(), "{bad:?}");
        }
        let renamed = rename(&a, "smoothing-0.1").expect("rename");
        assert_eq!(renamed, dir.path().join("smoothing-0.1"));
        assert!(renamed.join("config.toml").is_file() && !a.exists());
        let lock = run_state::RunLock::acquire(&renamed).expect("lock");
        let err = rename(&renamed, "c").expect_err("running");
        assert!(err.to_string().contains("stop it first"), "{err}");
        drop(lock);
    }

    #[test]
    fn deleting_moves_the_run_to_the_trash_keeping_both_of_a_name() {
        let dir = tempfile::tempdir().expect("dir");
        let first = trash(&run(dir.path(), "a")).expect("trash");
        assert_eq!(first, dir.path().join(".trash/a"));
        assert!(first.join("config.toml").is_file());
        let second = trash(&run(dir.path(), "a")).expect("trash");
        assert_eq!(second, dir.path().join(".trash/a-2"));
        assert!(!dir.path().join("a").exists());
    }

    #[test]
    fn a_thumbnail_fits_its_square_and_keeps_small_pictures() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("p.png");
        image::RgbImage::from_pixel(200, 100, image::Rgb([200, 10, 10]))
            .save(&path)
            .expect("png");
        let t = thumbnail(&path, 48).expect("thumb");
        assert_eq!((t.width, t.height), (48, 24));
        assert_eq!(&t.pixels[..3], &[200, 10, 10]);
        let small = thumbnail(&path, 400).expect("thumb");
        assert_eq!((small.width, small.height), (200, 100));
        std::fs::write(&path, b"not a png").expect("write");
        assert!(thumbnail(&path, 48).is_err());
    }
}
