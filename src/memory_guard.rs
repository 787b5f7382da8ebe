//! The memory budget: before the studio allocates something large that it can size
//! from shapes it knows (a network's weights and optimiser state, a picture
//! optimisation's activations), it compares the estimate with the memory the
//! machine has available and refuses with the estimate and the setting to change,
//! instead of growing until the kernel kills the process without a word.
//!
//! `--force` (or [`set_forced`]) lets a user try anyway.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::{Result, StudioError};

/// Bytes each trainable parameter costs while training: the weight, its gradient,
/// Adam's two averages and the copy kept for recovery from a diverging loss (f32).
pub const BYTES_PER_PARAMETER: u64 = 5 * 4;

static FORCED: AtomicBool = AtomicBool::new(false);

/// Lets estimates over the budget through (`--force`): the user tries anyway.
pub fn set_forced(forced: bool) {
    FORCED.store(forced, Ordering::Relaxed);
}

/// Whether estimates over the budget are let through.
pub fn forced() -> bool {
    FORCED.load(Ordering::Relaxed)
}

/// The memory available to new allocations now, in bytes (`MemAvailable` of
/// `/proc/meminfo`; `None` where it cannot be read, and then nothing is refused).
pub fn available_bytes() -> Option<u64> {
    parse_available(&meminfo()?)
}

/// The text of `/proc/meminfo`, or of the file `LATENT_STUDIO_MEMINFO` names (the
/// tests' way to give the studio a machine with little memory).
fn meminfo() -> Option<String> {
    let path = std::env::var_os("LATENT_STUDIO_MEMINFO").unwrap_or_else(|| "/proc/meminfo".into());
    std::fs::read_to_string(path).ok()
}

/// `MemAvailable` of a `/proc/meminfo` text, in bytes.
pub fn parse_available(meminfo: &str) -> Option<u64> {
    parse_field(meminfo, "MemAvailable:")
}

/// The memory available now and the machine's total, bytes.
pub fn available_and_total() -> Option<(u64, u64)> {
    let text = meminfo()?;
    Some((parse_available(&text)?, parse_field(&text, "MemTotal:")?))
}

/// A `kB` field of a `/proc/meminfo` text, in bytes.
fn parse_field(meminfo: &str, name: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with(name))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb.saturating_mul(1024))
}

/// Refuses `needed` bytes for `what` when they exceed `available` (unless forced):
/// the message gives both and `change`, the setting that sizes it.
pub fn check_against(needed: u64, available: Option<u64>, what: &str, change: &str) -> Result<()> {
    let Some(available) = available else {
        return Ok(());
    };
    if needed <= available || forced() {
        return Ok(());
    }
    Err(StudioError::Memory(format!(
        "{what} needs about {} and this machine has {} available: {change} (or --force to try anyway)",
        human(needed),
        human(available)
    )))
}

/// Refuses `needed` bytes for `what` when they exceed the memory available now.
pub fn check(needed: u64, what: &str, change: &str) -> Result<()> {
    check_against(needed, available_bytes(), what, change)
}

/// A byte count as a person reads it (`12.5 GB`, `340 MB`).
pub fn human(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else {
        format!("{:.0} MB", (b / 1e6).max(1.0))
    }
}

/// A running total of the parameters a network builder asks for, checked against
/// the budget before each tensor is made, so an oversized network is refused before
/// its first large allocation.
#[derive(Debug, Default)]
pub struct ParamBudget {
    parameters: u64,
    available: Option<u64>,
    /// The largest tensor so far: its name, shape and parameters.
    largest: Option<(String, Vec<usize>, u64)>,
}

impl ParamBudget {
    /// A budget of the memory available now.
    pub fn now() -> Self {
        Self {
            available: available_bytes(),
            ..Self::default()
        }
    }

    /// A budget of `available` bytes (`None`: unbounded).
    pub fn of(available: Option<u64>) -> Self {
        Self {
            available,
            ..Self::default()
        }
    }

    /// Counts a tensor `name` of `shape`, refusing it when the network so far would
    /// need more than the budget while training.
    pub fn reserve(&mut self, name: &str, shape: &[usize]) -> Result<()> {
        let n = shape
            .iter()
            .try_fold(1u64, |acc, &d| acc.checked_mul(d as u64))
            .unwrap_or(u64::MAX);
        self.parameters = self.parameters.saturating_add(n);
        if self.largest.as_ref().is_none_or(|(_, _, m)| n > *m) {
            self.largest = Some((name.to_string(), shape.to_vec(), n));
        }
        let needed = self.parameters.saturating_mul(BYTES_PER_PARAMETER);
        // The message is made only for a refusal: this runs for every tensor made.
        if self.available.is_none_or(|a| needed <= a) {
            return Ok(());
        }
        let what = format!(
            "the networks ({} parameters so far, with their gradients and the optimiser's state)",
            self.parameters
        );
        let change = match &self.largest {
            Some((name, shape, _)) => format!(
                "the largest tensor is `{name}` {shape:?}; make the layer that sizes it smaller"
            ),
            None => "make the networks smaller".into(),
        };
        check_against(needed, self.available, &what, &change)
    }

    /// Parameters counted so far.
    pub fn parameters(&self) -> u64 {
        self.parameters
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meminfo_is_read_in_bytes() {
        let text = "MemTotal:       24000000 kB\nMemFree:  100 kB\nMemAvailable:   2000000 kB\n";
        assert_eq!(parse_available(text), Some(2_000_000 * 1024));
        assert_eq!(parse_available("MemTotal: 5 kB\n"), None);
    }

    #[test]
    fn an_estimate_over_the_budget_is_refused_with_both_figures_and_the_setting() {
        assert!(check_against(1 << 30, Some(2 << 30), "x", "y").is_ok());
        assert!(
            check_against(1 << 40, None, "x", "y").is_ok(),
            "unknown: let through"
        );
        let err = check_against(
            3_000_000_000,
            Some(1_000_000_000),
            "the picture",
            "lower pictures.size",
        )
        .expect_err("over");
        let msg = err.to_string();
        assert!(msg.contains("3.0 GB") && msg.contains("1.0 GB"), "{msg}");
        assert!(
            msg.contains("pictures.size") && msg.contains("--force"),
            "{msg}"
        );
    }

    #[test]
    fn a_network_is_refused_at_the_tensor_that_breaks_the_budget_and_names_it() {
        // 1 GB of budget: 50 M parameters at 20 bytes each.
        let mut budget = ParamBudget::of(Some(1_000_000_000));
        budget
            .reserve("enc.conv1.weight", &[32, 1, 4, 4])
            .expect("small");
        budget.reserve("enc.fc.weight", &[1000, 3136]).expect("3 M");
        let err = budget
            .reserve("dec.fc1.weight", &[1_000_000, 64])
            .expect_err("64 M more");
        assert!(err.to_string().contains("dec.fc1.weight"), "{err}");
        assert!(budget.parameters() > 64_000_000);
        let mut unbounded = ParamBudget::of(None);
        unbounded
            .reserve("w", &[1 << 20, 1 << 20])
            .expect("no budget known");
    }
}
