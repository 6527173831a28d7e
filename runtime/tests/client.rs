//! The runtime against a local HTTP server (127.0.0.1 only), through the
//! endpoint types the generator writes: `feishu-api` for the bundled pages'
//! referral account, `feishu-api-fixture` for the other endpoint shapes.

mod support;

use std::time::{Duration, Instant};

use feishu_api::hire::v1::referral_account::CreateReferralAccountError;
use feishu_api_fixture::application::v6::application::GetApplicationRequest;
use feishu_api_fixture::authen::v1::user_info::GetUserInfoRequest;
use feishu_api_fixture::contact::v3::types::UserIdType;
use feishu_api_fixture::contact::v3::user::GetUserRequest;
use feishu_api_fixture::drive::v1::file::{
    DownloadFileError, DownloadFileRequest, UploadAllFileRequest,
};
use feishu_api_fixture::hire::v1::job::{DeleteJobRequest, ListJobError, ListJobRequest};
use feishu_api_fixture::hire::v1::types::Job;
use feishu_runtime::{Client, Error, FilePart, RequestOptions};
use futures_util::{future, StreamExt, TryStreamExt};
use serde_json::json;
use support::*;
use wiremock::matchers::{
    body_partial_json, header, method, path, query_param, query_param_is_missing,
};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn account(id: &str) -> serde_json::Value {
    json!({"account": {"account_id": id, "status": 1}})
}

async fn referral_ok(server: &MockServer, token: &str, times: u64) {
    Mock::given(method("POST"))
        .and(path(REFERRAL_PATH))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(ok(account("6942778198054125570")))
        .expect(times)
        .mount(server)
        .await;
}

// ---- tokens ----

#[tokio::test]
async fn sends_the_body_and_decodes_data() {
    let server = MockServer::start().await;
    mount_tenant_token(&server, 1).await;
    Mock::given(method("POST"))
        .and(path(REFERRAL_PATH))
        .and(header("authorization", "Bearer t-1"))
        .and(header("content-type", "application/json; charset=utf-8"))
        .and(body_partial_json(json!({
            "mobile": {"code": "86", "number": "18900001111"}, "email": "hire@open.com"
        })))
        .respond_with(ok(account("6942778198054125570")))
        .expect(1)
        .mount(&server)
        .await;

    let data = client(&server).call(&referral_request()).await.unwrap();
    let id = data.account.and_then(|a| a.account_id);
    assert_eq!(id.as_deref(), Some("6942778198054125570"));

    let token_request = &server.received_requests().await.unwrap()[0];
    let sent: serde_json::Value = token_request.body_json().unwrap();
    assert_eq!(sent, json!({"app_id": APP_ID, "app_secret": APP_SECRET}));
}

#[tokio::test]
async fn concurrent_calls_share_one_token_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TENANT_TOKEN_PATH))
        // Slow enough that every call is waiting for it.
        .respond_with(tenant_token("t-1", 7200).set_delay(Duration::from_millis(200)))
        .expect(1)
        .mount(&server)
        .await;
    referral_ok(&server, "t-1", 20).await;

    let client = client(&server);
    let calls = (0..20).map(|_| tokio::spawn(client.call(&referral_request())));
    for result in future::join_all(calls).await {
        result.unwrap().unwrap();
    }
}

#[tokio::test]
async fn a_token_near_expiry_is_refreshed_first() {
    let server = MockServer::start().await;
    // 60 s left is inside the default 3-minute margin.
    Mock::given(method("POST"))
        .and(path(TENANT_TOKEN_PATH))
        .respond_with(tenant_token("t-1", 60))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TENANT_TOKEN_PATH))
        .respond_with(tenant_token("t-2", 7200))
        .expect(1)
        .mount(&server)
        .await;
    referral_ok(&server, "t-1", 1).await;
    referral_ok(&server, "t-2", 2).await;

    let client = client(&server);
    for _ in 0..3 {
        client.call(&referral_request()).await.unwrap();
    }
}

