//! The audit trail as a workbook ("Nhật ký"): one row per event, newest first, as filtered.

use crate::export::SafeText as _;
use rust_xlsxwriter::{Workbook, XlsxError};

use crate::services::audit::AuditView;
use crate::xlsx::sheet::{Column, Formats, Mark, Widths, heading, vnd};
use crate::xlsx::write::fixed_properties;

/// The sheet name.
pub const SHEET: &str = "Nhật ký";

const COLUMNS: [Column; 11] = [
    Column::new("Số", "Id", 8),
    Column::new("Thời điểm (giờ Việt Nam)", "When (Vietnam time)", 19),
    Column::new("Người thực hiện", "Actor", 12),
    Column::new("Thao tác", "Action", 18),
    Column::new("Đối tượng", "Entity", 10),
    Column::new("Mã đối tượng", "Entity id", 10),
    Column::new("Mã đơn vị", "Unit code", 9),
    Column::new("Mã hồ sơ", "Case", 8),
    Column::new("Mã yêu cầu", "Request id", 14),
    Column::new("Trước", "Before", 30),
    Column::new("Sau", "After", 30),
];

/// Builds the workbook.
pub fn build(events: &[AuditView], scope_label: &str) -> Result<Workbook, XlsxError> {
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    workbook.set_properties(&fixed_properties("Nhật ký thao tác / Audit trail")?);
    let sheet = workbook.add_worksheet().set_name(SHEET)?;
    let first = heading(
        sheet,
        &formats,
        &format!(
            "Nhật ký thao tác – {scope_label} – {} sự kiện",
            events.len()
        ),
        &format!("Audit trail – {scope_label} – {} events", events.len()),
        &COLUMNS,
    )?;
    let mut widths = Widths::new(&COLUMNS);
    let text = formats.text(Mark::None);
    let int = formats.int(Mark::None);
    let mut row = first;
    for e in events {
        let at = crate::domain::vn_time::local(e.at)
            .format("%d/%m/%Y %H:%M:%S")
            .to_string();
        sheet.write_number_with_format(row, 0, vnd(e.id)?, int)?;
        sheet.write_text_with_format(row, 1, &at, text)?;
        // The action in words (issue 20), as the audit page shows it.
        let action = crate::present::audit_action(&e.action, false).into_owned();
        for (col, value) in [
            (2u16, Some(&e.actor)),
            (3, Some(&action)),
            (4, Some(&e.entity_kind)),
            (5, e.entity_id.as_ref()),
            (6, e.unit_code.as_ref()),
            (8, e.request_id.as_ref()),
        ] {
            if let Some(v) = value {
                widths.see_text(usize::from(col), v);
                sheet.write_text_with_format(row, col, v, text)?;
            }
        }
        if let Some(id) = e.case_id {
            sheet.write_number_with_format(row, 7, vnd(id.0)?, int)?;
        }
        for (col, value) in [(9u16, &e.before), (10, &e.after)] {
            if let Some(v) = value {
                // What the entry recorded as label–value pairs in words, as on the page.
                let t = crate::present::audit_details(v, false)
                    .into_iter()
                    .map(|(label, value)| format!("{label}: {value}"))
                    .collect::<Vec<_>>()
                    .join("\n");
                widths.see_text(usize::from(col), &t);
                sheet.write_text_with_format(row, col, &t, &formats.wrap)?;
            }
        }
        row += 1;
    }
    widths.apply(sheet)?;
    sheet.autofilter(first - 1, 0, row.max(first) - 1, 10)?;
    Ok(workbook)
}
