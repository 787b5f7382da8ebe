//! The sentence VAE on the command line, with nothing but its run folder:
//! `latent-studio interpolate RUN --from "…" --to "…" [--points 7] [--beam 4]
//! [--spherical]` prints the chain of sentences between two; `latent-studio
//! generate RUN --prior --count 10` prints sentences from the prior, each marked
//! new or seen.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use candle_core::Device;
use clap::Args;

use crate::experiments::ExperimentSpec;
use crate::experiments::checkpoint;
use crate::experiments::sentence_vae::TrainedSentenceVae;
use crate::experiments::sentence_vae::decode::Decoding;
use crate::experiments::sentence_vae::reader::Marked;
use crate::runs::RunFolder;

/// Options of `interpolate`.
#[derive(Debug, Args)]
pub struct InterpolateArgs {
    /// A sentence VAE's run folder.
    pub run: PathBuf,
    /// The first sentence.
    #[arg(long)]
    pub from: String,
    /// The last sentence.
    #[arg(long)]
    pub to: String,
    /// Sentences in the chain, the ends included (2 to 50).
    #[arg(long, default_value_t = 7)]
    pub points: usize,
    /// Beam width (1 = greedy).
    #[arg(long, default_value_t = 1)]
    pub beam: usize,
    /// Walk the great circle between the codes (slerp) instead of the straight line.
    #[arg(long)]
    pub spherical: bool,
}

/// Loads a sentence VAE from its run folder; an error naming the folder otherwise.
pub fn load(run: &Path) -> anyhow::Result<TrainedSentenceVae> {
    let folder = RunFolder::open(run)?;
    let ckpt = checkpoint::load(&folder.checkpoint_path(), &Device::Cpu)?;
    let ExperimentSpec::SentenceVae(spec) = &ckpt.spec else {
        bail!(
            "{}: this is a run of architecture `{}`, not of a sentence VAE",
            run.display(),
            ckpt.spec.architecture()
        );
    };
    TrainedSentenceVae::from_checkpoint(spec, &ckpt.tensors, &Device::Cpu)
        .with_context(|| format!("{}", run.display()))
}

/// The decoding rule of a beam width.
pub fn rule(beam: usize) -> anyhow::Result<Decoding> {
    match beam {
        0 => bail!("--beam must be at least 1"),
        1 => Ok(Decoding::Greedy),
        w if w <= 64 => Ok(Decoding::Beam(w)),
        _ => bail!("--beam must be at most 64"),
    }
}

fn print_marked(lines: &[Marked]) {
    for m in lines {
        println!("[{}] {}", if m.seen { "seen" } else { "new " }, m.text);
    }
}

/// Prints the chain from `--from` to `--to`.
pub fn interpolate(args: InterpolateArgs) -> anyhow::Result<()> {
    if !(2..=50).contains(&args.points) {
        bail!("--points must be between 2 and 50");
    }
    let rule = rule(args.beam)?;
    let model = load(&args.run)?;
    let reader = model.reader();
    for (end, text) in [("--from", &args.from), ("--to", &args.to)] {
        if reader.ids(text).is_empty() {
            bail!("{end} has no words");
        }
        let unknown = reader.unknown(text);
        if !unknown.is_empty() {
            eprintln!(
                "{end}: not in the model's vocabulary, read as <unk>: {}",
                unknown.join(", ")
            );
        }
    }
    let chain = reader.homotopy(&args.from, &args.to, args.points, args.spherical, rule)?;
    print_marked(&chain);
    Ok(())
}

/// Prints `count` sentences from the prior (greedy, or sampled at `temperature`
/// when it is above 0), each marked new or seen, and the share of new ones.
pub fn prior(
    run: &Path,
    count: usize,
    temperature: f32,
    beam: usize,
    seed: u64,
) -> anyhow::Result<()> {
    if count == 0 || count > 10_000 {
        bail!("--count must be between 1 and 10000");
    }
    let rule = if temperature > 0.0 && beam == 1 {
        Decoding::Sample(temperature)
    } else {
        rule(beam)?
    };
    let model = load(run)?;
    let lines = model.reader().prior(count, rule, seed)?;
    print_marked(&lines);
    let new = lines.iter().filter(|m| !m.seen).count();
    eprintln!(
        "{new} of {count} new ({:.0}%): the others are training sentences word for word",
        100.0 * new as f64 / count as f64
    );
    Ok(())
}
