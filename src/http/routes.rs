//! The route table: every endpoint, its access rule and how the authorisation matrix test
//! probes it. Routes are registered only from this table, so an endpoint cannot exist without
//! a rule, and the tests enumerate the same table.

use std::sync::Arc;

use actix_web::http::Method;
use actix_web::middleware::from_fn;
use actix_web::{Route, web};

pub use super::authorize::Access;
use super::authorize::{ResourceAccess, authorize};
use super::{
    admin_pages, audit_api, auth_api, batches_api, cases_api, changes_api, entitlements_api,
    flags_api, health, imports_api, openapi, pages, payments_api, progress_api, reports_api,
    status_page, units_api, upload_pages,
};
use crate::domain::access::Permission;
use crate::domain::case_state::ActionKind;

/// How the authorisation matrix test exercises an endpoint.
#[derive(Clone, Copy, Debug)]
pub struct Probe {
    /// `{code}` in the path or query names a unit: the test tries its own and another.
    pub unit_param: bool,
    /// `{id}` in the path names an import: the test uses one of its own unit and one of another.
    pub import_param: bool,
    /// `{id}` in the path names a case: the test uses one of its own unit and one of another.
    pub case_param: bool,
    /// `{id}` in the path names a payment batch: the test uses one of its own unit and one of
    /// another.
    pub batch_param: bool,
    /// A query string (may contain `{code}`).
    pub query: Option<&'static str>,
    /// A valid request body, if the endpoint takes one.
    pub body: Option<&'static str>,
    /// The body's content type.
    pub content_type: &'static str,
    /// The status of a successful call; 0 for actions whose result depends on the case's
    /// state (the matrix then checks only that access was granted: not 401, 403 or 404).
    pub success: u16,
}

impl Probe {
    const fn ok() -> Probe {
        Probe {
            unit_param: false,
            import_param: false,
            case_param: false,
            batch_param: false,
            query: None,
            body: None,
            content_type: "application/json",
            success: 200,
        }
    }
    const fn unit() -> Probe {
        Probe {
            unit_param: true,
            ..Probe::ok()
        }
    }
    const fn case_action() -> Probe {
        Probe {
            case_param: true,
            body: Some(r#"{"version":1,"reason":"probe","funding_source":"probe"}"#),
            success: 0,
            ..Probe::ok()
        }
    }
    const fn json(body: &'static str, success: u16) -> Probe {
        Probe {
            body: Some(body),
            success,
            ..Probe::ok()
        }
    }
}

/// One endpoint.
#[derive(Clone)]
pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub route: fn() -> Route,
    pub probe: Probe,
}

impl std::fmt::Debug for RouteSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

const fn spec(
    method: Method,
    path: &'static str,
    access: Access,
    route: fn() -> Route,
    probe: Probe,
) -> RouteSpec {
    RouteSpec {
        method,
        path,
        access,
        route,
        probe,
    }
}

