//! The command line: the same worker as the window, headless.

pub mod bench;
pub mod bench_runs;
pub mod bench_style;
pub mod compare;
pub mod dataset;
pub mod generate;
pub mod headless;
pub mod model;
pub mod optimise_input;
pub mod runs;
pub mod sentences;
pub mod stylize_model;
pub mod sweep;
pub mod train;
pub mod window;

pub use window::WindowArgs;

use std::path::Path;

use clap::{Parser, Subcommand};

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
    /// Start even where the memory estimate is over what the machine has available
    /// (the studio refuses such a run, a picture optimisation or a dataset otherwise).
    #[arg(long, global = true)]
    pub force: bool,
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
    /// List the run folders under `runs/` (or the folders given), newest first.
    Runs(runs::RunsArgs),
    /// Compare run folders: each shared metric's last and best, the settings that
    /// differ, and the overlaid curves as a PNG.
    Compare(compare::CompareArgs),
    /// Train every combination of up to three settings, one run each, into a sweep folder.
    Sweep(sweep::SweepArgs),
    /// Load a dataset, print its size and labels, and write a grid of examples.
    Dataset(dataset::DatasetArgs),
    /// Time the training step of a benchmark model (the PyTorch twins' shapes).
    Bench(bench::BenchArgs),
    /// Print a preset's model card: layers, output shapes, parameters, FLOPs,
    /// activation memory and the kernels each layer runs on.
    Model(model::ModelArgs),
    /// Write text with a trained character model, or sentences from a sentence VAE's
    /// prior (`--prior`); needs only the run folder.
    Generate(generate::GenerateArgs),
    /// Print the sentences a sentence VAE decodes on the way from one sentence to
    /// another (needs only its run folder).
    Interpolate(sentences::InterpolateArgs),
    /// Repaint a picture in the style of another (neural style transfer).
    Stylize(optimise_input::StylizeArgs),
    /// Amplify what a network sees in a picture (DeepDream).
    Dream(optimise_input::DreamArgs),
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
