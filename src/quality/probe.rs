//! `QualityProbe`: the Fréchet distance of generated images to held-out real ones in
//! the classifier's feature space, and the classes the classifier sees in them.

use std::path::{Path, PathBuf};

use candle_core::{Device, Tensor};

use super::classifier::{Classifier, images_tensor};
use super::copies::{self, CopyCheck, Nearest};
use super::frechet::{Gaussian, frechet_distance};
use super::precision_recall::{K, Manifold, precision_recall};
use crate::Result;
use crate::data::ImageSet;

/// Column names of the class shares (up to ten classes are reported).
pub const CLASS_COLUMNS: [&str; 10] = [
    "class_0_pct",
    "class_1_pct",
    "class_2_pct",
    "class_3_pct",
    "class_4_pct",
    "class_5_pct",
    "class_6_pct",
    "class_7_pct",
    "class_8_pct",
    "class_9_pct",
];

/// Classifier steps (batches of 128) when none is cached.
const CLASSIFIER_STEPS: usize = 400;

/// The classifier and the statistics of real held-out images.
pub struct QualityProbe {
    classifier: Classifier,
    real: Gaussian,
    /// The held-out images' features and their manifold (precision and recall).
    real_rows: Vec<Vec<f32>>,
    real_manifold: Option<Manifold>,
    /// Training features and the distance under which a sample counts as copied.
    copies: CopyCheck,
    /// The training image behind each row of `copies`.
    copy_rows: Vec<usize>,
    /// The classifier's accuracy on the held-out images.
    pub accuracy: f64,
}

/// What the probe measured on a batch of generated images.
#[derive(Clone, Debug, PartialEq)]
pub struct Quality {
    /// Squared Fréchet distance to the held-out images.
    pub frechet_distance: f64,
    /// Share of each class among the generated images, in percent.
    pub class_pct: Vec<f64>,
    /// Classes with at least half their fair share of the images.
    pub classes_covered: usize,
    /// Share of generated images inside the held-out images' feature manifold.
    pub precision: f64,
    /// Share of held-out images inside the generated images' feature manifold.
    pub recall: f64,
    /// Share of generated images nearer a training image than held-out images
    /// usually are, in percent (see [`crate::quality::copies`]).
    pub copied_pct: f64,
}

/// The columns a [`Quality`] fills, for a dataset of `classes` classes.
pub fn quality_columns(classes: usize) -> Vec<&'static str> {
    let mut names = vec![
        "frechet_distance",
        "precision",
        "recall",
        "copied_pct",
        "classes_covered",
    ];
    names.extend(CLASS_COLUMNS.iter().take(classes));
    names
}

impl Quality {
    /// The measurements as named columns (those of [`quality_columns`]).
    pub fn columns(&self) -> Vec<(&'static str, f64)> {
        let mut out = vec![
            ("frechet_distance", self.frechet_distance),
            ("precision", self.precision),
            ("recall", self.recall),
            ("copied_pct", self.copied_pct),
            ("classes_covered", self.classes_covered as f64),
        ];
        out.extend(
            CLASS_COLUMNS
                .iter()
                .copied()
                .zip(self.class_pct.iter().copied()),
        );
        out
    }
}

/// An experiment's quality probe, made at its first use, with what it is made
/// from besides the images: the run folder (where the classifier is cached as
/// `classifier.safetensors`), the seed and the device.
pub struct LazyProbe {
    probe: Option<QualityProbe>,
    /// The run folder, once the run has one.
    pub run_dir: Option<PathBuf>,
    seed: u64,
    device: Device,
}

impl LazyProbe {
    /// No probe yet; it will be made with `seed` on `device`.
    pub fn new(seed: u64, device: &Device) -> Self {
        Self {
            probe: None,
            run_dir: None,
            seed,
            device: device.clone(),
        }
    }

    /// Whether a probe can be made for these images: labelled (the classifier
    /// learns the labels), with at least ten held out.
    pub fn possible(train: &ImageSet, held_out: &ImageSet) -> bool {
        train.labels.is_some() && held_out.len() >= 10
    }

    /// The probe, made on first use from `train` and `held_out`.
    pub fn get(&mut self, train: &ImageSet, held_out: &ImageSet) -> Result<&QualityProbe> {
        if self.probe.is_none() {
            let cache = self
                .run_dir
                .as_ref()
                .map(|d| d.join("classifier.safetensors"));
            let probe =
                QualityProbe::new(train, held_out, cache.as_deref(), self.seed, &self.device)?;
            self.probe = Some(probe);
        }
        self.probe
            .as_ref()
            .ok_or_else(|| crate::StudioError::Spec("no quality probe".into()))
    }

