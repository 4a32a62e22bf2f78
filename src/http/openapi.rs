//! The OpenAPI document, `GET /api/v1/openapi.json`. Every route of the route table is in it
//! (a test compares the two).

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{
    audit_api, auth_api, cases_api, changes_api, entitlements_api, flags_api, health, imports_api,
    payments_api, progress_api, reports_api, status_page, units_api,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "staffpay",
        description = "Payouts of the 2025 staff reorganisation under Decree 178/2024/ND-CP \
                       (as amended by Decree 67/2025/ND-CP): entitlements, cases, payments, \
                       reconciliation. Errors share one envelope: {\"error\": {\"code\", \
                       \"message\", \"message_vi\", \"message_en\"}}."
    ),
    paths(
        health::healthz,
        health::readyz,
        auth_api::login,
        auth_api::logout,
        auth_api::me,
        units_api::list,
        units_api::get,
        units_api::set_treasury_account,
        units_api::merge_into,
        entitlements_api::calc,
        progress_api::get,
        imports_api::upload,
        imports_api::get,
        imports_api::errors_xlsx,
        cases_api::list,
        cases_api::get,
        cases_api::by_reference,
        cases_api::approve,
        cases_api::return_case,
        cases_api::fund,
        cases_api::cancel,
        cases_api::bulk_approve,
        cases_api::bulk_fund,
        changes_api::pending,
        changes_api::accept_one,
        changes_api::accept_bulk,
        cases_api::lookup_code,
        reports_api::reconciliation,
        audit_api::list,
        status_page::messages,
        status_page::answer,
        status_page::lift_lockout,
        audit_api::export,
        reports_api::payment_list,
        reports_api::statement,
        reports_api::statement_with_code,
        payments_api::record,
        payments_api::import_payment_list,
        payments_api::import_statement_file,
        payments_api::unmatched,
        flags_api::list,
        document,
    ),
    components(schemas(crate::error::ErrorEnvelope, crate::error::ErrorBody)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "OpenAPI 3.1 document")))]
pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
