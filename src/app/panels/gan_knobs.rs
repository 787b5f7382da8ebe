//! The live knobs every GAN shares, as grid rows: learning rates, D steps per G step
//! and (for the original game) the generator's loss.

use std::ops::RangeInclusive;

use crate::experiments::{GeneratorLoss, LiveParam};

/// The knobs' values, borrowed from a spec.
pub struct GanKnobValues<'a> {
    /// Generator learning rate.
    pub lr_g: &'a mut f64,
    /// Discriminator learning rate.
    pub lr_d: &'a mut f64,
    /// Discriminator updates per generator update.
    pub d_steps: &'a mut u32,
    /// The generator's loss, when the game has a choice of it.
    pub generator_loss: Option<&'a mut GeneratorLoss>,
}

/// Draws the knobs as rows of the current grid; `live` receives each change.
pub fn rows_ui(
    ui: &mut egui::Ui,
    k: GanKnobValues<'_>,
    lr_range: RangeInclusive<f64>,
    live: &mut dyn FnMut(LiveParam),
) {
    ui.label("G learning rate");
    if ui
        .add(egui::Slider::new(k.lr_g, lr_range.clone()).logarithmic(true))
        .on_hover_text("Step size of the generator's updates.")
        .changed()
    {
        live(LiveParam::LearningRateG(*k.lr_g));
    }
    ui.end_row();

    ui.label("D learning rate");
    if ui
        .add(egui::Slider::new(k.lr_d, lr_range).logarithmic(true))
        .on_hover_text("Step size of the discriminator's (critic's) updates.")
        .changed()
    {
        live(LiveParam::LearningRateD(*k.lr_d));
    }
    ui.end_row();

    ui.label("D steps per G step");
    if ui
        .add(egui::Slider::new(k.d_steps, 1..=10))
        .on_hover_text("How many discriminator (critic) updates come before each generator update; WGANs use 5.")
        .changed()
    {
        live(LiveParam::DStepsPerG(*k.d_steps));
    }
    ui.end_row();

    if let Some(loss) = k.generator_loss {
        ui.label("Generator loss");
        ui.vertical(|ui| {
            let before = *loss;
            ui.radio_value(loss, GeneratorLoss::NonSaturating, "non-saturating −log D(G(z))")
                .on_hover_text("Strong gradients even when D confidently rejects the samples.");
            ui.radio_value(loss, GeneratorLoss::Minimax, "minimax log(1 − D(G(z)))")
                .on_hover_text("The original game; its gradient vanishes when D wins (watch the gradient norm).");
            if *loss != before {
                live(LiveParam::GeneratorLoss(*loss));
            }
        });
        ui.end_row();
    }
}

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

/// The learning rate of a model with one optimiser, as a row of the current grid;
/// a change goes to `live`.
pub fn learning_rate_row(ui: &mut egui::Ui, lr: &mut f64, live: &mut impl FnMut(LiveParam)) {
    ui.label("Learning rate");
    if ui
        .add(egui::Slider::new(lr, 1e-5..=1e-2).logarithmic(true))
        .on_hover_text("Adam's step size.")
        .changed()
    {
        live(LiveParam::LearningRate(*lr));
    }
    ui.end_row();
}
