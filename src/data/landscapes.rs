//! The studio's landscapes: sky, sun, two ranges of hills, a lake and a house, drawn
//! at any size from a few numbers. The defaults draw the landscape the style
//! transfer repaints; a seed draws others (the fast style transfer learns from them,
//! and its live view repaints them as the numbers are dragged).

use rand::{Rng, SeedableRng};

use crate::nn::rng::SeededRng;
use crate::view::RgbImage;

/// What a landscape looks like; every value is a share of the picture's width or
/// height, or a 0–1 amount.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LandscapeParams {
    /// The sun's centre, across (0 = left).
    pub sun_x: f32,
    /// The sun's centre, down (0 = top).
    pub sun_y: f32,
    /// Where the far hills start, down.
    pub far: f32,
    /// How tall the far hills' waves are.
    pub far_waves: f32,
    /// How often the far hills rise and fall across the picture.
    pub far_frequency: f32,
    /// Where the near hills start, down (below `far`).
    pub near: f32,
    /// The house's left edge, across.
    pub house_x: f32,
    /// Where the lake starts, down.
    pub lake: f32,
    /// Evening light: 0 = noon blue, 1 = dusk orange.
    pub dusk: f32,
}

impl Default for LandscapeParams {
    /// The studio's own landscape.
    fn default() -> Self {
        Self {
            sun_x: 0.72,
            sun_y: 0.22,
            far: 0.52,
            far_waves: 0.08,
            far_frequency: 7.0,
            near: 0.68,
            house_x: 0.22,
            lake: 0.84,
            dusk: 0.0,
        }
    }
}

impl LandscapeParams {
    /// Another landscape, the same for the same seed (seed 0 is the default one).
    pub fn from_seed(seed: u64) -> Self {
        if seed == 0 {
            return Self::default();
        }
        let mut rng = SeededRng::seed_from_u64(seed);
        let far: f32 = rng.random_range(0.40..0.60);
        let near = far + rng.random_range(0.08..0.20);
        Self {
            sun_x: rng.random_range(0.08..0.92),
            sun_y: rng.random_range(0.08..(far - 0.05).max(0.1)),
            far,
            far_waves: rng.random_range(0.02..0.12),
            far_frequency: rng.random_range(3.0..12.0),
            near,
            house_x: rng.random_range(0.02..0.80),
            lake: rng.random_range((near + 0.06).min(0.95)..0.97),
            dusk: if rng.random_bool(0.3) {
                rng.random_range(0.4..1.0)
            } else {
                rng.random_range(0.0..0.2)
            },
        }
    }

    /// The landscape, `width` × `height`.
    pub fn draw(&self, width: usize, height: usize) -> RgbImage {
        let p = self;
        let (wf, hf) = (width as f32, height as f32);
        let mut pixels = Vec::with_capacity(width * height * 3);
        let (house_l, house_r) = (p.house_x, p.house_x + 0.14);
        let house_mid = p.house_x + 0.07;
        let (house_top, house_bottom) = (p.near - 0.06, p.near + 0.08);
        let roof_top = house_top - 0.10;
        for y in 0..height {
            for x in 0..width {
                let (u, v) = (x as f32 / wf, y as f32 / hf);
                let far = p.far
                    + p.far_waves * (u * p.far_frequency).sin()
                    + 0.04 * (u * 17.0 + 1.0).sin();
                let near = p.near + 0.06 * (u * 4.0 + 2.0).cos();
                let sun =
                    ((u - p.sun_x).powi(2) + (v - p.sun_y).powi(2) * (hf / wf).powi(2)).sqrt();
                let house =
                    (house_l..house_r).contains(&u) && (house_top..house_bottom).contains(&v);
                let roof =
                    v < house_top && v > roof_top && (u - house_mid).abs() < (v - roof_top) * 0.8;
                let window = (house_l + 0.03..house_l + 0.06).contains(&u)
                    && (house_top + 0.03..house_top + 0.07).contains(&v);
                let c: [f32; 3] = if window {
                    [250.0, 220.0, 120.0]
                } else if house {
                    [200.0, 190.0, 170.0]
                } else if roof {
                    [150.0, 50.0, 40.0]
                } else if v > p.lake {
                    let ripple = 10.0 * (v * 120.0 + (u * 9.0).sin() * 3.0).sin();
                    [
                        60.0 + ripple + 80.0 * p.dusk,
                        110.0 + ripple,
                        170.0 + ripple - 50.0 * p.dusk,
                    ]
                } else if v > near {
                    [
                        70.0 + 30.0 * p.dusk,
                        130.0 - 60.0 * (v - near) - 30.0 * p.dusk,
                        50.0,
                    ]
                } else if v > far {
                    [
                        90.0 + 30.0 * p.dusk,
                        120.0 - 20.0 * p.dusk,
                        110.0 + 40.0 * (v - far),
                    ]
                } else if sun < 0.07 {
                    [255.0, 210.0 - 60.0 * p.dusk, 90.0 - 40.0 * p.dusk]
                } else {
                    let glow = (0.25 - sun).max(0.0) * 200.0;
                    let d = p.dusk;
                    [
                        110.0 + 120.0 * v + glow + 100.0 * d,
                        160.0 + 60.0 * v + glow * 0.6 - 30.0 * d,
                        235.0 - 120.0 * d,
                    ]
                };
                pixels.extend(c.map(|k| k.clamp(0.0, 255.0) as u8));
            }
        }
        RgbImage {
            width,
            height,
            pixels,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_draw_different_landscapes_and_the_same_seed_the_same() {
        let a = LandscapeParams::from_seed(3).draw(40, 30);
        assert_eq!(a, LandscapeParams::from_seed(3).draw(40, 30));
        let b = LandscapeParams::from_seed(4).draw(40, 30);
        let differ = a
            .pixels
            .iter()
            .zip(&b.pixels)
            .filter(|(x, y)| x != y)
            .count();
        assert!(differ > a.pixels.len() / 10, "{differ} values differ");
        assert_eq!(LandscapeParams::from_seed(0), LandscapeParams::default());
    }

    #[test]
    fn dusk_warms_the_sky() {
        let mut p = LandscapeParams::default();
        let noon = p.draw(20, 20);
        p.dusk = 1.0;
        let dusk = p.draw(20, 20);
        // The top-left pixel is sky: redder and less blue at dusk.
        assert!(dusk.pixels[0] > noon.pixels[0] + 50);
        assert!(dusk.pixels[2] + 50 < noon.pixels[2]);
    }
}
