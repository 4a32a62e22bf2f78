//! How figures and legal texts are shown to a person: Vietnamese as officials write it by
//! default (1.234.567 đ, 65,15 %, dd/mm/yyyy, mm/yyyy, "Khoản 1 Điều 7 Nghị định số
//! 178/2024/NĐ-CP"), English when asked (1,234,567 VND, 65.15%). Pages, the status page, the
//! printed statement and the workbooks' text cells use these; the API's JSON keeps its machine
//! forms (plain digits, `.` decimals, the English legal basis of the policy tables).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};

use crate::domain::money::Vnd;

/// Digits grouped by thousands: `1.234.567` (vi) or `1,234,567` (en).
pub fn count(n: i64, en: bool) -> String {
    Vnd::new(n).grouped(if en { ',' } else { '.' })
}

/// An amount of money: `1.234.567 đ` (vi) or `1,234,567 VND` (en).
pub fn money(dong: i64, en: bool) -> String {
    if en {
        format!("{} VND", count(dong, true))
    } else {
        format!("{} đ", count(dong, false))
    }
}

/// A percentage given as the service computes it (`"65.15"`): `65,15 %` (vi), `65.15%` (en).
pub fn percent(value: &str, en: bool) -> String {
    if en {
        format!("{value}%")
    } else {
        format!("{} %", value.replace('.', ","))
    }
}

/// `dd/mm/yyyy` in both languages (the form officials and the forms use).
pub fn date(d: NaiveDate) -> String {
    crate::domain::dates::dmy(d)
}

/// `mm/yyyy`.
pub fn month(d: NaiveDate) -> String {
    format!("{:02}/{}", d.month(), d.year())
}

/// A date-time as `dd/mm/yyyy HH:MM`.
pub fn date_time(t: chrono::NaiveDateTime) -> String {
    t.format("%d/%m/%Y %H:%M").to_string()
}

/// A decimal number written with `.` (as the engine writes it): the integer part grouped
/// and, in Vietnamese, a decimal comma: `7441200` → `7.441.200`, `1.5` → `1,5`.
pub fn number(text: &str, en: bool) -> String {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let grouped = match whole.parse::<i64>() {
        Ok(n) if whole.len() < 19 => count(n, en),
        _ => whole.to_owned(),
    };
    match fraction {
        Some(f) => format!("{sign}{grouped}{}{f}", if en { '.' } else { ',' }),
        None => format!("{sign}{grouped}"),
    }
}

