//! The front door: every parser a user's file reaches, by the kind of file, from
//! its bytes. The fuzz targets (`fuzz/`) and the property tests feed each one
//! arbitrary and mutated files; whatever the bytes, a parser returns an error
//! message or a value — it never panics, hangs or allocates beyond its bounds.

use std::path::{Path, PathBuf};

use candle_core::Device;

/// The kinds of file a user can hand the studio.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// An MNIST-style IDX file, raw or gzipped (`data.source = "idx"`).
    Idx,
    /// A picture (PNG, JPEG, GIF): style transfer's inputs, a picture folder's files.
    Picture,
    /// A text corpus for the character model.
    Text,
    /// A run's checkpoint (safetensors with the spec and training state).
    Checkpoint,
    /// VGG16/VGG19 weights (safetensors).
    VggWeights,
    /// A preset or a run's `config.toml`.
    Spec,
    /// A run's `metrics.csv`, as the Runs tab reads it back.
    Metrics,
}

impl FileKind {
    /// Every kind, in order.
    pub const ALL: [FileKind; 7] = [
        FileKind::Idx,
        FileKind::Picture,
        FileKind::Text,
        FileKind::Checkpoint,
        FileKind::VggWeights,
        FileKind::Spec,
        FileKind::Metrics,
    ];

    /// Its name (the fuzz target's).
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Idx => "idx",
            FileKind::Picture => "picture",
            FileKind::Text => "text",
            FileKind::Checkpoint => "checkpoint",
            FileKind::VggWeights => "vgg",
            FileKind::Spec => "spec",
            FileKind::Metrics => "metrics",
        }
    }
}

/// A file the parsers read `bytes` from: one per thread, rewritten for each input.
fn scratch_file(kind: FileKind, bytes: &[u8]) -> Result<PathBuf, String> {
    let name = format!(
        "latent-studio-front-door-{}-{:?}.{}",
        std::process::id(),
        std::thread::current().id(),
        kind.name()
    )
    .replace(['(', ')'], "");
    let path = std::env::temp_dir().join(name);
    std::fs::write(&path, bytes).map_err(|e| format!("scratch file: {e}"))?;
    Ok(path)
}

/// Parses `bytes` as a file of `kind` with the studio's own loader, as a user's
/// file would be: `Ok` with a short description of what was read, or the error the
/// user would see.
pub fn parse(kind: FileKind, bytes: &[u8]) -> Result<String, String> {
    if kind == FileKind::Spec {
        let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
        return crate::experiments::ExperimentSpec::from_toml(text)
            .map(|s| s.architecture().to_string())
            .map_err(|e| e.to_string());
    }
    let path = scratch_file(kind, bytes)?;
    let result = parse_file(kind, &path);
    let _ = std::fs::remove_file(&path);
    result
}

fn parse_file(kind: FileKind, path: &Path) -> Result<String, String> {
    let cpu = Device::Cpu;
    match kind {
        FileKind::Idx => crate::data::idx::load_pair(path, None)
            .map(|set| {
                format!(
                    "{} images",
                    set.pixels.len() / (set.width * set.height).max(1)
                )
            })
            .map_err(|e| e.to_string()),
        FileKind::Picture => {
            let img = crate::data::picture_file::open(path)?;
            // The two ways a picture is used: scaled for an optimisation, cropped
            // into a dataset's square.
            crate::data::pictures::read_picture(path, 64).map_err(|e| e.to_string())?;
            crate::data::image_folder::decode(path, 28, 1)?;
            Ok(format!("{} × {}", img.width(), img.height()))
        }
        FileKind::Text => {
            let text = crate::data::corpus::read_text(path, true).map_err(|e| e.to_string())?;
            let vocab = crate::data::corpus::Vocab::build(&text, 96);
            let ids = vocab.encode(&text);
            Ok(format!("{} symbols, {} characters", vocab.len(), ids.len()))
        }
        FileKind::Checkpoint => crate::experiments::checkpoint::load(path, &cpu)
            .map(|c| format!("{} at step {}", c.spec.architecture(), c.step))
            .map_err(|e| e.to_string()),
        FileKind::VggWeights => crate::features::vgg::load(path, &cpu)
            .map(|net| net.description.clone())
            .map_err(|e| e.to_string()),
        FileKind::Spec => Err("specs are parsed from text".into()),
        FileKind::Metrics => crate::runs::metrics_file::read(path)
            .map(|(names, rows)| format!("{} columns, {} rows", names.len(), rows.len()))
            .map_err(|e| e.to_string()),
    }
}
