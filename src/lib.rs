//! Latent Studio: a desktop studio for experimenting with generative deep learning.
//!
//! The crate is three things joined by two channels (see `DESIGN.md`):
//! the window ([`app`]) and the command line ([`cli`]) are thin front ends over a
//! [`worker`] thread that owns every tensor and runs an [`experiments::Experiment`].
//! Front ends send [`worker::Command`]s and fold [`worker::Event`]s; the vocabulary
//! between models and panels is plain data from [`view`].

pub mod app;
pub mod cli;
pub mod data;
pub mod experiments;
pub mod features;
pub mod front_door;
pub mod lab;
pub mod memory_guard;
pub mod nn;
pub mod plotting;
pub mod presets;
pub mod quality;
pub mod runs;
pub mod theme;
pub mod view;
pub mod worker;

/// Errors the studio's library reports; the front ends show them as one line.
#[derive(Debug, thiserror::Error)]
pub enum StudioError {
    /// A tensor operation failed (shape mismatch, out of memory, …).
    #[error("tensor error: {0}")]
    Tensor(#[from] candle_core::Error),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: std::path::PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// A spec, preset or `--set` override is invalid.
    #[error("{0}")]
    Spec(String),
    /// A checkpoint does not fit the experiment it is loaded into.
    #[error("{0}")]
    Checkpoint(String),
    /// What was asked for would need more memory than the machine has available.
    #[error("{0}")]
    Memory(String),
}

/// The crate's result type.
pub type Result<T, E = StudioError> = std::result::Result<T, E>;

impl StudioError {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<std::path::PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}
