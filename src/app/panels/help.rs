//! Help: what each number on screen means, in a sentence or two with its unit (the
//! plots' titles and tooltips, gathered), the run panel's words, and the keys.

use super::metric_plots;

/// Terms of the run panel and the comparison, besides the plots'.
const TERMS: &[(&str, &str)] = &[
    (
        "step",
        "One update of the model's weights (for a GAN: the discriminator's updates, then the generator's). The progress bar counts them against the run's planned steps.",
    ),
    (
        "steps/s",
        "Updates per second over the last moments; the ETA is the steps left at that speed.",
    ),
    (
        "trained (time)",
        "Seconds of training, pauses left out; the time axis of the plots and metrics.csv's elapsed_s count the same.",
    ),
    (
        "CPU share",
        "The share of the time it wanted to run that the training thread got from the system's scheduler over the last few seconds. Under a third, the window says the run is starved.",
    ),
    (
        "nats, bits",
        "Units of information: a nat is ln e, a bit is ln 2 ≈ 0.693 nats. −log p(x) in nats divided by ln 2 is bits.",
    ),
    (
        "held-out",
        "Measured on data the model never trains on: it shows how well the model generalises, not how well it remembers.",
    ),
];

/// The keys of the window.
const KEYS: &[(&str, &str)] = &[
    ("Space", "pause or resume the run"),
    ("S", "one step, while paused"),
    ("Ctrl+S", "write a checkpoint now"),
    ("1, 2, 3, 4", "the tabs, in the order shown"),
    ("F1", "this help"),
];

/// Every glossary entry: the plots' (title, meaning), then the other terms.
pub fn glossary() -> Vec<(&'static str, &'static str)> {
    metric_plots::glossary()
        .chain(TERMS.iter().copied())
        .collect()
}

/// The help window, while `open`; `filter` is what the user typed to narrow it.
pub fn ui(ctx: &egui::Context, open: &mut bool, filter: &mut String) {
    egui::Window::new("Help")
        .open(open)
        .default_size([520.0, 560.0])
        .vscroll(true)
        .show(ctx, |ui| {
            ui.heading("Keys");
            egui::Grid::new("help keys").num_columns(2).show(ui, |ui| {
                for (key, what) in KEYS {
                    ui.strong(*key);
                    ui.label(*what);
                    ui.end_row();
                }
            });
            ui.separator();
            ui.heading("What the numbers mean");
            ui.horizontal(|ui| {
                let label = ui.label("Find").id;
                ui.text_edit_singleline(filter).labelled_by(label);
            });
            let wanted = filter.trim().to_lowercase();
            for (term, meaning) in glossary() {
                let shown = wanted.is_empty()
                    || term.to_lowercase().contains(&wanted)
                    || meaning.to_lowercase().contains(&wanted);
                if shown {
                    ui.add_space(4.0);
                    ui.strong(term);
                    ui.label(meaning);
                }
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_glossary_explains_every_plot_and_the_run_panel_once_each() {
        let all = glossary();
        for wanted in [
            "Losses",
            "Fréchet distance",
            "Bits per character",
            "steps/s",
        ] {
            assert!(
                all.iter().any(|(t, m)| *t == wanted && m.len() > 20),
                "{wanted} is explained"
            );
        }
        let mut titles: Vec<&str> = all.iter().map(|(t, _)| *t).collect();
        titles.sort_unstable();
        titles.dedup();
        assert_eq!(titles.len(), all.len(), "no term twice");
    }
}
