//! A loss that went NaN or infinite: the last good weights are put back and the
//! run pauses with the reason, its last good checkpoint kept as it is.

use super::RunLoop;
use crate::Result;
use crate::worker::protocol::Event;

impl RunLoop {
    /// A loss went NaN or infinite: restore the last good weights and pause.
    pub(super) fn recover_from_divergence(&mut self, what: String) -> Result<()> {
        let Some(r) = self.run.as_mut() else {
            return Ok(());
        };
        r.set_paused(true);
        let restored = match &r.last_good {
            Some((step, tensors)) => {
                let map = tensors.iter().cloned().collect();
                r.exp.load_tensors(&map)?;
                r.restored_from = Some(*step);
                format!("restored the weights of step {step}")
            }
            None => "no earlier weights to restore".into(),
        };
        let step = r.step;
        self.emit(Event::Paused {
            step,
            reason: Some(format!(
                "{what}: training diverged (try a lower learning rate); paused and {restored}"
            )),
        });
        self.send_view(true)
    }
}
