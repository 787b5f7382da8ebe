//! What a 2-D GAN learns from: a built-in mixture, or the user's own points (a
//! CSV file, or points drawn and kept in the config), brought to the lab's scale with
//! the transform kept, so the view shows them in their own units, and with modes found
//! by k-means for the census.

use std::path::Path;

use rand::Rng;

use super::Gan2dData;
use crate::data::points2d::{self, Normaliser};
use crate::data::toy2d::{Mixture, Toy2d};
use crate::nn::rng::SeededRng;
use crate::{Result, StudioError};

/// Largest points file read (a million lines of two numbers fit easily).
const MAX_FILE_BYTES: u64 = 64 << 20;

/// The data, in the lab's units.
pub struct Data2d {
    source: Source,
    /// The modes the census counts (a built-in mixture's, or k-means' centres with
    /// their pooled spread).
    pub census: Mixture,
    /// From the data's units to the lab's.
    pub transform: Normaliser,
    /// The square the view covers, in the lab's units.
    pub view_range: (f32, f32),
}

enum Source {
    Mixture(Mixture),
    /// The user's points in the lab's units: batches draw from them uniformly.
    Points(Vec<[f32; 2]>),
}

impl Data2d {
    /// The data `data` names (`seed` seeds k-means).
    pub fn of(data: &Gan2dData, seed: u64) -> Result<Self> {
        if data.distribution != Toy2d::Points {
            let mixture = data.distribution.mixture();
            return Ok(Self {
                source: Source::Mixture(mixture.clone()),
                census: mixture,
                transform: Normaliser::IDENTITY,
                view_range: data.distribution.view_range(),
            });
        }
        let raw = if data.points.is_empty() {
            read_points(&data.path)?
        } else {
            data.points.clone()
        };
        let transform = Normaliser::of(&raw);
        let lab: Vec<[f32; 2]> = raw.iter().map(|p| transform.to_lab(*p)).collect();
        let modes = points2d::find_modes(&lab, data.modes, seed);
        let reach = lab
            .iter()
            .map(|p| p[0].abs().max(p[1].abs()))
            .fold(0f32, f32::max);
        let half = (reach * 1.15).max(1.0);
        Ok(Self {
            source: Source::Points(lab),
            census: Mixture {
                means: modes.centres,
                std: modes.std.max(1e-4),
            },
            transform,
            view_range: (-half, half),
        })
    }

    /// `n` points of the data, in the lab's units.
    pub fn sample(&self, rng: &mut SeededRng, n: usize) -> Vec<[f32; 2]> {
        match &self.source {
            Source::Mixture(m) => m.sample(rng, n),
            Source::Points(p) => (0..n).map(|_| p[rng.random_range(0..p.len())]).collect(),
        }
    }
}

/// The points of the file at `path`, with its name in every message.
pub fn read_points(path: &Path) -> Result<Vec<[f32; 2]>> {
    if path.as_os_str().is_empty() {
        return Err(StudioError::Spec(
            "data.distribution = \"points\" needs data.path (a CSV file of x, y) or data.points"
                .into(),
        ));
    }
    let bad = |why: String| StudioError::Spec(format!("{}: {why}", path.display()));
    let len = std::fs::metadata(path)
        .map_err(|e| bad(e.to_string()))?
        .len();
    if len > MAX_FILE_BYTES {
        return Err(bad(format!(
            "{len} bytes; a points file may have at most {MAX_FILE_BYTES}"
        )));
    }
    let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    points2d::parse(&text).map_err(bad)
}

/// Points shown before a run.
const PREVIEW_POINTS: usize = 1000;

/// What the canvas shows of the user's points before a run: up to a thousand of
/// them and the modes k-means finds (`k`, or chosen with `k = 0`), in the data's own
/// units, over the square a run's view will cover.
pub fn preview(points: &[[f32; 2]], k: usize, seed: u64) -> crate::view::Gan2dView {
    let data = Gan2dData {
        distribution: Toy2d::Points,
        path: Default::default(),
        points: points.to_vec(),
        modes: k,
    };
    let mut rng = <SeededRng as rand::SeedableRng>::seed_from_u64(seed);
    let (real, modes, range, t) = match Data2d::of(&data, seed) {
        Ok(d) => (
            d.sample(&mut rng, PREVIEW_POINTS),
            d.census.means,
            d.view_range,
            d.transform,
        ),
        Err(_) => (Vec::new(), Vec::new(), (-4.0, 4.0), Normaliser::IDENTITY),
    };
    let shown = |ps: Vec<[f32; 2]>| ps.into_iter().map(|p| t.to_data(p)).collect::<Vec<_>>();
    let [x0, y0] = t.to_data([range.0, range.0]);
    let [x1, y1] = t.to_data([range.1, range.1]);
    crate::view::Gan2dView {
        step: 0,
        real: shown(real),
        fake: Vec::new(),
        fake_push: Vec::new(),
        field: crate::view::ScalarField {
            nx: 0,
            ny: 0,
            x_range: [x0, x1],
            y_range: [y0, y1],
            values: Vec::new(),
        },
        field_is_critic: false,
        modes: shown(modes),
        manifold: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_in_their_own_units_are_learnt_in_the_labs_and_shown_in_theirs() {
        let mut rng = <SeededRng as rand::SeedableRng>::seed_from_u64(2);
        // The ring, a hundred times larger and moved.
        let raw: Vec<[f32; 2]> = Toy2d::Ring
            .mixture()
            .sample(&mut rng, 2000)
            .into_iter()
            .map(|p| [500.0 + 100.0 * p[0], -300.0 + 100.0 * p[1]])
            .collect();
        let data = Gan2dData {
            distribution: Toy2d::Points,
            path: Default::default(),
            points: raw.clone(),
            modes: 0,
        };
        let d = Data2d::of(&data, 1).expect("data");
        assert_eq!(d.census.means.len(), 8, "the ring's eight modes");
        let lab = d.sample(&mut rng, 500);
        assert!(
            lab.iter().all(|p| p[0].abs() < 3.0 && p[1].abs() < 3.0),
            "lab scale"
        );
        let view = preview(&raw, 0, 1);
        assert_eq!(view.modes.len(), 8);
        assert!(
            view.modes
                .iter()
                .all(|m| (m[0] - 500.0).hypot(m[1] + 300.0) > 150.0)
        );
        assert!(view.field.x_range[0] < 300.0 && view.field.x_range[1] > 700.0);
    }

    #[test]
    fn a_missing_or_bad_file_is_named() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("p.csv");
        std::fs::write(&path, "x,y\n1,2\n3,four\n").expect("write");
        let err = read_points(&path).expect_err("bad line").to_string();
        assert!(err.contains("p.csv") && err.contains("line 3"), "{err}");
        let err = read_points(&dir.path().join("none.csv"))
            .expect_err("missing")
            .to_string();
        assert!(err.contains("none.csv"), "{err}");
    }
}
