//! The registry of architectures: each one declares itself once, in an
//! [`Architecture`] value in its own module, and is listed once, in
//! [`ARCHITECTURES`]. The spec's dispatch, the window (its architecture picker, tabs
//! and generic settings panel), the CLI (`presets`, `train`, `bench`) and the run
//! list read this table instead of matching on every architecture.

use candle_core::Device;

use super::{Experiment, ExperimentSpec};
use crate::{Result, StudioError};

/// A preset file shipped with the studio, embedded so the studio works out of the box.
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    /// The file name in `presets/`.
    pub file: &'static str,
    /// The file's text.
    pub toml: &'static str,
}

impl Preset {
    /// The preset's name on the command line: its file name without `.toml`.
    pub fn name(&self) -> &'static str {
        self.file.trim_end_matches(".toml")
    }

    /// Parses the preset.
    pub fn spec(&self) -> Result<ExperimentSpec> {
        ExperimentSpec::from_toml(self.toml)
    }

    /// Parses the preset and applies `key=value` overrides, as `--set` does.
    pub fn with(&self, sets: &[&str]) -> Result<ExperimentSpec> {
        let mut spec = self.spec()?;
        for set in sets {
            spec.set(set)?;
        }
        Ok(spec)
    }
}

/// The error of a builder given a spec of another architecture.
pub fn wrong_architecture(spec: &ExperimentSpec, wanted: &str) -> StudioError {
    StudioError::Spec(format!(
        "a {} spec cannot build a {wanted}",
        spec.architecture()
    ))
}

/// Whether a smaller or a larger value of a metric is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    /// Smaller is better (a loss, a distance, bits per character).
    Lower,
    /// Larger is better (an ELBO, modes captured).
    Higher,
}

/// The one metric that says how well a run of an architecture did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Headline {
    /// The metric's column in `metrics.csv`.
    pub metric: &'static str,
    /// Which way is better.
    pub better: Better,
}

/// What the training tab shows as the model's samples.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SampleKind {
    /// Points in the plane over the discriminator's field (the 2-D canvas).
    Points2d,
    /// A gallery of images from fixed noise, with "New noise".
    NoiseGallery,
    /// A gallery of images (drawn samples, reconstructions).
    Gallery,
    /// Text the model wrote.
    Text,
    /// One optimised picture beside its inputs, with "Save result".
    Picture,
}

/// The lab tab an architecture offers, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabTool {
    /// The latent lab: map, sliders, interpolation, concept vectors, prior samples.
    Latent,
    /// Generate: text from a prompt with a sampling rule.
    Text,
    /// Draw: images drawn pixel by pixel, completions.
    Pixels,
    /// Sentences: homotopies, reconstructions, prior samples, concept vectors.
    Sentences,
    /// Repaint: any picture through a trained style network, and a live landscape.
    Repaint,
}

/// What the window offers for an architecture besides its settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tools {
    /// What its training tab shows.
    pub samples: SampleKind,
    /// Its lab tab.
    pub lab: Option<LabTool>,
    /// A GAN's Step D / Step G buttons.
    pub gan_steps: bool,
}

/// The kind of value a declared setting holds, with its range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SettingKind {
    /// A whole number in `min..=max`.
    Int {
        /// Smallest allowed.
        min: i64,
        /// Largest allowed.
        max: i64,
    },
    /// A real number in `min..=max`, on a logarithmic slider when `log`.
    Float {
        /// Smallest allowed.
        min: f64,
        /// Largest allowed.
        max: f64,
        /// Shown on a logarithmic scale.
        log: bool,
    },
    /// On or off.
    Bool,
    /// One of a few words.
    Choice(&'static [Choice]),
}

/// One value a [`SettingKind::Choice`] offers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Choice {
    /// The value as written in TOML.
    pub value: &'static str,
    /// Its label in the window.
    pub label: &'static str,
    /// What it does, for the tooltip.
    pub tip: &'static str,
}

/// A setting of an architecture's spec, declared once: the window draws its widget
/// from this (range included), and the spec's checks use the same range.
#[derive(Clone, Copy, Debug)]
pub struct Setting {
    /// Its dotted key, as for `--set` (`train.lr`).
    pub key: &'static str,
    /// Its label in the window.
    pub label: &'static str,
    /// What it does, for the tooltip.
    pub tip: &'static str,
    /// Its kind and range.
    pub kind: SettingKind,
    /// Whether it can change while a run goes.
    pub live: bool,
    /// Whether it is offered for a spec of its architecture (`None`: always), e.g. β
    /// for a VAE but not for a plain autoencoder. Its range is checked either way.
    pub applies: Option<fn(&ExperimentSpec) -> bool>,
}

impl Setting {
    /// A setting fixed when a run starts.
    pub const fn fixed(
        key: &'static str,
        label: &'static str,
        tip: &'static str,
        kind: SettingKind,
    ) -> Self {
        Self {
            key,
            label,
            tip,
            kind,
            live: false,
            applies: None,
        }
    }

