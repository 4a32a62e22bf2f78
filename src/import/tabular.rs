//! The one reading path of every list — rosters, payment lists and Treasury/bank statements:
//! the same format sniffing and sheet streaming ([`reader`]), header detection over the
//! list's column set ([`header::detect_as`]), the same cell conversions ([`convert`]) and
//! problems located the same way (sheet, row, column header as written, value, code,
//! Vietnamese and English message).
//!
//! A list declares its columns as a [`ColumnSet`]: a table of [`ColumnSpec`]s with the
//! template headers and aliases, recognised by meaning ([`super::recognize`]). The roster's
//! set is [`super::columns::Column`]; the payment list's and the statement's live beside
//! their readers.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::cell::Cell;
use super::convert::{Bufs, Converted, Issue};
use super::error::ReadError;
use super::grid::{Grid, GridRow};
use super::header::{
    self, AmbiguousColumn, HeaderColumn, HeaderLayout, LooksLike, MappedColumn, RowKind,
    UnknownColumn,
};
use super::problem::{Problem, Severity, clip_value};
use super::reader::{self, ReadOptions};
pub use super::recognize::{ColumnSet, ColumnSpec, lookup_header, specs_in_order};
use super::recognize::{Profile, Recognizer, looks_like_account, mask_sample, shape};
use crate::domain::ids::CaseId;
use crate::domain::matching::references_in;
use crate::domain::national_id::NationalId;
use crate::domain::payment_reference::PaymentReference;
use crate::domain::text::fold_key;

/// Header of the column an error workbook adds (expected in a corrected re-upload).
pub const ERRORS_HEADER: &str = "Lỗi / Errors";

/// What a reader may ask about a payment reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KnownCase {
    /// The case with this reference.
    pub case_id: CaseId,
    /// The person's national id, to check a payment list's id column against.
    pub national_id: Option<NationalId>,
}

/// Looks payment references up (the caller loads them from storage).
pub trait ReferenceLookup {
    /// The case with `reference`, if any.
    fn case_of(&self, reference: &PaymentReference) -> Option<KnownCase>;
}

impl ReferenceLookup for HashMap<PaymentReference, KnownCase> {
    fn case_of(&self, reference: &PaymentReference) -> Option<KnownCase> {
        self.get(reference).copied()
    }
}

/// A look-up function as a [`ReferenceLookup`] (e.g. a closure over a database snapshot).
pub struct LookupFn<F>(pub F);

impl<F: Fn(&PaymentReference) -> Option<KnownCase>> ReferenceLookup for LookupFn<F> {
    fn case_of(&self, reference: &PaymentReference) -> Option<KnownCase> {
        (self.0)(reference)
    }
}

/// A sheet found and its header mapped, handed to a list's row loop.
pub struct Table<'g, C> {
    /// The sheet.
    pub grid: &'g Grid<'g>,
    /// Its header in the column set `C`.
    pub layout: HeaderLayout<C>,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
    /// The saved mapping profile applied, if any.
    pub profile: Option<String>,
}

/// A list read and checked, nothing stored yet: what every reader returns (the roster, the
/// payment list and the statement), with the rows of its kind `R` and, for a list that
/// keeps them, the rows refused as repeats of an earlier row (`D`; `()` for the others).
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedList<C, R, D = ()> {
    /// The uploaded file's name (as given by the caller).
    pub file_name: String,
    /// SHA-256 of the file's bytes, lower-case hex: the same file again is recognised.
    pub sha256: String,
    /// The sheet read (`""` for CSV).
    pub sheet: String,
    /// First and last row number of the header (equal for a one-row header).
    pub header_rows: (u32, u32),
    /// Recognised columns.
    pub columns: Vec<MappedColumn<C>>,
    /// Columns that are not read, left to right: an unknown header, or one naming several
    /// fields (each with its sample value; also reported as warnings).
    pub unknown_columns: Vec<UnknownColumn>,
    /// The columns of `unknown_columns` that name several fields, with the fields.
    pub ambiguous_columns: Vec<AmbiguousColumn<C>>,
    /// Columns the caller's mapping told to read past.
    pub ignored_columns: Vec<UnknownColumn>,
    /// Columns of the list's set that the file does not have, in template order.
    pub missing_columns: Vec<C>,
    /// Every header of the file as written, left to right (its folded, sorted set is the
    /// shape a saved mapping profile is recognised by).
    pub headers: Vec<String>,
    /// The saved mapping profile applied, if any.
    pub profile: Option<String>,
    /// Rows without any error, in file order.
    pub rows: Vec<R>,
    /// Rows refused as repeats of an earlier row (the payment list's).
    pub duplicates: D,
    /// Number of data rows found (valid or not).
    pub total_rows: u32,
    /// Every problem, header problems first, then by row.
    pub problems: Vec<Problem>,
}