/// Every number in a formula text (`1.0 × 7441200 × 24 = 178588800`) in the page's format
/// (`1,0 × 7.441.200 × 24 = 178.588.800`); the rest of the text is kept.
pub fn numbers_in(text: &str, en: bool) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let Some(&b) = bytes.get(i) else { break };
        if b.is_ascii_digit() {
            let start = i;
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            // A decimal point followed by a digit belongs to the number.
            if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
                i += 1;
                while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
            }
            out.push_str(&number(text.get(start..i).unwrap_or_default(), en));
        } else {
            let ch = text.get(i..).and_then(|s| s.chars().next()).unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// A payment method in words.
pub fn method(code: &str, en: bool) -> &str {
    match (code, en) {
        ("transfer", false) => "Chuyển khoản",
        ("transfer", true) => "Transfer",
        ("cash", false) => "Tiền mặt",
        ("cash", true) => "Cash",
        (other, _) => other,
    }
}

/// What happened to a case, in words, from the action its history records (`approve`,
/// `record_payment`, …); `payment_no` numbers the payments ("Chi lần 2"). `None` for an
/// action this list does not know (the page then says which state the case reached).
pub fn case_event(action: &str, en: bool, payment_no: u32) -> Option<String> {
    let (vi, english) = match action {
        "import.create" => ("Nhập hồ sơ từ danh sách", "Imported from a roster"),
        "import.update" => (
            "Cập nhật từ danh sách gửi lại",
            "Updated by a roster sent again",
        ),
        "approve" => ("Duyệt", "Approved"),
        "return" => ("Trả lại để bổ sung", "Returned for corrections"),
        "resubmit" => ("Gửi lại", "Resubmitted"),
        "fund" => ("Cấp kinh phí", "Funded"),
        "record_payment" => {
            return Some(if en {
                format!("Payment {payment_no}")
            } else {
                format!("Chi lần {payment_no}")
            });
        }
        "reverse_payment" => ("Ghi giảm khoản đã chi", "Payment reversed"),
        "reconcile" => ("Đối chiếu với sao kê", "Reconciled with the statement"),
        "cancel" => ("Hủy hồ sơ", "Cancelled"),
        "lookup_code_issued" => ("Cấp mã tra cứu", "Lookup code issued"),
        "accept_change" => ("Chấp nhận số tính lại", "Recomputed figures accepted"),
        "recompute" => (
            "Tính lại theo bảng chính sách mới",
            "Recomputed under new policy tables",
        ),
        "unit_merge" => ("Chuyển đơn vị khi sáp nhập", "Moved by a unit merge"),
        _ => return None,
    };
    Some(if en { english } else { vi }.to_owned())
}

/// How long a wait or a lock lasts, in words: `khoảng 15 phút`, `khoảng 24 giờ`.
pub fn wait(secs: u64, en: bool) -> String {
    let minutes = secs.div_ceil(60).max(1);
    if minutes >= 90 {
        let hours = minutes.div_ceil(60);
        if en {
            format!("about {hours} hours")
        } else {
            format!("khoảng {hours} giờ")
        }
    } else if en {
        format!("about {minutes} minutes")
    } else {
        format!("khoảng {minutes} phút")
    }
}

/// An audit-trail action in words (`case.approve` → "Duyệt hồ sơ"); an action this list does
/// not know is shown as recorded.
pub fn audit_action(action: &str, en: bool) -> Cow<'_, str> {
    let (vi, english) = match action {
        "auth.login" => ("Đăng nhập", "Signed in"),
        "auth.login_failed" => ("Đăng nhập sai", "Failed sign-in"),
        "auth.logout" => ("Đăng xuất", "Signed out"),
        "case.approve" => ("Duyệt hồ sơ", "Case approved"),
        "case.return" => ("Trả lại hồ sơ", "Case returned"),
        "case.resubmit" => ("Gửi lại hồ sơ", "Case resubmitted"),
        "case.fund" => ("Cấp kinh phí", "Case funded"),
        "case.cancel" => ("Hủy hồ sơ", "Case cancelled"),
        "case.reconcile" => ("Đối chiếu hồ sơ", "Case reconciled"),
        "case.lookup_code" => ("Cấp mã tra cứu", "Lookup code issued"),
        "case.accept_change" => ("Chấp nhận số tính lại", "Recomputed figures accepted"),
        "case.message_answered" => ("Trả lời câu hỏi, khiếu nại", "Question or dispute answered"),
        "payment.record_payment" => ("Ghi nhận khoản chi", "Payment recorded"),
        "payment.reverse_payment" => ("Ghi giảm khoản chi", "Payment reversed"),
        "payment_batch.create" => (
            "Lập bảng thanh toán (Mẫu 09)",
            "Payment batch made (Form 09)",
        ),
        "import.roster" => ("Nhập danh sách hồ sơ", "Roster imported"),
        "import.payments" => ("Nhập danh sách chi", "Payment list imported"),
        "import.statement" => ("Nhập sao kê Kho bạc", "Treasury statement imported"),
        "mapping_profile.save" => ("Lưu cách ghép cột", "Column mapping saved"),
        "status.lookup_failed" => ("Tra cứu sai mã", "Failed status lookup"),
        "status.lockout_lifted" => ("Mở khóa tra cứu", "Lookup lock lifted"),
        "status.question" => ("Người hưởng gửi câu hỏi", "Question from the person"),
        "status.dispute" => ("Người hưởng khiếu nại số tiền", "Dispute from the person"),
        "unit.treasury_account" => ("Cập nhật tài khoản Kho bạc", "Treasury account updated"),
        "unit.merge" => ("Hợp nhất đơn vị", "Units merged"),
        "user.create" => ("Tạo tài khoản người dùng", "User created"),
        "user.disable" => ("Khóa tài khoản người dùng", "User disabled"),
        "user.enable" => ("Mở lại tài khoản người dùng", "User enabled"),
        "user.reset_password" => ("Đặt lại mật khẩu", "Password reset"),
        "token.create" => ("Tạo mã truy cập API", "API token created"),
        "token.revoke" => ("Thu hồi mã truy cập API", "API token revoked"),
        "policy.load" => ("Nạp bảng chính sách", "Policy tables loaded"),
        "policy.recompute" => (
            "Tính lại theo bảng chính sách mới",
            "Recomputed under new policy tables",
        ),
        "report.reconciliation" => ("Tải báo cáo đối chiếu", "Reconciliation report downloaded"),
        "report.payment_list" => ("Tải danh sách chi trả", "Payment list downloaded"),
        "report.moha_progress" => (
            "Tải báo cáo tiến độ Bộ Nội vụ",
            "MoHA progress report downloaded",
        ),
        "report.xlsx" => ("Tải báo cáo", "Report downloaded"),
        _ => return Cow::Borrowed(action),
    };
    Cow::Borrowed(if en { english } else { vi })
}