    /// A setting that can change while a run goes.
    pub const fn live(
        key: &'static str,
        label: &'static str,
        tip: &'static str,
        kind: SettingKind,
    ) -> Self {
        Self {
            live: true,
            ..Self::fixed(key, label, tip, kind)
        }
    }

    /// The same setting, applying only to the specs `applies` accepts.
    pub const fn when(self, applies: fn(&ExperimentSpec) -> bool) -> Self {
        Self {
            applies: Some(applies),
            ..self
        }
    }

    /// Whether it applies to `spec`.
    pub fn applies_to(&self, spec: &ExperimentSpec) -> bool {
        self.applies.is_none_or(|f| f(spec))
    }

    /// A value of this setting as a user reads it (a choice's label).
    pub fn describe(&self, value: &toml::Value) -> String {
        match (self.kind, value) {
            (SettingKind::Choice(choices), toml::Value::String(v)) => choices
                .iter()
                .find(|c| c.value == v)
                .map_or_else(|| v.clone(), |c| c.label.to_string()),
            (SettingKind::Bool, toml::Value::Boolean(b)) => (if *b { "on" } else { "off" }).into(),
            (_, toml::Value::Float(v)) => format!("{v}"),
            _ => value.to_string(),
        }
    }
}

/// A benchmark of `latent-studio bench`: a training step or one sampling run.
#[derive(Clone, Copy, Debug)]
pub struct Bench {
    /// Its name on the command line (`dcgan`, `char-lstm-sample`).
    pub name: &'static str,
    /// What it times.
    pub about: &'static str,
    /// Times one sample (a view) instead of one training step.
    pub sampling: bool,
    /// The spec it runs.
    pub spec: fn() -> Result<ExperimentSpec>,
}

/// Everything the studio knows of one architecture.
#[derive(Clone, Copy, Debug)]
pub struct Architecture {
    /// The key its presets name (`architecture = "gan2d"`).
    pub key: &'static str,
    /// Its name in the architecture picker.
    pub label: &'static str,
    /// Its presets; the first is the architecture's default.
    pub presets: &'static [Preset],
    /// Builds a run of a spec of this architecture.
    pub build: fn(&ExperimentSpec, &Device) -> Result<Box<dyn Experiment>>,
    /// The metric a run is judged by.
    pub headline: Headline,
    /// What the window offers for it.
    pub tools: Tools,
    /// Settings a generic panel can draw, and the live ones with their ranges.
    pub settings: &'static [Setting],
    /// Its benchmarks.
    pub benches: &'static [Bench],
    /// What a run of a spec holds besides its weights (data, a step's activations),
    /// estimated before anything is built.
    pub working_memory: fn(&ExperimentSpec) -> super::working_memory::WorkingMemory,
    /// Its model card for a spec: layers, shapes, parameters, FLOPs and kernels
    /// (may read the spec's data or network: call it off the UI thread).
    pub card: fn(&ExperimentSpec) -> Result<super::model_card::ModelCard>,
}

impl Architecture {
    /// The spec of its first preset.
    pub fn default_spec(&self) -> Result<ExperimentSpec> {
        let first = self.presets.first().ok_or_else(|| {
            StudioError::Spec(format!("the architecture {} has no preset", self.key))
        })?;
        first.spec()
    }

    /// Its declared setting `key`, if it declares one.
    pub fn setting(&self, key: &str) -> Option<&'static Setting> {
        self.settings.iter().find(|s| s.key == key)
    }

    /// The keys that can change while a run goes.
    pub fn live_keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.settings.iter().filter(|s| s.live).map(|s| s.key)
    }
}

/// The architecture registered under `key`.
pub fn find(key: &str) -> Option<&'static Architecture> {
    super::ARCHITECTURES.iter().copied().find(|a| a.key == key)
}

/// The architecture of `spec`.
pub fn of(spec: &ExperimentSpec) -> Result<&'static Architecture> {
    find(spec.architecture()).ok_or_else(|| {
        StudioError::Spec(format!(
            "the architecture {} is not registered",
            spec.architecture()
        ))
    })
}

/// Every built-in preset, the default (the first architecture's first) first.
pub fn presets() -> impl Iterator<Item = &'static Preset> {
    super::ARCHITECTURES.iter().flat_map(|a| a.presets.iter())
}

/// The built-in preset called `name` (its file name, with or without `.toml`).
pub fn preset(name: &str) -> Option<&'static Preset> {
    let wanted = name.trim_end_matches(".toml");
    presets().find(|p| p.name() == wanted)
}

/// Every benchmark, in the registry's order.
pub fn benches() -> impl Iterator<Item = &'static Bench> {
    super::ARCHITECTURES.iter().flat_map(|a| a.benches.iter())
}

/// Checks the values of `spec` against the ranges its architecture declares.
pub fn check_settings(spec: &ExperimentSpec) -> Result<()> {
    let Some(arch) = find(spec.architecture()) else {
        return Ok(());
    };
    if arch.settings.is_empty() {
        return Ok(());
    }
    let root = toml::Value::try_from(spec).map_err(|e| StudioError::Spec(e.to_string()))?;
    // Every declared range holds, whether or not the setting is offered for this spec.
    for s in arch.settings {
        if let Some(value) = lookup(&root, s.key) {
            check_value(s, value)?;
        }
    }
    Ok(())
}

