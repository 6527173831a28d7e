//! Server helpers, and the requests the tests send: the generated crate's
//! (`feishu-api` from the bundled pages, `feishu-api-fixture` from
//! `tests/fixtures/client/pages`), so the tests check what users call.

use std::time::Duration;

use feishu_api::hire::v1::referral_account::CreateReferralAccountRequest;
use feishu_api::hire::v1::types::Mobile;
use feishu_runtime::{Client, RetryPolicy};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const APP_ID: &str = "cli_test";
pub const APP_SECRET: &str = "s3cr3t-app-secret";

pub const REFERRAL_PATH: &str = "/open-apis/hire/v1/referral_account";

/// hire.v1.referral_account.create, as its page's example fills it.
pub fn referral_request() -> CreateReferralAccountRequest {
    let mut request = CreateReferralAccountRequest::new();
    request.mobile = Some(Mobile {
        code: Some("86".into()),
        number: Some("18900001111".into()),
    });
    request.email = Some("hire@open.com".into());
    request
}

pub const JOBS_PATH: &str = "/open-apis/hire/v1/jobs";

// ---- server helpers ----

pub const TENANT_TOKEN_PATH: &str = "/open-apis/auth/v3/tenant_access_token/internal";

/// Fast retries: tests must not sleep for long.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(300),
    }
}

pub fn client(server: &MockServer) -> Client {
    Client::builder(APP_ID, APP_SECRET)
        .base_url(server.uri())
        .retry(fast_retry())
        .build()
        .unwrap()
}

/// A success envelope.
pub fn ok(data: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"code": 0, "msg": "success", "data": data}))
}

/// An error envelope with the given HTTP status.
pub fn api_error(status: u16, code: i64, msg: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"code": code, "msg": msg}))
}

pub fn tenant_token(token: &str, expire: i64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "code": 0, "msg": "ok", "tenant_access_token": token, "expire": expire
    }))
}

/// Serves `t-1` for two hours, expecting `times` token requests.
pub async fn mount_tenant_token(server: &MockServer, times: u64) {
    Mock::given(method("POST"))
        .and(path(TENANT_TOKEN_PATH))
        .respond_with(tenant_token("t-1", 7200))
        .expect(times)
        .mount(server)
        .await;
}
