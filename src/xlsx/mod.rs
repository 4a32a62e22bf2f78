//! The workbook helpers shared by the import workbooks (roster template, error workbook), the
//! reports and the demo data, all written with `rust_xlsxwriter`:
//! - [`write`]: fixed document properties (the same input gives the same bytes), date cells and
//!   their format, the Vietnamese/English labels of the enumerated values, and the error type
//!   of the import-side writers;
//! - [`sheet`]: what every report sheet shares — cell formats, the two-language title and
//!   header block, fitted column widths, page setup, and saving without a partial file.

pub mod sheet;
pub mod write;
