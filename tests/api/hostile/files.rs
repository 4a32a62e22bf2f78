//! Hostile spreadsheets, generated: decompression bombs of each kind, built in memory (the
//! compressed files are small; what they unpack to is not).

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;

const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";

/// What a part holds: bytes, or `head` + `count` copies of `fill` + `tail` (streamed into
/// the compressor, never held whole).
pub enum Body {
    Bytes(Vec<u8>),
    Repeat {
        head: Vec<u8>,
        fill: Vec<u8>,
        count: u64,
        tail: Vec<u8>,
    },
}

impl Body {
    fn text(s: &str) -> Body {
        Body::Bytes(s.as_bytes().to_vec())
    }
}

/// A minimal workbook: one sheet `Sheet1` and shared strings; `sheet` and `strings` replace
/// the defaults (one cell "x"), `extra` parts are added.
pub fn xlsx(sheet: Option<Body>, strings: Option<Body>, extra: Vec<(String, Body)>) -> Vec<u8> {
    let mut parts: Vec<(String, Body)> = vec![
        (
            "[Content_Types].xml".into(),
            Body::text(concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
                r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
                r#"<Default Extension="xml" ContentType="application/xml"/>"#,
                r#"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
                r#"<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#,
                r#"<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"#,
                r#"</Types>"#
            )),
        ),
        (
            "_rels/.rels".into(),
            Body::text(&format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            )),
        ),
        (
            "xl/workbook.xml".into(),
            Body::text(&format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            )),
        ),
        (
            "xl/_rels/workbook.xml.rels".into(),
            Body::text(&format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
            )),
        ),
        (
            "xl/worksheets/sheet1.xml".into(),
            sheet.unwrap_or_else(|| {
                Body::text(&format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#
                ))
            }),
        ),
        (
            "xl/sharedStrings.xml".into(),
            strings.unwrap_or_else(|| {
                Body::text(&format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>x</t></si></sst>"#
                ))
            }),
        ),
    ];
    parts.extend(extra);
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    for (name, body) in parts {
        zip.start_file(name, options).unwrap();
        match body {
            Body::Bytes(b) => zip.write_all(&b).unwrap(),
            Body::Repeat {
                head,
                fill,
                count,
                tail,
            } => {
                zip.write_all(&head).unwrap();
                let per = (1 << 20) / fill.len().max(1);
                let chunk = fill.repeat(per);
                let mut left = count;
                while left > 0 {
                    let n = usize::try_from(left).unwrap_or(usize::MAX).min(per);
                    zip.write_all(&chunk[..n * fill.len()]).unwrap();
                    left -= u64::try_from(n).unwrap();
                }
                zip.write_all(&tail).unwrap();
            }
        }
    }
    zip.finish().unwrap().into_inner()
}

/// Shared strings holding one string of `len` bytes.
pub fn huge_shared_string(len: u64) -> Vec<u8> {
    let strings = Body::Repeat {
        head: format!(r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>"#).into_bytes(),
        fill: b"A".to_vec(),
        count: len,
        tail: b"</t></si></sst>".to_vec(),
    };
    xlsx(None, Some(strings), vec![])
}

/// A sheet whose first cell is an inline string of `len` bytes.
pub fn huge_inline_string(len: u64) -> Vec<u8> {
    let sheet = Body::Repeat {
        head: format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>"#).into_bytes(),
        fill: b"B".to_vec(),
        count: len,
        tail: b"</t></is></c></row></sheetData></worksheet>".to_vec(),
    };
    xlsx(Some(sheet), None, vec![])
}

/// `count` extra parts of `each` bytes (zeros) each.
pub fn many_parts(count: usize, each: u64) -> Vec<u8> {
    let extra = (0..count)
        .map(|i| {
            (
                format!("xl/media/fill{i}.bin"),
                Body::Repeat {
                    head: vec![],
                    fill: vec![0],
                    count: each,
                    tail: vec![],
                },
            )
        })
        .collect();
    xlsx(None, None, extra)
}

/// A sheet of about `len` bytes of small cells, every one in row 1.
pub fn huge_sheet(len: u64) -> Vec<u8> {
    let cell = br#"<c r="A1" t="s"><v>0</v></c>"#;
    let sheet = Body::Repeat {
        head: format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData><row r="1">"#).into_bytes(),
        fill: cell.to_vec(),
        count: len / u64::try_from(cell.len()).unwrap(),
        tail: b"</row></sheetData></worksheet>".to_vec(),
    };
    xlsx(Some(sheet), None, vec![])
}

/// `huge_sheet(len)` whose zip directory and local header claim the sheet unpacks to
/// `claimed` bytes.
pub fn understated_sheet(len: u64, claimed: u32) -> Vec<u8> {
    let mut bytes = huge_sheet(len);
    set_declared_size(&mut bytes, "xl/worksheets/sheet1.xml", claimed);
    bytes
}

/// Overwrites the uncompressed size of entry `name` in its local header and in the central
/// directory.
pub fn set_declared_size(zip: &mut [u8], name: &str, size: u32) {
    let mut patched = 0;
    for (signature, name_at, size_at) in [(b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)] {
        let mut i = 0;
        while i + name_at + name.len() <= zip.len() {
            if &zip[i..i + 4] == signature
                && &zip[i + name_at..i + name_at + name.len()] == name.as_bytes()
            {
                zip[i + size_at..i + size_at + 4].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
            i += 1;
        }
    }
    assert_eq!(
        patched, 2,
        "local header and central directory entry of {name}"
    );
}
