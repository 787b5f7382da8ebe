//! Settings of an autoencoder: plain, denoising or variational.

use crate::app::actions::Actions;
use crate::app::state::AppState;
use crate::experiments::ExperimentSpec;
use crate::experiments::autoencoder::spec::{AutoencoderKind, Reconstruction};
use crate::experiments::image_data::DataSource;

use super::{binarize_row, seed_rows};

/// The settings fixed when a run starts.
pub fn fixed_ui(ui: &mut egui::Ui, state: &mut AppState, _actions: &mut Actions) {
    let ExperimentSpec::Autoencoder(spec) = &mut state.draft else {
        return;
    };
    egui::Grid::new("ae-fixed").num_columns(2).show(ui, |ui| {
        ui.label("Kind");
        ui.vertical(|ui| {
            let before = spec.model.kind;
            let kind = &mut spec.model.kind;
            ui.radio_value(kind, AutoencoderKind::Vae, "VAE")
                .on_hover_text("The encoder gives a Gaussian over codes; the loss is the negative ELBO: reconstruction + β·KL to the prior.");
            ui.radio_value(kind, AutoencoderKind::Plain, "autoencoder")
                .on_hover_text("Encode to a code and decode back; only the reconstruction counts.");
            ui.radio_value(kind, AutoencoderKind::Denoising, "denoising autoencoder")
                .on_hover_text("Sees a noisy image, learns to give back the clean one.");
            if spec.model.kind != before {
                // Each model's usual settings come with it.
                if let Ok(usual) = crate::presets::autoencoder_default(spec.model.kind) {
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
                .on_disabled_hover_text("MNIST-style files: pick them in the Dataset tab, or set data.source = \"idx\" and data.path in a preset.");
        });
        ui.end_row();

        binarize_row::binarize_row(ui, &mut spec.data);

        ui.label("Latent size");
        ui.add(egui::DragValue::new(&mut spec.model.latent_dim).range(1..=64))
            .on_hover_text("Size of the code z. With 2 the latent map shows the codes themselves; with more, a PCA projection.");
        ui.end_row();

        ui.label("Channels");
        ui.add(egui::DragValue::new(&mut spec.model.channels).range(4..=128))
            .on_hover_text("Channels of the first convolution; the second has twice as many.");
        ui.end_row();

        ui.label("Hidden units");
        ui.add(egui::DragValue::new(&mut spec.model.hidden).range(8..=1024))
            .on_hover_text("Units of the layer between the convolutions and the code.");
        ui.end_row();

        ui.label("Pixel likelihood");
        ui.horizontal(|ui| {
            let r = &mut spec.train.reconstruction;
            ui.radio_value(r, Reconstruction::Bernoulli, "Bernoulli")
                .on_hover_text("Cross-entropy between the decoder's probabilities and the pixels.");
            ui.radio_value(r, Reconstruction::Gaussian, "Gaussian")
                .on_hover_text("Squared error, scaled by a fixed standard deviation σ (a Gaussian's log-density).");
        });
        ui.end_row();

        if spec.train.reconstruction == Reconstruction::Gaussian {
            ui.label("Gaussian σ");
            ui.add(egui::Slider::new(&mut spec.train.gaussian_sigma, 0.01..=1.0).logarithmic(true))
                .on_hover_text("The decoder's fixed standard deviation: small σ weighs reconstruction over the KL term.");
            ui.end_row();
        }

        if spec.model.kind == AutoencoderKind::Vae {
            ui.label("KL warm-up");
            ui.add(egui::DragValue::new(&mut spec.train.kl_warmup).range(0..=100_000).suffix(" steps"))
                .on_hover_text("Raise the KL weight from 0 to β over these steps, so the code is used before the prior pulls it in (0 = off).");
            ui.end_row();

            ui.label("IWAE samples");
            ui.horizontal(|ui| {
                let e = &mut spec.eval;
                ui.add(egui::DragValue::new(&mut e.iwae_samples).range(0..=100_000).speed(10.0))
                    .on_hover_text("Codes drawn per image for -log p(x) by the importance-weighted bound (Burda et al. 2016), measured once at the end of the run: val_nll_iwae, tighter than the ELBO; the papers use 5,000 (0 = off).");
                if e.iwae_samples > 0 {
                    ui.label("on");
                    ui.add(egui::DragValue::new(&mut e.iwae_images).range(1..=100_000))
                        .on_hover_text("Held-out images it averages over.");
                    ui.label(format!("images: {} decoder passes", crate::experiments::model_card::count(e.iwae_passes())))
                        .on_hover_text("Its cost: the run's iwae_seconds column says what it took.");
                }
            });
            ui.end_row();
        }

        ui.label("Batch size");
        ui.add(egui::DragValue::new(&mut spec.train.batch_size).range(2..=512))
            .on_hover_text("Images per update.");
        ui.end_row();

        let t = &mut spec.train;
        seed_rows::rate_schedule_row(
            ui,
            &mut t.lr_warmup,
            &mut t.lr_decay,
            "After the warm-up: held, or brought down to zero by the run's last step (along a half cosine or a line). A decay settles the weights at the end: more nats per minute.",
        );

        seed_rows::seed_and_steps_rows(ui, &mut spec.seed, &mut spec.schedule.steps, "How many batches the run lasts.");
    });
}
