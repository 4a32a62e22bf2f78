//! Bounds on what reading one spreadsheet may cost, checked before the spreadsheet parser
//! spends the memory.
//!
//! A 1.5 MB `.xlsx` can unpack to gigabytes, and the sizes its zip directory declares can be
//! forged. So a zip container (`.xlsx`, `.ods`) is walked here first: every entry is inflated
//! into a counting sink through a reader capped at the remaining budget plus one byte, the
//! real bytes are counted whatever the directory says, and every part is scanned for the
//! longest run between two tags (a cell's text, an attribute, a comment). Only a container
//! within every bound is handed to calamine, which inflates the same entries again (the same
//! `zip` crate, which also refuses an entry longer than its declared size).
//!
//! `.xls` is not a zip: its streams are bounded by the file itself (see [`super::cfb`]); the
//! cell limit is checked on every cell of every format as the grid is built.

use std::io::{Cursor, Read};

pub use super::error::Limit;
use super::error::ReadError;

/// The bounds of one read; each is a setting (see `config.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadLimits {
    /// Total bytes of every part of a zip container, inflated.
    pub max_unpacked_bytes: u64,
    /// Bytes of any one part, inflated (or of an `.xls` stream).
    pub max_part_bytes: u64,
    /// Bytes of the text of one cell (as stored: XML-escaped in `.xlsx`/`.ods`).
    pub max_cell_bytes: u64,
}

/// Default total unpacked size: 1 GiB (the 150,000-row national roster unpacks to about a
/// quarter of it).
pub const DEFAULT_MAX_UNPACKED_BYTES: u64 = 1024 * 1024 * 1024;
/// Default size of one part: 512 MiB.
pub const DEFAULT_MAX_PART_BYTES: u64 = 512 * 1024 * 1024;
/// Default text of one cell: 256 KiB (Excel's own limit is 32,767 characters, at most
/// 4 bytes each, or 6 as an XML entity such as `&quot;`).
pub const DEFAULT_MAX_CELL_BYTES: u64 = 256 * 1024;

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_unpacked_bytes: DEFAULT_MAX_UNPACKED_BYTES,
            max_part_bytes: DEFAULT_MAX_PART_BYTES,
            max_cell_bytes: DEFAULT_MAX_CELL_BYTES,
        }
    }
}

impl ReadLimits {
    fn over(&self, limit: Limit, found: u64, part: &str) -> ReadError {
        ReadError::OverLimit {
            limit,
            found,
            allowed: match limit {
                Limit::Unpacked => self.max_unpacked_bytes,
                Limit::Part => self.max_part_bytes,
                Limit::Cell => self.max_cell_bytes,
                Limit::Declared => found.saturating_sub(1),
            },
            part: part.to_owned(),
        }
    }

    /// Refuses a cell whose text is longer than `max_cell_bytes`.
    pub fn check_cell(&self, text: &str, sheet: &str) -> Result<(), ReadError> {
        let len = u64::try_from(text.len()).unwrap_or(u64::MAX);
        if len > self.max_cell_bytes {
            return Err(self.over(Limit::Cell, len, sheet));
        }
        Ok(())
    }

    /// Walks a zip container, inflating every entry under the budgets; see the module doc.
    pub fn check_zip(&self, bytes: &[u8]) -> Result<(), ReadError> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(zip_error)?;
        // The directory's own claims first: nothing is inflated for a file that admits it
        // is too large.
        let mut declared: u64 = 0;
        for i in 0..archive.len() {
            let entry = archive.by_index_raw(i).map_err(zip_error)?;
            let size = entry.size();
            if size > self.max_part_bytes {
                return Err(self.over(Limit::Part, size, &part_name(&entry)));
            }
            declared = declared.saturating_add(size);
            if declared > self.max_unpacked_bytes {
                return Err(self.over(Limit::Unpacked, declared, &part_name(&entry)));
            }
        }
        // Then the real bytes: each entry inflated here from its raw data, so that what
        // the directory declares plays no part.
        let mut total: u64 = 0;
        for i in 0..archive.len() {
            let entry = archive.by_index_raw(i).map_err(zip_error)?;
            let name = part_name(&entry);
            let declared = entry.size();
            let method = entry.compression();
            let budget = self
                .max_part_bytes
                .min(self.max_unpacked_bytes.saturating_sub(total));
            // Every part is scanned, whatever its name: the workbook's relationships, not the
            // name, decide what the parser reads as XML. Compressed images and other binary
            // parts have a `<` every few hundred bytes.
            let scan = TextRuns::default();
            let part = match method {
                zip::CompressionMethod::Stored => self.count(entry, budget, scan, &name)?,
                zip::CompressionMethod::Deflated => {
                    let inflated = flate2::read::DeflateDecoder::new(entry);
                    self.count(inflated, budget, scan, &name)?
                }
                // calamine reads nothing else.
                _ => return Err(ReadError::Corrupt),
            };
            if part > budget {
                return Err(if part > self.max_part_bytes {
                    self.over(Limit::Part, part, &name)
                } else {
                    self.over(Limit::Unpacked, total.saturating_add(part), &name)
                });
            }
            if part > declared {
                return Err(ReadError::OverLimit {
                    limit: Limit::Declared,
                    found: part,
                    allowed: declared,
                    part: name,
                });
            }
            total = total.saturating_add(part);
        }
        Ok(())
    }
}

