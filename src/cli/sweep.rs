//! `latent-studio sweep PRESET --vary KEY=V1,V2… [--vary …] [--steps N]
//! [--parallel K] [--out DIR] [--set KEY=VALUE]…`: every combination of up to
//! three settings, each a `train` of its own (a child process) into one sweep
//! folder of run folders, `sweep.toml` saying what was varied. Ctrl-C stops
//! after the runs going now; the same command continues the sweep, skipping the
//! runs that finished (one cut short is trained again from the start).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::Duration;

use clap::Args;

use crate::experiments::run_sweep::Sweep;
use crate::runs::RunFolder;
use crate::runs::run_state::{self, EndKind};

/// Options of `sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// A preset: a TOML file, or a built-in name such as `gan2d_ring`.
    pub preset: String,
    /// A setting and its values, `train.lr_g=1e-4,3e-4,1e-3` (one to three of them).
    #[arg(long = "vary", value_name = "KEY=V1,V2,…", required = true)]
    pub vary: Vec<String>,
    /// Training steps of every run (overrides `schedule.steps`).
    #[arg(long)]
    pub steps: Option<u64>,
    /// Runs trained at once (each gets the cores divided among them).
    #[arg(long, default_value_t = 1)]
    pub parallel: usize,
    /// The sweep folder (default: a new folder under `runs/`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Overrides every run shares, as in `train` (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

/// Runs the sweep.
pub fn run(args: SweepArgs) -> anyhow::Result<()> {
    let base = super::load_preset(&args.preset)?;
    let sweep = Sweep::new(&args.preset, &base, &args.vary, &args.set, args.steps)?;
    let root = match &args.out {
        Some(dir) => dir.clone(),
        None => RunFolder::next_free(Path::new("runs"), &format!("sweep {}", base.name())),
    };
    sweep.write_or_check(&root)?;
    let combos = sweep.combinations();
    let todo: Vec<_> = combos
        .iter()
        .filter(|c| {
            let dir = root.join(&c.folder);
            !run_state::read_ended(&dir).is_some_and(|e| e.how == EndKind::Finished)
        })
        .collect();
    println!(
        "sweep {}: {} runs, {} done, {} to train",
        root.display(),
        combos.len(),
        combos.len() - todo.len(),
        todo.len()
    );
    let parallel = args.parallel.clamp(1, 8);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = (cores / parallel).max(1);
    let interrupted = super::headless::interrupt_flag();
    let exe = std::env::current_exe()?;
    let mut going: Vec<(String, Child)> = Vec::new();
    let mut queue = todo.into_iter();
    let mut failed = Vec::new();
    loop {
        while going.len() < parallel && !interrupted.load(Ordering::SeqCst) {
            let Some(combo) = queue.next() else { break };
            let dir = root.join(&combo.folder);
            if dir.exists() {
                // Cut short before: trained again from the start (exact resume is not
                // yet in the checkpoint), the old folder kept in the trash.
                crate::runs::manage::trash(&dir)?;
            }
            let mut command = Command::new(&exe);
            command
                .arg("train")
                .arg(&sweep.preset)
                .arg("--out")
                .arg(&dir)
                .args(["--threads", &threads.to_string()])
                .stdout(Stdio::null())
                .stderr(Stdio::piped());
            for assignment in sweep.assignments(combo) {
                command.args(["--set", &assignment]);
            }
            println!("training {} ({})", combo.folder, combo.label());
            going.push((combo.folder.clone(), command.spawn()?));
        }
        if going.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        let mut still = Vec::new();
        for (name, mut child) in going {
            match child.try_wait()? {
                None => still.push((name, child)),
                Some(status) => {
                    let output = child.wait_with_output()?;
                    let said = String::from_utf8_lossy(&output.stderr);
                    let last = said.lines().rev().find(|l| !l.trim().is_empty());
                    let ended = run_state::read_ended(&root.join(&name)).map(|e| e.how);
                    if status.success() && ended == Some(EndKind::Finished) {
                        println!("finished {name}");
                    } else if ended == Some(EndKind::Stopped) {
                        println!("stopped {name} (it is trained again when the sweep continues)");
                    } else {
                        let why = last.unwrap_or("no message").trim().to_string();
                        println!("failed {name}: {why}");
                        failed.push(name);
                    }
                }
            }
        }
        going = still;
    }
    let done = combos
        .iter()
        .filter(|c| {
            run_state::read_ended(&root.join(&c.folder)).is_some_and(|e| e.how == EndKind::Finished)
        })
        .count();
    if interrupted.load(Ordering::SeqCst) && done < combos.len() {
        println!(
            "stopped with {done} of {} runs finished; the same command continues the sweep",
            combos.len()
        );
        return Ok(());
    }
    if !failed.is_empty() {
        anyhow::bail!(
            "{} of {} runs failed ({}); see their folders' ended.toml",
            failed.len(),
            combos.len(),
            failed.join(", ")
        );
    }
    println!(
        "all {} runs finished: latent-studio runs {}",
        combos.len(),
        root.display()
    );
    Ok(())
}
