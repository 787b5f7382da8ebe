//! The latent lab's queries in the worker: at most one pending per slot (the newest
//! wins, so a dragged slider never builds a backlog), answered between steps by the
//! running model or the last one that ended.

use super::RunLoop;
use crate::lab::{LabAnswer, LabQuery, LabResult, LabSlot};
use crate::worker::protocol::Event;

/// The queries taken in one turn, newest per slot, in arrival order.
#[derive(Default)]
pub(super) struct LabQueue {
    pending: Vec<LabQuery>,
}

impl LabQueue {
    /// Queues `query`, dropping an older one for the same slot.
    pub(super) fn push(&mut self, query: LabQuery) {
        let slot = query.slot();
        self.pending.retain(|q| q.slot() != slot);
        self.pending.push(query);
    }

    fn take(&mut self) -> Vec<LabQuery> {
        std::mem::take(&mut self.pending)
    }
}

impl RunLoop {
    /// Answers every queued lab query.
    pub(super) fn answer_lab_queries(&mut self) {
        for query in self.lab_queue.take() {
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

    /// Sends the next chunk of a streamed answer, if one is going.
    pub(super) fn stream_lab_answer(&mut self) {
        if !self.streaming {
            return;
        }
        let exp = match self.run.as_mut() {
            Some(r) => Some(&mut r.exp),
            None => self.retained.as_mut(),
        };
        let more = exp.and_then(|e| e.lab_more());
        self.streaming = matches!(&more, Some((_, Ok(r))) if r.is_partial());
        if let Some((slot, result)) = more {
            // An error ends the stream in its own slot, so that slot is free again.
            let result = result.map_err(|e| e.to_string());
            self.emit(Event::Lab(Box::new(LabAnswer { slot, result })));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_query_of_a_slot_replaces_the_older() {
        let mut q = LabQueue::default();
        let decode = |v: f32| LabQuery::Decode {
            slot: LabSlot::Sliders,
            codes: vec![vec![v]],
            cols: 1,
        };
        q.push(decode(1.0));
        q.push(LabQuery::Prior { count: 4, seed: 1 });
        q.push(decode(2.0));
        let taken = q.take();
        assert_eq!(taken.len(), 2);
        assert_eq!(taken[1], decode(2.0));
        assert!(q.take().is_empty());
    }
}
