//! The run's training clock: seconds spent training, pauses left out, carried on
//! from a checkpoint. It stamps `metrics.csv`, gives the ETA, and ends a run with a
//! time budget (`schedule.seconds`). And the smoothed steps per second.

use std::time::Instant;

/// Training seconds so far.
#[derive(Debug)]
pub(super) struct TrainClock {
    /// Seconds counted before the current stretch of training.
    before_s: f64,
    /// When the current stretch began (`None` while paused).
    running_since: Option<Instant>,
}

impl TrainClock {
    /// A clock at `before_s` seconds, running or not.
    pub(super) fn new(before_s: f64, running: bool) -> Self {
        Self {
            before_s,
            running_since: running.then(Instant::now),
        }
    }

    /// Starts or stops counting (pausing stops the clock).
    pub(super) fn set_running(&mut self, running: bool) {
        match (running, self.running_since) {
            (true, None) => self.running_since = Some(Instant::now()),
            (false, Some(t)) => {
                self.before_s += t.elapsed().as_secs_f64();
                self.running_since = None;
            }
            _ => {}
        }
    }

    /// Seconds of training so far.
    pub(super) fn seconds(&self) -> f64 {
        self.before_s
            + self
                .running_since
                .map_or(0.0, |t| t.elapsed().as_secs_f64())
    }
}

/// Steps per second, smoothed.
pub(super) struct Speed {
    at: Instant,
    step: u64,
    rate: f64,
}

impl Speed {
    pub(super) fn new(step: u64) -> Self {
        Self {
            at: Instant::now(),
            step,
            rate: 0.0,
        }
    }

    pub(super) fn update(&mut self, step: u64) -> f64 {
        let dt = self.at.elapsed().as_secs_f64();
        if dt > 0.0 && step >= self.step {
            let now = (step - self.step) as f64 / dt;
            self.rate = if self.rate == 0.0 {
                now
            } else {
                0.7 * self.rate + 0.3 * now
            };
        }
        self.at = Instant::now();
        self.step = step;
        self.rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_pause_stops_the_clock_and_resuming_goes_on_from_where_it_was() {
        let mut clock = TrainClock::new(10.0, true);
        std::thread::sleep(Duration::from_millis(30));
        clock.set_running(false);
        let at_pause = clock.seconds();
        assert!(at_pause >= 10.03, "{at_pause}");
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(clock.seconds(), at_pause, "paused time is not counted");
        clock.set_running(true);
        clock.set_running(true);
        std::thread::sleep(Duration::from_millis(10));
        assert!(clock.seconds() >= at_pause + 0.01);
        assert!(clock.seconds() < at_pause + 1.0);
    }
}
