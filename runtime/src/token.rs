//! tenant_access_token and app_access_token: fetched from the auth
//! endpoints, cached until shortly before they expire, refreshed once by
//! one caller while concurrent callers wait for its result.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::Deserialize;
use serde_json::json;
use tokio::sync::Mutex as AsyncMutex;
use tokio::time::Instant;
use tracing::Instrument;

use crate::client::Inner;
use crate::endpoint::{Body, Method, TokenKind};
use crate::transport::{Answer, Prepared};
use crate::{Error, Secret};

/// Codes meaning the access token sent was missing, malformed, invalid or
/// expired: worth one refresh and one retry when the runtime manages it.
const TOKEN_INVALID: &[i64] = &[
    99991661, // missing or malformed token
    99991663, // tenant_access_token invalid
    99991664, // app_access_token invalid
    99991668, // access token invalid
    99991671, // token is not t-/u-/a- shaped
    99991677, // token expired
];

/// The longest lifetime believed: tokens are documented to last two hours,
/// and a bounded value keeps the expiry arithmetic from overflowing.
const MAX_LIFETIME_SECS: u64 = 24 * 60 * 60;

/// The token's lifetime from the answer's `expire` seconds.
fn lifetime(expire: Option<i64>) -> u64 {
    expire.unwrap_or(0).clamp(0, MAX_LIFETIME_SECS as i64) as u64
}

pub(crate) fn is_token_invalid(code: i64) -> bool {
    TOKEN_INVALID.contains(&code)
}

/// The token a call sends.
pub(crate) enum Auth {
    None,
    User(Secret),
    /// With the tenant key (marketplace apps).
    Tenant(Option<String>),
    App,
}

impl Auth {
    /// Whether the runtime fetched the token and so can replace it.
    pub(crate) fn is_managed(&self) -> bool {
        matches!(self, Auth::Tenant(_) | Auth::App)
    }
}

#[derive(Clone)]
struct Cached {
    token: Secret,
    expires_at: Instant,
}

/// One cached token; the async lock is held across a refresh, so a caller
/// arriving meanwhile waits and then reads the new token.
type Slot = Arc<AsyncMutex<Option<Cached>>>;

pub(crate) struct Tokens {
    pub app_id: String,
    app_secret: Secret,
    pub marketplace: bool,
    margin: Duration,
    app_ticket: Mutex<Option<Secret>>,
    app: Slot,
    /// Per tenant key; self-built apps use the one key "".
    tenants: Mutex<HashMap<String, Slot>>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    tenant_access_token: Option<String>,
    app_access_token: Option<String>,
    expire: Option<i64>,
}

