//! Finding the header row(s) and the data rows under them.
//!
//! Forms of the Ministry of Home Affairs put a title and some text above the table, group
//! headings merged across columns (`Phụ cấp (%)` over `Công vụ`, `Thâm niên nghề`, ...) and
//! often a row of column numbers `(1) (2) (3)` under the header; below the data come a total
//! row and a signature block. The header is the row (or pair of rows) within the first
//! [`HEADER_SCAN_ROWS`] non-empty rows that names the most known columns.

use super::cell::Cell;
use super::grid::{Grid, GridRow};
use crate::domain::text::{fold_into, fold_key};

/// How many non-empty rows from the top are searched for the header.
pub const HEADER_SCAN_ROWS: usize = 30;

/// Fewest known columns a header row must name, one of them an anchor column
/// ([`HeaderColumn::is_anchor`]: full name or national id for rosters).
pub const MIN_HEADER_COLUMNS: usize = 3;

/// A set of canonical columns that header detection can look for: the roster's
/// [`super::columns::Column`], or another list's own set (statements, payment lists).
pub trait HeaderColumn: Copy + Ord {
    /// The column whose header is `text`, if any.
    fn from_header(text: &str) -> Option<Self>;
    /// Whether naming this column makes a row a header candidate; a header row names at
    /// least one such column and [`MIN_HEADER_COLUMNS`] columns in all.
    fn is_anchor(self) -> bool;
}

/// A file column recognised as a canonical column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MappedColumn<C> {
    /// The canonical column.
    pub column: C,
    /// 0-based column index in the sheet (A = 0).
    pub index: usize,
    /// The header as written (`"group / sub"` under a merged group heading).
    pub header: String,
}

/// A file column with a header that matches no canonical column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownColumn {
    /// 0-based column index.
    pub index: usize,
    /// The header as written.
    pub header: String,
}

/// Where the header is and what its columns mean.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderLayout<C> {
    /// Sheet row number of the (first) header row.
    pub first_row: u32,
    /// Sheet row number of the last header row (= `first_row` for a one-row header).
    pub last_row: u32,
    /// Index into `Grid::rows` of the first row after the header.
    pub data_start: usize,
    /// Recognised columns, left to right (first occurrence of each canonical column).
    pub columns: Vec<MappedColumn<C>>,
    /// Columns with an unknown header.
    pub unknown: Vec<UnknownColumn>,
    /// Later columns whose header repeats an already mapped column (ignored).
    pub duplicates: Vec<MappedColumn<C>>,
}

impl<C: HeaderColumn> HeaderLayout<C> {
    /// The mapped column for `column`, if present.
    pub fn find(&self, column: C) -> Option<&MappedColumn<C>> {
        self.columns.iter().find(|m| m.column == column)
    }
}

/// A header label candidate for one column.
struct Label<C> {
    index: usize,
    header: String,
    column: Option<C>,
}

/// Label candidates of one (or two) rows, as `consider` keeps the best.
type Best<C> = Option<(usize, usize, bool, Vec<Label<C>>)>; // (score, row index, two rows, labels)

/// Finds a header of the column set `C` in the first rows of `grid`; `None` when no row
/// qualifies.
pub fn detect_as<C: HeaderColumn>(grid: &Grid<'_>) -> Option<HeaderLayout<C>> {
    let mut best: Best<C> = None;
    let scan = grid.rows.len().min(HEADER_SCAN_ROWS);
    for i in 0..scan {
        let Some(row) = grid.rows.get(i) else { break };
        let single = single_labels(row);
        consider(&mut best, i, false, single);
        if let Some(next) = grid.rows.get(i + 1)
            && next.number == row.number.saturating_add(1)
        {
            consider(&mut best, i, true, double_labels(row, next));
        }
    }
    let (_, i, two, labels) = best?;
    let first = grid.rows.get(i)?;
    let last = if two { grid.rows.get(i + 1)? } else { first };
    let mut layout = HeaderLayout {
        first_row: first.number,
        last_row: last.number,
        data_start: i + if two { 2 } else { 1 },
        columns: Vec::new(),
        unknown: Vec::new(),
        duplicates: Vec::new(),
    };
    for label in labels {
        match label.column {
            Some(column) if layout.find(column).is_some() => {
                layout.duplicates.push(MappedColumn {
                    column,
                    index: label.index,
                    header: label.header,
                });
            }
            Some(column) => layout.columns.push(MappedColumn {
                column,
                index: label.index,
                header: label.header,
            }),
            None => layout.unknown.push(UnknownColumn {
                index: label.index,
                header: label.header,
            }),
        }
    }
    Some(layout)
}

fn consider<C: HeaderColumn>(best: &mut Best<C>, i: usize, two: bool, labels: Vec<Label<C>>) {
    let mut found: Vec<C> = labels.iter().filter_map(|l| l.column).collect();
    found.sort();
    found.dedup();
    let anchored = found.iter().any(|c| c.is_anchor());
    let score = found.len();
    if !anchored || score < MIN_HEADER_COLUMNS {
        return;
    }
    if best.as_ref().is_none_or(|(s, ..)| score > *s) {
        *best = Some((score, i, two, labels));
    }
}

