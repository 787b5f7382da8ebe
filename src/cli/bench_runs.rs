//! The Runs tab's benchmarks (`latent-studio bench runs-list | runs-overlay`):
//! listing 500 run folders, and a frame of the comparison of 8 runs × 20 metrics ×
//! 100,000 rows (the UI's work: layout, plots and tessellation, headless). Each
//! "step" is one listing or one frame; the output is that of the other benchmarks.

use std::path::Path;
use std::time::Instant;

use crate::app::actions::Actions;
use crate::app::panels::runs_compare::CompareView;
use crate::app::state::AppState;
use crate::experiments::run_compare::RunSeries;
use crate::experiments::run_summary;
use crate::presets;

/// The benchmarks this module times: name and what it times.
pub const BENCHES: [(&str, &str); 2] = [
    (
        "runs-list",
        "the Runs tab's listing of 500 run folders (config, metrics of 200 rows, checkpoint)",
    ),
    (
        "runs-overlay",
        "one frame of the comparison of 8 runs × 20 metrics × 100,000 rows (UI work, headless)",
    ),
];

/// Times `name` for `steps` steps after `warmup`; returns each step's seconds.
pub fn run(name: &str, steps: usize, warmup: usize) -> anyhow::Result<Vec<f64>> {
    match name {
        "runs-list" => list(steps, warmup),
        _ => overlay(steps, warmup),
    }
}

/// Writes `n` run folders of the default preset under `root`.
fn write_runs(root: &Path, n: usize) -> anyhow::Result<()> {
    let config = presets::default_spec()?.to_toml()?;
    let mut csv = String::from("step");
    for m in 0..10 {
        csv.push_str(&format!(",metric_{m}"));
    }
    csv.push_str(",modes_captured,elapsed_s\n");
    for row in 0..200 {
        csv.push_str(&(row * 25).to_string());
        for m in 0..10 {
            csv.push_str(&format!(",{:.6}", (row as f64 * 0.1 + m as f64).sin()));
        }
        csv.push_str(&format!(",{},{:.2}\n", row % 9, row as f64 * 0.5));
    }
    for i in 0..n {
        let dir = root.join(format!("run-{i:03}"));
        std::fs::create_dir_all(dir.join("samples"))?;
        std::fs::write(dir.join("config.toml"), &config)?;
        std::fs::write(dir.join("metrics.csv"), &csv)?;
        std::fs::write(dir.join(crate::runs::folder::CHECKPOINT_FILE), b"weights")?;
    }
    Ok(())
}

fn list(steps: usize, warmup: usize) -> anyhow::Result<Vec<f64>> {
    let dir = tempfile::tempdir()?;
    write_runs(dir.path(), 500)?;
    let mut times = Vec::new();
    for i in 0..warmup + steps {
        let start = Instant::now();
        let (runs, unreadable) = run_summary::scan(dir.path())?;
        anyhow::ensure!(
            runs.len() == 500 && unreadable.is_empty(),
            "listed {}",
            runs.len()
        );
        if i >= warmup {
            times.push(start.elapsed().as_secs_f64());
        }
    }
    Ok(times)
}

/// Eight runs of twenty metrics, 100,000 rows each, with a spike now and then.
fn big_runs() -> Vec<RunSeries> {
    (0..8)
        .map(|r| RunSeries {
            folder: format!("run-{r}").into(),
            label: format!("run-{r}"),
            metrics: (0..20)
                .map(|m| {
                    let points = (0..100_000)
                        .map(|i| {
                            let x = i as f64;
                            let spike = if i % 9_973 == r { 5.0 } else { 0.0 };
                            [x, (x * 1e-4 + m as f64 + r as f64 * 0.1).sin() + spike]
                        })
                        .collect();
                    (format!("metric_{m}"), points)
                })
                .collect(),
            clock: (0..100_000).map(|i| [i as f64, i as f64 * 0.01]).collect(),
            changes: Vec::new(),
            config: Some(format!("seed = {r}\n")),
            samples: Vec::new(),
            lineage: None,
        })
        .collect()
}

fn overlay(steps: usize, warmup: usize) -> anyhow::Result<Vec<f64>> {
    let runs = big_runs();
    let state = AppState::new(presets::default_spec()?);
    let mut view = CompareView::default();
    let ctx = egui::Context::default();
    let input = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1400.0, 900.0),
        )),
        ..Default::default()
    };
    let mut times = Vec::new();
    for i in 0..warmup + steps {
        let start = Instant::now();
        let mut actions = Actions::default();
        let mut output = ctx.run_ui(input(), |ui| view.ui(ui, &runs, &state, &mut actions));
        // No renderer takes the font atlas: let it go.
        output.textures_delta.clear();
        let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
        std::hint::black_box(primitives);
        if i >= warmup {
            times.push(start.elapsed().as_secs_f64());
        }
    }
    Ok(times)
}
