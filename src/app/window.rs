//! Opening the real window: eframe's options, the screenshot the README uses.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::dialogs::NativeDialogs;
use super::{StudioApp, StudioConfig};
use crate::cli::WindowArgs;
use crate::worker::WorkerConfig;

/// Opens the window and runs until it closes.
pub fn run_window(args: WindowArgs) -> anyhow::Result<()> {
    let initial = match &args.preset {
        Some(p) => crate::cli::load_preset(p)?,
        None => crate::presets::default_spec()?,
    };
    let (w, h) = parse_size(&args.size).unwrap_or((1400.0, 900.0));
    let mut worker = WorkerConfig {
        nice: args.nice,
        view_interval: Some(Duration::from_millis(100)),
        ..WorkerConfig::default()
    };
    if let Some(t) = args.threads {
        worker.threads = t;
    }
    let config = StudioConfig {
        initial,
        worker,
        runs_dir: Path::new("runs").to_path_buf(),
        autostart: args.autostart,
        screenshot: args.screenshot.clone().map(|p| (p, args.screenshot_after)),
        quit_after: args.quit_after,
        frame_stats: args.frame_stats,
        delay_ms: args.delay_ms,
        view: args.view,
        open_run: args.run.clone(),
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([w, h])
            .with_title("Latent Studio"),
        ..Default::default()
    };
    eframe::run_native(
        "Latent Studio",
        options,
        Box::new(move |cc| {
            let ctx = cc.egui_ctx.clone();
            let wake: Arc<dyn Fn() + Send + Sync> = Arc::new(move || ctx.request_repaint());
            Ok(Box::new(StudioApp::new(
                config,
                Arc::new(NativeDialogs),
                wake,
            )))
        }),
    )
    .map_err(|e| anyhow::anyhow!("could not open the window: {e}"))
}

fn parse_size(s: &str) -> Option<(f32, f32)> {
    let (w, h) = s.split_once('x')?;
    Some((w.trim().parse().ok()?, h.trim().parse().ok()?))
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