/// The details an audit entry recorded (its "after" JSON), as label–value pairs a person
/// reads: known field names in words, states and outcomes in words, numbers grouped.
pub fn audit_details(value: &serde_json::Value, en: bool) -> Vec<(String, String)> {
    let Some(map) = value.as_object() else {
        return match value {
            serde_json::Value::Null => Vec::new(),
            other => vec![(String::new(), detail_value(None, other, en))],
        };
    };
    map.iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            (
                field_label(k, en).into_owned(),
                detail_value(Some(k), v, en),
            )
        })
        .collect()
}

fn field_label(key: &str, en: bool) -> Cow<'_, str> {
    if en {
        return Cow::Owned(key.replace('_', " "));
    }
    Cow::Borrowed(match key {
        "file" => "Tệp",
        "sha256" => "Mã băm SHA-256",
        "outcome" => "Kết quả",
        "rows" => "Số dòng",
        "total" => "Tổng",
        "valid" => "Hợp lệ",
        "invalid" => "Lỗi",
        "created" => "Tạo mới",
        "updated" => "Cập nhật",
        "unchanged" => "Không đổi",
        "locked" => "Đã khóa",
        "account_no" => "Số tài khoản",
        "opened_on" => "Ngày mở",
        "reason" => "Lý do",
        "amount_vnd" => "Số tiền",
        "paid_on" => "Ngày chi",
        "method" => "Hình thức",
        "reference" => "Số tham chiếu",
        "state" | "to" | "to_state" => "Trạng thái",
        "from" | "from_state" => "Trạng thái trước",
        "version" => "Phiên bản",
        "funding_source" => "Nguồn kinh phí",
        "had_code" => "Đã có mã trước",
        "replaced_previous" => "Thay mã cũ",
        "username" => "Tên đăng nhập",
        "role" => "Vai trò",
        "unit" => "Đơn vị",
        "merged_on" => "Ngày hợp nhất",
        "successor" => "Đơn vị tiếp nhận",
        "cases_moved" => "Số hồ sơ chuyển",
        "address" => "Địa chỉ",
        other => other,
    })
}

fn detail_value(key: Option<&str>, value: &serde_json::Value, en: bool) -> String {
    match value {
        serde_json::Value::Bool(b) => match (b, en) {
            (true, false) => "có".into(),
            (false, false) => "không".into(),
            (true, true) => "yes".into(),
            (false, true) => "no".into(),
        },
        serde_json::Value::Number(n) => match (key, n.as_i64()) {
            (Some(k), Some(v)) if k.ends_with("_vnd") => money(v, en),
            (_, Some(v)) => count(v, en),
            _ => n.to_string(),
        },
        serde_json::Value::String(text) => {
            if let Ok(state) = crate::domain::case_state::CaseState::parse(text) {
                return state.label(en).to_owned();
            }
            match text.as_str() {
                code @ ("imported" | "partial" | "rejected" | "dry_run") => {
                    outcome(code, en).to_owned()
                }
                code => method(code, en).to_owned(),
            }
        }
        serde_json::Value::Object(_) => audit_details(value, en)
            .into_iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join("; "),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|i| detail_value(None, i, en))
            .collect::<Vec<_>>()
            .join(", "),
        serde_json::Value::Null => String::new(),
    }
}

