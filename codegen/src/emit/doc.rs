//! Page text → rustdoc Markdown that `cargo doc` takes without warnings:
//! no raw HTML, no code blocks rustdoc would compile as doctests, no bare
//! or relative links, no brackets it would read as intra-doc links.

use crate::spec::{AccessToken, EnumValue, ErrorCode, Field, Spec};

const DOCS_HOST: &str = "https://open.feishu.cn";

/// The request struct's docs: what the page says about the endpoint.
pub fn endpoint(spec: &Spec) -> String {
    let mut out = String::new();
    let title = clean(&spec.title);
    out.push_str(if title.is_empty() { &spec.id } else { &title });
    out.push_str("\n\n");
    let description = clean(&spec.description);
    if !description.is_empty() {
        out.push_str(&description);
        out.push_str("\n\n");
    }
    out.push_str(&format!("`{} {}`", spec.method, spec.path));
    if !spec.base_url.is_empty() {
        out.push_str(&format!(" on `{}`", spec.base_url));
    }
    out.push_str(&format!(" (`{}`)\n", spec.id));
    let mut facts = Vec::new();
    if !spec.access_tokens.is_empty() {
        let tokens: Vec<&str> = spec
            .access_tokens
            .iter()
            .map(|t| match t {
                AccessToken::Tenant => "`tenant_access_token`",
                AccessToken::App => "`app_access_token`",
                AccessToken::User => "`user_access_token`",
            })
            .collect();
        facts.push(format!("Tokens: {}", tokens.join(", ")));
    }
    let code_list = |items: &[String]| {
        items
            .iter()
            .map(|s| format!("`{}`", s.replace('`', "")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !spec.scopes.is_empty() {
        facts.push(format!("Scopes: {}", code_list(&spec.scopes)));
    }
    if !spec.field_scopes.is_empty() {
        facts.push(format!("Field scopes: {}", code_list(&spec.field_scopes)));
    }
    if !spec.rate_limit.is_empty() {
        facts.push(format!("Rate limit: {}", clean(&spec.rate_limit)));
    }
    if !facts.is_empty() {
        out.push('\n');
        for fact in facts {
            out.push_str(&format!("- {fact}\n"));
        }
    }
    if let Some(url) = link_target(&spec.doc_url) {
        out.push_str(&format!("\n[Documentation]({url})\n"));
    }
    out.trim_end().to_owned()
}

/// A field's docs: its description, then its constraints, example and default.
pub fn field(f: &Field) -> String {
    let mut parts = Vec::new();
    let description = clean(&f.description);
    if !description.is_empty() {
        parts.push(description);
    }
    if f.name.is_empty() || !f.name.is_ascii() || f.name.contains(['`', ' ']) {
        parts.push(format!("Wire name: {}", code(&f.name)));
    }
    let mut facts = Vec::new();
    if !f.constraints.is_empty() {
        facts.push(format!("Constraints: {}", clean(&f.constraints)));
    }
    if !f.example.is_empty() {
        facts.push(format!("Example: {}", code(&f.example)));
    }
    if !f.default.is_empty() {
        facts.push(format!("Default: {}", code(&f.default)));
    }
    if !facts.is_empty() {
        parts.push(facts.join("; "));
    }
    parts.join("\n\n")
}

pub fn enum_value(v: &EnumValue) -> String {
    let description = clean(&v.description);
    let value = code(&v.value);
    if description.is_empty() {
        value
    } else {
        format!("{value}: {description}")
    }
}

/// An error code's rows (one, or more when the table repeats the code).
pub fn error_code(rows: &[&ErrorCode]) -> String {
    let mut out = String::new();
    for row in rows {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&format!("`{}`", row.code));
        if let Some(status) = row.http_status {
            out.push_str(&format!(" (HTTP {status})"));
        }
        let message = clean(&row.message);
        if !message.is_empty() {
            out.push_str(&format!(": {message}"));
        }
        let hint = clean(&row.hint);
        if !hint.is_empty() {
            out.push_str(&format!("\n\n{hint}"));
        }
    }
    out
}

/// Inline code for any text, whatever backticks it holds.
pub fn code(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ");
    if text.trim().is_empty() {
        return "(empty)".to_owned();
    }
    let mut ticks = 1;
    while text.contains(&"`".repeat(ticks)) {
        ticks += 1;
    }
    let fence = "`".repeat(ticks);
    // A space keeps a backtick at either end out of the fence.
    if text.starts_with('`') || text.ends_with('`') {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

/// Page Markdown → rustdoc Markdown.
///
/// Fenced blocks become ```` ```text ````; outside them lines lose their
/// indentation (an indented block would be a doctest), `<` is escaped (no
/// raw HTML), bare URLs get angle brackets, relative links the docs' host,
/// lone brackets a backslash, and list items a blank line after them so no
/// paragraph continues one lazily.
pub fn clean(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut fence: Option<String> = None;
    let mut in_list = false;
    for raw in text.lines() {
        let line = raw.trim();
        if let Some(open) = &fence {
            if line.starts_with(open.as_str()) && line.trim_start_matches('`').is_empty() {
                out.push(open.clone());
                fence = None;
            } else {
                out.push(raw.trim_end().to_owned());
            }
            continue;
        }
        if line.starts_with("```") || line.starts_with("~~~") {
            let marker: String = line.chars().take_while(|&c| c == '`' || c == '~').collect();
            let marker = marker.replace('~', "`");
            out.push(format!("{marker}text"));
            fence = Some(marker);
            in_list = false;
            continue;
        }
        let is_item = is_list_item(line);
        if in_list && !is_item && !line.is_empty() {
            out.push(String::new());
        }
        in_list = is_item;
        out.push(inline(line));
    }
    if let Some(open) = fence {
        out.push(open);
    }
    // Collapse runs of blank lines; trim the ends.
    let mut text = String::new();
    let mut blank = false;
    for line in out {
        if line.is_empty() {
            blank = true;
            continue;
        }
        if !text.is_empty() {
            text.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        text.push_str(&line);
    }
    text
}

fn is_list_item(line: &str) -> bool {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    line.starts_with("- ")
        || line.starts_with("* ")
        || line.starts_with("+ ")
        || (digits > 0 && (line[digits..].starts_with(". ") || line[digits..].starts_with(") ")))
}

/// One line outside code blocks, code spans kept as they are.
fn inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while !rest.is_empty() {
        if rest.starts_with('`') {
            let ticks = rest.len() - rest.trim_start_matches('`').len();
            let fence = &rest[..ticks];
            if let Some(end) = rest[ticks..].find(fence) {
                let span = &rest[..ticks + end + ticks];
                out.push_str(span);
                rest = &rest[span.len()..];
                continue;
            }
            // An unclosed code span: escape the backticks.
            for _ in 0..ticks {
                out.push_str("\\`");
            }
            rest = &rest[ticks..];
            continue;
        }
        if let Some((text, url, len)) = markdown_link(rest) {
            let text = text.replace('[', "\\[").replace(']', "\\]");
            match link_target(url) {
                Some(url) => out.push_str(&format!("[{}]({url})", escape_plain(&text))),
                None => out.push_str(&escape_plain(&text)),
            }
            rest = &rest[len..];
            continue;
        }
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let end = rest.find(|c: char| !is_url_char(c)).unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']);
            out.push_str(&format!("<{url}>"));
            rest = &rest[url.len()..];
            continue;
        }
        let c = rest.chars().next().expect("rest is not empty");
        match c {
            '<' => out.push_str("&lt;"),
            '>' if !out.is_empty() => out.push_str("&gt;"),
            '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '\\' if rest[1..].starts_with(|n: char| n.is_ascii_punctuation()) => {
                // Already an escape: keep the pair.
                out.push_str(&rest[..2]);
                rest = &rest[2..];
                continue;
            }
            '&' if !starts_entity(rest) => out.push_str("&amp;"),
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn escape_plain(text: &str) -> String {
    text.replace('<', "&lt;").replace('>', "&gt;")
}

fn starts_entity(s: &str) -> bool {
    let body = &s[1..];
    let end = body.find(';').unwrap_or(0);
    end > 0
        && end < 10
        && body[..end]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '#')
}

fn is_url_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '-' | '.'
                | '_'
                | '~'
                | ':'
                | '/'
                | '?'
                | '#'
                | '@'
                | '!'
                | '$'
                | '&'
                | '\''
                | '*'
                | '+'
                | ','
                | ';'
                | '='
                | '%'
        )
}

/// `[text](url)` at the start of `s`: (text, url, length).
fn markdown_link(s: &str) -> Option<(&str, &str, usize)> {
    if !s.starts_with('[') {
        return None;
    }
    let close = s.find("](")?;
    let text = &s[1..close];
    if text.contains('[') {
        return None;
    }
    let url_start = close + 2;
    let url_len = s[url_start..].find(')')?;
    let url = &s[url_start..url_start + url_len];
    Some((text, url, url_start + url_len + 1))
}

/// An absolute URL rustdoc can link to, or `None` for what cannot be one.
fn link_target(url: &str) -> Option<String> {
    let url = url.trim();
    if url.contains(char::is_whitespace) || url.contains(['<', '>', '`']) {
        return None;
    }
    if url.starts_with("https://") || url.starts_with("http://") {
        Some(url.to_owned())
    } else if url.starts_with('/') && !url.starts_with("//") {
        Some(format!("{DOCS_HOST}{url}"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_page_markdown() {
        assert_eq!(
            clean("  see [docs](/document/x) and https://a.b/c.\n<b>bold</b> [1]"),
            "see [docs](https://open.feishu.cn/document/x) and <https://a.b/c>.\n&lt;b&gt;bold&lt;/b&gt; \\[1\\]"
        );
        assert_eq!(
            clean("```json\n{\"a\": 1}\n```"),
            "```text\n{\"a\": 1}\n```"
        );
        assert_eq!(clean("- a\nb"), "- a\n\nb");
        assert_eq!(clean("`a<b` & c"), "`a<b` &amp; c");
        assert_eq!(code("a`b"), "``a`b``");
    }
}
