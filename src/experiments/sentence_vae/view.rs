//! What the training tab shows of a sentence VAE: held-out sentences beside their
//! reconstructions, and sentences from the prior marked new or seen.

use super::decode::Decoding;
use super::reader::Reader;
use crate::Result;
use crate::data::sentences::SentenceSet;
use crate::view::{TextSample, View};

/// Held-out sentences shown with their reconstructions.
const SHOWN: usize = 4;
/// Sentences drawn from the prior.
const PRIOR: usize = 6;

/// The text of the training tab at `step`: the same held-out sentences and the
/// same prior codes every time, so the text shows the model change.
pub fn training_view(reader: &Reader, set: &SentenceSet, seed: u64, step: u64) -> Result<View> {
    let originals: Vec<Vec<u32>> = set.held_out.iter().take(SHOWN).cloned().collect();
    let (codes, _) = reader.encode(&originals)?;
    let rebuilt = reader.decode(&codes, Decoding::Greedy, 0)?;
    let mut text = String::from("Held-out sentences, and each decoded from its code (greedy):\n");
    for (o, r) in originals.iter().zip(&rebuilt) {
        let mark = if o == r { "same" } else { "differs" };
        text.push_str(&format!("  {}\n  -> {} ({mark})\n", reader.text(o), reader.text(r)));
    }
    let prior = reader.prior(PRIOR, Decoding::Greedy, seed ^ 0x9A10)?;
    let new = prior.iter().filter(|m| !m.seen).count();
    text.push_str(&format!(
        "\nFrom the prior N(0, I) (greedy): {new} of {} new, not in the training set\n",
        prior.len()
    ));
    for m in &prior {
        text.push_str(&format!("  [{}] {}\n", if m.seen { "seen" } else { "new" }, m.text));
    }
    Ok(View::Text(TextSample {
        step,
        prompt: String::new(),
        text,
        caption: "held-out sentences through the code and back, and sentences from the prior".into(),
        copied: Vec::new(),
    }))
}
