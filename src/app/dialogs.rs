//! File dialogs, behind a small trait and off the UI thread: a native dialog blocks
//! (and under some setups never returns), so each one runs on its own named thread,
//! which also does the file I/O, and reports back on a channel.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crossbeam_channel::{Receiver, Sender, unbounded};

use crate::data::preview::{self, DatasetPreview, DatasetSource};
use crate::experiments::ExperimentSpec;
use crate::runs::atomic::write_atomic;
use crate::runs::render;
use crate::view::RgbImage;

/// The dialogs the studio needs.
pub trait FileDialogs: Send + Sync {
    /// Asks for an existing file with one of `extensions`.
    fn open_file(&self, title: &str, extensions: &[&str]) -> Option<PathBuf>;
    /// Asks where to save a file, suggesting `default_name`.
    fn save_file(&self, title: &str, default_name: &str) -> Option<PathBuf>;
    /// Asks for a folder.
    fn pick_folder(&self, title: &str) -> Option<PathBuf>;
}

/// The platform's dialogs, through rfd.
pub struct NativeDialogs;

impl FileDialogs for NativeDialogs {
    fn open_file(&self, title: &str, extensions: &[&str]) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title(title)
            .add_filter("preset", extensions)
            .pick_file()
    }

    fn save_file(&self, title: &str, default_name: &str) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title(title)
            .set_file_name(default_name)
            .save_file()
    }

    fn pick_folder(&self, title: &str) -> Option<PathBuf> {
        rfd::FileDialog::new().set_title(title).pick_folder()
    }
}

/// What came of a dialog.
#[derive(Debug)]
pub enum DialogOutcome {
    /// A preset was read and parsed (or failed to be).
    PresetLoaded(Result<Box<ExperimentSpec>, String>),
    /// The draft was written as a preset (or failed to be).
    PresetSaved(Result<PathBuf, String>),
    /// A run folder was chosen.
    RunFolderChosen(PathBuf),
    /// A dataset was loaded for the browser (or failed to be).
    DatasetPreviewed(Result<Box<DatasetPreview>, String>),
    /// A text file was chosen (or dropped) and checked: its length in characters,
    /// or why it cannot be used as it is.
    TextChosen(PathBuf, Result<usize, String>),
    /// A file of 2-D points was chosen (or dropped) and read: how many points and
    /// their preview with `k` modes (0: found), or why not.
    PointsChosen(
        PathBuf,
        usize,
        Result<(usize, Box<crate::view::Gan2dView>), String>,
    ),
    /// Drawn points (known by their fingerprint) were previewed with `k` modes.
    DrawnPreviewed(u64, usize, Box<crate::view::Gan2dView>),
    /// Pictures dropped on the window were read at the model's image size (or not).
    PicturesLoaded(Vec<(PathBuf, Result<Vec<u8>, String>)>),
    /// A picture or animation was exported (or failed to be).
    Exported(Result<PathBuf, String>),
    /// A folder of runs was chosen, for the Runs tab to list.
    RunsFolderChosen(PathBuf),
    /// No dialog could open (or the user types paths): the window asks for the path.
    TypePath(super::typed_path::PathAsk),
    /// An input of style transfer or DeepDream was chosen (or dropped) and checked.
    InputChosen {
        /// What the file is for.
        role: InputRole,
        /// The file.
        path: PathBuf,
        /// A thumbnail or the network's description, or why the file cannot be used.
        check: Result<InputCheck, String>,
    },
}

/// What a file chosen for optimising a picture is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InputRole {
    /// A style transfer's content picture.
    Content,
    /// A style transfer's style picture.
    Style,
    /// The picture DeepDream dreams on.
    Dream,
    /// VGG weights (safetensors).
    Weights,
    /// A run folder whose image GAN's discriminator is the network.
    Run,
}

/// A checked input.
#[derive(Clone, Debug)]
pub enum InputCheck {
    /// A picture, as a thumbnail.
    Picture(RgbImage),
    /// A network, described, with its layer names.
    Network(String, Vec<String>),
}

