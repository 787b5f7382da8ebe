//! `stylize` and `dream`: optimise a picture headless, through the worker like every
//! other front end (its checks, its NaN guard), and write the result as PNG. Ctrl-C
//! stops early and still writes the picture so far.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::data::pictures::PictureSource;
use crate::experiments::style_transfer::{PixelOptimiser, StartFrom};
use crate::experiments::{ExperimentSpec, feature_choice};
use crate::features::FeatureSource;
use crate::presets;
use crate::runs::render::save_png;
use crate::worker::{Command, RunOptions, WorkerConfig, WorkerHandle};

/// Options of `stylize`.
#[derive(Debug, Args)]
pub struct StylizeArgs {
    /// The content picture (PNG or JPEG); default: the studio's landscape.
    #[arg(long)]
    pub content: Option<PathBuf>,
    /// The style picture; default: the studio's mosaic.
    #[arg(long)]
    pub style: Option<PathBuf>,
    /// Where to write the result (PNG).
    #[arg(long)]
    pub out: PathBuf,
    /// Iterations.
    #[arg(long, default_value_t = 150)]
    pub steps: u64,
    /// Longer side of the working picture, in pixels (default 256; with `--model`,
    /// the picture's own size).
    #[arg(long)]
    pub size: Option<usize>,
    /// A run folder of a fast style transfer: its trained network repaints the
    /// content picture in one pass (no optimisation).
    #[arg(long, value_name = "RUN", conflicts_with_all = ["style", "weights", "from_run", "adam", "from_noise", "style_weight", "content_weight"])]
    pub model: Option<PathBuf>,
    /// VGG16/VGG19 weights (safetensors); default: the built-in random filters.
    #[arg(long, value_name = "SAFETENSORS", conflicts_with = "from_run")]
    pub weights: Option<PathBuf>,
    /// A run folder of an image GAN the studio trained: its discriminator is the network.
    #[arg(long, value_name = "DIR")]
    pub from_run: Option<PathBuf>,
    /// Weight of the style loss.
    #[arg(long)]
    pub style_weight: Option<f64>,
    /// Weight of the content loss.
    #[arg(long)]
    pub content_weight: Option<f64>,
    /// Use Adam instead of L-BFGS.
    #[arg(long)]
    pub adam: bool,
    /// Start from noise instead of the content picture.
    #[arg(long)]
    pub from_noise: bool,
    /// Keep the content's colours.
    #[arg(long)]
    pub preserve_colour: bool,
}

/// Options of `dream`.
#[derive(Debug, Args)]
pub struct DreamArgs {
    /// The picture (PNG or JPEG); default: the studio's landscape (a glyph digit with
    /// `--from-run`).
    #[arg(long, conflicts_with = "digit")]
    pub image: Option<PathBuf>,
    /// Dream on one of the studio's glyph digits (0–9).
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=9))]
    pub digit: Option<u8>,
    /// Where to write the result (PNG).
    #[arg(long)]
    pub out: PathBuf,
    /// The layer to amplify (conv1_1 … conv4_2 built in; up to conv5_4 with VGG19).
    #[arg(long)]
    pub layer: Option<String>,
    /// Channels of the layer, comma-separated (default: the preset's; `all` for all).
    #[arg(long)]
    pub channels: Option<String>,
    /// Octaves (default 4; 2 with `--from-run`).
    #[arg(long)]
    pub octaves: Option<usize>,
    /// Iterations per octave.
    #[arg(long, default_value_t = 20)]
    pub iterations: u64,
    /// Step size.
    #[arg(long)]
    pub step_size: Option<f64>,
    /// Longer side of the working picture, in pixels (default 256; 56 with `--from-run`).
    #[arg(long)]
    pub size: Option<usize>,
    /// VGG16/VGG19 weights (safetensors); default: the built-in random filters.
    #[arg(long, value_name = "SAFETENSORS", conflicts_with = "from_run")]
    pub weights: Option<PathBuf>,
    /// A run folder of an image GAN the studio trained: its discriminator is the network.
    #[arg(long, value_name = "DIR")]
    pub from_run: Option<PathBuf>,
}

/// Runs `stylize`.
pub fn stylize(args: StylizeArgs) -> anyhow::Result<()> {
    if let Some(run) = &args.model {
        return super::stylize_model::run(
            run,
            args.content.as_deref(),
            &args.out,
            args.size,
            args.preserve_colour,
        );
    }
    let mut spec =
        crate::experiments::ExperimentSpec::StyleTransfer(presets::style_transfer_default()?);
    if let Some(w) = &args.weights {
        feature_choice::use_vgg(&mut spec, w.clone());
    }
    let crate::experiments::ExperimentSpec::StyleTransfer(mut s) = spec else {
        anyhow::bail!("not a style transfer");
    };
    if let Some(p) = args.content {
        s.pictures.content = PictureSource::File(p);
    }
    if let Some(p) = args.style {
        s.pictures.style = PictureSource::File(p);
    }
    s.schedule.steps = args.steps;
    s.pictures.size = args.size.unwrap_or(256);
    s.pictures.preserve_colour = args.preserve_colour;
    if let Some(w) = args.style_weight {
        s.loss.style = w;
    }
    if let Some(w) = args.content_weight {
        s.loss.content = w;
    }
    if args.adam {
        s.optimise.optimiser = PixelOptimiser::Adam;
    }
    if args.from_noise {
        s.optimise.start = StartFrom::Noise;
    }
    let intro = format!(
        "style transfer at {} px with {}",
        s.pictures.size,
        network_name(&s.network)
    );
    run(s.into(), &args.out, &intro)
}

