//! The column table of the sheets that list rows (the detail sheet's cases, the open flags,
//! the unmatched statement lines and payments): each column is declared once, with its
//! headers, how its cell is obtained from a row and written, how the column is fitted and
//! what the total row shows under it. A new column is one entry in a sheet's table.

use crate::export::SafeText as _;
use std::borrow::Cow;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_xlsxwriter::{ColNum, Formula, RowNum, Worksheet, XlsxError};

use crate::reports::data::ReportData;
use crate::xlsx::sheet::{
    Column, Formats, Mark, Widths, c, cell, col_name, decimal, money_width, vnd, write_date,
};

/// One cell as a column gives it, and how it is written.
#[derive(Debug, Clone)]
pub enum Cell<'a> {
    /// Nothing written.
    Blank,
    /// Text.
    Text(Cow<'a, str>),
    /// Text wrapped within the column's width.
    Wrapped(&'a str),
    /// A whole number (`#,##0`): an id, a count of days.
    Int(i64),
    /// An amount in đồng (`#,##0`).
    Money(i64),
    /// An exact decimal shown as a number (`#,##0`); the exact text stays in the database.
    Decimal(Decimal),
    /// A date (`dd/mm/yyyy`).
    Date(NaiveDate),
}

impl<'a> Cell<'a> {
    pub fn text(text: impl Into<Cow<'a, str>>) -> Self {
        Cell::Text(text.into())
    }

    /// Text when there is some, else nothing.
    pub fn text_or_blank(text: Option<&'a str>) -> Self {
        text.map_or(Cell::Blank, Cell::text)
    }

    fn write(
        &self,
        sheet: &mut Worksheet,
        formats: &Formats,
        row: RowNum,
        col: ColNum,
        shared: bool,
    ) -> Result<(), XlsxError> {
        let mark = Mark::None;
        match self {
            Cell::Blank => {}
            // The default format is index 0, as a cell written without one: the same cell,
            // without looking the format up.
            Cell::Text(text) => {
                sheet.write_text(row, col, text)?;
            }
            Cell::Wrapped(text) if shared => {
                sheet.write_text(row, col, text)?;
            }
            Cell::Wrapped(text) => {
                sheet.write_text_with_format(row, col, text, &formats.wrap)?;
            }
            Cell::Int(v) | Cell::Money(v) if shared => {
                sheet.write_number(row, col, vnd(*v)?)?;
            }
            Cell::Int(v) => {
                sheet.write_number_with_format(row, col, vnd(*v)?, formats.int(mark))?;
            }
            Cell::Money(v) => {
                sheet.write_number_with_format(row, col, vnd(*v)?, formats.money(mark))?;
            }
            Cell::Decimal(v) if shared => {
                sheet.write_number(row, col, decimal(*v))?;
            }
            Cell::Decimal(v) => {
                sheet.write_number_with_format(row, col, decimal(*v), formats.int(mark))?;
            }
            Cell::Date(d) => write_date(sheet, row, col, *d, formats)?,
        }
        Ok(())
    }

    /// The format this cell shares with others of its kind, if any.
    fn kind(&self) -> Option<Kind> {
        match self {
            Cell::Blank => None,
            Cell::Text(_) => Some(Kind::Text),
            Cell::Wrapped(_) => Some(Kind::Wrapped),
            // `formats.int` and `formats.money` are the same format (`#,##0`).
            Cell::Int(_) | Cell::Money(_) | Cell::Decimal(_) => Some(Kind::Number),
            Cell::Date(_) => Some(Kind::Date),
        }
    }
}

/// What the cells of a column have in common.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Wrapped,
    Number,
    Date,
}

/// Per column, the one format all its cells are written with, found while the rows are
/// fitted. A column whose cells are all numbers (or all wrapped text) gets that format as
/// its own, and its cells are written without one: rust_xlsxwriter then gives each cell the
/// column's format, where a cell written with a format costs a hash of the whole format to
/// find its index (a fifth of the national workbook's time). The cells are the same.
pub struct SharedFormats {
    kinds: Vec<Option<Kind>>,
    mixed: Vec<bool>,
}

impl SharedFormats {
    pub fn new(columns: usize) -> Self {
        SharedFormats {
            kinds: vec![None; columns],
            mixed: vec![false; columns],
        }
    }