/// Side of the thumbnails of chosen pictures.
pub const THUMB_SIDE: usize = 112;

/// Which kind of folder a dataset dialog asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FolderKind {
    /// MNIST-style IDX files.
    Idx,
    /// Pictures, one sub-folder per class.
    Pictures,
}

/// Runs dialogs one at a time on a background thread.
pub struct DialogRunner {
    dialogs: Arc<dyn FileDialogs>,
    /// Type every path instead of opening dialogs.
    pub always_type: Arc<AtomicBool>,
    busy: Arc<AtomicBool>,
    tx: Sender<DialogOutcome>,
    rx: Receiver<DialogOutcome>,
}

impl DialogRunner {
    /// A runner over `native` dialogs, with the typed-path fallback (its questions
    /// arrive among the outcomes; `wake` repaints the window for them).
    pub fn new(native: Arc<dyn FileDialogs>, wake: Arc<dyn Fn() + Send + Sync>) -> Self {
        let (tx, rx) = unbounded();
        let always_type = Arc::new(AtomicBool::new(false));
        let asks = tx.clone();
        let dialogs = Arc::new(super::typed_path::WithFallback {
            native,
            always_type: always_type.clone(),
            ask: Arc::new(move |ask| {
                let _ = asks.send(DialogOutcome::TypePath(ask));
                wake();
            }),
        });
        Self {
            dialogs,
            always_type,
            busy: Arc::new(AtomicBool::new(false)),
            tx,
            rx,
        }
    }

    /// Whether a dialog is open.
    pub fn is_busy(&self) -> bool {
        self.busy.load(Ordering::Relaxed)
    }

