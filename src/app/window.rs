//! Opening the real window: eframe's options, the screenshot the README uses.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use super::dialogs::NativeDialogs;
use super::{Restore, Session, StudioApp, StudioConfig, icon};

/// Opens the window (`size` in points) and runs until it closes.
/// With `restore`, the window comes back as the last session left it (size, draft,
/// tab, folders; the command line's choices win) and remembers this one; without,
/// it starts from `config` and remembers nothing.
pub fn run_window(
    mut config: StudioConfig,
    size: [f32; 2],
    restore: Option<Restore>,
) -> anyhow::Result<()> {
    config.persist = restore.is_some();
    let gap = config.news_gap_ms.clone();
    gap.store(super::news_gap_ms(None, false), Ordering::Relaxed);
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size(size)
            .with_title("Latent Studio")
            .with_app_id("latent-studio")
            .with_icon(Arc::new(icon::window_icon())),
        persist_window: restore.is_some(),
        ..Default::default()
    };
    eframe::run_native(
        "Latent Studio",
        options,
        Box::new(move |cc| {
            if let (Some(rules), Some(storage)) = (restore, cc.storage)
                && let Some(session) = Session::load(storage)
            {
                session.apply(rules, &mut config);
            }
            let ctx = cc.egui_ctx.clone();
            // News from the worker repaints within the gap, several pieces of news in
            // one frame: a frame costs the CPU that training needs.
            let wake: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
                ctx.request_repaint_after(Duration::from_millis(gap.load(Ordering::Relaxed)))
            });
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