    fn see(&mut self, col: usize, cell: &Cell<'_>) {
        let (Some(kind), Some(seen)) = (cell.kind(), self.kinds.get_mut(col)) else {
            return;
        };
        match seen {
            None => *seen = Some(kind),
            Some(k) if *k == kind => {}
            Some(_) => self.mixed[col] = true,
        }
    }

    fn shared(&self, col: usize) -> Option<Kind> {
        match (self.kinds.get(col), self.mixed.get(col)) {
            (Some(Some(kind)), Some(false)) => Some(*kind),
            _ => None,
        }
    }

    /// Gives the columns whose cells share a format that format (before any row is
    /// written: a constant-memory sheet writes its columns first).
    pub fn apply(&self, sheet: &mut Worksheet, formats: &Formats) -> Result<(), XlsxError> {
        for col in 0..self.kinds.len() {
            match self.shared(col) {
                Some(Kind::Number) => {
                    sheet.set_column_format(c(col), formats.int(Mark::None))?;
                }
                Some(Kind::Wrapped) => {
                    sheet.set_column_format(c(col), &formats.wrap)?;
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// How a column's cell is obtained from a row of `R`.
pub enum Value<R> {
    /// From the row and the report's data (for the units, say).
    Of(for<'a> fn(&'a R, &'a ReportData) -> Cell<'a>),
    /// The `n`th of a family of like columns (the detail sheet's components).
    Nth(for<'a> fn(&'a R, usize) -> Cell<'a>, usize),
}

// Copied, whatever `R` is (they hold functions of `&R`, never an `R`): `derive` would ask
// for `R: Copy`.
impl<R> Clone for Value<R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R> Copy for Value<R> {}

/// How wide a column is made (never narrower than its header's minimum).
pub enum Fit<R> {
    /// The header's minimum.
    Header,
    /// The longest text written in it.
    Text,
    /// The widest amount written in it and its total.
    Money,
    /// Its total's width only.
    Total,
    /// A measure of each row, in characters, where the cell itself is not what needs room
    /// (a number read from text, a list).
    Chars(fn(&R) -> usize),
}

impl<R> Clone for Fit<R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R> Copy for Fit<R> {}

/// What the total row shows under a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Total {
    /// Nothing.
    None,
    /// This text, the row's title.
    Label(&'static str),
    /// The sum of the column's amounts: a formula with its value cached.
    Sum,
    /// Nothing; the column the sums test when some rows are left out of them
    /// (`=SUMIF(<this column>,"<>…",<column>)`).
    Condition,
}

/// One column of a sheet listing rows of `R`.
pub struct TableColumn<R> {
    pub column: Column,
    pub value: Value<R>,
    pub fit: Fit<R>,
    pub total: Total,
}

impl<R> Clone for TableColumn<R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R> Copy for TableColumn<R> {}

impl<R> TableColumn<R> {
    /// A column of headers `vi` and `en`, at least `min_width` characters wide, whose cell is
    /// `value`; fitted to its header and blank in the total row until told otherwise.
    pub const fn new(
        vi: &'static str,
        en: &'static str,
        min_width: u16,
        value: for<'a> fn(&'a R, &'a ReportData) -> Cell<'a>,
    ) -> Self {
        TableColumn {
            column: Column::new(vi, en, min_width),
            value: Value::Of(value),
            fit: Fit::Header,
            total: Total::None,
        }
    }

    pub const fn fit(mut self, fit: Fit<R>) -> Self {
        self.fit = fit;
        self
    }

    pub const fn total(mut self, total: Total) -> Self {
        self.total = total;
        self
    }

    /// The cell of `row`.
    pub fn cell<'a>(&self, row: &'a R, data: &'a ReportData) -> Cell<'a> {
        match self.value {
            Value::Of(value) => value(row, data),
            Value::Nth(value, n) => value(row, n),
        }
    }
}

/// The headers of a table, for [`crate::xlsx::sheet::heading`] and [`Widths`].
pub fn headers<R>(table: &[TableColumn<R>]) -> Vec<Column> {
    table.iter().map(|t| t.column).collect()
}

/// Notes the room one row needs in each fitted column.
pub fn fit_row<R>(widths: &mut Widths, table: &[TableColumn<R>], row: &R, data: &ReportData) {
    for (col, t) in table.iter().enumerate() {
        if !matches!(t.fit, Fit::Header | Fit::Total) {
            fit_cell(widths, col, t, &t.cell(row, data), row);
        }
    }
}

/// [`fit_row`], noting also what each column's cells share (every cell is looked at).
pub fn fit_row_shared<R>(
    widths: &mut Widths,
    shared: &mut SharedFormats,
    table: &[TableColumn<R>],
    row: &R,
    data: &ReportData,
) {
    for (col, t) in table.iter().enumerate() {
        let cell = t.cell(row, data);
        shared.see(col, &cell);
        fit_cell(widths, col, t, &cell, row);
    }
}

fn fit_cell<R>(widths: &mut Widths, col: usize, t: &TableColumn<R>, cell: &Cell<'_>, row: &R) {
    match (t.fit, cell) {
        (Fit::Text, Cell::Text(text)) => widths.see_text(col, text),
        (Fit::Money, Cell::Money(v)) => widths.see(col, money_width(*v)),
        (Fit::Chars(chars), _) => widths.see(col, chars(row)),
        _ => {}
    }
}

/// Notes the room the totals need in the columns fitted to them.
pub fn fit_totals<R>(widths: &mut Widths, table: &[TableColumn<R>], sums: &[i64]) {
    for (col, (t, sum)) in table.iter().zip(sums).enumerate() {
        if matches!(t.fit, Fit::Money | Fit::Total) && t.total == Total::Sum {
            widths.see(col, money_width(*sum));
        }
    }
}

/// Adds one row's amounts to the sums of the summed columns (`sums` has one per column).
pub fn add_sums<R>(sums: &mut [i64], table: &[TableColumn<R>], row: &R, data: &ReportData) {
    for (t, sum) in table.iter().zip(sums.iter_mut()) {
        if t.total == Total::Sum
            && let Cell::Money(v) = t.cell(row, data)
        {
            *sum += v;
        }
    }
}

/// Writes one row's cells, left to right.
pub fn write_row<R>(
    sheet: &mut Worksheet,
    formats: &Formats,
    at: RowNum,
    table: &[TableColumn<R>],
    row: &R,
    data: &ReportData,
) -> Result<(), XlsxError> {
    // No column shares a format: every cell is written with its own.
    let none = SharedFormats::new(0);
    write_row_shared(sheet, formats, &none, at, table, row, data)
}

/// [`write_row`] on a sheet whose columns got their shared formats ([`SharedFormats::apply`]).
pub fn write_row_shared<R>(
    sheet: &mut Worksheet,
    formats: &Formats,
    shared: &SharedFormats,
    at: RowNum,
    table: &[TableColumn<R>],
    row: &R,
    data: &ReportData,
) -> Result<(), XlsxError> {
    for (col, t) in table.iter().enumerate() {
        let cell = t.cell(row, data);
        let plain = shared
            .shared(col)
            .is_some_and(|kind| Some(kind) == cell.kind());
        cell.write(sheet, formats, at, c(col), plain)?;
    }
    Ok(())
}

/// Writes the total row at `at` below the rows from `first`: each column's [`Total`], the
/// sums as formulas over those rows with `sums` (one per column) as their cached values
/// (`=0` when there are none). With `leaving_out`, the sums leave out the rows whose
/// [`Total::Condition`] column shows that text, and so must the cached values.
pub fn write_total<R>(
    sheet: &mut Worksheet,
    formats: &Formats,
    at: RowNum,
    first: RowNum,
    table: &[TableColumn<R>],
    sums: &[i64],
    leaving_out: Option<&str>,
) -> Result<(), XlsxError> {
    let mark = Mark::Total;
    let last = at.saturating_sub(1);
    let condition = leaving_out.and_then(|text| {
        let col = c(table.iter().position(|t| t.total == Total::Condition)?);
        let name = col_name(col);
        Some((format!("${name}${}:${name}${}", first + 1, last + 1), text))
    });
    for (col, (t, sum)) in table.iter().zip(sums).enumerate() {
        let col = c(col);
        match t.total {
            Total::None | Total::Condition => {}
            Total::Label(text) => {
                sheet.write_text_with_format(at, col, text, formats.text(mark))?;
            }
            Total::Sum => {
                let range = format!("{}:{}", cell(first, col), cell(last, col));
                let f = match &condition {
                    _ if at == first => Formula::new("=0").set_result("0"),
                    Some((tested, text)) => {
                        Formula::new(format!("=SUMIF({tested},\"<>{text}\",{range})"))
                            .set_result(sum.to_string())
                    }
                    None => Formula::new(format!("=SUM({range})")).set_result(sum.to_string()),
                };
                sheet.write_formula_with_format(at, col, f, formats.money(mark))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::io::Read as _;

    use rust_xlsxwriter::Workbook;

    struct Row {
        id: i64,
        name: &'static str,
        amount: Option<i64>,
        note: Option<&'static str>,
    }

    const COLUMNS: &[TableColumn<Row>] = &[
        TableColumn::new("Mã", "Id", 8, |r, _| Cell::Int(r.id)),
        TableColumn::new("Tên", "Name", 8, |r, _| Cell::text(r.name)),
        TableColumn::new("Tiền", "Amount", 8, |r, _| {
            r.amount.map_or(Cell::Blank, Cell::Money)
        }),
        TableColumn::new("Ghi chú", "Note", 8, |r, _| match r.note {
            Some(note) => Cell::text(note),
            None => Cell::Int(7),
        }),
    ];

    /// The `s="…"` style index of a cell (`None`: written without one), and the `style` of
    /// a column, in a sheet's XML.
    fn style_of(xml: &str, cell: &str) -> Option<String> {
        let tag = &xml[xml.find(&format!("<c r=\"{cell}\""))?..];
        let tag = &tag[..tag.find('>')?];
        let at = tag.find(" s=\"")? + 4;
        Some(tag[at..at + tag[at..].find('"')?].to_owned())
    }

    fn column_style(xml: &str, col: usize) -> Option<String> {
        let tag = &xml[xml.find(&format!("<col min=\"{col}\" max=\"{col}\""))?..];
        let tag = &tag[..tag.find("/>")?];
        let at = tag.find(" style=\"")? + 8;
        Some(tag[at..at + tag[at..].find('"')?].to_owned())
    }

    #[test]
    fn cells_sharing_a_format_take_it_from_their_column() {
        let rows = [
            Row {
                id: 1,
                name: "An",
                amount: Some(1_000_000),
                note: Some("=cmd"),
            },
            Row {
                id: 2,
                name: "Bình",
                amount: None,
                note: None,
            },
        ];
        let data = ReportData {
            as_of: NaiveDate::from_ymd_opt(2026, 12, 6).unwrap(),
            units: HashMap::new(),
            cases: Vec::new(),
            flags: Vec::new(),
            open_lines: Vec::new(),
            open_payments: Vec::new(),
            imports: Vec::new(),
        };
        let formats = Formats::new();
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet_with_constant_memory().unwrap();
        let mut widths = Widths::new(&headers(COLUMNS));
        let mut shared = SharedFormats::new(COLUMNS.len());
        for row in &rows {
            fit_row_shared(&mut widths, &mut shared, COLUMNS, row, &data);
        }
        assert_eq!(shared.shared(0), Some(Kind::Number));
        assert_eq!(shared.shared(1), Some(Kind::Text));
        assert_eq!(shared.shared(2), Some(Kind::Number), "blanks do not count");
        assert_eq!(shared.shared(3), None, "text and a number: nothing shared");
        widths.apply(sheet).unwrap();
        shared.apply(sheet, &formats).unwrap();
        for (at, row) in (0..).zip(&rows) {
            write_row_shared(sheet, &formats, &shared, at, COLUMNS, row, &data).unwrap();
        }
        let bytes = workbook.save_to_buffer().unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();

        // The number columns carry the number format; their cells point to it.
        let number = column_style(&xml, 1).expect("the id column has a format");
        assert_ne!(number, "0");
        assert_eq!(column_style(&xml, 3).as_deref(), Some(number.as_str()));
        for cell in ["A1", "A2", "C1"] {
            assert_eq!(
                style_of(&xml, cell).as_deref(),
                Some(number.as_str()),
                "{cell}"
            );
        }
        // Text stays unformatted, and formula-safe.
        assert_eq!(column_style(&xml, 2), None);
        assert_eq!(style_of(&xml, "B1"), None);
        // The mixed column has no format of its own: its number is formatted one by one,
        // with the same format, and its text (defused) is not.
        assert_eq!(column_style(&xml, 4), None);
        assert_eq!(style_of(&xml, "D2").as_deref(), Some(number.as_str()));
        assert_eq!(style_of(&xml, "D1"), None);
        assert!(!xml.contains("<t>=cmd</t>"), "text is defused as before");
    }
}
