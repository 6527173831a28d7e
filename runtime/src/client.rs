//! [`Client`], its builder, and the calls the generated crate makes.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures_core::stream::BoxStream;
use futures_util::{stream, StreamExt, TryStreamExt};
use reqwest::Url;
use tracing::Instrument;

use crate::download::{file_headers, Download, DownloadStream};
use crate::endpoint::{Endpoint, FromResponse, Paginated, TokenKind};
use crate::token::{Auth, Tokens};
use crate::transport::{Answer, Prepared};
use crate::{path, Error, Secret};

/// Feishu's API host (mainland China).
pub const FEISHU: &str = "https://open.feishu.cn";
/// Lark's API host (international).
pub const LARK: &str = "https://open.larksuite.com";

/// When and how long to wait before repeating a failed attempt.
///
/// Retried: HTTP 429 and the rate-limit code 99991400 (waiting for the
/// `x-ogw-ratelimit-reset` header's seconds when given, else backing off),
/// 5xx answers and transport errors for idempotent methods, and refused
/// connections for any method.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 disables retrying.
    pub max_retries: u32,
    /// The first backoff; each further retry doubles it.
    pub base_delay: Duration,
    /// The longest single wait, also capping the server's reset time.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..Self::default()
        }
    }

    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        self.base_delay.saturating_mul(1 << attempt.min(16))
    }
}

/// Per-call options.
#[derive(Clone, Debug, Default)]
pub struct RequestOptions {
    /// Call as this user; used whatever the endpoint's token list says.
    pub user_access_token: Option<Secret>,
    /// The tenant a marketplace app acts in (ignored by self-built apps,
    /// which belong to one tenant).
    pub tenant_key: Option<String>,
}

impl RequestOptions {
    pub fn with_user_access_token(mut self, token: impl Into<Secret>) -> Self {
        self.user_access_token = Some(token.into());
        self
    }

    pub fn with_tenant_key(mut self, tenant_key: impl Into<String>) -> Self {
        self.tenant_key = Some(tenant_key.into());
        self
    }
}

/// Builds a [`Client`]; from [`Client::builder`].
#[derive(Debug)]
pub struct ClientBuilder {
    app_id: String,
    app_secret: Secret,
    base_url: String,
    marketplace: bool,
    timeout: Option<Duration>,
    connect_timeout: Duration,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
    refresh_margin: Duration,
}

impl ClientBuilder {
    /// Uses Lark's host instead of Feishu's.
    pub fn lark(self) -> Self {
        self.base_url(LARK)
    }

    /// Uses another host: a proxy, a test server. Any path is kept as a prefix.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// A marketplace (store) app: tokens need the `app_ticket` the platform
    /// pushes to the app, passed in with [`Client::set_app_ticket`], and
    /// tenant tokens are per [`RequestOptions::tenant_key`].
    pub fn marketplace_app(mut self) -> Self {
        self.marketplace = true;
        self
    }

    /// The whole-request time limit, body included (none by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The connect time limit (10 s by default); not applied to a client
    /// given with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sends with this client (its proxy, TLS and pool settings).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How long before expiry a cached token is replaced (3 min by default).
    pub fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    pub fn build(self) -> Result<Client, Error> {
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        match Url::parse(&base_url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => {}
            _ => {
                return Err(Error::InvalidRequest(format!(
                    "base URL {base_url:?} is not an http(s) URL"
                )))
            }
        }
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .build()?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                timeout: self.timeout,
                retry: self.retry,
                tokens: Tokens::new(
                    self.app_id,
                    self.app_secret,
                    self.marketplace,
                    self.refresh_margin,
                ),
            }),
        })
    }
}

