//! The authorisation matrix, generated from the route table: every endpoint × every role ×
//! own unit / other unit, plus no token, expired token and revoked token. A new route is in
//! the table by construction (routes are registered only from it), so it is in this matrix.

use chrono::TimeDelta;
use staffpay::domain::access::Role;
use staffpay::domain::ids::CaseId;
use staffpay::http::routes::{Access, RouteSpec, table};

use crate::both_backends;
use crate::helpers::{Backend, TestApp};

const OWN: &str = "79";
const OTHER: &str = "01";

/// Imports made in the own and the other unit, for routes with an `{id}` of an import.
struct Fixture {
    own_import: i64,
    other_import: i64,
    own_case: i64,
    other_case: i64,
    own_reference: String,
    other_reference: String,
    own_batch: i64,
    other_batch: i64,
}

fn path_for(spec: &RouteSpec, unit: &str, fixture: &Fixture) -> String {
    let id = match (spec.probe.case_param, spec.probe.batch_param, unit == OWN) {
        (_, true, true) => fixture.own_batch,
        (_, true, false) => fixture.other_batch,
        (true, _, true) => fixture.own_case,
        (true, _, false) => fixture.other_case,
        (false, _, true) => fixture.own_import,
        (false, _, false) => fixture.other_import,
    };
    let reference = if unit == OWN {
        &fixture.own_reference
    } else {
        &fixture.other_reference
    };
    let mut path = spec
        .path
        .replace("{code}", unit)
        .replace("{id}", &id.to_string())
        .replace("{reference}", reference)
        // A merge probe merges a unit into itself, which is refused: nothing moves.
        .replace("{successor}", unit)
        // No such message: an allowed caller reaches the case and gets 409.
        .replace("{message}", "0");
    if let Some(query) = spec.probe.query {
        path.push('?');
        path.push_str(&query.replace("{code}", unit));
    }
    assert!(
        !path.contains('{'),
        "route {spec:?} has a path parameter the matrix cannot fill: add a probe for it"
    );
    path
}

/// A case in `unit`, imported from a one-person roster.
fn fixture_case(app: &TestApp, unit: &str, national_id: &str) -> i64 {
    let policy = staffpay::startup::load_policy(&app.test_db.settings()).unwrap();
    let mut conn = app.db.get().unwrap();
    let csv = format!(
        "Họ và tên,Số định danh cá nhân,Ngày sinh,Giới tính,Đối tượng,Hình thức nghỉ,Hệ số lương,Phụ cấp công vụ (%),Thời gian đóng BHXH (tháng),Ngày hiệu lực quyết định sắp xếp,Ngày nghỉ\nA,{national_id},15/01/1966,Nam,Viên chức,Nghỉ hưu trước tuổi,4.65,25,264,01/03/2025,01/05/2025\n"
    );
    let request = staffpay::services::imports::ImportRequest {
        file_name: format!("case-{unit}.csv"),
        sheet: None,
        unit_code: unit.into(),
        dry_run: false,
        accept_valid: false,
        options: Default::default(),
    };
    let report = staffpay::services::imports::import_roster(
        &mut conn,
        &policy,
        &staffpay::services::Actor::cli(),
        &request,
        csv.as_bytes(),
    )
    .unwrap();
    assert_eq!(report.rows.created, 1, "{report:?}");
    let (rows, _) = staffpay::db::cases::list(
        &mut conn,
        &staffpay::db::units::UnitScope::All,
        &staffpay::db::cases::CaseFilter {
            text: Some(national_id.into()),
            ..Default::default()
        },
        1,
        0,
    )
    .unwrap();
    rows[0].id.0
}

/// A payment batch of `unit` holding `case`, stored directly (the probe needs one whatever
/// the case's state; the rules of making one are tested in tests/api/batches.rs).
fn fixture_batch(app: &TestApp, unit: &str, case: i64) -> i64 {
    use staffpay::db::batches::{BatchLine, NewBatch, insert};
    let mut conn = app.db.get().unwrap();
    let unit = staffpay::db::units::find_by_code(&mut conn, unit)
        .unwrap()
        .unwrap();
    insert(
        &mut conn,
        &NewBatch {
            unit_id: unit.id,
            number: 1,
            batch_date: chrono::NaiveDate::from_ymd_opt(2025, 8, 1).unwrap(),
            order_ref: None,
            created_by: None,
            created_by_label: "cli".into(),
            created_at: staffpay::db::now(),
        },
        &mut [BatchLine {
            batch_id: 0,
            case_id: CaseId(case),
            line_no: 1,
            worker_group: 1,
            full_name: "A".into(),
            bank_account: Some("0011000000001".into()),
            bank_name: Some("Vietcombank".into()),
            amount_vnd: 1_000_000,
            supplement: false,
        }],
    )
    .unwrap()
}

fn fixture_import(app: &TestApp, unit: &str) -> i64 {
    let policy = staffpay::startup::load_policy(&app.test_db.settings()).unwrap();
    let mut conn = app.db.get().unwrap();
    let request = staffpay::services::imports::ImportRequest {
        file_name: format!("fixture-{unit}.csv"),
        sheet: None,
        unit_code: unit.into(),
        dry_run: false,
        accept_valid: false,
        options: Default::default(),
    };
    staffpay::services::imports::import_roster(
        &mut conn,
        &policy,
        &staffpay::services::Actor::cli(),
        &request,
        // One row with an impossible birth date: a rejected import with an error workbook.
        "Họ và tên,Số định danh cá nhân,Ngày sinh,Giới tính,Đối tượng,Hình thức nghỉ,Ngày nghỉ\nA,079066001234,31/02/1966,Nam,Viên chức,Thôi việc,01/05/2025\n".as_bytes(),
    )
    .unwrap()
    .import_id
    .unwrap()
}

