//! The sentence lab's questions answered with the trained network.

use super::decode::Decoding;
use super::reader::Reader;
use crate::data::sentences::SentenceSet;
use crate::lab::{LabQuery, LabResult, LatentBasis, SentenceAnswer, SentenceQuery};
use crate::{Result, StudioError};

/// Most sentences in one answer.
const MAX_SENTENCES: usize = 200;
/// Most training sentences averaged for one end of a concept vector.
const CONCEPT_SENTENCES: usize = 400;
/// Most held-out sentences on the map.
const MAX_MAP: usize = 2000;
/// Principal components the map offers.
const MAP_COMPONENTS: usize = 2;
/// Most points of a homotopy.
const MAX_POINTS: usize = 25;

/// The decoding rule of a beam width.
fn rule(beam: usize) -> Decoding {
    if beam > 1 { Decoding::Beam(beam.min(16)) } else { Decoding::Greedy }
}

/// Answers one lab query.
pub fn answer(reader: &Reader, set: &SentenceSet, query: &LabQuery) -> Result<LabResult> {
    let LabQuery::Sentences(q) = query else {
        return Err(StudioError::Spec(
            "a sentence VAE answers the sentence lab's questions only".into(),
        ));
    };
    let no_words = |what: &str, text: &str| -> Result<()> {
        if reader.ids(text).is_empty() {
            return Err(StudioError::Spec(format!("type a sentence for {what}")));
        }
        Ok(())
    };
    let answer = match q {
        SentenceQuery::Map { count } => {
            let sentences: Vec<Vec<u32>> = set.held_out.iter().take((*count).min(MAX_MAP)).cloned().collect();
            let codes = reader.encode(&sentences)?.0;
            let basis = LatentBasis::fit(&codes, reader.net.latent, MAP_COMPONENTS);
            SentenceAnswer::Map {
                texts: sentences.iter().map(|s| reader.text(s)).collect(),
                codes,
                basis,
            }
        }
        SentenceQuery::Decode { code, beam } => {
            if code.len() != reader.net.latent {
                return Err(StudioError::Spec(format!(
                    "a code of {} numbers for a latent size of {}",
                    code.len(),
                    reader.net.latent
                )));
            }
            let out = reader.decode(std::slice::from_ref(code), rule(*beam), 0)?;
            SentenceAnswer::Decoded(reader.mark(&out[0]))
        }
        SentenceQuery::HeldOut { count } => SentenceAnswer::HeldOut(
            (set.held_out.iter().take((*count).min(MAX_SENTENCES)))
                .map(|s| reader.text(s))
                .collect(),
        ),
        SentenceQuery::Homotopy { from, to, points, beam, draws, seed } => {
            no_words("the start", from)?;
            no_words("the end", to)?;
            let points = (*points).clamp(2, MAX_POINTS);
            let (a, b) = (reader.code(from)?, reader.code(to)?);
            let decode = |codes: &[Vec<f32>], rule: Decoding, seed: u64| -> Result<Vec<_>> {
                Ok(reader.decode(codes, rule, seed)?.iter().map(|s| reader.mark(s)).collect())
            };
            let line = Reader::path(&a, &b, points, false);
            let circle = Reader::path(&a, &b, points, true);
            let draws_per = (*draws).min(8);
            let mut drawn = Vec::with_capacity(points);
            if draws_per > 0 {
                for (k, code) in line.iter().enumerate() {
                    let codes = vec![code.clone(); draws_per];
                    drawn.push(decode(&codes, Decoding::Sample(1.0), seed ^ k as u64)?);
                }
            }
            let mut unknown = reader.unknown(from);
            unknown.extend(reader.unknown(to));
            SentenceAnswer::Homotopy {
                straight: decode(&line, rule(*beam), 0)?,
                circle: decode(&circle, rule(*beam), 0)?,
                draws: drawn,
                unknown,
            }
        }
        SentenceQuery::Reconstruct { text, samples, beam, seed } => {
            no_words("the sentence", text)?;
            let (mean, samples) = reader.reconstruct(text, (*samples).min(MAX_SENTENCES), rule(*beam), *seed)?;
            SentenceAnswer::Reconstruct {
                mean,
                samples,
                unknown: reader.unknown(text),
            }
        }
        SentenceQuery::Prior { count, beam, seed } => {
            SentenceAnswer::Prior(reader.prior((*count).clamp(1, MAX_SENTENCES), rule(*beam), *seed)?)
        }
        SentenceQuery::Concept { plus, minus, base, strengths, beam } => {
            no_words("the sentence to move", base)?;
            let with = |word: &str| -> Result<Vec<Vec<u32>>> {
                let word = if reader.lower { word.trim().to_lowercase() } else { word.trim().to_string() };
                if !set.vocab.knows(&word) {
                    return Err(StudioError::Spec(format!("“{word}” is not in the model's vocabulary")));
                }
                let id = set.vocab.id(&word);
                Ok(set.train.iter().filter(|s| s.contains(&id)).take(CONCEPT_SENTENCES).cloned().collect())
            };
            let (p, m) = (with(plus)?, with(minus)?);
            if p.is_empty() || m.is_empty() {
                return Err(StudioError::Spec("no training sentence contains one of the words".into()));
            }
            let vector = reader.concept(&p, &m)?;
            let ids = vec![reader.ids(base)];
            let mut rows = Vec::with_capacity(strengths.len());
            for &s in strengths.iter().take(MAX_POINTS) {
                let out = reader.shift(&ids, &vector, s, rule(*beam))?;
                rows.push((s, reader.mark(&out[0])));
            }
            SentenceAnswer::Concept {
                rows,
                counts: (p.len(), m.len()),
            }
        }
    };
    Ok(LabResult::Sentences(answer))
}
