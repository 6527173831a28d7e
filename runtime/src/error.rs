//! The one error type of every call.

use std::fmt;

use serde::Deserialize;

use crate::endpoint::{ApiErrorCode, NoCodes};

/// Why a call failed. `E` is the endpoint's error-code enum.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E: ApiErrorCode = NoCodes> {
    /// No HTTP answer: connection, TLS, timeout, or reading the body failed.
    #[error("transport error: {0}")]
    Transport(#[from] reqwest::Error),
    /// An HTTP error status without a JSON envelope (a gateway's HTML page, say).
    #[error("HTTP {status} without an API envelope{}", LogId(log_id))]
    Http {
        status: u16,
        log_id: Option<String>,
        /// The start of the body, for diagnosis.
        body: String,
    },
    /// The API answered with a non-zero `code`.
    #[error("{0}")]
    Api(Box<ApiError<E>>),
    /// The auth endpoint refused to issue a tenant or app access token.
    #[error("getting an access token: {0}")]
    Auth(Box<ApiError<NoCodes>>),
    /// The answer did not match the endpoint's types.
    #[error("cannot decode the answer{}: {source}", LogId(log_id))]
    Decode {
        log_id: Option<String>,
        source: serde_json::Error,
    },
    /// The call could not be made as asked; nothing was sent.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

impl<E: ApiErrorCode> Error<E> {
    /// The API's error code, for [`Error::Api`] and [`Error::Auth`].
    pub fn code(&self) -> Option<i64> {
        match self {
            Error::Api(e) => Some(e.code),
            Error::Auth(e) => Some(e.code),
            _ => None,
        }
    }

    /// The endpoint's documented error, if the code is one.
    pub fn kind(&self) -> Option<&E> {
        match self {
            Error::Api(e) => e.kind.as_ref(),
            _ => None,
        }
    }

    /// The server's log id (`x-tt-logid`), to quote to Feishu support.
    pub fn log_id(&self) -> Option<&str> {
        match self {
            Error::Http { log_id, .. } | Error::Decode { log_id, .. } => log_id.as_deref(),
            Error::Api(e) => e.log_id.as_deref(),
            Error::Auth(e) => e.log_id.as_deref(),
            Error::Transport(_) | Error::InvalidRequest(_) => None,
        }
    }
}

impl Error {
    /// The runtime's core is not generic; the endpoint's codes are looked up last.
    pub(crate) fn recode<F: ApiErrorCode>(self) -> Error<F> {
        match self {
            Error::Transport(e) => Error::Transport(e),
            Error::Http {
                status,
                log_id,
                body,
            } => Error::Http {
                status,
                log_id,
                body,
            },
            Error::Api(e) => Error::Api(Box::new(e.recode())),
            Error::Auth(e) => Error::Auth(e),
            Error::Decode { log_id, source } => Error::Decode { log_id, source },
            Error::InvalidRequest(m) => Error::InvalidRequest(m),
        }
    }
}

/// An error envelope: `{"code": ..., "msg": ..., "error": {...}}`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ApiError<E> {
    pub code: i64,
    pub msg: String,
    /// The documented error this code is, or `None` for an undocumented code.
    pub kind: Option<E>,
    pub http_status: u16,
    /// From the `x-tt-logid` header, else from the envelope.
    pub log_id: Option<String>,
    /// A link to the platform's troubleshooting page for this error.
    pub troubleshooter: Option<String>,
    pub field_violations: Vec<FieldViolation>,
    pub permission_violations: Vec<PermissionViolation>,
    pub helps: Vec<Help>,
}

impl<E: ApiErrorCode> ApiError<E> {
    fn recode<F: ApiErrorCode>(self) -> ApiError<F> {
        ApiError {
            kind: F::from_code(self.code),
            code: self.code,
            msg: self.msg,
            http_status: self.http_status,
            log_id: self.log_id,
            troubleshooter: self.troubleshooter,
            field_violations: self.field_violations,
            permission_violations: self.permission_violations,
            helps: self.helps,
        }
    }
}

impl ApiError<NoCodes> {
    /// Reads the envelope's `error` object leniently: a malformed detail must
    /// not hide the code and message.
    pub(crate) fn new(
        code: i64,
        msg: String,
        http_status: u16,
        log_id: Option<String>,
        detail: Option<serde_json::Value>,
    ) -> Self {
        let detail: ErrorDetail = detail
            .and_then(|d| serde_json::from_value(d).ok())
            .unwrap_or_default();
        ApiError {
            code,
            msg,
            kind: None,
            http_status,
            log_id: log_id.or(detail.log_id),
            troubleshooter: detail.troubleshooter,
            field_violations: detail.field_violations,
            permission_violations: detail.permission_violations,
            helps: detail.helps,
        }
    }
}

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "API error {}: {}{}",
            self.code,
            self.msg,
            LogId(&self.log_id)
        )
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct ErrorDetail {
    log_id: Option<String>,
    troubleshooter: Option<String>,
    field_violations: Vec<FieldViolation>,
    permission_violations: Vec<PermissionViolation>,
    helps: Vec<Help>,
}

/// A request field the server rejected.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct FieldViolation {
    pub field: String,
    pub value: String,
    pub description: String,
}

/// A permission (scope) the call lacked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct PermissionViolation {
    #[serde(rename = "type")]
    pub kind: String,
    pub subject: String,
    pub description: String,
}

/// A documentation link the server suggests.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Help {
    pub url: String,
    pub description: String,
}

/// Formats ` (log_id: …)` when there is one.
struct LogId<'a>(&'a Option<String>);

impl fmt::Display for LogId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(id) => write!(f, " (log_id: {id})"),
            None => Ok(()),
        }
    }
}
