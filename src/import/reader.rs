//! Opening a file: recognising its format from its content, choosing the sheet and reading
//! it into a [`Grid`].
//!
//! The format is decided by the first bytes, not the file name: a ZIP container is `.xlsx`
//! (or `.ods` when its `mimetype` says so), an OLE2 container is `.xls` (or an encrypted,
//! password-protected workbook), a PDF or image is refused, and text is CSV unless the name
//! claims a workbook. `.xlsx` sheets are streamed cell by cell, so empty rows (a sheet
//! formatted down to row 1,048,576) cost nothing and formulas without a saved result are seen.

use std::borrow::Cow;
use std::io::Cursor;

use calamine::{
    CellErrorType, Data, DataRef, Ods, OdsError, Reader, SheetType, SheetVisible, Xls, XlsError,
    Xlsx, XlsxError,
};

use super::cell::Cell;
use super::csv;
use super::error::{ListKind, ReadError};
use super::grid::{Grid, GridRow};
use super::header::HEADER_SCAN_ROWS;
use super::limits::ReadLimits;
use super::recognize::{ColumnMap, Profile};
use crate::domain::person::parse_date;
use crate::domain::text::fold_key;

/// Limits and choices for reading one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadOptions {
    /// Sheet to read; `None` takes the first visible sheet with a header row.
    pub sheet: Option<String>,
    /// Most data rows accepted (default 500,000).
    pub max_rows: u32,
    /// Largest file accepted, in bytes (default 32 MiB).
    pub max_bytes: u64,
    /// Bounds on unpacked size and cell length (see [`ReadLimits`]).
    pub limits: ReadLimits,
    /// The caller's column mapping (`--map FIELD=HEADER`), strongest of all recognition.
    pub mapping: Vec<ColumnMap>,
    /// Saved mappings of the unit: without `mapping`, the first whose shape is the file's
    /// header's applies.
    pub profiles: Vec<Profile>,
    /// Save `mapping` under this name for the submitting unit (read by the import services
    /// once the file was read; the reader itself ignores it).
    pub save_profile: Option<String>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            sheet: None,
            max_rows: 500_000,
            max_bytes: 32 * 1024 * 1024,
            limits: ReadLimits::default(),
            mapping: Vec::new(),
            profiles: Vec::new(),
            save_profile: None,
        }
    }
}

/// Rows other than data (title, header, totals, signatures) tolerated beyond `max_rows`
/// before reading stops early; the exact count of data rows is checked afterwards.
const NON_DATA_ALLOWANCE: usize = 1_000;

/// The container format found in the bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Office Open XML workbook.
    Xlsx,
    /// Excel 97–2003 workbook.
    Xls,
    /// OpenDocument spreadsheet.
    Ods,
    /// Comma/semicolon separated text.
    Csv,
}

/// Recognises the format from the content (the name only breaks the tie for text).
pub fn sniff(file_name: &str, bytes: &[u8]) -> Result<Format, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    let not = |what: &str| {
        Err(ReadError::NotASpreadsheet {
            detected: what.to_owned(),
        })
    };
    if bytes.starts_with(b"PK\x03\x04") {
        let head = bytes.get(..120).unwrap_or(bytes);
        let is_ods = head.windows(11).any(|w| w == b"opendocumen")
            && head.windows(11).any(|w| w == b"spreadsheet");
        if head.windows(11).any(|w| w == b"opendocumen") && !is_ods {
            return not("OpenDocument file that is not a spreadsheet");
        }
        return Ok(if is_ods { Format::Ods } else { Format::Xlsx });
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Ok(Format::Xls);
    }
    if bytes.starts_with(b"%PDF") {
        return not("PDF document");
    }
    if bytes.starts_with(b"\x89PNG")
        || bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(b"GIF8")
    {
        return not("image");
    }
    if bytes.starts_with(b"PK") || bytes.starts_with(b"Rar!") || bytes.starts_with(&[0x1F, 0x8B]) {
        return not("compressed archive");
    }
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "ods") {
        return not("unrecognised content");
    }
    if bytes.iter().take(8192).any(|b| *b == 0)
        && !bytes.starts_with(b"\xFF\xFE")
        && !bytes.starts_with(b"\xFE\xFF")
    {
        return not("binary file");
    }
    Ok(Format::Csv)
}