impl<C: ColumnSet, R, D> ParsedList<C, R, D> {
    /// The list read from `table` (its header and hash) with these rows and problems.
    pub fn new(
        file_name: &str,
        table: (&Grid<'_>, HeaderLayout<C>, String),
        rows: Vec<R>,
        duplicates: D,
        total_rows: usize,
        problems: Vec<Problem>,
    ) -> Self {
        let (grid, layout, sha256) = table;
        let headers = layout_headers(&layout);
        let missing_columns = C::SPECS
            .iter()
            .map(|s| s.column)
            .filter(|&c| layout.find(c).is_none())
            .collect();
        let mut unknown_columns: Vec<UnknownColumn> = layout
            .unknown
            .iter()
            .chain(layout.ambiguous.iter().map(|a| &a.column))
            .cloned()
            .collect();
        unknown_columns.sort_by_key(|u| u.index);
        ParsedList {
            file_name: file_name.to_owned(),
            sha256,
            sheet: grid.sheet.clone(),
            header_rows: (layout.first_row, layout.last_row),
            columns: layout.columns,
            unknown_columns,
            ambiguous_columns: layout.ambiguous,
            ignored_columns: layout.ignored,
            missing_columns,
            headers,
            profile: None,
            rows,
            duplicates,
            total_rows: u32::try_from(total_rows).unwrap_or(u32::MAX),
            problems,
        }
    }

    /// True when any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    /// Number of data rows rejected because of errors.
    pub fn invalid_rows(&self) -> u32 {
        self.total_rows
            .saturating_sub(u32::try_from(self.rows.len()).unwrap_or(u32::MAX))
    }

    /// Problems of one severity.
    pub fn problems_of(&self, severity: Severity) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(move |p| p.severity == severity)
    }
}

/// Reads a list of column set `C` from its bytes: size limit, format, hash, header (with the
/// caller's column mapping, [`ReadOptions::mapping`]), and a malformed workbook reported as
/// damaged rather than taking the server down. Before `finish` sees the table, two columns
/// claiming one field equally are refused, a mapping naming headers the file does not have
/// is refused, and every column not read gets its sample value.
pub fn read_table<C: ColumnSet, T>(
    file_name: &str,
    bytes: &[u8],
    options: &ReadOptions,
    finish: impl FnOnce(Table<'_, C>) -> Result<T, ReadError>,
) -> Result<T, ReadError> {
    let (format, recognizer) = open_as::<C>(file_name, bytes, options)?;
    // Saved profiles apply only when the caller gave no mapping; one naming a field the list
    // does not have (an older version's) is passed over.
    let profiles: Vec<(&Profile, Recognizer<C>)> = if options.mapping.is_empty() {
        options
            .profiles
            .iter()
            .filter_map(|p| Some((p, Recognizer::<C>::with_mapping(&p.mapping).ok()?)))
            .collect()
    } else {
        Vec::new()
    };
    let sha256 = hex::encode(Sha256::digest(bytes));
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        reader::with_sheet_as(
            format,
            bytes,
            options,
            C::LIST,
            |grid| {
                for (profile, r) in &profiles {
                    if let Some(layout) = r.detect(grid)
                        && shape(layout_headers(&layout).iter().map(String::as_str))
                            == profile.shape
                    {
                        return Some((layout, Some(*profile)));
                    }
                }
                recognizer.detect(grid).map(|l| (l, None))
            },
            |grid, (mut layout, profile)| {
                refuse_conflicts(&layout)?;
                let mapping = profile.map_or(&options.mapping[..], |p| &p.mapping[..]);
                let unused = recognizer.unused(mapping, &layout);
                if !unused.is_empty() {
                    return Err(ReadError::MappedColumnNotFound {
                        missing: unused.into_iter().map(str::to_owned).collect(),
                        found: layout_headers(&layout),
                    });
                }
                fill_samples(grid, &mut layout);
                finish(Table {
                    grid,
                    layout,
                    sha256,
                    profile: profile.map(|p| p.name.clone()),
                })
            },
        )
    }));
    read.unwrap_or(Err(ReadError::Corrupt))
}

