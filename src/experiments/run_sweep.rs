//! A sweep: a preset, the overrides its runs share, and up to three settings
//! with their values; every combination is one run, in a folder of its own
//! under the sweep's folder, whose `sweep.toml` says what was varied.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::ExperimentSpec;
use crate::runs::atomic::write_atomic;
use crate::{Result, StudioError};

/// The sweep's record inside its folder.
pub const SWEEP_FILE: &str = "sweep.toml";

/// Most settings a sweep varies.
pub const MAX_VARIED: usize = 3;

/// Most runs in one sweep.
pub const MAX_RUNS: usize = 64;

/// One varied setting.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Vary {
    /// The dotted key.
    pub key: String,
    /// Its values, as `--set` takes them.
    pub values: Vec<String>,
}

/// A sweep's plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sweep {
    /// The preset (a built-in name or a file).
    pub preset: String,
    /// Steps of every run, if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<u64>,
    /// Overrides every run shares (`key=value`).
    #[serde(default)]
    pub set: Vec<String>,
    /// The settings varied.
    pub vary: Vec<Vary>,
}

/// One run of a sweep: a value for each varied setting, and its folder's name.
#[derive(Clone, Debug, PartialEq)]
pub struct Combination {
    /// `(key, value)` for each varied setting.
    pub values: Vec<(String, String)>,
    /// The run folder's name inside the sweep folder.
    pub folder: String,
}

