//! Datasets the studio makes, and loaders for data the user brings.

pub mod binarize;
pub mod copy_check;
pub mod corpus;
pub mod glyph_digits;
pub mod idx;
pub mod image_folder;
pub mod image_set;
pub mod landscapes;
pub mod palette;
pub mod picture_file;
pub mod pictures;
pub mod points2d;
pub mod preview;
pub mod sentences;
pub mod toy2d;

pub use image_set::ImageSet;

/// Why a dataset could not be loaded; the message names the file.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct DataError {
    /// The file or folder at fault.
    pub path: std::path::PathBuf,
    /// What is wrong with it.
    pub reason: String,
}

impl DataError {
    /// An error about `path`.
    pub fn new(path: impl Into<std::path::PathBuf>, reason: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

impl From<DataError> for crate::StudioError {
    fn from(e: DataError) -> Self {
        crate::StudioError::Spec(e.to_string())
    }
}
