//! Random spreadsheet-like files for the readers' property tests (issue 15: `cargo fuzz` needs
//! a nightly toolchain, so each reader gets a property test instead): header variants from the
//! real vocabulary and from nowhere, cells of every kind (numbers with any grouping, signs,
//! dates in several forms, Vietnamese text in NFC and NFD, formulas, control characters, very
//! long text), several separators and encodings (UTF-8, UTF-8 with BOM, UTF-16 LE with BOM).

use proptest::prelude::*;
use staffpay::import::{Problem, ReadError};

/// A cell's text.
pub fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[0-9]{1,15}",
        "[-+ ]?[0-9]{1,3}([.,  ][0-9]{3}){0,4}( ?(VND|đ|đồng))?",
        "[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}( [0-9]{2}:[0-9]{2}(:[0-9]{2})?)?",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        Just("Nguyễn Văn An".to_owned()),
        Just("Nguye\u{302}\u{303}n Thi\u{323}".to_owned()),
        Just("=HYPERLINK(\"http://x\")".to_owned()),
        Just("+1+cmd|' /C calc'!A0".to_owned()),
        Just("SP00000100000158".to_owned()),
        Just("Có".to_owned()),
        Just("Nam".to_owned()),
        "[\\PC]{0,40}",
        "[\t\r\u{0}\u{1b}\"';,]{1,5}",
        "x{300,2000}",
    ]
}

/// A header cell: one of `known`, a known one with noise, or anything.
pub fn header(known: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(known).prop_map(str::to_owned),
        2 => (proptest::sample::select(known), "[ :()%*]{0,3}")
            .prop_map(|(h, noise)| format!("{}{noise}", h.to_uppercase())),
        1 => "[\\PC]{0,20}",
    ]
}

/// Bytes of a CSV file: a few title lines, a header, rows; a separator and an encoding.
pub fn csv_file(known: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    (
        proptest::collection::vec("[\\PC]{0,30}", 0..3),
        proptest::collection::vec(header(known), 1..12),
        proptest::collection::vec(proptest::collection::vec(cell(), 0..14), 0..12),
        proptest::sample::select(&[",", ";", "\t"][..]),
        0u8..3,
    )
        .prop_map(|(titles, headers, rows, sep, encoding)| {
            let quote = |c: &String| {
                if c.contains(sep) || c.contains('"') || c.contains('\n') {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.clone()
                }
            };
            let mut text = String::new();
            for t in &titles {
                text.push_str(t);
                text.push('\n');
            }
            text.push_str(&headers.iter().map(quote).collect::<Vec<_>>().join(sep));
            text.push('\n');
            for r in &rows {
                text.push_str(&r.iter().map(quote).collect::<Vec<_>>().join(sep));
                text.push('\n');
            }
            match encoding {
                0 => text.into_bytes(),
                1 => {
                    let mut b = vec![0xEF, 0xBB, 0xBF];
                    b.extend_from_slice(text.as_bytes());
                    b
                }
                _ => {
                    let mut b = vec![0xFF, 0xFE];
                    for u in text.encode_utf16() {
                        b.extend_from_slice(&u.to_le_bytes());
                    }
                    b
                }
            }
        })
}

/// An upper bound of the records in a file: every CR or LF (in UTF-8 or UTF-16) may end one.
pub fn line_breaks(bytes: &[u8]) -> u32 {
    u32::try_from(
        bytes
            .iter()
            .filter(|b| **b == b'\n' || **b == b'\r')
            .count(),
    )
    .unwrap_or(u32::MAX)
}

/// The reader either accepted the file — every problem with a stable upper-case code, both
/// messages, and a row number within the file when it names one — or refused it with a code
/// and both messages. `lines` is the number of lines (records) the file has at most.
pub fn accepted_or_located(
    result: Result<&[Problem], &ReadError>,
    lines: u32,
) -> Result<(), String> {
    let code_ok = |c: &str| {
        !c.is_empty()
            && c.chars()
                .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '_')
    };
    match result {
        Ok(problems) => {
            for p in problems {
                if !code_ok(p.code) || p.message_vi.is_empty() || p.message_en.is_empty() {
                    return Err(format!("problem without a code or a message: {p:?}"));
                }
                if let Some(row) = p.row
                    && (row == 0 || row > lines + 1)
                {
                    return Err(format!(
                        "problem on row {row} of a {lines}-line file: {p:?}"
                    ));
                }
            }
            Ok(())
        }
        Err(e) => {
            if !code_ok(e.code()) || e.message_vi().is_empty() || e.message_en().is_empty() {
                return Err(format!("refusal without a code or a message: {e:?}"));
            }
            Ok(())
        }
    }
}