fn header_text(cell: &Cell<'_>) -> Option<String> {
    match cell {
        Cell::Text(t) => Some(t.split_whitespace().collect::<Vec<_>>().join(" ")),
        Cell::Int(_) | Cell::Float(_) => Some(cell.display()),
        _ => None,
    }
    .filter(|t| !t.is_empty())
}

fn single_labels<C: HeaderColumn>(row: &GridRow<'_>) -> Vec<Label<C>> {
    row.cells
        .iter()
        .enumerate()
        .filter_map(|(index, cell)| {
            let header = header_text(cell)?;
            Some(Label {
                index,
                column: C::from_header(&header),
                header,
            })
        })
        .collect()
}

/// Labels of a two-row header: the lower row's text under the nearest group heading to its
/// left in the upper row (the first cell of a merged range holds its text), or the upper
/// row's text where the lower cell is empty (a header merged down both rows).
fn double_labels<C: HeaderColumn>(top: &GridRow<'_>, sub: &GridRow<'_>) -> Vec<Label<C>> {
    let width = top.cells.len().max(sub.cells.len());
    let mut labels = Vec::new();
    let mut group: Option<String> = None;
    for index in 0..width {
        let upper = header_text(top.get(index));
        if upper.is_some() {
            group.clone_from(&upper);
        }
        match header_text(sub.get(index)) {
            None => {
                if let Some(header) = upper {
                    labels.push(Label {
                        index,
                        column: C::from_header(&header),
                        header,
                    });
                }
            }
            Some(lower) => {
                let (column, header) = match &group {
                    Some(g) => {
                        let column = C::from_header(&format!("{g} {lower}"))
                            .or_else(|| C::from_header(&lower));
                        (column, format!("{g} / {lower}"))
                    }
                    None => (C::from_header(&lower), lower),
                };
                labels.push(Label {
                    index,
                    column,
                    header,
                });
            }
        }
    }
    labels
}

/// What a row below the header is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    /// A person's row (has a national id or a full name).
    Data,
    /// A row of column numbers `(1) (2) (3)` under the header.
    Numbering,
    /// A section heading or note without id and name: skipped.
    Other,
    /// A total row: the data ends before it.
    Total,
    /// A signature line or place-and-date line: the data ends before it.
    Signature,
}

/// Classifies a row below the header. `id` and `name` are the columns of national id and
/// full name, when mapped; `key` is a reusable buffer.
pub fn classify(
    row: &GridRow<'_>,
    id: Option<usize>,
    name: Option<usize>,
    key: &mut String,
) -> RowKind {
    let id_cell = id.map(|i| row.get(i));
    let name_cell = name.map(|i| row.get(i));
    let has_id = id_cell.is_some_and(|c| !c.is_empty());
    let has_name = name_cell.is_some_and(|c| !c.is_empty());
    if is_numbering(row) {
        return RowKind::Numbering;
    }
    let id_like = id_cell.is_some_and(|c| match c {
        Cell::Int(_) | Cell::Float(_) => true,
        Cell::Text(t) => t.trim().len() <= 24 && t.bytes().filter(u8::is_ascii_digit).count() >= 6,
        _ => false,
    });
    if !id_like {
        // Total and signature lines hold no id (a long place-and-date line may sit in the id
        // column): look at their text.
        for cell in row.cells.iter().take(8).chain(name_cell) {
            let Cell::Text(t) = cell else { continue };
            fold_into(t, key);
            if is_total(key) {
                return RowKind::Total;
            }
            if is_signature(key) {
                return RowKind::Signature;
            }
        }
    }
    // A name without an id in a nearly empty row is a section heading ("I. Khối Đảng").
    if has_id || (has_name && row.filled() > 2) {
        RowKind::Data
    } else {
        RowKind::Other
    }
}

fn is_total(key: &str) -> bool {
    matches!(
        key,
        "tong cong" | "cong" | "tong" | "tong so" | "total" | "grand total" | "sum" | "cong tong"
    ) || key.starts_with("tong cong ")
        || key.starts_with("total ")
}

fn is_signature(key: &str) -> bool {
    const STARTS: &[&str] = &[
        "nguoi lap",
        "thu truong",
        "ke toan truong",
        "giam doc",
        "xac nhan",
        "ky ten",
        "ky ghi ro ho ten",
        "ky va ghi ro ho ten",
        "ky dong dau",
        "prepared by",
        "approved by",
        "head of",
        "director",
        "signature",
    ];
    STARTS.iter().any(|s| key.starts_with(s))
        || (key.contains("ngay") && key.contains(" thang ") && key.contains(" nam"))
}

/// Every non-empty cell is a short column number like `1`, `(2)` or `(5)=(3)+(4)`.
fn is_numbering(row: &GridRow<'_>) -> bool {
    let mut filled = 0;
    for cell in &row.cells {
        let ok = match cell {
            Cell::Empty => continue,
            Cell::Int(i) => (0..=200).contains(i),
            Cell::Float(f) => (0.0..=200.0).contains(f) && f.fract() == 0.0,
            Cell::Text(t) => {
                let t = t.trim();
                t.len() <= 16
                    && t.starts_with(|c: char| c == '(' || c.is_ascii_digit())
                    && t.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "()=+-*x/.".contains(c))
                    && fold_key(t).split(' ').all(|w| w.len() <= 3)
            }
            _ => false,
        };
        if !ok {
            return false;
        }
        filled += 1;
    }
    filled >= 3
}

#[cfg(test)]
mod tests;
