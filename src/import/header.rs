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
/// Recognising a header's text is the caller's ([`super::recognize`]).
pub trait HeaderColumn: Copy + Ord {
    /// Whether naming this column makes a row a header candidate; a header row names at
    /// least one such column and [`MIN_HEADER_COLUMNS`] columns in all.
    fn is_anchor(self) -> bool;
}

/// How surely a header names its column; the stronger claim to a column wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Strength {
    /// Every word of an alias of this many words is in the header (extra words allowed).
    Meaning(usize),
    /// The header is a template header or alias (folded, abbreviations spelled out, word
    /// order ignored).
    Exact,
    /// The caller mapped it (`--map`, the mapping step, a saved profile).
    Mapped,
}

impl Strength {
    /// How it was recognised, as reported (`mapped`, `exact`, `meaning`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Strength::Meaning(_) => "meaning",
            Strength::Exact => "exact",
            Strength::Mapped => "mapped",
        }
    }
}

/// What one header text names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recognition<C> {
    /// This column, this surely.
    Column(C, Strength),
    /// Mapped to nothing on purpose: read past without a warning.
    Ignored,
    /// Two or more columns equally: reported, not guessed.
    Ambiguous(Vec<C>),
    /// Nothing known.
    Unknown,
}

impl<C: Copy> Recognition<C> {
    fn column(&self) -> Option<C> {
        match self {
            Recognition::Column(c, _) => Some(*c),
            _ => None,
        }
    }
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
    /// How it was recognised.
    pub strength: Strength,
}

/// A file column that is not read: its header matches no canonical column, or several, or
/// the caller mapped it to nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownColumn {
    /// 0-based column index.
    pub index: usize,
    /// The header as written.
    pub header: String,
    /// The first value under it, masked when it looks like an id or an account number
    /// ([`super::recognize::mask_sample`]); filled in once the data rows are known.
    pub sample: Option<String>,
    /// What the sample looks like, when it looks like something the list could use.
    pub looks_like: Option<LooksLike>,
}

/// What the values of a column that is not read look like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LooksLike {
    /// An account number (or a national id): 8 to 19 digits.
    Account,
    /// A payment reference.
    Reference,
}

/// A header that names two or more columns equally.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AmbiguousColumn<C> {
    /// The file column with its header.
    pub column: UnknownColumn,
    /// The columns it could be.
    pub candidates: Vec<C>,
}

/// Two file columns claiming one canonical column equally surely (by meaning, with
/// different texts): the file is refused until the caller maps one of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict<C> {
    /// The canonical column.
    pub column: C,
    /// The file columns (index, header), left to right.
    pub headers: Vec<(usize, String)>,
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
    /// Recognised columns, left to right (the strongest claim to each canonical column).
    pub columns: Vec<MappedColumn<C>>,
    /// Columns with an unknown header.
    pub unknown: Vec<UnknownColumn>,
    /// Later or weaker columns whose header names an already mapped column (not read).
    pub duplicates: Vec<MappedColumn<C>>,
    /// Columns whose header names several canonical columns equally (not read).
    pub ambiguous: Vec<AmbiguousColumn<C>>,
    /// Columns mapped to nothing on purpose.
    pub ignored: Vec<UnknownColumn>,
    /// Canonical columns claimed equally by two file columns.
    pub conflicts: Vec<Conflict<C>>,
}

impl<C: HeaderColumn> HeaderLayout<C> {
    /// The mapped column for `column`, if present.
    pub fn find(&self, column: C) -> Option<&MappedColumn<C>> {
        self.columns.iter().find(|m| m.column == column)
    }

    /// Every column that is not read (unknown, ambiguous, ignored), left to right.
    pub fn unread_mut(&mut self) -> impl Iterator<Item = &mut UnknownColumn> {
        self.unknown
            .iter_mut()
            .chain(self.ambiguous.iter_mut().map(|a| &mut a.column))
            .chain(self.ignored.iter_mut())
    }

    fn place(&mut self, label: Label<C>) {
        let unread = UnknownColumn {
            index: label.index,
            header: label.header.clone(),
            sample: None,
            looks_like: None,
        };
        let (column, strength) = match label.recognition {
            Recognition::Column(c, s) => (c, s),
            Recognition::Ignored => return self.ignored.push(unread),
            Recognition::Unknown => return self.unknown.push(unread),
            Recognition::Ambiguous(candidates) => {
                return self.ambiguous.push(AmbiguousColumn {
                    column: unread,
                    candidates,
                });
            }
        };
        let new = MappedColumn {
            column,
            index: label.index,
            header: label.header,
            strength,
        };
        let Some(slot) = self.columns.iter().position(|m| m.column == column) else {
            return self.columns.push(new);
        };
        let old = &self.columns[slot];
        if strength > old.strength {
            let old = std::mem::replace(&mut self.columns[slot], new);
            self.duplicates.push(old);
        } else if strength < old.strength
            || matches!(strength, Strength::Exact | Strength::Mapped)
            || fold_key(&old.header) == fold_key(&new.header)
        {
            self.duplicates.push(new);
        } else {
            match self.conflicts.iter_mut().find(|c| c.column == column) {
                Some(c) => c.headers.push((new.index, new.header)),
                None => self.conflicts.push(Conflict {
                    column,
                    headers: vec![(old.index, old.header.clone()), (new.index, new.header)],
                }),
            }
        }
    }
}

/// A header label candidate for one column.
struct Label<C> {
    index: usize,
    header: String,
    recognition: Recognition<C>,
}