#[tokio::test]
async fn an_invalid_token_is_refreshed_once_and_the_call_retried_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TENANT_TOKEN_PATH))
        .respond_with(tenant_token("t-1", 7200))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TENANT_TOKEN_PATH))
        .respond_with(tenant_token("t-2", 7200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(REFERRAL_PATH))
        .and(header("authorization", "Bearer t-1"))
        .respond_with(api_error(
            400,
            99991663,
            "Invalid access token for authorization.",
        ))
        .expect(1)
        .mount(&server)
        .await;
    referral_ok(&server, "t-2", 1).await;

    client(&server).call(&referral_request()).await.unwrap();
}

#[tokio::test]
async fn a_second_invalid_token_answer_is_returned_not_looped() {
    let server = MockServer::start().await;
    mount_tenant_token(&server, 2).await;
    Mock::given(method("POST"))
        .and(path(REFERRAL_PATH))
        .respond_with(api_error(
            400,
            99991663,
            "Invalid access token for authorization.",
        ))
        .expect(2)
        .mount(&server)
        .await;

    let err = client(&server).call(&referral_request()).await.unwrap_err();
    assert_eq!(err.code(), Some(99991663));
    assert!(matches!(err, Error::Api(_)), "{err:?}");
}

#[tokio::test]
async fn a_user_token_is_sent_as_given_and_never_refreshed() {
    let server = MockServer::start().await;
    mount_tenant_token(&server, 0).await;
    Mock::given(method("GET"))
        .and(path("/open-apis/contact/v3/users/ou_1"))
        .and(header("authorization", "Bearer u-user"))
        .respond_with(api_error(401, 99991668, "user access token invalid"))
        .expect(1)
        .mount(&server)
        .await;

    let req = GetUserRequest::new("ou_1".into());
    let options = RequestOptions::default().with_user_access_token("u-user");
    let err = client(&server).call_with(&req, options).await.unwrap_err();
    assert_eq!(err.code(), Some(99991668));
}

#[tokio::test]
async fn a_user_only_endpoint_without_a_user_token_sends_nothing() {
    let server = MockServer::start().await;
    let err = client(&server)
        .call(&GetUserInfoRequest::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn app_token_endpoints_get_an_app_access_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/open-apis/auth/v3/app_access_token/internal"))
        .and(body_partial_json(
            json!({"app_id": APP_ID, "app_secret": APP_SECRET}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "code": 0, "msg": "ok", "app_access_token": "a-1",
            "tenant_access_token": "t-ignored", "expire": 7200
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/open-apis/application/v6/applications/me"))
        .and(header("authorization", "Bearer a-1"))
        .respond_with(ok(json!({"app": {"app_id": APP_ID}})))
        .expect(2)
        .mount(&server)
        .await;

    let client = client(&server);
    for _ in 0..2 {
        let data = client
            .call(&GetApplicationRequest::new("me".into()))
            .await
            .unwrap();
        assert_eq!(data.app.and_then(|a| a.app_id).as_deref(), Some(APP_ID));
    }
}

#[tokio::test]
async fn marketplace_apps_use_the_app_ticket_and_cache_per_tenant() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/open-apis/auth/v3/app_access_token"))
        .and(body_partial_json(
            json!({"app_id": APP_ID, "app_ticket": "ticket-1"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "code": 0, "msg": "ok", "app_access_token": "a-1", "expire": 7200
        })))
        .expect(1)
        .mount(&server)
        .await;
    for tenant in ["a", "b"] {
        Mock::given(method("POST"))
            .and(path("/open-apis/auth/v3/tenant_access_token"))
            .and(body_partial_json(json!({
                "app_access_token": "a-1", "tenant_key": format!("tk-{tenant}")
            })))
            .respond_with(tenant_token(&format!("t-{tenant}"), 7200))
            .expect(1)
            .mount(&server)
            .await;
    }
    referral_ok(&server, "t-a", 2).await;
    referral_ok(&server, "t-b", 1).await;

    let client = Client::builder(APP_ID, APP_SECRET)
        .base_url(server.uri())
        .marketplace_app()
        .retry(fast_retry())
        .build()
        .unwrap();
    let in_tenant = |t: &str| RequestOptions::default().with_tenant_key(t);

    let err = client
        .call_with(&referral_request(), in_tenant("tk-a"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidRequest(_)),
        "no ticket yet: {err:?}"
    );
    client.set_app_ticket("ticket-1");
    let err = client.call(&referral_request()).await.unwrap_err();
    assert!(
        matches!(err, Error::InvalidRequest(_)),
        "no tenant key: {err:?}"
    );

    for t in ["tk-a", "tk-b", "tk-a"] {
        client
            .call_with(&referral_request(), in_tenant(t))
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_refused_token_is_an_auth_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TENANT_TOKEN_PATH))
        .respond_with(api_error(400, 10003, "invalid param"))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server).call(&referral_request()).await.unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err:?}");
    assert_eq!(err.code(), Some(10003));
    assert!(!format!("{err:?}{err}").contains(APP_SECRET));
}

