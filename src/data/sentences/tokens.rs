//! Text into sentences and sentences into tokens: words and punctuation marks,
//! and, for scripts written without spaces (Chinese, Japanese, Thai), one token per
//! character. Tokens are joined back with spaces, except before punctuation and
//! between characters of those scripts.

use serde::{Deserialize, Serialize};

/// How a text is cut into sentences.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SplitBy {
    /// Each non-empty line is one sentence (poems, lists, the grammar).
    #[default]
    Lines,
    /// Sentences end at `.`, `!`, `?` (or `。！？`); line breaks inside a paragraph
    /// are spaces.
    Sentences,
}

/// Whether `c` belongs to a script written without spaces between words.
pub fn unspaced(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0x3000..=0x303F    // CJK punctuation
        | 0xFF00..=0xFFEF    // full-width forms
        | 0x0E00..=0x0E7F    // Thai
        | 0x20000..=0x2FFFF) // CJK Extensions B–F
}

/// Whether `c` continues a word (letters, digits, an apostrophe or hyphen inside).
fn word_char(c: char) -> bool {
    c.is_alphanumeric() && !unspaced(c)
}

/// The text's sentences, trimmed, empty ones left out.
pub fn split(text: &str, by: SplitBy) -> Vec<String> {
    match by {
        SplitBy::Lines => text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        SplitBy::Sentences => {
            let mut out = Vec::new();
            for paragraph in text.split("\n\n") {
                let joined = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
                let mut current = String::new();
                let mut chars = joined.chars().peekable();
                while let Some(c) = chars.next() {
                    current.push(c);
                    if !matches!(c, '.' | '!' | '?' | '。' | '！' | '？') {
                        continue;
                    }
                    // Closing quotes stay with their sentence.
                    while let Some(&q) = chars.peek() {
                        if !matches!(q, '"' | '\'' | '”' | '’' | ')' | '」') {
                            break;
                        }
                        current.push(q);
                        chars.next();
                    }
                    if unspaced(c) || chars.peek().is_none_or(|n| n.is_whitespace()) {
                        push_trimmed(&mut out, &mut current);
                    }
                }
                push_trimmed(&mut out, &mut current);
            }
            out
        }
    }
}

fn push_trimmed(out: &mut Vec<String>, current: &mut String) {
    let t = current.trim();
    if !t.is_empty() {
        out.push(t.to_string());
    }
    current.clear();
}

/// A sentence's tokens: runs of letters and digits (with `'` or `-` inside a run
/// kept), every other visible character alone, every character of an unspaced
/// script alone; lower-cased when `lower`.
pub fn tokenize(sentence: &str, lower: bool) -> Vec<String> {
    let text = if lower {
        sentence.to_lowercase()
    } else {
        sentence.to_string()
    };
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let inside = matches!(c, '\'' | '’' | '-')
            && !word.is_empty()
            && chars.get(i + 1).is_some_and(|&n| word_char(n));
        if word_char(c) || inside {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            tokens.push(std::mem::take(&mut word));
        }
        if !c.is_whitespace() {
            tokens.push(c.to_string());
        }
    }
    if !word.is_empty() {
        tokens.push(word);
    }
    tokens
}

/// Tokens joined back into text.
pub fn detokenize<S: AsRef<str>>(tokens: &[S]) -> String {
    let mut out = String::new();
    for (i, t) in tokens.iter().enumerate() {
        let t = t.as_ref();
        if i > 0 {
            let prev = tokens[i - 1].as_ref();
            let first = t.chars().next().unwrap_or(' ');
            let glued = matches!(first, '.' | ',' | ';' | ':' | '!' | '?' | ')' | '%')
                || unspaced(first) && prev.chars().last().is_some_and(unspaced)
                || prev == "(";
            if !glued {
                out.push(' ');
            }
        }
        out.push_str(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_punctuation_and_unspaced_scripts_are_tokens() {
        assert_eq!(
            tokenize("The fox's tail, well-kept, sways!", true),
            ["the", "fox's", "tail", ",", "well-kept", ",", "sways", "!"]
        );
        assert_eq!(tokenize("Hello  World", false), ["Hello", "World"]);
        assert_eq!(
            tokenize("床前明月光，", false),
            ["床", "前", "明", "月", "光", "，"]
        );
        assert_eq!(tokenize("'quoted'", true), ["'", "quoted", "'"]);
        assert_eq!(
            detokenize(&tokenize("the fox, asleep.", true)),
            "the fox, asleep."
        );
        assert_eq!(detokenize(&["床", "前", "明"]), "床前明");
    }

    #[test]
    fn text_splits_into_lines_or_sentences() {
        let text = "One line.\n\n  Two here. And\nthree? \"Four!\" five";
        assert_eq!(
            split(text, SplitBy::Lines),
            ["One line.", "Two here. And", "three? \"Four!\" five"]
        );
        assert_eq!(
            split(text, SplitBy::Sentences),
            ["One line.", "Two here.", "And three?", "\"Four!\"", "five"]
        );
        assert_eq!(
            split("三月。四月。", SplitBy::Sentences),
            ["三月。", "四月。"]
        );
        assert_eq!(split("e.g. fine", SplitBy::Sentences), ["e.g.", "fine"]);
    }
}
