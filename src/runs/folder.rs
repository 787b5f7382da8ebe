//! One run's folder on disk:
//!
//! ```text
//! <run>/config.toml               the full resolved spec
//! <run>/metrics.csv               step,<metric>,… one row per logged step
//! <run>/samples/step-000500.png   pictures of the model's state
//! <run>/checkpoint.safetensors    weights + spec + step, written atomically
//! ```

use std::path::{Path, PathBuf};

use super::atomic::write_atomic;
use crate::{Result, StudioError};

/// The spec's file name inside a run folder.
pub const CONFIG_FILE: &str = "config.toml";

/// The checkpoint's file name inside a run folder.
pub const CHECKPOINT_FILE: &str = "checkpoint.safetensors";

/// A run folder that exists on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunFolder {
    root: PathBuf,
}

impl RunFolder {
    /// Creates `root` (and `samples/`) if needed and writes `config.toml` (the spec
    /// as TOML text).
    pub fn create(root: &Path, config_toml: &str) -> Result<Self> {
        let folder = Self {
            root: root.to_path_buf(),
        };
        std::fs::create_dir_all(folder.samples_dir()).map_err(|e| StudioError::io(root, e))?;
        write_atomic(&folder.config_path(), config_toml.as_bytes())?;
        Ok(folder)
    }

    /// Opens an existing run folder (one holding a checkpoint).
    pub fn open(root: &Path) -> Result<Self> {
        let folder = Self {
            root: root.to_path_buf(),
        };
        if !folder.checkpoint_path().is_file() {
            return Err(StudioError::Checkpoint(format!(
                "{}: not a run folder with a checkpoint (no {CHECKPOINT_FILE})",
                root.display()
            )));
        }
        std::fs::create_dir_all(folder.samples_dir()).map_err(|e| StudioError::io(root, e))?;
        Ok(folder)
    }

    /// The run folder at `root` as it is, whatever it holds (for reading one that may
    /// be incomplete).
    pub fn open_any(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
        }
    }

    /// A fresh folder under `parent` named after the experiment called `name`:
    /// `gan2d-ring-of-8-001`, …
    pub fn next_free(parent: &Path, name: &str) -> PathBuf {
        let slug = slug(name);
        (1..)
            .map(|i| parent.join(format!("{slug}-{i:03}")))
            .find(|p| !p.exists())
            .unwrap_or_else(|| parent.join(slug))
    }

    /// The folder itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `config.toml`.
    pub fn config_path(&self) -> PathBuf {
        self.root.join(CONFIG_FILE)
    }

    /// `metrics.csv`.
    pub fn metrics_path(&self) -> PathBuf {
        self.root.join("metrics.csv")
    }

    /// `checkpoint.safetensors`.
    pub fn checkpoint_path(&self) -> PathBuf {
        self.root.join(CHECKPOINT_FILE)
    }

    /// `samples/`.
    pub fn samples_dir(&self) -> PathBuf {
        self.root.join("samples")
    }

    /// `samples/step-NNNNNN.png`.
    pub fn sample_path(&self, step: u64) -> PathBuf {
        self.samples_dir().join(format!("step-{step:06}.png"))
    }
}

/// Lower-case ASCII letters and digits, other runs of characters as one dash.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "run".into() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_file_name_safe() {
        assert_eq!(slug("GAN 2-D · ring of 8"), "gan-2-d-ring-of-8");
        assert_eq!(slug("···"), "run");
    }
}