async fn authorisation_matrix(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut users = Vec::new();
    for role in Role::ALL {
        let id = app.user(
            &format!("m-{}", role.as_str()),
            role,
            &[OWN],
            "a long enough password",
        );
        users.push((role, id));
    }
    let own_case = fixture_case(&app, OWN, "079066001111");
    let other_case = fixture_case(&app, OTHER, "001066002222");
    let reference_of = |id: i64| {
        let mut conn = app.db.get().unwrap();
        staffpay::db::cases::find_in_scope(
            &mut conn,
            &staffpay::db::units::UnitScope::All,
            CaseId(id),
        )
        .unwrap()
        .unwrap()
        .0
        .payment_reference
    };
    let fixture = Fixture {
        own_import: fixture_import(&app, OWN),
        other_import: fixture_import(&app, OTHER),
        own_reference: reference_of(own_case),
        other_reference: reference_of(other_case),
        own_batch: fixture_batch(&app, OWN, own_case),
        other_batch: fixture_batch(&app, OTHER, other_case),
        own_case,
        other_case,
    };
    let (probe_user_role, probe_user) = users[0];
    assert_eq!(probe_user_role, Role::Admin);
    let mut failures = Vec::new();
    let mut cells = 0;

    for spec in table() {
        let body = spec.probe.body;
        let method = spec.method.as_str();
        // Public rows, and staff pages without a session (the page's own access rule is
        // probed with a session in `pages_take_their_access_rule_from_the_route_table`).
        if matches!(spec.access, Access::Public | Access::Page(_)) {
            let reply = app
                .call_as(
                    method,
                    &path_for(&spec, OWN, &fixture),
                    None,
                    body,
                    spec.probe.content_type,
                )
                .await;
            cells += 1;
            if reply.status != spec.probe.success {
                failures.push(format!(
                    "{spec:?} public: {} {:?}",
                    reply.status, reply.body
                ));
            }
            continue;
        }

        // No token, expired token, revoked token: 401 whatever the role.
        let (expired, _) = app.token(probe_user, TimeDelta::seconds(-5));
        let (revoked, revoked_id) = app.token(probe_user, TimeDelta::hours(1));
        {
            let mut conn = app.db.get().unwrap();
            staffpay::db::users::revoke_token(&mut conn, revoked_id).unwrap();
        }
        for (label, token) in [
            ("no token", None),
            ("expired", Some(&expired)),
            ("revoked", Some(&revoked)),
        ] {
            let reply = app
                .call_as(
                    method,
                    &path_for(&spec, OWN, &fixture),
                    token.map(String::as_str),
                    body,
                    spec.probe.content_type,
                )
                .await;
            cells += 1;
            if reply.status != 401 || reply.body["error"]["code"] != "unauthenticated" {
                failures.push(format!(
                    "{spec:?} {label}: {} {:?}",
                    reply.status, reply.body
                ));
            }
        }

        for (role, user) in &users {
            let units: &[&str] = if spec.probe.unit_param
                || spec.probe.import_param
                || spec.probe.case_param
                || spec.probe.batch_param
            {
                &[OWN, OTHER]
            } else {
                &[OWN]
            };
            for unit in units {
                let allowed = match spec.access {
                    Access::Requires(p) => role.can(p),
                    _ => true,
                };
                let visible = *unit == OWN || role.is_nationwide();
                let expected = if !allowed {
                    403
                } else if !visible {
                    404
                } else {
                    spec.probe.success
                };
                let (token, _) = app.token(*user, TimeDelta::hours(1));
                let reply = app
                    .call_as(
                        method,
                        &path_for(&spec, unit, &fixture),
                        Some(&token),
                        body,
                        spec.probe.content_type,
                    )
                    .await;
                cells += 1;
                let ok = if expected == 0 {
                    // Access granted; the outcome depends on the case's state.
                    !matches!(reply.status, 401 | 403 | 404)
                } else {
                    reply.status == expected
                };
                if !ok {
                    failures.push(format!(
                        "{spec:?} as {role} on unit {unit}: expected {expected}, got {} {:?}",
                        reply.status, reply.body
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cells} cells wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(cells > 50, "matrix too small: {cells}");
}
both_backends!(authorisation_matrix);

/// The intended policy for the riskiest cells, stated by hand so that a change to the
/// permission table itself is noticed.
#[test]
fn key_permissions_are_as_intended() {
    use staffpay::domain::access::Permission::*;
    let expect = [
        (Role::UnitOfficer, SetTreasuryAccount, false),
        (Role::MofOfficer, SetTreasuryAccount, true),
        (Role::MohaReviewer, ReviewCases, true),
        (Role::MofOfficer, ReviewCases, false),
        (Role::UnitOfficer, ReviewCases, false),
        (Role::MohaReviewer, RecordPayments, false),
        (Role::MofOfficer, RecordPayments, true),
        (Role::NationalViewer, RecordPayments, false),
        (Role::UnitOfficer, SubmitRoster, true),
        (Role::MohaReviewer, SubmitRoster, false),
        (Role::NationalViewer, ReadCases, true),
        (Role::UnitOfficer, ManageUsers, false),
    ];
    for (role, permission, allowed) in expect {
        assert_eq!(role.can(permission), allowed, "{role} {permission:?}");
    }
}