/// The first checks of every read: the file's size against the limit, its format, and the
/// caller's mapping for the list `C`.
pub fn open_as<C: ColumnSet>(
    file_name: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<(reader::Format, Recognizer<C>), ReadError> {
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > options.max_bytes {
        return Err(ReadError::TooLarge {
            size,
            limit: options.max_bytes,
        });
    }
    let format = reader::sniff(file_name, bytes)?;
    Ok((format, Recognizer::<C>::with_mapping(&options.mapping)?))
}

/// Every header of the layout as written, left to right.
pub fn layout_headers<C: HeaderColumn>(layout: &HeaderLayout<C>) -> Vec<String> {
    let mut all: Vec<(usize, &str)> = layout
        .columns
        .iter()
        .chain(&layout.duplicates)
        .map(|m| (m.index, m.header.as_str()))
        .chain(
            layout
                .unknown
                .iter()
                .chain(layout.ignored.iter())
                .chain(layout.ambiguous.iter().map(|a| &a.column))
                .map(|u| (u.index, u.header.as_str())),
        )
        .collect();
    all.sort_unstable();
    all.into_iter().map(|(_, h)| h.to_owned()).collect()
}

fn refuse_conflicts<C: ColumnSet>(layout: &HeaderLayout<C>) -> Result<(), ReadError> {
    let Some(conflict) = layout.conflicts.first() else {
        return Ok(());
    };
    Err(ReadError::ConflictingColumns {
        key: conflict.column.key(),
        field_vi: conflict.column.header_vi(),
        field_en: conflict.column.header_en(),
        headers: conflict
            .headers
            .iter()
            .map(|(i, h)| format!("{} ({})", h, column_letter(*i)))
            .collect(),
    })
}

/// How many data rows are searched for a sample of a column not read.
const SAMPLE_ROWS: usize = 50;

fn fill_samples<C: HeaderColumn>(grid: &Grid<'_>, layout: &mut HeaderLayout<C>) {
    let start = layout.data_start;
    for column in layout.unread_mut() {
        column.sample = grid
            .rows
            .iter()
            .skip(start)
            .take(SAMPLE_ROWS)
            .map(|r| r.get(column.index))
            .find(|c| !c.is_empty())
            .map(|c| {
                let raw = c.display();
                column.looks_like = if looks_like_account(&raw) {
                    Some(LooksLike::Account)
                } else if !references_in(&raw).is_empty() {
                    Some(LooksLike::Reference)
                } else {
                    None
                };
                mask_sample(&raw)
            });
    }
}

/// The spreadsheet letters of a 0-based column index (`0` → `A`, `27` → `AB`).
pub fn column_letter(index: usize) -> String {
    crate::xlsx::sheet::col_name(u16::try_from(index).unwrap_or(u16::MAX))
}

/// A required column, or a group of columns of which one is enough (e.g. a signed amount or
/// debit/credit columns).
pub struct Required<C: 'static> {
    /// Any one of these.
    pub any_of: &'static [C],
    /// Its name in the "missing columns" message, Vietnamese.
    pub vi: &'static str,
    /// Its name in the "missing columns" message, English.
    pub en: &'static str,
}

