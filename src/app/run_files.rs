//! The Runs tab's disk work, off the UI thread: reading run folders (the list,
//! a comparison's metrics, thumbnails of last samples) and changing them (notes,
//! rename, move to the trash). One named thread takes the jobs in order; the
//! window drains the outcomes each frame.

use std::path::PathBuf;

use crossbeam_channel::{Receiver, Sender, unbounded};

use crate::experiments::run_compare::{self, RunSeries};
use crate::experiments::run_summary::{self, Scanned};
use crate::runs::manage;
use crate::runs::notes::{self, RunNotes};
use crate::view::RgbImage;

/// Side of a run's thumbnail in the list, in pixels.
pub const THUMB_SIDE: u32 = 40;

/// What to do.
#[derive(Clone, Debug)]
pub enum RunJob {
    /// List the run folders under each folder.
    Scan(Vec<PathBuf>),
    /// Read these runs' metrics to compare them.
    Compare(Vec<PathBuf>),
    /// Make thumbnails of these runs' last samples: (run folder, picture).
    Thumbnails(Vec<(PathBuf, PathBuf)>),
    /// Read these saved samples (pictures or text) to show side by side.
    Samples(Vec<PathBuf>),
    /// Start a sweep in a process of its own.
    Sweep(Box<SweepJob>),
    /// Write a run's note and tags.
    SaveNotes(PathBuf, RunNotes),
    /// Rename a run folder.
    Rename(PathBuf, String),
    /// Move a run folder to the trash.
    Trash(PathBuf),
    /// Read a run's checkpoint at or before a step, to branch it.
    BranchPick(PathBuf, u64),
    /// Write a branch's folder.
    BranchWrite(Box<super::branching::BranchWrite>),
}

/// What came of a job.
#[derive(Clone, Debug)]
pub enum RunOutcome {
    /// The runs listed, newest first, and the folders that could not be read (with
    /// why); or why no folder could be read at all.
    Scanned(Result<Scanned, String>),
    /// A comparison's metrics (or why a run could not be read).
    Compared(Result<Vec<RunSeries>, String>),
    /// Thumbnails made: (run folder, picture it shows, thumbnail).
    Thumbnails(Vec<(PathBuf, PathBuf, RgbImage)>),
    /// Saved samples read: each file's picture or text, or why it could not be read.
    Samples(Vec<(PathBuf, Result<SavedSample, String>)>),
    /// A change was made (a sentence for the log) or refused (why); the list is
    /// to be read again.
    Changed(Result<String, String>),
    /// A parent's checkpoint read for a branch (or why not).
    BranchPicked(Result<Box<super::branching::Picked>, String>),
    /// A branch's folder written, with the settings it changed (or why not).
    BranchWritten(Result<(PathBuf, Vec<(String, String)>), String>),
}

/// A sweep to start: the program to run (the studio itself), the experiment, the
/// settings varied, the steps and runs at once, and the new sweep folder.
#[derive(Clone, Debug)]
pub struct SweepJob {
    /// The `latent-studio` program.
    pub exe: PathBuf,
    /// The experiment every run starts from.
    pub spec: crate::experiments::ExperimentSpec,
    /// Up to three `key=v1,v2,…`.
    pub vary: Vec<String>,
    /// Steps of each run.
    pub steps: u64,
    /// Runs at once.
    pub parallel: usize,
    /// The sweep folder to make.
    pub folder: PathBuf,
}

