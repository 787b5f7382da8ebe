//! The flow of lab queries, one mechanism for the window and the worker: per slot
//! the newest query wins (a dragged slider never builds a backlog), and at most one
//! is in flight (the next waits for its answer, or for the last chunk of a stream).

use std::collections::HashSet;

use super::{LabQuery, LabSlot};

/// The newest query of each slot, in the order they arrived.
#[derive(Clone, Debug, Default)]
pub struct NewestPerSlot {
    pending: Vec<LabQuery>,
}

impl NewestPerSlot {
    /// Keeps `query`, dropping an older one for the same slot.
    pub fn push(&mut self, query: LabQuery) {
        let slot = query.slot();
        self.pending.retain(|q| q.slot() != slot);
        self.pending.push(query);
    }

    /// Takes the query kept for `slot`, if any.
    pub fn take(&mut self, slot: LabSlot) -> Option<LabQuery> {
        let at = self.pending.iter().position(|q| q.slot() == slot)?;
        Some(self.pending.remove(at))
    }

    /// Takes every query kept, in arrival order.
    pub fn take_all(&mut self) -> Vec<LabQuery> {
        std::mem::take(&mut self.pending)
    }
}

/// At most one query in flight per slot; while one is, only the newest asked for that
/// slot waits.
#[derive(Clone, Debug, Default)]
pub struct OneInFlight {
    in_flight: HashSet<LabSlot>,
    waiting: NewestPerSlot,
}

impl OneInFlight {
    /// Asks `query`: returned if it can go now, kept to follow the answer otherwise.
    pub fn ask(&mut self, query: LabQuery) -> Option<LabQuery> {
        let slot = query.slot();
        if self.in_flight.contains(&slot) {
            self.waiting.push(query);
            None
        } else {
            self.in_flight.insert(slot);
            Some(query)
        }
    }

    /// An answer for `slot` came (`partial`: more of a stream is coming). Returns the
    /// query that waited for it, which goes now; without one, a stream keeps its slot.
    pub fn answered(&mut self, slot: LabSlot, partial: bool) -> Option<LabQuery> {
        self.in_flight.remove(&slot);
        if let Some(next) = self.waiting.take(slot) {
            self.in_flight.insert(slot);
            return Some(next);
        }
        if partial {
            self.in_flight.insert(slot);
        }
        None
    }

    /// Whether a query for `slot` is in flight.
    pub fn is_waiting(&self, slot: LabSlot) -> bool {
        self.in_flight.contains(&slot)
    }

    /// Whether any query is in flight (a stream included).
    pub fn any_in_flight(&self) -> bool {
        !self.in_flight.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::LatentQuery;

    fn decode(v: f32) -> LabQuery {
        LabQuery::Latent(LatentQuery::Decode {
            slot: LabSlot::Sliders,
            codes: vec![vec![v]],
            cols: 1,
        })
    }

    #[test]
    fn the_newest_query_of_a_slot_replaces_the_older() {
        let mut q = NewestPerSlot::default();
        q.push(decode(1.0));
        q.push(LabQuery::Latent(LatentQuery::Prior { count: 4, seed: 1 }));
        q.push(decode(2.0));
        let taken = q.take_all();
        assert_eq!(taken.len(), 2);
        assert_eq!(taken[1], decode(2.0));
        assert!(q.take_all().is_empty());
        q.push(decode(3.0));
        assert_eq!(q.take(LabSlot::Prior), None);
        assert_eq!(q.take(LabSlot::Sliders), Some(decode(3.0)));
    }

    #[test]
    fn one_in_flight_and_the_newest_waiting_follows_the_answer() {
        let mut f = OneInFlight::default();
        assert_eq!(f.ask(decode(1.0)), Some(decode(1.0)));
        assert!(f.is_waiting(LabSlot::Sliders));
        assert_eq!(f.ask(decode(2.0)), None);
        assert_eq!(f.ask(decode(3.0)), None);
        assert_eq!(f.answered(LabSlot::Sliders, false), Some(decode(3.0)));
        assert!(f.is_waiting(LabSlot::Sliders), "the follower is in flight");
        assert_eq!(f.answered(LabSlot::Sliders, false), None);
        assert!(!f.is_waiting(LabSlot::Sliders));
        // A stream keeps its slot until its last chunk, unless a newer query waits.
        assert!(f.ask(decode(4.0)).is_some());
        assert_eq!(f.answered(LabSlot::Sliders, true), None);
        assert!(f.is_waiting(LabSlot::Sliders));
        assert_eq!(f.answered(LabSlot::Sliders, false), None);
        assert!(!f.is_waiting(LabSlot::Sliders));
    }
}