// ---- retries ----

#[tokio::test]
async fn rate_limited_waits_for_the_reset_header_then_succeeds() {
    let server = MockServer::start().await;
    mount_tenant_token(&server, 1).await;
    Mock::given(method("POST"))
        .and(path(REFERRAL_PATH))
        .respond_with(
            api_error(429, 99991400, "request trigger frequency limit")
                .insert_header("x-ogw-ratelimit-reset", "1"),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    referral_ok(&server, "t-1", 1).await;

    let started = Instant::now();
    client(&server).call(&referral_request()).await.unwrap();
    let waited = started.elapsed();
    // The header's 1 s, capped by the test policy's 300 ms max_delay (the
    // backoff alone would be 1 ms).
    assert!(waited >= Duration::from_millis(300), "{waited:?}");
    assert!(waited < Duration::from_millis(900), "{waited:?}");
}

#[tokio::test]
async fn the_rate_limit_code_is_retried_whatever_the_status() {
    let server = MockServer::start().await;
    mount_tenant_token(&server, 1).await;
    Mock::given(method("POST"))
        .and(path(REFERRAL_PATH))
        .respond_with(api_error(400, 99991400, "request trigger frequency limit"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    referral_ok(&server, "t-1", 1).await;

    client(&server).call(&referral_request()).await.unwrap();
}

#[tokio::test]
async fn retries_stop_at_the_bound() {
    let server = MockServer::start().await;
    mount_tenant_token(&server, 1).await;
    Mock::given(method("POST"))
        .and(path(REFERRAL_PATH))
        .respond_with(api_error(429, 99991400, "request trigger frequency limit"))
        // The first attempt and fast_retry's 2 retries.
        .expect(3)
        .mount(&server)
        .await;

    let err = client(&server).call(&referral_request()).await.unwrap_err();
    match err {
        Error::Api(e) => assert_eq!((e.code, e.http_status), (99991400, 429)),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn server_errors_are_retried_for_get_but_not_for_post() {
    let server = MockServer::start().await;
    mount_tenant_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path(JOBS_PATH))
        .respond_with(ResponseTemplate::new(503).set_body_string("<html>busy</html>"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(JOBS_PATH))
        .respond_with(ok(json!({"items": [], "has_more": false})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(REFERRAL_PATH))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>bad gateway</html>"))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    client.call(&ListJobRequest::new()).await.unwrap();
    let err = client.call(&referral_request()).await.unwrap_err();
    match err {
        Error::Http { status, body, .. } => {
            assert_eq!(status, 502);
            assert!(body.contains("bad gateway"));
        }
        other => panic!("{other:?}"),
    }
}

// ---- pagination ----

fn page(ids: &[&str], has_more: bool, token: &str) -> ResponseTemplate {
    let items: Vec<_> = ids.iter().map(|id| json!({"id": id})).collect();
    ok(json!({"items": items, "has_more": has_more, "page_token": token}))
}

#[tokio::test]
async fn pagination_follows_three_pages() {
    let server = MockServer::start().await;
    mount_tenant_token(&server, 1).await;
    let pages = [
        (None, page(&["1", "2"], true, "p2")),
        (Some("p2"), page(&["3", "4"], true, "p3")),
        (Some("p3"), page(&["5"], false, "")),
    ];
    for (token, answer) in pages {
        let mock = Mock::given(method("GET"))
            .and(path(JOBS_PATH))
            .and(query_param("page_size", "2"));
        let mock = match token {
            Some(t) => mock.and(query_param("page_token", t)),
            None => mock.and(query_param_is_missing("page_token")),
        };
        mock.respond_with(answer).expect(1).mount(&server).await;
    }

    let mut req = ListJobRequest::new();
    req.page_size = Some(2);
    let jobs: Vec<Job> = client(&server).paginate(req).try_collect().await.unwrap();
    let got: Vec<_> = jobs.into_iter().filter_map(|j| j.id).collect();
    assert_eq!(got, ["1", "2", "3", "4", "5"]);
}

#[tokio::test]
async fn pagination_ends_on_an_empty_token_even_with_has_more() {
    let server = MockServer::start().await;
    mount_tenant_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path(JOBS_PATH))
        .respond_with(page(&["1"], true, ""))
        .expect(1)
        .mount(&server)
        .await;

    let jobs: Vec<Job> = client(&server)
        .paginate(ListJobRequest::new())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1);
}

#[tokio::test]
async fn pagination_ends_on_a_repeated_token() {
    let server = MockServer::start().await;
    mount_tenant_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path(JOBS_PATH))
        .respond_with(page(&["1"], true, "same"))
        .expect(2)
        .mount(&server)
        .await;

    let jobs: Vec<Job> = client(&server)
        .paginate(ListJobRequest::new())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(jobs.len(), 2);
}

#[tokio::test]
async fn a_failed_page_is_the_streams_last_item() {
    let server = MockServer::start().await;
    mount_tenant_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path(JOBS_PATH))
        .and(query_param_is_missing("page_token"))
        .respond_with(page(&["1"], true, "p2"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(JOBS_PATH))
        .and(query_param("page_token", "p2"))
        .respond_with(api_error(400, 1002002, "bad page"))
        .expect(1)
        .mount(&server)
        .await;

    let items: Vec<_> = client(&server)
        .paginate(ListJobRequest::new())
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    let err = items[1].as_ref().unwrap_err();
    assert_eq!(err.kind(), Some(&ListJobError::InvalidParam));
}

// ---- transport ----

#[tokio::test]
async fn query_arrays_are_repeated_keys() {
    let server = MockServer::start().await;
    mount_tenant_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path(JOBS_PATH))
        .respond_with(page(&[], false, ""))
        .expect(1)
        .mount(&server)
        .await;

    let mut req = ListJobRequest::new();
    req.job_ids = vec!["a b".into(), "c&d".into()];
    client(&server).call(&req).await.unwrap();
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent[1].url.query(), Some("job_ids=a+b&job_ids=c%26d"));
}

#[tokio::test]
async fn a_multipart_upload_sends_fields_and_file() {
    let server = MockServer::start().await;
    mount_tenant_token(&server, 1).await;
    Mock::given(method("POST"))
        .and(path("/open-apis/drive/v1/files/upload_all"))
        .respond_with(ok(json!({"file_token": "boxcn1"})))
        .expect(1)
        .mount(&server)
        .await;

    let req = UploadAllFileRequest::new(
        "report.txt".into(),
        "explorer".into(),
        "fldcn1".into(),
        12,
        FilePart::new("report.txt", &b"hello upload"[..]).content_type("text/plain"),
    );
    let data = client(&server).call(&req).await.unwrap();
    assert_eq!(data.file_token.as_deref(), Some("boxcn1"));

    let sent = &server.received_requests().await.unwrap()[1];
    let content_type = sent.headers.get("content-type").unwrap().to_str().unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect(content_type);
    let body = String::from_utf8(sent.body.clone()).unwrap();
    // Sized, not chunked: the upload endpoints want a Content-Length.
    let length = sent
        .headers
        .get("content-length")
        .unwrap()
        .to_str()
        .unwrap();
    assert_eq!(length, body.len().to_string());
    for (name, value) in [
        ("file_name", "report.txt"),
        ("parent_type", "explorer"),
        ("parent_node", "fldcn1"),
        ("size", "12"),
    ] {
        let field = format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n");
        assert!(body.contains(&field), "{name} missing from {body}");
    }
    assert!(!body.contains("checksum"));
    let file = "Content-Disposition: form-data; name=\"file\"; filename=\"report.txt\"\r\n\
                Content-Type: text/plain\r\n\r\nhello upload\r\n";
    assert!(body.contains(file), "{body}");
    assert!(body.ends_with(&format!("--{boundary}--\r\n")), "{body}");
}

#[tokio::test]
async fn a_download_gives_bytes_and_filename() {
    let server = MockServer::start().await;
    mount_tenant_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/open-apis/drive/v1/files/boxcn1/download"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "content-disposition",
                    "attachment; filename=\"report.pdf\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf",
                )
                .set_body_raw(&b"%PDF-1.7 bytes"[..], "application/pdf"),
        )
        .expect(2)
        .mount(&server)
        .await;

    let client = client(&server);
    let req = DownloadFileRequest::new("boxcn1".into());
    let file = client.call(&req).await.unwrap();
    assert_eq!(file.filename.as_deref(), Some("报告.pdf"));
    assert_eq!(file.content_type.as_deref(), Some("application/pdf"));
    assert_eq!(&file.bytes[..], b"%PDF-1.7 bytes");

    let stream = client.download_stream(&req).await.unwrap();
    assert_eq!(stream.filename.as_deref(), Some("报告.pdf"));
    let chunks: Vec<_> = stream.try_collect().await.unwrap();
    assert_eq!(chunks.concat(), b"%PDF-1.7 bytes");
}

