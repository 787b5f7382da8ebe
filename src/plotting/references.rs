//! Reference lines: values a metric is read against (D's equilibrium, the
//! unigram entropy of a text), drawn as faint horizontal lines on its plot.

/// A horizontal line on a plot.
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    /// What it marks, for its tooltip and legend.
    pub label: String,
    /// Its value.
    pub value: f64,
}

/// The reference lines of `metric`; `latest` gives the latest value of another
/// metric of the same run (the unigram entropy is measured on the run's text);
/// `d_equilibrium` is D's loss at the game's equilibrium, where the run's game has one
/// (2·ln 2 for the original GAN, ¼ for LSGAN, 2 for the hinge; none for a critic).
pub fn references(
    metric: &str,
    latest: impl Fn(&str) -> Option<f64>,
    d_equilibrium: Option<f64>,
) -> Vec<Reference> {
    let line = |label: &str, value: f64| Reference {
        label: label.to_string(),
        value,
    };
    match metric {
        // A critic's scores have no equilibrium value.
        "d_real" | "d_fake" => d_equilibrium
            .map(|_| vec![line("equilibrium ½", 0.5)])
            .unwrap_or_default(),
        "d_loss" => d_equilibrium
            .map(|v| vec![line("equilibrium", v)])
            .unwrap_or_default(),
        // Images (measured beside the Fréchet distance): held-out images' own share.
        "copied_pct" => latest("frechet_distance")
            .map(|_| {
                let fair = 100.0 * crate::quality::copies::QUANTILE;
                vec![line("fresh images", fair)]
            })
            .unwrap_or_default(),
        "train_bpc" | "val_bpc" => latest("unigram_bpc")
            .map(|v| vec![line("unigram entropy", v)])
            .unwrap_or_default(),
        // Sentences: what a model that ignores every context scores.
        "sentence_rec" | "val_sentence_rec" => latest("unigram_nats")
            .map(|v| vec![line("unigram model", v)])
            .unwrap_or_default(),
        "val_sentence_elbo" => latest("unigram_nats")
            .map(|v| vec![line("unigram model", -v)])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_have_their_reference_lines() {
        let none = |_: &str| None;
        assert_eq!(references("d_real", none, Some(2.0))[0].value, 0.5);
        assert!(
            references("d_fake", none, None).is_empty(),
            "a critic's scores"
        );
        assert!((references("d_loss", none, Some(1.386_294))[0].value - 1.386_294).abs() < 1e-6);
        assert!(
            references("d_loss", none, None).is_empty(),
            "a critic has none"
        );
        assert!(
            references("val_bpc", none, None).is_empty(),
            "no text measured"
        );
        let unigram = |m: &str| (m == "unigram_bpc").then_some(4.2);
        assert_eq!(references("val_bpc", unigram, None)[0].value, 4.2);
        assert!(references("frechet_distance", unigram, None).is_empty());
        assert!(references("copied_pct", unigram, None).is_empty(), "text");
        let sentences = |m: &str| (m == "unigram_nats").then_some(37.0);
        assert_eq!(
            references("val_sentence_rec", sentences, None)[0].value,
            37.0
        );
        assert_eq!(
            references("val_sentence_elbo", sentences, None)[0].value,
            -37.0
        );
        let images = |m: &str| (m == "frechet_distance").then_some(30.0);
        assert_eq!(references("copied_pct", images, None)[0].value, 5.0);
    }
}