/// Reads the chosen sheet of `bytes`, finding the header with `detect` (e.g.
/// [`header::detect_as`] over a list's column set), and hands grid and header to `finish`.
/// Without a named sheet, the first visible sheet where `detect` finds a header is read.
/// Every read is bounded by `options.limits` before the parser spends memory: a zip
/// container is inflated under budget first, an `.xls` container's streams are checked
/// against the file, and every cell's text against the cell limit.
pub fn with_sheet_as<T, L>(
    format: Format,
    bytes: &[u8],
    options: &ReadOptions,
    list: ListKind,
    detect: impl Fn(&Grid<'_>) -> Option<L>,
    finish: impl FnOnce(&Grid<'_>, L) -> Result<T, ReadError>,
) -> Result<T, ReadError> {
    let limits = options.limits;
    let finish = |grid: &Grid<'_>, layout: L| {
        check_cells(grid, &limits)?;
        finish(grid, layout)
    };
    let cap = usize::try_from(options.max_rows)
        .unwrap_or(usize::MAX)
        .saturating_add(NON_DATA_ALLOWANCE);
    let too_many = |e: ReadError| match e {
        ReadError::TooManyRows { .. } => ReadError::TooManyRows {
            limit: options.max_rows,
        },
        other => other,
    };
    match format {
        Format::Csv => {
            let text = csv::decode(bytes)?;
            let grid = csv::parse(&text, cap).map_err(too_many)?;
            if grid.rows.is_empty() {
                return Err(ReadError::NoData);
            }
            let layout = detect(&grid).ok_or(ReadError::NoHeader { list })?;
            finish(&grid, layout)
        }
        Format::Xlsx => {
            limits.check_zip(bytes)?;
            let mut wb = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
            let names = candidates(wb.sheets_metadata(), options.sheet.as_deref())?;
            let mut any_data = false;
            for name in names {
                let probe = xlsx_grid(&mut wb, &name, HEADER_SCAN_ROWS + 2).map_err(too_many)?;
                any_data |= !probe.rows.is_empty();
                if detect(&probe).is_none() {
                    continue;
                }
                let grid = xlsx_grid(&mut wb, &name, cap).map_err(too_many)?;
                let layout = detect(&grid).ok_or(ReadError::NoHeader { list })?;
                return finish(&grid, layout);
            }
            Err(if any_data {
                ReadError::NoHeader { list }
            } else {
                ReadError::NoData
            })
        }
        Format::Xls => {
            super::cfb::check(bytes, &limits)?;
            // An encrypted .xlsx is an OLE2 container too; calamine's Xlsx reader says so.
            if let Err(XlsxError::Password) = Xlsx::new(Cursor::new(bytes)) {
                return Err(ReadError::PasswordProtected);
            }
            let wb = Xls::new(Cursor::new(bytes)).map_err(|e| match e {
                XlsError::Password => ReadError::PasswordProtected,
                _ => ReadError::Corrupt,
            })?;
            from_ranges(wb, options, list, cap, detect, finish)
        }
        Format::Ods => {
            limits.check_zip(bytes)?;
            let wb = Ods::new(Cursor::new(bytes)).map_err(|e| match e {
                OdsError::Password => ReadError::PasswordProtected,
                _ => ReadError::Corrupt,
            })?;
            from_ranges(wb, options, list, cap, detect, finish)
        }
    }
}

/// Refuses a grid holding a text longer than the cell limit.
fn check_cells(grid: &Grid<'_>, limits: &ReadLimits) -> Result<(), ReadError> {
    for row in &grid.rows {
        for cell in &row.cells {
            if let Cell::Text(text) = cell {
                limits.check_cell(text, &grid.sheet)?;
            }
        }
    }
    Ok(())
}

/// `.xls` and `.ods`: calamine reads whole sheets into ranges, which the grid borrows.
fn from_ranges<'b, T, L, R: Reader<Cursor<&'b [u8]>>>(
    mut wb: R,
    options: &ReadOptions,
    list: ListKind,
    cap: usize,
    detect: impl Fn(&Grid<'_>) -> Option<L>,
    finish: impl FnOnce(&Grid<'_>, L) -> Result<T, ReadError>,
) -> Result<T, ReadError> {
    let names = candidates(wb.sheets_metadata(), options.sheet.as_deref())?;
    let mut any_data = false;
    for name in names {
        let range = wb.worksheet_range(&name).map_err(|_| ReadError::Corrupt)?;
        let grid = grid_from_range(&range, &name, cap).map_err(|_| ReadError::TooManyRows {
            limit: options.max_rows,
        })?;
        any_data |= !grid.rows.is_empty();
        let Some(layout) = detect(&grid) else {
            continue;
        };
        return finish(&grid, layout);
    }
    Err(if any_data {
        ReadError::NoHeader { list }
    } else {
        ReadError::NoData
    })
}

/// A calamine range as a grid of its non-empty rows.
pub fn grid_from_range<'r>(
    range: &'r calamine::Range<Data>,
    name: &str,
    cap: usize,
) -> Result<Grid<'r>, ReadError> {
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let col0 = usize::try_from(col0).unwrap_or(0);
    let mut grid = Grid {
        sheet: name.to_owned(),
        rows: Vec::new(),
    };
    for (i, cells) in range.rows().enumerate() {
        if cells.iter().all(|c| from_data(c).is_empty()) {
            continue;
        }
        if grid.rows.len() >= cap {
            return Err(ReadError::TooManyRows { limit: 0 });
        }
        let number = row0
            .saturating_add(u32::try_from(i).unwrap_or(u32::MAX))
            .saturating_add(1);
        let mut row = GridRow {
            number,
            cells: Vec::with_capacity(col0 + cells.len()),
        };
        row.cells.resize(col0, Cell::Empty);
        row.cells.extend(cells.iter().map(from_data));
        while row.cells.last().is_some_and(Cell::is_empty) {
            row.cells.pop();
        }
        grid.rows.push(row);
    }
    Ok(grid)
}

fn candidates(sheets: &[calamine::Sheet], wanted: Option<&str>) -> Result<Vec<String>, ReadError> {
    if let Some(wanted) = wanted {
        let exact = sheets.iter().find(|s| s.name == wanted);
        let folded = || {
            let key = fold_key(wanted);
            sheets.iter().find(|s| fold_key(&s.name) == key)
        };
        return match exact.or_else(folded) {
            Some(s) => Ok(vec![s.name.clone()]),
            None => Err(ReadError::SheetNotFound {
                name: wanted.to_owned(),
                available: sheets.iter().map(|s| s.name.clone()).collect(),
            }),
        };
    }
    let visible: Vec<String> = sheets
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible)
        .map(|s| s.name.clone())
        .collect();
    if visible.is_empty() {
        return Err(ReadError::NoData);
    }
    Ok(visible)
}

