//! Why a whole file cannot be used (exit status 1 of `staffpay import`).
//!
//! Problems of single cells or rows are [`Problem`](super::Problem)s instead: the file is
//! read to the end and every one of them reported.

use rust_xlsxwriter::XlsxError;

/// A file-level failure: nothing in the file is used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The file has no bytes.
    #[error("the file is empty")]
    Empty,
    /// Larger than the configured limit; checked before any parsing.
    #[error("the file is {size} bytes, over the limit of {limit}")]
    TooLarge {
        /// File size in bytes.
        size: u64,
        /// Configured limit in bytes.
        limit: u64,
    },
    /// Past one of the [`ReadLimits`](super::limits::ReadLimits) (unpacked size, part size,
    /// cell length): refused before the memory is spent.
    #[error("{}", over_limit_en(*limit, *found, *allowed, part))]
    OverLimit {
        /// Which bound.
        limit: Limit,
        /// What was found (bytes), as far as it was read.
        found: u64,
        /// The bound (bytes).
        allowed: u64,
        /// The zip part or sheet where it was found.
        part: String,
    },
    /// Not an Excel, OpenDocument or CSV file (e.g. a PDF renamed `.xlsx`).
    #[error("the file is not a spreadsheet ({detected})")]
    NotASpreadsheet {
        /// What the content looks like instead, e.g. `PDF document`.
        detected: String,
    },
    /// The workbook is encrypted with a password.
    #[error("the workbook is password-protected")]
    PasswordProtected,
    /// The file claims to be a workbook but cannot be read.
    #[error("the workbook is damaged and cannot be read")]
    Corrupt,
    /// A CSV file that is not UTF-8 (or UTF-16 with a byte-order mark).
    #[error("the CSV file is not UTF-8 text")]
    NotUtf8,
    /// Every sheet is empty.
    #[error("the workbook has no data")]
    NoData,
    /// The named sheet does not exist.
    #[error("there is no sheet named {name:?}")]
    SheetNotFound {
        /// The requested name.
        name: String,
        /// Names that do exist, in workbook order.
        available: Vec<String>,
    },
    /// No row within the first 30 of any sheet (or of the named sheet) looks like a header.
    #[error("no header row of a {} found within the first 30 rows", list.name_en())]
    NoHeader {
        /// The kind of list looked for.
        list: ListKind,
    },
    /// Required columns are not in the header.
    #[error("required columns are missing: {}", missing_en.join(", "))]
    MissingColumns {
        /// Vietnamese names of the missing columns.
        missing_vi: Vec<&'static str>,
        /// English names of the missing columns.
        missing_en: Vec<&'static str>,
        /// The kind of list read.
        list: ListKind,
    },
    /// A column mapping names a field the list does not have.
    #[error("the mapping names an unknown field {field:?}; the fields of a {} are: {}", list.name_en(), fields.join(", "))]
    UnknownField {
        /// The field as written.
        field: String,
        /// The kind of list read.
        list: ListKind,
        /// Its field keys.
        fields: Vec<&'static str>,
    },
    /// A column mapping names headers that are not in the file's header row.
    #[error(
        "the mapped column {} is not in the file (its columns: {})",
        quoted(missing),
        quoted(found)
    )]
    MappedColumnNotFound {
        /// The mapped headers not found.
        missing: Vec<String>,
        /// The headers the file has.
        found: Vec<String>,
    },
    /// Two columns name one field equally surely: which one holds it is the caller's to say.
    #[error("the columns {} both look like \"{field_en}\"", quoted(headers))]
    ConflictingColumns {
        /// The field key (for `--map KEY=HEADER`).
        key: &'static str,
        /// The field's Vietnamese name.
        field_vi: &'static str,
        /// The field's English name.
        field_en: &'static str,
        /// The headers as written, with their column letters.
        headers: Vec<String>,
    },
    /// More data rows than the configured limit.
    #[error("the sheet has more than {limit} data rows")]
    TooManyRows {
        /// Configured limit.
        limit: u32,
    },
    /// The file could not be read from disk.
    #[error("the file cannot be read: {0}")]
    Io(String),
}