/// Refuses a header that lacks a required column.
pub fn check_required<C: ColumnSet>(
    layout: &HeaderLayout<C>,
    required: &[Required<C>],
) -> Result<(), ReadError> {
    let missing: Vec<&Required<C>> = required
        .iter()
        .filter(|r| !r.any_of.iter().any(|&c| layout.find(c).is_some()))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(ReadError::MissingColumns {
        missing_vi: missing.iter().map(|r| r.vi).collect(),
        missing_en: missing.iter().map(|r| r.en).collect(),
        list: C::LIST,
    })
}

/// Refuses a header that lacks one of the `required` columns (each named by its template
/// header in the message).
pub fn check_required_columns<C: ColumnSet>(
    layout: &HeaderLayout<C>,
    required: &[C],
) -> Result<(), ReadError> {
    let missing: Vec<C> = required
        .iter()
        .copied()
        .filter(|&c| layout.find(c).is_none())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(ReadError::MissingColumns {
        missing_vi: missing.iter().map(|c| c.header_vi()).collect(),
        missing_en: missing.iter().map(|c| c.header_en()).collect(),
        list: C::LIST,
    })
}

/// Warnings about the columns that are not read: unknown (with a sample value, masked when
/// it looks like an id or an account), looking like an account or a reference yet not
/// mapped, naming several fields, or repeating a mapped column. The "Lỗi / Errors" column
/// that an error workbook adds is expected in a corrected re-upload and draws no warning.
pub fn header_problems<C: ColumnSet>(sheet: &str, layout: &HeaderLayout<C>) -> Vec<Problem> {
    let located = |header: &str, value: Option<&str>, issue: Issue| Problem {
        sheet: sheet.to_owned(),
        row: Some(layout.last_row),
        column: Some(header.to_owned()),
        value: Some(clip_value(value.unwrap_or(header))),
        code: issue.code,
        message_vi: issue.vi,
        message_en: issue.en,
        severity: Severity::Warning,
    };
    let errors_column = fold_key(ERRORS_HEADER);
    let map_hint = |header: &str| {
        format!(
            "--map 'TRƯỜNG={}'",
            header.rsplit(" / ").next().unwrap_or(header)
        )
    };
    let mut out = Vec::new();
    for u in layout
        .unknown
        .iter()
        .filter(|u| fold_key(&u.header) != errors_column)
    {
        let sample_vi = u
            .sample
            .as_deref()
            .map(|s| format!(" (ví dụ: {s})"))
            .unwrap_or_default();
        let sample_en = u
            .sample
            .as_deref()
            .map(|s| format!(" (e.g. {s})"))
            .unwrap_or_default();
        let issue = match u.looks_like {
            Some(LooksLike::Account) => Issue::new(
                "COLUMN_UNMAPPED_ACCOUNT",
                format!(
                    "Cột có vẻ chứa số tài khoản{sample_vi} nhưng không khớp trường nào nên bị \
                     bỏ qua; nếu cần, hãy ghép cột: {}",
                    map_hint(&u.header)
                ),
                format!(
                    "The column looks like account numbers{sample_en} but matches no field: \
                     ignored; map it if needed ({})",
                    map_hint(&u.header).replace("TRƯỜNG", "FIELD")
                ),
            ),
            Some(LooksLike::Reference) => Issue::new(
                "COLUMN_UNMAPPED_REFERENCE",
                format!(
                    "Cột có vẻ chứa mã tham chiếu thanh toán{sample_vi} nhưng không khớp trường \
                     nào nên bị bỏ qua; nếu cần, hãy ghép cột: {}",
                    map_hint(&u.header)
                ),
                format!(
                    "The column looks like payment references{sample_en} but matches no \
                     field: ignored; map it if needed ({})",
                    map_hint(&u.header).replace("TRƯỜNG", "FIELD")
                ),
            ),
            None => Issue::new(
                "COLUMN_UNKNOWN",
                format!("Cột không thuộc mẫu nên bị bỏ qua{sample_vi}"),
                format!("Column not in the template: ignored{sample_en}"),
            ),
        };
        out.push(located(&u.header, None, issue));
    }
    for a in &layout.ambiguous {
        let vi: Vec<String> = a
            .candidates
            .iter()
            .map(|c| format!("\"{}\" ({})", c.header_vi(), c.key()))
            .collect();
        let en: Vec<String> = a
            .candidates
            .iter()
            .map(|c| format!("\"{}\" ({})", c.header_en(), c.key()))
            .collect();
        out.push(located(
            &a.column.header,
            None,
            Issue::new(
                "COLUMN_AMBIGUOUS",
                format!(
                    "Tiêu đề cột khớp với nhiều trường: {}; cột không được đọc — hãy ghép cột \
                     nếu cần: {}",
                    vi.join(", "),
                    map_hint(&a.column.header)
                ),
                format!(
                    "The header matches several fields: {}; the column is not read — map it \
                     if needed ({})",
                    en.join(", "),
                    map_hint(&a.column.header).replace("TRƯỜNG", "FIELD")
                ),
            ),
        ));
    }
    for d in &layout.duplicates {
        let used = layout.find(d.column).map_or("", |m| m.header.as_str());
        out.push(located(
            &d.header,
            None,
            Issue::new(
                "COLUMN_DUPLICATE",
                format!(
                    "Cột cũng khớp với trường \"{}\" nhưng cột \"{used}\" được dùng; cột này \
                     bị bỏ qua",
                    d.column.header_vi()
                ),
                format!(
                    "Also matches \"{}\", but the column \"{used}\" is used; this one is \
                     ignored",
                    d.column.header_en()
                ),
            ),
        ));
    }
    out
}

