//! Path templates: `:name` segments replaced by encoded values.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986's unreserved characters, so `/`, `?`, `#` and `%`
/// in a value stay inside its segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Fills `template`'s `:name` segments from `params`.
///
/// Values that would change which path is addressed are refused: an empty
/// value (`/users/` is another endpoint than `/users/:id`) and `.` or `..`,
/// which URL parsers resolve as dot-segments even when percent-encoded.
pub(crate) fn expand(template: &str, params: &[(&'static str, String)]) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + 16);
    for (i, segment) in template.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        let Some(name) = segment.strip_prefix(':') else {
            out.push_str(segment);
            continue;
        };
        let value = params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .ok_or_else(|| format!("path parameter `{name}` is missing"))?;
        if matches!(value, "" | "." | "..") {
            return Err(format!("path parameter `{name}` is {value:?}"));
        }
        out.extend(utf8_percent_encode(value, SEGMENT));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::expand;

    const T: &str = "/open-apis/drive/v1/files/:file_token/download";

    #[test]
    fn encodes_separators_and_keeps_unreserved() {
        let p = [("file_token", "../x?y#z%/a b~c.d".to_string())];
        assert_eq!(
            expand(T, &p).unwrap(),
            "/open-apis/drive/v1/files/..%2Fx%3Fy%23z%25%2Fa%20b~c.d/download"
        );
    }

    #[test]
    fn refuses_missing_empty_and_dot_segments() {
        assert!(expand(T, &[]).is_err());
        for v in ["", ".", ".."] {
            assert!(
                expand(T, &[("file_token", v.to_string())]).is_err(),
                "{v:?}"
            );
        }
    }
}