/// Label candidates of one to three rows, as `consider` keeps the best.
type Best<C> = Option<(usize, usize, usize, Vec<Label<C>>)>; // (score, row index, rows, labels)

/// How many stacked rows a header may span (merged group headings over sub-headings).
pub const MAX_HEADER_ROWS: usize = 3;

/// Finds a header in the first rows of `grid`, `recognize` saying what each header text
/// names; `None` when no row qualifies. Headers of one, two or three stacked rows are
/// tried; more rows win only with more columns found.
pub fn detect_with<C: HeaderColumn>(
    grid: &Grid<'_>,
    recognize: &dyn Fn(&str) -> Recognition<C>,
) -> Option<HeaderLayout<C>> {
    let mut best: Best<C> = None;
    let scan = grid.rows.len().min(HEADER_SCAN_ROWS);
    for i in 0..scan {
        let mut stack: Vec<&GridRow<'_>> = Vec::with_capacity(MAX_HEADER_ROWS);
        for row in grid.rows.iter().skip(i).take(MAX_HEADER_ROWS) {
            if let Some(last) = stack.last()
                && row.number != last.number.saturating_add(1)
            {
                break;
            }
            // A row with one cell is a title, not a header row: its text would stand as a
            // group heading over every column.
            if row.filled() < 2 {
                break;
            }
            stack.push(row);
            consider(&mut best, i, stack.len(), stacked_labels(&stack, recognize));
        }
    }
    let (_, i, rows, labels) = best?;
    let first = grid.rows.get(i)?;
    let last = grid.rows.get(i + rows - 1)?;
    let mut layout = HeaderLayout {
        first_row: first.number,
        last_row: last.number,
        data_start: i + rows,
        columns: Vec::new(),
        unknown: Vec::new(),
        duplicates: Vec::new(),
        ambiguous: Vec::new(),
        ignored: Vec::new(),
        conflicts: Vec::new(),
    };
    for label in labels {
        layout.place(label);
    }
    Some(layout)
}

fn consider<C: HeaderColumn>(best: &mut Best<C>, i: usize, rows: usize, labels: Vec<Label<C>>) {
    let mut found: Vec<C> = labels
        .iter()
        .filter_map(|l| l.recognition.column())
        .collect();
    found.sort();
    found.dedup();
    let anchored = found.iter().any(|c| c.is_anchor());
    let score = found.len();
    if !anchored || score < MIN_HEADER_COLUMNS {
        return;
    }
    if best.as_ref().is_none_or(|(s, ..)| score > *s) {
        *best = Some((score, i, rows, labels));
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

/// Labels of a header over `rows` (one to three stacked rows). A column's own text is its
/// lowest non-empty cell (a header merged down several rows keeps its text in the top cell);
/// above it stand the group headings of the upper rows, each the nearest text to its left in
/// that row (the first cell of a merged range holds its text) until a new heading starts in
/// a row above. The label is tried with its group headings (`"Tài khoản ngân hàng Số tài
/// khoản"`), then with the nearest one, then alone; it shows as `"group / sub"`.
fn stacked_labels<C: PartialEq>(
    rows: &[&GridRow<'_>],
    recognize: &dyn Fn(&str) -> Recognition<C>,
) -> Vec<Label<C>> {
    let width = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    let levels = rows.len();
    let mut carry: Vec<Option<String>> = vec![None; levels];
    let mut labels = Vec::new();
    for index in 0..width {
        let own: Vec<Option<String>> = rows.iter().map(|r| header_text(r.get(index))).collect();
        for level in 0..levels {
            if own[level].is_some() {
                carry[level].clone_from(&own[level]);
                for deeper in carry.iter_mut().skip(level + 1) {
                    *deeper = None;
                }
            }
        }
        let Some(leaf_level) = own.iter().rposition(Option::is_some) else {
            continue;
        };
        let Some(leaf) = own[leaf_level].clone() else {
            continue;
        };
        let groups: Vec<&String> = carry
            .iter()
            .take(leaf_level)
            .filter_map(Option::as_ref)
            .collect();
        if groups.is_empty() {
            labels.push(Label {
                index,
                recognition: recognize(&leaf),
                header: leaf,
            });
            continue;
        }
        let joined = |parts: &[&String], sep: &str| {
            let mut out = String::new();
            for part in parts {
                out.push_str(part);
                out.push_str(sep);
            }
            out.push_str(&leaf);
            out
        };
        // Each try: the group headings it includes, with the leaf.
        let mut tries: Vec<&[&String]> = vec![&groups[..]];
        if groups.len() > 1 {
            tries.push(&groups[groups.len() - 1..]);
        }
        tries.push(&[]);
        let mut recognition = Recognition::Unknown;
        for parts in tries {
            let r = recognize(&joined(parts, " "));
            if let (Recognition::Column(c, strength), false) = (&r, parts.is_empty()) {
                // The headings alone naming the same column as surely: the leaf added
                // nothing ("Thông tin người hưởng / Ngân hàng" is not the beneficiary).
                let heading = parts
                    .iter()
                    .map(|p| p.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                if let Recognition::Column(hc, hs) = recognize(&heading)
                    && hc == *c
                    && hs >= *strength
                {
                    continue;
                }
            }
            match r {
                Recognition::Column(..) | Recognition::Ignored => {
                    recognition = r;
                    break;
                }
                Recognition::Ambiguous(_) if matches!(recognition, Recognition::Unknown) => {
                    recognition = r;
                }
                _ => {}
            }
        }
        labels.push(Label {
            index,
            recognition,
            header: joined(&groups, " / "),
        });
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
