//! CSV as agencies save it from Excel: UTF-8 with or without a byte-order mark (also UTF-16
//! with a mark, Excel's "Unicode text"), comma or semicolon separated (semicolon where the
//! decimal separator is a comma), fields optionally in double quotes with `""` for a quote
//! and line breaks allowed inside quotes. Records are split by the `csv` crate; decoding and
//! the choice of separator are done here.

use std::borrow::Cow;

use super::cell::Cell;
use super::error::ReadError;
use super::grid::{Grid, GridRow};

/// Decodes CSV bytes to text, borrowing when they are already UTF-8.
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, ReadError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(Cow::Borrowed)
            .map_err(|_| ReadError::NotUtf8);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, u16::from_be_bytes);
    }
    std::str::from_utf8(bytes)
        .map(Cow::Borrowed)
        .map_err(|_| ReadError::NotUtf8)
}

fn utf16(bytes: &[u8], word: fn([u8; 2]) -> u16) -> Result<Cow<'static, str>, ReadError> {
    if !bytes.len().is_multiple_of(2) {
        return Err(ReadError::NotUtf8);
    }
    let units = bytes.chunks_exact(2).map(|c| word([c[0], c[1]]));
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map(Cow::Owned)
        .map_err(|_| ReadError::NotUtf8)
}

/// The separator used most (outside quotes) in the first 50 lines: `;`, `,` or tab.
pub fn detect_separator(text: &str) -> u8 {
    let (mut commas, mut semis, mut tabs) = (0usize, 0usize, 0usize);
    let mut in_quotes = false;
    let mut lines = 0;
    for b in text.bytes() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b',' if !in_quotes => commas += 1,
            b';' if !in_quotes => semis += 1,
            b'\t' if !in_quotes => tabs += 1,
            b'\n' if !in_quotes => {
                lines += 1;
                if lines >= 50 {
                    break;
                }
            }
            _ => {}
        }
    }
    if semis > commas && semis >= tabs {
        b';'
    } else if tabs > commas && tabs > semis {
        b'\t'
    } else {
        b','
    }
}

/// Parses CSV text into a grid, dropping empty records. Stops with
/// [`ReadError::TooManyRows`] once more than `max_rows` non-empty records were seen.
///
/// Records and fields are found by the `csv` crate (no headers, rows of any length). The
/// cells borrow from `text`, and two rules the crate does not follow are kept: every record
/// counts for the row number, blank lines too (the crate skips them without a record), and
/// text after a closing quote (`"a"x`) is dropped (the crate appends it to the field).
pub fn parse(text: &str, max_rows: usize) -> Result<Grid<'_>, ReadError> {
    let sep = detect_separator(text);
    let bytes = text.as_bytes();
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sep)
        .double_quote(true)
        .from_reader(bytes);
    let mut record = ::csv::ByteRecord::new();
    let mut grid = Grid::default();
    let mut number: u32 = 0;
    loop {
        // Where the crate goes on: after the previous record's line end (for `\r\n`, the `\r`).
        let from = usize::try_from(reader.position().byte()).unwrap_or(usize::MAX);
        // Reading from a slice fails only on I/O, which a slice has none of.
        if !reader
            .read_byte_record(&mut record)
            .map_err(|e| ReadError::Io(e.to_string()))?
        {
            break;
        }
        let (start, blank) = skip_blank_lines(bytes, from);
        number = number.saturating_add(blank).saturating_add(1);
        let mut cells = cells(text, start, &record);
        while cells.last().is_some_and(Cell::is_empty) {
            cells.pop();
        }
        if !cells.is_empty() {
            if grid.rows.len() >= max_rows {
                return Err(ReadError::TooManyRows {
                    limit: u32::try_from(max_rows).unwrap_or(u32::MAX),
                });
            }
            grid.rows.push(GridRow { number, cells });
        }
    }
    Ok(grid)
}

/// Skips the blank lines the crate skipped from `from`: the start of the next record and
/// how many blank lines there were (`\r\n`, `\r` and `\n` each end one).
fn skip_blank_lines(bytes: &[u8], from: usize) -> (usize, u32) {
    let mut i = from;
    // The `\n` of a `\r\n` that ended the previous record.
    if i > 0 && bytes.get(i - 1) == Some(&b'\r') && bytes.get(i) == Some(&b'\n') {
        i += 1;
    }
    let mut blank: u32 = 0;
    loop {
        match bytes.get(i) {
            Some(b'\r') => {
                i += 1;
                if bytes.get(i) == Some(&b'\n') {
                    i += 1;
                }
            }
            Some(b'\n') => i += 1,
            _ => return (i, blank),
        }
        blank = blank.saturating_add(1);
    }
}

