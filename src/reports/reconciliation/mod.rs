//! The reconciliation workbook ("Đối soát"): Tổng hợp (summary per ministry and province, or
//! per unit), Chi tiết (every case, written in constant-memory mode), Cảnh báo (open flags),
//! Sao kê (statement lines and payments not matched) and Căn cứ (scope, date, policy tables,
//! imports). Totals are formulas with their values cached, so every viewer shows them and
//! anyone can check them.
//!
//! One file per sheet: `summary.rs` (Tổng hợp, and the figures it adds up), `detail.rs`
//! (Chi tiết), `flags.rs` (Cảnh báo), `unmatched.rs` (Sao kê) and `basis.rs` (Căn cứ).

mod basis;
mod detail;
mod flags;
mod summary;
mod table;
mod unmatched;

use chrono::NaiveDateTime;
use rust_xlsxwriter::{Workbook, XlsxError};

use super::data::{ReportData, Scope};
use crate::domain::policy::PolicySet;
use crate::xlsx::sheet::Formats;
use crate::xlsx::write::fixed_properties;
use basis::basis_sheet;
use detail::detail_sheet;
use flags::flags_sheet;
use summary::summary_sheet;
use unmatched::statement_sheet;

pub use detail::{component_header_en, component_header_vi, detail_columns};
pub use summary::{SummaryRow, Tally, summarise};

/// Sheet names (Excel forbids `/` in them).
pub const SUMMARY: &str = "Tổng hợp";
pub const DETAIL: &str = "Chi tiết";
pub const FLAGS: &str = "Cảnh báo";
pub const STATEMENT: &str = "Sao kê";
pub const BASIS: &str = "Căn cứ";

/// Flags per sheet: a sheet holds at most 1,048,576 rows, and a national report can list more
/// open flags than that (about 1.05 per case before payment); the rest go on continuation
/// sheets "Cảnh báo (2)", "Cảnh báo (3)", ...
pub const FLAG_ROWS_PER_SHEET: usize = 1_000_000;
// Every part fits a sheet with its heading.
const _: () = assert!(FLAG_ROWS_PER_SHEET + 10 < 1_048_576);

/// `rows` in parts of at most `per_sheet`; one empty part when there are none (the sheet
/// then says so).
fn sheet_parts<T>(rows: &[T], per_sheet: usize) -> Vec<&[T]> {
    if rows.is_empty() {
        vec![rows]
    } else {
        rows.chunks(per_sheet.max(1)).collect()
    }
}

/// The name of the `n`th (from 1) sheet of flags.
fn flags_sheet_name(n: usize) -> String {
    if n <= 1 {
        FLAGS.to_owned()
    } else {
        format!("{FLAGS} ({n})")
    }
}

/// Who asked for the workbook and when (shown on the basis sheet).
#[derive(Debug, Clone)]
pub struct Generated {
    /// UTC.
    pub at: NaiveDateTime,
    pub by: String,
}

/// Builds the workbook in memory (the detail sheet streams through a temporary file).
pub fn build(
    data: &ReportData,
    scope: &Scope,
    policy: &PolicySet,
    generated: &Generated,
) -> Result<Workbook, XlsxError> {
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    // Deflate at level 2 (no lazy matching), not 6: the national workbook saves in well
    // under half the time for a file about a fifth larger (docs/PERFORMANCE.md, issue 19).
    workbook.set_zip_compression_level(2);
    workbook.set_properties(&fixed_properties(
        "Đối soát chi trả / Payment reconciliation",
    )?);
    let (rows, total) = summarise(data, scope);
    let flag_parts = sheet_parts(&data.flags, FLAG_ROWS_PER_SHEET);
    workbook.add_worksheet().set_name(SUMMARY)?;
    workbook
        .add_worksheet_with_constant_memory()?
        .set_name(DETAIL)?;
    for n in 1..=flag_parts.len() {
        workbook
            .add_worksheet_with_constant_memory()?
            .set_name(flags_sheet_name(n))?;
    }
    workbook.add_worksheet().set_name(STATEMENT)?;
    workbook.add_worksheet().set_name(BASIS)?;
    let [summary, detail, rest @ ..] = workbook.worksheets_mut().as_mut_slice() else {
        return Err(XlsxError::UnknownWorksheetNameOrIndex(DETAIL.into()));
    };
    let (flag_sheets, rest) = rest.split_at_mut(flag_parts.len().min(rest.len()));
    let [statement, basis] = rest else {
        return Err(XlsxError::UnknownWorksheetNameOrIndex(STATEMENT.into()));
    };
    // The detail sheet (every case) on a second thread while this one writes the others (a
    // national report lists about as many flags as cases).
    std::thread::scope(|s| {
        let detail = s.spawn(|| detail_sheet(detail, &formats, data));
        summary_sheet(summary, &formats, data, scope, &rows, &total)?;
        let parts = flag_parts.len();
        for (n, (sheet, flags)) in flag_sheets.iter_mut().zip(&flag_parts).enumerate() {
            flags_sheet(sheet, &formats, data, flags, (n + 1, parts))?;
        }
        statement_sheet(statement, &formats, data)?;
        basis_sheet(basis, &formats, data, scope, policy, generated)?;
        detail
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })?;
    Ok(workbook)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_beyond_a_sheet_go_on_continuation_sheets() {
        let rows: Vec<u32> = (0..7).collect();
        let parts = sheet_parts(&rows, 3);
        assert_eq!(parts, vec![&rows[0..3], &rows[3..6], &rows[6..7]]);
        assert_eq!(sheet_parts(&rows, 7), vec![&rows[..]]);
        assert_eq!(
            sheet_parts::<u32>(&[], 3).len(),
            1,
            "an empty sheet says so"
        );
        assert_eq!(flags_sheet_name(1), "Cảnh báo");
        assert_eq!(flags_sheet_name(2), "Cảnh báo (2)");
    }
}
