//! The OpenAPI document, `GET /api/v1/openapi.json`. Every route of the route table is in it
//! (a test compares the two).

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{
    audit_api, auth_api, batches_api, cases_api, changes_api, entitlements_api, flags_api, health,
    imports_api, payments_api, progress_api, reports_api, status_page, units_api,
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
        reports_api::statement_pdf,
        reports_api::moha_progress,
        batches_api::create,
        batches_api::list,
        batches_api::show,
        batches_api::form_xlsx,
        batches_api::form_pdf,
        payments_api::record,
        payments_api::import_payment_list,
        payments_api::import_statement_file,
        payments_api::unmatched,
        flags_api::list,
        document,
    ),
    components(schemas(
        crate::error::ErrorEnvelope,
        crate::error::ErrorBody,
        crate::domain::flags::FlagKind,
        crate::domain::unit::UnitKind
    )),
    modifiers(&BearerAuth, &SharedResponses),
)]
pub struct ApiDoc;

/// Every operation documents the answers the shared layers give (issue 15, item 13): 400 for an
/// unreadable query, path or body (anything the schema itself rules out), 401 and 403 for a
/// secured operation, 404, 409 for what only the stored data or the clock can refuse, 413 and
/// 415 for a body, 429 for throttled sign-ins and lookups, 500; all in the one error envelope. Operation
/// ids are made unique (`<tag>_<handler>` where a handler name repeats across tags).
struct SharedResponses;

impl Modify for SharedResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::Operation;
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        let envelope = |what: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(what)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("ErrorEnvelope")))
                            .build(),
                    )
                    .build(),
            )
        };
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut each = |f: &mut dyn FnMut(&str, &mut Operation)| {
            for (path, item) in openapi.paths.paths.iter_mut() {
                for op in [
                    &mut item.get,
                    &mut item.put,
                    &mut item.post,
                    &mut item.delete,
                    &mut item.patch,
                ]
                .into_iter()
                .flatten()
                {
                    f(path, op);
                }
            }
        };
        each(&mut |_, op| {
            if let Some(id) = &op.operation_id {
                *seen.entry(id.clone()).or_default() += 1;
            }
        });
        each(&mut |path, op| {
            if let Some(id) = op.operation_id.clone()
                && seen.get(&id).copied().unwrap_or(0) > 1
            {
                let tag = op
                    .tags
                    .as_ref()
                    .and_then(|t| t.first())
                    .cloned()
                    .unwrap_or_default();
                op.operation_id = Some(format!("{tag}_{id}"));
            }
            let r = &mut op.responses.responses;
            let mut add = |code: &str, what: &str| {
                r.entry(code.to_owned()).or_insert_with(|| envelope(what));
            };
            add(
                "400",
                "Bad request: an unreadable query, path or body (error envelope)",
            );
            add("404", "Not found, or outside the caller's units");
            add(
                "422",
                "The request is well formed but a value is not valid (error envelope with details)",
            );
            add("429", "Too many attempts");
            if path.starts_with("/api/v1/") && path != "/api/v1/openapi.json" {
                add(
                    "409",
                    "Refused by the stored data or today's date, which no schema can state: a \
                     changed version, a state that does not allow the action, a date before the \
                     case's decision or after today, an as-of date before any data",
                );
            }
            add("500", "Internal error (no internals in the body)");
            let public = matches!(path, "/api/v1/auth/login" | "/api/v1/openapi.json")
                || !path.starts_with("/api/v1/");
            if !public || op.security.as_ref().is_some_and(|s| !s.is_empty()) {
                add("401", "No valid token or session");
                add("403", "The caller's role may not do this");
            }
            if op.request_body.is_some() {
                add("413", "Body over the size limit");
                add("415", "Wrong content type");
            }
        });
    }
}

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