fn xlsx_error(e: XlsxError) -> ReadError {
    match e {
        XlsxError::Password => ReadError::PasswordProtected,
        _ => ReadError::Corrupt,
    }
}

/// Streams an `.xlsx` sheet into a grid, stopping with `TooManyRows` past `cap` non-empty
/// rows — or quietly after `cap` rows when probing for the header.
fn xlsx_grid<'a>(
    wb: &'a mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    cap: usize,
) -> Result<Grid<'a>, ReadError> {
    let probing = cap <= HEADER_SCAN_ROWS + 2;
    let mut reader = wb.worksheet_cells_reader(name).map_err(xlsx_error)?;
    let mut grid = Grid {
        sheet: name.to_owned(),
        rows: Vec::new(),
    };
    let mut row = GridRow::default();
    while let Some(record) = reader
        .next_cell_with_formula_metadata()
        .map_err(xlsx_error)?
    {
        let cell = from_ref(record.value, record.formula.is_some());
        if cell.is_empty() {
            continue;
        }
        let (r, c) = record.pos;
        let number = r.saturating_add(1);
        if number != row.number {
            if !row.cells.is_empty() {
                if grid.rows.len() >= cap {
                    if probing {
                        return Ok(grid);
                    }
                    return Err(ReadError::TooManyRows { limit: 0 });
                }
                grid.rows.push(std::mem::take(&mut row));
            }
            row.number = number;
        }
        row.set(usize::try_from(c).unwrap_or(usize::MAX).min(16_383), cell);
    }
    if !row.cells.is_empty() && grid.rows.len() < cap.max(1) {
        grid.rows.push(row);
    } else if !row.cells.is_empty() && !probing {
        return Err(ReadError::TooManyRows { limit: 0 });
    }
    grid.normalize();
    Ok(grid)
}

