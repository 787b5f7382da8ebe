//! Opening the real window: eframe's options, the screenshot the README uses.

use std::path::PathBuf;
use std::sync::Arc;

use super::dialogs::NativeDialogs;
use super::{StudioApp, StudioConfig};

/// The longest the window waits to show what the worker sent (at most this many
/// frames a second come from training: a plot that gains a row a second needs
/// one). Input (the mouse, keys) repaints at once as usual.
pub const REPAINT_GAP: std::time::Duration = std::time::Duration::from_millis(250);

/// Opens the window (`size` in points) and runs until it closes.
pub fn run_window(config: StudioConfig, size: [f32; 2]) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size(size)
            .with_title("Latent Studio"),
        ..Default::default()
    };
    eframe::run_native(
        "Latent Studio",
        options,
        Box::new(move |cc| {
            let ctx = cc.egui_ctx.clone();
            // News from the worker repaints within REPAINT_GAP, several pieces of news
            // in one frame: a frame costs the CPU that training needs.
            let wake: Arc<dyn Fn() + Send + Sync> =
                Arc::new(move || ctx.request_repaint_after(REPAINT_GAP));
            Ok(Box::new(StudioApp::new(
                config,
                Arc::new(NativeDialogs),
                wake,
            )))
        }),
    )
    .map_err(|e| anyhow::anyhow!("could not open the window: {e}"))
}

/// Takes a screenshot of the next frame and writes it as PNG off the UI thread.
pub(super) fn request_screenshot(ctx: &egui::Context, path: PathBuf) {
    ctx.request_screenshot(move |image| {
        let _ = std::thread::Builder::new()
            .name("screenshot".into())
            .spawn(move || {
                let [w, h] = image.size;
                let rgba: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
                match image::save_buffer(
                    &path,
                    &rgba,
                    w as u32,
                    h as u32,
                    image::ExtendedColorType::Rgba8,
                ) {
                    Ok(()) => println!("screenshot saved to {}", path.display()),
                    Err(e) => eprintln!("screenshot not saved: {e}"),
                }
            });
    });
    ctx.request_repaint();
}
