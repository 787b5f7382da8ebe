//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod numeric;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use candle_core::{Device, Tensor};
use latent_studio::Result;
use latent_studio::experiments::{Experiment, ExperimentSpec, Metrics, StepPart, TrainState};
use latent_studio::lab::{LabQuery, LabResult, LabSlot, PixelQuery};
use latent_studio::presets;
use latent_studio::view::View;
use latent_studio::worker::{Event, WorkerHandle};

/// A scripted experiment: counts its steps in a one-element "weight", and can be
/// told to panic or to report NaN at a given step.
pub struct Scripted {
    pub count: f32,
    pub panic_at: Option<u32>,
    pub nan_at: Option<u32>,
    pub step_sleep: Duration,
    /// A drawing asked of the lab: chunks sent so far (the second one fails).
    pub drawing: Option<u32>,
}

impl Scripted {
    pub fn new() -> Self {
        Self {
            count: 0.0,
            panic_at: None,
            nan_at: None,
            step_sleep: Duration::ZERO,
            drawing: None,
        }
    }
}

impl Experiment for Scripted {
    fn spec(&self) -> ExperimentSpec {
        let mut spec = presets::default_spec().expect("built-in preset");
        spec.schedule_mut().log_every = 2;
        spec.schedule_mut().checkpoint_every = 3;
        spec
    }

    fn metric_names(&self) -> Vec<&'static str> {
        vec!["loss", "count"]
    }

    fn step(&mut self, _part: StepPart) -> Result<Metrics> {
        std::thread::sleep(self.step_sleep);
        self.count += 1.0;
        if self.panic_at == Some(self.count as u32) {
            panic!("scripted panic at {}", self.count);
        }
        let loss = if self.nan_at == Some(self.count as u32) {
            f64::NAN
        } else {
            1.0 / self.count as f64
        };
        Ok(vec![("loss", loss)])
    }

    fn evaluate(&mut self) -> Result<Metrics> {
        Ok(vec![("count", self.count as f64)])
    }

    fn view(&mut self, _step: u64) -> Result<View> {
        Err(latent_studio::StudioError::Spec("no view".into()))
    }

    fn set_live(&mut self, _key: &str, _spec: &ExperimentSpec) -> Result<()> {
        Ok(())
    }

    /// A drawing: the first chunk is a partial picture, the next one fails.
    fn lab(&mut self, query: &LabQuery) -> Result<LabResult> {
        let LabQuery::Pixels(PixelQuery::Draw(_)) = query else {
            return Err(latent_studio::StudioError::Spec("draws only".into()));
        };
        self.drawing = Some(1);
        Ok(scripted_pixels(1))
    }

    fn lab_more(&mut self, _budget: std::time::Duration) -> Option<(LabSlot, Result<LabResult>)> {
        let chunks = self.drawing.take()?;
        let failed = latent_studio::StudioError::Spec(format!("chunk {} failed", chunks + 1));
        Some((LabSlot::Pixels, Err(failed)))
    }

    fn tensors(&self) -> Vec<(String, Tensor)> {
        match Tensor::new(&[self.count], &Device::Cpu) {
            Ok(t) => vec![("count".into(), t)],
            Err(_) => vec![],
        }
    }

    fn load_tensors(&mut self, tensors: &HashMap<String, Tensor>) -> Result<()> {
        if let Some(t) = tensors.get("count") {
            self.count = t.to_vec1::<f32>()?[0];
        }
        Ok(())
    }

    fn train_state(&self) -> Result<TrainState> {
        let mut state = TrainState::new();
        state.put("count", &self.count)?;
        Ok(state)
    }

    fn load_train_state(&mut self, state: &TrainState) -> Result<()> {
        self.count = state.get("count")?;
        Ok(())
    }
}

/// A partial drawing of one 2 × 2 picture, `drawn` pixels in.
pub fn scripted_pixels(drawn: usize) -> LabResult {
    let grid = latent_studio::view::ImageGrid::tile(0, &[0, 64, 128, 255], 1, 2, 2, 1, 1);
    LabResult::Pixels {
        entropy: grid.clone(),
        grid,
        drawn,
        total: 4,
        done: false,
        secs: 0.0,
    }
}

/// Receives events until `pred` matches one (returned) or `timeout` passes (panics).
pub fn wait_for(
    worker: &WorkerHandle,
    timeout: Duration,
    mut pred: impl FnMut(&Event) -> bool,
) -> Event {
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match worker.events().recv_timeout(left) {
            Ok(e) if pred(&e) => return e,
            Ok(_) => {}
            Err(e) => panic!("no matching event within {timeout:?}: {e}"),
        }
    }
}

/// A tiny VGG16-shaped safetensors file in torchvision's layout (`features.N.*`),
/// `width` channels in every layer, He-scaled random weights (the same every run)
/// and zero biases.
pub fn write_tiny_vgg16(path: &std::path::Path, width: usize) {
    use rand::SeedableRng;
    use rand_distr::Distribution;
    let d = Device::Cpu;
    let mut rng = latent_studio::nn::rng::SeededRng::seed_from_u64(16);
    let mut tensors = HashMap::new();
    let (mut at, mut cin) = (0, 3);
    for n in latent_studio::features::vgg::VGG16 {
        for _ in 0..n {
            let scale = (2.0 / (cin * 9) as f32).sqrt();
            let values: Vec<f32> = (0..width * cin * 9)
                .map(|_| rand_distr::StandardNormal.sample(&mut rng))
                .map(|v: f32| v * scale)
                .collect();
            let w = Tensor::from_vec(values, (width, cin, 3, 3), &d).expect("w");
            tensors.insert(format!("features.{at}.weight"), w);
            tensors.insert(
                format!("features.{at}.bias"),
                Tensor::zeros(width, candle_core::DType::F32, &d).expect("b"),
            );
            cin = width;
            at += 2;
        }
        at += 1;
    }
    candle_core::safetensors::save(&tensors, path).expect("save");
}