    /// Outcomes that have arrived.
    pub fn outcomes(&self) -> impl Iterator<Item = DialogOutcome> + '_ {
        self.rx.try_iter()
    }

    /// Asks for a preset and reads it.
    pub fn open_preset(&self, wake: impl Fn() + Send + 'static) {
        self.spawn(wake, |d| {
            let path = d.open_file("Open preset", &["toml"])?;
            let loaded = std::fs::read_to_string(&path)
                .map_err(|e| format!("{}: {e}", path.display()))
                .and_then(|t| {
                    ExperimentSpec::from_toml(&t).map_err(|e| format!("{}: {e}", path.display()))
                });
            Some(DialogOutcome::PresetLoaded(loaded.map(Box::new)))
        });
    }

    /// Asks where to save `spec` and writes it.
    pub fn save_preset(&self, spec: ExperimentSpec, wake: impl Fn() + Send + 'static) {
        self.spawn(wake, move |d| {
            let path = d.save_file("Save preset", "preset.toml")?;
            let saved = spec
                .to_toml()
                .map_err(|e| e.to_string())
                .and_then(|t| write_atomic(&path, t.as_bytes()).map_err(|e| e.to_string()))
                .map(|()| path);
            Some(DialogOutcome::PresetSaved(saved))
        });
    }

    /// Asks for a run folder.
    pub fn open_run(&self, wake: impl Fn() + Send + 'static) {
        self.spawn(wake, |d| {
            d.pick_folder("Open run folder")
                .map(DialogOutcome::RunFolderChosen)
        });
    }

    /// Asks for a folder of runs.
    pub fn pick_runs_folder(&self, wake: impl Fn() + Send + 'static) {
        self.spawn(wake, |d| {
            d.pick_folder("Add a folder of runs")
                .map(DialogOutcome::RunsFolderChosen)
        });
    }

    /// Loads `source` for the dataset browser (no dialog).
    pub fn preview_dataset(&self, source: DatasetSource, wake: impl Fn() + Send + 'static) {
        self.spawn(wake, move |_| {
            let result = preview::preview(&source)
                .map(Box::new)
                .map_err(|e| e.to_string());
            Some(DialogOutcome::DatasetPreviewed(result))
        });
    }

    /// Asks for a dataset folder of `kind` and loads it at `size` × `size` × `channels`.
    pub fn open_dataset(
        &self,
        kind: FolderKind,
        size: usize,
        channels: usize,
        wake: impl Fn() + Send + 'static,
    ) {
        self.spawn(wake, move |d| {
            let path = d.pick_folder("Open dataset folder")?;
            let source = match kind {
                FolderKind::Idx => DatasetSource::Idx(path),
                FolderKind::Pictures => DatasetSource::Folder {
                    path,
                    size,
                    channels,
                },
            };
            let result = preview::preview(&source)
                .map(Box::new)
                .map_err(|e| e.to_string());
            Some(DialogOutcome::DatasetPreviewed(result))
        });
    }

    /// Asks for a file of 2-D points (or takes `given`), reads it and finds `k`
    /// modes (0: as many as the data shows) for the preview.
    pub fn open_points(&self, given: Option<PathBuf>, k: usize, wake: impl Fn() + Send + 'static) {
        self.spawn(wake, move |d| {
            let path = match given {
                Some(p) => p,
                None => d.open_file(
                    "Open 2-D points (x, y per line)",
                    &["csv", "txt", "tsv", "*"],
                )?,
            };
            let preview = crate::experiments::gan2d::data::read_points(&path)
                .map(|points| {
                    let view = crate::experiments::gan2d::data::preview(&points, k, 1);
                    (points.len(), Box::new(view))
                })
                .map_err(|e| e.to_string());
            Some(DialogOutcome::PointsChosen(path, k, preview))
        });
    }

    /// Finds the modes of drawn points off the UI thread (k-means takes a moment on
    /// thousands of points). Not a dialog: it never waits for one to close.
    pub fn preview_drawn(
        &self,
        points: Vec<[f32; 2]>,
        k: usize,
        fingerprint: u64,
        wake: impl Fn() + Send + 'static,
    ) {
        let tx = self.tx.clone();
        let _ = std::thread::Builder::new()
            .name("drawn-points".into())
            .spawn(move || {
                let view = crate::experiments::gan2d::data::preview(&points, k, 1);
                let _ = tx.send(DialogOutcome::DrawnPreviewed(
                    fingerprint,
                    k,
                    Box::new(view),
                ));
                wake();
            });
    }

    /// Asks for a text file (or takes `given`) and checks that it is usable text.
    pub fn open_text(&self, given: Option<PathBuf>, wake: impl Fn() + Send + 'static) {
        self.spawn(wake, move |d| {
            let path = match given {
                Some(p) => p,
                None => d.open_file("Open a text file", &["txt", "md", "rs", "py", "*"])?,
            };
            let check = crate::data::corpus::read_text(&path, false)
                .map_err(|e| e.reason)
                .and_then(|text| {
                    let n = text.chars().count();
                    if n < crate::data::corpus::MIN_CHARS {
                        Err(format!(
                            "only {n} characters: a text model needs at least {}",
                            crate::data::corpus::MIN_CHARS
                        ))
                    } else {
                        Ok(n)
                    }
                });
            Some(DialogOutcome::TextChosen(path, check))
        });
    }

    /// Reads pictures (no dialog) as `size` × `size` × `channels` bytes. Grayscale
    /// pictures with a light background are inverted to match digits, which are light
    /// on dark.
    pub fn load_pictures(
        &self,
        paths: Vec<PathBuf>,
        size: usize,
        channels: usize,
        wake: impl Fn() + Send + 'static,
    ) {
        self.spawn(wake, move |_| {
            let loaded = paths
                .into_iter()
                .map(|p| {
                    let bytes = crate::data::image_folder::decode(&p, size, channels)
                        .map(|b| {
                            if channels == 1 {
                                dark_background(b, size)
                            } else {
                                b
                            }
                        })
                        .map_err(|e| format!("{}: {e}", p.display()));
                    (p, bytes)
                })
                .collect();
            Some(DialogOutcome::PicturesLoaded(loaded))
        });
    }

    /// Asks for a file for `role` (or takes `path`, a dropped file) and checks it:
    /// a picture is read (its thumbnail comes back), VGG weights are loaded.
    pub fn choose_input(
        &self,
        role: InputRole,
        path: Option<PathBuf>,
        wake: impl Fn() + Send + 'static,
    ) {
        self.spawn(wake, move |d| {
            let path = match path {
                Some(p) => p,
                None if role == InputRole::Weights => {
                    d.open_file("Open VGG16/VGG19 weights", &["safetensors"])?
                }
                None if role == InputRole::Run => {
                    d.pick_folder("Open the run folder of an image GAN")?
                }
                None => d.open_file("Open a picture", &["png", "jpg", "jpeg"])?,
            };
            let network = match role {
                InputRole::Weights => {
                    Some(crate::features::FeatureSource::Vgg { path: path.clone() })
                }
                InputRole::Run => Some(crate::features::FeatureSource::Run {
                    folder: path.clone(),
                }),
                _ => None,
            };
            let check = match network {
                Some(source) => crate::experiments::feature_choice::describe(&source)
                    .map(|(d, layers)| InputCheck::Network(d, layers))
                    .map_err(|e| e.to_string()),
                None => crate::data::pictures::read_picture(&path, THUMB_SIDE)
                    .map(InputCheck::Picture)
                    .map_err(|e| e.to_string()),
            };
            Some(DialogOutcome::InputChosen { role, path, check })
        });
    }

    /// Asks where to save `image` as PNG and writes it.
    pub fn export_png(&self, image: RgbImage, wake: impl Fn() + Send + 'static) {
        self.spawn(wake, move |d| {
            let path = d.save_file("Export PNG", "samples.png")?;
            let result = render::save_png(&path, &image)
                .map(|()| path)
                .map_err(|e| e.to_string());
            Some(DialogOutcome::Exported(result))
        });
    }

    /// Asks where to save `frames` as an animated GIF and writes it.
    pub fn export_gif(&self, frames: Vec<RgbImage>, wake: impl Fn() + Send + 'static) {
        self.spawn(wake, move |d| {
            let path = d.save_file("Export GIF", "history.gif")?;
            let result = render::save_gif(&path, &frames, 120)
                .map(|()| path)
                .map_err(|e| e.to_string());
            Some(DialogOutcome::Exported(result))
        });
    }

    fn spawn(
        &self,
        wake: impl Fn() + Send + 'static,
        job: impl FnOnce(&dyn FileDialogs) -> Option<DialogOutcome> + Send + 'static,
    ) {
        if self.busy.swap(true, Ordering::SeqCst) {
            return;
        }
        let dialogs = self.dialogs.clone();
        let busy = self.busy.clone();
        let tx = self.tx.clone();
        let spawned = std::thread::Builder::new()
            .name("file-dialog".into())
            .spawn(move || {
                if let Some(outcome) = job(dialogs.as_ref()) {
                    let _ = tx.send(outcome);
                }
                busy.store(false, Ordering::SeqCst);
                wake();
            });
        if spawned.is_err() {
            self.busy.store(false, Ordering::SeqCst);
        }
    }
}

/// A grayscale picture whose border is mostly light, inverted (dark ink on white
/// paper becomes light strokes on black, like the digits).
fn dark_background(mut bytes: Vec<u8>, size: usize) -> Vec<u8> {
    let border: Vec<u8> = (0..size * size)
        .filter(|i| {
            let (x, y) = (i % size, i / size);
            x == 0 || y == 0 || x + 1 == size || y + 1 == size
        })
        .filter_map(|i| bytes.get(i).copied())
        .collect();
    let mean = border.iter().map(|&b| b as f64).sum::<f64>() / border.len().max(1) as f64;
    if mean > 127.0 {
        for b in &mut bytes {
            *b = 255 - *b;
        }
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn light_paper_is_inverted_and_dark_paper_is_not() {
        let mut paper = vec![250u8; 9];
        paper[4] = 0;
        assert_eq!(dark_background(paper, 3)[4], 255);
        let mut night = vec![5u8; 9];
        night[4] = 200;
        assert_eq!(dark_background(night, 3)[4], 200);
    }
}
