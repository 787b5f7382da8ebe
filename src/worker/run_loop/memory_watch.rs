//! Training stops short of running the machine out of memory: on Linux an
//! allocation rarely fails, the kernel kills the process instead, without a word
//! and with the run's unsaved steps. So between steps, twice a second, the worker
//! reads the memory available; under a floor it saves a checkpoint and pauses the run
//! with the figures, as a full disk does (headless: the CLI exits with that line).
//! `--force` turns the watch off.

use std::time::{Duration, Instant};

use super::RunLoop;
use crate::memory_guard;
use crate::worker::protocol::Event;

/// How often the memory is read.
const EVERY: Duration = Duration::from_millis(500);

/// The floor: 5% of the machine's memory, at most 256 MB.
pub(super) fn floor_bytes(total: u64) -> u64 {
    (total / 20).min(256 << 20)
}

/// When the memory was last read.
#[derive(Debug)]
pub(super) struct MemoryWatch {
    last: Instant,
}

impl Default for MemoryWatch {
    fn default() -> Self {
        Self {
            last: Instant::now(),
        }
    }
}

/// The pause message when `available` of `total` bytes is under the floor.
pub(super) fn verdict(available: u64, total: u64) -> Option<String> {
    (available < floor_bytes(total)).then(|| {
        format!(
            "the machine is nearly out of memory ({} available of {}): paused before the \
             system stops the studio, the last checkpoint kept (close other programs, or lower \
             the batch size or the network, then Resume)",
            memory_guard::human(available),
            memory_guard::human(total)
        )
    })
}

impl RunLoop {
    /// Pauses the run at `step` when the machine is nearly out of memory.
    pub(super) fn watch_memory(&mut self, step: u64) {
        if memory_guard::forced() || self.memory_watch.last.elapsed() < EVERY {
            return;
        }
        self.memory_watch.last = Instant::now();
        let Some((available, total)) = memory_guard::available_and_total() else {
            return;
        };
        let Some(msg) = verdict(available, total) else {
            return;
        };
        let saved = self.checkpoint();
        if let Some(r) = self.run.as_mut() {
            r.set_paused(true);
        }
        let reason = match saved {
            Ok(None) => msg,
            Ok(Some(why)) => format!("{msg}; {why}"),
            Err(e) => format!("{msg}; the checkpoint failed: {e}"),
        };
        self.emit(Event::Paused {
            step,
            reason: Some(reason),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_pauses_under_the_floor_only() {
        let gb = 1u64 << 30;
        assert_eq!(floor_bytes(24 * gb), 256 << 20);
        assert_eq!(floor_bytes(2 * gb), 2 * gb / 20);
        assert!(verdict(8 * gb, 24 * gb).is_none());
        let msg = verdict(100 << 20, 24 * gb).expect("under the floor");
        assert!(msg.contains("available") && msg.contains("Resume"), "{msg}");
    }
}
