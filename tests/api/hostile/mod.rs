//! Hostile input (issue 15): one module per class of attack, each test failing on the code
//! before its fix.

mod bodies;
mod cli_acting;
mod payment_input;
mod proxies;
mod secrets;
mod throttle_race;

use chrono::TimeDelta;
use staffpay::domain::access::Role;

use crate::helpers::{Backend, TestApp};

pub const PW: &str = "a long enough password";

/// Two people of HCMC (79); the first is E1 of the policy document (744,778,125 đồng).
pub const ROSTER: &str = "Họ và tên,Số định danh cá nhân,Ngày sinh,Giới tính,Đối tượng,Hình thức nghỉ,Hệ số lương,Hệ số phụ cấp chức vụ,Phụ cấp công vụ (%),Thời gian đóng BHXH (tháng),Ngày hiệu lực quyết định sắp xếp,Ngày nghỉ,Số tài khoản,Ngân hàng\nNguyễn Văn An,079066001234,15/01/1966,Nam,\"Cán bộ, công chức\",Nghỉ hưu trước tuổi,4.65,0.6,25,264,01/03/2025,01/05/2025,0123456789,Vietcombank\nTrần Thị Bình,079185004321,01/06/1985,Nữ,\"Cán bộ, công chức\",Thôi việc,3.66,0,25,180,01/03/2025,01/06/2025,,\n";

/// A server with the roster submitted by an admin, a reviewer and a payment officer.
pub struct Fixture {
    pub app: TestApp,
    pub admin: String,
    pub reviewer: String,
    pub officer: String,
    /// E1's case, submitted.
    pub case: i64,
}

pub async fn fixture(backend: Backend) -> Fixture {
    fixture_with(backend, ROSTER).await
}

/// As [`fixture`], with another roster (E1 still first).
pub async fn fixture_with(backend: Backend, roster: &str) -> Fixture {
    let app = TestApp::spawn(backend).await;
    let admin = app.user("adm", Role::Admin, &[], PW);
    let reviewer = app.user("rev", Role::MohaReviewer, &["VN"], PW);
    let officer = app.user("mof", Role::MofOfficer, &["VN"], PW);
    let (admin, _) = app.token(admin, TimeDelta::hours(1));
    let (reviewer, _) = app.token(reviewer, TimeDelta::hours(1));
    let (officer, _) = app.token(officer, TimeDelta::hours(1));
    let report = app.upload_roster(&admin, "79", roster).await;
    assert_eq!(report["rows"]["created"], 2, "{report}");
    let list = app.get("/api/v1/cases?unit=79", Some(&admin)).await;
    let case = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["entitled_vnd"] == 744_778_125)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    Fixture {
        app,
        admin,
        reviewer,
        officer,
        case,
    }
}

impl Fixture {
    /// The case's state as stored.
    pub async fn state(&self, case: i64) -> String {
        let reply = self
            .app
            .get(&format!("/api/v1/cases/{case}"), Some(&self.admin))
            .await;
        reply.body["state"].as_str().unwrap().to_string()
    }
}
