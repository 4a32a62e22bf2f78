//! Vietnamese text folding for matching, never for display.
//!
//! Spreadsheets arrive with headers and values typed in every way: with or without
//! diacritics, precomposed (NFC, `ữ` = U+1EEF) or combining (NFD, `u` + U+031B + U+0303),
//! upper or lower case, with stray punctuation and double spaces. [`fold_key`] reduces all of
//! them to the same ASCII key: letters without diacritics (`đ`/`Đ` → `d`), lower case, every
//! run of whitespace or punctuation turned into one space, trimmed. `"Số CCCD"`,
//! `"so  cccd"` and `"SO CCCD:"` all fold to `"so cccd"`.
//!
//! Folding is lossy on purpose; keep the original text for storage and display.

/// `text` in Unicode normalisation form C (precomposed), as every text is stored: a name typed
/// in decomposed form (NFD, as macOS and some Excel exports produce) and its usual precomposed
/// form become the same string, so search, matching and display agree (issue 15). Borrows
/// when the text already is NFC (the common case).
pub fn nfc(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() {
        return std::borrow::Cow::Borrowed(text);
    }
    icu_normalizer::ComposingNormalizerBorrowed::new_nfc().normalize(text)
}

/// Folds `text` into a new matching key (see the module documentation).
pub fn fold_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// Folds `text` into `out` (cleared first), so hot loops can reuse one buffer.
pub fn fold_into(text: &str, out: &mut String) {
    out.clear();
    // `pending_space` delays separators so runs collapse and the ends stay trimmed.
    let mut pending_space = false;
    if text.is_ascii() {
        for b in text.bytes() {
            if b.is_ascii_alphanumeric() {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(char::from(b.to_ascii_lowercase()));
            } else {
                pending_space = true;
            }
        }
        return;
    }
    for c in text.chars() {
        match fold_char(c) {
            Folded::Letter(f) => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(f);
            }
            Folded::Other(c) => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.extend(c.to_lowercase());
            }
            Folded::Separator => pending_space = true,
            Folded::Drop => {}
        }
    }
}

/// The words of a person's name, folded, for similarity scoring (e.g. Jaro–Winkler per token).
///
/// `"Nguyễn  Thị Ánh-Tuyết"` → `["nguyen", "thi", "anh", "tuyet"]`.
pub fn name_tokens(name: &str) -> Vec<String> {
    fold_key(name)
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Removes the text inside round or square brackets, brackets included: units and remarks in
/// headers such as `"Phụ cấp công vụ (%)"` or `"Tiền lương (đồng)"`. Unbalanced brackets are
/// left as they are.
pub fn strip_brackets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    let mut held = String::new();
    for c in text.chars() {
        match c {
            '(' | '[' | '（' => {
                depth += 1;
                held.push(c);
            }
            ')' | ']' | '）' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    held.clear();
                    out.push(' ');
                } else {
                    held.push(c);
                }
            }
            _ if depth > 0 => held.push(c),
            _ => out.push(c),
        }
    }
    out.push_str(&held);
    out
}

/// The result of folding one character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Folded {
    /// An ASCII letter or digit (already lower case).
    Letter(char),
    /// A letter or digit of another script, kept and lower-cased.
    Other(char),
    /// Whitespace or punctuation: becomes one space between words.
    Separator,
    /// Combining marks and invisible characters: removed without a trace.
    Drop,
}

/// Base letters of the Vietnamese block U+1EA0..=U+1EF9, two code points (upper, lower) each.
const VIET_BLOCK: &[u8; 90] =
    b"aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyy";

fn fold_char(c: char) -> Folded {
    if c.is_ascii() {
        return if c.is_ascii_alphanumeric() {
            Folded::Letter(c.to_ascii_lowercase())
        } else {
            Folded::Separator
        };
    }
    let code = u32::from(c);
    if (0x1EA0..=0x1EF9).contains(&code) {
        let index = usize::try_from(code - 0x1EA0).unwrap_or(0);
        return VIET_BLOCK
            .get(index)
            .map_or(Folded::Drop, |b| Folded::Letter(char::from(*b)));
    }
    let base = match c {
        'À'..='Å' | 'à'..='å' | 'Ā' | 'ā' | 'Ă' | 'ă' | 'Ą' | 'ą' | 'Ǎ' | 'ǎ' => 'a',
        'Ç' | 'ç' => 'c',
        'Đ' | 'đ' | 'Ð' | 'ð' | 'Ɖ' | 'ɖ' => 'd',
        'È'..='Ë' | 'è'..='ë' | 'Ē' | 'ē' | 'Ę' | 'ę' | 'Ě' | 'ě' => 'e',
        'Ì'..='Ï' | 'ì'..='ï' | 'Ĩ' | 'ĩ' | 'Ī' | 'ī' | 'Ǐ' | 'ǐ' => 'i',
        'Ñ' | 'ñ' => 'n',
        'Ò'..='Ö' | 'Ø' | 'ò'..='ö' | 'ø' | 'Ō' | 'ō' | 'Ơ' | 'ơ' | 'Ǒ' | 'ǒ' => 'o',
        'Ù'..='Ü' | 'ù'..='ü' | 'Ũ' | 'ũ' | 'Ū' | 'ū' | 'Ư' | 'ư' | 'Ǔ' | 'ǔ' => 'u',
        'Ý' | 'ý' | 'ÿ' | 'Ÿ' => 'y',
        _ => return fold_other(c),
    };
    Folded::Letter(base)
}

