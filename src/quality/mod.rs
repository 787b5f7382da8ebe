//! Quality figures for generative image models: a small classifier trained once on
//! the dataset, the Fréchet distance between its features of real and generated
//! images, precision and recall of their k-nearest-neighbour manifolds, and the
//! histogram of classes it predicts for generated images, and how often generated
//! images come nearer the training images than fresh ones do (memorisation).

pub mod classifier;
pub mod copies;
pub mod frechet;
pub mod precision_recall;
pub mod probe;

use serde::{Deserialize, Serialize};

/// When generated images are measured (Fréchet distance, precision and recall,
/// classes, copies), with a classifier trained once on the dataset and cached in
/// the run folder.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleQuality {
    /// Steps between measurements (0 = never; the first step is always measured).
    pub every: u64,
    /// Generated images per measurement.
    pub samples: usize,
}

impl SampleQuality {
    /// Never measured (what a spec without the section gets).
    pub fn off() -> Self {
        Self {
            every: 0,
            samples: 1000,
        }
    }

    /// Whether a measurement is due at `step`, the last having been at `last`: the
    /// first row, then each time the step passes a multiple of `every`.
    pub fn due(&self, last: Option<u64>, step: u64) -> bool {
        match last {
            None => self.every > 0,
            Some(at) => self.every > 0 && step / self.every > at / self.every,
        }
    }
}

impl Default for SampleQuality {
    fn default() -> Self {
        Self::off()
    }
}
