//! Hostile input (issue 15): decompression bombs, formula injection in exports, existence
//! leaks across units, rosters filing other units' staff. One module per kind of attack.

mod bombs;
mod exports;
mod files;
mod units;

use crate::helpers::TestApp;

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
