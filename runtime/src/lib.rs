//! Runtime for the generated Feishu / Lark client (crate `feishu-api`).
//!
//! The generated crate holds one request struct per endpoint and implements
//! [`Endpoint`] for it (plus [`Paginated`] where the endpoint pages); this
//! crate does the rest: tokens, URL building, transport, retries, error
//! decoding, pagination and tracing.
//!
//! # Using it
//!
//! ```no_run
//! # use feishu_runtime::*;
//! # #[derive(serde::Deserialize)] struct Data { account: Option<serde_json::Value> }
//! # struct CreateReferralAccount;
//! # impl Endpoint for CreateReferralAccount {
//! #     const ID: &'static str = "hire.v1.referral_account.create";
//! #     const METHOD: Method = Method::Post;
//! #     const PATH: &'static str = "/open-apis/hire/v1/referral_account";
//! #     const TOKENS: &'static [TokenKind] = &[TokenKind::Tenant];
//! #     type Response = Data;
//! #     type Error = NoCodes;
//! # }
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder("cli_xxx", "app secret")
//!     .lark() // or .base_url("http://127.0.0.1:8080"); Feishu by default
//!     .build()?;
//! match client.call(&CreateReferralAccount).await {
//!     Ok(data) => println!("{:?}", data.account),
//!     // Display shows the code, msg and log_id; `e.kind()` is the endpoint's enum.
//!     Err(e) => eprintln!("{e} (code {:?})", e.code()),
//! }
//! // As a user, or (marketplace apps) in a tenant:
//! let as_user = RequestOptions::default().with_user_access_token("u-xxx");
//! client.call_with(&CreateReferralAccount, as_user).await?;
//! # Ok(()) }
//! ```
//!
//! # The contract the generated crate implements
//!
//! For an endpoint, the emitter writes a request struct, a `data` struct and
//! an error enum, and implements [`Endpoint`] and [`ApiErrorCode`]:
//!
//! ```
//! use feishu_runtime::{ApiErrorCode, Body, Endpoint, Method, TokenKind};
//! use serde::{Deserialize, Serialize};
//!
//! /// hire.v1.referral_account.create
//! #[derive(Clone, Debug, Default, Serialize)]
//! pub struct CreateReferralAccountRequest {
//!     #[serde(skip)] // a query parameter, not a body field
//!     pub user_id_type: Option<String>,
//!     #[serde(skip_serializing_if = "Option::is_none")]
//!     pub mobile: Option<Mobile>,
//!     #[serde(skip_serializing_if = "Option::is_none")]
//!     pub email: Option<String>,
//! }
//!
//! #[derive(Clone, Debug, Default, Serialize, Deserialize)]
//! pub struct Mobile {
//!     #[serde(skip_serializing_if = "Option::is_none")]
//!     pub code: Option<String>,
//!     #[serde(skip_serializing_if = "Option::is_none")]
//!     pub number: Option<String>,
//! }
//!
//! /// The envelope's `data`. Every field optional: the server leaves things out.
//! #[derive(Clone, Debug, Default, Deserialize)]
//! #[serde(default)]
//! pub struct CreateReferralAccountData {
//!     pub account: Option<serde_json::Value>,
//! }
//!
//! /// The page's error-code table.
//! #[derive(Clone, Copy, Debug, PartialEq, Eq)]
//! #[non_exhaustive]
//! pub enum CreateReferralAccountError {
//!     /// 1002001 系统错误
//!     SystemError,
//!     /// 1002551 用户不存在
//!     UserNotFound,
//! }
//!
//! impl ApiErrorCode for CreateReferralAccountError {
//!     fn from_code(code: i64) -> Option<Self> {
//!         Some(match code {
//!             1002001 => Self::SystemError,
//!             1002551 => Self::UserNotFound,
//!             _ => return None,
//!         })
//!     }
//! }
//!
//! impl Endpoint for CreateReferralAccountRequest {
//!     const ID: &'static str = "hire.v1.referral_account.create";
//!     const METHOD: Method = Method::Post;
//!     const PATH: &'static str = "/open-apis/hire/v1/referral_account";
//!     const TOKENS: &'static [TokenKind] = &[TokenKind::Tenant];
//!     type Response = CreateReferralAccountData;
//!     type Error = CreateReferralAccountError;
//!
//!     fn query(&self) -> Vec<(&'static str, String)> {
//!         let mut q = Vec::new();
//!         if let Some(v) = &self.user_id_type {
//!             q.push(("user_id_type", v.clone()));
//!         }
//!         q
//!     }
//!
//!     fn body(&self) -> Result<Body, serde_json::Error> {
//!         Body::json(self)
//!     }
//! }
//! ```
//!
//! The rest of the contract, by endpoint shape:
//!
//! - **Path parameters**: return them from [`Endpoint::path_params`] unencoded;
//!   the runtime percent-encodes each into its `:name` segment, and refuses
//!   empty, `.` and `..` values, so no value can change the path.
//! - **Query arrays**: one `(name, value)` pair per element.
//! - **No `data`**: `type Response = ()` (or an empty struct).
//! - **File uploads** (`multipart/form-data`): file fields have type
//!   [`FilePart`]; `body` returns
//!   `Body::Multipart(Multipart::new().text("file_name", …).file("file", &self.file))`,
//!   with numbers as their text and unset optional fields left out.
//! - **File downloads**: `type Response = Download` ([`Client::call`] gives
//!   bytes and filename; [`Client::download_stream`] the unread body).
//! - **No documented codes**: `type Error = NoCodes`.
//! - **Paging** (`page_token` query parameter, `has_more` / `page_token` in
//!   `data`): implement [`Paginated`], then [`Client::paginate`] yields the
//!   items of every page:
//!
//! ```
//! # use feishu_runtime::*;
//! # #[derive(Clone, Debug, Default)] pub struct ListJobsRequest { pub page_size: Option<i64>, pub page_token: Option<String> }
//! # #[derive(Debug, Default, serde::Deserialize)] #[serde(default)]
//! # pub struct ListJobsData { pub items: Option<Vec<Job>>, pub has_more: Option<bool>, pub page_token: Option<String> }
//! # #[derive(Debug, serde::Deserialize)] pub struct Job { pub id: String }
//! # impl Endpoint for ListJobsRequest {
//! #     const ID: &'static str = "hire.v1.job.list";
//! #     const METHOD: Method = Method::Get;
//! #     const PATH: &'static str = "/open-apis/hire/v1/jobs";
//! #     const TOKENS: &'static [TokenKind] = &[TokenKind::Tenant];
//! #     type Response = ListJobsData;
//! #     type Error = NoCodes;
//! # }
//! impl Paginated for ListJobsRequest {
//!     type Item = Job;
//!
//!     fn set_page_token(&mut self, token: String) {
//!         self.page_token = Some(token);
//!     }
//!
//!     fn into_page(data: ListJobsData) -> Page<Job> {
//!         Page {
//!             items: data.items.unwrap_or_default(),
//!             has_more: data.has_more.unwrap_or(false),
//!             page_token: data.page_token,
//!         }
//!     }
//! }
//! ```
//!
//! The traits have associated consts and types, so they are not
//! dyn-compatible; nothing needs them to be: the generic part of a call is a
//! thin shell around a non-generic core, compiled once however many
//! endpoints there are.
//!
//! # Behaviour
//!
//! - **Tokens**: `tenant_access_token` and `app_access_token` come from the
//!   `auth/v3` endpoints (the `/internal` ones for self-built apps; with the
//!   `app_ticket` for marketplace apps), are cached (per tenant key for
//!   marketplace apps) and replaced a margin before they expire. Concurrent
//!   calls wait for one refresh. If the server calls a runtime-fetched token
//!   invalid or expired (99991661, 99991663, 99991664, 99991668, 99991671,
//!   99991677), the token is refreshed once and the call repeated once.
//! - **Retries**: see [`RetryPolicy`].
//! - **Errors**: [`Error`] tells transport, HTTP and API failures apart;
//!   [`ApiError`] has the envelope and the endpoint's decoded code.
//! - **Secrets**: app secret, tokens and tickets are [`Secret`]s, whose Debug
//!   is redacted; bodies are never logged.
//! - **Tracing**: each call runs in an `info` span `feishu` with fields
//!   `endpoint` (the [`Endpoint::ID`]) and `log_id` (the last `x-tt-logid`).

mod client;
mod download;
mod endpoint;
mod error;
mod path;
mod secret;
mod token;
mod transport;
pub mod wire;

pub use client::{Client, ClientBuilder, RequestOptions, RetryPolicy, FEISHU, LARK};
pub use download::{Download, DownloadStream};
pub use endpoint::{
    ApiErrorCode, Body, Endpoint, FilePart, FromResponse, Method, Multipart, NoCodes, Page,
    Paginated, TokenKind,
};
pub use error::{ApiError, Error, FieldViolation, Help, PermissionViolation};
pub use secret::Secret;