impl ReadError {
    /// A stable machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            ReadError::Empty => "FILE_EMPTY",
            ReadError::TooLarge { .. } | ReadError::OverLimit { .. } => "FILE_TOO_LARGE",
            ReadError::NotASpreadsheet { .. } => "FILE_NOT_SPREADSHEET",
            ReadError::PasswordProtected => "FILE_PASSWORD_PROTECTED",
            ReadError::Corrupt => "FILE_CORRUPT",
            ReadError::NotUtf8 => "FILE_NOT_UTF8",
            ReadError::NoData => "FILE_NO_DATA",
            ReadError::SheetNotFound { .. } => "SHEET_NOT_FOUND",
            ReadError::NoHeader { .. } => "HEADER_NOT_FOUND",
            ReadError::MissingColumns { .. } => "COLUMNS_MISSING",
            ReadError::UnknownField { .. } => "MAPPING_UNKNOWN_FIELD",
            ReadError::MappedColumnNotFound { .. } => "MAPPING_COLUMN_NOT_FOUND",
            ReadError::ConflictingColumns { .. } => "COLUMNS_CONFLICTING",
            ReadError::TooManyRows { .. } => "TOO_MANY_ROWS",
            ReadError::Io(_) => "FILE_UNREADABLE",
        }
    }

    /// The message in English, with what to do.
    pub fn message_en(&self) -> String {
        let template_hint;
        let fix = match self {
            ReadError::Empty | ReadError::Corrupt => "; export the list again and re-upload it",
            ReadError::TooLarge { .. }
            | ReadError::TooManyRows { .. }
            | ReadError::OverLimit { .. } => "; split the list into several files",
            ReadError::NotASpreadsheet { .. } => "; upload the .xlsx, .xls, .ods or .csv file",
            ReadError::PasswordProtected => "; remove the password and save again",
            ReadError::NotUtf8 => "; save it as \"CSV UTF-8\"",
            ReadError::NoHeader { list } | ReadError::MissingColumns { list, .. } => {
                template_hint = format!(
                    "; use the template from `staffpay template {}` or map the columns \
                     (--map FIELD=HEADER)",
                    list.template()
                );
                &template_hint
            }
            ReadError::ConflictingColumns { key, .. } => {
                template_hint = format!("; say which one with --map '{key}=HEADER'");
                &template_hint
            }
            _ => "",
        };
        let mut s = self.to_string();
        if let ReadError::SheetNotFound { available, .. } = self {
            s.push_str(&format!("; sheets in the file: {}", available.join(", ")));
        }
        s.push_str(fix);
        capitalize(&s)
    }

    /// The message in Vietnamese, with what to do.
    pub fn message_vi(&self) -> String {
        match self {
            ReadError::Empty => "Tệp rỗng (0 byte); hãy xuất lại danh sách và tải lên lại".into(),
            ReadError::TooLarge { size, limit } => format!(
                "Tệp có dung lượng {size} byte, vượt giới hạn {limit} byte; hãy chia danh sách thành nhiều tệp"
            ),
            ReadError::OverLimit {
                limit,
                found,
                allowed,
                part,
            } => over_limit_vi(*limit, *found, *allowed, part),
            ReadError::NotASpreadsheet { detected } => format!(
                "Tệp không phải bảng tính ({detected}); hãy tải lên tệp .xlsx, .xls, .ods hoặc .csv"
            ),
            ReadError::PasswordProtected => {
                "Bảng tính được đặt mật khẩu; hãy gỡ mật khẩu rồi lưu lại".into()
            }
            ReadError::Corrupt => {
                "Bảng tính bị hỏng, không đọc được; hãy xuất lại và tải lên lại".into()
            }
            ReadError::NotUtf8 => "Tệp CSV không ở dạng UTF-8; hãy lưu bằng \"CSV UTF-8\"".into(),
            ReadError::NoData => "Bảng tính không có dữ liệu (mọi trang tính đều trống)".into(),
            ReadError::SheetNotFound { name, available } => format!(
                "Không có trang tính tên \"{name}\"; các trang tính trong tệp: {}",
                available.join(", ")
            ),
            ReadError::NoHeader { list } => format!(
                "Không tìm thấy dòng tiêu đề cột của {} trong 30 dòng đầu; hãy dùng mẫu của \
                 `staffpay template {}` hoặc ghép cột (--map TRƯỜNG=TIÊU_ĐỀ)",
                list.name_vi(),
                list.template()
            ),
            ReadError::MissingColumns {
                missing_vi, list, ..
            } => format!(
                "Thiếu cột bắt buộc: {}; hãy dùng mẫu của `staffpay template {}` hoặc ghép cột \
                 (--map TRƯỜNG=TIÊU_ĐỀ)",
                missing_vi.join(", "),
                list.template()
            ),
            ReadError::UnknownField {
                field,
                list,
                fields,
            } => format!(
                "Phép ghép cột nêu trường không có \"{field}\"; các trường của {}: {}",
                list.name_vi(),
                fields.join(", ")
            ),
            ReadError::MappedColumnNotFound { missing, found } => format!(
                "Cột được ghép {} không có trong tệp (các cột của tệp: {})",
                quoted(missing),
                quoted(found)
            ),
            ReadError::ConflictingColumns {
                key,
                field_vi,
                headers,
                ..
            } => format!(
                "Các cột {} đều giống cột \"{field_vi}\"; hãy chỉ rõ cột nào bằng --map \
                 '{key}=TIÊU_ĐỀ' hoặc ở bước ghép cột",
                quoted(headers)
            ),
            ReadError::TooManyRows { limit } => format!(
                "Trang tính có hơn {limit} dòng dữ liệu; hãy chia danh sách thành nhiều tệp"
            ),
            ReadError::Io(detail) => format!("Không đọc được tệp: {detail}"),
        }
    }
}

