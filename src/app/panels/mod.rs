//! One panel per file. Panels read [`AppState`](super::state::AppState) and push
//! [`UiAction`](super::actions::UiAction)s; they never touch the worker or the disk.

pub mod autoencoder_setup;
pub mod dataset_browser;
pub mod gallery;
pub mod gan2d_canvas;
pub mod gan2d_setup;
pub mod gan_knobs;
pub mod image_gan_setup;
pub mod menu_bar;
pub mod metric_plots;
pub mod run_controls;
pub mod setup;
pub mod status_bar;