#[tokio::test]
async fn documented_headers_are_sent_and_unset_ones_left_out() {
    let server = MockServer::start().await;
    mount_tenant_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/open-apis/drive/v1/files/boxcn1/download"))
        .and(header("Range", "bytes=0-3"))
        .respond_with(ResponseTemplate::new(206).set_body_raw(&b"%PDF"[..], "application/pdf"))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let mut req = DownloadFileRequest::new("boxcn1".into());
    req.range = Some("bytes=0-3".into());
    assert_eq!(&client.call(&req).await.unwrap().bytes[..], b"%PDF");

    req.range = None;
    let _ = client.call(&req).await;
    let requests = server.received_requests().await.unwrap();
    let last = requests.last().unwrap();
    assert!(last.headers.get("range").is_none());
}

#[tokio::test]
async fn a_download_error_is_the_endpoints_typed_error() {
    let server = MockServer::start().await;
    mount_tenant_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/open-apis/drive/v1/files/boxcn1/download"))
        .respond_with(api_error(403, 1061004, "forbidden"))
        .expect(1)
        .mount(&server)
        .await;

    let req = DownloadFileRequest::new("boxcn1".into());
    let err = client(&server).call(&req).await.unwrap_err();
    assert_eq!(err.kind(), Some(&DownloadFileError::Forbidden));
}

