//! Endpoint types written the way the emitter will generate them, so the
//! tests can later run against the generated crate instead; plus server
//! helpers.

use std::time::Duration;

use feishu_runtime::{
    ApiErrorCode, Body, Client, Download, Endpoint, FilePart, Method, Multipart, NoCodes, Page,
    Paginated, RetryPolicy, TokenKind,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const APP_ID: &str = "cli_test";
pub const APP_SECRET: &str = "s3cr3t-app-secret";

// ---- hire.v1.referral_account.create (seed 004) ----

#[derive(Clone, Debug, Default, Serialize)]
pub struct CreateReferralAccountRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile: Option<Mobile>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Mobile {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CreateReferralAccountData {
    pub account: Option<Account>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Account {
    pub account_id: Option<String>,
    pub status: Option<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CreateReferralAccountError {
    /// 1002001 系统错误
    SystemError,
    /// 1002002 参数错误
    InvalidParameter,
    /// 1002551 用户不存在
    UserNotFound,
    /// 1002552 无法匹配唯一用户
    UserNotUnique,
}

impl ApiErrorCode for CreateReferralAccountError {
    fn from_code(code: i64) -> Option<Self> {
        Some(match code {
            1002001 => Self::SystemError,
            1002002 => Self::InvalidParameter,
            1002551 => Self::UserNotFound,
            1002552 => Self::UserNotUnique,
            _ => return None,
        })
    }
}

impl Endpoint for CreateReferralAccountRequest {
    const ID: &'static str = "hire.v1.referral_account.create";
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/open-apis/hire/v1/referral_account";
    const TOKENS: &'static [TokenKind] = &[TokenKind::Tenant];
    type Response = CreateReferralAccountData;
    type Error = CreateReferralAccountError;

    fn body(&self) -> Result<Body, serde_json::Error> {
        Body::json(self)
    }
}

pub const REFERRAL_PATH: &str = "/open-apis/hire/v1/referral_account";

pub fn referral_request() -> CreateReferralAccountRequest {
    CreateReferralAccountRequest {
        mobile: Some(Mobile {
            code: Some("86".into()),
            number: Some("18900001111".into()),
        }),
        email: Some("hire@open.com".into()),
    }
}

// ---- hire.v1.job.list: GET, query array, paginated ----

#[derive(Clone, Debug, Default)]
pub struct ListJobsRequest {
    pub page_size: Option<i64>,
    pub page_token: Option<String>,
    pub job_ids: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListJobsData {
    pub items: Option<Vec<Job>>,
    pub has_more: Option<bool>,
    pub page_token: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Job {
    pub id: Option<String>,
}

impl Endpoint for ListJobsRequest {
    const ID: &'static str = "hire.v1.job.list";
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/open-apis/hire/v1/jobs";
    const TOKENS: &'static [TokenKind] = &[TokenKind::Tenant];
    type Response = ListJobsData;
    type Error = NoCodes;

    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if let Some(v) = &self.page_size {
            q.push(("page_size", v.to_string()));
        }
        if let Some(v) = &self.page_token {
            q.push(("page_token", v.clone()));
        }
        for v in &self.job_ids {
            q.push(("job_ids", v.clone()));
        }
        q
    }
}

impl Paginated for ListJobsRequest {
    type Item = Job;

    fn set_page_token(&mut self, token: String) {
        self.page_token = Some(token);
    }

    fn into_page(data: ListJobsData) -> Page<Job> {
        Page {
            items: data.items.unwrap_or_default(),
            has_more: data.has_more.unwrap_or(false),
            page_token: data.page_token,
        }
    }
}

pub const JOBS_PATH: &str = "/open-apis/hire/v1/jobs";

// ---- drive.v1.file.upload_all: multipart ----

#[derive(Clone, Debug)]
pub struct UploadAllFileRequest {
    pub file_name: String,
    pub parent_type: String,
    pub parent_node: String,
    pub size: i64,
    pub checksum: Option<String>,
    pub file: FilePart,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct UploadAllFileData {
    pub file_token: Option<String>,
}

impl Endpoint for UploadAllFileRequest {
    const ID: &'static str = "drive.v1.file.upload_all";
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/open-apis/drive/v1/files/upload_all";
    const TOKENS: &'static [TokenKind] = &[TokenKind::Tenant, TokenKind::User];
    type Response = UploadAllFileData;
    type Error = NoCodes;

    fn body(&self) -> Result<Body, serde_json::Error> {
        let mut m = Multipart::new()
            .text("file_name", &self.file_name)
            .text("parent_type", &self.parent_type)
            .text("parent_node", &self.parent_node)
            .text("size", self.size.to_string());
        if let Some(v) = &self.checksum {
            m = m.text("checksum", v);
        }
        Ok(Body::Multipart(m.file("file", &self.file)))
    }
}

// ---- drive.v1.file.download: path parameter, file answer ----

#[derive(Clone, Debug)]
pub struct DownloadFileRequest {
    pub file_token: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DownloadFileError {
    /// 1061004 forbidden
    Forbidden,
}

impl ApiErrorCode for DownloadFileError {
    fn from_code(code: i64) -> Option<Self> {
        Some(match code {
            1061004 => Self::Forbidden,
            _ => return None,
        })
    }
}

impl Endpoint for DownloadFileRequest {
    const ID: &'static str = "drive.v1.file.download";
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/open-apis/drive/v1/files/:file_token/download";
    const TOKENS: &'static [TokenKind] = &[TokenKind::Tenant, TokenKind::User];
    type Response = Download;
    type Error = DownloadFileError;

    fn path_params(&self) -> Vec<(&'static str, String)> {
        vec![("file_token", self.file_token.clone())]
    }
}

// ---- contact.v3.user.get: path parameter, tenant or user token ----

#[derive(Clone, Debug)]
pub struct GetUserRequest {
    pub user_id: String,
    pub user_id_type: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct GetUserData {
    pub user: Option<Value>,
}

impl Endpoint for GetUserRequest {
    const ID: &'static str = "contact.v3.user.get";
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/open-apis/contact/v3/users/:user_id";
    const TOKENS: &'static [TokenKind] = &[TokenKind::Tenant, TokenKind::User];
    type Response = GetUserData;
    type Error = NoCodes;

    fn path_params(&self) -> Vec<(&'static str, String)> {
        vec![("user_id", self.user_id.clone())]
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        self.user_id_type
            .iter()
            .map(|v| ("user_id_type", v.clone()))
            .collect()
    }
}

// ---- endpoints without data: `()` and an empty struct ----

#[derive(Clone, Debug)]
pub struct DeleteJobRequest {
    pub job_id: String,
}

impl Endpoint for DeleteJobRequest {
    const ID: &'static str = "hire.v1.job.delete";
    const METHOD: Method = Method::Delete;
    const PATH: &'static str = "/open-apis/hire/v1/jobs/:job_id";
    const TOKENS: &'static [TokenKind] = &[TokenKind::Tenant];
    type Response = ();
    type Error = NoCodes;

    fn path_params(&self) -> Vec<(&'static str, String)> {
        vec![("job_id", self.job_id.clone())]
    }
}

#[derive(Clone, Debug)]
pub struct CloseJobRequest {
    pub job_id: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct CloseJobData {}

impl Endpoint for CloseJobRequest {
    const ID: &'static str = "hire.v1.job.close";
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/open-apis/hire/v1/jobs/:job_id/close";
    const TOKENS: &'static [TokenKind] = &[TokenKind::Tenant];
    type Response = CloseJobData;
    type Error = NoCodes;

    fn path_params(&self) -> Vec<(&'static str, String)> {
        vec![("job_id", self.job_id.clone())]
    }
}

// ---- an app_access_token endpoint ----

#[derive(Clone, Debug)]
pub struct GetAppVersionRequest;

impl Endpoint for GetAppVersionRequest {
    const ID: &'static str = "application.v6.application_app_version.list";
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/open-apis/application/v6/app_versions";
    const TOKENS: &'static [TokenKind] = &[TokenKind::App];
    type Response = Value;
    type Error = NoCodes;
}

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
