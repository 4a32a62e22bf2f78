//! The first rows of an uploaded list as its header was found, for the upload page's mapping
//! step (issue 18, item 3): every column with its header, the field it would be read as (or
//! why not), and the first rows' values — ids and account numbers masked — so the officer can
//! choose a field per column before anything is imported.

use super::error::{ListKind, ReadError};
use super::header::HeaderLayout;
use super::reader::{self, ReadOptions};
use super::recognize::{ColumnSet, looks_like_account, mask_sample};
use super::tabular::{column_letter, open_as};

/// One column of the preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewColumn {
    /// 0-based index (the drop-down's name is `col_<index>`).
    pub index: usize,
    /// Spreadsheet letter.
    pub letter: String,
    /// The header as written.
    pub header: String,
    /// The field key it would be read as; `None` when it would not be read.
    pub field: Option<&'static str>,
    /// Why it would not be read: `unknown`, `ambiguous`, `duplicate`, `conflict`, `ignored`.
    pub why_not: Option<&'static str>,
}

/// A list's preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    pub list: ListKind,
    /// The sheet read (`""` for CSV).
    pub sheet: String,
    pub columns: Vec<PreviewColumn>,
    /// The first data rows, one text per column (masked when it looks like an id or account).
    pub rows: Vec<Vec<String>>,
    /// Every field of the list: key, Vietnamese header, English header (the drop-downs).
    pub fields: Vec<(&'static str, &'static str, &'static str)>,
}

/// The preview of `bytes` as a list of `C`, with the caller's mapping applied, and at most
/// `max_rows` data rows. The same bounds as an import (size, container, cells); nothing is
/// refused for a conflict or a missing column here — that is what the step is for.
pub fn preview<C: ColumnSet>(
    file_name: &str,
    bytes: &[u8],
    options: &ReadOptions,
    max_rows: usize,
) -> Result<Preview, ReadError> {
    let (format, recognizer) = open_as::<C>(file_name, bytes, options)?;
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        reader::with_sheet_as(
            format,
            bytes,
            options,
            C::LIST,
            |grid| recognizer.detect(grid),
            |grid, layout| {
                let columns = columns(&layout);
                let rows = grid
                    .rows
                    .iter()
                    .skip(layout.data_start)
                    .take(max_rows)
                    .map(|row| {
                        columns
                            .iter()
                            .map(|c| shown(c, &row.get(c.index).display()))
                            .collect()
                    })
                    .collect();
                Ok(Preview {
                    list: C::LIST,
                    sheet: grid.sheet.to_string(),
                    columns,
                    rows,
                    fields: C::SPECS.iter().map(|s| (s.key, s.vi, s.en)).collect(),
                })
            },
        )
    }));
    read.unwrap_or(Err(ReadError::Corrupt))
}

/// Fields that hold a person's identifiers: always masked in the preview.
const IDENTIFIERS: [&str; 3] = ["national_id", "account", "bank_account"];

/// A value as the preview shows it: an identifier's digits masked but for the last three, as
/// is a value of a column not read that looks like an account or id; dates, amounts and
/// texts of the other columns as written (clipped to 40 characters).
fn shown(column: &PreviewColumn, raw: &str) -> String {
    let identifier = match column.field {
        Some(key) => IDENTIFIERS.contains(&key),
        None => looks_like_account(raw),
    };
    if identifier {
        mask_sample(raw)
    } else if raw.chars().count() > 40 {
        format!("{}…", raw.chars().take(40).collect::<String>())
    } else {
        raw.trim().to_owned()
    }
}

fn columns<C: ColumnSet>(layout: &HeaderLayout<C>) -> Vec<PreviewColumn> {
    let column = |index: usize, header: &str, field, why_not| PreviewColumn {
        index,
        letter: column_letter(index),
        header: header.to_owned(),
        field,
        why_not,
    };
    let mut out: Vec<PreviewColumn> = Vec::new();
    out.extend(
        layout
            .columns
            .iter()
            .map(|m| column(m.index, &m.header, Some(m.column.key()), None)),
    );
    out.extend(
        layout
            .duplicates
            .iter()
            .map(|m| column(m.index, &m.header, None, Some("duplicate"))),
    );
    out.extend(
        layout
            .unknown
            .iter()
            .map(|u| column(u.index, &u.header, None, Some("unknown"))),
    );
    out.extend(
        layout
            .ambiguous
            .iter()
            .map(|a| column(a.column.index, &a.column.header, None, Some("ambiguous"))),
    );
    out.extend(
        layout
            .ignored
            .iter()
            .map(|u| column(u.index, &u.header, None, Some("ignored"))),
    );
    // Two columns claiming one field equally: neither is read until the officer chooses.
    for conflict in &layout.conflicts {
        for (index, header) in &conflict.headers {
            out.retain(|c| c.index != *index);
            out.push(column(*index, header, None, Some("conflict")));
        }
    }
    out.sort_by_key(|c| c.index);
    out.dedup_by_key(|c| c.index);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::statement::StatementColumn;

    fn options() -> ReadOptions {
        ReadOptions {
            max_bytes: 1 << 20,
            ..ReadOptions::default()
        }
    }

    #[test]
    fn a_statement_previews_its_columns_rows_and_fields() {
        let csv = "Ngày GD,STK hưởng,Số tiền,Nội dung CK,Ghi chú nội bộ\n\
                   04/12/2026,0011000123456,\"1.000.000\",SP00000100000191 chi tro cap,x\n\
                   05/12/2026,0011000999999,2000000,luong,y\n";
        let p = preview::<StatementColumn>("s.csv", csv.as_bytes(), &options(), 5).unwrap();
        assert_eq!(p.list, ListKind::Statement);
        let by_letter: Vec<(&str, Option<&str>)> = p
            .columns
            .iter()
            .map(|c| (c.letter.as_str(), c.field))
            .collect();
        assert_eq!(by_letter[0], ("A", Some("date")));
        assert_eq!(by_letter[1], ("B", Some("account")));
        assert_eq!(by_letter[4], ("E", None));
        assert_eq!(p.columns[4].why_not, Some("unknown"));
        assert_eq!(p.rows.len(), 2);
        assert_eq!(p.rows[0][0], "04/12/2026");
        assert_ne!(p.rows[0][1], "0011000123456", "the account is masked");
        assert!(p.fields.iter().any(|f| f.0 == "description"));
    }

    #[test]
    fn a_mapping_is_applied_to_the_preview() {
        let csv = "Ngày,Cột lạ,Số tiền,Nội dung\n04/12/2026,0011000123456,1000,x\n";
        let mut o = options();
        o.mapping = vec![crate::import::recognize::ColumnMap {
            field: "account".into(),
            header: "Cột lạ".into(),
        }];
        let p = preview::<StatementColumn>("s.csv", csv.as_bytes(), &o, 5).unwrap();
        assert_eq!(p.columns[1].field, Some("account"));
    }
}