/// A formula whose saved result is missing or empty counts as having no cached value.
fn from_ref<'a>(value: DataRef<'a>, has_formula: bool) -> Cell<'a> {
    let cell = from_value_ref(value);
    if has_formula && cell.is_empty() {
        Cell::NoCachedValue
    } else {
        cell
    }
}

fn from_value_ref(value: DataRef<'_>) -> Cell<'_> {
    match value {
        DataRef::Empty => Cell::Empty,
        DataRef::SharedString(s) => text(Cow::Borrowed(s)),
        DataRef::String(s) => text(Cow::Owned(s)),
        DataRef::Int(i) => Cell::Int(i),
        DataRef::Float(f) => Cell::Float(f),
        DataRef::Bool(b) => Cell::Bool(b),
        DataRef::DateTime(dt) => excel_date(&dt),
        DataRef::DateTimeIso(s) => iso_date(Cow::Owned(s)),
        DataRef::DurationIso(s) => text(Cow::Owned(s)),
        DataRef::Error(e) => Cell::Error(error_code(&e)),
    }
}

/// Converts a calamine `Data` (`.xls`/`.ods`) borrowing its text.
pub fn from_data(value: &Data) -> Cell<'_> {
    match value {
        Data::Empty => Cell::Empty,
        Data::String(s) => text(Cow::Borrowed(s)),
        Data::Int(i) => Cell::Int(*i),
        Data::Float(f) => Cell::Float(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => excel_date(dt),
        Data::DateTimeIso(s) => iso_date(Cow::Borrowed(s)),
        Data::DurationIso(s) => text(Cow::Borrowed(s)),
        Data::Error(e) => Cell::Error(error_code(e)),
    }
}

fn text(s: Cow<'_, str>) -> Cell<'_> {
    if s.trim().is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s)
    }
}

/// A date-formatted number: calamine turns the serial into calendar parts (1900 or 1904
/// system, as the workbook says). A duration stays a number.
fn excel_date(dt: &calamine::ExcelDateTime) -> Cell<'static> {
    if dt.is_duration() {
        return Cell::Float(dt.as_f64());
    }
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    match chrono::NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d)) {
        Some(date) => Cell::Date(date),
        None => Cell::Float(dt.as_f64()),
    }
}

fn iso_date(s: Cow<'_, str>) -> Cell<'_> {
    match parse_date(&s) {
        Ok(date) => Cell::Date(date),
        Err(_) => text(s),
    }
}

fn error_code(e: &CellErrorType) -> &'static str {
    match e {
        CellErrorType::Div0 => "#DIV/0!",
        CellErrorType::NA => "#N/A",
        CellErrorType::Name => "#NAME?",
        CellErrorType::Null => "#NULL!",
        CellErrorType::Num => "#NUM!",
        CellErrorType::Ref => "#REF!",
        CellErrorType::Value => "#VALUE!",
        CellErrorType::GettingData => "#DATA!",
    }
}
