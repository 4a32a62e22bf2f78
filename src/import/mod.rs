//! Roster import, reading side: the bytes of an uploaded spreadsheet become typed rows and a
//! list of located problems. Nothing here touches the database or the entitlement engine.
//!
//! Pipeline: [`read_roster`] reads on the path every list shares ([`tabular::read_table`]):
//! it checks the size, hashes the bytes, recognises the format ([`reader::sniff`]), reads the
//! chosen sheet into a [`grid::Grid`], finds the header ([`header::detect_with`], its texts recognised by
//! meaning by [`recognize`]) over the roster's column set ([`columns::Column`]), and [`validate`] converts every data cell once
//! with the shared row reader ([`tabular::RowReader`]). A file that cannot be used at all is a [`ReadError`] (exit status 1);
//! everything else is a [`Problem`] in [`ParsedRoster::problems`].
//!
//! Writers of the same layer: [`template`] (the blank roster), [`crate::demo::roster`] (a synthetic
//! roster in the official layout) and [`error_workbook`] (the upload with its problems),
//! sharing [`crate::xlsx::write`].
//!
//! Decisions where the issue was silent are written down in `docs/IMPORT.md`.

pub mod cell;
mod cfb;
pub mod columns;
pub mod convert;
pub mod csv;
pub mod error;
pub mod error_workbook;
pub mod grid;
pub mod header;
pub mod limits;
pub mod list_template;
pub mod payments;
pub mod preview;
pub mod problem;
pub mod province;
pub mod reader;
pub mod recognize;
pub mod roster;
pub mod statement;
pub mod tabular;
pub mod template;
pub mod to_calc;
pub mod validate;
pub mod vocab;

use std::path::Path;

pub use error::ReadError;
pub use problem::{Problem, Severity};
pub use reader::ReadOptions;
pub use roster::{ParsedRoster, RosterRow};

/// Reads and checks a roster from its bytes (an upload). `file_name` is used for reports and
/// to tell CSV from a mislabelled workbook.
pub fn read_roster(
    file_name: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<ParsedRoster, ReadError> {
    tabular::read_table::<columns::Column, _>(file_name, bytes, options, |table| {
        let profile = table.profile;
        validate::build(
            table.grid,
            table.layout,
            options.max_rows,
            file_name,
            table.sha256,
        )
        .map(|mut roster| {
            roster.profile = profile;
            roster
        })
    })
}

/// Reads and checks a roster file; the size limit is checked on the file's metadata before
/// anything is read.
pub fn read_roster_file(path: &Path, options: &ReadOptions) -> Result<ParsedRoster, ReadError> {
    let size = std::fs::metadata(path)
        .map_err(|e| ReadError::Io(e.kind().to_string()))?
        .len();
    if size > options.max_bytes {
        return Err(ReadError::TooLarge {
            size,
            limit: options.max_bytes,
        });
    }
    let bytes = std::fs::read(path).map_err(|e| ReadError::Io(e.kind().to_string()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    read_roster(&name, &bytes, options)
}
