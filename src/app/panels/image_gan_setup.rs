//! Settings of an image GAN, with the textbook tricks as switches.

use super::seed_rows;
use crate::app::actions::Actions;
use crate::app::state::AppState;
use crate::experiments::ExperimentSpec;
use crate::experiments::image_gan::spec::{DataSource, GanLoss, LatentPrior, OutputActivation};
use crate::nn::optim::OptimizerKind;

use super::gan2d_setup::activation_ui;

/// The settings fixed when a run starts.
pub fn fixed_ui(ui: &mut egui::Ui, state: &mut AppState, _actions: &mut Actions) {
    let ExperimentSpec::ImageGan(spec) = &mut state.draft else {
        return;
    };
    egui::Grid::new("image-gan-fixed").num_columns(2).show(ui, |ui| {
        ui.label("Game");
        ui.vertical(|ui| {
            let t = &mut spec.train;
            let before = t.loss;
            ui.radio_value(&mut t.loss, GanLoss::Gan, "GAN (DCGAN)")
                .on_hover_text("A classifier D and binary cross-entropy: the original GAN.");
            ui.radio_value(&mut t.loss, GanLoss::Wgan, "WGAN (weight clipping)")
                .on_hover_text("A critic estimating the Wasserstein distance, kept Lipschitz by clipping its weights.");
            ui.radio_value(&mut t.loss, GanLoss::WganGp, "WGAN-GP (gradient penalty)")
                .on_hover_text("A critic kept Lipschitz by penalising input gradients whose norm is not 1.");
            if t.loss != before {
                // Each game's usual settings come with it.
                if let Ok(usual) = crate::presets::image_gan_default(t.loss) {
                    *spec = usual;
                }
            }
        });
        ui.end_row();

        ui.label("Data");
        ui.horizontal(|ui| {
            ui.radio_value(&mut spec.data.source, DataSource::Glyphs, "glyph digits")
                .on_hover_text("60,000 digits the studio draws from fonts: no download needed.");
            ui.add_enabled(false, egui::RadioButton::new(spec.data.source == DataSource::Idx, "IDX"))
                .on_disabled_hover_text("MNIST-style files: set data.source = \"idx\" and data.path in a preset.");
        });
        ui.end_row();

        ui.label("Image size");
        egui::ComboBox::from_id_salt("image-size")
            .selected_text(format!("{0}×{0}", spec.data.image_size))
            .show_ui(ui, |ui| {
                for s in [28, 32, 64] {
                    ui.selectable_value(&mut spec.data.image_size, s, format!("{s}×{s}"));
                }
            })
            .response
            .on_hover_text("Side of the images; 64 adds a layer to both networks.");
        ui.end_row();

        ui.label("Latent size");
        ui.add(egui::DragValue::new(&mut spec.model.latent_dim).range(1..=512))
            .on_hover_text("How many random numbers the generator turns into one image.");
        ui.end_row();

        ui.label("Latent prior");
        ui.horizontal(|ui| {
            ui.radio_value(&mut spec.model.latent, LatentPrior::Gaussian, "Gaussian")
                .on_hover_text("z from a standard normal distribution.");
            ui.radio_value(&mut spec.model.latent, LatentPrior::Uniform, "uniform")
                .on_hover_text("z uniform in [−1, 1].");
        });
        ui.end_row();

        ui.label("Kernel");
        ui.horizontal(|ui| {
            ui.radio_value(&mut spec.model.kernel, 4, "4 / stride 2")
                .on_hover_text("The kernel divides the stride: every output pixel gets the same overlap.");
            ui.radio_value(&mut spec.model.kernel, 3, "3 / stride 2")
                .on_hover_text("Uneven overlap of transposed convolutions: watch for checkerboard artefacts.");
        });
        ui.end_row();

        ui.label("G output");
        ui.horizontal(|ui| {
            ui.radio_value(&mut spec.model.g_output, OutputActivation::Tanh, "tanh")
                .on_hover_text("Pixels in [−1, 1]: DCGAN's advice, gradients centred on zero.");
            ui.radio_value(&mut spec.model.g_output, OutputActivation::Sigmoid, "sigmoid")
                .on_hover_text("Pixels in [0, 1]: saturates more easily.");
        });
        ui.end_row();

        ui.label("D activation");
        activation_ui(ui, "img-d-act", &mut spec.model.d_activation)
            .on_hover_text("LeakyReLU lets gradients through for negative inputs; ReLU can starve G of gradient.");
        ui.end_row();

        ui.label("D dropout");
        ui.add(egui::Slider::new(&mut spec.model.d_dropout, 0.0..=0.6))
            .on_hover_text("Randomly silence D's units while training, so it cannot memorise the data.");
        ui.end_row();

        ui.label("D batch norm");
        let gp = spec.train.loss == GanLoss::WganGp;
        ui.add_enabled(!gp, egui::Checkbox::without_text(&mut spec.model.d_batch_norm))
            .on_hover_text("Normalise D's layers over the batch (off for WGAN-GP, whose penalty is per sample).");
        ui.end_row();

        ui.label("Optimizer");
        ui.horizontal(|ui| {
            ui.radio_value(&mut spec.train.optimizer, OptimizerKind::Adam, "Adam")
                .on_hover_text("Adam with β₁ = 0.5: DCGAN's choice.");
            ui.radio_value(&mut spec.train.optimizer, OptimizerKind::RmsProp, "RMSProp")
                .on_hover_text("RMSProp: the original WGAN's choice (momentum destabilises its critic).");
            ui.radio_value(&mut spec.train.optimizer, OptimizerKind::Sgd, "SGD")
                .on_hover_text("Plain stochastic gradient descent.");
        });
        ui.end_row();

        ui.label("Batch size");
        ui.add(egui::DragValue::new(&mut spec.train.batch_size).range(2..=512))
            .on_hover_text("Images per update.");
        ui.end_row();

        if spec.train.loss == GanLoss::Wgan {
            ui.label("Clip");
            ui.add(egui::Slider::new(&mut spec.train.clip, 0.001..=0.1).logarithmic(true))
                .on_hover_text("The critic's weights are clipped to ± this after every update.");
            ui.end_row();
        }
        if gp {
            ui.label("Penalty weight λ");
            ui.add(egui::Slider::new(&mut spec.train.gp_weight, 0.0..=50.0))
                .on_hover_text("Weight of the gradient penalty (10 in the paper).");
            ui.end_row();
        }

        seed_rows::seed_and_steps_rows(ui, &mut spec.seed, &mut spec.schedule.steps, "How many generator updates the run lasts.");
    });
}