/// The kind of an import in words.
pub fn import_kind(kind: &str, en: bool) -> &'static str {
    match (kind, en) {
        ("roster", false) => "Danh sách hồ sơ",
        ("roster", true) => "Roster",
        ("payments", false) => "Danh sách chi",
        ("payments", true) => "Payment list",
        ("statement", false) => "Sao kê",
        ("statement", true) => "Statement",
        (_, false) => "Tệp khác",
        (_, true) => "Other",
    }
}

/// An import's outcome in words.
pub fn outcome(code: &str, en: bool) -> &'static str {
    match (code, en) {
        ("imported", false) => "Đã nhập",
        ("unchanged", false) => "Không đổi: tệp này đã được nhập trước đây",
        ("failed", false) => "Không nhập được: không có gì được ghi",
        ("unchanged", true) => "Unchanged: this file was imported before",
        ("failed", true) => "Failed: nothing was written",
        ("partial", false) => "Đã nhập một phần (các dòng lỗi không được ghi)",
        ("rejected", false) => "Bị từ chối: không có gì được ghi",
        ("dry_run", false) => "Chạy thử: chưa ghi gì",
        ("imported", true) => "Imported",
        ("partial", true) => "Partly imported (rows with errors not written)",
        ("rejected", true) => "Rejected: nothing was written",
        ("dry_run", true) => "Dry run: nothing written",
        (_, false) => "Không rõ kết quả",
        (_, true) => "Unknown outcome",
    }
}

/// The legal bases in Vietnamese, keyed by the policy tables' English text
/// (`reference/legal-bases-vi.csv`).
static LEGAL_BASES_VI: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    let mut rows = LEGAL_BASES_CSV.lines().skip(1);
    for line in rows.by_ref() {
        if let Some((en, vi)) = split_pair(line) {
            map.insert(en, vi);
        }
    }
    map
});

const LEGAL_BASES_CSV: &str = include_str!("../reference/legal-bases-vi.csv");

/// `"english","vietnamese"` (the file's fields are quoted and hold no quotes).
fn split_pair(line: &str) -> Option<(&str, &str)> {
    let inner = line.strip_prefix('"')?.strip_suffix('"')?;
    inner.split_once("\",\"")
}

/// A legal basis in the page's language. A text the list does not hold (policy tables
/// replaced by an operator's folder) is shown as the tables have it.
pub fn legal_basis(text: &str, en: bool) -> Cow<'_, str> {
    if en {
        return Cow::Borrowed(text);
    }
    match LEGAL_BASES_VI.get(text) {
        Some(vi) => Cow::Borrowed(vi),
        None => Cow::Borrowed(text),
    }
}

