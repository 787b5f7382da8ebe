//! The built-in sentences: a small grammar whose sentences carry attributes a
//! user can see ("the small red fox sleeps under the old bridge ." — size, colour,
//! animal, number, verb, place), so that a sentence VAE's latent space can be
//! checked: a "red" → "blue" concept vector should change the colour word and
//! little else. Deterministic for a seed; no third-party text.

use rand::{Rng, SeedableRng};

use crate::nn::rng::SeededRng;

/// Sizes (sometimes left out).
pub const SIZES: &[&str] = &["small", "big", "tiny", "huge"];
/// Colours: the attribute the concept-vector check turns.
pub const COLOURS: &[&str] = &["red", "blue", "green", "grey", "white", "black"];
/// Animals, singular and plural.
pub const ANIMALS: &[(&str, &str)] = &[
    ("fox", "foxes"),
    ("cat", "cats"),
    ("dog", "dogs"),
    ("bird", "birds"),
    ("horse", "horses"),
    ("mouse", "mice"),
];
/// Verbs, agreeing with one animal and with several.
pub const VERBS: &[(&str, &str)] = &[
    ("sleeps", "sleep"),
    ("runs", "run"),
    ("sits", "sit"),
    ("waits", "wait"),
    ("sings", "sing"),
    ("hides", "hide"),
];
/// Where it happens: a preposition.
pub const PREPOSITIONS: &[&str] = &["under", "near", "behind", "beside"];
/// The place's adjective (no colours, so a colour word always names the animal's).
pub const PLACE_ADJECTIVES: &[&str] = &["old", "quiet", "dark", "tall"];
/// The place.
pub const PLACES: &[&str] = &["bridge", "tree", "house", "wall", "hill"];

/// One sentence's attributes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attributes {
    /// Index into [`SIZES`], or none.
    pub size: Option<usize>,
    /// Index into [`COLOURS`].
    pub colour: usize,
    /// Index into [`ANIMALS`].
    pub animal: usize,
    /// Several animals ("two … foxes sleep").
    pub plural: bool,
    /// Index into [`VERBS`].
    pub verb: usize,
    /// Index into [`PREPOSITIONS`].
    pub preposition: usize,
    /// Index into [`PLACE_ADJECTIVES`].
    pub place_adjective: usize,
    /// Index into [`PLACES`].
    pub place: usize,
}

impl Attributes {
    /// Draws attributes.
    pub fn draw(rng: &mut impl Rng) -> Self {
        Self {
            size: (rng.random::<f32>() < 0.75).then(|| rng.random_range(0..SIZES.len())),
            colour: rng.random_range(0..COLOURS.len()),
            animal: rng.random_range(0..ANIMALS.len()),
            plural: rng.random::<f32>() < 0.3,
            verb: rng.random_range(0..VERBS.len()),
            preposition: rng.random_range(0..PREPOSITIONS.len()),
            place_adjective: rng.random_range(0..PLACE_ADJECTIVES.len()),
            place: rng.random_range(0..PLACES.len()),
        }
    }

    /// The sentence, words and punctuation separated by spaces.
    pub fn sentence(&self) -> String {
        let mut words: Vec<&str> = vec![if self.plural { "two" } else { "the" }];
        if let Some(s) = self.size {
            words.push(SIZES[s]);
        }
        words.push(COLOURS[self.colour]);
        let (one, many) = ANIMALS[self.animal];
        words.push(if self.plural { many } else { one });
        let (verb_one, verb_many) = VERBS[self.verb];
        words.push(if self.plural { verb_many } else { verb_one });
        words.extend([
            PREPOSITIONS[self.preposition],
            "the",
            PLACE_ADJECTIVES[self.place_adjective],
            PLACES[self.place],
            ".",
        ]);
        words.join(" ")
    }
}

/// `count` sentences of the grammar, the same for the same seed.
pub fn sentences(count: usize, seed: u64) -> Vec<String> {
    let mut rng = SeededRng::seed_from_u64(seed ^ 0x5E47_E4CE);
    (0..count)
        .map(|_| Attributes::draw(&mut rng).sentence())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grammar_is_deterministic_agrees_in_number_and_varies() {
        let a = sentences(2000, 7);
        assert_eq!(a, sentences(2000, 7));
        assert_ne!(a, sentences(2000, 8));
        let distinct: std::collections::HashSet<&String> = a.iter().collect();
        assert!(distinct.len() > 1900, "{} distinct", distinct.len());
        for s in &a {
            let words: Vec<&str> = s.split(' ').collect();
            assert_eq!(words.last(), Some(&"."));
            let plural = words[0] == "two";
            let noun = words
                .iter()
                .position(|w| ANIMALS.iter().any(|(one, many)| w == one || w == many));
            let noun = noun.expect("an animal");
            let verb = words[noun + 1];
            let agrees = VERBS
                .iter()
                .any(|(one, many)| verb == if plural { *many } else { *one });
            assert!(agrees, "{s}");
            assert_eq!(
                words.iter().filter(|w| COLOURS.contains(w)).count(),
                1,
                "{s}"
            );
        }
    }
}
