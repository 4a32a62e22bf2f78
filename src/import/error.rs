//! Why a whole file cannot be used (exit status 1 of `staffpay import`).
//!
//! Problems of single cells or rows are [`Problem`](super::Problem)s instead: the file is
//! read to the end and every one of them reported.

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
    #[error("no header row found within the first 30 rows")]
    NoHeader,
    /// Required columns are not in the header.
    #[error("required columns are missing: {}", missing_en.join(", "))]
    MissingColumns {
        /// Vietnamese names of the missing columns.
        missing_vi: Vec<&'static str>,
        /// English names of the missing columns.
        missing_en: Vec<&'static str>,
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
            ReadError::TooLarge { .. } => "FILE_TOO_LARGE",
            ReadError::NotASpreadsheet { .. } => "FILE_NOT_SPREADSHEET",
            ReadError::PasswordProtected => "FILE_PASSWORD_PROTECTED",
            ReadError::Corrupt => "FILE_CORRUPT",
            ReadError::NotUtf8 => "FILE_NOT_UTF8",
            ReadError::NoData => "FILE_NO_DATA",
            ReadError::SheetNotFound { .. } => "SHEET_NOT_FOUND",
            ReadError::NoHeader => "HEADER_NOT_FOUND",
            ReadError::MissingColumns { .. } => "COLUMNS_MISSING",
            ReadError::TooManyRows { .. } => "TOO_MANY_ROWS",
            ReadError::Io(_) => "FILE_UNREADABLE",
        }
    }

    /// The message in English, with what to do.
    pub fn message_en(&self) -> String {
        let fix = match self {
            ReadError::Empty | ReadError::Corrupt => "; export the list again and re-upload it",
            ReadError::TooLarge { .. } | ReadError::TooManyRows { .. } => {
                "; split the list into several files"
            }
            ReadError::NotASpreadsheet { .. } => "; upload the .xlsx, .xls, .ods or .csv file",
            ReadError::PasswordProtected => "; remove the password and save again",
            ReadError::NotUtf8 => "; save it as \"CSV UTF-8\"",
            ReadError::NoHeader | ReadError::MissingColumns { .. } => {
                "; use the template from `staffpay template roster`"
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
            ReadError::NoHeader => {
                "Không tìm thấy dòng tiêu đề cột trong 30 dòng đầu; hãy dùng mẫu \
                của `staffpay template roster`"
                    .into()
            }
            ReadError::MissingColumns { missing_vi, .. } => format!(
                "Thiếu cột bắt buộc: {}; hãy dùng mẫu của `staffpay template roster`",
                missing_vi.join(", ")
            ),
            ReadError::TooManyRows { limit } => format!(
                "Trang tính có hơn {limit} dòng dữ liệu; hãy chia danh sách thành nhiều tệp"
            ),
            ReadError::Io(detail) => format!("Không đọc được tệp: {detail}"),
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
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
            ReadError::NoHeader,
            ReadError::MissingColumns {
                missing_vi: vec!["Ngày sinh"],
                missing_en: vec!["Date of birth"],
            },
            ReadError::TooManyRows { limit: 5 },
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
        };
        assert!(e.message_vi().contains("Ngày sinh"));
        assert!(e.message_en().contains("Date of birth"));
    }
}
