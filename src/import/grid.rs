//! The uniform shape every format is read into: non-empty rows of cells.

use super::cell::Cell;

/// One non-empty row of a sheet.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GridRow<'a> {
    /// Row number as Excel shows it (1-based); the record number for CSV.
    pub number: u32,
    /// Cells from column A (index 0) to the last non-empty one.
    pub cells: Vec<Cell<'a>>,
}

impl<'a> GridRow<'a> {
    /// The cell in column `index` (0-based), `Empty` past the end.
    pub fn get(&self, index: usize) -> &Cell<'a> {
        const EMPTY: &Cell<'static> = &Cell::Empty;
        self.cells.get(index).unwrap_or(EMPTY)
    }

    /// Number of non-empty cells.
    pub fn filled(&self) -> usize {
        self.cells.iter().filter(|c| !c.is_empty()).count()
    }

    /// Puts `cell` in column `col`, growing the row as needed.
    pub fn set(&mut self, col: usize, cell: Cell<'a>) {
        if self.cells.len() <= col {
            self.cells.resize(col + 1, Cell::Empty);
        }
        if let Some(slot) = self.cells.get_mut(col) {
            *slot = cell;
        }
    }
}

/// A sheet: its name and its non-empty rows in order. Empty rows are not stored, so a sheet
/// whose formatting reaches row 1,048,576 costs nothing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Grid<'a> {
    /// Sheet name (`""` for CSV).
    pub sheet: String,
    /// Non-empty rows, by ascending row number.
    pub rows: Vec<GridRow<'a>>,
}

impl Grid<'_> {
    /// Sorts rows by number and merges rows listed twice (malformed but readable files).
    pub fn normalize(&mut self) {
        if self.rows.windows(2).all(|w| w[0].number < w[1].number) {
            return;
        }
        self.rows.sort_by_key(|r| r.number);
        let mut merged: Vec<GridRow<'_>> = Vec::with_capacity(self.rows.len());
        for row in std::mem::take(&mut self.rows) {
            match merged.last_mut() {
                Some(last) if last.number == row.number => {
                    for (i, c) in row.cells.into_iter().enumerate() {
                        if !c.is_empty() {
                            last.set(i, c);
                        }
                    }
                }
                _ => merged.push(row),
            }
        }
        self.rows = merged;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_grow_and_read_past_the_end_as_empty() {
        let mut row = GridRow {
            number: 3,
            cells: vec![],
        };
        row.set(2, Cell::Int(5));
        assert_eq!(row.cells.len(), 3);
        assert_eq!(row.get(2), &Cell::Int(5));
        assert_eq!(row.get(99), &Cell::Empty);
        assert_eq!(row.filled(), 1);
    }

    #[test]
    fn normalize_sorts_and_merges() {
        let mut g = Grid {
            sheet: "S".into(),
            rows: vec![
                GridRow {
                    number: 5,
                    cells: vec![Cell::Int(1)],
                },
                GridRow {
                    number: 2,
                    cells: vec![Cell::Int(2)],
                },
                GridRow {
                    number: 5,
                    cells: vec![Cell::Empty, Cell::Int(3)],
                },
            ],
        };
        g.normalize();
        assert_eq!(g.rows.len(), 2);
        assert_eq!(g.rows[0].number, 2);
        assert_eq!(g.rows[1].cells, vec![Cell::Int(1), Cell::Int(3)]);
    }
}
