//! JSON examples as the docs write them: often not JSON. Strict parsing
//! first; on failure a lenient reader that accepts `//` and `/* */`
//! comments, trailing commas, missing commas, invalid escapes (`"^\d{9}$"`),
//! single-quoted strings, bare words and `...` placeholders, and says what
//! it forgave.

use serde_json::{Map, Number, Value};

/// A problem the lenient reader forgave, at a 0-based line and 1-based
/// column (in characters) of the example.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forgiven {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Reads `text` as JSON. `Ok` when it is valid JSON; `Err` with the value it
/// read leniently (if any) and what it forgave.
pub fn parse(text: &str) -> Result<Value, (Option<Value>, Vec<Forgiven>)> {
    match serde_json::from_str::<Value>(text) {
        Ok(value) => Ok(value),
        Err(strict) => {
            let mut reader = Lenient {
                bytes: text.as_bytes(),
                text,
                pos: 0,
                forgiven: Vec::new(),
                depth: 0,
            };
            let value = reader.document();
            if reader.forgiven.is_empty() {
                // The lenient reader found nothing to forgive yet the strict
                // one failed: report the strict reason.
                reader.forgiven.push(Forgiven {
                    line: strict.line().saturating_sub(1),
                    column: strict.column(),
                    message: strict.to_string(),
                });
            }
            Err((value, reader.forgiven))
        }
    }
}

/// Deeper nesting than this is not an example anyone wrote by hand; the
/// bound keeps hostile input from exhausting the stack.
const MAX_DEPTH: usize = 128;

struct Lenient<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    forgiven: Vec<Forgiven>,
    depth: usize,
}

