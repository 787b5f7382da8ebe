//! How much of the CPU the training thread gets while it wants to run: Linux's
//! per-thread scheduler statistics (`/proc/thread-self/schedstat`: nanoseconds on a
//! CPU, nanoseconds runnable but waiting). A run that waits more than it runs is
//! starved by other programs (or by the window, at a lower priority).

use std::time::{Duration, Instant};

/// Below this share of the time it wants, the window says the run is starved.
pub const STARVED_BELOW: f64 = 1.0 / 3.0;

/// Samples the calling thread's share of the CPU over windows of a few seconds.
#[derive(Debug)]
pub struct CpuShare {
    last: Option<(Instant, u64, u64)>,
    share: Option<f64>,
}

/// The window over which a share is measured.
const WINDOW: Duration = Duration::from_secs(3);

impl Default for CpuShare {
    fn default() -> Self {
        Self::new()
    }
}

impl CpuShare {
    /// A probe with no sample yet.
    pub fn new() -> Self {
        Self {
            last: None,
            share: None,
        }
    }

    /// Call from the training thread; returns the latest share (`None` until one
    /// window has passed, or where the system does not say).
    pub fn sample(&mut self) -> Option<f64> {
        let now = Instant::now();
        let due = self
            .last
            .is_none_or(|(at, _, _)| now.duration_since(at) >= WINDOW);
        if due && let Some((run, wait)) = read_schedstat() {
            if let Some((_, run0, wait0)) = self.last {
                self.share = share_of(run.saturating_sub(run0), wait.saturating_sub(wait0));
            }
            self.last = Some((now, run, wait));
        }
        self.share
    }

    /// Forgets the past (after a pause or a slow-down, which are not starvation).
    pub fn reset(&mut self) {
        self.last = None;
        self.share = None;
    }
}

/// Running time over wanted time (running + waiting); `None` when too little happened.
pub fn share_of(run_ns: u64, wait_ns: u64) -> Option<f64> {
    let wanted = run_ns + wait_ns;
    (wanted >= 100_000_000).then(|| run_ns as f64 / wanted as f64)
}

#[cfg(target_os = "linux")]
fn read_schedstat() -> Option<(u64, u64)> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    parse_schedstat(&text)
}

#[cfg(not(target_os = "linux"))]
fn read_schedstat() -> Option<(u64, u64)> {
    None
}

/// `run_ns wait_ns timeslices` → (run, wait).
pub fn parse_schedstat(text: &str) -> Option<(u64, u64)> {
    let mut it = text.split_whitespace().map(|w| w.parse::<u64>().ok());
    Some((it.next()??, it.next()??))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_is_running_time_over_wanted_time() {
        assert_eq!(parse_schedstat("300 100 7\n"), Some((300, 100)));
        assert_eq!(parse_schedstat("garbage"), None);
        assert_eq!(share_of(900_000_000, 100_000_000), Some(0.9));
        let starved = share_of(100_000_000, 400_000_000).unwrap();
        assert!(starved < STARVED_BELOW, "{starved}");
        assert_eq!(share_of(1000, 1000), None, "too little time to judge");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_busy_thread_alone_reads_its_own_statistics() {
        // Spin until the statistics show 20 ms of running (on a loaded machine that
        // takes longer than 20 ms of wall time, never forever).
        let (run0, _) = read_schedstat().expect("schedstat");
        let t = Instant::now();
        let mut x = 0u64;
        let mut ran = 0;
        while ran < 20_000_000 && t.elapsed() < Duration::from_secs(20) {
            for _ in 0..100_000 {
                x = x.wrapping_mul(31).wrapping_add(1);
            }
            ran = read_schedstat().expect("schedstat").0 - run0;
        }
        std::hint::black_box(x);
        assert!(ran >= 20_000_000, "ran {ran} ns in {:?}", t.elapsed());
    }
}
