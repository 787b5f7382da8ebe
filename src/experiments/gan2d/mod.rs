//! A GAN on toy 2-D distributions: two small MLPs, the view GAN Lab made famous,
//! and a mode census that shows mode collapse as a number. Its data (a built-in
//! mixture or the user's points), losses, settings and registry entry each have a
//! file here.

mod card;
pub mod data;
mod entry;
pub mod losses;
pub mod remedies;
mod spec;

use std::collections::HashMap;

use candle_core::{Device, Tensor, Var};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};

use super::gan_knobs::{apply_knob, gradient_norm};
use super::live::not_live;
use super::{Experiment, ExperimentSpec, Metrics, StepPart, TrainState};
use crate::data::toy2d::Mixture;
use crate::nn::gradient_penalty::gradient_penalty;
use crate::nn::mlp::Mlp;
use crate::nn::optim::Optim;
use crate::nn::params::ParamStore;
use crate::nn::rng::SeededRng;
use crate::view::{Gan2dView, Manifold, ScalarField, View};
use crate::Result;
use crate::experiments::registry::wrong_architecture;
use data::Data2d;
pub use card::card;
pub use entry::ARCHITECTURE;
pub use spec::{Gan2dData, Gan2dModel, Gan2dSpec, Gan2dTrain};

/// Generated samples the mode census counts.
pub const CENSUS_SAMPLES: usize = 2500;
/// Points of each kind drawn in the view.
const VIEW_POINTS: usize = 512;
/// Points per side of the manifold's noise grid.
const MANIFOLD_CELLS: usize = 21;
/// Cells per side of the discriminator's heat map.
const FIELD_CELLS: usize = 48;

/// A running 2-D GAN.
pub struct Gan2d {
    spec: Gan2dSpec,
    device: Device,
    params: ParamStore,
    g: Mlp,
    d: Mlp,
    opt_g: Optim,
    opt_d: Optim,
    rng: SeededRng,
    data: Data2d,
    /// Fixed noise for the census, so its figures change only when G does.
    census_z: Tensor,
    /// Fixed noise and data for the view, so points move smoothly between frames.
    view_z: Tensor,
    view_real: Vec<[f32; 2]>,
    /// D updates made, for the instance-noise schedule.
    updates: u64,
}

impl Gan2d {
    /// Builds both networks with weights drawn from the spec's seed.
    pub fn new(spec: Gan2dSpec, device: &Device) -> Result<Self> {
        ExperimentSpec::from(spec.clone()).validate()?;
        let mut rng = SeededRng::seed_from_u64(spec.seed);
        let mut params = ParamStore::new();
        let m = &spec.model;
        let g_sizes: Vec<usize> = std::iter::once(m.latent_dim)
            .chain(m.g_hidden.iter().copied())
            .chain(std::iter::once(2))
            .collect();
        let d_inputs = 2 * spec.train.pack + usize::from(spec.train.minibatch_std);
        let d_sizes: Vec<usize> = std::iter::once(d_inputs)
            .chain(m.d_hidden.iter().copied())
            .chain(std::iter::once(1))
            .collect();
        let g = Mlp::new(&mut params, "g", &g_sizes, m.g_activation, &mut rng, device)?;
        let d = Mlp::new(&mut params, "d", &d_sizes, m.d_activation, &mut rng, device)?;
        let t = &spec.train;
        let opt_g = Optim::new(t.optimizer, params.vars_with_prefix("g."), t.lr_g, t.beta1)?;
        let opt_d = Optim::new(t.optimizer, params.vars_with_prefix("d."), t.lr_d, t.beta1)?;
        let data = Data2d::of(&spec.data, spec.seed)?;
        let census_z = noise(&mut rng, CENSUS_SAMPLES, m.latent_dim, device)?;
        let view_z = noise(&mut rng, VIEW_POINTS, m.latent_dim, device)?;
        let view_real = data.sample(&mut rng, VIEW_POINTS);
        Ok(Self {
            spec,
            device: device.clone(),
            params,
            g,
            d,
            opt_g,
            opt_d,
            rng,
            data,
            census_z,
            view_z,
            view_real,
            updates: 0,
        })
    }

