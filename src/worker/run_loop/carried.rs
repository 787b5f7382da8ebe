//! What the loop itself carries in a checkpoint besides the experiment's state:
//! the partial averages of the row being gathered and the run's clock, so a
//! continued run writes the rows and times the uninterrupted one would.

use crate::Result;
use crate::experiments::TrainState;
use crate::experiments::train_state::LAST_LOGGED;

/// The loop's part of a checkpoint's training state.
#[derive(Debug, Default)]
pub(super) struct LoopState {
    /// Sums and counts of each metric since the last row.
    pub sums: Option<Vec<(f64, u32)>>,
    /// Training seconds so far.
    pub elapsed_s: Option<f64>,
    /// The step of the last row in `metrics.csv` when the checkpoint was written
    /// (a run's last row comes after its last checkpoint, and is taken again).
    pub last_logged: Option<u64>,
}

impl LoopState {
    /// Adds the loop's part to `state`.
    pub fn put(
        state: &mut TrainState,
        sums: &[(f64, u32)],
        elapsed_s: f64,
        last_logged: Option<u64>,
    ) -> Result<()> {
        state.put("loop.sums", &sums)?;
        state.put("loop.elapsed_s", &elapsed_s)?;
        state.put(LAST_LOGGED, &last_logged)
    }

    /// The loop's part of `state` (absent parts stay `None`).
    pub fn from_state(state: &TrainState) -> Result<Self> {
        Ok(Self {
            sums: state.get("loop.sums").ok(),
            elapsed_s: state.get("loop.elapsed_s").ok(),
            last_logged: state.get(LAST_LOGGED).ok().flatten(),
        })
    }
}
