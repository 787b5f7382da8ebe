//! The integration tests, one binary with a module per subject: linking candle and
//! egui once instead of once per file makes `cargo test` from clean faster (see the
//! README's "Tests"). `common` holds the helpers they share.

mod activations;
mod autoencoder;
mod census;
mod channel_ops;
mod char_lstm;
mod checkpoint;
mod cli;
mod cli_branch;
mod cli_continue;
mod cli_runs;
mod common;
mod data_loaders;
mod dialogs;
mod fast_conv;
mod fast_style;
mod faults;
mod fonts;
mod front_door;
mod fused_optim;
mod gan2d_cures;
mod gradient_penalty;
mod image_gan;
mod model_card;
mod optimise_input;
mod pixel_cnn;
mod quality;
mod resume;
mod sentence_vae;
mod side_tasks;
mod ui;
mod ui_branch;
mod ui_fast_style;
mod ui_instrument;
mod ui_model;
mod ui_runs;
mod worker_protocol;
