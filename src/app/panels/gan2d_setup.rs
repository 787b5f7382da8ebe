//! Settings of the 2-D GAN: what is fixed at Start, and what changes live.

use super::seed_rows;
use crate::app::actions::{Actions, UiAction};
use crate::app::state::AppState;
use crate::data::toy2d::Toy2d;
use crate::experiments::ExperimentSpec;
use crate::experiments::gan2d::losses::GanLoss2d;
use crate::nn::mlp::Activation;
use crate::nn::optim::OptimizerKind;

/// The settings fixed when a run starts.
pub fn fixed_ui(ui: &mut egui::Ui, state: &mut AppState, actions: &mut Actions) {
    let ExperimentSpec::Gan2d(spec) = &mut state.draft else {
        return;
    };
    egui::Grid::new("fixed").num_columns(2).show(ui, |ui| {
        ui.label("Data");
        egui::ComboBox::from_id_salt("distribution")
            .selected_text(spec.data.distribution.label())
            .show_ui(ui, |ui| {
                for d in Toy2d::ALL {
                    ui.selectable_value(&mut spec.data.distribution, d, d.label());
                }
                if ui
                    .selectable_label(spec.data.distribution == Toy2d::Points, "Your points (a CSV file)…")
                    .clicked()
                {
                    actions.push(UiAction::OpenPointsDialog);
                }
            })
            .response
            .on_hover_text("The 2-D distribution the generator must learn to imitate, or your own points: a CSV or whitespace file of x, y per line (a header allowed; or drop one on the window).");
        ui.end_row();

        if spec.data.distribution == Toy2d::Points && spec.data.path.as_os_str().is_empty() {
            ui.label("Points");
            ui.horizontal(|ui| {
                ui.label(format!("{} drawn", spec.data.points.len()))
                    .on_hover_text("Points drawn on the canvas (Draw data); they are saved in the run's config.");
                if ui.button("Choose a file…").clicked() {
                    actions.push(UiAction::OpenPointsDialog);
                }
            });
            ui.end_row();
        } else if spec.data.distribution == Toy2d::Points {
            ui.label("Points file");
            ui.horizontal(|ui| {
                let name = spec
                    .data
                    .path
                    .file_name()
                    .map_or("none chosen".into(), |n| n.to_string_lossy().into_owned());
                ui.label(name).on_hover_text(spec.data.path.display().to_string());
                if ui.button("Choose…").clicked() {
                    actions.push(UiAction::OpenPointsDialog);
                }
            });
            ui.end_row();
        }
        if spec.data.distribution == Toy2d::Points {
            ui.label("Modes");
            ui.add(
                egui::DragValue::new(&mut spec.data.modes)
                    .range(0..=crate::data::points2d::MAX_MODES)
                    .custom_formatter(|v, _| if v == 0.0 { "found".into() } else { format!("{v}") }),
            )
            .on_hover_text("How many modes k-means finds in your points for the mode census; 0 (\"found\"): the number from 2 to 30 with the best Calinski–Harabasz index.");
            ui.end_row();
        }

        ui.label("Latent size");
        ui.add(egui::DragValue::new(&mut spec.model.latent_dim).range(1..=64))
            .on_hover_text("How many random numbers the generator turns into one point.");
        ui.end_row();

        let label = ui.label("Generator layers").id;
        layers_ui(ui, "g_layers", label, &mut spec.model.g_hidden)
            .on_hover_text("Hidden layer widths of the generator; + adds a layer, − removes the last.");
        ui.end_row();

        let label = ui.label("Discriminator layers").id;
        layers_ui(ui, "d_layers", label, &mut spec.model.d_hidden)
            .on_hover_text("Hidden layer widths of the discriminator; + adds a layer, − removes the last.");
        ui.end_row();

        ui.label("G activation");
        activation_ui(ui, "g_act", &mut spec.model.g_activation)
            .on_hover_text("The non-linearity between the generator's layers.");
        ui.end_row();

        ui.label("D activation");
        activation_ui(ui, "d_act", &mut spec.model.d_activation)
            .on_hover_text("The non-linearity between the discriminator's layers (LeakyReLU keeps gradients alive).");
        ui.end_row();

        ui.label("Optimizer");
        ui.horizontal(|ui| {
            ui.radio_value(&mut spec.train.optimizer, OptimizerKind::Adam, "Adam")
                .on_hover_text("Adam: adaptive steps with momentum; the usual choice for GANs.");
            ui.radio_value(&mut spec.train.optimizer, OptimizerKind::Sgd, "SGD")
                .on_hover_text("Plain stochastic gradient descent: slower, and often oscillates.");
        });
        ui.end_row();

        ui.label("Loss");
        egui::ComboBox::from_id_salt("gan2d_loss")
            .selected_text(spec.train.loss.label())
            .show_ui(ui, |ui| {
                for (loss, tip) in [
                    (GanLoss2d::Gan, "The original GAN (Goodfellow et al. 2014): D classifies real against generated with cross-entropy; G's form is the live setting below."),
                    (GanLoss2d::Lsgan, "Least squares (LSGAN, Mao et al. 2017, GAN Lab has it): D regresses to 1 for real and 0 for generated, G pulls its points to 1; points far on the right side are still pushed, so gradients do not vanish."),
                    (GanLoss2d::Hinge, "Hinge (Lim and Ye 2017; Miyato et al. 2018): D wants real outputs above 1 and generated below −1; G raises D's output. The heat map shows (D + 1) / 2."),
                    (GanLoss2d::WganGp, "Wasserstein critic with gradient penalty (WGAN-GP, Gulrajani et al. 2017): D scores points, real high and generated low, and a penalty keeps its gradient's norm near 1; G raises its score. The heat map shows the critic's score on its own colour scale (orange low, blue high)."),
                ] {
                    ui.selectable_value(&mut spec.train.loss, loss, loss.label())
                        .on_hover_text(tip);
                }
            })
            .response
            .on_hover_text("The game G and D play. The heat map and the D(x) plots show how real D finds a point, in [0, 1], for each.");
        ui.end_row();

        ui.label("Packing");
        ui.horizontal(|ui| {
            for m in [1, 2, 4] {
                let text = if m == 1 { "off".to_string() } else { format!("PacGAN{m}") };
                ui.radio_value(&mut spec.train.pack, m, text);
            }
        })
        .response
        .on_hover_text("PacGAN (Lin et al. 2018): D judges packs of 2 or 4 samples at once, so a generator that repeats itself is easy to spot — a cure for mode collapse. The heat map then shows D's reading of a pack of copies of each point. The batch size must be a multiple.");
        ui.end_row();

        if spec.train.loss == GanLoss2d::WganGp {
            let label = ui.label("Penalty weight λ").id;
            ui.add(egui::DragValue::new(&mut spec.train.gp_weight).range(0.0..=100.0).speed(0.01))
                .labelled_by(label)
                .on_hover_text("WGAN-GP's λ on (‖∇D‖ − 1)²: 10 in the paper's image experiments, 0.1 in its 2-D toys.");
            ui.end_row();
        }

        ui.label("Minibatch std");
        ui.checkbox(&mut spec.train.minibatch_std, "D also sees the batch's spread")
            .on_hover_text("Minibatch standard deviation (Karras et al. 2018, Progressive GANs): D gets one more input, the batch's mean standard deviation, so a generator whose batch is less varied than the data is caught — a cure for mode collapse. The heat map reads each point as one of a batch as varied as the data.");
        ui.end_row();

        let label = ui.label("Unrolled D").id;
        ui.add(
            egui::DragValue::new(&mut spec.train.unrolled_steps)
                .range(0..=20)
                .custom_formatter(|v, _| if v == 0.0 { "off".into() } else { format!("{v} steps") }),
        )
        .labelled_by(label)
        .on_hover_text("Unrolled GAN (Metz et al. 2017): G updates against D as it will be after k more updates, then D is put back; G cannot exploit D's current weakness, so it spreads out. This is the first-order version (the gradient does not flow back through the look-ahead); each step costs k more D updates.");
        ui.end_row();

        let label = ui.label("Instance noise").id;
        ui.horizontal(|ui| {
            ui.add(egui::DragValue::new(&mut spec.train.instance_noise).range(0.0..=5.0).speed(0.01).prefix("σ "))
                .labelled_by(label);
            ui.add(
                egui::DragValue::new(&mut spec.train.instance_noise_steps)
                    .range(0..=1_000_000)
                    .custom_formatter(|v, _| if v == 0.0 { "constant".into() } else { format!("to 0 over {v} steps") }),
            )
            .labelled_by(label);
        })
        .response
        .on_hover_text("Instance noise (Sønderby et al. 2017; Arjovsky and Bottou 2017): Gaussian noise added to every point D sees, real and generated, so the two distributions overlap and D's gradient stays informative; annealed to 0 so the final samples are sharp. σ in the lab's units (the built-in data spans about ±2).");
        ui.end_row();

        ui.label("Adam β₁");
        ui.add(egui::Slider::new(&mut spec.train.beta1, 0.0..=0.99))
            .on_hover_text("Adam's momentum; 0.5 is the usual choice for GANs (0.9 tends to oscillate).");
        ui.end_row();

        ui.label("Batch size");
        ui.add(egui::DragValue::new(&mut spec.train.batch_size).range(1..=4096))
            .on_hover_text("Real and generated points per update.");
        ui.end_row();

        seed_rows::seed_and_steps_rows(ui, &mut spec.seed, &mut spec.schedule.steps, "How many training steps the run lasts.");
    });
}

/// Hidden layer widths, with buttons to add and remove layers.
pub fn layers_ui(
    ui: &mut egui::Ui,
    id: &str,
    label: egui::Id,
    widths: &mut Vec<usize>,
) -> egui::Response {
    ui.push_id(id, |ui| {
        ui.horizontal(|ui| {
            for w in widths.iter_mut() {
                ui.add(egui::DragValue::new(w).range(1..=1024))
                    .labelled_by(label);
            }
            if widths.len() < 6 && ui.small_button("+").clicked() {
                let last = widths.last().copied().unwrap_or(64);
                widths.push(last);
            }
            if !widths.is_empty() && ui.small_button("−").clicked() {
                widths.pop();
            }
        })
        .response
    })
    .inner
}

/// A non-linearity picker.
pub fn activation_ui(ui: &mut egui::Ui, id: &str, act: &mut Activation) -> egui::Response {
    egui::ComboBox::from_id_salt(id)
        .selected_text(format!("{act:?}"))
        .show_ui(ui, |ui| {
            for a in [Activation::Relu, Activation::LeakyRelu, Activation::Tanh] {
                ui.selectable_value(act, a, format!("{a:?}"));
            }
        })
        .response
}