    /// The generator loss per sample, before the mean.
    fn generator_loss_terms(&self, out: &Tensor) -> Result<Tensor> {
        let t = &self.spec.train;
        t.loss.g_terms(out, t.generator_loss)
    }

    /// Points `[n, 2]` as D sees them: packs of `train.pack` consecutive points
    /// side by side, `[n / pack, 2 · pack]` (PacGAN).
    fn packed(&self, points: &Tensor) -> Result<Tensor> {
        let (n, _) = points.dims2()?;
        let m = self.spec.train.pack;
        Ok(points.reshape((n / m, 2 * m))?)
    }

    /// D's raw outputs `[n / pack, 1]` on points `[n, 2]`: packed, with the batch's
    /// standard deviation appended when minibatch std is on.
    fn d_forward(&self, points: &Tensor) -> Result<Tensor> {
        let packed = self.packed(points)?;
        if !self.spec.train.minibatch_std {
            return self.d.forward(&packed);
        }
        let std = remedies::batch_std(&packed)?;
        self.d.forward(&remedies::with_std_column(&packed, &std)?)
    }

    /// Instance noise's standard deviation now.
    fn instance_sigma(&self) -> f64 {
        let t = &self.spec.train;
        remedies::noise_sigma(t.instance_noise, t.instance_noise_steps, self.updates)
    }

    /// One update of D: its loss, mean belief on real and on generated points, and
    /// (WGAN-GP) the penalty.
    fn d_update(&mut self) -> Result<[f64; 4]> {
        let b = self.spec.train.batch_size;
        let real = points_tensor(&self.data.sample(&mut self.rng, b), &self.device)?; // [b, 2]
        let z = noise(&mut self.rng, b, self.spec.model.latent_dim, &self.device)?; // [b, latent]
        let fake = self.g.forward(&z)?.detach(); // [b, 2]
        let sigma = self.instance_sigma();
        let real = remedies::add_noise(&real, sigma, &mut self.rng)?;
        let fake = remedies::add_noise(&fake, sigma, &mut self.rng)?;
        let l_real = self.d_forward(&real)?; // [b / pack, 1]
        let l_fake = self.d_forward(&fake)?; // [b / pack, 1]
        let mut loss = self.spec.train.loss.d_loss(&l_real, &l_fake)?;
        let mut penalty = f64::NAN;
        if self.spec.train.loss.is_critic() {
            let eps: Vec<f32> = (0..b).map(|_| rand::Rng::random::<f32>(&mut self.rng)).collect();
            let eps = Tensor::from_vec(eps, (b, 1), &self.device)?;
            let gp = gradient_penalty(|x| self.d_forward(x), &real, &fake, &eps)?;
            penalty = gp.to_scalar::<f32>()? as f64;
            loss = (loss + (gp * self.spec.train.gp_weight)?)?;
        }
        let grads = loss.backward()?;
        self.opt_d.step(&grads)?;
        let belief = |l: &Tensor| -> Result<f32> {
            Ok(self.spec.train.loss.belief(l)?.mean_all()?.to_scalar::<f32>()?)
        };
        let (d_real, d_fake) = (belief(&l_real)?, belief(&l_fake)?);
        Ok([
            loss.to_scalar::<f32>()? as f64,
            d_real as f64,
            d_fake as f64,
            penalty,
        ])
    }

    /// One update of G (against D after `unrolled_steps` look-ahead updates, then
    /// undone): its loss and gradient norm.
    fn g_update(&mut self) -> Result<[f64; 2]> {
        let k = self.spec.train.unrolled_steps;
        let snapshot = if k > 0 {
            let snap = remedies::Snapshot::take(&self.params, "d.", &self.opt_d)?;
            for _ in 0..k {
                self.d_update()?;
            }
            Some(snap)
        } else {
            None
        };
        let result = self.g_step();
        if let Some(snap) = snapshot {
            snap.restore(&mut self.opt_d)?;
        }
        result
    }

