//! The mode census on hand-made point sets.

use latent_studio::data::toy2d::{Mixture, Toy2d};
use latent_studio::experiments::gan2d::sample_mode_distance;

fn ring() -> Mixture {
    Toy2d::Ring.mixture()
}

#[test]
fn points_on_three_modes_capture_exactly_three() {
    let mix = ring();
    let pts: Vec<[f32; 2]> = mix.means[..3]
        .iter()
        .flat_map(|m| std::iter::repeat_n(*m, 10))
        .collect();
    let c = mix.census(&pts);
    assert_eq!(c.modes_captured, 3);
    assert_eq!(c.modes_total, 8);
    assert_eq!(c.high_quality_pct, 100.0);
    assert_eq!(c.per_mode[..4], [10, 10, 10, 0]);
}

#[test]
fn the_three_sigma_boundary_decides_quality() {
    let mix = ring();
    let m = mix.means[0];
    let inside = [m[0] + 2.9 * mix.std, m[1]];
    let outside = [m[0] + 3.1 * mix.std, m[1]];
    let c = mix.census(&[inside, outside]);
    assert_eq!(c.high_quality_pct, 50.0);
    assert_eq!(c.modes_captured, 1);
    // A point far from every mode is neither high quality nor captures anything.
    let c = mix.census(&[[0.0, 0.0], outside]);
    assert_eq!((c.modes_captured, c.high_quality_pct), (0, 0.0));
}

#[test]
fn a_sample_counts_for_its_nearest_mode_only() {
    let mix = Toy2d::Grid.mixture();
    // Right next to the mode at (2, 2), far from all others.
    let c = mix.census(&[[2.01, 1.99]]);
    let idx = mix
        .means
        .iter()
        .position(|m| *m == [2.0, 2.0])
        .expect("mode (2,2)");
    assert_eq!(c.per_mode.iter().sum::<usize>(), 1);
    assert_eq!(c.per_mode[idx], 1);
}

#[test]
fn nan_samples_are_not_counted_as_quality() {
    let mix = ring();
    let c = mix.census(&[[f32::NAN, 0.0], mix.means[1]]);
    assert_eq!(c.modes_captured, 1);
    assert_eq!(c.high_quality_pct, 50.0);
}

#[test]
fn sample_mode_distance_is_zero_on_the_modes_and_grows_with_collapse() {
    let mix = ring();
    assert!(sample_mode_distance(&mix, &mix.means) < 1e-6);
    let collapsed = vec![mix.means[0]; 8];
    let d = sample_mode_distance(&mix, &collapsed);
    assert!(
        d > 1.5,
        "collapse to one mode should be far from the others: {d}"
    );
}
