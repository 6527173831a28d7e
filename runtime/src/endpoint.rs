//! The contract between the generated crate and the runtime.

use std::fmt;

use bytes::Bytes;
use serde::de::{DeserializeOwned, Error as _};
use serde::Serialize;
use serde_json::value::RawValue;

use crate::download::Download;

/// The HTTP methods the Open Platform uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    /// Whether repeating the call cannot do more than doing it once, so a 5xx
    /// answer may be retried.
    pub fn is_idempotent(self) -> bool {
        matches!(self, Method::Get | Method::Put | Method::Delete)
    }

    pub(crate) fn to_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        }
    }
}

/// The access tokens an endpoint accepts (the page's 支持的访问令牌 row).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// `tenant_access_token`: the app acting in a tenant.
    Tenant,
    /// `app_access_token`: the app itself.
    App,
    /// `user_access_token`: a user who authorised the app; always supplied by the caller.
    User,
}

/// One endpoint's request. The generated crate implements this for each
/// request struct; the runtime does everything else.
///
/// The runtime, not the generated code, substitutes and percent-encodes path
/// parameters, encodes the query, picks and fetches the token, retries,
/// and decodes the envelope. So an implementation is only data.
///
/// Which token is sent:
/// 1. a `user_access_token` in [`RequestOptions`](crate::RequestOptions), if given
///    (the caller's explicit choice wins over the spec's list);
/// 2. else `tenant_access_token` if [`TOKENS`](Self::TOKENS) has [`TokenKind::Tenant`];
/// 3. else `app_access_token` if it has [`TokenKind::App`];
/// 4. else, if it has only [`TokenKind::User`], the call fails with
///    [`Error::InvalidRequest`](crate::Error::InvalidRequest) before sending;
/// 5. an empty list sends no `Authorization` header.
pub trait Endpoint {
    /// `service.version.resource.method`, e.g. `hire.v1.referral_account.create`.
    /// Names the call's tracing span.
    const ID: &'static str;
    const METHOD: Method;
    /// `/open-apis/...` with path parameters written `:name`, each a whole segment.
    const PATH: &'static str;
    /// The tokens the endpoint accepts, from its spec.
    const TOKENS: &'static [TokenKind];
    /// The host of an endpoint outside the Open Platform's
    /// (`https://www.feishu.cn` for some older ones). Used when the client
    /// is on the default Feishu base URL; a client pointed elsewhere (Lark,
    /// a proxy, a test server) sends every call to its own.
    const BASE_URL: Option<&'static str> = None;

    /// The envelope's `data`: any `DeserializeOwned` type, or [`Download`]
    /// for endpoints that answer with a file. An endpoint without data uses
    /// `()` or an empty struct: a missing `data`, `null` and `{}` all decode
    /// into either.
    type Response: FromResponse;
    /// The endpoint's documented error codes; [`NoCodes`] when it has none.
    type Error: ApiErrorCode;

    /// `(name, value)` for each `:name` in [`PATH`](Self::PATH), values unencoded.
    fn path_params(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// Query parameters, values unencoded; an array is one pair per element
    /// with the same name. Leave out unset optional parameters.
    fn query(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// Headers the page documents beyond `Authorization` and
    /// `Content-Type` (which the runtime sets). Leave out unset optional ones.
    fn headers(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// The request body. Called once per call (retries reuse it).
    fn body(&self) -> Result<Body, serde_json::Error> {
        Ok(Body::Empty)
    }
}

/// Built from the `code` of an error envelope. Generated error enums have a
/// variant per documented code; undocumented codes give `None` and the
/// caller still gets the whole envelope in [`ApiError`](crate::ApiError).
pub trait ApiErrorCode: Sized + fmt::Debug + Send + Sync + 'static {
    fn from_code(code: i64) -> Option<Self>;
}

/// The error type of endpoints that document no codes (and of token requests).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoCodes {}

impl ApiErrorCode for NoCodes {
    fn from_code(_: i64) -> Option<Self> {
        None
    }
}

/// A request body.
#[derive(Clone)]
pub enum Body {
    Empty,
    /// Serialised JSON; build it with [`Body::json`].
    Json(Bytes),
    /// `multipart/form-data`, for endpoints with file fields.
    Multipart(Multipart),
}

impl Body {
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<Body, serde_json::Error> {
        serde_json::to_vec(value).map(|v| Body::Json(v.into()))
    }
}

// Bodies hold app secrets (token requests) and personal data: show sizes only.
impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Empty => f.write_str("Empty"),
            Body::Json(b) => write!(f, "Json({} bytes)", b.len()),
            Body::Multipart(m) => m.fmt(f),
        }
    }
}