/// The kinds of list staffpay reads; each has its template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    /// A personnel roster.
    Roster,
    /// A payment list (payments made).
    PaymentList,
    /// A Treasury or bank account statement.
    Statement,
}

impl ListKind {
    /// The `staffpay template` argument of its template.
    pub const fn template(self) -> &'static str {
        match self {
            ListKind::Roster => "roster",
            ListKind::PaymentList => "payment-list",
            ListKind::Statement => "statement",
        }
    }

    /// Its name in a Vietnamese sentence.
    pub const fn name_vi(self) -> &'static str {
        match self {
            ListKind::Roster => "danh sách nhân sự",
            ListKind::PaymentList => "danh sách chi trả",
            ListKind::Statement => "sao kê tài khoản",
        }
    }

    /// Its name in an English sentence.
    pub const fn name_en(self) -> &'static str {
        match self {
            ListKind::Roster => "roster",
            ListKind::PaymentList => "payment list",
            ListKind::Statement => "account statement",
        }
    }
}

fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|h| format!("\"{h}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Which bound a file went past.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// `max_unpacked_bytes`.
    Unpacked,
    /// `max_part_bytes`.
    Part,
    /// `max_cell_bytes`.
    Cell,
    /// A part inflates past the size its zip directory declares (a forged directory).
    Declared,
}

impl Limit {
    /// The setting that bounds it.
    pub const fn setting(self) -> &'static str {
        match self {
            Limit::Unpacked => "max_unpacked_bytes",
            Limit::Part => "max_part_bytes",
            Limit::Declared => "declared size",
            Limit::Cell => "max_cell_bytes",
        }
    }
}

fn over_limit_en(limit: Limit, found: u64, allowed: u64, part: &str) -> String {
    let setting = limit.setting();
    match limit {
        Limit::Unpacked => format!(
            "the workbook unpacks to more than {allowed} bytes (at least {found} bytes read, \
             reaching {part}; limit {setting})"
        ),
        Limit::Part => format!(
            "the part {part} of the workbook unpacks to more than {allowed} bytes (at least \
             {found} bytes; limit {setting})"
        ),
        Limit::Cell => format!(
            "a cell or text in {part} is longer than {allowed} bytes ({found} bytes; limit \
             {setting})"
        ),
        Limit::Declared => format!(
            "the part {part} unpacks to {found} bytes, more than the {allowed} bytes its zip \
             directory declares (a forged or damaged file)"
        ),
    }
}

