//! One rule for every cell the project writes, CSV or xlsx: text that a spreadsheet would
//! take for a formula is defused, and every CSV starts with a UTF-8 byte-order mark.
//!
//! A name such as `=HYPERLINK("http://…","Xem")` or `+1+cmd|' /C calc'!A0` is data to us
//! but a live formula to Excel or LibreOffice once the file is opened (CSV) or re-saved as CSV
//! (xlsx). Text starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
//! `'`, in CSV files and in xlsx text cells alike (a quote-prefix style alone would not survive
//! a re-save as CSV). Numbers are written as numbers and are not touched; national ids are
//! text cells, so their leading zeros stay.
//!
//! Without the byte-order mark, Excel and LibreOffice read a UTF-8 CSV in the local code page
//! and garble Vietnamese.

use std::borrow::Cow;
use std::io::Write;

use rust_xlsxwriter::{ColNum, Format, RowNum, Worksheet, XlsxError};

/// The UTF-8 byte-order mark every CSV starts with.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Whether a spreadsheet would read `text` as a formula (or a command, through DDE).
pub fn looks_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// `text` as it is safe to write into a cell: with a leading `'` when it looks like a formula.
pub fn defuse(text: &str) -> Cow<'_, str> {
    if looks_like_formula(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A CSV writer over `out` that has already written the byte-order mark; write records with
/// [`write_csv_record`].
pub fn csv_writer<W: Write>(mut out: W) -> std::io::Result<csv::Writer<W>> {
    out.write_all(BOM)?;
    Ok(csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out))
}

/// Writes one CSV record, every field defused.
pub fn write_csv_record<W: Write, S: AsRef<str>>(
    writer: &mut csv::Writer<W>,
    fields: impl IntoIterator<Item = S>,
) -> csv::Result<()> {
    writer.write_record(fields.into_iter().map(|f| defuse(f.as_ref()).into_owned()))
}

/// Text cells written through [`defuse`]; every workbook writer uses these instead of
/// `write_string`, `write_string_with_format` and `merge_range`.
pub trait SafeText {
    /// A text cell.
    fn write_text(
        &mut self,
        row: RowNum,
        col: ColNum,
        text: impl AsRef<str>,
    ) -> Result<&mut Worksheet, XlsxError>;

    /// A text cell with a format.
    fn write_text_with_format(
        &mut self,
        row: RowNum,
        col: ColNum,
        text: impl AsRef<str>,
        format: &Format,
    ) -> Result<&mut Worksheet, XlsxError>;

    /// Merged cells holding a text.
    fn merge_text(
        &mut self,
        first_row: RowNum,
        first_col: ColNum,
        last_row: RowNum,
        last_col: ColNum,
        text: impl AsRef<str>,
        format: &Format,
    ) -> Result<&mut Worksheet, XlsxError>;
}

impl SafeText for Worksheet {
    fn write_text(
        &mut self,
        row: RowNum,
        col: ColNum,
        text: impl AsRef<str>,
    ) -> Result<&mut Worksheet, XlsxError> {
        self.write_string(row, col, defuse(text.as_ref()))
    }

    fn write_text_with_format(
        &mut self,
        row: RowNum,
        col: ColNum,
        text: impl AsRef<str>,
        format: &Format,
    ) -> Result<&mut Worksheet, XlsxError> {
        self.write_string_with_format(row, col, defuse(text.as_ref()), format)
    }

    fn merge_text(
        &mut self,
        first_row: RowNum,
        first_col: ColNum,
        last_row: RowNum,
        last_col: ColNum,
        text: impl AsRef<str>,
        format: &Format,
    ) -> Result<&mut Worksheet, XlsxError> {
        self.merge_range(
            first_row,
            first_col,
            last_row,
            last_col,
            &defuse(text.as_ref()),
            format,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_get_a_quote_and_nothing_else_changes() {
        for hostile in ["=1+1", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(defuse(hostile), format!("'{hostile}"));
        }
        for plain in ["079066001234", "Nguyễn Văn An", "", "1-2", "'quoted", " =x"] {
            assert_eq!(defuse(plain), plain);
        }
    }

    #[test]
    fn csv_starts_with_a_bom_and_defuses_fields() {
        let mut w = csv_writer(Vec::new()).unwrap();
        write_csv_record(&mut w, ["079066001234", "=HYPERLINK(\"x\")", "Lê"]).unwrap();
        let bytes = w.into_inner().unwrap();
        assert!(bytes.starts_with(BOM));
        let text = std::str::from_utf8(&bytes[BOM.len()..]).unwrap();
        assert_eq!(text, "079066001234,\"'=HYPERLINK(\"\"x\"\")\",Lê\n");
    }

    /// "One helper, used everywhere": no source file writes a text cell around it (a writer
    /// added later, or merged from another branch, fails here until it uses [`SafeText`]).
    #[test]
    fn every_text_cell_goes_through_the_helper() {
        fn visit(dir: &std::path::Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    visit(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("src/export.rs")
                {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for (n, line) in text.lines().enumerate() {
                        if [
                            ".write_string(",
                            ".write_string_with_format(",
                            ".merge_range(",
                        ]
                        .iter()
                        .any(|call| line.contains(call))
                        {
                            found.push(format!("{}:{}", path.display(), n + 1));
                        }
                    }
                }
            }
        }
        let mut found = Vec::new();
        visit(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        assert!(
            found.is_empty(),
            "write text cells with SafeText: {found:#?}"
        );
    }
}
