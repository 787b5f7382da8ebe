//! Where a branched run came from: `parent = "<run folder>"` and `parent_step = N`
//! at the top of its `config.toml`, before the spec's own keys. The spec parser
//! reads past these lines; the Runs tab and the comparison read them to draw a
//! family of runs as a tree.

use std::path::{Path, PathBuf};

/// A branch's parent run and the step it branched at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lineage {
    /// The parent's run folder, as given when branching.
    pub parent: PathBuf,
    /// The parent's step the branch started from (its checkpoint's).
    pub parent_step: u64,
}

/// Whether a line of a config is one of the lineage's.
fn is_lineage_line(line: &str) -> bool {
    let key = line.split('=').next().unwrap_or("").trim();
    key == "parent" || key == "parent_step"
}

/// The lineage a config's text records, if any.
pub fn read(config: &str) -> Option<Lineage> {
    let head: String = config
        .lines()
        .take_while(|l| !l.trim_start().starts_with('['))
        .filter(|l| is_lineage_line(l))
        .map(|l| format!("{l}\n"))
        .collect();
    let table: toml::Table = head.parse().ok()?;
    Some(Lineage {
        parent: PathBuf::from(table.get("parent")?.as_str()?),
        parent_step: u64::try_from(table.get("parent_step")?.as_integer()?).ok()?,
    })
}

/// The config's text with the lineage's lines blanked (so line numbers in a parse
/// error still point at the file's lines).
pub fn strip(config: &str) -> String {
    let mut in_head = true;
    config
        .lines()
        .map(|l| {
            if l.trim_start().starts_with('[') {
                in_head = false;
            }
            if in_head && is_lineage_line(l) { "" } else { l }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `spec_toml` headed by `lineage` (or as it is without one).
pub fn with_lineage(spec_toml: &str, lineage: Option<&Lineage>) -> String {
    match lineage {
        Some(l) => {
            let parent = toml::Value::String(l.parent.to_string_lossy().into_owned());
            format!(
                "parent = {parent}             # the run this one branched from\nparent_step = {}             # at its checkpoint of this step\n{}",
                l.parent_step,
                strip(spec_toml)
            )
        }
        None => spec_toml.to_string(),
    }
}

/// The lineage as the run folder `run`'s `config.toml` records it (a relative
/// parent as written), if any.
pub fn recorded(run: &Path) -> Option<Lineage> {
    read(&std::fs::read_to_string(run.join(super::folder::CONFIG_FILE)).ok()?)
}

/// The lineage `config` (the text of `run`'s `config.toml`, already read) records,
/// its parent as a path one can open (a relative one is relative to `run`).
pub fn in_config(run: &Path, config: &str) -> Option<Lineage> {
    let mut l = read(config)?;
    if l.parent.is_relative() {
        let joined = run.join(&l.parent);
        l.parent = std::fs::canonicalize(&joined).unwrap_or(joined);
    }
    Some(l)
}

/// How a branch at `branch` names its parent at `parent`: `../name` when they sit
/// in the same folder (the family moves together), else the parent's full path.
pub fn parent_as_seen_from(branch: &Path, parent: &Path) -> PathBuf {
    let full = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (b, p) = (full(branch), full(parent));
    match (b.parent(), p.parent(), p.file_name()) {
        (Some(bp), Some(pp), Some(name)) if bp == pp => Path::new("..").join(name),
        _ => p,
    }
}

/// Whether `a` and `b` name the same folder.
pub fn same_folder(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lineage_round_trips_and_is_blanked_for_the_parser() {
        let spec = "architecture = \"gan2d\"\nseed = 1\n\n[train]\nlr_g = 0.001\n";
        let lineage = Lineage {
            parent: PathBuf::from("runs/a \"quoted\" run"),
            parent_step: 2000,
        };
        let text = with_lineage(spec, Some(&lineage));
        assert_eq!(read(&text), Some(lineage));
        let stripped = strip(&text);
        assert!(!stripped.contains("parent"));
        assert_eq!(
            stripped.lines().count(),
            text.lines().count(),
            "same line numbers"
        );
        assert!(stripped.parse::<toml::Table>().is_ok());
        // No lineage: nothing read, nothing added.
        assert_eq!(read(spec), None);
        assert_eq!(with_lineage(spec, None), spec);
        // A key named parent inside a table is the spec's own.
        assert_eq!(read("[model]\nparent = \"x\"\nparent_step = 3\n"), None);
    }
}
