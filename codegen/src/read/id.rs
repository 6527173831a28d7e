//! The endpoint id, `service.version.resource.method`, as the official SDKs
//! name it: from the page's doc URL (formats A and C), from the SDK sample
//! (format B), else from the HTTP path.

/// The id from a documentation URL or path such as
/// `.../hire-v1/referral_account/create` or `.../mail-v1/mailgroup-permission_member/create`:
/// the last segment names the method and the one before it the (nested,
/// `-`-joined) resource. Service and version come from the HTTP path, which
/// is authoritative. The URL's resource names win where they match the
/// path's segments (`aily_session` for `sessions`, `tab` for `chat_tabs`);
/// the path adds the parents the URL leaves out (`file.like` for `like`).
/// A method that is the path's last segment is an action, not a resource.
pub fn from_doc_url(url: &str, path: &str) -> Option<String> {
    let (service, version, segments) = path_parts(path)?;
    let url = url.split(['?', '#']).next().unwrap_or(url);
    let parts: Vec<&str> = url.trim_end_matches('/').split('/').collect();
    // Pages that share a name get `-2`, `-3`, ... in their URL.
    let last = *parts.last()?;
    let method = match last.rsplit_once('-') {
        Some((stem, n)) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => stem,
        _ => last,
    };
    let url_resource = *parts.get(parts.len().checked_sub(2)?)?;
    if method.is_empty()
        || !method
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return None;
    }
    let ends_with_param = segments.last().is_some_and(|s| is_param(s));
    let mut literal: Vec<&str> = segments.iter().filter(|s| !is_param(s)).copied().collect();
    // The method names the path's last segments (`upload/complete` for
    // `upload_complete`, `records` for `records_delete`): they are the
    // action, not resources.
    let words: Vec<&str> = method.split('_').collect();
    let mut popped: Vec<&str> = Vec::new();
    // Only segments after the last parameter can be the action: one that
    // a parameter follows is a collection.
    let trailing = segments.iter().rev().take_while(|s| !is_param(s)).count();
    while !ends_with_param && literal.len() > 1 && popped.len() < trailing {
        let Some(&last) = literal.last() else { break };
        let named = method == last
            || words.contains(&last)
            || words.contains(&singular(last).as_str())
            || method.ends_with(&format!("_{last}"));
        if !named {
            break;
        }
        popped.insert(0, last);
        literal.pop();
    }
    let action = !popped.is_empty();
    // `app_access_token_internal` for `/app_access_token/internal` is the
    // resource's name and the action: the SDK calls the method `internal`.
    let mut method = method.to_string();
    if let Some(resource) = literal.last() {
        if method == format!("{resource}_{}", popped.join("_")) {
            method = popped.join("_");
        }
    }
    let mut resource: Vec<String> = literal.iter().map(|s| singular(s)).collect();
    // Align the URL's names with the path's segments, in order. Where they
    // do not align, the path's names stand, if the URL named the method.
    let mut next = 0;
    let mut aligned = !is_service_version(url_resource);
    for name in url_resource.split('-') {
        let found = (next..resource.len())
            .find(|&i| is_identifier(name) && similar_noun(&resource[i], name));
        let Some(found) = found.filter(|_| aligned) else {
            aligned = false;
            break;
        };
        resource[found] = name.to_string();
        next = found + 1;
    }
    let names_resource = !action && literal.last() == Some(&method.as_str());
    if resource.is_empty()
        || names_resource
        || !(aligned || action)
        || !(aligned || is_identifier(&method))
    {
        return None;
    }
    Some(format!(
        "{service}.{version}.{}.{method}",
        resource.join(".")
    ))
}

/// `name` stands for the path segment `segment` (already singular): the
/// same noun, or one names the other with a qualifier (`aily_session`,
/// `chat_tab` for `tab`), or a plural the singular rule missed (`aliases`).
fn similar_noun(segment: &str, name: &str) -> bool {
    segment == name
        || singular(name) == segment
        || segment.ends_with(&format!("_{name}"))
        || name.ends_with(&format!("_{segment}"))
        || (segment.len() > 3 && name.starts_with(segment) && name.len() <= segment.len() + 2)
}

/// The id from the Python SDK sample, `client.hire.v1.referral_account.create(request)`.
/// The SDK joins nested resources with `_`; the HTTP path splits them again.
pub fn from_sdk_sample(code: &str, path: &str) -> Option<String> {
    // The first line with `= client.…(`. Searched for in the whole sample
    // at once: samples are long, and a search per line showed in profiles.
    const CALL: &str = "= client.";
    let mut from = 0;
    let call = loop {
        let start = code[from..].find(CALL)? + from + CALL.len();
        let line = code[start..].split('\n').next().unwrap_or("");
        if let Some(end) = line.find('(') {
            break &line[..end];
        }
        from = start;
    };
    let parts: Vec<&str> = call.split('.').collect();
    let [service, version, resource, method] = parts[..] else {
        return None;
    };
    let (path_service, path_version, segments) = path_parts(path)?;
    if service != path_service || version != path_version {
        return None;
    }
    let literal: Vec<&str> = segments.iter().filter(|s| !is_param(s)).copied().collect();
    let words: Vec<&str> = resource.split('_').collect();
    let resource =
        split_resource(&words, &literal).map_or_else(|| resource.to_string(), |r| r.join("."));
    // The SDK escapes Python keywords: `import_`.
    let method = method.trim_end_matches('_');
    Some(format!("{service}.{version}.{resource}.{method}"))
}

/// Splits `reserve_config_disable_inform` into `reserve_config.disable_inform`
/// along the path's segments (`reserve_configs`, `disable_inform`): the
/// words are grouped so each group names a segment, in order (segments may
/// be skipped; `chat_members` for `/chats/:id/members`, `aily_session_run`
/// for `/sessions/:id/runs`).
fn split_resource(words: &[&str], segments: &[&str]) -> Option<Vec<String>> {
    if words.is_empty() {
        return Some(Vec::new());
    }
    for (i, segment) in segments.iter().enumerate() {
        for k in (1..=words.len()).rev() {
            let name = words[..k].join("_");
            if name == *segment || similar_noun(&singular(segment), &name) {
                if let Some(mut tail) = split_resource(&words[k..], &segments[i + 1..]) {
                    tail.insert(0, name);
                    return Some(tail);
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
    if let Some(stem) = word.strip_suffix("iases") {
        return format!("{stem}ias");
    }
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