/// Every endpoint of the service.
pub fn table() -> Vec<RouteSpec> {
    use Access::*;
    vec![
        spec(
            Method::GET,
            "/",
            Page(None),
            || web::get().to(pages::dashboard),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/dang-nhap",
            Public,
            || web::get().to(pages::login_form),
            Probe::ok(),
        ),
        spec(
            Method::POST,
            "/dang-nhap",
            Public,
            || web::post().to(pages::login),
            Probe {
                body: Some("username=nobody&password=wrong-password"),
                content_type: "application/x-www-form-urlencoded",
                // Without the sign-in form's cookie and token (login CSRF): refused before
                // any password is checked.
                success: 403,
                ..Probe::ok()
            },
        ),
        // Page forms without a session answer 303 to the sign-in page (the test client
        // follows it: 200).
        spec(
            Method::POST,
            "/dang-xuat",
            Public,
            || web::post().to(pages::logout),
            Probe {
                body: Some("csrf=x"),
                content_type: "application/x-www-form-urlencoded",
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/ho-so",
            Page(None),
            || web::get().to(pages::cases),
            Probe::ok(),
        ),
        // Before `/ho-so/{id}`, which would otherwise take `duyet-nhieu` for an id.
        spec(
            Method::POST,
            "/ho-so/duyet-nhieu",
            Page(Some(Permission::ReviewCases)),
            || web::post().to(pages::bulk_approve),
            Probe {
                body: Some("csrf=x&id=1"),
                content_type: "application/x-www-form-urlencoded",
                ..Probe::ok()
            },
        ),
        spec(
            Method::POST,
            "/ho-so/cap-kinh-phi-nhieu",
            Page(Some(Permission::FundCases)),
            || web::post().to(pages::bulk_fund),
            Probe {
                body: Some("csrf=x&id=1&funding_source=probe"),
                content_type: "application/x-www-form-urlencoded",
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/ho-so/{id}",
            Page(None),
            || web::get().to(pages::case),
            Probe::ok(),
        ),
        spec(
            Method::POST,
            "/ho-so/{id}/thao-tac",
            Page(None),
            || web::post().to(pages::act),
            Probe {
                body: Some("csrf=x&action=approve&version=1"),
                content_type: "application/x-www-form-urlencoded",
                ..Probe::ok()
            },
        ),
        spec(
            Method::POST,
            "/ho-so/{id}/tra-loi",
            Page(Some(Permission::ReviewCases)),
            || web::post().to(pages::answer),
            Probe {
                body: Some("csrf=x&message=1&answer=probe"),
                content_type: "application/x-www-form-urlencoded",
                ..Probe::ok()
            },
        ),
        spec(
            Method::POST,
            "/ho-so/{id}/chi",
            Page(Some(Permission::RecordPayments)),
            || web::post().to(pages::pay),
            Probe {
                body: Some("csrf=x&version=1&amount=1&paid_on=2025-09-01"),
                content_type: "application/x-www-form-urlencoded",
                ..Probe::ok()
            },
        ),
        // Page-side downloads: the API's handlers under the page rules (session cookie, the
        // same permission), so a refusal answers as a page, not JSON.
        spec(
            Method::GET,
            "/ho-so/{id}/bang-tinh.xlsx",
            Page(Some(Permission::ReadCases)),
            || web::get().to(reports_api::statement),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/ho-so/{id}/bang-tinh.pdf",
            Page(Some(Permission::ReadCases)),
            || web::get().to(reports_api::statement_pdf),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/nhap/{id}/loi.xlsx",
            Page(Some(Permission::ReadCases)),
            || web::get().to(imports_api::errors_xlsx),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/nhat-ky.xlsx",
            Page(Some(Permission::ReadAudit)),
            || web::get().to(audit_api::export),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/bao-cao/doi-chieu.xlsx",
            Page(Some(Permission::ReadReports)),
            || web::get().to(reports_api::reconciliation),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/bao-cao/danh-sach-chi.xlsx",
            Page(Some(Permission::ReadReports)),
            || web::get().to(reports_api::payment_list),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/bao-cao/tien-do-bnv.xlsx",
            Page(Some(Permission::ReadReports)),
            || web::get().to(reports_api::moha_progress),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/bao-cao/bang-thanh-toan/{id}/mau-09.xlsx",
            Page(Some(Permission::ReadReports)),
            || web::get().to(batches_api::form_xlsx),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/bao-cao/bang-thanh-toan/{id}/mau-09.pdf",
            Page(Some(Permission::ReadReports)),
            || web::get().to(batches_api::form_pdf),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/nguoi-dung",
            Page(Some(Permission::ManageUsers)),
            || web::get().to(pages::users),
            Probe::ok(),
        ),
        spec(
            Method::POST,
            "/nguoi-dung",
            Page(Some(Permission::ManageUsers)),
            || web::post().to(pages::user_action),
            Probe {
                // No such user: refused on the page (409), nothing changed.
                body: Some("csrf=x&op=disable&username=nobody-here"),
                content_type: "application/x-www-form-urlencoded",
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/nhap/viec/{id}",
            Page(None),
            || web::get().to(upload_pages::job_page),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/nhap/lich-su",
            Page(Some(Permission::ReadCases)),
            || web::get().to(pages::imports),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/tro-giup",
            Page(None),
            || web::get().to(pages::help),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/thay-doi",
            Page(Some(Permission::ReadCases)),
            || web::get().to(pages::changes),
            Probe::ok(),
        ),
        spec(
            Method::POST,
            "/thay-doi/chap-nhan",
            Page(Some(Permission::ReviewCases)),
            || web::post().to(pages::accept_changes),
            Probe {
                // Nothing selected: the page says so (400).
                body: Some("csrf=x&reason=probe&legal_basis=probe"),
                content_type: "application/x-www-form-urlencoded",
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/doi-chieu",
            Page(Some(Permission::ReadCases)),
            || web::get().to(pages::unmatched),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/canh-bao",
            Page(Some(Permission::ReadFlags)),
            || web::get().to(pages::flags),
            Probe::ok(),
        ),
        spec(
            Method::POST,
            "/ho-so/{id}/ma-tra-cuu",
            Page(Some(Permission::IssueLookupCodes)),
            || web::post().to(pages::case_code),
            Probe {
                body: Some("csrf=x"),
                content_type: "application/x-www-form-urlencoded",
                ..Probe::ok()
            },
        ),
        spec(
            Method::POST,
            "/ho-so/{id}/mo-khoa",
            Page(Some(Permission::IssueLookupCodes)),
            || web::post().to(pages::unlock),
            Probe {
                body: Some("csrf=x"),
                content_type: "application/x-www-form-urlencoded",
                ..Probe::ok()
            },
        ),
        spec(
            Method::POST,
            "/don-vi/tai-khoan",
            Page(Some(Permission::SetTreasuryAccount)),
            || web::post().to(pages::set_account),
            Probe {
                body: Some("csrf=x&unit=79&account_no=9527.1.1012345"),
                content_type: "application/x-www-form-urlencoded",
                ..Probe::ok()
            },
        ),
        spec(
            Method::POST,
            "/don-vi/ma-tra-cuu",
            Page(Some(Permission::IssueLookupCodes)),
            || web::post().to(pages::unit_codes),
            Probe {
                body: Some("csrf=x&unit=79&understood=1"),
                content_type: "application/x-www-form-urlencoded",
                ..Probe::ok()
            },
        ),
        spec(
            Method::POST,
            "/don-vi/hop-nhat",
            Page(Some(Permission::MergeUnits)),
            || web::post().to(pages::merge),
            Probe {
                // Into itself: always refused (409), so the probe changes nothing.
                body: Some("csrf=x&unit=79&successor=79&understood=1"),
                content_type: "application/x-www-form-urlencoded",
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/don-vi",
            Page(None),
            || web::get().to(admin_pages::units),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/bao-cao",
            Page(None),
            || web::get().to(admin_pages::reports),
            Probe::ok(),
        ),
        spec(
            Method::POST,
            "/bao-cao/bang-thanh-toan",
            Page(Some(Permission::RecordPayments)),
            || web::post().to(admin_pages::create_batch),
            Probe {
                // The probe unit has no funded case: the page says so.
                body: Some("csrf=x&unit=79"),
                content_type: "application/x-www-form-urlencoded",
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/nhat-ky",
            Page(Some(Permission::ReadAudit)),
            || web::get().to(admin_pages::audit),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/nhap",
            Page(None),
            || web::get().to(upload_pages::upload_form),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/mau/roster.xlsx",
            Page(None),
            || web::get().to(upload_pages::template_file),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/mau/payment-list.xlsx",
            Page(None),
            || web::get().to(upload_pages::template_file),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/mau/statement.xlsx",
            Page(None),
            || web::get().to(upload_pages::template_file),
            Probe::ok(),
        ),
        spec(
            Method::POST,
            "/nhap/ghep-cot",
            Page(None),
            || web::post().to(upload_pages::confirm_mapping),
            Probe {
                // No such held file: the page says to choose the file again.
                body: Some("csrf=x&draft=none"),
                content_type: "application/x-www-form-urlencoded",
                ..Probe::ok()
            },
        ),
        spec(
            Method::POST,
            "/nhap",
            Page(None),
            || web::post().to(upload_pages::upload),
            Probe {
                body: Some(ROSTER_UPLOAD),
                content_type: "multipart/form-data; boundary=staffpay-probe",
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/tra-cuu",
            Public,
            || web::get().to(status_page::form),
            Probe::ok(),
        ),
        spec(
            Method::POST,
            "/tra-cuu",
            Public,
            || web::post().to(status_page::lookup),
            Probe {
                body: Some("national_id=079085000001&code=AAAA-BBBB-CCCC"),
                content_type: "application/x-www-form-urlencoded",
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/status",
            Public,
            || web::get().to(status_page::form),
            Probe::ok(),
        ),
        spec(
            Method::POST,
            "/status",
            Public,
            || web::post().to(status_page::lookup),
            Probe {
                body: Some("national_id=079085000001&code=AAAA-BBBB-CCCC"),
                content_type: "application/x-www-form-urlencoded",
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/tra-cuu/bang-tinh.xlsx",
            Public,
            // Without a session: 303 to the form (the test client follows it: 200).
            || web::get().to(status_page::statement_download),
            Probe::ok(),
        ),
        spec(
            Method::POST,
            "/tra-cuu/ket-thuc",
            Public,
            || web::post().to(status_page::end),
            Probe {
                // 303 to the form (the test client follows it: 200).
                body: Some("x=1"),
                content_type: "application/x-www-form-urlencoded",
                ..Probe::ok()
            },
        ),
        spec(
            Method::POST,
            "/tra-cuu/gui",
            Public,
            || web::post().to(status_page::send),
            Probe {
                // Without a session: 303 to the form (the test client follows it: 200).
                body: Some("kind=question&body=probe&csrf=x"),
                content_type: "application/x-www-form-urlencoded",
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/healthz",
            Public,
            || web::get().to(health::healthz),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/readyz",
            Public,
            || web::get().to(health::readyz),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/api/v1/openapi.json",
            Public,
            || web::get().to(openapi::document),
            Probe::ok(),
        ),
        spec(
            Method::POST,
            "/api/v1/auth/login",
            Public,
            || web::post().to(auth_api::login),
            Probe::json(
                r#"{"username":"nobody","password":"wrong-password-here"}"#,
                401,
            ),
        ),
        spec(
            Method::POST,
            "/api/v1/auth/logout",
            Authenticated,
            || web::post().to(auth_api::logout),
            Probe {
                success: 204,
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/api/v1/me",
            Authenticated,
            || web::get().to(auth_api::me),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/api/v1/units",
            Requires(Permission::ReadUnits),
            || web::get().to(units_api::list),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/api/v1/units/{code}",
            Requires(Permission::ReadUnits),
            || web::get().to(units_api::get),
            Probe::unit(),
        ),
        spec(
            Method::PUT,
            "/api/v1/units/{code}/treasury-account",
            Requires(Permission::SetTreasuryAccount),
            || web::put().to(units_api::set_treasury_account),
            Probe {
                unit_param: true,
                ..Probe::json(
                    r#"{"account_no":"9527.1.1012345","opened_on":"2025-07-15"}"#,
                    200,
                )
            },
        ),
        spec(
            Method::POST,
            "/api/v1/units/{code}/merge-into/{successor}",
            Requires(Permission::MergeUnits),
            || web::post().to(units_api::merge_into),
            Probe {
                unit_param: true,
                // Into itself: always refused (409), so the matrix changes nothing.
                success: 0,
                ..Probe::json("{}", 0)
            },
        ),
        spec(
            Method::POST,
            "/api/v1/entitlements/calc",
            Requires(Permission::Calculate),
            || web::post().to(entitlements_api::calc),
            Probe::json(E1_INPUT, 200),
        ),
        spec(
            Method::POST,
            "/api/v1/payments/imports",
            Requires(Permission::RecordPayments),
            || web::post().to(payments_api::import_payment_list),
            Probe {
                unit_param: true,
                query: Some("unit={code}&dry_run=true"),
                body: Some(PAYMENTS_UPLOAD),
                content_type: "multipart/form-data; boundary=staffpay-probe",
                ..Probe::ok()
            },
        ),
        spec(
            Method::POST,
            "/api/v1/statements/imports",
            Requires(Permission::ImportStatements),
            || web::post().to(payments_api::import_statement_file),
            Probe {
                unit_param: true,
                query: Some("unit={code}&dry_run=true"),
                body: Some(STATEMENT_UPLOAD),
                content_type: "multipart/form-data; boundary=staffpay-probe",
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/api/v1/reconciliation/unmatched",
            Requires(Permission::ReadCases),
            || web::get().to(payments_api::unmatched),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/api/v1/flags",
            Requires(Permission::ReadFlags),
            || web::get().to(flags_api::list),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/api/v1/progress",
            Requires(Permission::ReadProgress),
            || web::get().to(progress_api::get),
            Probe::ok(),
        ),
        spec(
            Method::POST,
            "/api/v1/imports",
            Requires(Permission::SubmitRoster),
            || web::post().to(imports_api::upload),
            Probe {
                unit_param: true,
                query: Some("unit={code}"),
                body: Some(ROSTER_UPLOAD),
                content_type: "multipart/form-data; boundary=staffpay-probe",
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/api/v1/imports/{id}",
            Requires(Permission::ReadCases),
            || web::get().to(imports_api::get),
            Probe {
                import_param: true,
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/api/v1/imports/{id}/errors.xlsx",
            Requires(Permission::ReadCases),
            || web::get().to(imports_api::errors_xlsx),
            Probe {
                import_param: true,
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/api/v1/cases",
            Requires(Permission::ReadCases),
            || web::get().to(cases_api::list),
            Probe::ok(),
        ),
        spec(
            Method::POST,
            "/api/v1/cases/bulk/approve",
            Requires(Permission::ReviewCases),
            || web::post().to(cases_api::bulk_approve),
            Probe::json(r#"{"ids":[]}"#, 200),
        ),
        spec(
            Method::POST,
            "/api/v1/cases/bulk/fund",
            Requires(Permission::FundCases),
            || web::post().to(cases_api::bulk_fund),
            Probe::json(r#"{"ids":[],"funding_source":"probe"}"#, 200),
        ),
        spec(
            Method::POST,
            "/api/v1/cases/bulk/accept-change",
            Requires(Permission::ReviewCases),
            || web::post().to(changes_api::accept_bulk),
            Probe {
                body: Some(
                    r#"{"cases":[{"id":1,"version":1}],"reason":"probe","legal_basis":"probe"}"#,
                ),
                success: 0,
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/api/v1/changes",
            Requires(Permission::ReadCases),
            || web::get().to(changes_api::pending),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/api/v1/cases/by-reference/{reference}",
            Requires(Permission::ReadCases),
            || web::get().to(cases_api::by_reference),
            Probe {
                case_param: true,
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/api/v1/cases/{id}",
            Requires(Permission::ReadCases),
            || web::get().to(cases_api::get),
            Probe {
                case_param: true,
                ..Probe::ok()
            },
        ),
        spec(
            Method::POST,
            "/api/v1/cases/{id}/approve",
            Requires(ActionKind::Approve.permission()),
            || web::post().to(cases_api::approve),
            Probe::case_action(),
        ),
        spec(
            Method::POST,
            "/api/v1/cases/{id}/accept-change",
            Requires(Permission::ReviewCases),
            || web::post().to(changes_api::accept_one),
            Probe {
                case_param: true,
                body: Some(r#"{"version":1,"reason":"probe","legal_basis":"probe"}"#),
                success: 0,
                ..Probe::ok()
            },
        ),
        spec(
            Method::POST,
            "/api/v1/cases/{id}/return",
            Requires(ActionKind::Return.permission()),
            || web::post().to(cases_api::return_case),
            Probe::case_action(),
        ),
        spec(
            Method::POST,
            "/api/v1/cases/{id}/fund",
            Requires(ActionKind::Fund.permission()),
            || web::post().to(cases_api::fund),
            Probe::case_action(),
        ),
        spec(
            Method::POST,
            "/api/v1/cases/{id}/cancel",
            Requires(ActionKind::Cancel.permission()),
            || web::post().to(cases_api::cancel),
            Probe::case_action(),
        ),
        spec(
            Method::GET,
            "/api/v1/cases/{id}/statement.xlsx",
            Requires(Permission::ReadCases),
            || web::get().to(reports_api::statement),
            Probe {
                case_param: true,
                ..Probe::ok()
            },
        ),
        spec(
            Method::POST,
            "/api/v1/cases/{id}/statement.xlsx",
            Requires(Permission::IssueLookupCodes),
            || web::post().to(reports_api::statement_with_code),
            Probe {
                case_param: true,
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/api/v1/cases/{id}/messages",
            Requires(Permission::ReadCases),
            || web::get().to(status_page::messages),
            Probe {
                case_param: true,
                ..Probe::ok()
            },
        ),
        spec(
            Method::POST,
            "/api/v1/cases/{id}/messages/{message}/answer",
            Requires(Permission::ReviewCases),
            || web::post().to(status_page::answer),
            Probe {
                case_param: true,
                body: Some(r#"{"answer":"probe"}"#),
                success: 0,
                ..Probe::ok()
            },
        ),
        spec(
            Method::DELETE,
            "/api/v1/cases/{id}/lookup-lockout",
            Requires(Permission::IssueLookupCodes),
            || web::delete().to(status_page::lift_lockout),
            Probe {
                case_param: true,
                success: 204,
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/api/v1/audit",
            Requires(Permission::ReadAudit),
            || web::get().to(audit_api::list),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/api/v1/audit.xlsx",
            Requires(Permission::ReadAudit),
            || web::get().to(audit_api::export),
            Probe::ok(),
        ),
        spec(
            Method::GET,
            "/api/v1/reports/reconciliation.xlsx",
            Requires(Permission::ReadReports),
            || web::get().to(reports_api::reconciliation),
            Probe {
                unit_param: true,
                query: Some("unit={code}"),
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/api/v1/reports/payment-list.xlsx",
            Requires(Permission::ReadReports),
            || web::get().to(reports_api::payment_list),
            Probe {
                unit_param: true,
                query: Some("unit={code}"),
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/api/v1/cases/{id}/statement.pdf",
            Requires(Permission::ReadCases),
            || web::get().to(reports_api::statement_pdf),
            Probe {
                case_param: true,
                // 200, or 503 where LibreOffice is not installed.
                success: 0,
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/api/v1/reports/moha-progress.xlsx",
            Requires(Permission::ReadReports),
            || web::get().to(reports_api::moha_progress),
            Probe {
                unit_param: true,
                query: Some("unit={code}"),
                ..Probe::ok()
            },
        ),
        spec(
            Method::POST,
            "/api/v1/payment-batches",
            Requires(Permission::RecordPayments),
            || web::post().to(batches_api::create),
            Probe {
                // The probe unit has no funded case: 409 nothing_to_batch.
                body: Some(r#"{"unit":"79"}"#),
                success: 0,
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/api/v1/payment-batches",
            Requires(Permission::ReadReports),
            || web::get().to(batches_api::list),
            Probe {
                unit_param: true,
                query: Some("unit={code}"),
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/api/v1/payment-batches/{id}",
            Requires(Permission::ReadReports),
            || web::get().to(batches_api::show),
            Probe {
                batch_param: true,
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/api/v1/payment-batches/{id}/mau-09.xlsx",
            Requires(Permission::ReadReports),
            || web::get().to(batches_api::form_xlsx),
            Probe {
                batch_param: true,
                ..Probe::ok()
            },
        ),
        spec(
            Method::GET,
            "/api/v1/payment-batches/{id}/mau-09.pdf",
            Requires(Permission::ReadReports),
            || web::get().to(batches_api::form_pdf),
            Probe {
                batch_param: true,
                // 200, or 503 where LibreOffice is not installed.
                success: 0,
                ..Probe::ok()
            },
        ),
        spec(
            Method::POST,
            "/api/v1/cases/{id}/lookup-code",
            Requires(Permission::IssueLookupCodes),
            || web::post().to(cases_api::lookup_code),
            Probe {
                case_param: true,
                success: 201,
                ..Probe::ok()
            },
        ),
        spec(
            Method::POST,
            "/api/v1/cases/{id}/payments",
            Requires(ActionKind::RecordPayment.permission()),
            || web::post().to(payments_api::record),
            Probe {
                case_param: true,
                body: Some(r#"{"version":1,"amount_vnd":1,"paid_on":"2025-08-01"}"#),
                success: 0,
                ..Probe::ok()
            },
        ),
    ]
}

/// A one-person roster upload, the probe body of the import endpoint.
const ROSTER_UPLOAD: &str = "--staffpay-probe\r\nContent-Disposition: form-data; name=\"file\"; filename=\"probe.csv\"\r\nContent-Type: text/csv\r\n\r\nHọ và tên,Số định danh cá nhân,Ngày sinh,Giới tính,Đối tượng,Hình thức nghỉ,Hệ số lương,Phụ cấp công vụ (%),Thời gian đóng BHXH (tháng),Ngày hiệu lực quyết định sắp xếp,Ngày nghỉ\r\nNguyễn Văn Thử,079066001239,15/01/1966,Nam,Viên chức,Nghỉ hưu trước tuổi,4.65,25,264,01/03/2025,01/05/2025\r\n--staffpay-probe--\r\n";

/// A one-payment list (its reference unknown: the dry run reports it), the probe body of the
/// payment-list import.
const PAYMENTS_UPLOAD: &str = "--staffpay-probe\r\nContent-Disposition: form-data; name=\"file\"; filename=\"payments.csv\"\r\nContent-Type: text/csv\r\n\r\nMã tham chiếu thanh toán,Số tiền,Ngày chi\r\nSP00000100000191,1000,01/08/2025\r\n--staffpay-probe--\r\n";

/// A one-line statement, the probe body of the statement import.
const STATEMENT_UPLOAD: &str = "--staffpay-probe\r\nContent-Disposition: form-data; name=\"file\"; filename=\"statement.csv\"\r\nContent-Type: text/csv\r\n\r\nNgày giao dịch,Số tiền,Nội dung\r\n01/08/2025,-1000,probe\r\n--staffpay-probe--\r\n";

/// Example E1 of the policy document, the probe body of the calculation endpoint.
const E1_INPUT: &str = r#"{"id":"E1","scheme":"early_retirement","category":"cadre_civil_servant","sex":"male","date_of_birth":"1966-01-15","salary":{"grade_coefficient":"4.65","leadership_coefficient":"0.6","allowances_pct":{"public_service":"25"}},"insured_months":264,"reorganization_effective_date":"2025-03-01","leave_date":"2025-05-01"}"#;

/// Registers every route of the table, each resource wrapped in the authorisation middleware.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let table = table();
    let mut paths: Vec<&'static str> = Vec::new();
    for spec in &table {
        if !paths.contains(&spec.path) {
            paths.push(spec.path);
        }
    }
    for path in paths {
        let specs: Vec<&RouteSpec> = table.iter().filter(|s| s.path == path).collect();
        let rules = ResourceAccess(Arc::new(
            specs.iter().map(|s| (s.method.clone(), s.access)).collect(),
        ));
        let mut resource = web::resource(path);
        for spec in specs {
            resource = resource.route((spec.route)());
        }
        cfg.service(resource.wrap(from_fn(move |req, next| {
            authorize(rules.clone(), req, next)
        })));
    }
}