fn over_limit_vi(limit: Limit, found: u64, allowed: u64, part: &str) -> String {
    let setting = limit.setting();
    let what = match limit {
        Limit::Unpacked => format!(
            "Bảng tính khi giải nén vượt quá {allowed} byte (đã đọc ít nhất {found} byte, \
             đến phần {part}; giới hạn {setting})"
        ),
        Limit::Part => format!(
            "Phần {part} của bảng tính khi giải nén vượt quá {allowed} byte (ít nhất {found} \
             byte; giới hạn {setting})"
        ),
        Limit::Cell => format!(
            "Một ô hoặc chuỗi văn bản trong {part} dài hơn {allowed} byte ({found} byte; giới \
             hạn {setting})"
        ),
        Limit::Declared => format!(
            "Phần {part} khi giải nén dài {found} byte, hơn {allowed} byte mà thư mục zip khai \
             báo (tệp bị giả mạo hoặc hỏng)"
        ),
    };
    format!("{what}; hãy chia danh sách thành nhiều tệp")
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Why a workbook could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The spreadsheet library refused something (a value out of Excel's limits, an I/O
    /// failure while saving).
    #[error("cannot write the workbook: {0}")]
    Xlsx(#[from] XlsxError),
    /// Writing the file failed.
    #[error("cannot write the file: {0}")]
    Io(#[from] std::io::Error),
    /// The upload given to the error workbook could not be read again.
    #[error("cannot read the uploaded file again: {0}")]
    Read(#[from] ReadError),
    /// The bytes given to the error workbook are not the file the roster was read from.
    #[error("the file is not the one the roster was read from (SHA-256 differs)")]
    NotTheSameFile,
    /// A unit code asked for in the demo data is neither a 2025 province nor a central body.
    #[error("unknown unit code {0:?}: expected a 2025 province code or a central body code")]
    UnknownUnit(String),
    /// The demo data generator could not produce a value (a defect, not bad input).
    #[error("demo data: {0}")]
    Demo(&'static str),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_code_and_two_messages() {
        let all = [
            ReadError::Empty,
            ReadError::TooLarge {
                size: 40,
                limit: 32,
            },
            ReadError::NotASpreadsheet {
                detected: "PDF document".into(),
            },
            ReadError::PasswordProtected,
            ReadError::Corrupt,
            ReadError::NotUtf8,
            ReadError::NoData,
            ReadError::SheetNotFound {
                name: "X".into(),
                available: vec!["A".into()],
            },
            ReadError::NoHeader {
                list: ListKind::Statement,
            },
            ReadError::MissingColumns {
                missing_vi: vec!["Ngày sinh"],
                missing_en: vec!["Date of birth"],
                list: ListKind::Roster,
            },
            ReadError::UnknownField {
                field: "acount".into(),
                list: ListKind::Statement,
                fields: vec!["account"],
            },
            ReadError::MappedColumnNotFound {
                missing: vec!["STK".into()],
                found: vec!["Số tiền".into()],
            },
            ReadError::ConflictingColumns {
                key: "account",
                field_vi: "Số tài khoản",
                field_en: "Account number",
                headers: vec!["C: STK hưởng".into(), "E: TK nhận".into()],
            },
            ReadError::TooManyRows { limit: 5 },
            ReadError::OverLimit {
                limit: Limit::Cell,
                found: 9,
                allowed: 8,
                part: "xl/sharedStrings.xml".into(),
            },
            ReadError::Io("denied".into()),
        ];
        for e in all {
            assert!(!e.code().is_empty());
            assert!(!e.message_vi().is_empty());
            let en = e.message_en();
            assert!(en.chars().next().is_some_and(char::is_uppercase), "{en}");
        }
    }

    #[test]
    fn missing_columns_are_named() {
        let e = ReadError::MissingColumns {
            missing_vi: vec!["Ngày sinh"],
            missing_en: vec!["Date of birth"],
            list: ListKind::Roster,
        };
        assert!(e.message_vi().contains("Ngày sinh"));
        assert!(e.message_en().contains("Date of birth"));
        assert!(e.message_vi().contains("staffpay template roster"));
    }

    #[test]
    fn refusals_name_the_template_of_the_list_read() {
        let e = ReadError::MissingColumns {
            missing_vi: vec!["Nội dung"],
            missing_en: vec!["Description"],
            list: ListKind::Statement,
        };
        assert!(e.message_vi().contains("staffpay template statement"));
        assert!(!e.message_vi().contains("roster"));
        let e = ReadError::NoHeader {
            list: ListKind::PaymentList,
        };
        assert!(e.message_en().contains("staffpay template payment-list"));
        assert!(e.message_vi().contains("danh sách chi trả"));
    }
}
