//! Run folders: the spec, metrics, sample pictures and checkpoints of one run.
//! Every write that replaces a file is atomic (temp file + rename).

pub mod atomic;
pub mod changes_file;
pub mod checkpoint;
pub mod config_diff;
pub mod folder;
pub mod history;
pub mod lineage;
pub mod manage;
pub mod metrics_file;
pub mod notes;
pub mod render;
pub mod run_state;
pub mod sample_grid;

pub use folder::RunFolder;
