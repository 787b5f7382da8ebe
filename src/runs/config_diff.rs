//! What differs between runs: their `config.toml` flattened to dotted keys (the
//! keys of `--set`), and the keys whose values are not all the same.

use std::collections::BTreeMap;

/// One setting across several configs: its dotted key and each config's value
/// (as TOML text; `None` where that config lacks the key).
#[derive(Clone, Debug, PartialEq)]
pub struct SettingRow {
    /// The dotted key (`train.lr_g`).
    pub key: String,
    /// Each config's value, in the order the configs were given.
    pub values: Vec<Option<String>>,
}

impl SettingRow {
    /// Whether the configs disagree on it.
    pub fn differs(&self) -> bool {
        self.values.windows(2).any(|w| w[0] != w[1])
    }
}

/// Every dotted key of `table` and its value as TOML text, sorted by key.
pub fn flatten(table: &toml::Table) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    fn walk(prefix: &str, table: &toml::Table, out: &mut BTreeMap<String, String>) {
        for (key, value) in table {
            let key = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                toml::Value::Table(t) => walk(&key, t, out),
                v => {
                    out.insert(key, v.to_string());
                }
            }
        }
    }
    walk("", table, &mut out);
    out
}

/// The settings of `configs` (TOML texts) side by side, sorted by key: only the
/// keys they disagree on, or all of them with `all`. An error names the first
/// text that is not TOML (by its place in the list, from 1).
pub fn compare(configs: &[&str], all: bool) -> Result<Vec<SettingRow>, String> {
    let flat = configs
        .iter()
        .enumerate()
        .map(|(i, text)| {
            text.parse::<toml::Table>()
                .map(|t| flatten(&t))
                .map_err(|e| format!("config {} is not TOML: {e}", i + 1))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut keys: Vec<&String> = flat.iter().flat_map(|f| f.keys()).collect();
    keys.sort();
    keys.dedup();
    Ok(keys
        .into_iter()
        .map(|key| SettingRow {
            key: key.clone(),
            values: flat.iter().map(|f| f.get(key).cloned()).collect(),
        })
        .filter(|row| all || row.differs())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_configs_differ_in_the_keys_that_were_changed() {
        let a = "architecture = \"image_gan\"\nseed = 1\n[train]\nlr_g = 0.0002\nlabel_smoothing = 0.0\n[model]\nhidden = [64, 128]\n";
        let b = a
            .replace("seed = 1", "seed = 7")
            .replace("label_smoothing = 0.0", "label_smoothing = 0.1");
        let rows = compare(&[a, &b], false).expect("compare");
        let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["seed", "train.label_smoothing"]);
        assert_eq!(rows[1].values[1].as_deref(), Some("0.1"));
        let every = compare(&[a, &b], true).expect("all");
        assert_eq!(every.len(), 5, "every key, arrays as one value");
        assert_eq!(every.iter().filter(|r| r.differs()).count(), 2);
        // A key only one config has differs; a broken config is named.
        let rows = compare(&["a = 1", "a = 1\n[b]\nc = true"], false).expect("compare");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].key, "b.c");
        assert_eq!(rows[0].values, vec![None, Some("true".to_string())]);
        let err = compare(&["a = 1", "= ="], false).expect_err("not toml");
        assert!(err.contains("config 2"), "{err}");
    }
}