    fn g_step(&mut self) -> Result<[f64; 2]> {
        let b = self.spec.train.batch_size;
        let z = noise(&mut self.rng, b, self.spec.model.latent_dim, &self.device)?;
        let fake = self.g.forward(&z)?;
        let fake = remedies::add_noise(&fake, self.instance_sigma(), &mut self.rng)?;
        let logits = self.d_forward(&fake)?; // [b / pack, 1]
        let loss = self.generator_loss_terms(&logits)?.mean_all()?;
        let grads = loss.backward()?;
        let norm = gradient_norm(&grads, &self.params.vars_with_prefix("g."))?;
        self.opt_g.step(&grads)?;
        Ok([loss.to_scalar::<f32>()? as f64, norm])
    }

    fn generate(&self, z: &Tensor) -> Result<Vec<[f32; 2]>> {
        tensor_points(&self.g.forward(z)?)
    }
}

impl Experiment for Gan2d {
    fn spec(&self) -> ExperimentSpec {
        ExperimentSpec::Gan2d(self.spec.clone())
    }

    fn metric_names(&self) -> Vec<&'static str> {
        let mut names = vec![
            "d_loss",
            "g_loss",
            "d_real",
            "d_fake",
            "g_grad_norm",
            "modes_captured",
            "high_quality_pct",
            "sample_mode_distance",
        ];
        if self.spec.train.loss.is_critic() {
            names.extend(["wasserstein", "gradient_penalty"]);
        }
        if self.spec.train.instance_noise > 0.0 {
            names.push("instance_noise");
        }
        names
    }

    fn step(&mut self, part: StepPart) -> Result<Metrics> {
        let mut out = Metrics::new();
        let d_steps = match part {
            StepPart::Whole => self.spec.train.d_steps,
            StepPart::Discriminator => 1,
            StepPart::Generator => 0,
        };
        if d_steps > 0 {
            let mut sum = [0f64; 4];
            let sigma = self.instance_sigma();
            for _ in 0..d_steps {
                let r = self.d_update()?;
                self.updates += 1;
                sum.iter_mut().zip(r).for_each(|(s, v)| *s += v);
            }
            let n = d_steps as f64;
            out.extend([
                ("d_loss", sum[0] / n),
                ("d_real", sum[1] / n),
                ("d_fake", sum[2] / n),
            ]);
            if self.spec.train.loss.is_critic() {
                out.extend([
                    ("wasserstein", (sum[1] - sum[2]) / n),
                    ("gradient_penalty", sum[3] / n),
                ]);
            }
            if self.spec.train.instance_noise > 0.0 {
                out.push(("instance_noise", sigma));
            }
        }
        if part != StepPart::Discriminator {
            let [g_loss, g_grad_norm] = self.g_update()?;
            out.extend([("g_loss", g_loss), ("g_grad_norm", g_grad_norm)]);
        }
        Ok(out)
    }

    fn evaluate(&mut self) -> Result<Metrics> {
        let fake = self.generate(&self.census_z)?;
        let census = self.data.census.census(&fake);
        Ok(vec![
            ("modes_captured", census.modes_captured as f64),
            ("high_quality_pct", census.high_quality_pct),
            (
                "sample_mode_distance",
                sample_mode_distance(&self.data.census, &fake),
            ),
        ])
    }

    fn view(&mut self, step: u64) -> Result<View> {
        let fake = self.g.forward(&self.view_z)?.detach(); // [n, 2]
        // Where the generator's loss pushes each generated point: −∂L/∂x.
        let x = Var::from_tensor(&fake)?;
        let per_point = self
            .generator_loss_terms(&self.d_forward(x.as_tensor())?)?
            .sum_all()?;
        let grads = per_point.backward()?;
        let push = match grads.get(x.as_tensor()).map(Tensor::detach) {
            Some(g) => g.neg()?,
            None => fake.zeros_like()?,
        };
        let (lo, hi) = self.data.view_range;
        let mut field = ScalarField {
            nx: FIELD_CELLS,
            ny: FIELD_CELLS,
            x_range: [lo, hi],
            y_range: [lo, hi],
            values: Vec::new(),
        };
        let cells = points_tensor(&field.cell_centres(), &self.device)?;
        // A packing D reads each cell as a pack of its copies; with minibatch std,
        // as one of a batch as varied as the data.
        let mut cells = cells.repeat((1, self.spec.train.pack))?;
        if self.spec.train.minibatch_std {
            let real = points_tensor(&self.view_real, &self.device)?;
            let std = remedies::batch_std(&self.packed(&real)?)?;
            cells = remedies::with_std_column(&cells, &std)?;
        }
        let d_cells = self.spec.train.loss.belief(&self.d.forward(&cells)?)?; // [cells, 1]
        field.values = d_cells.flatten_all()?.to_vec1::<f32>()?;
        // One scale for every arrow: the longest is a tenth of the view.
        let push = tensor_points(&push)?;
        let longest = push.iter().map(|p| p[0].hypot(p[1])).fold(0f32, f32::max);
        let scale = if longest > 0.0 && longest.is_finite() {
            0.1 * (hi - lo) / longest
        } else {
            0.0
        };
        // G on a regular grid of its noise: GAN Lab's manifold.
        let latent = self.spec.model.latent_dim;
        let ny = if latent > 1 { MANIFOLD_CELLS } else { 1 };
        let grid = Manifold::noise_grid(MANIFOLD_CELLS, ny, latent);
        let grid = Tensor::from_vec(grid, (MANIFOLD_CELLS * ny, latent), &self.device)?;
        let manifold = tensor_points(&self.g.forward(&grid)?)?;
        // Shown in the data's own units (the built-in mixtures': the lab's).
        let t = self.data.transform;
        let shown = |ps: &[[f32; 2]]| ps.iter().map(|p| t.to_data(*p)).collect::<Vec<_>>();
        let [x0, y0] = t.to_data([lo, lo]);
        let [x1, y1] = t.to_data([hi, hi]);
        field.x_range = [x0, x1];
        field.y_range = [y0, y1];
        let arrow = scale * t.scale;
        Ok(View::Gan2d(Gan2dView {
            step,
            real: shown(&self.view_real),
            fake: shown(&tensor_points(&fake)?),
            fake_push: push.iter().map(|p| [p[0] * arrow, p[1] * arrow]).collect(),
            field,
            field_is_critic: self.spec.train.loss.is_critic(),
            modes: shown(&self.data.census.means),
            manifold: Manifold {
                nx: MANIFOLD_CELLS,
                ny,
                points: shown(&manifold),
            },
        }))
    }

    fn set_live(&mut self, key: &str, spec: &ExperimentSpec) -> Result<()> {
        let ExperimentSpec::Gan2d(new) = spec else {
            return Err(wrong_architecture(spec, "Gan2d"));
        };
        let t = &new.train;
        if !apply_knob(key, t.lr_g, t.lr_d, &mut self.opt_g, &mut self.opt_d) {
            return Err(not_live(key, "a 2-D GAN"));
        }
        self.spec = new.clone();
        Ok(())
    }

    fn tensors(&self) -> Vec<(String, Tensor)> {
        self.params.tensors()
    }

    fn load_tensors(&mut self, tensors: &HashMap<String, Tensor>) -> Result<()> {
        self.params.load(tensors)
    }

    fn train_state(&self) -> Result<TrainState> {
        let mut state = TrainState::new();
        state.put_rng("rng", &self.rng)?;
        state.put_optim("opt_g", &self.opt_g)?;
        state.put_optim("opt_d", &self.opt_d)?;
        state.put("updates", &self.updates)?;
        Ok(state)
    }

    fn load_train_state(&mut self, state: &TrainState) -> Result<()> {
        self.rng = state.rng("rng")?;
        state.restore_optim("opt_g", &mut self.opt_g)?;
        state.restore_optim("opt_d", &mut self.opt_d)?;
        // Checkpoints from before the instance-noise schedule have no count.
        self.updates = state.get("updates").unwrap_or(0);
        Ok(())
    }
}