#[tokio::test]
async fn a_path_parameter_is_sent_encoded() {
    let server = MockServer::start().await;
    mount_tenant_token(&server, 1).await;
    Mock::given(method("GET"))
        .respond_with(ok(json!({"user": {}})))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let mut req = GetUserRequest::new("../x".into());
    req.user_id_type = Some(UserIdType::OpenId);
    client.call(&req).await.unwrap();
    let sent = &server.received_requests().await.unwrap()[1];
    assert_eq!(sent.url.path(), "/open-apis/contact/v3/users/..%2Fx");
    assert_eq!(sent.url.query(), Some("user_id_type=open_id"));

    // A value that would be a dot-segment is refused before sending.
    for bad in ["..", ".", ""] {
        let err = client
            .call(&GetUserRequest::new(bad.into()))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{bad:?}: {err:?}");
    }
}

/// `()` (an endpoint without data) and a data struct whose fields are all
/// optional both take each way of saying "no data".
#[tokio::test]
async fn empty_or_missing_data_decodes_into_unit_and_optional_structs() {
    let server = MockServer::start().await;
    mount_tenant_token(&server, 1).await;
    let envelopes = [
        json!({"code": 0, "msg": "ok", "data": {}}),
        json!({"code": 0, "msg": "ok"}),
        json!({"code": 0, "msg": "ok", "data": null}),
    ];
    for (n, envelope) in envelopes.iter().enumerate() {
        for prefix in ["/open-apis/hire/v1/jobs", "/open-apis/contact/v3/users"] {
            Mock::given(path(format!("{prefix}/{n}")))
                .respond_with(ResponseTemplate::new(200).set_body_json(envelope))
                .expect(1)
                .mount(&server)
                .await;
        }
    }

    let client = client(&server);
    for n in 0..envelopes.len() {
        client
            .call(&DeleteJobRequest::new(n.to_string()))
            .await
            .unwrap();
        let data = client
            .call(&GetUserRequest::new(n.to_string()))
            .await
            .unwrap();
        assert!(data.user.is_none());
    }
}