/// A `multipart/form-data` body: text fields and file parts, in order.
#[derive(Clone, Default)]
pub struct Multipart {
    pub(crate) parts: Vec<(&'static str, Part)>,
}

#[derive(Clone)]
pub(crate) enum Part {
    Text(String),
    File(FilePart),
}

impl Multipart {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field (numbers and booleans as their JSON text).
    pub fn text(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.parts.push((name, Part::Text(value.into())));
        self
    }

    pub fn file(mut self, name: &'static str, file: &FilePart) -> Self {
        self.parts.push((name, Part::File(file.clone())));
        self
    }

    pub(crate) fn to_form(&self) -> reqwest::multipart::Form {
        self.parts
            .iter()
            .fold(reqwest::multipart::Form::new(), |form, (name, part)| {
                let part = match part {
                    Part::Text(v) => reqwest::multipart::Part::text(v.clone()),
                    Part::File(f) => {
                        let make = || {
                            reqwest::multipart::Part::stream_with_length(
                                f.bytes.clone(),
                                f.bytes.len() as u64,
                            )
                            .file_name(f.filename.clone())
                        };
                        match &f.content_type {
                            // An unparsable content type: send none rather than fail.
                            Some(ct) => make().mime_str(ct).unwrap_or_else(|_| make()),
                            None => make(),
                        }
                    }
                };
                form.part(*name, part)
            })
    }
}

impl fmt::Debug for Multipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for (name, part) in &self.parts {
            match part {
                Part::Text(v) => list.entry(&format_args!("{name}: text({} bytes)", v.len())),
                Part::File(file) => list.entry(&format_args!("{name}: {file:?}")),
            };
        }
        list.finish()
    }
}

/// A file to upload: the type of a generated request's file fields.
#[derive(Clone)]
pub struct FilePart {
    pub filename: String,
    pub content_type: Option<String>,
    pub bytes: Bytes,
}

impl FilePart {
    pub fn new(filename: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        FilePart {
            filename: filename.into(),
            content_type: None,
            bytes: bytes.into(),
        }
    }

    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// What an answer decodes into: every `DeserializeOwned` type (from the
/// envelope's `data`) and [`Download`] (from a file answer). Sealed: the
/// generated crate only picks one of these.
pub trait FromResponse: Sized + Send + 'static + sealed::Sealed {
    #[doc(hidden)]
    const FILE: bool;
    #[doc(hidden)]
    fn from_data(data: Option<&RawValue>) -> Result<Self, serde_json::Error>;
    #[doc(hidden)]
    fn from_file(file: Download) -> Result<Self, serde_json::Error>;
}

mod sealed {
    pub trait Sealed {}
    impl<T: serde::de::DeserializeOwned> Sealed for T {}
    impl Sealed for crate::Download {}
}

impl<T: DeserializeOwned + Send + 'static> FromResponse for T {
    const FILE: bool = false;

    fn from_data(data: Option<&RawValue>) -> Result<Self, serde_json::Error> {
        let text = data.map_or("null", RawValue::get);
        serde_json::from_str(text).or_else(|err| {
            // "No data" comes as a missing `data`, `null` or `{}`; `()` only
            // takes null and an empty struct only takes {}, so try the other.
            let other = match text.trim() {
                "null" => "{}",
                t if t.starts_with('{')
                    && t.ends_with('}')
                    && t[1..t.len() - 1].trim().is_empty() =>
                {
                    "null"
                }
                _ => return Err(err),
            };
            serde_json::from_str(other).map_err(|_| err)
        })
    }

    fn from_file(_: Download) -> Result<Self, serde_json::Error> {
        Err(serde_json::Error::custom(
            "expected a JSON answer, got a file",
        ))
    }
}

impl FromResponse for Download {
    const FILE: bool = true;

    fn from_data(_: Option<&RawValue>) -> Result<Self, serde_json::Error> {
        Err(serde_json::Error::custom(
            "expected a file, got a JSON answer",
        ))
    }

    fn from_file(file: Download) -> Result<Self, serde_json::Error> {
        Ok(file)
    }
}

/// Implemented by requests of endpoints with `page_token` / `has_more`, for
/// [`Client::paginate`](crate::Client::paginate).
pub trait Paginated: Endpoint + Send + 'static {
    /// The element of the page's item array.
    type Item: Send + 'static;

    /// Sets the `page_token` query parameter for the next page.
    fn set_page_token(&mut self, token: String);

    /// Splits one page's data into its items and the pagination fields.
    fn into_page(data: Self::Response) -> Page<Self::Item>;
}

/// One page of a paginated answer.
#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_more: bool,
    pub page_token: Option<String>,
}
