//! Rows every settings panel shares: the seed and the run's length.

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