// ---- errors ----

#[tokio::test]
async fn a_documented_code_decodes_into_the_endpoints_enum_with_its_log_id() {
    let server = MockServer::start().await;
    mount_tenant_token(&server, 1).await;
    Mock::given(method("POST"))
        .and(path(REFERRAL_PATH))
        .respond_with(
            api_error(400, 1002551, "user not exist").insert_header("x-tt-logid", "20240101abcdef"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server).call(&referral_request()).await.unwrap_err();
    assert_eq!(err.kind(), Some(&CreateReferralAccountError::Code1002551));
    assert_eq!(err.log_id(), Some("20240101abcdef"));
    let shown = err.to_string();
    for part in ["1002551", "user not exist", "20240101abcdef"] {
        assert!(shown.contains(part), "{shown}");
    }
    match err {
        Error::Api(e) => assert_eq!(e.http_status, 400),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_undocumented_code_keeps_the_whole_envelope() {
    let server = MockServer::start().await;
    mount_tenant_token(&server, 1).await;
    Mock::given(method("POST"))
        .and(path(REFERRAL_PATH))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "code": 99991672,
            "msg": "Access denied.",
            "error": {
                "log_id": "log-from-body",
                "troubleshooter": "https://open.feishu.cn/search?log_id=log-from-body",
                "permission_violations": [
                    {"type": "action_scope_required", "subject": "hire:referral_account", "description": "need scope"}
                ],
                "field_violations": [{"field": "email", "value": "x", "description": "bad email"}],
                "helps": [{"url": "https://open.feishu.cn/x", "description": "docs"}]
            }
        })))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server).call(&referral_request()).await.unwrap_err();
    assert_eq!(err.kind(), None);
    let Error::Api(e) = err else {
        panic!("{err:?}")
    };
    assert_eq!(e.code, 99991672);
    assert_eq!(e.msg, "Access denied.");
    assert_eq!(e.log_id.as_deref(), Some("log-from-body"));
    assert!(e
        .troubleshooter
        .as_deref()
        .unwrap()
        .contains("log-from-body"));
    assert_eq!(e.permission_violations[0].subject, "hire:referral_account");
    assert_eq!(e.field_violations[0].field, "email");
    assert_eq!(e.helps[0].description, "docs");
}

