//! A case's pinned result (the engine's JSON output when the case was computed) is stored
//! compressed: `z1:` followed by the base64 of the JSON compressed with zstd and a fixed
//! dictionary trained on results (`pinned-dict-v1.bin`, built by
//! `cargo run --release --example train_pinned_dictionary`). A 2.5 KB result becomes about
//! 300 bytes of text — a ninth of what the import writes and holds in memory for it.
//!
//! Text that does not start with a known prefix is plain JSON (rows written before the
//! compression, or by hand) and is returned as it is. A dictionary, once shipped, never
//! changes: a new one gets a new prefix (`z2:`) and both stay readable.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use zstd::dict::{DecoderDictionary, EncoderDictionary};

/// The dictionary of the `z1:` format.
const DICT_V1: &[u8] = include_bytes!("pinned-dict-v1.bin");
const PREFIX_V1: &str = "z1:";
/// zstd level: 1 is the fastest; higher levels gain little on texts this small.
const LEVEL: i32 = 1;

fn encoder() -> &'static EncoderDictionary<'static> {
    static DICT: OnceLock<EncoderDictionary<'static>> = OnceLock::new();
    DICT.get_or_init(|| EncoderDictionary::copy(DICT_V1, LEVEL))
}

fn decoder() -> &'static DecoderDictionary<'static> {
    static DICT: OnceLock<DecoderDictionary<'static>> = OnceLock::new();
    DICT.get_or_init(|| DecoderDictionary::copy(DICT_V1))
}

thread_local! {
    /// One compression context per thread (creating one per call costs more than compressing).
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
    /// One decompression context per thread.
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

/// Why a stored text cannot be read back.
#[derive(Debug, thiserror::Error)]
pub enum PinnedError {
    #[error("stored text is not valid base64: {0}")]
    Base64(#[from] base64::DecodeError),
    #[error("stored text does not decompress: {0}")]
    Zstd(#[from] std::io::Error),
}

/// Compresses a JSON text for storage.
pub fn pack(json: &str) -> Result<String, PinnedError> {
    let compressed = COMPRESSOR.with(|cell| -> Result<Vec<u8>, std::io::Error> {
        let mut slot = cell.borrow_mut();
        let compressor = match slot.as_mut() {
            Some(c) => c,
            None => slot.insert(zstd::bulk::Compressor::with_prepared_dictionary(encoder())?),
        };
        compressor.compress(json.as_bytes())
    })?;
    let mut out = String::with_capacity(PREFIX_V1.len() + compressed.len() * 4 / 3 + 4);
    out.push_str(PREFIX_V1);
    STANDARD_NO_PAD.encode_string(&compressed, &mut out);
    Ok(out)
}

/// The JSON text of a stored value (compressed or plain).
pub fn unpack(stored: &str) -> Result<Cow<'_, str>, PinnedError> {
    let Some(encoded) = stored.strip_prefix(PREFIX_V1) else {
        return Ok(Cow::Borrowed(stored));
    };
    let compressed = STANDARD_NO_PAD.decode(encoded)?;
    // The frame records the original size (bulk compression always writes it).
    let size = zstd::zstd_safe::get_frame_content_size(&compressed)
        .ok()
        .flatten()
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| std::io::Error::other("frame without a content size"))?;
    let bytes = DECOMPRESSOR.with(|cell| -> Result<Vec<u8>, std::io::Error> {
        let mut slot = cell.borrow_mut();
        let decompressor = match slot.as_mut() {
            Some(d) => d,
            None => slot.insert(zstd::bulk::Decompressor::with_prepared_dictionary(
                decoder(),
            )?),
        };
        decompressor.decompress(&compressed, size)
    })?;
    String::from_utf8(bytes)
        .map(Cow::Owned)
        .map_err(|e| PinnedError::Zstd(std::io::Error::other(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_plain_text() {
        let json = r#"{"id":"1","ok":true,"total_vnd":460687500,"components":[{"code":"months_early","amount_vnd":460687500,"label_vi":"Trợ cấp cho số tháng nghỉ hưu trước tuổi"}]}"#;
        let packed = pack(json).unwrap();
        assert!(packed.starts_with("z1:"));
        assert!(packed.len() < json.len());
        assert_eq!(unpack(&packed).unwrap(), json);
        assert_eq!(unpack(json).unwrap(), json, "plain JSON is read as it is");
        assert!(unpack("z1:!!!").is_err());
        assert!(unpack("z1:AAAA").is_err());
        // Same text, same bytes: recomputation compares and fingerprints stay stable.
        assert_eq!(pack(json).unwrap(), packed);
    }
}
