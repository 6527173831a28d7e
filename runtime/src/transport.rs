//! One HTTP exchange and its retries; not generic, so it is compiled once
//! however many endpoints the generated crate has.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, CONTENT_TYPE, USER_AGENT};
use reqwest::{StatusCode, Url};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::client::Inner;
use crate::endpoint::{Body, Method, TokenKind};
use crate::error::ApiError;
use crate::{Error, Secret};

/// The server's rate-limit code; HTTP 429 means the same.
const RATE_LIMITED: i64 = 99991400;
const LOG_ID: &str = "x-tt-logid";
const RATE_LIMIT_RESET: &str = "x-ogw-ratelimit-reset";
/// How much of a non-JSON error body [`Error::Http`] keeps.
const BODY_SNIPPET: usize = 512;

/// A request ready to send (and re-send).
pub(crate) struct Prepared {
    pub id: &'static str,
    pub idempotent: bool,
    pub method: Method,
    pub url: Url,
    pub tokens: &'static [TokenKind],
    /// The endpoint's own headers.
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
}

/// A successful answer.
pub(crate) enum Answer {
    /// A JSON envelope with `code` 0. `body` is the whole text, for the
    /// token endpoints, whose fields are outside `data`.
    Json {
        log_id: Option<String>,
        data: Option<Box<RawValue>>,
        body: Bytes,
    },
    /// A non-JSON 2xx answer, when a file was asked for; body not yet read.
    File {
        log_id: Option<String>,
        response: reqwest::Response,
    },
}

#[derive(Deserialize)]
struct Envelope {
    code: i64,
    msg: Option<String>,
    data: Option<Box<RawValue>>,
    error: Option<serde_json::Value>,
}

impl Answer {
    pub(crate) fn log_id(&self) -> Option<&str> {
        match self {
            Answer::Json { log_id, .. } | Answer::File { log_id, .. } => log_id.as_deref(),
        }
    }
}

/// The log id of an attempt's outcome, for the call's span.
pub(crate) fn log_id(result: &Result<Answer, Error>) -> Option<&str> {
    match result {
        Ok(answer) => answer.log_id(),
        Err(e) => e.log_id(),
    }
}

/// Whether (and after how long) an attempt may be repeated.
enum Retry {
    No,
    /// Rate-limited; the server's reset time if it gave one.
    RateLimited(Option<Duration>),
    Backoff,
}

impl Inner {
    /// Sends `p` with `token`, retrying per the client's [`RetryPolicy`](crate::RetryPolicy).
    pub(crate) async fn send(
        &self,
        p: &Prepared,
        token: Option<&Secret>,
        want_file: bool,
    ) -> Result<Answer, Error> {
        let mut attempt = 0;
        loop {
            let (result, retry) = self.send_once(p, token, want_file).await;
            let wait = match retry {
                Retry::No => return result,
                _ if attempt >= self.retry.max_retries => return result,
                Retry::RateLimited(Some(reset)) => reset,
                Retry::RateLimited(None) | Retry::Backoff => self.retry.backoff(attempt),
            }
            .min(self.retry.max_delay);
            tracing::warn!(
                attempt,
                wait_ms = wait.as_millis() as u64,
                error = %result.err().map(|e| e.to_string()).unwrap_or_default(),
                "retrying",
            );
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn send_once(
        &self,
        p: &Prepared,
        token: Option<&Secret>,
        want_file: bool,
    ) -> (Result<Answer, Error>, Retry) {
        let mut request = self
            .http
            .request(p.method.to_reqwest(), p.url.clone())
            .header(
                USER_AGENT,
                concat!("feishu-runtime/", env!("CARGO_PKG_VERSION")),
            );
        for (name, value) in &p.headers {
            request = request.header(*name, value);
        }
        if let Some(token) = token {
            // `bearer_auth` marks the header sensitive, so reqwest never logs it.
            request = request.bearer_auth(token.expose());
        }
        request = match &p.body {
            Body::Empty => request,
            Body::Json(json) => request
                .header(CONTENT_TYPE, "application/json; charset=utf-8")
                .body(json.clone()),
            Body::Multipart(m) => request.multipart(m.to_form()),
        };
        if let Some(timeout) = self.timeout {
            request = request.timeout(timeout);
        }

        let transport_retry = |e: &reqwest::Error| {
            // A refused connection never reached the server: safe for any method.
            if e.is_connect() || p.idempotent {
                Retry::Backoff
            } else {
                Retry::No
            }
        };
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => {
                let retry = transport_retry(&e);
                return (Err(Error::Transport(e)), retry);
            }
        };

        let status = response.status();
        let headers = response.headers();
        let log_id = header(headers, LOG_ID).map(str::to_owned);
        let reset = header(headers, RATE_LIMIT_RESET)
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let is_json = header(headers, CONTENT_TYPE.as_str()).is_some_and(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
        let status_retry = if status == StatusCode::TOO_MANY_REQUESTS {
            Retry::RateLimited(reset)
        } else if status.is_server_error() && p.idempotent {
            Retry::Backoff
        } else {
            Retry::No
        };
        tracing::debug!(
            status = status.as_u16(),
            log_id = log_id.as_deref(),
            "answered"
        );

        if want_file && status.is_success() && !is_json {
            return (Ok(Answer::File { log_id, response }), Retry::No);
        }
        let body = match response.bytes().await {
            Ok(b) => b,
            Err(e) => {
                let retry = transport_retry(&e);
                return (Err(Error::Transport(e)), retry);
            }
        };

        match serde_json::from_slice::<Envelope>(&body) {
            Ok(env) if env.code != 0 => {
                let retry = match status_retry {
                    Retry::No if env.code == RATE_LIMITED => Retry::RateLimited(reset),
                    r => r,
                };
                let api = ApiError::new(
                    env.code,
                    env.msg.unwrap_or_default(),
                    status.as_u16(),
                    log_id,
                    env.error,
                );
                (Err(Error::Api(Box::new(api))), retry)
            }
            Ok(env) if status.is_success() => (
                Ok(Answer::Json {
                    log_id,
                    data: env.data,
                    body,
                }),
                Retry::No,
            ),
            Err(source) if status.is_success() => {
                (Err(Error::Decode { log_id, source }), Retry::No)
            }
            // An error status with no envelope, or with `code` 0.
            _ => {
                let end = body.len().min(BODY_SNIPPET);
                let http = Error::Http {
                    status: status.as_u16(),
                    log_id,
                    body: String::from_utf8_lossy(&body[..end]).into_owned(),
                };
                (Err(http), status_retry)
            }
        }
    }
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}
