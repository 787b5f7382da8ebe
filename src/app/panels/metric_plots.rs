//! Live plots of a run's metrics, grouped by what they tell.

use super::line_plot::{self, Marker, PlotAsk, PlotExtras, PlotLine, PlotMenu, PlotTools};
use crate::app::actions::{Actions, UiAction};
use crate::app::state::AppState;
use crate::app::theme;
use crate::plotting::references::{Reference, references};

/// A plot and the metrics it shows.
struct Group {
    title: &'static str,
    metrics: &'static [(&'static str, &'static str)],
    tip: &'static str,
    /// Plot log10 of the values (for losses that fall over decades).
    log10: bool,
}

const GROUPS: &[Group] = &[
    Group {
        title: "Style transfer losses (weighted, log scale)",
        metrics: &[
            ("content_loss", "content"),
            ("style_loss", "style"),
            ("tv_loss", "total variation"),
            ("total_loss", "total"),
        ],
        tip: "The three terms the pixels are optimised against, each times its weight, on a log scale: style falls over decades while content rises a little as the picture leaves the content behind.",
        log10: true,
    },
    Group {
        title: "Held-out pictures: the network against optimised pixels (log scale)",
        metrics: &[
            ("val_content_loss", "network: content"),
            ("val_style_loss", "network: style"),
            ("val_tv_loss", "network: total variation"),
            ("optimised_content_loss", "optimised pixels: content"),
            ("optimised_style_loss", "optimised pixels: style"),
        ],
        tip: "The weighted losses of the network's repaintings of held-out pictures, and of the same pictures repainted the slow way (their pixels optimised by L-BFGS, once): the network's style falls towards the optimised one's as it learns, in one pass instead of a minute.",
        log10: true,
    },
    Group {
        title: "Network ÷ optimised (held-out, log scale)",
        metrics: &[
            ("style_vs_optimised", "style loss ratio"),
            ("content_vs_optimised", "content loss ratio"),
        ],
        tip: "The network's held-out losses divided by the optimised pictures' (on the pictures both repainted): 1 means the one-pass network repaints as well as a minute of optimisation.",
        log10: true,
    },
    Group {
        title: "DeepDream objective",
        metrics: &[("activation", "½ mean square of the chosen activations")],
        tip: "What gradient ascent raises; it jumps at each new octave, where the picture is larger.",
        log10: false,
    },
    Group {
        title: "Octave",
        metrics: &[("octave", "octave (smallest first)")],
        tip: "The scale being dreamt at.",
        log10: false,
    },
    Group {
        title: "Negative log-likelihood (nats/image)",
        metrics: &[
            ("train_nll_nats", "training batch"),
            ("val_nll_nats", "held-out"),
        ],
        tip: "−log p(x) of whole images under the model, summed over pixels: lower is better.",
        log10: false,
    },
    Group {
        title: "Held-out bits per dimension",
        metrics: &[("val_bits_per_dim", "bits per pixel")],
        tip: "The held-out NLL per pixel in bits: 1 means a binarised pixel is no better than a coin toss.",
        log10: false,
    },
    Group {
        title: "Bits per character",
        metrics: &[
            ("train_bpc", "training batch"),
            ("val_bpc", "held-out tail"),
        ],
        tip: "Cross-entropy of the next character in bits: a model that ignores context cannot beat the unigram entropy (the dashed line, measured once on the text); below it, the model uses what came before.",
        log10: false,
    },
    Group {
        title: "Sentence reconstruction (nats/sentence)",
        metrics: &[
            ("sentence_rec", "training batch"),
            ("val_sentence_rec", "held-out"),
        ],
        tip: "−log p(x | z): how badly the decoder writes a sentence back from its code, in nats per sentence (its words and its end). A decoder that ignores z settles at the text's own entropy; the dashed line is a unigram model's.",
        log10: false,
    },
    Group {
        title: "Sentence KL term (nats/sentence)",
        metrics: &[
            ("sentence_kl", "training batch"),
            ("val_sentence_kl", "held-out"),
        ],
        tip: "KL(q(z|x) ‖ N(0, I)): what the code says about the sentence beyond the prior, in nats. Near zero is posterior collapse: the decoder writes without reading z. KL annealing, word dropout and free bits keep it up.",
        log10: false,
    },
    Group {
        title: "KL weight",
        metrics: &[("kl_weight", "weight of the KL term in the loss")],
        tip: "The KL term's weight in use: it rises from 0 to 1 over train.kl_anneal_steps (annealing), or is 1 throughout.",
        log10: false,
    },
    Group {
        title: "Held-out ELBO (nats/sentence)",
        metrics: &[("val_sentence_elbo", "ELBO = −(reconstruction + KL)")],
        tip: "The evidence lower bound on log p(sentence) for held-out sentences: higher is better. The dashed line is a unigram model's log-likelihood.",
        log10: false,
    },
    Group {
        title: "Perplexity bound (per token)",
        metrics: &[("val_ppl_bound", "exp(−ELBO / tokens)")],
        tip: "The perplexity the ELBO guarantees on held-out sentences, per token (their ends counted): the true perplexity is at most this.",
        log10: false,
    },
    Group {
        title: "Gradient norm (before clipping)",
        metrics: &[("grad_norm", "global norm")],
        tip: "The norm of the whole gradient; steps above the clip are scaled down to it.",
        log10: false,
    },
    Group {
        title: "Reconstruction term (nats/image, Σ over pixels)",
        metrics: &[
            ("reconstruction", "training batch"),
            ("val_reconstruction", "held-out"),
        ],
        tip: "−log p(x | z): how badly the decoder explains an image from its code, in nats per image, summed over its pixels.",
        log10: false,
    },
    Group {
        title: "KL term (nats/image, Σ over latent dims)",
        metrics: &[("kl", "training batch"), ("val_kl", "held-out")],
        tip: "KL(q(z|x) ‖ N(0, I)): how much information the codes carry beyond the prior, in nats per image.",
        log10: false,
    },
    Group {
        title: "Held-out ELBO (nats/image)",
        metrics: &[("val_elbo", "ELBO = −(reconstruction + KL)")],
        tip: "The evidence lower bound on log p(x) for held-out images: higher is better.",
        log10: false,
    },
    Group {
        title: "Active latent units",
        metrics: &[("active_units", "units with Var(E[z|x]) > 0.01")],
        tip: "Latent dimensions whose code changes with the image; the others collapsed to the prior (posterior collapse). Raise β and watch them fall.",
        log10: false,
    },
    Group {
        title: "Loss",
        metrics: &[
            ("loss", "reconstruction + β·KL"),
            ("beta", "β (after warm-up)"),
        ],
        tip: "What the optimiser minimises, and the KL weight in use.",
        log10: false,
    },
    Group {
        title: "Learning rate",
        metrics: &[("lr", "learning rate in use")],
        tip: "The rate after the warm-up and decay (train.lr_warmup, train.lr_decay): a decaying rate settles the weights near the end of the run.",
        log10: false,
    },
    Group {
        title: "Losses",
        metrics: &[("d_loss", "D loss"), ("g_loss", "G loss")],
        tip: "Discriminator and generator losses. At equilibrium D outputs ½ everywhere and D's loss is 2·ln 2 ≈ 1.39 (the original GAN), ¼ (LSGAN) or 2 (hinge); a Wasserstein critic has no such point.",
        log10: false,
    },
    Group {
        title: "Discriminator outputs",
        metrics: &[("d_real", "mean D(x)"), ("d_fake", "mean D(G(z))")],
        tip: "The discriminator's mean belief that real (x) and generated (G(z)) points are real; both tend to ½.",
        log10: false,
    },
    Group {
        title: "Wasserstein estimate",
        metrics: &[("wasserstein", "mean D(x) − mean D(G(z))")],
        tip: "The critic's estimate of the Wasserstein distance between real and generated images: it should fall.",
        log10: false,
    },
    Group {
        title: "Gradient penalty",
        metrics: &[("gradient_penalty", "penalty")],
        tip: "How far the critic's input gradients are from norm 1 (before the weight λ).",
        log10: false,
    },
    Group {
        title: "Fréchet distance",
        metrics: &[("frechet_distance", "FID (classifier features)")],
        tip: "Distance between real and generated images in a classifier's feature space, measured every few steps: lower is better.",
        log10: false,
    },
    Group {
        title: "Precision and recall",
        metrics: &[("precision", "precision"), ("recall", "recall")],
        tip: "Kynkäänniemi et al. 2019, in the classifier's feature space: precision is the share of generated images that fall among the held-out real ones (each real image's ball reaches its 3rd nearest neighbour); recall the share of real images that fall among the generated ones. Low recall with high precision: good samples, but part of the data never made (mode collapse).",
        log10: false,
    },
    Group {
        title: "Copied from the training data (%)",
        metrics: &[("copied_pct", "copied")],
        tip: "Text: of 500 characters the model writes at temperature 1 at each held-out measurement, the share of 20-character windows found word for word in the training text; the sample panel marks the copied stretches. Images: of the samples measured for the Fréchet distance, the share nearer a training image (in the classifier's features) than 95% of held-out images are: a model making new images scores about 5 (the line), one handing back its training images 100.",
        log10: false,
    },
    Group {
        title: "Classes of generated images (%)",
        metrics: &[
            ("class_0_pct", "0"),
            ("class_1_pct", "1"),
            ("class_2_pct", "2"),
            ("class_3_pct", "3"),
            ("class_4_pct", "4"),
            ("class_5_pct", "5"),
            ("class_6_pct", "6"),
            ("class_7_pct", "7"),
            ("class_8_pct", "8"),
            ("class_9_pct", "9"),
        ],
        tip: "Which classes the classifier sees in the generated images: all near 10% means every digit is made; one line alone is mode collapse.",
        log10: false,
    },
    Group {
        title: "Classes covered",
        metrics: &[("classes_covered", "classes with ≥ half their share")],
        tip: "How many classes get at least half their fair share of the generated images.",
        log10: false,
    },
    Group {
        title: "Modes captured",
        metrics: &[("modes_captured", "modes captured")],
        tip: "Of 2,500 generated points, how many modes have at least one point within 3σ: mode collapse shows as a drop.",
        log10: false,
    },
    Group {
        title: "High-quality samples (%)",
        metrics: &[("high_quality_pct", "% within 3σ of a mode")],
        tip: "The share of generated points within three standard deviations of their nearest mode.",
        log10: false,
    },
    Group {
        title: "Generator gradient norm",
        metrics: &[("g_grad_norm", "gradient norm")],
        tip: "Norm of the gradient of G's loss w.r.t. its weights: the minimax loss makes it vanish when D wins.",
        log10: false,
    },
    Group {
        title: "Sample–mode distance",
        metrics: &[("sample_mode_distance", "distance")],
        tip: "Mean distance from generated points to their nearest mode plus from each mode to its nearest generated point.",
        log10: false,
    },
];

