//! `latent-studio model PRESET`: the model's card — its layers with their output
//! shapes, parameters, FLOPs, activation memory and kernels — for a preset with
//! any `--set` changes, without training (or building) anything.

use clap::Args;

use crate::experiments::registry;

/// Arguments of `model`.
#[derive(Debug, Args)]
pub struct ModelArgs {
    /// A preset: a TOML file, or a built-in name such as `dcgan_glyphs`.
    pub preset: String,
    /// Override any key of the spec, e.g. `--set model.g_channels=32` (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
}

/// Prints the card.
pub fn run(args: ModelArgs) -> anyhow::Result<()> {
    let mut spec = super::load_preset(&args.preset)?;
    for s in &args.sets {
        spec.set(s)?;
    }
    spec.validate()?;
    let arch = registry::of(&spec)?;
    print!("{}", (arch.card)(&spec)?.to_text());
    Ok(())
}