/// Whether a legal basis has its Vietnamese text.
pub fn has_legal_basis_vi(text: &str) -> bool {
    LEGAL_BASES_VI.contains_key(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_as_officials_write_them() {
        assert_eq!(money(1_491_525_000, false), "1.491.525.000 đ");
        assert_eq!(money(1_491_525_000, true), "1,491,525,000 VND");
        assert_eq!(money(-1_000, false), "-1.000 đ");
        assert_eq!(count(150_000, false), "150.000");
        assert_eq!(percent("65.15", false), "65,15 %");
        assert_eq!(percent("65.15", true), "65.15%");
        let d = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap();
        assert_eq!(date(d), "01/09/2025");
        assert_eq!(month(d), "09/2025");
    }

    #[test]
    fn waits_say_how_long() {
        assert_eq!(wait(900, false), "khoảng 15 phút");
        assert_eq!(wait(86_400, false), "khoảng 24 giờ");
        assert_eq!(wait(3_600, true), "about 60 minutes");
    }

    #[test]
    fn the_audit_trail_reads_in_words() {
        assert_eq!(audit_action("case.approve", false), "Duyệt hồ sơ");
        assert_eq!(
            audit_action("payment.record_payment", true),
            "Payment recorded"
        );
        assert_eq!(audit_action("something.new", false), "something.new");
        let after = serde_json::json!({"outcome": "imported", "rows": {"total": 150000},
            "account_no": "9527.1", "to": "approved", "amount_vnd": 1000000, "note": null});
        let details = audit_details(&after, false);
        assert!(
            details.contains(&("Kết quả".into(), "Đã nhập".into())),
            "{details:?}"
        );
        assert!(
            details.contains(&("Số dòng".into(), "Tổng: 150.000".into())),
            "{details:?}"
        );
        assert!(
            details.contains(&("Trạng thái".into(), "Đã duyệt".into())),
            "{details:?}"
        );
        assert!(
            details.contains(&("Số tiền".into(), "1.000.000 đ".into())),
            "{details:?}"
        );
        assert_eq!(details.len(), 5, "nulls left out");
    }

    #[test]
    fn history_reads_as_actions() {
        assert_eq!(case_event("approve", false, 0).as_deref(), Some("Duyệt"));
        assert_eq!(
            case_event("record_payment", false, 2).as_deref(),
            Some("Chi lần 2")
        );
        assert_eq!(
            case_event("record_payment", true, 1).as_deref(),
            Some("Payment 1")
        );
        assert_eq!(
            case_event("lookup_code_issued", false, 0).as_deref(),
            Some("Cấp mã tra cứu")
        );
        assert!(case_event("something_new", false, 0).is_none());
    }

    #[test]
    fn formulas_take_the_same_number_format() {
        assert_eq!(
            numbers_in("1.0 × 7441200 × 24 = 178588800", false),
            "1,0 × 7.441.200 × 24 = 178.588.800"
        );
        assert_eq!(
            numbers_in(
                "(5 + 0.5 × max(0, 23 − 20)) × 7441200 = 6.5 × 7441200",
                false
            ),
            "(5 + 0,5 × max(0, 23 − 20)) × 7.441.200 = 6,5 × 7.441.200"
        );
        assert_eq!(
            numbers_in("0.8 × 100 = 80.5 → 81", true),
            "0.8 × 100 = 80.5 → 81"
        );
        assert_eq!(numbers_in("S = 12345.", false), "S = 12.345.");
    }

    #[test]
    fn every_legal_basis_of_the_embedded_tables_reads_in_vietnamese() {
        let mut missing = Vec::new();
        for (file, text) in crate::policy_files::EMBEDDED {
            // `legal_basis = "…"`, a table's `citation = "…"` (the workbook's basis sheet), and
            // every entry of a `[… .legal_basis]` table.
            let mut in_basis_table = false;
            for line in text.lines() {
                let line = line.trim();
                if line.starts_with('[') {
                    in_basis_table = line.trim_matches(['[', ']']).ends_with("legal_basis");
                    continue;
                }
                let Some((key, value)) = line.split_once('=') else {
                    continue;
                };
                let Some(quoted) = value
                    .trim()
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                else {
                    continue;
                };
                let cited = matches!(key.trim(), "legal_basis" | "citation");
                if (in_basis_table || cited) && !has_legal_basis_vi(quoted) {
                    missing.push(format!("{file}: {quoted}"));
                }
            }
        }
        assert!(missing.is_empty(), "no Vietnamese text for: {missing:#?}");
        assert_eq!(
            legal_basis("Decree 178/2024/ND-CP Art. 5", false),
            "Điều 5 Nghị định số 178/2024/NĐ-CP"
        );
        assert_eq!(
            legal_basis("Decree 178/2024/ND-CP Art. 5", true),
            "Decree 178/2024/ND-CP Art. 5"
        );
    }
}
