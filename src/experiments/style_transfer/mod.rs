//! Neural style transfer (Gatys et al., 2015): the network stays fixed and the
//! pixels move. Minimises content loss (a deep layer's activations against the
//! content picture's) + style loss (Gram matrices of several layers against the style
//! picture's) + total variation, by Adam or L-BFGS on the pixels.

mod card;
pub mod entry;
pub mod losses;
pub mod spec;

pub use entry::ARCHITECTURE;

use std::collections::HashMap;

use candle_core::{Device, Tensor, Var};
use rand::SeedableRng;
use crate::nn::rng::SeededRng;
use rand_distr::{Distribution, Uniform};

pub use spec::{
    PixelOptimise, PixelOptimiser, StartFrom, StyleLayers, StyleLossWeights, StylePictures,
    StyleTransferSpec,
};

use super::canvas::{preserve_colour, to_image, to_tensor};
use losses::{Losses, Perceptual};
use super::live::not_live;
use super::registry::wrong_architecture;
use super::{Experiment, ExperimentSpec, Metrics, StepPart, TrainState};
use crate::data::pictures::resize;
use crate::nn::lbfgs::Lbfgs;
use crate::nn::optim::{Optim, OptimizerKind};
use crate::view::{ImageGrid, RgbImage, View};
use crate::{Result, StudioError};

/// The checkpoint's name for the picture.
const PIXELS: &str = "pixels";

/// A style transfer in progress.
pub struct StyleTransfer {
    spec: StyleTransferSpec,
    perceptual: Perceptual,
    content: RgbImage,
    /// The style picture at the content's size, for the view.
    style_shown: RgbImage,
    content_target: Tensor,
    pixels: Var,
    adam: Optim,
    lbfgs: Lbfgs,
    /// The weighted loss terms at the current picture: content, style, TV.
    terms: [f64; 3],
}

/// The memory a style transfer of `spec` needs, bytes (at its size, 4:3, to the
/// deepest layer it reads).
fn picture_estimate_bytes(spec: &StyleTransferSpec) -> u64 {
    let size = spec.pictures.size;
    let deepest = crate::features::estimate::deepest(
        &spec.network,
        std::iter::once(&spec.layers.content).chain(&spec.layers.style),
    );
    let cost = crate::features::estimate::estimate(&spec.network, size, size * 3 / 4, &deepest);
    (cost.megabytes * 1e6) as u64
}

impl StyleTransfer {
    /// Reads the pictures, builds the network and computes the targets.
    pub fn new(spec: StyleTransferSpec, device: &Device) -> Result<Self> {
        ExperimentSpec::from(spec.clone()).validate()?;
        let size = spec.pictures.size;
        crate::memory_guard::check(
            picture_estimate_bytes(&spec),
            &format!("style transfer at {size} px"),
            "lower pictures.size (--size)",
        )?;
        let content = spec.pictures.content.load(size)?;
        let style = spec.pictures.style.load(size)?;
        Self::from_pictures(spec, content, &style, device)
    }

    /// A transfer of `content` in the style of `style` (already at their working
    /// size), the rest as `spec` says (its pictures are not read).
    pub fn from_pictures(
        spec: StyleTransferSpec,
        content: RgbImage,
        style: &RgbImage,
        device: &Device,
    ) -> Result<Self> {
        let net = super::feature_choice::load(&spec.network, device)?;
        let perceptual = Perceptual::new(net, spec.layers.clone(), style, device)?;
        Self::with_perceptual(spec, content, style, perceptual, device)
    }

    /// [`StyleTransfer::from_pictures`] with the losses already built (their network
    /// loaded, the style's Gram matrices computed) for `spec`'s network, layers and style.
    pub fn with_perceptual(
        spec: StyleTransferSpec,
        content: RgbImage,
        style: &RgbImage,
        perceptual: Perceptual,
        device: &Device,
    ) -> Result<Self> {
        let style_shown = resize(style, content.width, content.height);
        let content_t = to_tensor(&content, device)?;
        let content_target = perceptual.content_target(&content_t)?;
        let start = match spec.optimise.start {
            StartFrom::Content => content_t,
            StartFrom::Noise => {
                let mut rng = SeededRng::seed_from_u64(spec.seed);
                let u = Uniform::new(0.0f32, 1.0).map_err(|e| StudioError::Spec(e.to_string()))?;
                let n = 3 * content.width * content.height;
                let v: Vec<f32> = (0..n).map(|_| u.sample(&mut rng)).collect();
                Tensor::from_vec(v, (1, 3, content.height, content.width), device)?
            }
        };
        let pixels = Var::from_tensor(&start)?;
        let adam = Optim::new(
            OptimizerKind::Adam,
            vec![pixels.clone()],
            spec.optimise.lr,
            0.9,
        )?;
        let mut me = Self {
            spec,
            perceptual,
            content,
            style_shown,
            content_target,
            pixels,
            adam,
            lbfgs: Lbfgs::new(10, 0.05),
            terms: [0.0; 3],
        };
        me.terms = me.losses(me.pixels.as_tensor())?.terms;
        Ok(me)
    }