impl ReadLimits {
    /// Reads `part` through a cap of `budget + 1` bytes, counting them and scanning for the
    /// longest text run; the count stops one past the budget.
    fn count(
        &self,
        part: impl Read,
        budget: u64,
        mut scan: TextRuns,
        name: &str,
    ) -> Result<u64, ReadError> {
        let mut capped = part.take(budget.saturating_add(1));
        let mut buf = vec![0u8; 64 * 1024];
        let mut count: u64 = 0;
        loop {
            let n = match capped.read(&mut buf) {
                Ok(0) => return Ok(count),
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => return Err(ReadError::Corrupt),
            };
            count = count.saturating_add(u64::try_from(n).unwrap_or(u64::MAX));
            let longest = scan.feed(buf.get(..n).unwrap_or_default());
            if longest > self.max_cell_bytes {
                return Err(self.over(Limit::Cell, longest, name));
            }
        }
    }
}

fn part_name<R: Read>(entry: &zip::read::ZipFile<'_, R>) -> String {
    entry
        .name()
        .map_or_else(|_| "?".to_owned(), |n| n.into_owned())
}

fn zip_error(e: zip::result::ZipError) -> ReadError {
    match e {
        zip::result::ZipError::UnsupportedArchive(m)
            if m == zip::result::ZipError::PASSWORD_REQUIRED =>
        {
            ReadError::PasswordProtected
        }
        _ => ReadError::Corrupt,
    }
}

/// The longest run of bytes between two `<` in a stream of XML, fed in chunks: an upper
/// bound on any one text node, tag or attribute the XML parser would hold at once.
#[derive(Default)]
struct TextRuns {
    current: u64,
    longest: u64,
}

impl TextRuns {
    /// Feeds `chunk`; returns the longest run so far.
    fn feed(&mut self, chunk: &[u8]) -> u64 {
        let mut rest = chunk;
        while let Some(at) = memchr_lt(rest) {
            let run = self
                .current
                .saturating_add(u64::try_from(at).unwrap_or(u64::MAX));
            self.longest = self.longest.max(run);
            self.current = 0;
            rest = rest.get(at + 1..).unwrap_or_default();
        }
        self.current = self
            .current
            .saturating_add(u64::try_from(rest.len()).unwrap_or(u64::MAX));
        self.longest = self.longest.max(self.current);
        self.longest
    }
}

fn memchr_lt(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|b| *b == b'<')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_span_chunks() {
        let mut scan = TextRuns::default();
        // "a>12345" is the longest run between two '<', across the chunk boundary.
        assert_eq!(scan.feed(b"<a>12"), 4);
        assert_eq!(scan.feed(b"345</a><b"), 7);
        assert_eq!(scan.feed(b"/>"), 7);
    }

    #[test]
    fn a_small_workbook_passes_and_tight_limits_refuse_it() {
        let bytes = crate::import::template::template_bytes().unwrap();
        ReadLimits::default().check_zip(&bytes).unwrap();
        let tight = ReadLimits {
            max_unpacked_bytes: 1_000,
            ..ReadLimits::default()
        };
        let err = tight.check_zip(&bytes).unwrap_err();
        assert_eq!(err.code(), "FILE_TOO_LARGE");
        assert!(matches!(
            err,
            ReadError::OverLimit {
                limit: Limit::Unpacked,
                ..
            }
        ));
    }
}
