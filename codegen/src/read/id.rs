//! The endpoint id, `service.version.resource.method`, as the official SDKs
//! name it: from the page's doc URL (formats A and C), from the SDK sample
//! (format B), else from the HTTP path.

/// The id from a documentation URL or path such as
/// `.../hire-v1/referral_account/create` or `.../mail-v1/mailgroup-permission_member/create`:
/// the segment after `service-version` names the (nested, `-`-joined)
/// resource, the last one the method. Service and version come from the
/// HTTP path, which is authoritative; the URL's resource is used only when
/// every part of it names a segment of the HTTP path.
pub fn from_doc_url(url: &str, path: &str) -> Option<String> {
    let (service, version, segments) = path_parts(path)?;
    let url = url.split(['?', '#']).next().unwrap_or(url);
    let parts: Vec<&str> = url.trim_end_matches('/').split('/').collect();
    let method = *parts.last()?;
    let resource = parts.get(parts.len().checked_sub(2)?)?;
    if !is_identifier(method) || is_service_version(resource) {
        return None;
    }
    let resource: Vec<&str> = resource.split('-').collect();
    let literal: Vec<&str> = segments.iter().filter(|s| !is_param(s)).copied().collect();
    let named_in_path = resource
        .iter()
        .all(|r| is_identifier(r) && literal.iter().any(|s| same_noun(s, r)));
    named_in_path.then(|| format!("{service}.{version}.{}.{method}", resource.join(".")))
}

/// The id from the Python SDK sample, `client.hire.v1.referral_account.create(request)`.
/// The SDK joins nested resources with `_`; the HTTP path splits them again.
pub fn from_sdk_sample(code: &str, path: &str) -> Option<String> {
    let call = code.lines().find_map(|l| {
        let start = l.find("= client.")? + "= client.".len();
        let end = l[start..].find('(')? + start;
        Some(&l[start..end])
    })?;
    let parts: Vec<&str> = call.split('.').collect();
    let [service, version, resource, method] = parts[..] else {
        return None;
    };
    let (path_service, path_version, segments) = path_parts(path)?;
    if service != path_service || version != path_version {
        return None;
    }
    let literal: Vec<String> = segments
        .iter()
        .filter(|s| !is_param(s))
        .map(|s| singular(s))
        .collect();
    let resource = split_resource(resource, &literal).unwrap_or_else(|| resource.to_string());
    Some(format!("{service}.{version}.{resource}.{method}"))
}

/// Splits `reserve_config_disable_inform` into `reserve_config.disable_inform`
/// along the path's segments (`reserve_configs`, `disable_inform`).
fn split_resource(joined: &str, segments: &[String]) -> Option<String> {
    if joined.is_empty() {
        return Some(String::new());
    }
    for (i, segment) in segments.iter().enumerate() {
        if let Some(rest) = joined.strip_prefix(segment.as_str()) {
            if rest.is_empty() {
                return Some(segment.clone());
            }
            if let Some(rest) = rest.strip_prefix('_') {
                if let Some(tail) = split_resource(rest, &segments[i + 1..]) {
                    return Some(format!("{segment}.{tail}"));
                }
            }
        }
    }
    None
}

/// The id from the HTTP method and path alone: literal segments are the
/// (singular) resources; a last segment that is an action names the method.
pub fn from_path(method: &str, path: &str) -> Option<String> {
    let (service, version, segments) = path_parts(path)?;
    let ends_with_param = segments.last().is_some_and(|s| is_param(s));
    let mut literal: Vec<&str> = segments.iter().filter(|s| !is_param(s)).copied().collect();
    let last = literal.last().copied().unwrap_or(service);
    let verb = if !ends_with_param && literal.len() > 1 && is_action(last) {
        literal.pop();
        last.to_string()
    } else {
        let collection = !ends_with_param && last.ends_with('s');
        match (method, collection) {
            ("GET", true) => "list",
            ("GET", false) => "get",
            ("POST", _) => "create",
            ("PUT", _) => "update",
            ("PATCH", _) => "patch",
            ("DELETE", _) => "delete",
            _ => return None,
        }
        .to_string()
    };
    let resource: Vec<String> = literal.iter().map(|s| singular(s)).collect();
    let resource = if resource.is_empty() {
        service.to_string()
    } else {
        resource.join(".")
    };
    Some(format!("{service}.{version}.{resource}.{verb}"))
}

