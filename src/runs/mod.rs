//! Run folders: the spec, metrics, sample pictures and checkpoints of one run.
//! Every write that replaces a file is atomic (temp file + rename).

pub mod atomic;
pub mod checkpoint;
pub mod folder;
pub mod metrics_file;
pub mod render;

pub use folder::RunFolder;
