//! The lab's queries in the worker: at most one pending per slot (the newest wins, by
//! [`crate::lab::flow::NewestPerSlot`]), answered between steps by the running model
//! or the last one that ended.

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
