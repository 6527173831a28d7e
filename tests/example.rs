//! `cargo run --example referral_account` as a user runs it, against a
//! local stand-in of the platform (127.0.0.1) that first rate-limits the
//! call, then calls the token expired, then answers with a code the page
//! documents.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CREATE: &str = "/open-apis/hire/v1/referral_account";

/// The token endpoint, expecting `times` requests.
async fn mount_token(server: &MockServer, times: u64) {
    Mock::given(method("POST"))
        .and(path("/open-apis/auth/v3/tenant_access_token/internal"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "code": 0, "msg": "ok", "tenant_access_token": "t-stand-in", "expire": 7200
        })))
        .expect(times)
        .mount(server)
        .await;
}

/// Rate limit, expired token, then a documented error code.
async fn failing_stand_in() -> MockServer {
    let server = MockServer::start().await;
    // Once, and once more after the expired-token answer.
    mount_token(&server, 2).await;
    let answers = [
        ResponseTemplate::new(429)
            .insert_header("x-ogw-ratelimit-reset", "1")
            .set_body_json(json!({"code": 99991400, "msg": "request trigger frequency limit"})),
        ResponseTemplate::new(401).set_body_json(json!({
            "code": 99991663, "msg": "Invalid access token for authorization."
        })),
    ];
    // Wiremock answers with the first mounted mock that still matches.
    for answer in answers {
        Mock::given(method("POST"))
            .and(path(CREATE))
            .respond_with(answer)
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path(CREATE))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("x-tt-logid", "202406011200000A1B2C3D4E5F")
                .set_body_json(json!({"code": 1002551, "msg": "用户不存在"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    server
}

/// `cargo run --quiet --example referral_account -- EMAIL` in the workspace,
/// in the profile these tests were built in (so it reuses their build).
fn run_example(base_url: &str, email: &str) -> Output {
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .args(["run", "--quiet", "--example", "referral_account"])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."));
    if !cfg!(debug_assertions) {
        cargo.arg("--release");
    }
    cargo
        .args(["--", email])
        .env("FEISHU_APP_ID", "cli_stand_in")
        .env("FEISHU_APP_SECRET", "stand-in-secret")
        .env("FEISHU_BASE_URL", base_url)
        .output()
        .expect("cargo runs")
}

#[tokio::test]
async fn the_example_waits_refreshes_and_reports_the_documented_error() {
    let server = failing_stand_in().await;
    let started = Instant::now();
    let output = run_example(&server.uri(), "someone@example.com");
    // The stand-in's reset header asked for a second.
    assert!(started.elapsed() >= Duration::from_secs(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Shown with --nocapture: the run as a user sees it.
    println!(
        "exit: {}\nstdout:\n{stdout}stderr:\n{stderr}",
        output.status
    );

    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stdout, "");
    let expected = "error: API error 1002551: 用户不存在 (log_id: 202406011200000A1B2C3D4E5F)\n\
                    documented as: Code1002551\n";
    assert_eq!(stderr, expected);

    let create_bodies: Vec<serde_json::Value> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == CREATE)
        .map(|r| r.body_json().unwrap())
        .collect();
    assert_eq!(
        create_bodies,
        vec![json!({"email": "someone@example.com"}); 3]
    );
}

#[tokio::test]
async fn the_example_prints_the_account_id() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("POST"))
        .and(path(CREATE))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "code": 0, "msg": "success",
            "data": {"account": {"account_id": "6942778198054125570", "status": 1}}
        })))
        .expect(1)
        .mount(&server)
        .await;

    let output = run_example(&server.uri(), "someone@example.com");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "account id: 6942778198054125570\n"
    );
}
