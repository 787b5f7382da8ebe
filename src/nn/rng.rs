//! The studio's random generator, and its state as plain data for a checkpoint.
//!
//! `SeededRng` is ChaCha12, the generator behind `rand`'s `SeededRng`, named as such
//! so that its position can be read and set: a continued run draws exactly the
//! numbers the uninterrupted run would have drawn.

use rand_chacha::rand_core::SeedableRng;
use serde::{Deserialize, Serialize};

use crate::{Result, StudioError};

/// Every seeded draw of the studio (data order, noise, dropout, jitter).
pub type SeededRng = rand_chacha::ChaCha12Rng;

/// Where a [`SeededRng`] stands: its seed, stream and position in the stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RngState {
    /// The 32-byte seed, as hex.
    pub seed: String,
    /// The stream number.
    pub stream: u64,
    /// The position in the stream, in 32-bit words (a u128, as decimal text).
    pub word_pos: String,
}

impl RngState {
    /// The state of `rng`.
    pub fn of(rng: &SeededRng) -> Self {
        Self {
            seed: rng.get_seed().iter().map(|b| format!("{b:02x}")).collect(),
            stream: rng.get_stream(),
            word_pos: rng.get_word_pos().to_string(),
        }
    }

    /// A generator at this state; an error if the state is not one [`RngState::of`] wrote.
    pub fn restore(&self) -> Result<SeededRng> {
        let bad =
            || StudioError::Checkpoint(format!("a random generator's state is invalid: {self:?}"));
        if self.seed.len() != 64 {
            return Err(bad());
        }
        let mut seed = [0u8; 32];
        for (i, byte) in seed.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&self.seed[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        let word_pos: u128 = self.word_pos.parse().map_err(|_| bad())?;
        let mut rng = SeededRng::from_seed(seed);
        rng.set_stream(self.stream);
        rng.set_word_pos(word_pos);
        Ok(rng)
    }
}

/// A tensor of `shape` drawn from N(0, std²) by a generator seeded with `seed`
/// (candle's own `randn` on the CPU cannot be seeded).
pub fn normal_tensor(
    seed: u64,
    std: f64,
    shape: &[usize],
    device: &candle_core::Device,
) -> candle_core::Result<candle_core::Tensor> {
    use rand_distr::Distribution;
    let mut rng = <SeededRng as rand::SeedableRng>::seed_from_u64(seed);
    let n: usize = shape.iter().product();
    let v: Vec<f32> = (0..n)
        .map(|_| {
            let z: f64 = rand_distr::StandardNormal.sample(&mut rng);
            (z * std) as f32
        })
        .collect::<Vec<f32>>();
    candle_core::Tensor::from_vec(v, shape, device)
}

/// A tensor of `shape` drawn uniformly from [0, 1) by a generator seeded with `seed`.
pub fn uniform_tensor(
    seed: u64,
    shape: &[usize],
    device: &candle_core::Device,
) -> candle_core::Result<candle_core::Tensor> {
    let mut rng = <SeededRng as rand::SeedableRng>::seed_from_u64(seed);
    uniform_tensor_from(&mut rng, shape, device)
}

/// A tensor of `shape` drawn uniformly from [0, 1) by `rng`.
pub fn uniform_tensor_from(
    rng: &mut SeededRng,
    shape: &[usize],
    device: &candle_core::Device,
) -> candle_core::Result<candle_core::Tensor> {
    use rand::Rng;
    let n: usize = shape.iter().product();
    let v: Vec<f32> = (0..n).map(|_| rng.random::<f32>()).collect();
    candle_core::Tensor::from_vec(v, shape, device)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn a_restored_generator_draws_what_the_original_draws_next() {
        let mut rng = SeededRng::seed_from_u64(7);
        // An odd number of 32-bit draws leaves it inside a block.
        for _ in 0..13 {
            let _: u32 = rng.random();
        }
        let _: f64 = rng.random();
        let state = RngState::of(&rng);
        let mut copy = state.restore().unwrap();
        let a: Vec<u64> = (0..50).map(|_| rng.random()).collect();
        let b: Vec<u64> = (0..50).map(|_| copy.random()).collect();
        assert_eq!(a, b);
        // And it is the studio's seeding: the same seed, the same first draws.
        let mut fresh = SeededRng::seed_from_u64(7);
        let mut again = SeededRng::seed_from_u64(7);
        assert_eq!(fresh.random::<u64>(), again.random::<u64>());
    }

    #[test]
    fn a_damaged_state_is_refused() {
        let mut state = RngState::of(&SeededRng::seed_from_u64(1));
        state.seed.truncate(10);
        assert!(state.restore().is_err());
        let mut state = RngState::of(&SeededRng::seed_from_u64(1));
        state.word_pos = "x".into();
        assert!(state.restore().is_err());
    }
}