/// Mean distance from each generated point to its nearest mode plus mean distance
/// from each mode to its nearest generated point: small only when the samples are
/// both on the data (quality) and all over it (coverage).
pub fn sample_mode_distance(mixture: &Mixture, samples: &[[f32; 2]]) -> f64 {
    let finite: Vec<[f32; 2]> = samples
        .iter()
        .copied()
        .filter(|p| p[0].is_finite() && p[1].is_finite())
        .collect();
    if finite.is_empty() || mixture.means.is_empty() {
        return f64::INFINITY;
    }
    let to_modes: f64 = finite
        .iter()
        .filter_map(|p| mixture.nearest_mode(*p))
        .map(|(_, d2)| (d2 as f64).sqrt())
        .sum::<f64>()
        / finite.len() as f64;
    let to_samples: f64 = mixture
        .means
        .iter()
        .map(|m| {
            finite
                .iter()
                .map(|p| (p[0] - m[0]).hypot(p[1] - m[1]))
                .fold(f32::INFINITY, f32::min) as f64
        })
        .sum::<f64>()
        / mixture.means.len() as f64;
    to_modes + to_samples
}

/// `n` standard-normal latent vectors, `[n, dim]`.
fn noise(rng: &mut SeededRng, n: usize, dim: usize, device: &Device) -> Result<Tensor> {
    let data: Vec<f32> = (0..n * dim).map(|_| StandardNormal.sample(rng)).collect();
    Ok(Tensor::from_vec(data, (n, dim), device)?)
}

