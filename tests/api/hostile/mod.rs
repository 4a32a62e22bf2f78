//! Hostile input (issue 15): one module per class of attack — decompression bombs, formula
//! injection in exports, existence leaks across units, rosters filing other units' staff,
//! unreadable bodies, secrets, throttle races, proxies, payment input, the command line's
//! acting user — each test failing on the code before its fix.

mod bodies;
mod bombs;
mod cli_acting;
mod contract;
mod exports;
mod files;
mod payment_input;
mod proxies;
mod secrets;
mod throttle_race;
mod units;

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

/// Wraps `content` as the multipart field `file` named `file_name`.
pub fn multipart(file_name: &str, content: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(
        b"--HOSTILE\r\nContent-Disposition: form-data; name=\"file\"; filename=\"",
    );
    body.extend_from_slice(file_name.as_bytes());
    body.extend_from_slice(b"\"\r\nContent-Type: application/octet-stream\r\n\r\n");
    body.extend_from_slice(content);
    body.extend_from_slice(b"\r\n--HOSTILE--\r\n");
    body
}

/// Posts `content` as an upload to `path` (with its query); status and JSON body.
pub async fn post_file(
    app: &TestApp,
    token: &str,
    path: &str,
    file_name: &str,
    content: &[u8],
) -> (u16, serde_json::Value) {
    let mut resp = app
        .client
        .post(format!("{}{path}", app.base))
        .insert_header(("authorization", format!("Bearer {token}")))
        .insert_header(("content-type", "multipart/form-data; boundary=HOSTILE"))
        .send_body(multipart(file_name, content))
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let bytes = resp.body().limit(16 * 1024 * 1024).await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    )
}