    /// The probe, if it has been made.
    pub fn made(&self) -> Option<&QualityProbe> {
        self.probe.as_ref()
    }

    /// Where its tensors live.
    pub fn device(&self) -> &Device {
        &self.device
    }
}

impl QualityProbe {
    /// Loads the classifier cached at `cache` (if it fits) or trains one on `train` and
    /// caches it there; then measures the held-out set.
    pub fn new(
        train: &ImageSet,
        held_out: &ImageSet,
        cache: Option<&Path>,
        seed: u64,
        device: &Device,
    ) -> Result<Self> {
        let classes = train.class_names.len().max(1);
        let (s, c) = (train.width, train.channels);
        let cached = cache.and_then(|p| Classifier::load(p, s, c, classes, device).ok());
        let classifier = match cached {
            Some(c) => c,
            None => {
                let mut fresh = Classifier::new(s, c, classes, seed, device)?;
                fresh.train(train, CLASSIFIER_STEPS, seed, device)?;
                if let Some(p) = cache {
                    fresh.save(p)?;
                }
                fresh
            }
        };
        let accuracy = classifier.accuracy(held_out, 2000, device)?;
        let idx: Vec<usize> = (0..held_out.len().min(2000)).collect();
        let mut rows = Vec::new();
        for chunk in idx.chunks(500) {
            rows.extend(
                classifier
                    .features(&images_tensor(held_out, chunk, device)?)?
                    .to_vec2::<f32>()?,
            );
        }
        let dim = rows.first().map_or(0, Vec::len);
        let real = Gaussian::fit(&rows, dim).ok_or_else(|| {
            crate::StudioError::Spec("too few held-out images for the Fréchet distance".into())
        })?;
        let real_manifold = Manifold::new(&rows, K)?;
        let copy_rows = copies::spread(train.len(), copies::TRAIN_ROWS);
        let mut train_features = Vec::new();
        for chunk in copy_rows.chunks(500) {
            train_features.push(classifier.features(&images_tensor(train, chunk, device)?)?);
        }
        let held_features = Tensor::from_vec(
            rows.iter().flatten().copied().collect::<Vec<f32>>(),
            (rows.len(), dim),
            device,
        )?;
        let copies = CopyCheck::new(Tensor::cat(&train_features, 0)?, &held_features)?;
        Ok(Self {
            classifier,
            real,
            real_rows: rows,
            real_manifold,
            copies,
            copy_rows,
            accuracy,
        })
    }

    /// The nearest training image of each of `images` `[b, c, s, s]` (pixels in
    /// [0, 1]) in the classifier's features: its index in the training set and the
    /// distance, with the distance under which it counts as copied.
    pub fn nearest_training(&self, images: &Tensor) -> Result<(Vec<Nearest>, f32)> {
        let near = self.copies.nearest(&self.classifier.features(images)?)?;
        let near = near
            .into_iter()
            .map(|n| Nearest {
                index: self.copy_rows[n.index],
                distance: n.distance,
            })
            .collect();
        Ok((near, self.copies.threshold))
    }

    /// Measures generated images `[b, c, s, s]` with pixels in [0, 1].
    pub fn measure(&self, images: &Tensor) -> Result<Quality> {
        let rows = self.classifier.features(images)?.to_vec2::<f32>()?;
        let fake = Gaussian::fit(&rows, self.real.dim);
        let (precision, recall) = match &self.real_manifold {
            Some(m) => {
                precision_recall(m, &self.real_rows, &rows, K)?.unwrap_or((f64::NAN, f64::NAN))
            }
            None => (f64::NAN, f64::NAN),
        };
        let frechet = fake.map_or(f64::INFINITY, |g| frechet_distance(&self.real, &g));
        let features = Tensor::from_vec(
            rows.iter().flatten().copied().collect::<Vec<f32>>(),
            (rows.len(), self.real.dim),
            images.device(),
        )?;
        let copied_pct = self.copies.copied_pct(&features)?;
        let pred = self.classifier.predict(images)?;
        let k = self.classifier.classes;
        let mut counts = vec![0usize; k];
        for p in pred {
            if let Some(c) = counts.get_mut(p as usize) {
                *c += 1;
            }
        }
        let n = rows.len().max(1) as f64;
        let class_pct: Vec<f64> = counts.iter().map(|&c| 100.0 * c as f64 / n).collect();
        let fair = 100.0 / k as f64;
        let classes_covered = class_pct.iter().filter(|&&p| p >= fair / 2.0).count();
        Ok(Quality {
            frechet_distance: frechet,
            class_pct,
            classes_covered,
            precision,
            recall,
            copied_pct,
        })
    }
}