/// The record's fields as cells borrowing from `text`, the record's bytes starting at
/// `start`: an unquoted field as it stands, a quoted one between its quotes with `""` read
/// as `"`.
fn cells<'a>(text: &'a str, start: usize, record: &::csv::ByteRecord) -> Vec<Cell<'a>> {
    let bytes = text.as_bytes();
    let mut at = start;
    record
        .iter()
        .map(|field| {
            let (value, len) = if bytes.get(at) != Some(&b'"') {
                let value = text.get(at..at + field.len()).unwrap_or("");
                (Cow::Borrowed(value), field.len())
            } else if !field.contains(&b'"') && bytes.get(at + 1 + field.len()) == Some(&b'"') {
                // Quoted, without `""` or text after the closing quote.
                let value = text.get(at + 1..at + 1 + field.len()).unwrap_or("");
                (Cow::Borrowed(value), field.len() + 2)
            } else {
                let (value, quoted_len) = quoted(text, at);
                // Text after the closing quote, which the crate appended to the field, is skipped.
                let after = field.len().saturating_sub(value.len());
                (value, quoted_len + after)
            };
            at += len + 1;
            text_cell(value)
        })
        .collect()
}

/// The quoted field whose opening quote is at byte `start`: its value (`""` read as `"`) and
/// its length in `text`, quotes included. An unterminated quote runs to the end of `text`.
fn quoted(text: &str, start: usize) -> (Cow<'_, str>, usize) {
    let bytes = text.as_bytes();
    let body_start = start + 1;
    let mut i = body_start;
    let mut escaped = false;
    loop {
        match bytes.get(i) {
            Some(b'"') if bytes.get(i + 1) == Some(&b'"') => {
                escaped = true;
                i += 2;
            }
            Some(b'"') | None => break,
            Some(_) => i += 1,
        }
    }
    let body = text.get(body_start..i).unwrap_or("");
    let value = if escaped {
        Cow::Owned(body.replace("\"\"", "\""))
    } else {
        Cow::Borrowed(body)
    };
    (value, (i + 1).min(bytes.len()) - start)
}

fn text_cell(value: Cow<'_, str>) -> Cell<'_> {
    if value.trim().is_empty() {
        Cell::Empty
    } else {
        Cell::Text(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(grid: &Grid<'_>, row: usize) -> Vec<String> {
        grid.rows[row].cells.iter().map(Cell::display).collect()
    }

    #[test]
    fn comma_file_with_quotes() {
        let g = parse("a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n", 10).unwrap();
        assert_eq!(g.rows.len(), 2);
        assert_eq!(texts(&g, 1), ["1", "x, y", "say \"hi\""]);
    }

    #[test]
    fn semicolon_file_with_decimal_commas() {
        let g = parse("Họ và tên;Hệ số lương\r\nNguyễn A;4,32\r\n", 10).unwrap();
        assert_eq!(texts(&g, 1), ["Nguyễn A", "4,32"]);
        assert_eq!(g.rows[1].number, 2);
    }

    #[test]
    fn empty_records_are_dropped_but_numbered() {
        let g = parse("a,b\n,\n\n  ,  \nc,d", 10).unwrap();
        assert_eq!(g.rows.len(), 2);
        assert_eq!(g.rows[1].number, 5);
    }

    #[test]
    fn line_breaks_inside_quotes() {
        let g = parse("\"a\nb\",c\nd,e\n", 10).unwrap();
        assert_eq!(texts(&g, 0), ["a\nb", "c"]);
        assert_eq!(g.rows[1].number, 2);
    }

    #[test]
    fn unterminated_quote_does_not_panic() {
        let g = parse("a,\"bc", 10).unwrap();
        assert_eq!(texts(&g, 0), ["a", "bc"]);
        let g = parse("\"", 10).unwrap();
        assert!(g.rows.is_empty());
        let g = parse("\"a\"x,b", 10).unwrap();
        assert_eq!(texts(&g, 0), ["a", "b"]);
    }

    #[test]
    fn crlf_and_cr_line_ends_count_once_per_record() {
        let g = parse("a\r\n\r\n\rb\r\n\"x\r\ny\"\r\nc", 10).unwrap();
        let numbers: Vec<u32> = g.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [1, 4, 5, 6]);
        assert_eq!(texts(&g, 2), ["x\r\ny"]);
        let g = parse("\"a\"\"b\"x,\"c\",\"d\"\"\"", 10).unwrap();
        assert_eq!(texts(&g, 0), ["a\"b", "c", "d\""]);
    }

    #[test]
    fn row_limit_stops_early() {
        assert_eq!(
            parse("a\nb\nc\n", 2),
            Err(ReadError::TooManyRows { limit: 2 })
        );
    }

    #[test]
    fn decodes_bom_and_utf16() {
        assert_eq!(decode(b"\xEF\xBB\xBFabc").unwrap(), "abc");
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Nữ".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16).unwrap(), "Nữ");
        assert_eq!(decode(b"\xC3\x28"), Err(ReadError::NotUtf8));
        assert_eq!(decode(b"\xFF\xFEa"), Err(ReadError::NotUtf8));
    }

    #[test]
    fn separator_detection() {
        assert_eq!(detect_separator("a;b;c\n1;2,5;3"), b';');
        assert_eq!(detect_separator("a,b,c\n1,\"x;y\",3"), b',');
        assert_eq!(detect_separator("a\tb\tc"), b'\t');
        assert_eq!(detect_separator(""), b',');
    }
}
