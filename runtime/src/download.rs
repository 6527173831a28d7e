//! File answers: buffered ([`Download`]) or streamed ([`DownloadStream`]).

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use percent_encoding::percent_decode_str;
use reqwest::header::{HeaderMap, CONTENT_DISPOSITION, CONTENT_TYPE};

use crate::Error;

/// A downloaded file: the `Response` type of endpoints that answer with one.
#[derive(Clone)]
pub struct Download {
    /// From `Content-Disposition`, without any directory part.
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Bytes,
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// A file answer read as it arrives, from [`Client::download_stream`](crate::Client::download_stream).
pub struct DownloadStream {
    /// From `Content-Disposition`, without any directory part.
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub content_length: Option<u64>,
    body: Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>,
}

impl DownloadStream {
    pub(crate) fn new(response: reqwest::Response) -> Self {
        let (filename, content_type) = file_headers(response.headers());
        DownloadStream {
            filename,
            content_type,
            content_length: response.content_length(),
            body: Box::pin(response.bytes_stream()),
        }
    }
}

impl Stream for DownloadStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.body
            .as_mut()
            .poll_next(cx)
            .map(|chunk| chunk.map(|c| c.map_err(Error::Transport)))
    }
}

impl fmt::Debug for DownloadStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DownloadStream")
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("content_length", &self.content_length)
            .finish_non_exhaustive()
    }
}

/// The filename and content type of a file answer.
pub(crate) fn file_headers(headers: &HeaderMap) -> (Option<String>, Option<String>) {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    (
        text(CONTENT_DISPOSITION).and_then(filename),
        text(CONTENT_TYPE).map(str::to_owned),
    )
}

/// The filename of a `Content-Disposition` value: RFC 6266's `filename*`
/// (RFC 8187 encoding) if present and readable, else `filename`. Only the
/// last path component is kept: the name is server input a caller may well
/// join to a directory.
fn filename(disposition: &str) -> Option<String> {
    let mut plain = None;
    for param in split_params(disposition).skip(1) {
        let Some((key, value)) = param.split_once('=') else {
            continue;
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "filename*" => {
                if let Some(name) = decode_ext_value(value.trim()) {
                    return base_name(&name);
                }
            }
            "filename" => plain = Some(unquote(value.trim())),
            _ => {}
        }
    }
    plain.and_then(|p| base_name(&p))
}

/// Splits on `;` outside double quotes.
fn split_params(s: &str) -> impl Iterator<Item = &str> {
    let mut quoted = false;
    let mut escaped = false;
    s.split(move |c| {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => return true,
            _ => {}
        }
        false
    })
}

fn unquote(v: &str) -> String {
    match v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) => {
            let mut out = String::with_capacity(inner.len());
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                out.push(if c == '\\' {
                    chars.next().unwrap_or(c)
                } else {
                    c
                });
            }
            out
        }
        None => v.to_owned(),
    }
}

/// `UTF-8'lang'percent-encoded` (RFC 8187); other charsets are not read.
fn decode_ext_value(v: &str) -> Option<String> {
    let mut parts = v.splitn(3, '\'');
    let (charset, _lang, value) = (parts.next()?, parts.next()?, parts.next()?);
    if !charset.eq_ignore_ascii_case("utf-8") {
        return None;
    }
    percent_decode_str(value)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

fn base_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name).trim();
    (!matches!(base, "" | "." | "..")).then(|| base.to_owned())
}

#[cfg(test)]
mod tests {
    use super::filename;

    #[test]
    fn reads_content_disposition() {
        let cases = [
            ("attachment; filename=\"a.pdf\"", Some("a.pdf")),
            ("attachment; filename=plain.txt", Some("plain.txt")),
            (
                "attachment; filename=\"x;y \\\"q\\\".txt\"",
                Some("x;y \"q\".txt"),
            ),
            (
                "attachment; filename=\"fallback.txt\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf",
                Some("报告.pdf"),
            ),
            ("attachment; filename*=UTF-8''%FF", None),
            ("attachment; filename=\"../../etc/passwd\"", Some("passwd")),
            ("attachment; filename=\"..\"", None),
            ("attachment", None),
            ("", None),
        ];
        for (header, want) in cases {
            assert_eq!(filename(header).as_deref(), want, "{header}");
        }
    }
}