/// Checks every combination, writes the experiment as `base.toml` into the sweep
/// folder and starts `latent-studio sweep` on it, its output in `sweep.log`.
pub fn start_sweep(job: &SweepJob) -> Result<String, String> {
    use crate::experiments::run_sweep::Sweep;
    let base = job.folder.join("base.toml");
    let sweep = Sweep::new(
        &base.display().to_string(),
        &job.spec,
        &job.vary,
        &[],
        Some(job.steps),
    )
    .map_err(|e| e.to_string())?;
    std::fs::create_dir_all(&job.folder).map_err(|e| format!("{}: {e}", job.folder.display()))?;
    let toml = job.spec.to_toml().map_err(|e| e.to_string())?;
    crate::runs::atomic::write_atomic(&base, toml.as_bytes()).map_err(|e| e.to_string())?;
    let log_path = job.folder.join("sweep.log");
    let log =
        std::fs::File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
    let log_err = log.try_clone().map_err(|e| e.to_string())?;
    let mut command = std::process::Command::new(&job.exe);
    command.arg("sweep").arg(&base);
    for v in &job.vary {
        command.args(["--vary", v]);
    }
    command
        .args([
            "--steps",
            &job.steps.to_string(),
            "--parallel",
            &job.parallel.to_string(),
        ])
        .arg("--out")
        .arg(&job.folder)
        .stdout(log)
        .stderr(log_err);
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start the grid: {e}"))?;
    // Reaped when it ends, so it leaves no zombie behind.
    let _ = std::thread::Builder::new()
        .name("sweep-wait".into())
        .spawn(move || child.wait());
    Ok(format!(
        "grid of {} runs started into {} (its progress: sweep.log)",
        sweep.combinations().len(),
        job.folder.display()
    ))
}

/// A saved sample, read back.
#[derive(Clone, Debug)]
pub enum SavedSample {
    /// A picture (a sample grid, a 2-D canvas).
    Picture(RgbImage),
    /// What a character model wrote.
    Text(String),
}

/// Largest side of a sample shown side by side, in pixels.
const SAMPLE_SIDE: u32 = 512;

/// The thread and its two channels.
pub struct RunFiles {
    jobs: Sender<RunJob>,
    outcomes: Receiver<RunOutcome>,
}

impl RunFiles {
    /// Starts the thread; `wake` is called after each outcome (to repaint).
    pub fn new(wake: impl Fn() + Send + 'static) -> Self {
        let (jobs, inbox) = unbounded::<RunJob>();
        let (outbox, outcomes) = unbounded();
        let spawned = std::thread::Builder::new()
            .name("run-files".into())
            .spawn(move || {
                for job in inbox {
                    if outbox.send(perform(job)).is_err() {
                        break;
                    }
                    wake();
                }
            });
        if let Err(e) = spawned {
            // Without the thread the jobs are done nowhere: say so once each.
            let (tx, rx) = unbounded();
            let _ = tx.send(RunOutcome::Scanned(Err(format!(
                "cannot read run folders: no thread ({e})"
            ))));
            return Self {
                jobs: unbounded().0,
                outcomes: rx,
            };
        }
        Self { jobs, outcomes }
    }

    /// Queues a job.
    pub fn send(&self, job: RunJob) {
        let _ = self.jobs.send(job);
    }

    /// Outcomes that have arrived.
    pub fn outcomes(&self) -> impl Iterator<Item = RunOutcome> + '_ {
        self.outcomes.try_iter()
    }
}

/// Does one job (on the thread).
pub fn perform(job: RunJob) -> RunOutcome {
    match job {
        RunJob::Scan(dirs) => RunOutcome::Scanned(scan(&dirs)),
        RunJob::Compare(folders) => {
            RunOutcome::Compared(run_compare::load(&folders).map_err(|e| e.to_string()))
        }
        RunJob::Thumbnails(wanted) => RunOutcome::Thumbnails(
            wanted
                .into_iter()
                .filter_map(|(run, picture)| {
                    let thumb = manage::thumbnail(&picture, THUMB_SIDE).ok()?;
                    Some((run, picture, thumb))
                })
                .collect(),
        ),
        RunJob::Samples(paths) => RunOutcome::Samples(
            paths
                .into_iter()
                .map(|p| {
                    let read = if p.extension().is_some_and(|x| x == "txt") {
                        std::fs::read_to_string(&p)
                            .map(SavedSample::Text)
                            .map_err(|e| format!("{}: {e}", p.display()))
                    } else {
                        manage::thumbnail(&p, SAMPLE_SIDE)
                            .map(SavedSample::Picture)
                            .map_err(|e| e.to_string())
                    };
                    (p, read)
                })
                .collect(),
        ),
        RunJob::Sweep(job) => RunOutcome::Changed(start_sweep(&job)),
        RunJob::SaveNotes(folder, n) => RunOutcome::Changed(
            notes::write(&folder, &n)
                .map(|()| format!("notes of {} saved", run_summary::folder_name(&folder)))
                .map_err(|e| e.to_string()),
        ),
        RunJob::Rename(folder, name) => RunOutcome::Changed(
            manage::rename(&folder, &name)
                .map(|to| format!("renamed {} to {}", folder.display(), to.display()))
                .map_err(|e| e.to_string()),
        ),
        RunJob::BranchPick(parent, step) => super::branching::pick(&parent, step),
        RunJob::BranchWrite(job) => super::branching::write(&job),
        RunJob::Trash(folder) => RunOutcome::Changed(
            manage::trash(&folder)
                .map(|to| format!("moved {} to {}", folder.display(), to.display()))
                .map_err(|e| e.to_string()),
        ),
    }
}