impl Combination {
    /// `train.lr_g=0.001, train.generator_loss=minimax`.
    pub fn label(&self) -> String {
        self.values
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Splits `a,b,[1,2]` at the commas outside brackets and quotes.
fn split_values(text: &str) -> Vec<String> {
    let (mut out, mut current, mut depth, mut quoted) = (Vec::new(), String::new(), 0i32, false);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '[' | '{' if !quoted => depth += 1,
            ']' | '}' if !quoted => depth -= 1,
            ',' if depth == 0 && !quoted => {
                out.push(current.trim().to_string());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    out.push(current.trim().to_string());
    out
}

/// A file-name-safe piece: letters, digits, `.`, `-`, `_`; anything else a dash.
fn safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

impl Sweep {
    /// A sweep of `preset` (whose spec is `base`) over `vary` (`key=v1,v2,…` each),
    /// every run with `set` and `steps`; every combination is checked as a spec.
    pub fn new(
        preset: &str,
        base: &ExperimentSpec,
        vary: &[String],
        set: &[String],
        steps: Option<u64>,
    ) -> Result<Self> {
        if vary.is_empty() || vary.len() > MAX_VARIED {
            return Err(StudioError::Spec(format!(
                "a sweep varies one to {MAX_VARIED} settings ({} given)",
                vary.len()
            )));
        }
        let mut varied: Vec<Vary> = Vec::new();
        for v in vary {
            let (key, values) = v.split_once('=').ok_or_else(|| {
                StudioError::Spec(format!(
                    "--vary {v}: expected KEY=V1,V2,… (e.g. train.lr_g=1e-4,1e-3)"
                ))
            })?;
            let key = key.trim().to_string();
            let values: Vec<String> = split_values(values)
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect();
            if values.is_empty() {
                return Err(StudioError::Spec(format!("--vary {v}: no values")));
            }
            if varied.iter().any(|x| x.key == key) {
                return Err(StudioError::Spec(format!("--vary {key}: given twice")));
            }
            varied.push(Vary { key, values });
        }
        let sweep = Self {
            preset: preset.to_string(),
            steps,
            set: set.to_vec(),
            vary: varied,
        };
        let combos = sweep.combinations();
        if combos.len() > MAX_RUNS {
            return Err(StudioError::Spec(format!(
                "{} runs: a sweep holds at most {MAX_RUNS}",
                combos.len()
            )));
        }
        for c in &combos {
            let mut spec = base.clone();
            for a in sweep.assignments(c) {
                spec.set(&a)
                    .map_err(|e| StudioError::Spec(format!("{}: {e}", c.label())))?;
            }
            spec.validate()
                .map_err(|e| StudioError::Spec(format!("{}: {e}", c.label())))?;
        }
        Ok(sweep)
    }

    /// Every combination, the first setting's values slowest.
    pub fn combinations(&self) -> Vec<Combination> {
        let mut out: Vec<Vec<(String, String)>> = vec![Vec::new()];
        for v in &self.vary {
            out = out
                .into_iter()
                .flat_map(|prefix| {
                    v.values.iter().map(move |value| {
                        let mut next = prefix.clone();
                        next.push((v.key.clone(), value.clone()));
                        next
                    })
                })
                .collect();
        }
        out.into_iter()
            .map(|values| {
                let folder = values
                    .iter()
                    .map(|(k, v)| {
                        let short = k.rsplit('.').next().unwrap_or(k);
                        format!("{}-{}", safe(short), safe(v))
                    })
                    .collect::<Vec<_>>()
                    .join("_");
                Combination { values, folder }
            })
            .collect()
    }

    /// The `--set` assignments of one run: the shared ones, its steps, its values.
    pub fn assignments(&self, c: &Combination) -> Vec<String> {
        let mut out = self.set.clone();
        if let Some(steps) = self.steps {
            out.push(format!("schedule.steps={steps}"));
        }
        out.extend(c.values.iter().map(|(k, v)| format!("{k}={v}")));
        out
    }

    /// Writes `sweep.toml` into `root` (made if needed); a folder that already holds
    /// a sweep must hold this one (to continue it), and one that holds a run is refused.
    pub fn write_or_check(&self, root: &Path) -> Result<()> {
        if root.join("config.toml").is_file() {
            return Err(StudioError::Spec(format!(
                "{}: holds a run, not a sweep; choose another --out",
                root.display()
            )));
        }
        if let Some(existing) = read(root) {
            if existing != *self {
                return Err(StudioError::Spec(format!(
                    "{}: holds another sweep (its {SWEEP_FILE} differs); choose another --out",
                    root.display()
                )));
            }
            return Ok(());
        }
        std::fs::create_dir_all(root).map_err(|e| StudioError::io(root, e))?;
        let text = toml::to_string(self).map_err(|e| StudioError::Spec(e.to_string()))?;
        write_atomic(&root.join(SWEEP_FILE), text.as_bytes())
    }
}

/// The sweep recorded in `root`, if it holds a readable one.
pub fn read(root: &Path) -> Option<Sweep> {
    let text = std::fs::read_to_string(root.join(SWEEP_FILE)).ok()?;
    toml::from_str(&text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;

    #[test]
    fn a_sweep_is_every_combination_each_checked() {
        let base = presets::default_spec().expect("default");
        let vary = [
            "train.lr_g=0.001,0.0005".to_string(),
            "train.generator_loss=minimax,non_saturating".to_string(),
        ];
        let s =
            Sweep::new("gan2d_ring", &base, &vary, &["seed=3".into()], Some(20)).expect("sweep");
        let combos = s.combinations();
        assert_eq!(combos.len(), 4);
        assert_eq!(combos[1].folder, "lr_g-0.001_generator_loss-non_saturating");
        assert_eq!(
            s.assignments(&combos[2]),
            [
                "seed=3",
                "schedule.steps=20",
                "train.lr_g=0.0005",
                "train.generator_loss=minimax"
            ]
        );
        assert_eq!(split_values("a, [1,2] ,\"x,y\""), ["a", "[1,2]", "\"x,y\""]);
        let bad = Sweep::new(
            "gan2d_ring",
            &base,
            &["train.lr_g=0.001,-5".into()],
            &[],
            None,
        );
        assert!(
            bad.expect_err("out of range")
                .to_string()
                .contains("train.lr_g=-5")
        );
        assert!(Sweep::new("gan2d_ring", &base, &["train.lr_g".into()], &[], None).is_err());
        let four: Vec<String> = (0..4).map(|i| format!("seed={i}")).collect();
        assert!(
            Sweep::new("gan2d_ring", &base, &four, &[], None).is_err(),
            "at most three"
        );

        let dir = tempfile::tempdir().expect("dir");
        s.write_or_check(dir.path()).expect("written");
        assert_eq!(read(dir.path()), Some(s.clone()));
        s.write_or_check(dir.path())
            .expect("the same sweep continues");
        let other = Sweep::new("gan2d_ring", &base, &vary[..1], &[], None).expect("sweep");
        assert!(
            other.write_or_check(dir.path()).is_err(),
            "another sweep is refused"
        );
    }
}
