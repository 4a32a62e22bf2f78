//! Text normalisation (issue 15, item 8): a name typed in decomposed Unicode (NFD, as macOS
//! and some Excel exports produce) is stored precomposed (NFC), so searching either form finds
//! it; text stored decomposed before is normalised once by the data step that runs with the
//! migrations; `%` and `_` in a search are not wildcards.

use chrono::TimeDelta;
use diesel::prelude::*;
use staffpay::db::schema::people;
use staffpay::domain::access::Role;

use crate::both_backends;
use crate::helpers::{Backend, TestApp};

const PW: &str = "a long enough password";
/// "Nguyễn Thị Thữ" in NFD: base letters followed by combining marks.
const NFD: &str = "Nguye\u{302}\u{303}n Thi\u{323} Thu\u{31b}\u{303}";
const NFC: &str = "Nguyễn Thị Thữ";

async fn names_are_stored_nfc_and_found_in_either_form(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let sub = app.user("sub", Role::UnitOfficer, &["79"], PW);
    let (sub, _) = app.token(sub, TimeDelta::hours(1));
    let csv = format!(
        "Họ và tên,Số định danh cá nhân,Ngày sinh,Giới tính,Đối tượng,Hình thức nghỉ,Hệ số lương,Phụ cấp công vụ (%),Thời gian đóng BHXH (tháng),Ngày hiệu lực quyết định sắp xếp,Ngày nghỉ\n{NFD},079185004321,01/06/1985,Nữ,\"Cán bộ, công chức\",Thôi việc,3.66,25,180,01/03/2025,01/06/2025\n"
    );
    let report = app.upload_roster(&sub, "79", &csv).await;
    assert_eq!(report["rows"]["created"], 1, "{report}");
    let stored: String = people::table
        .select(people::full_name)
        .first(&mut app.db.get().unwrap())
        .unwrap();
    assert_eq!(stored, NFC, "stored precomposed");
    for query in [NFC, NFD, "Thị"] {
        let q = serde_urlencoded::to_string([("text", query)]).unwrap();
        let list = app.get(&format!("/api/v1/cases?{q}"), Some(&sub)).await;
        assert_eq!(list.status, 200, "{:?}", list.body);
        assert_eq!(list.body["total"], 1, "search {query:?}");
    }
    // `_` and `%` are not wildcards: "Nguy_n" is not "Nguyễn", "%Thị%" is "Thị".
    for (text, expected) in [("Nguy_n", 0), ("%Thị%", 1)] {
        let q = serde_urlencoded::to_string([("text", text)]).unwrap();
        let list = app.get(&format!("/api/v1/cases?{q}"), Some(&sub)).await;
        assert_eq!(list.body["total"], expected, "search {text:?}");
    }

    // A row stored decomposed before this release: the data step rewrites it once.
    let mut conn = app.db.get().unwrap();
    diesel::update(people::table)
        .set(people::full_name.eq(NFD))
        .execute(&mut conn)
        .unwrap();
    diesel::delete(
        staffpay::db::schema::app_settings::table
            .filter(staffpay::db::schema::app_settings::key.eq(staffpay::db::normalize::DONE_KEY)),
    )
    .execute(&mut conn)
    .unwrap();
    staffpay::db::migrate::run_pending(&mut conn).unwrap();
    let stored: String = people::table
        .select(people::full_name)
        .first(&mut conn)
        .unwrap();
    assert_eq!(stored, NFC);
    // Recorded: it does not run again.
    diesel::update(people::table)
        .set(people::full_name.eq(NFD))
        .execute(&mut conn)
        .unwrap();
    staffpay::db::migrate::run_pending(&mut conn).unwrap();
    let stored: String = people::table
        .select(people::full_name)
        .first(&mut conn)
        .unwrap();
    assert_eq!(stored, NFD, "the step runs once per database");
}
both_backends!(names_are_stored_nfc_and_found_in_either_form);
