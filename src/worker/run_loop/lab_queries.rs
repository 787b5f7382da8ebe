//! The lab's queries in the worker: at most one pending per slot (the newest wins, by
//! [`crate::lab::flow::NewestPerSlot`]), answered between steps by the running model
//! or the last one that ended.

use std::time::{Duration, Instant};

use super::RunLoop;
use crate::lab::{LabAnswer, LabResult, LabSlot};
use crate::worker::protocol::Event;

impl RunLoop {
    /// Answers every queued lab query.
    pub(super) fn answer_lab_queries(&mut self) {
        for query in self.lab_queue.take_all() {
            let slot: LabSlot = query.slot();
            let exp = match self.run.as_mut() {
                Some(r) => Some(&mut r.exp),
                None => self.retained.as_mut(),
            };
            let result = match exp {
                Some(exp) => exp.lab(&query).map_err(|e| e.to_string()),
                None => Err("no model yet: train one, or open a run folder".to_string()),
            };
            if result.as_ref().is_ok_and(LabResult::is_partial) {
                self.streaming = true;
            }
            self.emit(Event::Lab(Box::new(LabAnswer { slot, result })));
        }
    }

    /// Sends the next chunk of a streamed answer, if one is going (beside training,
    /// only when the stream has earned time: see [`StreamShare`]).
    pub(super) fn stream_lab_answer(&mut self) {
        if !self.streaming {
            return;
        }
        let training = self.run.as_ref().is_some_and(|r| !r.paused);
        let budget = if training {
            match self.stream_share.budget() {
                Some(b) => b,
                None => return,
            }
        } else {
            Duration::MAX
        };
        let began = Instant::now();
        let exp = match self.run.as_mut() {
            Some(r) => Some(&mut r.exp),
            None => self.retained.as_mut(),
        };
        let more = exp.and_then(|e| e.lab_more(budget));
        self.streaming = matches!(&more, Some((_, Ok(r))) if r.is_partial());
        if let Some((slot, result)) = more {
            // An error ends the stream in its own slot, so that slot is free again.
            let result = result.map_err(|e| e.to_string());
            self.emit(Event::Lab(Box::new(LabAnswer { slot, result })));
        }
        if training {
            self.stream_share.spend(began.elapsed());
        }
    }
}

/// The worker's time shared between training and a streamed answer (generated
/// text, a drawing): each training step earns the stream half its own time, and a
/// chunk spends all it took, answer sent included. So the stream takes at most a
/// third of the worker, and training keeps about two thirds of its speed whether its
/// steps are fast (a small model: 4 ms) or slow; a fixed 40 ms chunk after every
/// step left a 4 ms step under a tenth. With nothing training, the stream has it all.
#[derive(Debug, Default)]
pub(super) struct StreamShare {
    /// Seconds earned and not spent; negative after a chunk that overran.
    credit: f64,
}

impl StreamShare {
    /// Most a stream may save up (the experiments cap a chunk lower anyway).
    const MOST: f64 = 0.060;
    /// Least worth a chunk (a chunk makes at least one character or pixel).
    const LEAST: f64 = 0.0005;

    /// A training step took `step`.
    pub(super) fn earn(&mut self, step: Duration) {
        self.credit = (self.credit + step.as_secs_f64() / 2.0).min(Self::MOST);
    }

    /// The time the next chunk may take, or `None` to let training step first.
    pub(super) fn budget(&self) -> Option<Duration> {
        (self.credit >= Self::LEAST).then(|| Duration::from_secs_f64(self.credit))
    }

    /// A chunk took `took`.
    pub(super) fn spend(&mut self, took: Duration) {
        self.credit -= took.as_secs_f64();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_gets_half_of_each_step_and_pays_for_its_overruns() {
        let ms = Duration::from_millis;
        let mut share = StreamShare::default();
        assert_eq!(share.budget(), None, "nothing earned before a step");
        share.earn(ms(4));
        assert_eq!(share.budget(), Some(ms(2)));
        share.spend(ms(5));
        share.earn(ms(4));
        assert_eq!(share.budget(), None, "an overrun of 3 ms waits out a step");
        share.earn(ms(4));
        assert_eq!(share.budget(), Some(ms(1)));
        // A slow step earns no more than the cap.
        share.earn(ms(1000));
        assert_eq!(share.budget(), Some(ms(60)));
    }
}