/// `/open-apis/{service}/{version}/{segments...}`; also the legacy
/// `/{service}/openapi/{version}/...` and paths with no version (v1 then).
fn path_parts(path: &str) -> Option<(&str, &str, Vec<&str>)> {
    let rest = path.split("/open-apis/").nth(1).unwrap_or(path);
    let mut parts = rest
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty() && *s != "openapi")
        .peekable();
    let service = parts.next().filter(|s| is_identifier(s))?;
    let version = match parts.peek() {
        Some(v) if is_version(v) => parts.next().unwrap_or("v1"),
        _ => "v1",
    };
    Some((service, version, parts.collect()))
}

fn is_param(segment: &str) -> bool {
    segment.starts_with(':') || segment.starts_with('{')
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_version(s: &str) -> bool {
    s.strip_prefix('v')
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

fn is_service_version(s: &str) -> bool {
    s.rsplit_once('-').is_some_and(|(_, v)| is_version(v))
}

fn same_noun(segment: &str, name: &str) -> bool {
    segment == name || singular(segment) == name || singular(segment) == singular(name)
}

const ACTION_PREFIXES: &[&str] = &[
    "batch",
    "search",
    "query",
    "get",
    "list",
    "create",
    "update",
    "delete",
    "patch",
    "set",
    "add",
    "remove",
    "move",
    "copy",
    "upload",
    "download",
    "reply",
    "merge",
    "send",
    "cancel",
    "close",
    "open",
    "enable",
    "disable",
    "apply",
    "approve",
    "reject",
    "transfer",
    "submit",
    "publish",
    "recall",
    "sync",
    "check",
    "match",
    "convert",
    "import",
    "export",
    "bind",
    "unbind",
    "subscribe",
    "unsubscribe",
    "start",
    "stop",
    "end",
    "resend",
    "rollback",
    "reset",
    "preview",
    "recognize",
    "translate",
    "detect",
    "parse",
    "extract",
    "terminate",
    "withdraw",
    "activate",
    "deactivate",
    "combine",
    "replace",
    "verify",
    "push",
    "read",
    "mark",
    "tenant_query",
];

fn is_action(segment: &str) -> bool {
    ACTION_PREFIXES
        .iter()
        .any(|p| segment == *p || segment.starts_with(&format!("{p}_")))
}

/// English plural → singular, for the nouns API paths use.
pub fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        return format!("{stem}y");
    }
    for suffix in ["sses", "xes", "ches", "shes", "uses"] {
        if let Some(stem) = word.strip_suffix(suffix) {
            return format!("{stem}{}", &suffix[..suffix.len() - 2]);
        }
    }
    match word.strip_suffix('s') {
        Some(stem) if !stem.ends_with('s') && !stem.ends_with('u') && !stem.ends_with('i') => {
            stem.to_string()
        }
        _ => word.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_urls() {
        assert_eq!(
            from_doc_url(
                "/ukTMukTMukTM/uMzM1YjLzMTN24yMzUjN/hire-v1/referral_account/create",
                "/open-apis/hire/v1/referral_account"
            )
            .as_deref(),
            Some("hire.v1.referral_account.create")
        );
        assert_eq!(
            from_doc_url("https://open.feishu.cn/document/server-docs/mail-v1/mail-group/mailgroup-member/list", "/open-apis/mail/v1/mailgroups/:id/members").as_deref(),
            Some("mail.v1.mailgroup.member.list")
        );
        // The URL names no resource: the path has to.
        assert_eq!(
            from_doc_url(
                "https://x/human_authentication-v1/create",
                "/open-apis/human_authentication/v1/identities"
            ),
            None
        );
        assert_eq!(
            from_doc_url(
                "https://open.feishu.cn/document/corehr-v1/basic-compensation/archive/query",
                "/open-apis/compensation/v1/archives/query"
            )
            .as_deref(),
            Some("compensation.v1.archive.query")
        );
    }

    #[test]
    fn from_samples() {
        assert_eq!(
            from_sdk_sample(
                "    response: X = client.vc.v1.reserve_config_disable_inform.patch(request)",
                "/open-apis/vc/v1/reserve_configs/:id/disable_inform"
            )
            .as_deref(),
            Some("vc.v1.reserve_config.disable_inform.patch")
        );
    }

    #[test]
    fn from_paths() {
        assert_eq!(
            from_path("POST", "/open-apis/human_authentication/v1/identities").as_deref(),
            Some("human_authentication.v1.identity.create")
        );
        assert_eq!(
            from_path("GET", "/open-apis/drive/v1/files/:f/comments/:c/replies").as_deref(),
            Some("drive.v1.file.comment.reply.list")
        );
        assert_eq!(
            from_path("POST", "/open-apis/corehr/v2/departments/search").as_deref(),
            Some("corehr.v2.department.search")
        );
        assert_eq!(
            from_path("DELETE", "/open-apis/vc/v1/rooms/:room_id").as_deref(),
            Some("vc.v1.room.delete")
        );
    }
}
