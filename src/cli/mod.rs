//! The command line: the same worker as the window, headless.

pub mod bench;
pub mod dataset;
pub mod generate;
pub mod optimise_input;
pub mod train;

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::experiments::ExperimentSpec;
use crate::presets;

/// Latent Studio: experiment with generative deep learning by clicking.
/// With no command, opens the window.
#[derive(Debug, Parser)]
#[command(name = "latent-studio", version, about)]
pub struct Cli {
    /// What to do (default: open the window).
    #[command(subcommand)]
    pub command: Option<CliCommand>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Train a preset headless and write a run folder.
    Train(train::TrainArgs),
    /// Open the window (the default), optionally starting a preset at once.
    Window(WindowArgs),
    /// List the built-in presets.
    Presets,
    /// Load a dataset, print its size and labels, and write a grid of examples.
    Dataset(dataset::DatasetArgs),
    /// Time the training step of a benchmark model (the PyTorch twins' shapes).
    Bench(bench::BenchArgs),
    /// Write text with a trained character model (needs only its run folder).
    Generate(generate::GenerateArgs),
    /// Repaint a picture in the style of another (neural style transfer).
    Stylize(optimise_input::StylizeArgs),
    /// Amplify what a network sees in a picture (DeepDream).
    Dream(optimise_input::DreamArgs),
}

/// Options of the window.
#[derive(Debug, Args, Default, Clone)]
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
    /// What the central area shows at start (the lab pages need an autoencoder).
    #[arg(long, value_enum, default_value_t = crate::app::StartView::Training)]
    pub view: crate::app::StartView,
    /// Initial window size, `WIDTHxHEIGHT`.
    #[arg(long, default_value = "1400x900")]
    pub size: String,
}

/// Resolves a preset argument: a TOML file, or the name of a built-in preset.
pub fn load_preset(arg: &str) -> anyhow::Result<ExperimentSpec> {
    let path = Path::new(arg);
    if path.is_file() {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        return ExperimentSpec::from_toml(&text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()));
    }
    if let Some(p) = presets::preset(arg) {
        return Ok(p.spec()?);
    }
    let names: Vec<&str> = presets::built_in().map(|p| p.name()).collect();
    anyhow::bail!(
        "{arg}: no such file, and not a built-in preset ({})",
        names.join(", ")
    )
}
