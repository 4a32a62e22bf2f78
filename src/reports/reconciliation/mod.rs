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
    workbook.add_worksheet().set_name(SUMMARY)?;
    workbook
        .add_worksheet_with_constant_memory()?
        .set_name(DETAIL)?;
    workbook
        .add_worksheet_with_constant_memory()?
        .set_name(FLAGS)?;
    workbook.add_worksheet().set_name(STATEMENT)?;
    workbook.add_worksheet().set_name(BASIS)?;
    let [summary, detail, flags, statement, basis] = workbook.worksheets_mut().as_mut_slice()
    else {
        return Err(XlsxError::UnknownWorksheetNameOrIndex(DETAIL.into()));
    };
    // The detail sheet (every case) on a second thread while this one writes the others (a
    // national report lists about as many flags as cases).
    std::thread::scope(|s| {
        let detail = s.spawn(|| detail_sheet(detail, &formats, data));
        summary_sheet(summary, &formats, data, scope, &rows, &total)?;
        flags_sheet(flags, &formats, data)?;
        statement_sheet(statement, &formats, data)?;
        basis_sheet(basis, &formats, data, scope, policy, generated)?;
        detail
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })?;
    Ok(workbook)
}
