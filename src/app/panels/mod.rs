//! One panel per file. Panels read [`AppState`](super::state::AppState) and push
//! [`UiAction`](super::actions::UiAction)s; they never touch the worker or the disk.

pub mod autoencoder_setup;
pub mod char_lstm_setup;
pub mod dataset_browser;
pub mod declared_settings;
pub mod deep_dream_setup;
pub mod gallery;
pub mod gan2d_canvas;
pub mod gan2d_setup;
pub mod image_gan_setup;
pub mod lab;
pub mod lab_concepts;
pub mod lab_interpolation;
pub mod lab_map;
pub mod lab_prior;
pub mod lab_sliders;
pub mod lab_widgets;
mod line_cache;
pub mod line_plot;
pub mod menu_bar;
pub mod metric_plots;
pub mod picture_inputs;
pub mod pixel_cnn_setup;
pub mod pixel_draw;
pub mod pixel_region;
pub mod run_controls;
pub mod run_details;
pub mod runs_compare;
pub mod runs_list;
pub mod runs_samples;
pub mod runs_table;
pub mod seed_rows;
pub mod setup;
pub mod status_bar;
pub mod style_transfer_setup;
pub mod text_generate;
pub mod text_samples;