    /// The losses at picture `x` `[1, 3, h, w]`.
    fn losses(&self, x: &Tensor) -> Result<Losses> {
        self.perceptual.losses(x, &self.content_target, self.spec.loss)
    }

    /// One Adam update of the pixels, kept in [0, 1].
    fn adam_step(&mut self) -> Result<()> {
        let losses = self.losses(self.pixels.as_tensor())?;
        let grads = losses.total.backward()?;
        self.adam.step(&grads)?;
        self.pixels
            .set(&self.pixels.as_tensor().clamp(0f32, 1f32)?)?;
        self.terms = losses.terms;
        Ok(())
    }

    /// One L-BFGS iteration (several loss evaluations in its line search).
    fn lbfgs_step(&mut self) -> Result<()> {
        let shape = self.pixels.shape().clone();
        let device = self.pixels.device().clone();
        let mut x: Vec<f64> = self
            .pixels
            .flatten_all()?
            .to_vec1::<f32>()?
            .into_iter()
            .map(f64::from)
            .collect();
        let mut last_terms = self.terms;
        let mut lbfgs = std::mem::replace(&mut self.lbfgs, Lbfgs::new(1, 0.0));
        let result = lbfgs.step(&mut x, |point| -> Result<(f64, Vec<f64>)> {
            let v: Vec<f32> = point.iter().map(|&p| p as f32).collect();
            let var = Var::from_tensor(&Tensor::from_vec(v, shape.clone(), &device)?)?;
            let losses = self.losses(var.as_tensor())?;
            let grads = losses.total.backward()?;
            let g = grads
                .get(var.as_tensor())
                .ok_or_else(|| StudioError::Spec("no gradient reached the pixels".into()))?
                .flatten_all()?
                .to_vec1::<f32>()?;
            last_terms = losses.terms;
            Ok((
                losses.terms.iter().sum(),
                g.into_iter().map(f64::from).collect(),
            ))
        });
        self.lbfgs = lbfgs;
        let step = result?;
        if (step.loss - last_terms.iter().sum::<f64>()).abs() <= 1e-9 * step.loss.abs().max(1.0) {
            self.terms = last_terms;
        }
        let v: Vec<f32> = x.iter().map(|&p| p as f32).collect();
        self.pixels.set(&Tensor::from_vec(v, shape, &device)?)?;
        Ok(())
    }

    /// The picture now, with the content's colours if the spec says so.
    pub fn result(&self) -> Result<RgbImage> {
        let image = to_image(self.pixels.as_tensor())?;
        Ok(if self.spec.pictures.preserve_colour {
            preserve_colour(&image, &self.content)
        } else {
            image
        })
    }

    /// The weighted content, style and TV losses of the picture now.
    pub fn terms(&self) -> [f64; 3] {
        self.terms
    }

    /// One iteration of the spec's optimiser.
    pub fn iterate(&mut self) -> Result<()> {
        match self.spec.optimise.optimiser {
            PixelOptimiser::Adam => self.adam_step(),
            PixelOptimiser::Lbfgs => self.lbfgs_step(),
        }
    }

    /// What the feature network is.
    pub fn network(&self) -> &str {
        &self.perceptual.net.description
    }

    /// Width and height of the working picture.
    pub fn size(&self) -> (usize, usize) {
        (self.content.width, self.content.height)
    }
}

impl Experiment for StyleTransfer {
    fn spec(&self) -> ExperimentSpec {
        ExperimentSpec::StyleTransfer(self.spec.clone())
    }