fn points_tensor(points: &[[f32; 2]], device: &Device) -> Result<Tensor> {
    let flat: Vec<f32> = points.iter().flat_map(|p| *p).collect();
    Ok(Tensor::from_vec(flat, (points.len(), 2), device)?)
}

fn tensor_points(t: &Tensor) -> Result<Vec<[f32; 2]>> {
    let rows = t.to_vec2::<f32>()?;
    Ok(rows.into_iter().map(|r| [r[0], r[1]]).collect())
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifold_is_g_on_a_regular_noise_grid_shown_in_the_datas_units() {
        let ExperimentSpec::Gan2d(spec) = crate::presets::default_spec().expect("default") else {
            panic!("the default preset is the 2-D GAN");
        };
        let mut gan = Gan2d::new(spec, &Device::Cpu).expect("gan");
        let View::Gan2d(view) = gan.view(0).expect("view") else {
            panic!("a 2-D view");
        };
        let m = &view.manifold;
        assert_eq!((m.nx, m.ny), (MANIFOLD_CELLS, MANIFOLD_CELLS));
        let grid = Manifold::noise_grid(m.nx, m.ny, 2);
        // Corners of the grid: (−2, −2) first, (2, 2) last.
        assert_eq!(&grid[..2], &[-2.0, -2.0]);
        assert_eq!(&grid[grid.len() - 2..], &[2.0, 2.0]);
        let z = Tensor::from_vec(grid, (m.nx * m.ny, 2), &Device::Cpu).expect("z");
        let want = tensor_points(&gan.g.forward(&z).expect("g")).expect("points");
        assert_eq!(m.points, want, "the built-in data's units are the lab's");
    }

    #[test]
    fn pacgan_packs_consecutive_samples_for_d_and_trains() {
        let ExperimentSpec::Gan2d(mut spec) = crate::presets::default_spec().expect("default")
        else {
            panic!("the default preset is the 2-D GAN");
        };
        spec.train.pack = 2;
        spec.train.minibatch_std = false;
        spec.train.batch_size = 64;
        let mut gan = Gan2d::new(spec.clone(), &Device::Cpu).expect("gan");
        let points = points_tensor(&[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]], &Device::Cpu)
            .expect("points");
        let packs = gan.packed(&points).expect("packed").to_vec2::<f32>().expect("rows");
        assert_eq!(packs, vec![vec![1.0, 2.0, 3.0, 4.0], vec![5.0, 6.0, 7.0, 8.0]]);
        let first = gan
            .tensors()
            .into_iter()
            .find(|(n, _)| n.starts_with("d.") && n.ends_with("weight"))
            .expect("D's first weight");
        assert!(first.1.dims().contains(&4), "D reads 2 × 2 inputs: {:?}", first.1.dims());
        for _ in 0..3 {
            let m = gan.step(StepPart::Whole).expect("a step");
            assert!(m.iter().all(|(_, v)| v.is_finite()), "{m:?}");
        }
        assert!(matches!(gan.view(3).expect("view"), View::Gan2d(_)));
        spec.train.pack = 3;
        assert!(ExperimentSpec::Gan2d(spec).validate().is_err(), "3 does not divide 64");
    }
}
