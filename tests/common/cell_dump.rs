//! Every non-empty cell of a sheet, one line each (`row,col: value  [=formula]`), as the
//! workbook snapshots record them.

use std::fmt::Write as _;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

#[allow(clippy::cast_possible_truncation)] // sheet coordinates fit in u32
pub fn sheet_cells(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> String {
    let mut out = String::new();
    let values = book.worksheet_range(name).unwrap();
    let formulas = book.worksheet_formula(name).unwrap();
    for (row, col, value) in values.used_cells() {
        let (row, col) = (
            row + values.start().unwrap().0 as usize,
            col + values.start().unwrap().1 as usize,
        );
        if matches!(value, Data::Empty) {
            continue;
        }
        let shown = match value {
            Data::Float(f) => format!("{f}"),
            other => other.to_string(),
        };
        let formula = formulas
            .get_value((row as u32, col as u32))
            .filter(|f| !f.is_empty())
            .map(|f| format!("  [={f}]"))
            .unwrap_or_default();
        writeln!(out, "{row},{col}: {shown}{formula}").unwrap();
    }
    out
}