/// Runs `dream`.
pub fn dream(args: DreamArgs) -> anyhow::Result<()> {
    let mut spec = crate::experiments::ExperimentSpec::DeepDream(presets::deep_dream_default()?);
    choose_network(&mut spec, &args.weights, &args.from_run)?;
    let crate::experiments::ExperimentSpec::DeepDream(mut s) = spec else {
        anyhow::bail!("not a dream");
    };
    if let Some(p) = args.image {
        s.picture = PictureSource::File(p);
    }
    if let Some(d) = args.digit {
        s.picture = PictureSource::Digit(d);
    }
    if let Some(l) = args.layer {
        s.dream.layer = l;
        s.dream.channels.clear();
    }
    if let Some(c) = &args.channels {
        s.dream.channels = if c.trim() == "all" {
            Vec::new()
        } else {
            c.split(',')
                .map(|t| {
                    t.trim()
                        .parse()
                        .map_err(|_| anyhow::anyhow!("--channels: {t:?} is not a channel number"))
                })
                .collect::<anyhow::Result<_>>()?
        };
    }
    if let Some(step) = args.step_size {
        s.dream.step_size = step;
    }
    if let Some(o) = args.octaves {
        s.dream.octaves = o;
    }
    if let Some(size) = args.size {
        s.size = size;
    }
    s.schedule.steps = args.iterations * s.dream.octaves as u64;
    let intro = format!("dreaming with {}", network_name(&s.network));
    run(s.into(), &args.out, &intro)
}

/// The network a spec names, for the first line of output.
fn network_name(source: &FeatureSource) -> String {
    match source {
        FeatureSource::BuiltIn { seed } => format!("built-in random filters (seed {seed})"),
        FeatureSource::Vgg { path } => format!("VGG weights from {}", path.display()),
        FeatureSource::Run { folder } => format!("the discriminator of {}", folder.display()),
    }
}

/// Switches `spec` to VGG weights or a trained run's discriminator, if asked.
fn choose_network(
    spec: &mut crate::experiments::ExperimentSpec,
    weights: &Option<PathBuf>,
    from_run: &Option<PathBuf>,
) -> anyhow::Result<()> {
    if let Some(w) = weights {
        feature_choice::use_vgg(spec, w.clone());
    }
    if let Some(folder) = from_run {
        let source = FeatureSource::Run {
            folder: folder.clone(),
        };
        let (_, layers) = feature_choice::describe(&source)?;
        feature_choice::use_network(spec, source, &layers);
    }
    Ok(())
}

/// Runs `spec` in the worker like every other front end (no run folder), with a
/// progress bar, until it ends or Ctrl-C stops it; then writes the picture it made
/// to `out`. `intro` is said once the run has started (a spec that cannot start
/// fails with its one line alone). A diverging loss or a failure ends it with one line.
fn run(spec: ExperimentSpec, out: &std::path::Path, intro: &str) -> anyhow::Result<()> {
    // Found now, not after minutes of work.
    crate::runs::atomic::check_writable(out)?;
    let interrupted = super::headless::interrupt_flag();
    let steps = spec.schedule().steps;
    let worker = WorkerHandle::spawn(WorkerConfig::default())?;
    let options = RunOptions {
        out_dir: None,
        start_paused: false,
    };
    if !worker.send(Command::Start {
        spec: Box::new(spec),
        options,
    }) {
        anyhow::bail!("the worker thread is not running");
    }
    let bar = ProgressBar::new(steps);
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:30} {pos}/{len} iterations · {per_sec} · ETA {eta} · {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let outcome = super::headless::drive(
        &worker,
        &bar,
        &interrupted,
        |_| eprintln!("{intro}"),
        |names, values| {
            names
                .iter()
                .zip(values)
                .filter_map(|(n, v)| v.map(|v| format!("{n} {v:.4}")))
                .collect::<Vec<_>>()
                .join(", ")
        },
    )?;
    let picture = outcome
        .picture
        .ok_or_else(|| anyhow::anyhow!("the run made no picture"))?;
    save_png(out, &picture)?;
    let secs = started.elapsed().as_secs_f64();
    let done = outcome.step;
    println!(
        "{} after {done} iterations in {secs:.1} s ({:.3} s per iteration) → {}",
        if outcome.stopped {
            "stopped"
        } else {
            "finished"
        },
        secs / done.max(1) as f64,
        out.display()
    );
    println!("last: {}", outcome.last_row);
    Ok(())
}
