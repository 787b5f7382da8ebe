//! What the loop records as a run goes: metric rows, views, progress, sample
//! pictures and checkpoints (the run folder's writes are all here).

use std::time::{Duration, Instant};

use super::RunLoop;
use super::carried::LoopState;
use crate::Result;
use crate::experiments::checkpoint;
use crate::runs::atomic::write_atomic;
use crate::runs::history;
use crate::runs::render;
use crate::view::View;
use crate::worker::protocol::{Event, MetricRow, Progress};

/// Views wait at least this many times as long as the last one took to make: views
/// take at most a fortieth of the worker's time, so watching costs little speed.
const VIEW_COST_FACTOR: u32 = 39;

/// How often a progress event is sent at most.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

impl RunLoop {
    /// Sends the row of metrics averaged since the last row, with a fresh evaluation.
    pub(super) fn log_row(&mut self, last: bool) -> Result<()> {
        let Some(r) = self.run.as_mut() else {
            return Ok(());
        };
        let eval = if last {
            r.exp.evaluate_final()?
        } else {
            r.exp.evaluate()?
        };
        r.last_logged = Some(r.step);
        r.accumulate(&eval);
        let values: Vec<Option<f64>> = r
            .sums
            .iter()
            .map(|&(s, n)| (n > 0).then(|| s / n as f64))
            .collect();
        r.sums.iter_mut().for_each(|s| *s = (0.0, 0));
        let elapsed_s = r.clock.seconds();
        let row = MetricRow {
            step: r.step,
            values,
            elapsed_s: Some(elapsed_s),
        };
        let write = r
            .metrics_file
            .as_mut()
            .map(|f| f.append(row.step, &row.values, elapsed_s));
        if let Some(Err(e)) = write {
            r.write_faults.push(format!("metrics not written: {e}"));
        }
        self.emit(Event::Metrics(row));
        Ok(())
    }

    pub(super) fn send_view(&mut self, force: bool) -> Result<()> {
        let Some(interval) = self.config.view_interval else {
            return Ok(());
        };
        let Some(r) = self.run.as_mut() else {
            return Ok(());
        };
        // Views of a big model are costly: keep them to a small share of the worker's time.
        let gap = interval.max(r.view_cost * VIEW_COST_FACTOR);
        let due = r.last_view.is_none_or(|t| t.elapsed() >= gap);
        if !(force || due) {
            return Ok(());
        }
        let started = Instant::now();
        let view = r.exp.view(r.step)?;
        r.view_cost = started.elapsed();
        r.last_view = Some(Instant::now());
        // Bulky: dropped rather than queued when the front end lags.
        if self.events.try_send(Event::View(Box::new(view))).is_ok() {
            self.wake();
        }
        Ok(())
    }

    pub(super) fn send_progress(&mut self, force: bool) {
        let Some(r) = self.run.as_mut() else {
            return;
        };
        if !force && r.last_progress.elapsed() < PROGRESS_INTERVAL {
            return;
        }
        r.last_progress = Instant::now();
        let p = Progress {
            step: r.step,
            last_step: r.last_step,
            steps_per_sec: r.speed.update(r.step),
            elapsed_s: r.clock.seconds(),
            // A slowed-down run waits by choice: that is not starvation.
            cpu_share: if r.delay.is_zero() {
                r.cpu_share.sample()
            } else {
                r.cpu_share.reset();
                None
            },
        };
        // Progress alone does not wake the window: it shows with the next view or row.
        if self.events.send(Event::Progress(p)).is_err() {
            self.disconnected = true;
        }
    }

    pub(super) fn write_sample(&mut self) {
        let Some(r) = self.run.as_mut() else {
            return;
        };
        let Some(folder) = &r.folder else {
            return;
        };
        let path = folder.sample_path(r.step);
        let result = r
            .exp
            .view(r.step)
            .and_then(|v| match (&v, render::render(&v)) {
                (_, Some(picture)) => render::save_png(&path, &picture),
                // Text is kept as text: the prompt, then what the model wrote.
                (View::Text(t), None) => write_atomic(
                    &path.with_extension("txt"),
                    format!("{}{}", t.prompt, t.text).as_bytes(),
                ),
                (_, None) => Ok(()),
            });
        if let Err(e) = result {
            r.write_faults.push(format!("sample not written: {e}"));
        }
    }

    /// Keeps a copy of the weights in memory (for NaN recovery) and writes the
    /// checkpoint: the latest, and an entry of the run's history (which lets go of
    /// older entries as its retention says). Returns why it was not written, if not
    /// (the previous checkpoint and history are then as they were).
    pub(super) fn checkpoint(&mut self) -> Result<Option<String>> {
        if let Some(good) = self.run.as_ref().and_then(|r| r.restored_from) {
            // The weights are the last checkpoint's: it stays, with its own step.
            self.emit(Event::Notice(format!(
                "the checkpoint of step {good} is kept (training diverged after it)"
            )));
            return Ok(None);
        }
        self.snapshot()?;
        let Some(r) = self.run.as_ref() else {
            return Ok(None);
        };
        let (Some(folder), Some((step, tensors))) = (&r.folder, &r.last_good) else {
            return Ok(None);
        };
        let step = *step;
        let path = folder.checkpoint_path();
        let spec = r.exp.spec();
        let mut state = r.exp.train_state()?;
        let elapsed_s = r.clock.seconds();
        LoopState::put(&mut state, &r.sums, elapsed_s, r.last_logged)?;
        let schedule = spec.schedule();
        let rule = history::Retention {
            every: schedule.checkpoint_every,
            keep: schedule.keep_checkpoints,
            budget_bytes: schedule.checkpoint_budget_mb.saturating_mul(1 << 20),
        };
        let written = checkpoint::encode_resumable(&path, &spec, step, tensors, &state)
            .and_then(|bytes| history::record(folder.root(), step, &bytes, rule));
        match written {
            Ok(_) => {
                self.emit(Event::Notice(format!("checkpoint saved at step {step}")));
                Ok(None)
            }
            Err(e) => Ok(Some(format!("checkpoint of step {step} not written: {e}"))),
        }
    }

    pub(super) fn snapshot(&mut self) -> Result<()> {
        if let Some(r) = self.run.as_mut() {
            let copies = r
                .exp
                .tensors()
                .into_iter()
                .map(|(n, t)| Ok((n, t.copy()?)))
                .collect::<Result<Vec<_>>>()?;
            r.last_good = Some((r.step, copies));
        }
        Ok(())
    }
}
