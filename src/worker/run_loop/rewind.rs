//! A continued run's history is sent to the front end as far as its checkpoint, and
//! its folder is rewound to that checkpoint — its rows and live
//! changes after the checkpoint dropped (they are taken again), its record of how
//! it ended cleared, its `config.toml` given the new length — only when the run
//! first moves on. A run opened and closed again without a step is left as it was.

use std::path::Path;

use super::RunLoop;
use crate::Result;
use crate::experiments::ExperimentSpec;
use crate::runs::changes_file::CHANGES_FILE;
use crate::runs::metrics_file::{self, MetricsFile};
use crate::runs::{RunFolder, atomic, lineage, run_state};
use crate::worker::protocol::{Event, MetricRow};

/// What a continued run's folder is rewound to.
#[derive(Debug)]
pub(super) struct Rewind {
    /// The step of the last row kept in `metrics.csv`.
    pub through: u64,
    /// The checkpoint's step: live changes after it are dropped.
    pub step: u64,
    /// The new `config.toml` (the spec with its length, a branch's lineage kept).
    pub config: String,
}

impl Rewind {
    /// The rewind of the run folder `dir` to the checkpoint of `step` whose last
    /// row was `through`, continued as `spec`.
    pub fn new(dir: &Path, spec: &ExperimentSpec, step: u64, through: u64) -> Result<Self> {
        let lineage = lineage::recorded(dir);
        Ok(Self {
            through,
            step,
            config: lineage::with_lineage(&spec.to_toml()?, lineage.as_ref()),
        })
    }

    fn apply(&self, folder: &RunFolder) -> Result<()> {
        metrics_file::keep_rows_through(&folder.metrics_path(), self.through)?;
        metrics_file::keep_rows_through(&folder.root().join(CHANGES_FILE), self.step)?;
        run_state::clear_ended(folder.root());
        atomic::write_atomic(&folder.config_path(), self.config.as_bytes())
    }
}

impl RunLoop {
    /// Rewinds a continued run's folder before its first write (once).
    pub(super) fn rewind_if_pending(&mut self) -> Result<()> {
        let Some(r) = self.run.as_mut() else {
            return Ok(());
        };
        let (Some(rewind), Some(folder)) = (r.rewind.take(), r.folder.as_ref()) else {
            return Ok(());
        };
        rewind.apply(folder)?;
        // The file was replaced: append to the new one.
        r.metrics_file = Some(MetricsFile::open(&folder.metrics_path(), &r.names)?);
        Ok(())
    }

    /// Sends a continued run's history as the rewind keeps it — its rows, then the
    /// marks of its live changes up to the checkpoint — and returns the training
    /// seconds of its last row.
    pub(super) fn replay_history(
        &mut self,
        folder: &RunFolder,
        names: &[&'static str],
        rewind: &Rewind,
    ) -> f64 {
        let mut elapsed_before_s = 0.0;
        if let Ok((columns, rows)) = metrics_file::read(&folder.metrics_path()) {
            let index: Vec<Option<usize>> = names
                .iter()
                .map(|n| columns.iter().position(|c| c == n))
                .collect();
            let clock = columns.iter().position(|c| c == metrics_file::ELAPSED);
            for (step, cells) in rows.into_iter().filter(|(s, _)| *s <= rewind.through) {
                let values = index
                    .iter()
                    .map(|i| i.and_then(|i| cells.get(i).copied().flatten()))
                    .collect();
                let elapsed_s = clock.and_then(|i| cells.get(i).copied().flatten());
                if let Some(t) = elapsed_s {
                    elapsed_before_s = t;
                }
                self.emit(Event::Metrics(MetricRow {
                    step,
                    values,
                    elapsed_s,
                }));
            }
        }
        let past: Vec<(u64, String, String)> =
            crate::runs::changes_file::read(&folder.root().join(CHANGES_FILE))
                .into_iter()
                .filter(|c| c.step <= rewind.step)
                .map(|c| (c.step, c.key, c.value))
                .collect();
        if !past.is_empty() {
            self.emit(Event::PastChanges(past));
        }
        elapsed_before_s
    }

    /// Whether the active run is a continued one that has not moved yet.
    pub(super) fn untouched(&self) -> bool {
        self.run.as_ref().is_some_and(|r| r.rewind.is_some())
    }
}
