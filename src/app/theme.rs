//! The window's colours, as egui colours (the palette itself is in `crate::theme`).

use egui::Color32;

use crate::theme::{self as palette, Rgb};

/// An egui colour from a palette colour.
pub fn colour(c: Rgb) -> Color32 {
    Color32::from_rgb(c[0], c[1], c[2])
}

/// Warnings in the status bar.
pub const WARNING: Color32 = Color32::from_rgb(230, 160, 30);
/// Errors in the status bar.
pub const ERROR: Color32 = Color32::from_rgb(230, 70, 60);

/// Marks chosen images in the latent lab.
pub const ACCENT: Color32 = Color32::from_rgb(250, 200, 40);

/// The colour of the `i`-th series of a plot.
pub fn series(i: usize) -> Color32 {
    colour(palette::SERIES[i % palette::SERIES.len()])
}