/// Each plot's title and what it shows, for the Help window.
pub fn glossary() -> impl Iterator<Item = (&'static str, &'static str)> {
    GROUPS.iter().map(|g| (g.title, g.tip))
}

/// Metrics that count things (octaves, latent units, classes, modes): their plots
/// mark only whole numbers on the value axis.
const COUNTS: &[&str] = &[
    "octave",
    "active_units",
    "classes_covered",
    "modes_captured",
];

/// Draws the plots in a grid of two columns, under the plot tools.
pub fn ui(ui: &mut egui::Ui, state: &AppState, tools: &mut PlotTools, actions: &mut Actions) {
    let groups: Vec<&Group> = GROUPS
        .iter()
        .filter(|g| {
            g.metrics
                .iter()
                .any(|(m, _)| state.series(m).is_some_and(|s| !s.is_empty()))
        })
        .collect();
    let Some(run) = state.run.as_ref().filter(|_| !groups.is_empty()) else {
        ui.label("Plots appear here when a run starts.");
        return;
    };
    let d_equilibrium = crate::experiments::d_loss_equilibrium(&run.info.spec);
    // What is visible: a parent's layout may offer more width than the window shows.
    let visible = ui.clip_rect().right() - ui.cursor().left();
    ui.set_max_width(visible.min(ui.available_width()));
    tools.ui(ui);
    let markers: Vec<Marker> = run
        .changes
        .iter()
        .map(|c| Marker {
            step: c.step as f64,
            clock: &run.clock,
            text: format!("{} = {}", c.key, c.value),
        })
        .collect();
    let spacing = ui.spacing().item_spacing;
    let grid = Grid::fit(
        ui.available_width().min(visible),
        ui.available_height(),
        groups.len(),
        spacing,
    );
    let mut rects: Vec<egui::Rect> = Vec::new();
    // Plots that do not fit the height scroll; the grid has as many columns as fit.
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for pair in groups.chunks(grid.columns) {
                ui.horizontal(|ui| {
                    for group in pair {
                        let (width, height) = (grid.width, grid.height);
                        let placed = ui.vertical(|ui| {
                            ui.set_width(width);
                            // A long title is cut to the plot's width (the whole in its tooltip).
                            ui.add(egui::Label::new(group.title).truncate())
                                .on_hover_text(format!(
                                    "{}: {} (Help, F1, explains every plot.)",
                                    group.title, group.tip
                                ));
                            let lines: Vec<PlotLine> = group
                                .metrics
                                .iter()
                                .enumerate()
                                .filter_map(|(k, (metric, label))| {
                                    Some(PlotLine {
                                        label,
                                        colour: theme::series(k),
                                        points: state.series(metric)?,
                                        clock: &run.clock,
                                        from_step: None,
                                    })
                                })
                                .collect();
                            let references: Vec<Reference> = group
                                .metrics
                                .iter()
                                .flat_map(|(m, _)| {
                                    references(m, |other| state.latest(other), d_equilibrium)
                                })
                                .collect();
                            let extras = PlotExtras {
                                references: &references,
                                markers: &markers,
                                counts: group.metrics.iter().all(|(m, _)| COUNTS.contains(m)),
                                // A run with a folder can be branched from any step.
                                cursor: None,
                                menu: if state.run_dir().is_some() {
                                    PlotMenu::BranchRun
                                } else {
                                    PlotMenu::None
                                },
                            };
                            let mut shown_tools = tools.clone();
                            shown_tools.log_y |= group.log10;
                            let ask = line_plot::ui(
                                ui,
                                group.title,
                                [width, height],
                                &lines,
                                &extras,
                                &shown_tools,
                            );
                            if let (Some(PlotAsk::BranchFrom { step, .. }), Some(dir)) =
                                (ask, state.run_dir())
                            {
                                actions.push(UiAction::BranchFrom(dir.clone(), step));
                            }
                        });
                        rects.push(placed.response.rect);
                    }
                });
            }
        });
    ui.ctx()
        .data_mut(|d| d.insert_temp(egui::Id::unique(PLOT_RECTS), rects));
}