/// The Feishu / Lark client the generated crate calls. Cheap to clone;
/// clones share the token cache.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub http: reqwest::Client,
    pub base_url: String,
    pub timeout: Option<Duration>,
    pub retry: RetryPolicy,
    pub tokens: Tokens,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &i.base_url)
            .field("app_id", &i.tokens.app_id)
            .field("marketplace", &i.tokens.marketplace)
            .field("timeout", &i.timeout)
            .field("retry", &i.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A self-built app on Feishu; see [`ClientBuilder`] for the rest.
    pub fn builder(app_id: impl Into<String>, app_secret: impl Into<Secret>) -> ClientBuilder {
        ClientBuilder {
            app_id: app_id.into(),
            app_secret: app_secret.into(),
            base_url: FEISHU.to_owned(),
            marketplace: false,
            timeout: None,
            connect_timeout: Duration::from_secs(10),
            http: None,
            retry: RetryPolicy::default(),
            refresh_margin: Duration::from_secs(180),
        }
    }

    /// Stores the latest `app_ticket` event's ticket (marketplace apps).
    pub fn set_app_ticket(&self, ticket: impl Into<Secret>) {
        self.inner.tokens.set_app_ticket(ticket.into());
    }

    /// Calls `req`'s endpoint and decodes its `data`.
    pub fn call<E: Endpoint>(
        &self,
        req: &E,
    ) -> impl Future<Output = Result<E::Response, Error<E::Error>>> + Send + 'static {
        self.call_with(req, RequestOptions::default())
    }

    /// [`call`](Self::call) with a user token or tenant key.
    pub fn call_with<E: Endpoint>(
        &self,
        req: &E,
        options: RequestOptions,
    ) -> impl Future<Output = Result<E::Response, Error<E::Error>>> + Send + 'static {
        // Read `req` now so the future does not borrow it.
        let prepared = self.prepare(req);
        let inner = self.inner.clone();
        async move {
            let answer = inner
                .execute(&prepared?, &options, E::Response::FILE)
                .await
                .map_err(Error::recode)?;
            decode::<E::Response>(answer).await.map_err(Error::recode)
        }
    }

    /// Every item of every page, fetching pages as the stream is read. Ends
    /// after a page with `has_more` false or an empty or repeated `page_token`;
    /// an error is the stream's last item.
    pub fn paginate<E: Paginated>(
        &self,
        req: E,
    ) -> BoxStream<'static, Result<E::Item, Error<E::Error>>> {
        self.paginate_with(req, RequestOptions::default())
    }

    pub fn paginate_with<E: Paginated>(
        &self,
        req: E,
        options: RequestOptions,
    ) -> BoxStream<'static, Result<E::Item, Error<E::Error>>> {
        struct State<E> {
            client: Client,
            req: E,
            options: RequestOptions,
            sent_token: Option<String>,
        }
        let first = State {
            client: self.clone(),
            req,
            options,
            sent_token: None,
        };
        stream::try_unfold(Some(first), |state| async move {
            let Some(mut st) = state else {
                return Ok::<_, Error<E::Error>>(None);
            };
            let data = st.client.call_with(&st.req, st.options.clone()).await?;
            let page = E::into_page(data);
            let next = match page.page_token {
                Some(token) if page.has_more && !token.is_empty() => {
                    if st.sent_token.as_ref() == Some(&token) {
                        tracing::warn!(endpoint = E::ID, "page_token repeated; ending pagination");
                        None
                    } else {
                        st.req.set_page_token(token.clone());
                        st.sent_token = Some(token);
                        Some(st)
                    }
                }
                _ => None,
            };
            Ok(Some((stream::iter(page.items.into_iter().map(Ok)), next)))
        })
        .try_flatten()
        .boxed()
    }

    /// Like [`call`](Self::call) for a file endpoint, but hands back the body
    /// unread, to stream to disk.
    pub fn download_stream<E: Endpoint<Response = Download>>(
        &self,
        req: &E,
    ) -> impl Future<Output = Result<DownloadStream, Error<E::Error>>> + Send + 'static {
        self.download_stream_with(req, RequestOptions::default())
    }

    pub fn download_stream_with<E: Endpoint<Response = Download>>(
        &self,
        req: &E,
        options: RequestOptions,
    ) -> impl Future<Output = Result<DownloadStream, Error<E::Error>>> + Send + 'static {
        let prepared = self.prepare(req);
        let inner = self.inner.clone();
        async move {
            match inner.execute(&prepared?, &options, true).await {
                Ok(Answer::File { response, .. }) => Ok(DownloadStream::new(response)),
                Ok(Answer::Json { log_id, .. }) => Err(Error::Decode {
                    log_id,
                    source: <serde_json::Error as serde::de::Error>::custom(
                        "expected a file, got a JSON answer",
                    ),
                }),
                Err(e) => Err(e.recode()),
            }
        }
    }

    fn prepare<E: Endpoint, F: crate::ApiErrorCode>(&self, req: &E) -> Result<Prepared, Error<F>> {
        let path = path::expand(E::PATH, &req.path_params()).map_err(Error::InvalidRequest)?;
        let base = endpoint_base(&self.inner.base_url, E::BASE_URL);
        let mut url = Url::parse(&format!("{base}{path}"))
            .map_err(|e| Error::InvalidRequest(format!("bad URL for {path:?}: {e}")))?;
        let query = req.query();
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &query {
                pairs.append_pair(name, value);
            }
        }
        let body = req
            .body()
            .map_err(|e| Error::InvalidRequest(format!("cannot serialise the body: {e}")))?;
        Ok(Prepared {
            id: E::ID,
            idempotent: E::METHOD.is_idempotent(),
            method: E::METHOD,
            url,
            tokens: E::TOKENS,
            headers: req.headers(),
            body,
        })
    }
}