impl Tokens {
    pub(crate) fn new(
        app_id: String,
        app_secret: Secret,
        marketplace: bool,
        margin: Duration,
    ) -> Self {
        Tokens {
            app_id,
            app_secret,
            marketplace,
            margin,
            app_ticket: Mutex::new(None),
            app: Slot::default(),
            tenants: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn set_app_ticket(&self, ticket: Secret) {
        *self
            .app_ticket
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(ticket);
    }

    fn tenant_slot(&self, tenant_key: Option<&str>) -> Slot {
        let key = tenant_key.filter(|_| self.marketplace).unwrap_or("");
        let mut tenants = self.tenants.lock().unwrap_or_else(PoisonError::into_inner);
        tenants.entry(key.to_owned()).or_default().clone()
    }

    fn fresh(&self, cached: &Option<Cached>) -> Option<Secret> {
        cached
            .as_ref()
            .filter(|c| {
                // A margin too large to add is one no token outlives.
                Instant::now()
                    .checked_add(self.margin)
                    .is_some_and(|t| t < c.expires_at)
            })
            .map(|c| c.token.clone())
    }
}

impl Inner {
    /// The token for `auth`, from the cache or fetched.
    pub(crate) async fn token(&self, auth: &Auth) -> Result<Option<Secret>, Error> {
        match auth {
            Auth::None => Ok(None),
            Auth::User(token) => Ok(Some(token.clone())),
            Auth::Tenant(key) => self.tenant_token(key.as_deref()).await.map(Some),
            Auth::App => self.app_token().await.map(Some),
        }
    }

    /// Forgets `token` if it is still the cached one (a concurrent caller
    /// may already have replaced it).
    pub(crate) async fn invalidate(&self, auth: &Auth, token: &Secret) {
        let slot = match auth {
            Auth::Tenant(key) => self.tokens.tenant_slot(key.as_deref()),
            Auth::App => self.tokens.app.clone(),
            Auth::None | Auth::User(_) => return,
        };
        let mut cached = slot.lock().await;
        if cached.as_ref().is_some_and(|c| &c.token == token) {
            *cached = None;
        }
    }

    async fn tenant_token(&self, tenant_key: Option<&str>) -> Result<Secret, Error> {
        let t = &self.tokens;
        if t.marketplace && tenant_key.is_none() {
            return Err(Error::InvalidRequest(
                "a marketplace app needs RequestOptions::tenant_key for tenant_access_token".into(),
            ));
        }
        let slot = t.tenant_slot(tenant_key);
        let mut cached = slot.lock().await;
        if let Some(token) = t.fresh(&cached) {
            return Ok(token);
        }
        let fetched = match tenant_key.filter(|_| t.marketplace) {
            Some(tenant_key) => {
                let app_token = self.app_token().await?;
                let body =
                    json!({ "app_access_token": app_token.expose(), "tenant_key": tenant_key });
                self.fetch(
                    "auth.v3.tenant_access_token.create",
                    "/open-apis/auth/v3/tenant_access_token",
                    body,
                    TokenKind::Tenant,
                )
                .await?
            }
            None => {
                let body = json!({ "app_id": t.app_id, "app_secret": t.app_secret.expose() });
                self.fetch(
                    "auth.v3.tenant_access_token.internal",
                    "/open-apis/auth/v3/tenant_access_token/internal",
                    body,
                    TokenKind::Tenant,
                )
                .await?
            }
        };
        *cached = Some(fetched.clone());
        Ok(fetched.token)
    }

    async fn app_token(&self) -> Result<Secret, Error> {
        let t = &self.tokens;
        let mut cached = t.app.lock().await;
        if let Some(token) = t.fresh(&cached) {
            return Ok(token);
        }
        let fetched = if t.marketplace {
            let ticket = t
                .app_ticket
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
            let Some(ticket) = ticket else {
                return Err(Error::InvalidRequest(
                    "a marketplace app needs an app_ticket first: call Client::set_app_ticket \
                     with the app_ticket event's ticket (the auth.v3.app_ticket.resend endpoint \
                     asks the platform to send one)"
                        .into(),
                ));
            };
            let body = json!({
                "app_id": t.app_id,
                "app_secret": t.app_secret.expose(),
                "app_ticket": ticket.expose(),
            });
            self.fetch(
                "auth.v3.app_access_token.create",
                "/open-apis/auth/v3/app_access_token",
                body,
                TokenKind::App,
            )
            .await?
        } else {
            let body = json!({ "app_id": t.app_id, "app_secret": t.app_secret.expose() });
            self.fetch(
                "auth.v3.app_access_token.internal",
                "/open-apis/auth/v3/app_access_token/internal",
                body,
                TokenKind::App,
            )
            .await?
        };
        *cached = Some(fetched.clone());
        Ok(fetched.token)
    }

    /// Asks an auth endpoint for a `kind` token.
    async fn fetch(
        &self,
        id: &'static str,
        path: &str,
        body: serde_json::Value,
        kind: TokenKind,
    ) -> Result<Cached, Error> {
        let span = tracing::debug_span!(
            "feishu_token",
            endpoint = id,
            log_id = tracing::field::Empty
        );
        async {
            // Expiry counts from before the request: the server's clock started no later.
            let started = Instant::now();
            let p = Prepared {
                id,
                // Asking again for a token has no side effect.
                idempotent: true,
                method: Method::Post,
                url: self.url(path)?,
                tokens: &[],
                headers: Vec::new(),
                body: Body::json(&body).map_err(|e| Error::InvalidRequest(e.to_string()))?,
            };
            tracing::debug!("fetching access token");
            let result = self.send(&p, None, false).await;
            if let Some(id) = crate::transport::log_id(&result) {
                span.record("log_id", id);
            }
            let (log_id, body) = match result {
                Ok(Answer::Json { log_id, body, .. }) => (log_id, body),
                // Not sent: a file answer is only returned when asked for.
                Ok(Answer::File { log_id, .. }) => (log_id, Default::default()),
                Err(Error::Api(e)) => return Err(Error::Auth(e)),
                Err(e) => return Err(e),
            };
            let decode_error = |source| Error::Decode {
                log_id: log_id.clone(),
                source,
            };
            let answer: TokenAnswer = serde_json::from_slice(&body).map_err(decode_error)?;
            let token = match kind {
                TokenKind::App => answer.app_access_token,
                _ => answer.tenant_access_token,
            };
            match token.filter(|t| !t.is_empty()) {
                Some(token) => Ok(Cached {
                    token: Secret::new(token),
                    expires_at: started + Duration::from_secs(lifetime(answer.expire)),
                }),
                None => Err(decode_error(
                    <serde_json::Error as serde::de::Error>::custom(
                        "no access token in the answer",
                    ),
                )),
            }
        }
        .instrument(span.clone())
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::{lifetime, MAX_LIFETIME_SECS};

    #[test]
    fn lifetimes_from_the_server_are_bounded() {
        assert_eq!(lifetime(Some(7200)), 7200);
        assert_eq!(lifetime(Some(-5)), 0);
        assert_eq!(lifetime(None), 0);
        assert_eq!(lifetime(Some(i64::MAX)), MAX_LIFETIME_SECS);
    }
}