fn fold_other(c: char) -> Folded {
    match u32::from(c) {
        // Combining diacritical marks (NFD input), zero-width characters, byte-order mark.
        0x0300..=0x036F | 0x200B..=0x200D | 0x2060 | 0xFEFF | 0x00AD => Folded::Drop,
        _ if c.is_alphanumeric() => Folded::Other(c),
        _ => Folded::Separator,
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn nfc_composes_decomposed_vietnamese() {
        let nfd = "Nguye\u{302}\u{303}n Thi\u{323} Thu\u{31b}\u{303}";
        let composed = nfc(nfd);
        assert_eq!(composed, "Nguyễn Thị Thữ");
        assert_ne!(nfd, composed);
        assert!(matches!(nfc("Nguyễn"), std::borrow::Cow::Borrowed(_)));
        assert!(matches!(nfc("plain"), std::borrow::Cow::Borrowed(_)));
    }

    use super::*;

    #[test]
    fn removes_vietnamese_diacritics_and_case() {
        assert_eq!(fold_key("Số định danh cá nhân"), "so dinh danh ca nhan");
        assert_eq!(fold_key("ĐỐI TƯỢNG"), "doi tuong");
        assert_eq!(fold_key("Nữ"), "nu");
        assert_eq!(fold_key("Thượng tướng"), "thuong tuong");
        assert_eq!(fold_key("ỳ ỵ ỷ ỹ Ỳ ý"), "y y y y y y");
    }

    #[test]
    fn every_vietnamese_letter_folds_to_its_base() {
        let cases = [
            ("aàáảãạăằắẳẵặâầấẩẫậ", 'a'),
            ("eèéẻẽẹêềếểễệ", 'e'),
            ("iìíỉĩị", 'i'),
            ("oòóỏõọôồốổỗộơờớởỡợ", 'o'),
            ("uùúủũụưừứửữự", 'u'),
            ("yỳýỷỹỵ", 'y'),
            ("dđ", 'd'),
        ];
        for (letters, base) in cases {
            for c in letters.chars() {
                let expect = base.to_string();
                assert_eq!(fold_key(&c.to_string()), expect, "{c}");
                assert_eq!(fold_key(&c.to_uppercase().to_string()), expect, "{c} upper");
            }
        }
    }

    #[test]
    fn combining_forms_fold_like_precomposed() {
        // "Nữ" and "Đường" written with combining marks (NFD).
        assert_eq!(fold_key("Nu\u{031B}\u{0303}"), "nu");
        assert_eq!(fold_key("\u{0110}u\u{031B}o\u{031B}\u{0300}ng"), "duong");
    }

    #[test]
    fn collapses_whitespace_and_punctuation() {
        assert_eq!(fold_key("  Cán bộ,  công chức "), "can bo cong chuc");
        assert_eq!(fold_key("Phụ cấp (%)"), "phu cap");
        assert_eq!(fold_key("Mã\u{00A0}đơn\tvị\n"), "ma don vi");
        assert_eq!(fold_key("lao_dong-hop.dong"), "lao dong hop dong");
        assert_eq!(fold_key(""), "");
        assert_eq!(fold_key(" ,;% "), "");
    }

    #[test]
    fn invisible_characters_do_not_split_words() {
        assert_eq!(fold_key("\u{FEFF}Họ\u{200B}tên"), "hoten");
    }

    #[test]
    fn other_scripts_are_kept_lower_cased() {
        assert_eq!(fold_key("ΑΒΓ 名前"), "αβγ 名前");
    }

    #[test]
    fn fold_into_reuses_the_buffer() {
        let mut buf = String::from("old");
        fold_into("Viên chức", &mut buf);
        assert_eq!(buf, "vien chuc");
    }

    #[test]
    fn name_tokens_split_words() {
        assert_eq!(
            name_tokens("Nguyễn  Thị Ánh-Tuyết"),
            ["nguyen", "thi", "anh", "tuyet"]
        );
        assert!(name_tokens("  ").is_empty());
    }

    #[test]
    fn strip_brackets_removes_units() {
        assert_eq!(
            fold_key(&strip_brackets("Phụ cấp công vụ (%)")),
            "phu cap cong vu"
        );
        assert_eq!(
            fold_key(&strip_brackets("Tiền lương [đồng] (x)")),
            "tien luong"
        );
        assert_eq!(fold_key(&strip_brackets("a (b (c) d) e")), "a e");
        assert_eq!(fold_key(&strip_brackets("a (b")), "a b");
    }
}
