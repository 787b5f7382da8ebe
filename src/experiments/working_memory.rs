//! What a run holds besides its weights, estimated from its spec before anything is
//! built: the training data the studio keeps in memory, and a training step's
//! activations (the forward pass's feature maps, which the backward pass keeps and
//! matches with gradients). Each architecture declares its own in its registry
//! entry ([`super::registry::Architecture::working_memory`]); the run is refused
//! before it starts when this is over the memory the machine has available
//! ([`crate::memory_guard`]), and the whole estimate (with the weights) is printed
//! at the start of a headless run.

/// Bytes a run's process holds before any model: the binary, its libraries, the
/// allocator's and the thread pools' arenas (measured: a 2-D GAN run, whose
/// networks and batches take a few MB, peaks at 59–64 MB).
pub const BASELINE_BYTES: u64 = 60_000_000;

/// A training step's peak over the floats its forward pass produces: the gradient
/// of each (as large), candle's temporaries in between (element-wise results, patch
/// copies of the convolutions), and the optimiser's pass. Calibrated against the
/// presets' measured peaks (README, "Memory").
pub const STEP_FACTOR: u64 = 6;

/// What a run holds besides its weights, with the setting that sizes it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WorkingMemory {
    /// Training data kept in memory, bytes.
    pub data_bytes: u64,
    /// Floats one training step's forward passes produce (the whole batch).
    pub step_floats: u64,
    /// A picture optimisation's estimate (its own check refuses it, with the size in
    /// its message): counted in the total only.
    pub picture_bytes: u64,
    /// The setting to lower when the step is too large.
    pub change: &'static str,
}

impl WorkingMemory {
    /// A step's peak bytes.
    pub fn step_bytes(&self) -> u64 {
        self.step_floats.saturating_mul(4 * STEP_FACTOR)
    }

    /// Data and a step, bytes.
    pub fn bytes(&self) -> u64 {
        self.data_bytes.saturating_add(self.step_bytes())
    }

    /// The whole run's estimate with `parameters` trainable parameters.
    pub fn total_with(&self, parameters: u64) -> u64 {
        BASELINE_BYTES
            .saturating_add(parameters.saturating_mul(crate::memory_guard::BYTES_PER_PARAMETER))
            .saturating_add(self.bytes())
            .saturating_add(self.picture_bytes)
    }
}

/// Floats of a stack of stride-2 convolutions from a `side`-pixel image: `first`
/// channels at half the side, doubling each stage, for `stages` stages.
pub fn conv_stack_floats(side: usize, first: usize, stages: usize) -> u64 {
    (0..stages)
        .map(|i| {
            let s = (side >> (i + 1)) as u64;
            ((first << i) as u64) * s * s
        })
        .sum()
}

/// `a * b` for sizes from a spec, saturating (a hostile spec cannot overflow it).
pub fn times(a: u64, b: usize) -> u64 {
    a.saturating_mul(b as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conv_stack_halves_the_side_and_doubles_the_channels() {
        // 28 px, 64 channels: 64 × 14² + 128 × 7².
        assert_eq!(conv_stack_floats(28, 64, 2), 64 * 196 + 128 * 49);
        let w = WorkingMemory {
            data_bytes: 1000,
            step_floats: 10,
            picture_bytes: 7,
            change: "x",
        };
        assert_eq!(w.bytes(), 1000 + 10 * 4 * STEP_FACTOR);
        assert_eq!(
            w.total_with(100),
            BASELINE_BYTES + 100 * crate::memory_guard::BYTES_PER_PARAMETER + w.bytes() + 7
        );
        assert_eq!(times(u64::MAX, 2), u64::MAX);
    }
}