/// Where egui memory keeps the rectangles of the plots drawn last frame (for tests
/// of the layout).
pub const PLOT_RECTS: &str = "training plot rects";

/// How the plots are laid out: as many columns as fit (at least [`Grid::MIN_WIDTH`]
/// each, at most three), each plot as tall as the height allows down to
/// [`Grid::MIN_HEIGHT`] (then the grid scrolls).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Grid {
    /// Plots side by side.
    pub columns: usize,
    /// Width of each plot.
    pub width: f32,
    /// Height of each plot, legend included.
    pub height: f32,
}

impl Grid {
    /// The narrowest a plot gets.
    pub const MIN_WIDTH: f32 = 220.0;
    /// The lowest a plot gets.
    pub const MIN_HEIGHT: f32 = 150.0;
    /// The height of a title row.
    const TITLE: f32 = 20.0;

    /// The grid for `plots` plots in `width` × `height` points.
    pub fn fit(width: f32, height: f32, plots: usize, spacing: egui::Vec2) -> Self {
        let plots = plots.max(1);
        let fit = ((width + spacing.x) / (Self::MIN_WIDTH + spacing.x)).floor() as usize;
        let columns = fit.clamp(1, 3).min(plots);
        // A scroll bar's room, so the last column is not cut by it.
        let usable = width - 14.0;
        let w = ((usable - spacing.x * (columns - 1) as f32) / columns as f32).max(80.0);
        let rows = plots.div_ceil(columns);
        let h = (height - rows as f32 * (Self::TITLE + spacing.y)) / rows as f32;
        Self {
            columns,
            width: w,
            height: h.max(Self::MIN_HEIGHT),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_reflows_into_the_columns_that_fit_and_never_overflows_the_width() {
        let gap = egui::vec2(8.0, 4.0);
        for (width, want) in [(300.0, 1), (480.0, 2), (900.0, 3), (2400.0, 3)] {
            let g = Grid::fit(width, 600.0, 6, gap);
            assert_eq!(g.columns, want, "at {width} points");
            let used = g.columns as f32 * g.width + (g.columns - 1) as f32 * gap.x;
            assert!(used <= width, "{used} > {width}");
        }
        // Few plots in a tall space fill it; many scroll at a readable height.
        assert!(Grid::fit(900.0, 800.0, 2, gap).height > 600.0);
        assert_eq!(Grid::fit(300.0, 400.0, 6, gap).height, Grid::MIN_HEIGHT);
        assert_eq!(Grid::fit(900.0, 400.0, 2, gap).columns, 2);
    }
}
