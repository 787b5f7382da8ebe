//! Text from a character model: one character at a time, each fed back in; a
//! streamed job for the lab (several columns with the same prompt and seed), and
//! the next-character distribution before and after a sampling rule.

use std::time::{Duration, Instant};

use candle_core::{Device, Tensor};
use rand::SeedableRng;
use crate::nn::rng::SeededRng;

use super::model::{CharNet, LstmState};
use super::stepper::StepState;
use crate::Result;
use crate::data::corpus::Vocab;
use crate::lab::{LabResult, LabSlot, TextRequest};
use crate::nn::sampling::Sampling;

/// How long one chunk of a streamed generation may take at most, so the worker can
/// take commands (a newer request replaces this one) between chunks.
pub(super) const CHUNK_TIME: Duration = Duration::from_millis(40);
/// Characters shown in a next-character distribution.
const DISTRIBUTION_CHARS: usize = 24;

/// Generates text with a trained network.
pub struct Generator<'a> {
    net: &'a CharNet,
    vocab: &'a Vocab,
    device: &'a Device,
}

impl<'a> Generator<'a> {
    /// A generator over `net` and its `vocab`.
    pub fn new(net: &'a CharNet, vocab: &'a Vocab, device: &'a Device) -> Self {
        Self { net, vocab, device }
    }

    /// Reads `prompt` into `streams` identical states; returns the states and the
    /// symbol to feed next (the prompt's last, or a newline for an empty prompt).
    fn prime(&self, prompt: &str, streams: usize) -> Result<(LstmState, u32)> {
        let mut ids = self.vocab.encode(prompt);
        if ids.is_empty() {
            ids.push(self.vocab.index('\n'));
        }
        let last = ids.pop().unwrap_or(0);
        let mut state = self.net.zero_state(streams, self.device)?;
        if !ids.is_empty() {
            let n = ids.len();
            let batch: Vec<u32> = (0..streams).flat_map(|_| ids.iter().copied()).collect();
            let batch = Tensor::from_vec(batch, (streams, n), self.device)?;
            state = self.net.forward(&batch, &state)?.1;
        }
        Ok((state, last))
    }

    /// `length` characters after `prompt`, drawn with `rule` from `seed`.
    pub fn generate(
        &self,
        prompt: &str,
        length: usize,
        rule: Sampling,
        seed: u64,
    ) -> Result<String> {
        let (state, mut last) = self.prime(prompt, 1)?;
        let (stepper, mut state) = (self.net.stepper()?, StepState::from_tensors(&state)?);
        let mut rng = SeededRng::seed_from_u64(seed);
        let mut out = String::with_capacity(length);
        for _ in 0..length {
            let logits = stepper.step(&[last], &mut state);
            last = rule.pick(&logits[0], &mut rng);
            out.push(self.vocab.char(last));
        }
        Ok(out)
    }

    /// The most likely next characters after `context`, with their probabilities
    /// before and after `rule`.
    pub fn distribution(&self, context: &str, rule: Sampling) -> Result<LabResult> {
        let (state, last) = self.prime(context, 1)?;
        let input = Tensor::from_vec(vec![last], 1, self.device)?;
        let logits = self
            .net
            .step(&input, &state)?
            .0
            .squeeze(0)?
            .to_vec1::<f32>()?;
        let before = crate::nn::sampling::softmax(&logits, 1.0);
        let after = rule.distribution(&logits);
        let mut order: Vec<usize> = (0..before.len()).collect();
        order.sort_by(|&a, &b| before[b].total_cmp(&before[a]));
        order.truncate(DISTRIBUTION_CHARS);
        Ok(LabResult::Distribution {
            chars: order.iter().map(|&i| self.vocab.char(i as u32)).collect(),
            before: order.iter().map(|&i| before[i]).collect(),
            after: order.iter().map(|&i| after[i]).collect(),
        })
    }
}

/// A streamed generation: one column per rule, each with its own generator seeded
/// alike, advanced a chunk at a time.
pub struct Job {
    slot: LabSlot,
    rules: Vec<Sampling>,
    rngs: Vec<SeededRng>,
    state: StepState,
    last: Vec<u32>,
    columns: Vec<String>,
    remaining: usize,
    started: Instant,
    made: usize,
}

impl Job {
    /// Reads the prompt; nothing is generated yet.
    pub fn start(
        net: &CharNet,
        vocab: &Vocab,
        request: &TextRequest,
        device: &Device,
    ) -> Result<Self> {
        let n = request.rules.len().max(1);
        let rules = if request.rules.is_empty() {
            vec![Sampling::Greedy]
        } else {
            request.rules.clone()
        };
        let (state, last) = Generator::new(net, vocab, device).prime(&request.prompt, n)?;
        Ok(Self {
            slot: request.slot,
            rules,
            rngs: (0..n)
                .map(|_| SeededRng::seed_from_u64(request.seed))
                .collect(),
            state: StepState::from_tensors(&state)?,
            last: vec![last; n],
            columns: vec![String::new(); n],
            remaining: request.length.min(20_000),
            started: Instant::now(),
            made: 0,
        })
    }

    /// The slot the answer goes to.
    pub fn slot(&self) -> LabSlot {
        self.slot
    }

    /// Generates the next chunk (within `budget`, at most [`CHUNK_TIME`], at least
    /// one character) and reports the text so far.
    pub fn advance(
        &mut self,
        net: &CharNet,
        vocab: &Vocab,
        budget: Duration,
    ) -> Result<(LabSlot, LabResult)> {
        let chunk_start = Instant::now();
        let budget = budget.min(CHUNK_TIME);
        // The weights as they are now (training may go on between chunks).
        let stepper = net.stepper()?;
        let mut made = 0;
        while self.remaining > 0 && (made == 0 || chunk_start.elapsed() < budget) {
            made += 1;
            let rows = stepper.step(&self.last, &mut self.state);
            for (k, row) in rows.iter().enumerate() {
                let id = self.rules[k].pick(row, &mut self.rngs[k]);
                self.last[k] = id;
                self.columns[k].push(vocab.char(id));
            }
            self.remaining -= 1;
            self.made += rows.len();
        }
        let secs = self.started.elapsed().as_secs_f64().max(1e-9);
        Ok((
            self.slot,
            LabResult::Text {
                columns: self.columns.clone(),
                done: self.remaining == 0,
                chars_per_sec: self.made as f64 / secs,
            },
        ))
    }
}
