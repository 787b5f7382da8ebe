//! Plots without a window: what is done to a line before it is drawn (smoothing,
//! steps as seconds, the pixel-column reduction), the reference lines a metric
//! has, the colour each compared run keeps, and plots written as PNG files for
//! `latent-studio compare --plot`. Nothing here knows egui or candle.

pub mod lines;
pub mod png;
pub mod references;

use crate::theme::{Rgb, SERIES};

/// The colours runs get: the series palette without its brown and grey, which
/// read as a dull red and as "disabled" beside the others; one each for the
/// eight runs a comparison holds at most.
const RUN_PALETTE: [Rgb; 8] = [
    SERIES[0], SERIES[1], SERIES[2], SERIES[3], SERIES[4], SERIES[6], SERIES[8], SERIES[9],
];

/// A colour for each of `names` (runs' folder names) that stays the run's own
/// whatever else is compared with it: the palette entry its name hashes to, or,
/// where an earlier run of the list took that one, the next free entry.
pub fn run_colours<S: AsRef<str>>(names: &[S]) -> Vec<Rgb> {
    const SERIES: [Rgb; 8] = RUN_PALETTE;
    let mut taken = [false; SERIES.len()];
    names
        .iter()
        .map(|name| {
            // FNV-1a: the same on every machine and every run of the studio.
            let hash = name
                .as_ref()
                .bytes()
                .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                    (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
                });
            let start = (hash % SERIES.len() as u64) as usize;
            let slot = (0..SERIES.len())
                .map(|k| (start + k) % SERIES.len())
                .find(|&k| !taken[k])
                .unwrap_or(start);
            taken[slot] = true;
            SERIES[slot]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_keeps_its_colour_in_other_company() {
        let alone = run_colours(&["dcgan-glyph-digits-004"]);
        let with_others = run_colours(&["dcgan-glyph-digits-004", "vae-007", "ring-001"]);
        assert_eq!(alone[0], with_others[0]);
        let eight: Vec<String> = (0..8).map(|i| format!("run-{i:03}")).collect();
        let colours = run_colours(&eight);
        for (i, a) in colours.iter().enumerate() {
            assert!(!colours[i + 1..].contains(a), "each run its own colour");
        }
    }
}
