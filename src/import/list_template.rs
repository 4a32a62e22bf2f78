//! The blank payment-list and statement templates (`staffpay template payment-list`,
//! `staffpay template statement`, and the same files on the upload page): one sheet to fill
//! in whose headers every reader recognises, with text format on the columns whose leading
//! zeros matter, `dd/mm/yyyy` on dates and whole-đồng number format on amounts; and an
//! instructions sheet naming, per column, the field key that `--map FIELD=HEADER` takes,
//! whether it is required, its format and the other headers accepted.
//!
//! The roster's template, with its drop-down lists, is [`super::template`].

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::export::SafeText as _;

use super::error::WriteError;
use super::recognize::ColumnSet;
use crate::xlsx::write::{DATE_FORMAT, fixed_properties};

/// How a template column's cells are formatted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellKind {
    /// Text (keeps leading zeros: accounts, ids, references).
    Text,
    /// A date, `dd/mm/yyyy`.
    Date,
    /// Whole đồng, positive.
    Money,
    /// Whole đồng, negative for money out.
    SignedMoney,
}

/// One column of a list template.
#[derive(Clone, Copy, Debug)]
pub struct TemplateColumn<C> {
    /// The column.
    pub column: C,
    /// Whether the reader refuses a file without it.
    pub required: bool,
    /// Cell format.
    pub cell: CellKind,
    /// What it holds, in Vietnamese.
    pub note_vi: &'static str,
    /// What it holds, in English.
    pub note_en: &'static str,
}

/// A list template: its title, its sheet and its columns.
pub struct ListTemplate<C: 'static> {
    /// Title in Vietnamese (also the workbook's title).
    pub title_vi: &'static str,
    /// Title in English.
    pub title_en: &'static str,
    /// Name of the sheet to fill in.
    pub sheet: &'static str,
    /// The columns, left to right.
    pub columns: &'static [TemplateColumn<C>],
    /// General notes (Vietnamese, English).
    pub notes: &'static [(&'static str, &'static str)],
}

/// The template as `.xlsx` bytes. Always the same bytes.
pub fn list_template_bytes<C: ColumnSet>(t: &ListTemplate<C>) -> Result<Vec<u8>, WriteError> {
    let mut workbook = Workbook::new();
    workbook.set_properties(&fixed_properties(t.title_vi)?);
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xDDEBF7));
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format(DATE_FORMAT);
    let money = Format::new().set_num_format("#,##0");
    let signed = Format::new().set_num_format("#,##0;-#,##0");
    let ws = workbook.add_worksheet();
    ws.set_name(t.sheet)?;
    for (i, c) in t.columns.iter().enumerate() {
        let col = u16::try_from(i).map_err(|_| XlsxError::ParameterError("column".into()))?;
        ws.write_text_with_format(0, col, c.column.header_vi(), &head)?;
        let (format, width) = match c.cell {
            CellKind::Text => (&text, 24.0),
            CellKind::Date => (&date, 14.0),
            CellKind::Money => (&money, 18.0),
            CellKind::SignedMoney => (&signed, 18.0),
        };
        ws.set_column_format(col, format)?;
        ws.set_column_width(col, width)?;
    }
    ws.set_row_height(0, 32.0)?;
    ws.set_freeze_panes(1, 0)?;

    let ws = workbook.add_worksheet();
    let mut row = super::template::instructions_intro(ws, t.title_vi, t.title_en, t.notes)?;
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);
    let headings = [
        "Tên cột\nHeader (VI)",
        "Header (EN)",
        "Trường (--map)\nField",
        "Bắt buộc\nRequired",
        "Nội dung\nMeaning",
        "Tên cột khác được chấp nhận\nOther accepted headers",
    ];
    let widths = [28.0, 24.0, 16.0, 10.0, 50.0, 60.0];
    for (i, (h, w)) in headings.iter().zip(widths).enumerate() {
        let col = u16::try_from(i).map_err(|_| XlsxError::ParameterError("column".into()))?;
        ws.write_text_with_format(row, col, *h, &head)?;
        ws.set_column_width(col, w)?;
    }
    for c in t.columns {
        row += 1;
        let spec = c.column.spec();
        let cells = [
            spec.vi.to_owned(),
            spec.en.to_owned(),
            spec.key.to_owned(),
            if c.required { "Có / Yes" } else { "" }.to_owned(),
            format!("{}\n{}", c.note_vi, c.note_en),
            spec.aliases.join("; "),
        ];
        for (i, text) in cells.iter().enumerate() {
            let col = u16::try_from(i).map_err(|_| XlsxError::ParameterError("column".into()))?;
            ws.write_text_with_format(row, col, text, &wrap)?;
        }
    }
    Ok(workbook.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::import::payments::{self, PaymentCheck, read_payment_list};
    use crate::import::reader::ReadOptions;
    use crate::import::statement::{self, AmountSign, StatementCheck, read_statement};
    use crate::import::tabular::KnownCase;

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap_or_default()
    }

    #[test]
    fn the_templates_read_back_with_every_column_recognised() {
        let refs: HashMap<_, KnownCase> = HashMap::new();
        let bytes = list_template_bytes(&statement::TEMPLATE).expect("statement template");
        let check = StatementCheck {
            today: today(),
            references: &refs,
            sign: AmountSign::NegativeIsDebit,
        };
        let st = read_statement("s.xlsx", &bytes, &ReadOptions::default(), &check)
            .expect("the statement template reads");
        assert_eq!(st.columns.len(), statement::TEMPLATE.columns.len());
        assert!(st.unknown_columns.is_empty());
        assert_eq!(st.total_rows, 0);

        let bytes = list_template_bytes(&payments::TEMPLATE).expect("payment template");
        let check = PaymentCheck {
            today: today(),
            references: &refs,
        };
        let list = read_payment_list("p.xlsx", &bytes, &ReadOptions::default(), &check)
            .expect("the payment template reads");
        assert_eq!(list.columns.len(), payments::TEMPLATE.columns.len());
        assert!(list.unknown_columns.is_empty());
        assert_eq!(
            list_template_bytes(&payments::TEMPLATE).ok(),
            Some(bytes),
            "the same bytes every time"
        );
    }
}
