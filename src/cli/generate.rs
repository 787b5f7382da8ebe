//! `latent-studio generate <run-folder> --prompt "..." --temperature 0.8 --length 500
//! [--top-k K] [--top-p P] [--greedy] [--seed S]`: text from a trained character
//! model, with nothing but its run folder.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, bail};
use candle_core::Device;
use clap::Args;

use crate::experiments::ExperimentSpec;
use crate::experiments::char_lstm::TrainedModel;
use crate::experiments::checkpoint;
use crate::nn::sampling::Sampling;
use crate::runs::RunFolder;

/// Options of `generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// A character model's run folder.
    pub run: PathBuf,
    /// The text to continue.
    #[arg(long, default_value = "")]
    pub prompt: String,
    /// Softmax temperature (below 1 sharper, above 1 flatter; 0.8 for a character
    /// model unless given; with --prior, sentences are sampled only when given).
    #[arg(long)]
    pub temperature: Option<f32>,
    /// Characters to write.
    #[arg(long, default_value_t = 500)]
    pub length: usize,
    /// Draw from the k most likely characters only.
    #[arg(long, conflicts_with_all = ["top_p", "greedy"])]
    pub top_k: Option<usize>,
    /// Draw from the fewest most likely characters whose probability reaches p.
    #[arg(long, conflicts_with = "greedy")]
    pub top_p: Option<f32>,
    /// Always the most likely character.
    #[arg(long)]
    pub greedy: bool,
    /// Seed of the draws: the same seed writes the same text.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// A sentence VAE: sentences decoded from codes drawn from the prior N(0, I),
    /// each marked new or seen (greedy unless --temperature is given).
    #[arg(long)]
    pub prior: bool,
    /// Sentences to draw with --prior.
    #[arg(long, default_value_t = 10, requires = "prior")]
    pub count: usize,
    /// Beam width with --prior (1 = greedy).
    #[arg(long, default_value_t = 1, requires = "prior")]
    pub beam: usize,
}

/// Prints the generated text (and the speed, on standard error).
pub fn run(args: GenerateArgs) -> anyhow::Result<()> {
    if let Some(t) = args.temperature
        && !(t.is_finite() && t >= 0.0)
    {
        bail!("--temperature must be a number ≥ 0");
    }
    if args.prior {
        let temperature = args.temperature.unwrap_or(0.0);
        return super::sentences::prior(&args.run, args.count, temperature, args.beam, args.seed);
    }
    let folder = RunFolder::open(&args.run)?;
    let ckpt = checkpoint::load(&folder.checkpoint_path(), &Device::Cpu)?;
    let ExperimentSpec::CharLstm(spec) = &ckpt.spec else {
        if matches!(ckpt.spec, ExperimentSpec::SentenceVae(_)) {
            bail!(
                "{}: a sentence VAE writes from its prior: add --prior",
                args.run.display()
            );
        }
        bail!(
            "{}: this is a run of architecture `{}`, not of a character model",
            args.run.display(),
            ckpt.spec.architecture()
        );
    };
    let temperature = args.temperature.unwrap_or(0.8);
    if !(temperature.is_finite() && temperature >= 0.0) {
        bail!("--temperature must be a number ≥ 0");
    }
    let rule = match (args.greedy, args.top_k, args.top_p) {
        (true, _, _) => Sampling::Greedy,
        (_, Some(k), _) if k >= 1 => Sampling::TopK { k, temperature },
        (_, Some(_), _) => bail!("--top-k must be at least 1"),
        (_, _, Some(p)) if p > 0.0 && p <= 1.0 => Sampling::TopP { p, temperature },
        (_, _, Some(_)) => bail!("--top-p must be in (0, 1]"),
        _ => Sampling::Temperature { temperature },
    };
    let model = TrainedModel::from_checkpoint(spec, &ckpt.tensors, &Device::Cpu)
        .with_context(|| format!("{}", args.run.display()))?;
    let start = Instant::now();
    let text = model.generate(&args.prompt, args.length, rule, args.seed)?;
    let secs = start.elapsed().as_secs_f64();
    println!("{}{text}", args.prompt);
    eprintln!(
        "generated {} characters in {secs:.2} s ({:.0} characters/s)",
        args.length,
        args.length as f64 / secs.max(1e-9)
    );
    Ok(())
}
