//! Frame-time statistics, to check that training leaves the window smooth.

use std::time::{Duration, Instant};

/// Intervals between frames and time spent building each frame.
#[derive(Default)]
pub struct FrameStats {
    last_frame: Option<Instant>,
    /// Milliseconds between the starts of consecutive frames.
    pub intervals_ms: Vec<f64>,
    /// Milliseconds spent in the app's own UI code per frame.
    pub build_ms: Vec<f64>,
}

impl FrameStats {
    /// Records the start of a frame.
    pub fn frame_started(&mut self) -> Instant {
        let now = Instant::now();
        if let Some(last) = self.last_frame {
            self.intervals_ms.push(ms(now - last));
        }
        self.last_frame = Some(now);
        now
    }

    /// Records how long the frame's UI took to build.
    pub fn frame_built(&mut self, started: Instant) {
        self.build_ms.push(ms(started.elapsed()));
    }

    /// A one-line summary: count, p50 and p99 of both series.
    pub fn summary(&self) -> String {
        format!(
            "frames={} interval_ms p50={:.1} p99={:.1} build_ms p50={:.2} p99={:.2}",
            self.intervals_ms.len(),
            percentile(&self.intervals_ms, 50.0),
            percentile(&self.intervals_ms, 99.0),
            percentile(&self.build_ms, 50.0),
            percentile(&self.build_ms, 99.0),
        )
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The `p`-th percentile (nearest rank); NaN for no data.
pub fn percentile(values: &[f64], p: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
        assert_eq!(percentile(&[3.0], 99.0), 3.0);
        assert!(percentile(&[], 50.0).is_nan());
    }
}
