//! A grid of runs by their settings: one swept setting across, another (or none)
//! down, each cell the runs with that pair of values (a sweep's final samples, laid
//! out as wandb#3399 asks). Pure: the panel draws what this arranges.

use super::config_diff::SettingRow;

/// Runs arranged by one or two settings.
#[derive(Clone, Debug, PartialEq)]
pub struct SampleGrid {
    /// The setting across (its values are the columns).
    pub across: String,
    /// The setting down, if any (its values are the rows).
    pub down: Option<String>,
    /// The columns' values, in order.
    pub columns: Vec<String>,
    /// The rows' values, in order (one empty value with no setting down).
    pub rows: Vec<String>,
    /// `cells[row][column]`: the indices of the runs with those values, in the
    /// order the runs were given (several where a third setting differs too).
    pub cells: Vec<Vec<Vec<usize>>>,
}

/// The text of a value; a run lacking the setting reads "(none)".
fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "(none)".into())
}

/// The distinct values of `row`: sorted as numbers when all are numbers, else in
/// the order they first appear.
pub fn values_in_order(row: &SettingRow) -> Vec<String> {
    let mut values: Vec<String> = Vec::new();
    for v in &row.values {
        let t = text(v);
        if !values.contains(&t) {
            values.push(t);
        }
    }
    let numbers: Option<Vec<f64>> = values.iter().map(|v| v.parse::<f64>().ok()).collect();
    if let Some(numbers) = numbers {
        let mut pairs: Vec<(f64, String)> = numbers.into_iter().zip(values).collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        values = pairs.into_iter().map(|p| p.1).collect();
    }
    values
}

/// Arranges the runs of `rows` (settings side by side, one value per run) by the
/// setting `across` and, if given, `down`. `None` when a key is not among `rows`
/// or both keys are the same.
pub fn arrange(rows: &[SettingRow], across: &str, down: Option<&str>) -> Option<SampleGrid> {
    if down == Some(across) {
        return None;
    }
    let find = |key: &str| rows.iter().find(|r| r.key == key);
    let across_row = find(across)?;
    let down_row = match down {
        Some(key) => Some(find(key)?),
        None => None,
    };
    let columns = values_in_order(across_row);
    let row_values = down_row.map_or_else(|| vec![String::new()], values_in_order);
    let mut cells = vec![vec![Vec::new(); columns.len()]; row_values.len()];
    for (run, value) in across_row.values.iter().enumerate() {
        let c = columns.iter().position(|v| *v == text(value))?;
        let r = match down_row {
            Some(d) => {
                let value = text(d.values.get(run)?);
                row_values.iter().position(|v| *v == value)?
            }
            None => 0,
        };
        cells[r][c].push(run);
    }
    Some(SampleGrid {
        across: across.to_string(),
        down: down.map(str::to_string),
        columns,
        rows: row_values,
        cells,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: &str, values: &[&str]) -> SettingRow {
        SettingRow {
            key: key.into(),
            values: values.iter().map(|v| Some(v.to_string())).collect(),
        }
    }

    #[test]
    fn a_two_by_two_sweep_puts_each_run_in_its_cell() {
        // Four runs: lr 0.001/0.0002 × loss minimax/non_saturating, given shuffled.
        let rows = vec![
            row("train.lr_g", &["0.001", "0.0002", "0.0002", "0.001"]),
            row(
                "train.generator_loss",
                &[
                    "\"minimax\"",
                    "\"minimax\"",
                    "\"non_saturating\"",
                    "\"non_saturating\"",
                ],
            ),
        ];
        let grid = arrange(&rows, "train.lr_g", Some("train.generator_loss")).unwrap();
        // Numbers sorted as numbers, not as text.
        assert_eq!(grid.columns, vec!["0.0002", "0.001"]);
        assert_eq!(grid.rows, vec!["\"minimax\"", "\"non_saturating\""]);
        assert_eq!(
            grid.cells,
            vec![vec![vec![1], vec![0]], vec![vec![2], vec![3]]]
        );
    }

    #[test]
    fn one_setting_makes_one_row_and_a_third_setting_shares_cells() {
        let rows = vec![row("a", &["2", "10", "2"]), row("b", &["x", "x", "y"])];
        let grid = arrange(&rows, "a", None).unwrap();
        assert_eq!(grid.columns, vec!["2", "10"]);
        assert_eq!(grid.rows.len(), 1);
        assert_eq!(grid.cells[0], vec![vec![0, 2], vec![1]]);
    }

    #[test]
    fn text_values_keep_their_first_order_and_a_missing_value_is_named() {
        let rows = vec![SettingRow {
            key: "k".into(),
            values: vec![Some("\"b\"".into()), None, Some("\"a\"".into())],
        }];
        let grid = arrange(&rows, "k", None).unwrap();
        assert_eq!(grid.columns, vec!["\"b\"", "(none)", "\"a\""]);
    }

    #[test]
    fn unknown_or_repeated_keys_arrange_nothing() {
        let rows = vec![row("a", &["1", "2"])];
        assert!(arrange(&rows, "b", None).is_none());
        assert!(arrange(&rows, "a", Some("a")).is_none());
        assert!(arrange(&rows, "a", Some("c")).is_none());
    }
}
