//! `ExperimentSpec`: the plain serde description of an experiment, exactly what a
//! preset file in `presets/` holds, and the `--set key=value` overrides on it.

use serde::{Deserialize, Serialize};

use super::ExperimentSpec;
use super::image_data::ImageData;
use crate::{Result, StudioError};

/// What every architecture's own spec offers the run loop and the front ends.
pub trait ArchSpec {
    /// The experiment's display name.
    fn name(&self) -> &str;
    /// The seed for data, weights and noise.
    fn seed(&self) -> u64;
    /// When to log, draw and save.
    fn schedule(&self) -> &Schedule;
    /// Mutable access to the schedule.
    fn schedule_mut(&mut self) -> &mut Schedule;
    /// Checks values that parse but make no sense.
    fn validate(&self) -> Result<()>;
    /// The images an image model learns (`None` for other models).
    fn image_data(&self) -> Option<&ImageData> {
        None
    }
    /// Mutable access to those images.
    fn image_data_mut(&mut self) -> Option<&mut ImageData> {
        None
    }
}

/// Implements [`ArchSpec`] for a spec struct with `name`, `seed` and `schedule`
/// fields and a `validate` method; `images` adds its `data: ImageData` field.
#[macro_export]
macro_rules! arch_spec {
    ($ty:ty) => {
        $crate::arch_spec!(@common $ty, {});
    };
    ($ty:ty, images) => {
        $crate::arch_spec!(@common $ty, {
            fn image_data(&self) -> Option<&$crate::experiments::image_data::ImageData> {
                Some(&self.data)
            }
            fn image_data_mut(
                &mut self,
            ) -> Option<&mut $crate::experiments::image_data::ImageData> {
                Some(&mut self.data)
            }
        });
    };
    (@common $ty:ty, { $($extra:tt)* }) => {
        impl $crate::experiments::spec::ArchSpec for $ty {
            fn name(&self) -> &str {
                &self.name
            }
            fn seed(&self) -> u64 {
                self.seed
            }
            fn schedule(&self) -> &$crate::experiments::Schedule {
                &self.schedule
            }
            fn schedule_mut(&mut self) -> &mut $crate::experiments::Schedule {
                &mut self.schedule
            }
            fn validate(&self) -> $crate::Result<()> {
                <$ty>::validate(self)
            }
            $($extra)*
        }
    };
}

