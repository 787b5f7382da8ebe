//! `latent-studio window` (and no command at all): the window's options, turned into
//! the plain [`StudioConfig`] the window starts from.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Parser};

use crate::app::{StartView, StudioConfig};
use crate::presets;
use crate::worker::WorkerConfig;

/// Options of the window.
#[derive(Debug, Args, Clone)]
pub struct WindowArgs {
    /// A preset to load at start (a file, or a built-in name such as `gan2d_ring`).
    #[arg(long)]
    pub preset: Option<String>,
    /// Press Start as soon as the window opens.
    #[arg(long)]
    pub autostart: bool,
    /// Save a screenshot of the window to this PNG file…
    #[arg(long, value_name = "PNG")]
    pub screenshot: Option<PathBuf>,
    /// …this many seconds after the window opens.
    #[arg(long, default_value_t = 10.0, value_name = "SECS")]
    pub screenshot_after: f64,
    /// Close the window after this many seconds.
    #[arg(long, value_name = "SECS")]
    pub quit_after: Option<f64>,
    /// Close the window once the run has ended, printing its steps and training
    /// seconds (with `--autostart`: how `scripts/window_speed.sh` times the window).
    #[arg(long)]
    pub quit_when_done: bool,
    /// Change a setting of the preset, `KEY=VALUE` (repeatable; checked together).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Print frame-time percentiles when the window closes.
    #[arg(long)]
    pub frame_stats: bool,
    /// Compute threads for training (default: all cores, at the lowest priority).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Nice value of the compute threads (default 19: the window stays smooth).
    #[arg(long, default_value_t = 19)]
    pub nice: i32,
    /// Start with this many milliseconds between steps (the "Slow down" slider).
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub delay_ms: u64,
    /// A run folder to open at start, paused (continue it, or explore an autoencoder's lab).
    #[arg(long, value_name = "DIR")]
    pub run: Option<PathBuf>,
    /// List the runs under this folder too in the Runs tab (repeatable; new runs
    /// still go to `runs/`).
    #[arg(long = "runs", value_name = "DIR")]
    pub runs_folders: Vec<PathBuf>,
    /// What the central area shows at start (the lab pages need an autoencoder;
    /// default: the tab open when the window last closed, else Training).
    #[arg(long, value_enum)]
    pub view: Option<StartView>,
    /// Start from the defaults and the options given, not from what the last
    /// session left (its size, experiment, tab, folders); remember nothing.
    #[arg(long)]
    pub no_restore: bool,
    /// Initial window size, `WIDTHxHEIGHT`.
    #[arg(long, default_value = "1400x900")]
    pub size: String,
}

impl WindowArgs {
    /// The options of a bare `latent-studio` (the command line's defaults).
    pub fn defaults() -> Self {
        /// `WindowArgs` alone, to read clap's defaults.
        #[derive(Parser)]
        struct Only {
            #[command(flatten)]
            args: WindowArgs,
        }
        Only::parse_from(["window"]).args
    }
}

/// Opens the window with `args` and runs until it closes.
pub fn run(args: WindowArgs) -> anyhow::Result<()> {
    let mut initial = match &args.preset {
        Some(p) => super::load_preset(p)?,
        None => presets::default_spec()?,
    };
    initial.set_all(&args.set)?;
    let size = parse_size(&args.size).unwrap_or([1400.0, 900.0]);
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
        runs_folders: args.runs_folders.clone(),
        autostart: args.autostart,
        screenshot: args.screenshot.clone().map(|p| (p, args.screenshot_after)),
        quit_after: args.quit_after,
        quit_when_done: args.quit_when_done,
        frame_stats: args.frame_stats,
        delay_ms: args.delay_ms,
        view: args.view.unwrap_or_default(),
        open_run: args.run.clone(),
        persist: false,
        type_paths: false,
        news_gap_ms: Default::default(),
    };
    let restore = (!args.no_restore).then_some(crate::app::Restore {
        draft: args.preset.is_none() && args.run.is_none(),
        view: args.view.is_none(),
    });
    crate::app::run_window(config, size, restore)
}

/// `WIDTHxHEIGHT` as a size.
fn parse_size(s: &str) -> Option<[f32; 2]> {
    let (w, h) = s.split_once('x')?;
    Some([w.trim().parse().ok()?, h.trim().parse().ok()?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_command_opens_the_window_with_the_documented_defaults() {
        let args = WindowArgs::defaults();
        assert_eq!(args.nice, 19, "the worker runs at the lowest priority");
        assert_eq!(args.size, "1400x900");
        assert_eq!(args.view, None, "the last session's tab, else Training");
        assert!(!args.no_restore);
        assert_eq!(parse_size(&args.size), Some([1400.0, 900.0]));
        assert_eq!(parse_size("800 x 600"), Some([800.0, 600.0]));
        assert_eq!(parse_size("big"), None);
    }
}