    fn metric_names(&self) -> Vec<&'static str> {
        vec!["content_loss", "style_loss", "tv_loss", "total_loss"]
    }

    fn step(&mut self, _part: StepPart) -> Result<Metrics> {
        self.iterate()?;
        let [c, s, tv] = self.terms;
        Ok(losses::metrics(c, s, tv))
    }

    fn evaluate(&mut self) -> Result<Metrics> {
        Ok(Vec::new())
    }

    fn view(&mut self, step: u64) -> Result<View> {
        let result = self.result()?;
        let (w, h) = self.size();
        let mut bytes = self.content.pixels.clone();
        bytes.extend_from_slice(&self.style_shown.pixels);
        bytes.extend_from_slice(&result.pixels);
        let mut grid = ImageGrid::tile(step, &bytes, 3, w, h, 3, 3);
        grid.caption = "content · style · result".into();
        Ok(View::Images(grid))
    }

    fn set_live(&mut self, key: &str, spec: &ExperimentSpec) -> Result<()> {
        let ExperimentSpec::StyleTransfer(new) = spec else {
            return Err(wrong_architecture(spec, "StyleTransfer"));
        };
        match key {
            "optimise.lr" => self.adam.set_learning_rate(new.optimise.lr),
            // L-BFGS's history belongs to the old objective.
            "loss.content" | "loss.style" | "loss.tv" => self.lbfgs.reset(),
            "pictures.preserve_colour" => {}
            _ => return Err(not_live(key, "a style transfer")),
        }
        self.spec = new.clone();
        Ok(())
    }

    fn picture(&self) -> Option<Result<RgbImage>> {
        Some(self.result())
    }

    fn tensors(&self) -> Vec<(String, Tensor)> {
        vec![(PIXELS.to_string(), self.pixels.as_tensor().clone())]
    }

    fn load_tensors(&mut self, tensors: &HashMap<String, Tensor>) -> Result<()> {
        let t = tensors
            .get(PIXELS)
            .ok_or_else(|| StudioError::Spec("the checkpoint holds no picture".into()))?;
        if t.dims() != self.pixels.dims() {
            return Err(StudioError::Spec(format!(
                "the checkpoint's picture is {:?}, this transfer's {:?}",
                t.dims(),
                self.pixels.dims()
            )));
        }
        self.pixels.set(&t.to_dtype(candle_core::DType::F32)?)?;
        self.lbfgs.reset();
        self.terms = self.losses(self.pixels.as_tensor())?.terms;
        Ok(())
    }

    fn train_state(&self) -> Result<TrainState> {
        let mut state = TrainState::new();
        state.put_optim("adam", &self.adam)?;
        let (pairs, current) = self.lbfgs.memory();
        let cpu = candle_core::Device::Cpu;
        let rhos: Vec<f64> = pairs.iter().map(|p| p.2).collect();
        state.put("lbfgs.rho", &rhos)?;
        for (i, (s_i, y_i, _)) in pairs.iter().enumerate() {
            state.put_tensor(&format!("lbfgs.s.{i}"), &Tensor::new(s_i.as_slice(), &cpu)?)?;
            state.put_tensor(&format!("lbfgs.y.{i}"), &Tensor::new(y_i.as_slice(), &cpu)?)?;
        }
        state.put("lbfgs.loss", &current.as_ref().map(|c| c.0))?;
        if let Some((_, grad)) = &current {
            state.put_tensor("lbfgs.grad", &Tensor::new(grad.as_slice(), &cpu)?)?;
        }
        Ok(state)
    }

    fn load_train_state(&mut self, state: &TrainState) -> Result<()> {
        let n = self.pixels.elem_count();
        let vector = |key: &str| -> Result<Vec<f64>> { Ok(state.tensor(key, &[n])?.to_vec1()?) };
        let rhos: Vec<f64> = state.get("lbfgs.rho")?;
        let pairs = rhos
            .iter()
            .enumerate()
            .map(|(i, &rho)| Ok((vector(&format!("lbfgs.s.{i}"))?, vector(&format!("lbfgs.y.{i}"))?, rho)))
            .collect::<Result<Vec<_>>>()?;
        let loss: Option<f64> = state.get("lbfgs.loss")?;
        let current = match loss {
            Some(l) => Some((l, vector("lbfgs.grad")?)),
            None => None,
        };
        state.restore_optim("adam", &mut self.adam)?;
        self.lbfgs.remember(pairs, current);
        Ok(())
    }
}