/// A problem of a whole row (no column).
pub fn row_problem(sheet: &str, row: u32, severity: Severity, issue: Issue) -> Problem {
    Problem {
        sheet: sheet.to_owned(),
        row: Some(row),
        column: None,
        value: None,
        code: issue.code,
        message_vi: issue.vi,
        message_en: issue.en,
        severity,
    }
}

/// What a row under the header is: a row of column numbers first (`(1) (2) (3)`); then data
/// when every `strong` cell is filled (whatever its text says); otherwise a total or signature
/// row as for rosters; otherwise data when any `strong` or `weak` cell is filled (so that its
/// missing cells are reported); otherwise something to skip.
pub fn row_kind(row: &GridRow<'_>, strong: &[usize], weak: &[usize], key: &mut String) -> RowKind {
    let filled = |i: &usize| !row.get(*i).is_empty();
    let kind = header::classify(row, None, None, key);
    if kind == RowKind::Numbering {
        return kind;
    }
    if !strong.is_empty() && strong.iter().all(filled) {
        return RowKind::Data;
    }
    match kind {
        RowKind::Total | RowKind::Signature => kind,
        _ if strong.iter().chain(weak).any(filled) => RowKind::Data,
        _ => RowKind::Other,
    }
}

/// Converts the cells of one row of column set `C`, collecting located problems.
pub struct RowReader<'h, C> {
    sheet: &'h str,
    /// Column index and header text of each mapped column, by [`ColumnSet::position`].
    index: Vec<Option<(usize, &'h str)>>,
    set: std::marker::PhantomData<C>,
    /// Scratch buffers for the conversions.
    pub bufs: Bufs,
    /// Problems of the rows read so far, in file order.
    pub problems: Vec<Problem>,
    row_problems: Vec<(usize, Problem)>,
    failed: bool,
}

impl<'h, C: ColumnSet> RowReader<'h, C> {
    /// A reader for the columns of `layout`.
    pub fn new(sheet: &'h str, layout: &'h HeaderLayout<C>) -> Self {
        let mut index = vec![None; C::SPECS.len()];
        for m in &layout.columns {
            if let Some(slot) = index.get_mut(m.column.position()) {
                *slot = Some((m.index, m.header.as_str()));
            }
        }
        RowReader {
            sheet,
            index,
            set: std::marker::PhantomData,
            bufs: Bufs::default(),
            problems: Vec::new(),
            row_problems: Vec::new(),
            failed: false,
        }
    }

    /// The sheet column index and header text of `column`, when mapped.
    fn mapped(&self, column: C) -> Option<(usize, &'h str)> {
        self.index.get(column.position()).copied().flatten()
    }

    /// The sheet column index of `column`, when mapped.
    pub fn column_index(&self, column: C) -> Option<usize> {
        self.mapped(column).map(|(i, _)| i)
    }