impl Lenient<'_> {
    fn forgive(&mut self, message: impl Into<String>) {
        let before = &self.bytes[..self.pos.min(self.bytes.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        // Count characters, not bytes, so the caret lands under Chinese text.
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        let message = message.into();
        if !self
            .forgiven
            .iter()
            .any(|f| f.line == line && f.message == message)
        {
            self.forgiven.push(Forgiven {
                line,
                column,
                message,
            });
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                b'/' if self.bytes.get(self.pos + 1) == Some(&b'/') => {
                    self.forgive("comment");
                    while self.peek().is_some_and(|b| b != b'\n') {
                        self.pos += 1;
                    }
                }
                b'/' if self.bytes.get(self.pos + 1) == Some(&b'*') => {
                    self.forgive("comment");
                    self.pos += 2;
                    while self.pos < self.bytes.len() && !self.bytes[self.pos..].starts_with(b"*/")
                    {
                        self.pos += 1;
                    }
                    self.pos = (self.pos + 2).min(self.bytes.len());
                }
                _ => break,
            }
        }
    }

    fn document(&mut self) -> Option<Value> {
        self.skip_space();
        let value = self.value();
        self.skip_space();
        if self.pos < self.bytes.len() {
            self.forgive("text after the JSON value");
        }
        value
    }

    fn value(&mut self) -> Option<Value> {
        self.skip_space();
        match self.peek()? {
            b'{' => self.nested(Self::object),
            b'[' => self.nested(Self::array),
            b'"' | b'\'' => Some(Value::String(self.string())),
            b'-' | b'+' | b'0'..=b'9' => Some(self.number()),
            _ => self.word(),
        }
    }

    fn nested(&mut self, read: fn(&mut Self) -> Value) -> Option<Value> {
        if self.depth >= MAX_DEPTH {
            self.forgive("nesting too deep");
            self.pos = self.bytes.len();
            return None;
        }
        self.depth += 1;
        let value = read(self);
        self.depth -= 1;
        Some(value)
    }

    /// Before a member of an object or array: whether one follows (not the
    /// closing bracket or the end), stray commas forgiven on the way.
    fn next_member(&mut self, close: u8, what: &str) -> bool {
        loop {
            self.skip_space();
            match self.peek() {
                None => {
                    self.forgive(format!("unclosed {what}"));
                    return false;
                }
                Some(b) if b == close => {
                    self.pos += 1;
                    return false;
                }
                Some(b',') => {
                    self.forgive("stray comma");
                    self.pos += 1;
                }
                _ => return true,
            }
        }
    }

    /// After a member: its comma, forgiving a trailing or a missing one.
    fn after_member(&mut self, close: u8) {
        self.skip_space();
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                self.skip_space();
                if self.peek() == Some(close) {
                    self.forgive("trailing comma");
                }
            }
            Some(b) if b == close => {}
            None => {}
            _ => self.forgive("missing comma"),
        }
    }

    fn object(&mut self) -> Value {
        self.pos += 1;
        let mut map = Map::new();
        while self.next_member(b'}', "object") {
            let key = match self.peek() {
                Some(b'"') | Some(b'\'') => self.string(),
                _ => {
                    let start = self.pos;
                    while self.peek().is_some_and(|b| {
                        b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b >= 0x80
                    }) {
                        self.pos += 1;
                    }
                    if self.pos == start {
                        self.forgive("unexpected character in object");
                        self.pos += 1;
                        continue;
                    }
                    self.forgive("unquoted key");
                    self.text[start..self.pos].to_string()
                }
            };
            self.skip_space();
            if self.peek() == Some(b':') {
                self.pos += 1;
            } else {
                self.forgive("missing colon");
            }
            let value = self.value().unwrap_or(Value::Null);
            if key != "..." {
                map.insert(key, value);
            }
            self.after_member(b'}');
        }
        Value::Object(map)
    }

    fn array(&mut self) -> Value {
        self.pos += 1;
        let mut items = Vec::new();
        while self.next_member(b']', "array") {
            let before = self.pos;
            match self.value() {
                Some(Value::String(s)) if s == "..." || s == "…" => {}
                Some(v) => items.push(v),
                None if self.pos == before => {
                    self.forgive("unexpected character in array");
                    self.pos += 1;
                }
                None => {}
            }
            self.after_member(b']');
        }
        Value::Array(items)
    }

    fn string(&mut self) -> String {
        let quote = self.bytes[self.pos];
        if quote == b'\'' {
            self.forgive("single-quoted string");
        }
        self.pos += 1;
        let mut out = String::new();
        let mut start = self.pos;
        while let Some(b) = self.peek() {
            if b == quote {
                out.push_str(&self.text[start..self.pos]);
                self.pos += 1;
                return out;
            }
            if b == b'\n' {
                self.forgive("line break in string");
            }
            if b == b'\\' {
                out.push_str(&self.text[start..self.pos]);
                self.pos += 1;
                self.escape(&mut out);
                start = self.pos;
                continue;
            }
            self.pos += 1;
        }
        self.forgive("unclosed string");
        out.push_str(&self.text[start..]);
        out
    }

    fn escape(&mut self, out: &mut String) {
        let Some(b) = self.peek() else {
            out.push('\\');
            return;
        };
        let simple = match b {
            b'"' => Some('"'),
            b'\\' => Some('\\'),
            b'/' => Some('/'),
            b'b' => Some('\u{8}'),
            b'f' => Some('\u{c}'),
            b'n' => Some('\n'),
            b'r' => Some('\r'),
            b't' => Some('\t'),
            b'\'' => Some('\''),
            _ => None,
        };
        if let Some(c) = simple {
            out.push(c);
            self.pos += 1;
            return;
        }
        if b == b'u' {
            let hex = self.text.get(self.pos + 1..self.pos + 5).unwrap_or("");
            if let Some(c) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                out.push(c);
                self.pos += 5;
                return;
            }
        }
        // `\d` and friends: the writer meant a literal backslash.
        self.forgive("invalid escape");
        out.push('\\');
    }

    fn number(&mut self) -> Value {
        let start = self.pos;
        if self.peek() == Some(b'+') {
            self.forgive("number with a plus sign");
            self.pos += 1;
        }
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
        {
            self.pos += 1;
        }
        let digits = self.text[start..self.pos].trim_start_matches('+');
        if let Ok(n) = digits.parse::<i64>() {
            return Value::Number(n.into());
        }
        if let Ok(n) = digits.parse::<u64>() {
            return Value::Number(n.into());
        }
        match digits.parse::<f64>().ok().and_then(Number::from_f64) {
            Some(n) => Value::Number(n),
            None => {
                self.forgive("malformed number");
                Value::String(digits.to_string())
            }
        }
    }

    /// `true`, `false`, `null`, or a bare word the writer left unquoted.
    fn word(&mut self) -> Option<Value> {
        let start = self.pos;
        while self.peek().is_some_and(|b| {
            !matches!(
                b,
                b',' | b'}' | b']' | b':' | b'\n' | b'\r' | b'"' | b'{' | b'['
            )
        }) {
            self.pos += 1;
        }
        let word = self.text[start..self.pos].trim();
        match word {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            "null" => Some(Value::Null),
            "" => None,
            "..." | "…" => Some(Value::String(word.to_string())),
            _ => {
                self.forgive("unquoted value");
                Some(Value::String(word.to_string()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn valid_json_is_strict() {
        assert_eq!(
            parse(r#"{"a": [1, 2.5, "x"]}"#),
            Ok(json!({"a": [1, 2.5, "x"]}))
        );
    }

    #[test]
    fn forgives_what_the_docs_do() {
        let (value, forgiven) = parse(
            "{\n  \"rule\": \"^\\d{9}$\", // a comment\n  \"list\": [1, 2,],\n  \"o\": {\"a\": 1,},\n  \"more\": ...\n}",
        )
        .unwrap_err();
        assert_eq!(
            value,
            Some(json!({"rule": "^\\d{9}$", "list": [1, 2], "o": {"a": 1}, "more": "..."}))
        );
        let messages: Vec<_> = forgiven
            .iter()
            .map(|f| (f.line, f.message.as_str()))
            .collect();
        assert!(messages.contains(&(1, "invalid escape")), "{messages:?}");
        assert!(messages.contains(&(1, "comment")));
        assert!(messages.contains(&(2, "trailing comma")));
    }

    #[test]
    fn never_fails_on_garbage() {
        for text in [
            "",
            "{",
            "[[[[",
            "\"",
            "{\"a\" 1 \"b\": 2}",
            "}{",
            "\\u12",
            "{'a': tru}",
        ] {
            let _ = parse(text);
        }
        let deep = "[".repeat(100_000);
        assert!(parse(&deep).is_err());
    }
}
