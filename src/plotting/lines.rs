//! What a plot does to a line before drawing it: exponential smoothing as
//! TensorBoard does it, steps turned into wall-clock seconds, a reduction to what a
//! pixel column can show (so 100,000 rows draw as fast as 1,000 and a spike is never
//! lost), and axes that make sense for a line of one point.
//!
//! A line is a slice of `[x, y]` points in increasing x.

/// The most smoothing a slider offers.
pub const MAX_SMOOTHING: f64 = 0.99;

/// TensorBoard's smoothing: an exponential moving average with weight `weight`
/// (0 = none, 0.99 = very smooth), debiased so the first points are not pulled to
/// zero: `s_t = (w·a_{t-1} + (1−w)·y_t) / (1 − w^t)`. Non-finite values are passed
/// through without entering the average.
pub fn smooth(points: &[[f64; 2]], weight: f64) -> Vec<[f64; 2]> {
    let w = weight.clamp(0.0, MAX_SMOOTHING);
    if w == 0.0 {
        return points.to_vec();
    }
    let (mut average, mut count) = (0.0, 0i32);
    points
        .iter()
        .map(|&[x, y]| {
            if !y.is_finite() {
                return [x, y];
            }
            average = average * w + (1.0 - w) * y;
            count += 1;
            [x, average / (1.0 - w.powi(count))]
        })
        .collect()
}

/// `points` with each step replaced by the wall-clock seconds at that step, read
/// from `clock` (`[step, seconds]`, increasing steps) and interpolated between its
/// rows; steps outside `clock` take its first or last time. `None` without a clock.
pub fn by_time(points: &[[f64; 2]], clock: &[[f64; 2]]) -> Option<Vec<[f64; 2]>> {
    if clock.is_empty() {
        return None;
    }
    let seconds = |step: f64| -> f64 {
        let i = clock.partition_point(|c| c[0] < step);
        match (i.checked_sub(1).and_then(|j| clock.get(j)), clock.get(i)) {
            (_, Some(c)) if c[0] == step => c[1],
            (Some(a), Some(b)) => a[1] + (b[1] - a[1]) * (step - a[0]) / (b[0] - a[0]),
            (None, Some(b)) => b[1],
            (Some(a), None) => a[1],
            (None, None) => 0.0,
        }
    };
    Some(points.iter().map(|&[x, y]| [seconds(x), y]).collect())
}

/// The step a run was at `seconds` into training, by its `[step, seconds]` clock
/// (between two rows, in proportion; before the first, its step; after the last,
/// the last step). `None` without a clock.
pub fn step_at_time(clock: &[[f64; 2]], seconds: f64) -> Option<f64> {
    let i = clock.partition_point(|c| c[1] < seconds);
    Some(
        match (i.checked_sub(1).and_then(|j| clock.get(j)), clock.get(i)) {
            (Some(a), Some(b)) if b[1] > a[1] => {
                a[0] + (b[0] - a[0]) * (seconds - a[1]) / (b[1] - a[1])
            }
            (_, Some(b)) => b[0],
            (Some(a), None) => a[0],
            (None, None) => return None,
        },
    )
}

/// At most about four points per pixel column: for each of `columns` equal slices
/// of `[x_min, x_max]`, its first and last point and its lowest and highest (in x
/// order), which draw the same line as all of them (the "M4" reduction, as W&B's
/// bucketing does). The nearest point outside the range on each side is kept so the
/// line runs to the edges. A line already small enough is returned as it is.
pub fn reduce(points: &[[f64; 2]], x_min: f64, x_max: f64, columns: usize) -> Vec<[f64; 2]> {
    let columns = columns.max(1);
    if points.len() <= 4 * columns || x_max.partial_cmp(&x_min) != Some(std::cmp::Ordering::Greater)
    {
        return points.to_vec();
    }
    let start = points.partition_point(|p| p[0] < x_min);
    let end = points.partition_point(|p| p[0] <= x_max);
    let mut out = Vec::with_capacity(4 * columns + 2);
    if start > 0 {
        out.push(points[start - 1]);
    }
    let width = (x_max - x_min) / columns as f64;
    let mut i = start;
    while i < end {
        let column = (((points[i][0] - x_min) / width) as usize).min(columns - 1);
        let mut j = i;
        let (mut low, mut high) = (i, i);
        while j < end && (((points[j][0] - x_min) / width) as usize).min(columns - 1) == column {
            if points[j][1] < points[low][1] {
                low = j;
            }
            if points[j][1] > points[high][1] {
                high = j;
            }
            j += 1;
        }
        let mut keep = [i, low, high, j - 1];
        keep.sort_unstable();
        let mut last = usize::MAX;
        for k in keep {
            if k != last {
                out.push(points[k]);
                last = k;
            }
        }
        i = j;
    }
    if end < points.len() {
        out.push(points[end]);
    }
    out
}

/// The range an axis should show for `values`: their own, or, where they are all
/// equal (a line of one point), the value ± a margin that reads well (5% of it, or
/// 1 for zero), instead of a sliver a millionth wide. `None` without values.
pub fn axis_range(values: impl IntoIterator<Item = f64>) -> Option<[f64; 2]> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.into_iter().filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if lo > hi {
        return None;
    }
    let spread = hi - lo;
    let scale = lo.abs().max(hi.abs());
    if spread > scale * 1e-6 && spread > 0.0 {
        return Some([lo, hi]);
    }
    let margin = if scale > 0.0 { scale * 0.05 } else { 1.0 };
    Some([lo - margin, hi + margin])
}

