//! A live change is a keyed spec edit: the same dotted keys as `--set`, checked once
//! by the spec (ranges from the registry's declarations), allowed only for the keys
//! the architecture declares live, then handed to the running experiment.

use super::registry::{self, Setting, SettingKind};
use super::{Experiment, ExperimentSpec};
use crate::{Result, StudioError};

/// A learning rate's range, on a logarithmic slider.
pub const LEARNING_RATE: SettingKind = SettingKind::Float {
    min: 1e-6,
    max: 1.0,
    log: true,
};

/// The learning rate of a model with one Adam optimiser, at `train.lr`.
pub const ADAM_LR: Setting = Setting::live(
    "train.lr",
    "Learning rate",
    "Adam's step size.",
    LEARNING_RATE,
);

/// Changes `key` of the running `exp` to `value` (TOML text, as for `--set`) and
/// returns a sentence saying so; nothing changes on error.
pub fn change(exp: &mut dyn Experiment, key: &str, value: &str) -> Result<String> {
    let spec = exp.spec();
    let arch = registry::of(&spec)?;
    let setting = arch
        .setting(key)
        .filter(|s| s.live && s.applies_to(&spec))
        .ok_or_else(|| {
            let live: Vec<&str> = arch
                .settings
                .iter()
                .filter(|s| s.live && s.applies_to(&spec))
                .map(|s| s.key)
                .collect();
            StudioError::Spec(format!(
                "{key} cannot change while a run goes (live: {})",
                if live.is_empty() {
                    "nothing".to_string()
                } else {
                    live.join(", ")
                }
            ))
        })?;
    let mut changed = spec.clone();
    changed.set(&format!("{key}={value}"))?;
    exp.set_live(key, &changed)?;
    Ok(sentence(setting, &changed))
}

/// "G learning rate is now 0.0005."
fn sentence(setting: &Setting, spec: &ExperimentSpec) -> String {
    let value = toml::Value::try_from(spec)
        .ok()
        .and_then(|root| registry::lookup(&root, setting.key).map(|v| setting.describe(v)))
        .unwrap_or_default();
    format!("{} is now {value}", setting.label)
}

/// The error of an experiment asked to change a key it does not take live.
pub fn not_live(key: &str, what: &str) -> StudioError {
    StudioError::Spec(format!("{what} cannot change {key} while it runs"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiments::build;
    use crate::presets;
    use candle_core::Device;

    fn train(exp: &dyn Experiment) -> crate::experiments::gan2d::Gan2dTrain {
        match exp.spec() {
            ExperimentSpec::Gan2d(g) => g.train,
            other => panic!("not a 2-D GAN: {other:?}"),
        }
    }

    #[test]
    fn a_live_key_changes_the_running_spec_and_says_so() {
        let spec = presets::default_spec().expect("default");
        let mut exp = build(&spec, &Device::Cpu).expect("build");
        let said = change(&mut *exp, "train.lr_g", "0.0005").expect("live");
        assert_eq!(said, "G learning rate is now 0.0005");
        assert_eq!(train(&*exp).lr_g, 0.0005);
        let said = change(&mut *exp, "train.generator_loss", "\"minimax\"").expect("loss");
        assert_eq!(said, "Generator loss is now minimax log(1 − D(G(z)))");
        assert_eq!(
            train(&*exp).generator_loss,
            crate::experiments::GeneratorLoss::Minimax
        );
        exp.step(crate::experiments::StepPart::Whole)
            .expect("trains after the changes");
    }

    #[test]
    fn keys_that_are_not_live_and_values_out_of_range_change_nothing() {
        let spec = presets::default_spec().expect("default");
        let mut exp = build(&spec, &Device::Cpu).expect("build");
        let before = exp.spec();
        let err = change(&mut *exp, "train.batch_size", "16").expect_err("fixed");
        assert!(
            err.to_string()
                .contains("train.batch_size cannot change while a run goes"),
            "{err}"
        );
        assert!(
            err.to_string().contains("train.lr_g"),
            "names the live keys: {err}"
        );
        let err = change(&mut *exp, "train.lr_g", "5").expect_err("range");
        assert!(err.to_string().contains("between"), "{err}");
        let err = change(&mut *exp, "train.d_steps", "0").expect_err("range");
        assert!(err.to_string().contains("train.d_steps"), "{err}");
        let err = change(&mut *exp, "train.generator_loss", "hinge").expect_err("choice");
        assert!(err.to_string().contains("non_saturating"), "{err}");
        assert_eq!(exp.spec(), before);
    }

    #[test]
    fn a_setting_offered_only_to_some_specs_is_refused_by_the_others() {
        // β weighs a VAE's KL term; a plain autoencoder has none.
        let plain = presets::autoencoder_default(
            crate::experiments::autoencoder::spec::AutoencoderKind::Plain,
        )
        .expect("ae");
        let mut exp = build(&plain.into(), &Device::Cpu).expect("build");
        let err = change(&mut *exp, "train.beta", "2.0").expect_err("not a VAE");
        assert!(err.to_string().contains("cannot change"), "{err}");
        change(&mut *exp, "train.lr", "0.002").expect("every autoencoder's lr is live");
    }
}
