//! A field's description cell → its prose, example (示例值), default
//! (默认值), enum values (可选值有) and constraints (数据校验规则).
//!
//! The cell is Markdown with one line per part. A marker such as
//! `**示例值**：x` starts a part; enum values and constraints follow as
//! `- value：description` items, on their own lines (formats A, B) or run
//! together on one line (format C: ``- `1`: 可用 - `2`: 停用``).

use super::Keywords;
use crate::spec::EnumValue;
use crate::text::{has_newline, lines, trim};

#[derive(Debug, Default, PartialEq)]
pub struct Described {
    pub description: String,
    pub example: String,
    pub default: String,
    pub enum_values: Vec<EnumValue>,
    pub constraints: String,
}

#[derive(Clone, Copy, PartialEq)]
enum Part {
    Prose,
    Enum,
    Constraints,
}

pub fn describe(markdown: &str, keywords: &Keywords) -> Described {
    // Most cells are one line of prose, with no marker.
    let trimmed = trim(markdown);
    if !has_newline(trimmed) && !trimmed.starts_with("**") {
        return Described {
            description: trimmed.to_string(),
            ..Described::default()
        };
    }
    let mut out = Described::default();
    let mut prose: Vec<&str> = Vec::new();
    let mut constraints: Vec<String> = Vec::new();
    let mut part = Part::Prose;
    let is_any = |marker: &str, words: &[&str]| words.iter().any(|w| keywords.is(marker, w));
    for line in lines(markdown) {
        let line = trim(line);
        if line.is_empty() {
            continue;
        }
        if let Some((marker, rest)) = split_marker(line) {
            if is_any(marker, &["示例值", "示例"]) {
                out.example = unquote(rest).to_string();
                part = Part::Prose;
                continue;
            }
            if is_any(marker, &["默认值"]) {
                out.default = unquote(rest.trim_matches('`')).to_string();
                part = Part::Prose;
                continue;
            }
            if is_any(marker, &["可选值有", "可能值有", "可选值"]) {
                part = Part::Enum;
                enum_items(rest, &mut out.enum_values);
                continue;
            }
            if is_any(marker, &["数据校验规则"]) {
                part = Part::Constraints;
                if !rest.is_empty() {
                    constraints.push(rest.to_string());
                }
                continue;
            }
        }
        match part {
            Part::Enum if line.starts_with("- ") => enum_items(line, &mut out.enum_values),
            Part::Constraints if line.starts_with("- ") => {
                constraints.push(line[2..].replace('`', "").trim().to_string())
            }
            _ => {
                part = Part::Prose;
                prose.push(line);
            }
        }
    }
    out.description = prose.join("\n");
    out.constraints = constraints.join("; ");
    out
}

/// `**marker**：rest` (full-width or ASCII colon, inside or after the bold).
fn split_marker(line: &str) -> Option<(&str, &str)> {
    let inner = line.strip_prefix("**")?;
    let end = memchr::memchr_iter(b'*', inner.as_bytes())
        .find(|&at| inner.as_bytes().get(at + 1) == Some(&b'*'))?;
    let marker = trim(inner[..end].trim_end_matches([':', '：']));
    let rest = trim(
        inner[end + 2..]
            .trim_start()
            .trim_start_matches([':', '：']),
    );
    Some((marker, rest))
}

/// One or more `- value：description` items on a line, added to `out`.
fn enum_items(line: &str, out: &mut Vec<EnumValue>) {
    let line = trim(line);
    let mut push = |value: &str, description: &str| {
        let value = trim(value).trim_matches('"');
        if !value.is_empty() {
            out.push(EnumValue {
                value: value.to_string(),
                description: trim(description).to_string(),
            });
        }
    };
    // Format C runs the items together: ``- `a`: x - `b`: y``.
    if let Some(rest) = line.strip_prefix("- `") {
        for piece in rest.split(" - `") {
            let piece = trim(piece);
            match piece.split_once('`') {
                Some((value, description)) => {
                    push(value, description.trim_start_matches([':', '：', ' ']))
                }
                None => push(piece, ""),
            }
        }
        return;
    }
    let piece = trim(line.strip_prefix("- ").unwrap_or(line));
    match colon(piece) {
        Some((at, width)) => push(&piece[..at], &piece[at + width..]),
        None => push(piece, ""),
    }
}

/// The first colon, ASCII or full-width, and its width in bytes.
fn colon(text: &str) -> Option<(usize, usize)> {
    // `：` is EF BC 9A: look for its lead byte and `:` at once.
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = memchr::memchr2(b':', 0xEF, &bytes[from..]) {
        let at = from + at;
        if bytes[at] == b':' {
            return Some((at, 1));
        }
        if bytes[at..].starts_with("：".as_bytes()) {
            return Some((at, 3));
        }
        from = at + 1;
    }
    None
}

fn unquote(s: &str) -> &str {
    let s = trim(s);
    for (open, close) in [("\"", "\""), ("“", "”")] {
        if let Some(inner) = s.strip_prefix(open).and_then(|r| r.strip_suffix(close)) {
            return inner;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean() -> Keywords {
        Keywords { garbled: false }
    }

    #[test]
    fn format_a_cell() {
        let d = describe(
            "用户 ID 类型\n**示例值**：open_id\n**可选值有**：\n- open_id：标识一个用户\n- union_id：另一个\n**默认值**：`open_id`\n**数据校验规则**：\n- 长度范围：`1` ～ `100` 字符",
            &clean(),
        );
        assert_eq!(d.description, "用户 ID 类型");
        assert_eq!(d.example, "open_id");
        assert_eq!(d.default, "open_id");
        assert_eq!(
            d.enum_values
                .iter()
                .map(|e| e.value.as_str())
                .collect::<Vec<_>>(),
            ["open_id", "union_id"]
        );
        assert_eq!(d.enum_values[0].description, "标识一个用户");
        assert_eq!(d.constraints, "长度范围：1 ～ 100 字符");
    }

    #[test]
    fn format_c_run_together_enum() {
        let d = describe(
            "账户状态\n**可选值有**：\n- `1`: 可用 - `2`: 停用",
            &clean(),
        );
        assert_eq!(d.enum_values.len(), 2);
        assert_eq!(d.enum_values[1].value, "2");
        assert_eq!(d.enum_values[1].description, "停用");
    }

    #[test]
    fn format_b_example() {
        let d = describe(
            "邮箱，该参数与 mobile 参数必传一个\n**示例**: hire@open.com",
            &clean(),
        );
        assert_eq!(d.example, "hire@open.com");
        assert_eq!(d.description, "邮箱，该参数与 mobile 参数必传一个");
    }

    #[test]
    fn markers_repaired_wrongly_still_match() {
        // 据 is E6 8D AE; 0x8D is lost in mojibake, and a repair that puts
        // back 0x8E instead reads 掮.
        let k = Keywords { garbled: true };
        let d = describe("长度\n**数掮校验规则**：\n- 长度：`1`", &k);
        assert_eq!(d.constraints, "长度：1");
        assert_eq!(d.description, "长度");
    }
}
