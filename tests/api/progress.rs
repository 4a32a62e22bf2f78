//! Progress by group and nationally, scoped to the caller.

use chrono::TimeDelta;
use diesel::prelude::*;
use staffpay::db::schema::cases;
use staffpay::domain::access::Role;
use staffpay::services::Actor;
use staffpay::services::imports::{ImportRequest, import_roster};

use crate::both_backends;
use crate::helpers::{Backend, TestApp};

const HEADER: &str = "Họ và tên,Số định danh cá nhân,Ngày sinh,Giới tính,Mã đơn vị,Đối tượng,Hình thức nghỉ,Hệ số lương,Hệ số phụ cấp chức vụ,Phụ cấp công vụ (%),Thời gian đóng BHXH (tháng),Ngày hiệu lực quyết định sắp xếp,Ngày nghỉ";

fn import(app: &TestApp, unit: &str, rows: &[&str]) {
    let mut text = format!("{HEADER}\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    let policy = staffpay::startup::load_policy(&app.test_db.settings()).unwrap();
    let mut conn = app.db.get().unwrap();
    let report = import_roster(
        &mut conn,
        &policy,
        &Actor::cli(),
        &ImportRequest {
            file_name: format!("{unit}.csv"),
            sheet: None,
            unit_code: unit.into(),
            dry_run: false,
            accept_valid: false,
            options: Default::default(),
        },
        text.as_bytes(),
    )
    .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}

async fn progress_rolls_up_and_respects_scope(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    import(
        &app,
        "79",
        &[
            "Nguyễn Văn An,079066001234,15/01/1966,Nam,79,\"Cán bộ, công chức\",Nghỉ hưu trước tuổi,4.65,0.6,25,264,01/03/2025,01/05/2025",
            "Trần Thị Bình,079185004321,01/06/1985,Nữ,79,\"Cán bộ, công chức\",Thôi việc,3.66,0,25,180,01/03/2025,01/06/2025",
        ],
    );
    import(
        &app,
        "BYT",
        &[
            "Lê Văn Cường,001070123456,10/03/1970,Nam,BYT,Viên chức,Thôi việc,3.0,0,25,100,01/07/2025,01/09/2025",
        ],
    );
    {
        // One HCMC case paid in full.
        let mut conn = app.db.get().unwrap();
        diesel::update(cases::table.filter(cases::entitled_vnd.eq(744_778_125_i64)))
            .set((cases::state.eq("paid"), cases::paid_vnd.eq(744_778_125_i64)))
            .execute(&mut conn)
            .unwrap();
    }
    let viewer = app.user(
        "viewer",
        Role::NationalViewer,
        &[],
        "a long enough password",
    );
    let (token, _) = app.token(viewer, TimeDelta::hours(1));
    let reply = app.get("/api/v1/progress", Some(&token)).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let national = &reply.body["national"];
    assert_eq!(national["people"], 3);
    assert_eq!(national["paid"], 1);
    assert_eq!(national["paid_people_pct"], "33.33");
    let entitled = national["entitled_vnd"].as_i64().unwrap();
    assert_eq!(national["paid_vnd"], 744_778_125);
    assert_eq!(
        national["paid_amount_pct"],
        staffpay::services::progress::pct(744_778_125, entitled)
    );
    let groups = reply.body["groups"].as_array().unwrap();
    let codes: Vec<&str> = groups.iter().map(|g| g["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["79", "BYT"]);
    assert_eq!(groups[0]["people"], 2);
    assert_eq!(groups[0]["paid_people_pct"], "50.00");

    let provinces = app
        .get("/api/v1/progress?group_by=province", Some(&token))
        .await;
    assert_eq!(provinces.body["groups"].as_array().unwrap().len(), 1);

    // A unit officer of Hanoi sees nothing of HCMC.
    let hanoi = app.user("hn", Role::UnitOfficer, &["01"], "a long enough password");
    let (token, _) = app.token(hanoi, TimeDelta::hours(1));
    let reply = app.get("/api/v1/progress", Some(&token)).await;
    assert_eq!(reply.body["national"]["people"], 0);
    assert!(reply.body["groups"].as_array().unwrap().is_empty());
}
both_backends!(progress_rolls_up_and_respects_scope);

/// The per-unit aggregates the service reads equal the live computation over every case after
/// each step of random operation sequences (approve, return, fund, pay, reverse, cancel, unit
/// merge, bulk approval, and direct SQL changes of money, dates and units), and the progress
/// report from them equals the live report as of several days.
async fn aggregates_equal_the_live_computation_after_random_operations(backend: Backend) {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    use staffpay::db::progress::{Source, drift};
    use staffpay::db::schema::{payments, units};
    use staffpay::services::progress::{GroupBy, progress_from};

    let app = TestApp::spawn(backend).await;
    crate::helpers::with_demo(&app, 60, true);
    let settings = app.test_db.settings();
    let policy = staffpay::startup::load_policy(&settings).unwrap();
    const PW: &str = "a long enough password";
    let reviewer = app.user("rev", Role::MohaReviewer, &["VN"], PW);
    let officer = app.user("mof", Role::MofOfficer, &["VN"], PW);
    let admin = app.user("adm", Role::Admin, &[], PW);
    let (reviewer, _) = app.token(reviewer, TimeDelta::hours(1));
    let (officer, _) = app.token(officer, TimeDelta::hours(1));
    let (admin, _) = app.token(admin, TimeDelta::hours(1));

    let check = |step: &str| {
        let mut conn = app.db.get().unwrap();
        let found = drift(&mut conn).unwrap();
        assert!(found.is_empty(), "after {step}: {found:?}");
        for as_of in ["2025-06-30", "2025-12-31", "2026-12-06"] {
            let as_of = as_of.parse().unwrap();
            let mut report = |source| {
                let p = progress_from(
                    &mut conn,
                    &policy,
                    &staffpay::db::units::UnitScope::All,
                    GroupBy::Unit,
                    as_of,
                    source,
                )
                .unwrap();
                serde_json::to_value(p).unwrap()
            };
            let stored = report(Source::Aggregates);
            assert_eq!(stored, report(Source::Live), "after {step}, as of {as_of}");
        }
    };
    check("the demo data");

    let mut applied = 0;
    let mut tried = 0;
    for seed in [7_u64, 19, 2025] {
        let mut rng = StdRng::seed_from_u64(seed);
        for step in 0..25 {
            let all: Vec<(i64, String, i64, i64, i64)> = {
                let mut conn = app.db.get().unwrap();
                cases::table
                    .order(cases::id.asc())
                    .select((
                        cases::id,
                        cases::state,
                        cases::entitled_vnd,
                        cases::paid_vnd,
                        cases::unit_id,
                    ))
                    .load(&mut conn)
                    .unwrap()
            };
            let in_state = |states: &[&str]| -> Vec<(i64, i64, i64)> {
                all.iter()
                    .filter(|c| states.contains(&c.1.as_str()))
                    .map(|c| (c.0, c.2, c.3))
                    .collect()
            };
            let pick = |rng: &mut StdRng, v: &[(i64, i64, i64)]| -> Option<(i64, i64, i64)> {
                (!v.is_empty()).then(|| v[rng.random_range(0..v.len())])
            };
            let op = rng.random_range(0..11);
            let label = format!("seed {seed} step {step} op {op}");
            let reply = match op {
                0 | 1 => match pick(&mut rng, &in_state(&["submitted"])) {
                    Some((id, _, _)) => Some(
                        app.call(
                            "POST",
                            &format!("/api/v1/cases/{id}/approve"),
                            Some(&reviewer),
                            Some(&crate::helpers::action_body(&app, id, "")),
                        )
                        .await,
                    ),
                    None => None,
                },
                2 => match pick(&mut rng, &in_state(&["submitted"])) {
                    Some((id, _, _)) => Some(
                        app.call(
                            "POST",
                            &format!("/api/v1/cases/{id}/return"),
                            Some(&reviewer),
                            Some(&crate::helpers::action_body(
                                &app,
                                id,
                                r#","reason":"Sai hệ số lương""#,
                            )),
                        )
                        .await,
                    ),
                    None => None,
                },
                3 => match pick(&mut rng, &in_state(&["approved"])) {
                    Some((id, _, _)) => Some(
                        app.call(
                            "POST",
                            &format!("/api/v1/cases/{id}/fund"),
                            Some(&officer),
                            Some(&crate::helpers::action_body(
                                &app,
                                id,
                                r#","funding_source":"QĐ 15/2025""#,
                            )),
                        )
                        .await,
                    ),
                    None => None,
                },
                4 | 5 => match pick(&mut rng, &in_state(&["payable", "partially_paid"])) {
                    Some((id, entitled, paid)) => {
                        let due = entitled - paid;
                        let amount = if rng.random_bool(0.5) {
                            due
                        } else {
                            rng.random_range(1..=due.max(1))
                        };
                        let body = crate::helpers::with_version(
                            &app,
                            id,
                            &format!(r#"{{"amount_vnd":{amount},"paid_on":"2026-01-15"}}"#),
                        );
                        Some(
                            app.call(
                                "POST",
                                &format!("/api/v1/cases/{id}/payments"),
                                Some(&officer),
                                Some(&body),
                            )
                            .await,
                        )
                    }
                    None => None,
                },
                6 => {
                    let open: Vec<(i64, i64, i64)> = {
                        let mut conn = app.db.get().unwrap();
                        let reversed: Vec<Option<i64>> = payments::table
                            .filter(payments::reverses_id.is_not_null())
                            .select(payments::reverses_id)
                            .load(&mut conn)
                            .unwrap();
                        let reversed: Vec<i64> = reversed.into_iter().flatten().collect();
                        payments::table
                            .filter(payments::id.ne_all(reversed))
                            .filter(payments::reverses_id.is_null())
                            .filter(payments::amount_vnd.gt(0))
                            .select((payments::id, payments::case_id, payments::amount_vnd))
                            .load(&mut conn)
                            .unwrap()
                    };
                    match pick(&mut rng, &open) {
                        Some((payment, case, amount)) => {
                            let body = crate::helpers::with_version(
                                &app,
                                case,
                                &format!(
                                    r#"{{"amount_vnd":{amount},"paid_on":"2026-06-01","reverses":{payment}}}"#
                                ),
                            );
                            Some(
                                app.call(
                                    "POST",
                                    &format!("/api/v1/cases/{case}/payments"),
                                    Some(&officer),
                                    Some(&body),
                                )
                                .await,
                            )
                        }
                        None => None,
                    }
                }
                7 => match pick(&mut rng, &in_state(&["submitted", "returned", "approved"])) {
                    Some((id, _, _)) => Some(
                        app.call(
                            "POST",
                            &format!("/api/v1/cases/{id}/cancel"),
                            Some(&reviewer),
                            Some(&crate::helpers::action_body(
                                &app,
                                id,
                                r#","reason":"Thu hồi quyết định""#,
                            )),
                        )
                        .await,
                    ),
                    None => None,
                },
                8 => {
                    // A unit with cases merged into another unit with cases.
                    let codes: Vec<String> = {
                        let mut conn = app.db.get().unwrap();
                        let mut ids: Vec<i64> = all.iter().map(|c| c.4).collect();
                        ids.sort_unstable();
                        ids.dedup();
                        units::table
                            .filter(units::id.eq_any(ids))
                            .filter(units::merged_into_id.is_null())
                            .select(units::code)
                            .load(&mut conn)
                            .unwrap()
                    };
                    if codes.len() < 2 {
                        None
                    } else {
                        let from = rng.random_range(0..codes.len());
                        let into = (from + 1 + rng.random_range(0..codes.len() - 1)) % codes.len();
                        Some(
                            app.call(
                                "POST",
                                &format!(
                                    "/api/v1/units/{}/merge-into/{}",
                                    codes[from], codes[into]
                                ),
                                Some(&admin),
                                Some("{}"),
                            )
                            .await,
                        )
                    }
                }
                10 => {
                    // A small roster imported (new people, and people already there updated):
                    // the bulk insert defers the insert trigger and adds the new cases set-wise.
                    use staffpay::demo::roster::{DemoRosterOptions, demo_roster_bytes};
                    use staffpay::services::imports::{ImportRequest, import_roster};
                    let (bytes, _) = demo_roster_bytes(&DemoRosterOptions {
                        people: rng.random_range(1..6),
                        seed: rng.random_range(0..1_000_000),
                        unit_codes: staffpay::demo::DEMO_PEOPLE_UNITS
                            .iter()
                            .map(|c| (*c).to_string())
                            .collect(),
                        invalid_per_mille: 0,
                    })
                    .unwrap();
                    let request = ImportRequest {
                        file_name: "them.xlsx".into(),
                        sheet: None,
                        unit_code: "VN".into(),
                        dry_run: false,
                        accept_valid: true,
                        options: Default::default(),
                    };
                    let mut conn = app.db.get().unwrap();
                    let report = import_roster(
                        &mut conn,
                        &policy,
                        &staffpay::services::Actor::operator(),
                        &request,
                        &bytes,
                    )
                    .unwrap();
                    assert!(report.import_id.is_some(), "{label}: {report:?}");
                    applied += 1;
                    None
                }
                _ => {
                    // Direct SQL, as an operator's repair would be: money, dates, the unit.
                    let (id, _, _, _, unit) = all[rng.random_range(0..all.len())];
                    let mut conn = app.db.get().unwrap();
                    let target = cases::table.find(id);
                    match rng.random_range(0..5) {
                        // The unit's Treasury account opened or closed (units lacking one).
                        4 => {
                            let account: Option<String> = units::table
                                .find(unit)
                                .select(units::treasury_account_no)
                                .first(&mut conn)
                                .unwrap();
                            let next = match account {
                                Some(_) => None,
                                None => Some("9523.1.1234567".to_owned()),
                            };
                            diesel::update(units::table.find(unit))
                                .set(units::treasury_account_no.eq(next))
                                .execute(&mut conn)
                        }
                        0 => diesel::update(target)
                            .set(cases::entitled_vnd.eq(cases::entitled_vnd + 1_000))
                            .execute(&mut conn),
                        1 => {
                            diesel::update(target)
                                .set(cases::decision_date.eq(Some(
                                    chrono::NaiveDate::from_ymd_opt(2025, 9, 30).unwrap(),
                                )))
                                .execute(&mut conn)
                        }
                        2 => diesel::update(target)
                            .set(
                                cases::approved_at.eq(Some(
                                    chrono::NaiveDate::from_ymd_opt(2025, 7, 1)
                                        .unwrap()
                                        .and_hms_opt(17, 30, 0)
                                        .unwrap(),
                                )),
                            )
                            .execute(&mut conn),
                        _ => diesel::update(target)
                            .set(cases::unit_id.eq(all[0].4))
                            .execute(&mut conn),
                    }
                    .unwrap();
                    applied += 1;
                    None
                }
            };
            if let Some(reply) = reply {
                tried += 1;
                if reply.status == 200 || reply.status == 201 {
                    applied += 1;
                } else {
                    eprintln!("{label}: {} {}", reply.status, reply.body);
                }
            }
            check(&label);
        }
        // Other policy tables with another deadline cut: the owed aggregates are keyed anew,
        // then back.
        let cuts = policy.deadline_breakpoints();
        let mut other = cuts.clone();
        other.push(chrono::NaiveDate::from_ymd_opt(2025, 9, 15).unwrap());
        other.sort_unstable();
        {
            let mut conn = app.db.get().unwrap();
            let sync = staffpay::db::progress::sync_deadline_cuts;
            assert!(sync(&mut conn, &other).unwrap());
            assert!(!sync(&mut conn, &other).unwrap());
        }
        check(&format!("seed {seed}, other cuts"));
        {
            let mut conn = app.db.get().unwrap();
            assert!(staffpay::db::progress::sync_deadline_cuts(&mut conn, &cuts).unwrap());
        }
        check(&format!("seed {seed}, cuts back"));
    }
    // Not a vacuous walk: most operations changed something.
    assert!(
        applied >= 40,
        "only {applied} of 75 steps applied ({tried} requests)"
    );
}
both_backends!(aggregates_equal_the_live_computation_after_random_operations);