/// The value of a line at `x`: the last point at or before it (the first if `x`
/// comes before them all); `None` for an empty line.
pub fn value_at(points: &[[f64; 2]], x: f64) -> Option<[f64; 2]> {
    let i = points.partition_point(|p| p[0] <= x);
    points.get(i.saturating_sub(1)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_reads_back_as_the_step_of_the_clock() {
        let clock = [[0.0, 0.0], [100.0, 10.0], [200.0, 30.0]];
        assert_eq!(step_at_time(&clock, 10.0), Some(100.0));
        assert_eq!(step_at_time(&clock, 20.0), Some(150.0));
        assert_eq!(step_at_time(&clock, -5.0), Some(0.0));
        assert_eq!(step_at_time(&clock, 99.0), Some(200.0));
        assert_eq!(step_at_time(&[], 1.0), None);
        // And it undoes by_time.
        let secs = by_time(&[[150.0, 0.0]], &clock).unwrap()[0][0];
        assert_eq!(step_at_time(&clock, secs), Some(150.0));
    }

    #[test]
    fn smoothing_matches_a_hand_computation() {
        let points = [[0.0, 1.0], [1.0, 3.0], [2.0, 2.0]];
        let s = smooth(&points, 0.5);
        // a1 = 0.5, s1 = 0.5 / 0.5 = 1; a2 = 0.25 + 1.5 = 1.75, s2 = 1.75 / 0.75;
        // a3 = 0.875 + 1 = 1.875, s3 = 1.875 / 0.875.
        let want = [1.0, 1.75 / 0.75, 1.875 / 0.875];
        for (p, w) in s.iter().zip(want) {
            assert!((p[1] - w).abs() < 1e-12, "{s:?}");
        }
        assert_eq!(smooth(&points, 0.0), points.to_vec(), "no smoothing");
        let constant = smooth(&[[0.0, 4.0], [1.0, 4.0], [2.0, 4.0]], 0.9);
        assert!(
            constant.iter().all(|p| (p[1] - 4.0).abs() < 1e-12),
            "debiased: a constant stays itself: {constant:?}"
        );
        let gap = smooth(&[[0.0, 1.0], [1.0, f64::NAN], [2.0, 1.0]], 0.5);
        assert!(gap[1][1].is_nan() && (gap[2][1] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn steps_become_seconds_between_the_clock_rows() {
        let clock = [[10.0, 2.0], [20.0, 4.0]];
        let t = by_time(
            &[[10.0, 1.0], [15.0, 2.0], [20.0, 3.0], [30.0, 4.0]],
            &clock,
        )
        .expect("clock");
        assert_eq!(t, vec![[2.0, 1.0], [3.0, 2.0], [4.0, 3.0], [4.0, 4.0]]);
        assert!(by_time(&[[1.0, 1.0]], &[]).is_none());
    }

    #[test]
    fn the_column_reduction_keeps_spikes_and_both_ends() {
        let mut points: Vec<[f64; 2]> = (0..100_000).map(|i| [i as f64, 1.0]).collect();
        points[54_321][1] = 1000.0;
        points[77_777][1] = -50.0;
        let reduced = reduce(&points, 0.0, 99_999.0, 500);
        assert!(reduced.len() <= 4 * 500, "{}", reduced.len());
        assert_eq!(reduced.first(), points.first());
        assert_eq!(reduced.last(), points.last());
        assert!(reduced.contains(&[54_321.0, 1000.0]), "the spike is kept");
        assert!(reduced.contains(&[77_777.0, -50.0]), "the dip is kept");
        assert!(reduced.windows(2).all(|w| w[0][0] < w[1][0]), "in x order");
        // Zoomed in: the neighbours outside the range carry the line to the edges.
        let zoomed = reduce(&points, 50_000.0, 60_000.0, 100);
        assert_eq!(zoomed.first(), Some(&[49_999.0, 1.0]));
        assert_eq!(zoomed.last(), Some(&[60_001.0, 1.0]));
        assert!(zoomed.contains(&[54_321.0, 1000.0]));
        let small = [[0.0, 1.0], [1.0, 2.0]];
        assert_eq!(reduce(&small, 0.0, 1.0, 10), small.to_vec());
    }

    #[test]
    fn one_point_gets_a_readable_range() {
        let [lo, hi] = axis_range([4002.2]).expect("range");
        assert!(lo < 4002.2 && hi > 4002.2 && hi - lo > 100.0, "{lo}..{hi}");
        assert_eq!(axis_range([0.0, 0.0]), Some([-1.0, 1.0]));
        assert_eq!(axis_range([1.0, 3.0]), Some([1.0, 3.0]));
        assert_eq!(axis_range([f64::NAN]), None);
    }

    #[test]
    fn a_line_reads_as_its_last_point_at_or_before_x() {
        let line = [[10.0, 1.0], [20.0, 2.0]];
        assert_eq!(value_at(&line, 15.0), Some([10.0, 1.0]));
        assert_eq!(value_at(&line, 20.0), Some([20.0, 2.0]));
        assert_eq!(value_at(&line, 5.0), Some([10.0, 1.0]));
        assert_eq!(value_at(&[], 5.0), None);
    }
}