/// Declares the architectures, once each (`module: Variant(Spec) = "key";`): their
/// modules, the spec enum (one variant per architecture, its TOML key as the serde
/// tag), its dispatch to [`ArchSpec`], and the registry's list of
/// [`super::registry::Architecture`]s (each module's `ARCHITECTURE`).
macro_rules! architectures {
    ($( $(#[$doc:meta])* $module:ident: $variant:ident($spec:ident) = $key:literal; )+) => {
        $( pub mod $module; )+

        /// One experiment: which architecture, and all of its settings.
        ///
        /// In TOML the architecture is a top-level key, `architecture = "gan2d"`, next
        /// to the architecture's own keys and sections.
        #[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(tag = "architecture")]
        pub enum ExperimentSpec {
            $( $(#[$doc])* #[serde(rename = $key)] $variant($module::$spec), )+
        }

        impl ExperimentSpec {
            /// The architecture's key, as written in TOML (`gan2d`, …).
            pub fn architecture(&self) -> &'static str {
                match self {
                    $( ExperimentSpec::$variant(_) => $key, )+
                }
            }

            /// The architecture's own spec, through the face they all share.
            pub fn arch(&self) -> &dyn $crate::experiments::spec::ArchSpec {
                match self {
                    $( ExperimentSpec::$variant(s) => s, )+
                }
            }

            /// Mutable access to the architecture's own spec.
            pub fn arch_mut(&mut self) -> &mut dyn $crate::experiments::spec::ArchSpec {
                match self {
                    $( ExperimentSpec::$variant(s) => s, )+
                }
            }
        }

        $( impl From<$module::$spec> for ExperimentSpec {
            fn from(spec: $module::$spec) -> Self {
                ExperimentSpec::$variant(spec)
            }
        } )+

        /// Every architecture, in the picker's order (the default first).
        pub const ARCHITECTURES: &[&$crate::experiments::registry::Architecture] =
            &[ $( &$module::ARCHITECTURE, )+ ];
    };
}
pub(crate) use architectures;

/// When the run loop logs, draws and saves; shared by every architecture.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// Training steps in a run.
    pub steps: u64,
    /// Steps between rows of `metrics.csv` (each row averages the steps since the last).
    pub log_every: u64,
    /// Steps between sample pictures written to the run folder.
    pub sample_every: u64,
    /// Steps between checkpoints written to the run folder.
    pub checkpoint_every: u64,
    /// Checkpoints kept in `checkpoints/` to rewind and branch from: the last this
    /// many, and older ones thinned out to cover the whole run (0: the latest only).
    #[serde(default = "default_keep_checkpoints")]
    pub keep_checkpoints: u32,
    /// The most megabytes that history may take (the newest entry is kept regardless).
    #[serde(default = "default_checkpoint_budget_mb")]
    pub checkpoint_budget_mb: u64,
    /// A time budget: the run ends after this many seconds of training, pauses left
    /// out (0: no limit; the run ends at `steps`, whichever comes first).
    #[serde(default)]
    pub seconds: u64,
}

fn default_keep_checkpoints() -> u32 {
    5
}

fn default_checkpoint_budget_mb() -> u64 {
    200
}

impl Default for Schedule {
    fn default() -> Self {
        Self {
            steps: 5000,
            log_every: 25,
            sample_every: 500,
            checkpoint_every: 500,
            keep_checkpoints: default_keep_checkpoints(),
            checkpoint_budget_mb: default_checkpoint_budget_mb(),
            seconds: 0,
        }
    }
}

impl ExperimentSpec {
    /// The experiment's display name.
    pub fn name(&self) -> &str {
        self.arch().name()
    }

    /// The seed for data, weights and noise.
    pub fn seed(&self) -> u64 {
        self.arch().seed()
    }

    /// When to log, draw and save.
    pub fn schedule(&self) -> &Schedule {
        self.arch().schedule()
    }

    /// Mutable access to the schedule (the CLI's `--steps` sets it).
    pub fn schedule_mut(&mut self) -> &mut Schedule {
        self.arch_mut().schedule_mut()
    }

    /// The images an image model learns, and its seed (`None` for other models).
    pub fn image_data(&self) -> Option<(&ImageData, u64)> {
        let seed = self.seed();
        self.arch().image_data().map(|d| (d, seed))
    }

    /// Mutable access to the images an image model learns.
    pub fn image_data_mut(&mut self) -> Option<&mut ImageData> {
        self.arch_mut().image_data_mut()
    }

    /// Parses a spec from TOML text and checks it.
    pub fn from_toml(text: &str) -> Result<Self> {
        // A branch's config.toml starts with its lineage, which is not the spec's.
        let text = crate::runs::lineage::strip(text);
        let spec: ExperimentSpec =
            toml::from_str(&text).map_err(|e| StudioError::Spec(one_line(&e.to_string())))?;
        spec.validate()?;
        Ok(spec)
    }

    /// The spec as TOML text (what `config.toml` in a run folder holds).
    pub fn to_toml(&self) -> Result<String> {
        toml::to_string(self).map_err(|e| StudioError::Spec(e.to_string()))
    }

    /// Checks values that parse but make no sense (a batch of zero, …).
    pub fn validate(&self) -> Result<()> {
        let s = self.schedule();
        if s.steps == 0 {
            return Err(StudioError::Spec(
                "schedule.steps must be at least 1 (a run of no steps would still take one)".into(),
            ));
        }
        if s.log_every == 0 || s.sample_every == 0 || s.checkpoint_every == 0 {
            return Err(StudioError::Spec(
                "schedule: log_every, sample_every and checkpoint_every must be at least 1".into(),
            ));
        }
        if s.keep_checkpoints > 1000 || s.checkpoint_budget_mb == 0 {
            return Err(StudioError::Spec(
                "schedule: keep_checkpoints must be 0-1000 and checkpoint_budget_mb at least 1"
                    .into(),
            ));
        }
        self.arch().validate()?;
        super::registry::check_settings(self)
    }

    /// Applies one `key=value` override, where `key` is a dotted path to any key of
    /// the spec (`train.lr_g`, `model.g_hidden`, `seed`) and `value` is a TOML value
    /// (a bare word that is not valid TOML is taken as a string).
    pub fn set(&mut self, assignment: &str) -> Result<()> {
        self.set_all(&[assignment])
    }

    /// Applies several overrides (as [`ExperimentSpec::set`]) together: the spec is
    /// checked once all are in, so their order does not matter
    /// (`data.source=idx` before `data.path=…` is fine). Nothing changes on error.
    pub fn set_all<S: AsRef<str>>(&mut self, assignments: &[S]) -> Result<()> {
        let mut root =
            toml::Value::try_from(&*self).map_err(|e| StudioError::Spec(e.to_string()))?;
        let mut shown = Vec::new();
        for assignment in assignments {
            let assignment = assignment.as_ref();
            let Some((key, raw)) = assignment.split_once('=') else {
                return Err(StudioError::Spec(format!(
                    "--set expects key=value, got '{assignment}'"
                )));
            };
            let (key, raw) = (key.trim(), raw.trim());
            if key == "architecture" {
                return Err(StudioError::Spec(
                    "the architecture cannot be changed with --set; pick another preset".into(),
                ));
            }
            let mut slot = &mut root;
            for part in key.split('.') {
                let table = slot.as_table_mut().ok_or_else(|| unknown_key(key))?;
                slot = table.get_mut(part).ok_or_else(|| unknown_key(key))?;
            }
            *slot = parse_value(raw);
            shown.push(format!("{key}={raw}"));
        }
        let text = toml::to_string(&root).map_err(|e| StudioError::Spec(e.to_string()))?;
        let updated: ExperimentSpec = toml::from_str(&text).map_err(|e| {
            StudioError::Spec(format!(
                "--set {}: {}",
                shown.join(" "),
                one_line(&e.to_string())
            ))
        })?;
        updated.validate()?;
        *self = updated;
        Ok(())
    }
}

fn unknown_key(key: &str) -> StudioError {
    StudioError::Spec(format!(
        "unknown key '{key}' (see config.toml of a run for every key)"
    ))
}

/// Parses `raw` as a TOML value; falls back to a string for bare words.
fn parse_value(raw: &str) -> toml::Value {
    let doc = format!("v = {raw}");
    match toml::from_str::<toml::Table>(&doc) {
        Ok(mut t) => t
            .remove("v")
            .unwrap_or_else(|| toml::Value::String(raw.into())),
        Err(_) => toml::Value::String(raw.to_string()),
    }
}

/// Squeezes a multi-line parser message (with its source excerpt) into one line.
fn one_line(msg: &str) -> String {
    let lines: Vec<&str> = msg
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty() && !l.starts_with('|') && !l.chars().all(|c| c == '^' || c == ' ')
        })
        .collect();
    lines.join(": ").replace(":: ", ": ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;

    fn ring() -> ExperimentSpec {
        presets::default_spec().expect("default")
    }

    #[test]
    fn set_reaches_nested_keys_and_checks_types() {
        let mut spec = ring();
        spec.set("train.lr_g=0.0005").expect("float");
        spec.set("model.g_hidden=[32, 16]").expect("list");
        spec.set("data.distribution=spiral").expect("bare word");
        spec.set("seed=42").expect("int");
        let ExperimentSpec::Gan2d(g) = &spec else {
            panic!("gan2d")
        };
        assert_eq!(g.train.lr_g, 0.0005);
        assert_eq!(g.model.g_hidden, vec![32, 16]);
        assert_eq!(g.data.distribution, crate::data::toy2d::Toy2d::Spiral);
        assert_eq!(g.seed, 42);

        let err = spec.set("train.no_such_key=1").expect_err("unknown key");
        assert!(
            err.to_string().contains("unknown key 'train.no_such_key'"),
            "{err}"
        );
        let err = spec.set("train.batch_size=lots").expect_err("wrong type");
        assert!(err.to_string().contains("train.batch_size"), "{err}");
        assert!(spec.set("train.batch_size").is_err());
        assert!(spec.set("train.batch_size=0").is_err(), "validated");
    }

    #[test]
    fn toml_round_trips_and_rejects_unknown_fields() {
        let spec = ring();
        let text = spec.to_toml().expect("serialise");
        assert_eq!(ExperimentSpec::from_toml(&text).expect("parse"), spec);
        let bad = text.replace("batch_size", "bach_size");
        let err = ExperimentSpec::from_toml(&bad).expect_err("typo");
        assert!(err.to_string().contains("bach_size"), "{err}");
        let err = ExperimentSpec::from_toml("architecture = \"nope\"").expect_err("arch");
        assert!(err.to_string().contains("nope"), "{err}");
    }
}