/// Where an endpoint's calls go: to its own host when it has one and the
/// client is on Feishu's default base URL, else to the client's.
fn endpoint_base<'a>(client: &'a str, endpoint: Option<&'a str>) -> &'a str {
    match endpoint {
        Some(own) if client == FEISHU => own.trim_end_matches('/'),
        _ => client,
    }
}

impl Inner {
    pub(crate) fn url<F: crate::ApiErrorCode>(&self, path: &str) -> Result<Url, Error<F>> {
        Url::parse(&format!("{}{path}", self.base_url))
            .map_err(|e| Error::InvalidRequest(format!("bad URL for {path:?}: {e}")))
    }

    /// Sends with the right token; a token the server calls invalid is
    /// replaced and the call repeated, once.
    async fn execute(
        &self,
        p: &Prepared,
        options: &RequestOptions,
        want_file: bool,
    ) -> Result<Answer, Error> {
        let span = tracing::info_span!("feishu", endpoint = p.id, log_id = tracing::field::Empty);
        async {
            let auth = Auth::choose(p.tokens, options)?;
            let mut refreshed = false;
            loop {
                let token = self.token(&auth).await?;
                let result = self.send(p, token.as_ref(), want_file).await;
                if let Some(id) = crate::transport::log_id(&result) {
                    span.record("log_id", id);
                }
                match result {
                    Err(Error::Api(e))
                        if !refreshed
                            && auth.is_managed()
                            && crate::token::is_token_invalid(e.code) =>
                    {
                        tracing::warn!(code = e.code, "access token rejected; refreshing it once");
                        if let Some(token) = &token {
                            self.invalidate(&auth, token).await;
                        }
                        refreshed = true;
                    }
                    other => return other,
                }
            }
        }
        .instrument(span.clone())
        .await
    }
}

async fn decode<T: FromResponse>(answer: Answer) -> Result<T, Error> {
    match answer {
        Answer::Json { log_id, data, .. } => {
            T::from_data(data.as_deref()).map_err(|source| Error::Decode { log_id, source })
        }
        Answer::File { log_id, response } => {
            let (filename, content_type) = file_headers(response.headers());
            let bytes = response.bytes().await?;
            T::from_file(Download {
                filename,
                content_type,
                bytes,
            })
            .map_err(|source| Error::Decode { log_id, source })
        }
    }
}

impl Auth {
    /// Picks the token to send, per [`Endpoint`]'s documented order.
    fn choose(tokens: &[TokenKind], options: &RequestOptions) -> Result<Auth, Error> {
        if let Some(user) = &options.user_access_token {
            return Ok(Auth::User(user.clone()));
        }
        Ok(if tokens.contains(&TokenKind::Tenant) {
            Auth::Tenant(options.tenant_key.clone())
        } else if tokens.contains(&TokenKind::App) {
            Auth::App
        } else if tokens.contains(&TokenKind::User) {
            return Err(Error::InvalidRequest(
                "this endpoint needs a user_access_token in RequestOptions".into(),
            ));
        } else {
            Auth::None
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_on_its_own_host_is_called_there_only_from_feishu() {
        let own = Some("https://www.feishu.cn/");
        assert_eq!(endpoint_base(FEISHU, own), "https://www.feishu.cn");
        assert_eq!(endpoint_base(FEISHU, None), FEISHU);
        assert_eq!(
            endpoint_base("http://127.0.0.1:8080", own),
            "http://127.0.0.1:8080"
        );
        assert_eq!(endpoint_base(LARK, own), LARK);
    }
}