    /// The header of `column` as written in the file, when mapped.
    pub fn header(&self, column: C) -> Option<&'h str> {
        self.mapped(column).map(|(_, h)| h)
    }

    /// Whether `column` is in the file.
    pub fn has(&self, column: C) -> bool {
        self.mapped(column).is_some()
    }

    /// Whether the current row has had an error so far.
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// Starts a row: clears the error mark.
    pub fn begin(&mut self) {
        self.failed = false;
    }

    /// Ends a row: its problems join the list in column order; true when it had no error.
    pub fn finish(&mut self) -> bool {
        self.row_problems.sort_by_key(|(position, _)| *position);
        self.problems
            .extend(self.row_problems.drain(..).map(|(_, p)| p));
        !self.failed
    }

    /// The cell of `column` in `row` (empty when the column is not in the file).
    pub fn cell<'r, 'g>(&self, row: &'r GridRow<'g>, column: C) -> &'r Cell<'g> {
        const EMPTY: &Cell<'static> = &Cell::Empty;
        match self.mapped(column) {
            Some((i, _)) => row.get(i),
            None => EMPTY,
        }
    }

    /// Records a problem of `column`'s cell in `row`.
    pub fn report(&mut self, row: &GridRow<'_>, column: C, issue: Issue, severity: Severity) {
        if severity == Severity::Error {
            self.failed = true;
        }
        let mapped = self.mapped(column);
        let cell = mapped.map_or(&Cell::Empty, |(i, _)| row.get(i));
        self.row_problems.push((
            mapped.map_or(usize::MAX, |(i, _)| i),
            Problem {
                sheet: self.sheet.to_owned(),
                row: Some(row.number),
                column: mapped.map(|(_, h)| h.to_owned()),
                value: (!cell.is_empty()).then(|| clip_value(&cell.display())),
                code: issue.code,
                message_vi: issue.vi,
                message_en: issue.en,
                severity,
            },
        ));
    }

    /// Records a problem of the whole row.
    pub fn report_row(&mut self, row: &GridRow<'_>, issue: Issue, severity: Severity) {
        if severity == Severity::Error {
            self.failed = true;
        }
        self.row_problems.push((
            usize::MAX,
            row_problem(self.sheet, row.number, severity, issue),
        ));
    }

    /// Converts `column`'s cell; an empty cell gives `None`, or an error when `required`.
    pub fn get<T>(
        &mut self,
        row: &GridRow<'_>,
        column: C,
        required: bool,
        convert: impl FnOnce(&Cell<'_>, &mut Bufs) -> Converted<T>,
    ) -> Option<T> {
        let cell = self.cell(row, column);
        if cell.is_empty() {
            if required {
                let issue = Issue::new(
                    "REQUIRED_MISSING",
                    format!("Thiếu {} (bắt buộc)", column.header_vi()),
                    format!("{} is required", column.header_en()),
                );
                self.report(row, column, issue, Severity::Error);
            }
            return None;
        }
        match convert(cell, &mut self.bufs) {
            Ok((value, warning)) => {
                if let Some(w) = warning {
                    self.report(row, column, w, Severity::Warning);
                }
                Some(value)
            }
            Err(issue) => {
                self.report(row, column, issue, Severity::Error);
                None
            }
        }
    }
}

/// The issue for a date after `today`.
pub fn future_date_issue(today: chrono::NaiveDate) -> Issue {
    Issue::new(
        "DATE_IN_FUTURE",
        format!(
            "Ngày ở sau ngày hôm nay ({}); hãy kiểm tra lại",
            today.format("%d/%m/%Y")
        ),
        format!(
            "The date is after today ({}); check it",
            today.format("%d/%m/%Y")
        ),
    )
}

/// The ROW_IGNORED warning of a row that is neither data nor a known non-data row.
pub fn ignored_row_issue() -> Issue {
    Issue::new(
        "ROW_IGNORED",
        "Dòng không có dữ liệu cần đọc nên bị bỏ qua",
        "Row without the data this list needs: ignored",
    )
}
