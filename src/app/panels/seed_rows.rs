//! Rows settings panels share: the seed and the run's length, the rate schedule.

use crate::nn::lr_schedule::LrDecay;

/// The seed and the run's length, as rows of the current grid; `steps_tip` says what
/// one step is for this architecture.
pub fn seed_and_steps_rows(ui: &mut egui::Ui, seed: &mut u64, steps: &mut u64, steps_tip: &str) {
    ui.label("Seed");
    ui.add(egui::DragValue::new(seed)).on_hover_text(
        "Seeds the data, the weights and the noise: the same seed gives the same run.",
    );
    ui.end_row();

    ui.label("Steps");
    ui.add(egui::DragValue::new(steps).range(1..=10_000_000))
        .on_hover_text(steps_tip);
    ui.end_row();
}

/// The learning rate's warm-up and decay, as a row of the current grid.
pub fn rate_schedule_row(
    ui: &mut egui::Ui,
    warmup: &mut u64,
    decay: &mut LrDecay,
    decay_tip: &str,
) {
    ui.label("Rate schedule");
    ui.horizontal(|ui| {
        ui.add(
            egui::DragValue::new(warmup)
                .range(0..=100_000)
                .prefix("warm-up ")
                .suffix(" steps"),
        )
        .on_hover_text(
            "Steps over which the learning rate rises from zero to its set value (0 = none).",
        );
        for d in [LrDecay::Constant, LrDecay::Cosine, LrDecay::Linear] {
            ui.radio_value(decay, d, d.label()).on_hover_text(decay_tip);
        }
    });
    ui.end_row();
}
