//! `GET /doi-chieu`: the Treasury statement lines that matched no payment, each with why in
//! words and what to do, and the payments no statement line confirmed — within the caller's
//! units, optionally one unit and below (as `GET /api/v1/reconciliation/unmatched`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::unit::UnitCode;
use crate::error::AppError;
use crate::http::AppState;
use crate::present;

use super::{Session, is_en, render};

#[derive(Debug, Deserialize)]
pub struct UnmatchedPageQuery {
    pub unit: Option<String>,
    pub lang: Option<String>,
}

struct LineView {
    date: String,
    amount: String,
    account: String,
    counterparty: String,
    description: String,
    case_id: Option<i64>,
    why: String,
}

struct PaymentView {
    case_id: i64,
    name: String,
    unit: String,
    date: String,
    amount: String,
    reference: String,
}

#[derive(Template)]
#[template(path = "staff/unmatched.html")]
struct UnmatchedPage {
    en: bool,
    menu: crate::http::pages::Menu,
    user: String,
    csrf: String,
    unit: String,
    lines: Vec<LineView>,
    payments: Vec<PaymentView>,
}

/// Why a statement line matched nothing, and what to do, in words.
fn reason(code: Option<&str>, en: bool) -> String {
    let (vi, english) = match code.unwrap_or_default() {
        "duplicate" => (
            "Trùng với một dòng sao kê đã nhập: kiểm tra sao kê có bị nhập hai lần không.",
            "Same as a statement line already imported: check the statement was not imported twice.",
        ),
        "reference_amount_differs" => (
            "Có mã thanh toán nhưng số tiền khác khoản đã ghi: đối chiếu chứng từ, sửa khoản chi hoặc ghi giảm.",
            "Carries a payment reference but the amount differs from the payment recorded: check the voucher, correct or reverse the payment.",
        ),
        "unknown_reference" => (
            "Mã thanh toán không thuộc hồ sơ nào: kiểm tra nội dung chuyển khoản.",
            "The payment reference belongs to no case: check the transfer's description.",
        ),
        "name_too_different" => (
            "Tên người nhận khác xa tên trong hồ sơ: xác minh người nhận trước khi ghi nhận.",
            "The payee's name is far from the case's: verify the payee before recording it.",
        ),
        "outside_date_window" => (
            "Ngày trên sao kê cách xa ngày chi đã ghi: kiểm tra ngày chi.",
            "The statement date is far from the recorded payment date: check the payment date.",
        ),
        "credit" => (
            "Tiền vào tài khoản (không phải khoản chi): hoàn trả hoặc nộp lại, xử lý riêng.",
            "Money in (not a payout): a refund or return, handled separately.",
        ),
        "no_candidate" => (
            "Không có khoản chi nào khớp: ghi nhận khoản chi cho hồ sơ (hoặc nhập danh sách chi) rồi nhập lại sao kê.",
            "No payment matches: record the case's payment (or import the payment list) and import the statement again.",
        ),
        "possible_double_payout" => (
            "Có thể chi hai lần cho cùng một người: kiểm tra ngay và thu hồi nếu đúng.",
            "Possibly paid twice to the same person: check at once and recover if so.",
        ),
        _ => ("Chưa khớp.", "Not matched."),
    };
    if en { english } else { vi }.to_owned()
}

/// `GET /doi-chieu`.
pub async fn unmatched(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    query: web::Query<UnmatchedPageQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let en = is_en(&req, q.lang.as_deref());
    let caller_scope = s.caller.scope.clone();
    let unit = q.unit.clone().unwrap_or_default();
    let code = unit.trim().to_owned();
    let (lines, payments) = state
        .db
        .run(move |conn| {
            let scope = if code.is_empty() {
                caller_scope
            } else {
                let u = crate::db::units::find_in_scope(
                    conn,
                    &caller_scope,
                    &UnitCode::normalize(&code),
                )?
                .ok_or(AppError::NotFound)?;
                crate::db::units::UnitScope::Subtrees(vec![u.path])
            };
            Ok((
                crate::db::payments::open_lines(conn, &scope)?,
                crate::db::payments::open_payments(conn, &scope)?,
            ))
        })
        .await?;
    let page = UnmatchedPage {
        en,
        menu: s.menu(),
        user: s.caller.username.clone(),
        csrf: s.csrf.clone(),
        unit,
        lines: lines
            .iter()
            .map(|l| LineView {
                date: present::date(l.line_date),
                amount: present::money(l.amount_vnd, en),
                account: l.account_no.clone().unwrap_or_default(),
                counterparty: l.counterparty.clone().unwrap_or_default(),
                description: l.description.clone(),
                case_id: l.case_id.map(|c| c.0),
                why: reason(l.unmatched_reason.as_deref(), en),
            })
            .collect(),
        payments: payments
            .iter()
            .map(|p| PaymentView {
                case_id: p.case_id.0,
                name: p.full_name.clone(),
                unit: p.unit_code.clone(),
                date: present::date(p.paid_on),
                amount: present::money(p.amount_vnd, en),
                reference: p.payment_reference.clone(),
            })
            .collect(),
    };
    render(&page, StatusCode::OK)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_reason_is_said_in_words() {
        for code in [
            "duplicate",
            "reference_amount_differs",
            "unknown_reference",
            "name_too_different",
            "outside_date_window",
            "credit",
            "no_candidate",
            "possible_double_payout",
        ] {
            let vi = super::reason(Some(code), false);
            assert!(vi.contains(':'), "{code}: says what to do: {vi}");
            assert_ne!(vi, super::reason(None, false), "{code}");
        }
    }
}