/// The value at a dotted `key` of a spec as TOML.
pub fn lookup<'a>(root: &'a toml::Value, key: &str) -> Option<&'a toml::Value> {
    key.split('.').try_fold(root, |v, part| v.get(part))
}

/// Checks one value against its declaration.
pub fn check_value(setting: &Setting, value: &toml::Value) -> Result<()> {
    let key = setting.key;
    let out_of_range = |range: String| {
        Err(StudioError::Spec(format!(
            "{key} must be {range} (it is {value})"
        )))
    };
    match (setting.kind, value) {
        (SettingKind::Int { min, max }, toml::Value::Integer(v)) => {
            if (min..=max).contains(v) {
                Ok(())
            } else {
                out_of_range(format!("between {min} and {max}"))
            }
        }
        (SettingKind::Float { min, max, .. }, toml::Value::Float(v)) => {
            if v.is_finite() && (min..=max).contains(v) {
                Ok(())
            } else {
                out_of_range(format!("between {min} and {max}"))
            }
        }
        (SettingKind::Float { min, max, .. }, toml::Value::Integer(v)) => {
            if (min..=max).contains(&(*v as f64)) {
                Ok(())
            } else {
                out_of_range(format!("between {min} and {max}"))
            }
        }
        (SettingKind::Bool, toml::Value::Boolean(_)) => Ok(()),
        (SettingKind::Choice(choices), toml::Value::String(v)) => {
            if choices.iter().any(|c| c.value == v) {
                Ok(())
            } else {
                let names: Vec<&str> = choices.iter().map(|c| c.value).collect();
                out_of_range(format!("one of {}", names.join(", ")))
            }
        }
        _ => Err(StudioError::Spec(format!(
            "{key}: expected {}, got {value}",
            match setting.kind {
                SettingKind::Int { .. } => "a whole number",
                SettingKind::Float { .. } => "a number",
                SettingKind::Bool => "true or false",
                SettingKind::Choice(_) => "a word",
            }
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_architecture_is_found_by_its_key_and_its_presets_name_it() {
        let mut keys = Vec::new();
        for arch in super::super::ARCHITECTURES {
            assert!(!keys.contains(&arch.key), "{} twice", arch.key);
            keys.push(arch.key);
            assert!(!arch.presets.is_empty(), "{} has no preset", arch.key);
            for p in arch.presets {
                let spec = p.spec().unwrap_or_else(|e| panic!("{}: {e}", p.file));
                assert_eq!(spec.architecture(), arch.key, "{}", p.file);
                assert_eq!(of(&spec).map(|a| a.key).ok(), Some(arch.key));
            }
            for s in arch.settings {
                let spec = arch.default_spec().expect("default");
                let root = toml::Value::try_from(&spec).expect("toml");
                let value = lookup(&root, s.key)
                    .unwrap_or_else(|| panic!("{}: no key {}", arch.key, s.key));
                check_value(s, value).unwrap_or_else(|e| panic!("{}: {e}", arch.key));
            }
        }
        assert!(find("no_such_architecture").is_none());
    }

    #[test]
    fn declared_ranges_are_checked() {
        let int = Setting::fixed(
            "model.levels",
            "Levels",
            "",
            SettingKind::Int { min: 2, max: 256 },
        );
        assert!(check_value(&int, &toml::Value::Integer(2)).is_ok());
        let err = check_value(&int, &toml::Value::Integer(1)).expect_err("below");
        assert!(err.to_string().contains("between 2 and 256"), "{err}");
        assert!(check_value(&int, &toml::Value::Float(3.0)).is_err());
        let lr = Setting {
            kind: SettingKind::Float {
                min: 1e-6,
                max: 0.5,
                log: true,
            },
            ..int
        };
        assert!(check_value(&lr, &toml::Value::Float(1e-3)).is_ok());
        assert!(check_value(&lr, &toml::Value::Float(f64::NAN)).is_err());
        assert!(check_value(&lr, &toml::Value::Float(0.9)).is_err());
        const WORDS: &[Choice] = &[
            Choice {
                value: "minimax",
                label: "minimax",
                tip: "",
            },
            Choice {
                value: "non_saturating",
                label: "non-saturating",
                tip: "",
            },
        ];
        let word = Setting::live(
            "train.generator_loss",
            "Loss",
            "",
            SettingKind::Choice(WORDS),
        );
        assert!(check_value(&word, &toml::Value::String("minimax".into())).is_ok());
        let err = check_value(&word, &toml::Value::String("hinge".into())).expect_err("no such");
        assert!(
            err.to_string().contains("one of minimax, non_saturating"),
            "{err}"
        );
        assert_eq!(
            word.describe(&toml::Value::String("non_saturating".into())),
            "non-saturating"
        );
    }
}
