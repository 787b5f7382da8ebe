//! The studio's colours, in one place: the window and the pictures in run folders
//! use the same ones.

/// An RGB colour.
pub type Rgb = [u8; 3];

/// Points drawn from the data.
pub const REAL: Rgb = [27, 120, 55];
/// Points the generator made.
pub const FAKE: Rgb = [118, 42, 131];
/// Arrows of the generator's gradient.
pub const PUSH: Rgb = [60, 60, 60];
/// The centres of the data's modes.
pub const MODE: Rgb = [20, 20, 20];
/// Text copied verbatim from the training text (its background).
pub const COPIED: Rgb = [230, 140, 40];
/// G's manifold: its noise grid warped into data space.
pub const MANIFOLD: Rgb = [200, 120, 30];

/// An uncertainty in [0, 1] as a heat colour: black (certain) through red and orange
/// to pale yellow (as uncertain as it gets).
pub fn uncertainty_colour(v: f32) -> Rgb {
    let v = v.clamp(0.0, 1.0);
    [
        (255.0 * (v * 2.0).min(1.0)) as u8,
        (230.0 * ((v - 0.3) / 0.7).clamp(0.0, 1.0)) as u8,
        (160.0 * ((v - 0.7) / 0.3).clamp(0.0, 1.0)) as u8,
    ]
}

/// A Wasserstein critic's score, `t` in [0, 1] from its lowest to its highest
/// score in view: light orange (scored as generated) through white to light blue
/// (scored as real) — ColorBrewer's RdBu ends, orange for red, lightened, so it is
/// not D's purple–green scale.
pub fn critic_colour(t: f32) -> Rgb {
    diverging([253.0, 204.0, 138.0], [146.0, 197.0, 222.0], t)
}

/// A point of G's 2-D noise grid, `(u, v)` in [0, 1]², as a colour that tells
/// every region apart: red grows to the right, blue upwards, green at the centre.
pub fn noise_colour(u: f32, v: f32) -> Rgb {
    let (u, v) = (u.clamp(0.0, 1.0), v.clamp(0.0, 1.0));
    let centre = 1.0 - ((u - 0.5).hypot(v - 0.5) * 2.0).min(1.0);
    [
        (30.0 + 210.0 * u) as u8,
        (40.0 + 170.0 * centre) as u8,
        (30.0 + 210.0 * v) as u8,
    ]
}

/// The discriminator's D(x): light purple where it says "fake" (0), white at 0.5,
/// light green where it says "real" (1) — ColorBrewer's PRGn, lightened.
pub fn d_value_colour(v: f32) -> Rgb {
    diverging([194.0, 165.0, 207.0], [166.0, 219.0, 160.0], v)
}

/// `t` in [0, 1] from `low` through near-white at ½ to `high` (not finite: ½).
fn diverging(low: [f32; 3], high: [f32; 3], t: f32) -> Rgb {
    const MID: [f32; 3] = [247.0, 247.0, 247.0];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.5
    };
    let (a, b, u) = if t < 0.5 {
        (low, MID, t * 2.0)
    } else {
        (MID, high, (t - 0.5) * 2.0)
    };
    let mix = |i: usize| (a[i] + (b[i] - a[i]) * u).round() as u8;
    [mix(0), mix(1), mix(2)]
}

/// Series colours for line plots, cycled (matplotlib's "tab10").
pub const SERIES: [Rgb; 10] = [
    [31, 119, 180],
    [255, 127, 14],
    [44, 160, 44],
    [214, 39, 40],
    [148, 103, 189],
    [140, 86, 75],
    [227, 119, 194],
    [127, 127, 127],
    [188, 189, 34],
    [23, 190, 207],
];