#[tokio::test]
async fn a_malformed_answer_is_a_decode_error() {
    let server = MockServer::start().await;
    mount_tenant_token(&server, 1).await;
    Mock::given(method("POST"))
        .and(path(REFERRAL_PATH))
        .respond_with(ok(json!({"account": "not an object"})).insert_header("x-tt-logid", "l-1"))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server).call(&referral_request()).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert_eq!(err.log_id(), Some("l-1"));
}

#[tokio::test]
async fn debug_output_shows_no_secret() {
    let server = MockServer::start().await;
    mount_tenant_token(&server, 1).await;
    referral_ok(&server, "t-1", 1).await;

    let client = client(&server);
    client.call(&referral_request()).await.unwrap();
    let options = RequestOptions::default().with_user_access_token("u-very-secret");
    let builder = Client::builder(APP_ID, APP_SECRET);
    let shown = format!("{client:?} {options:?} {builder:?}");
    assert!(shown.contains(APP_ID), "{shown}");
    for secret in [APP_SECRET, "t-1", "u-very-secret"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}

#[test]
fn a_base_url_must_be_http() {
    let err = Client::builder(APP_ID, APP_SECRET)
        .base_url("ftp://127.0.0.1")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
}

// ---- tracing ----

/// Records every span, field and event as text, to look for secrets.
#[derive(Clone, Default)]
struct Capture {
    lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    next_id: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={value:?}", field.name()));
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let id = 1 + self
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut line = format!("span {id} {}:", span.metadata().name());
        span.record(&mut Fields(&mut line));
        self.lines.lock().unwrap().push(line);
        tracing::span::Id::from_u64(id)
    }

    fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut line = format!("record {}:", span.into_u64());
        values.record(&mut Fields(&mut line));
        self.lines.lock().unwrap().push(line);
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let mut line = format!("event {}:", event.metadata().target());
        event.record(&mut Fields(&mut line));
        self.lines.lock().unwrap().push(line);
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn each_call_has_a_span_with_endpoint_and_log_id_and_logs_no_secret() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TENANT_TOKEN_PATH))
        .respond_with(tenant_token("t-sekrit-token", 7200))
        // Fetched again after the invalid-token answer.
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(REFERRAL_PATH))
        .respond_with(
            api_error(400, 99991663, "invalid token").insert_header("x-tt-logid", "log-trace-1"),
        )
        // The retry after the refresh, and the user's call.
        .expect(3)
        .mount(&server)
        .await;

    let capture = Capture::default();
    // Current-thread runtime: every poll of the call happens under this guard.
    let _guard = tracing::subscriber::set_default(capture.clone());
    let options = RequestOptions::default().with_user_access_token("u-sekrit-user");
    let client = client(&server);
    client.call(&referral_request()).await.unwrap_err();
    client
        .call_with(&referral_request(), options)
        .await
        .unwrap_err();

    let lines = capture.lines.lock().unwrap().clone();
    let all = lines.join("\n");
    let span = lines
        .iter()
        .find(|l| l.contains("feishu: endpoint=\"hire.v1.referral_account.create\""))
        .unwrap_or_else(|| panic!("no call span in\n{all}"));
    let id = span.split(' ').nth(1).unwrap();
    let logged = format!("record {id}: log_id=\"log-trace-1\"");
    assert!(lines.contains(&logged), "{logged} not in\n{all}");
    for secret in [APP_SECRET, "t-sekrit-token", "u-sekrit-user"] {
        assert!(!all.contains(secret), "{secret} in\n{all}");
    }
}