/// The runs under every folder of `dirs` (the first is the runs folder; the others
/// were added, and may be a run folder themselves), newest first. The runs folder
/// holds no runs before the first run makes it; an added folder that cannot be
/// read is named with why.
fn scan(dirs: &[PathBuf]) -> Result<Scanned, String> {
    let (mut runs, mut unreadable) = (Vec::new(), Vec::new());
    for (i, dir) in dirs.iter().enumerate() {
        if dir.join("config.toml").is_file() {
            match run_summary::summarise(dir) {
                Ok(s) => runs.push(s),
                Err(e) => unreadable.push((dir.clone(), e.to_string())),
            }
            continue;
        }
        if !dir.is_dir() {
            if i > 0 {
                unreadable.push((dir.clone(), "no such folder".into()));
            }
            continue;
        }
        match run_summary::scan(dir) {
            Ok((r, u)) => {
                runs.extend(r);
                unreadable.extend(u);
            }
            Err(e) => unreadable.push((dir.clone(), e.to_string())),
        }
    }
    // A run reached twice (its folder and its parent both added, or the runs folder
    // added again by another name: `runs` and its absolute path) is listed once.
    let mut keyed: Vec<(PathBuf, _)> = runs
        .into_iter()
        .map(|r| {
            (
                std::fs::canonicalize(&r.folder).unwrap_or_else(|_| r.folder.clone()),
                r,
            )
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.dedup_by(|a, b| a.0 == b.0);
    let mut runs: Vec<_> = keyed.into_iter().map(|(_, r)| r).collect();
    runs.sort_by(|a, b| b.modified.cmp(&a.modified).then(a.folder.cmp(&b.folder)));
    Ok((runs, unreadable))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run folder at `run`: its `config.toml` of the default preset.
    fn write_run(run: &std::path::Path) {
        std::fs::create_dir_all(run).expect("dir");
        let spec = crate::presets::default_spec().expect("default");
        std::fs::write(run.join("config.toml"), spec.to_toml().expect("toml")).expect("config");
    }

    #[test]
    fn added_folders_are_listed_and_a_missing_one_is_named() {
        let dir = tempfile::tempdir().expect("dir");
        let run = dir.path().join("elsewhere/one-run");
        write_run(&run);
        let dirs = vec![
            dir.path().join("runs"),
            run.clone(),
            dir.path().join("elsewhere"),
            dir.path().join("gone"),
        ];
        let RunOutcome::Scanned(Ok((runs, unreadable))) = perform(RunJob::Scan(dirs)) else {
            panic!("not scanned")
        };
        assert_eq!(runs.len(), 1, "the run once, though reached twice");
        assert_eq!(runs[0].folder, run);
        assert_eq!(
            unreadable,
            vec![(dir.path().join("gone"), "no such folder".to_string())]
        );
    }

    #[test]
    fn a_folder_added_again_by_another_name_lists_its_runs_once() {
        let dir = tempfile::tempdir().expect("dir");
        let run = dir.path().join("runs/one-run");
        write_run(&run);
        // The same folder with a `.` in its path: another name for it.
        let dirs = vec![dir.path().join("runs"), dir.path().join("./runs/../runs")];
        let RunOutcome::Scanned(Ok((runs, _))) = perform(RunJob::Scan(dirs)) else {
            panic!("not scanned")
        };
        assert_eq!(
            runs.len(),
            1,
            "{:?}",
            runs.iter().map(|r| &r.folder).collect::<Vec<_>>()
        );
    }
}
