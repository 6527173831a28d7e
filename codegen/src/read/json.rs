//! JSON examples as the docs write them: often not JSON. Strict parsing
//! first; on failure a lenient reader that accepts `//` and `/* */`
//! comments, trailing commas, missing commas, invalid escapes (`"^\d{9}$"`),
//! single-quoted strings, bare words and `...` placeholders, and says what
//! it forgave.
//!
//! Examples are read into [`Json`], not `serde_json::Value`: the reader only
//! looks keys up and asks what kind a value is, and a value whose strings
//! borrow from the example, in objects that are plain lists, is much
//! cheaper to build and drop than one of hashed maps of owned strings.

use std::borrow::Cow;
use std::fmt;

use rustc_hash::FxHashMap;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A JSON value read from an example. Numbers keep only their kind, as
/// serde_json tells it: an integer fits `u64` or `i64`; every other number
/// (`1.0`, `1e3`, `-0`, beyond 64 bits) is a float.
#[derive(Clone, Debug, PartialEq)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    Integer,
    Float,
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Object<'a>),
}

/// A JSON object's members in the order written. A key written twice keeps
/// its first place and its last value, as serde_json's `preserve_order`
/// map does.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Object<'a>(Vec<(Cow<'a, str>, Json<'a>)>);

impl<'a> Json<'a> {
    /// The member `key` of an object; `None` for other values.
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        self.as_object()?.get(key)
    }

    pub fn as_object(&self) -> Option<&Object<'a>> {
        match self {
            Json::Object(object) => Some(object),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Json::Object(_))
    }

    pub fn is_array(&self) -> bool {
        matches!(self, Json::Array(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }
}

impl<'a> Object<'a> {
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Json<'a>)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_ref())
    }
}

/// An object read member by member. A key written twice keeps its first
/// place and its last value. Objects in examples are small, and a search of
/// the list is as quick as hashing; a large one (hostile input) gets an
/// index, so that reading it stays linear.
#[derive(Default)]
struct ObjectBuilder<'a> {
    members: Vec<(Cow<'a, str>, Json<'a>)>,
    index: Option<FxHashMap<Cow<'a, str>, usize>>,
}

impl<'a> ObjectBuilder<'a> {
    const SEARCHED: usize = 32;

    fn insert(&mut self, key: Cow<'a, str>, value: Json<'a>) {
        if self.members.len() < Self::SEARCHED {
            match self.members.iter_mut().find(|(k, _)| *k == key) {
                Some((_, old)) => *old = value,
                None => self.members.push((key, value)),
            }
            return;
        }
        let members = &self.members;
        let index = self.index.get_or_insert_with(|| {
            members
                .iter()
                .enumerate()
                .map(|(i, (k, _))| (k.clone(), i))
                .collect()
        });
        match index.get(&key) {
            Some(&at) => self.members[at].1 = value,
            None => {
                index.insert(key.clone(), self.members.len());
                self.members.push((key, value));
            }
        }
    }

    fn finish(self) -> Json<'a> {
        Json::Object(Object(self.members))
    }
}

/// Valid JSON is read by serde_json itself, so what is valid, and what a
/// number is, are exactly as serde_json has them.
impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Json<'de>, E> {
        Ok(Json::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Json<'de>, E> {
        Ok(Json::Integer)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Json<'de>, E> {
        Ok(Json::Integer)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Json<'de>, E> {
        Ok(Json::Float)
    }

    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Borrowed(s)))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(s.to_owned())))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
        let mut object = ObjectBuilder::default();
        // A key is read as any value is, so that it borrows alike.
        while let Some(key) = map.next_key::<Json>()? {
            let Json::String(key) = key else {
                return Err(de::Error::custom("an object key that is not a string"));
            };
            object.insert(key, map.next_value()?);
        }
        Ok(object.finish())
    }
}

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
pub fn parse(text: &str) -> Result<Json<'_>, (Option<Json<'_>>, Vec<Forgiven>)> {
    match serde_json::from_str::<Json>(text) {
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

impl<'a> Lenient<'a> {
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

    fn document(&mut self) -> Option<Json<'a>> {
        self.skip_space();
        let value = self.value();
        self.skip_space();
        if self.pos < self.bytes.len() {
            self.forgive("text after the JSON value");
        }
        value
    }

    fn value(&mut self) -> Option<Json<'a>> {
        self.skip_space();
        match self.peek()? {
            b'{' => self.nested(Self::object),
            b'[' => self.nested(Self::array),
            b'"' | b'\'' => Some(Json::String(self.string())),
            b'-' | b'+' | b'0'..=b'9' => Some(self.number()),
            _ => self.word(),
        }
    }

    fn nested(&mut self, read: fn(&mut Self) -> Json<'a>) -> Option<Json<'a>> {
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

    fn object(&mut self) -> Json<'a> {
        self.pos += 1;
        let mut object = ObjectBuilder::default();
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
                    Cow::Borrowed(&self.text[start..self.pos])
                }
            };
            self.skip_space();
            if self.peek() == Some(b':') {
                self.pos += 1;
            } else {
                self.forgive("missing colon");
            }
            let value = self.value().unwrap_or(Json::Null);
            if key != "..." {
                object.insert(key, value);
            }
            self.after_member(b'}');
        }
        object.finish()
    }

    fn array(&mut self) -> Json<'a> {
        self.pos += 1;
        let mut items = Vec::new();
        while self.next_member(b']', "array") {
            let before = self.pos;
            match self.value() {
                Some(Json::String(s)) if s == "..." || s == "…" => {}
                Some(v) => items.push(v),
                None if self.pos == before => {
                    self.forgive("unexpected character in array");
                    self.pos += 1;
                }
                None => {}
            }
            self.after_member(b']');
        }
        Json::Array(items)
    }

    /// A quoted string, borrowed from the text unless it has escapes.
    fn string(&mut self) -> Cow<'a, str> {
        let quote = self.bytes[self.pos];
        if quote == b'\'' {
            self.forgive("single-quoted string");
        }
        self.pos += 1;
        let mut out = String::new();
        let mut start = self.pos;
        while let Some(b) = self.peek() {
            if b == quote {
                let rest = &self.text[start..self.pos];
                self.pos += 1;
                return joined(out, rest);
            }
            if b == b'\n' {
                // A quote forgotten at the end of a line: the next line goes
                // on with the object or array, so the string ends here (and
                // a comma it ends with separates).
                if self.structure_follows() {
                    let line = &self.text[start..self.pos];
                    let kept = line.trim_end();
                    let kept = kept.strip_suffix(',').unwrap_or(kept);
                    self.pos = start + kept.len();
                    self.forgive("string not closed at the end of its line");
                    return joined(out, &self.text[start..self.pos]);
                }
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
        joined(out, &self.text[start..])
    }

    /// Whether the line after the one at `pos` starts a member (`"key":`)
    /// or closes an object or array.
    fn structure_follows(&self) -> bool {
        let next = self.text[self.pos + 1..].trim_start();
        next.starts_with(['}', ']'])
            || next.strip_prefix('"').is_some_and(|rest| {
                let line = rest.split('\n').next().unwrap_or("");
                line.split_once('"')
                    .is_some_and(|(_, after)| after.trim_start().starts_with(':'))
            })
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

    fn number(&mut self) -> Json<'a> {
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
        if digits.parse::<i64>().is_ok() || digits.parse::<u64>().is_ok() {
            Json::Integer
        } else if digits.parse::<f64>().is_ok_and(f64::is_finite) {
            Json::Float
        } else {
            self.forgive("malformed number");
            Json::String(Cow::Borrowed(digits))
        }
    }

    /// `true`, `false`, `null`, or a bare word the writer left unquoted.
    fn word(&mut self) -> Option<Json<'a>> {
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
            "true" => Some(Json::Bool(true)),
            "false" => Some(Json::Bool(false)),
            "null" => Some(Json::Null),
            "" => None,
            "..." | "…" => Some(Json::String(Cow::Borrowed(word))),
            _ => {
                self.forgive("unquoted value");
                Some(Json::String(Cow::Borrowed(word)))
            }
        }
    }
}

/// A string read in pieces: `out` (the pieces before an escape, if there
/// was one) and the rest.
fn joined<'a>(mut out: String, rest: &'a str) -> Cow<'a, str> {
    if out.is_empty() {
        return Cow::Borrowed(rest);
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// Whether `json` is what serde_json reads as `value`: the same kinds,
    /// numbers alike integer or float, equal strings, keys in order.
    fn agrees(json: &Json, value: &Value) -> bool {
        match (json, value) {
            (Json::Null, Value::Null) => true,
            (Json::Bool(a), Value::Bool(b)) => a == b,
            (Json::Integer, Value::Number(n)) => !n.is_f64(),
            (Json::Float, Value::Number(n)) => n.is_f64(),
            (Json::String(a), Value::String(b)) => a == b,
            (Json::Array(a), Value::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(a, b)| agrees(a, b))
            }
            (Json::Object(a), Value::Object(b)) => {
                a.0.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|((ka, va), (kb, vb))| ka == kb && agrees(va, vb))
            }
            _ => false,
        }
    }

    #[test]
    fn valid_json_is_strict() {
        let value = parse(r#"{"a": [1, 2.5, "x"]}"#).unwrap();
        assert!(agrees(&value, &json!({"a": [1, 2.5, "x"]})), "{value:?}");
    }

    #[test]
    fn valid_json_reads_as_serde_json_reads_it() {
        for text in [
            r#"{"a": [1, 2.5, "x"], "b": {"c": null, "d": true}}"#,
            // What a number is decides `integer` or `number` in specs.
            "[0, -1, 1.0, 1e3, 1E-3, -0, -0.0, 18446744073709551615, 18446744073709551616]",
            "[-9223372036854775808, -9223372036854775809, 1e-400]",
            // A key written twice keeps its place and takes the last value.
            r#"{"k": 1, "j": 2, "k": "again"}"#,
            r#"["\ud83d\ude00", "a\"b\\c\/\n", "\u00e9"]"#,
            // Placeholders only the lenient reader drops.
            r#"{"...": 1, "list": ["...", "…"]}"#,
            "  [] ",
        ] {
            let strict: Value = serde_json::from_str(text).unwrap();
            let value = parse(text).unwrap();
            assert!(agrees(&value, &strict), "{text}: {value:?}");
        }
        // Keys written twice in an object large enough to be indexed, before
        // and after the index is built, in valid and lenient JSON.
        let keys: Vec<String> = (0..100)
            .chain([3, 50, 99])
            .map(|i| format!("\"k{i}\": {i}"))
            .collect();
        let text = format!("{{{}}}", keys.join(", "));
        let strict: Value = serde_json::from_str(&text).unwrap();
        assert!(agrees(&parse(&text).unwrap(), &strict));
        let trailing_comma = format!("{{{},}}", keys.join(", "));
        let (lenient, _) = parse(&trailing_comma).unwrap_err();
        assert!(agrees(&lenient.unwrap(), &strict));
    }

    #[test]
    fn strings_borrow_unless_escaped() {
        let value = parse(r#"{"plain": "text", "esc\naped": "a\tb"}"#).unwrap();
        let Json::Object(object) = &value else {
            panic!("{value:?}")
        };
        let [(plain, text), (escaped, tab)] = object.0.as_slice() else {
            panic!("{value:?}")
        };
        assert!(matches!(plain, Cow::Borrowed("plain")));
        assert!(matches!(text, Json::String(Cow::Borrowed("text"))));
        assert!(matches!(escaped, Cow::Owned(k) if k == "esc\naped"));
        assert!(matches!(tab, Json::String(Cow::Owned(s)) if s == "a\tb"));
    }

    #[test]
    fn what_serde_json_rejects_is_not_valid() {
        for text in [
            "[01]",
            "[1,]",
            r#"["\ud800"]"#,
            "[1e400]",
            "{} x",
            "[\"\t\"]",
        ] {
            assert!(parse(text).is_err(), "{text}");
        }
        // serde_json's own nesting limit.
        for depth in [126, 127, 128, 129] {
            let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            let valid = serde_json::from_str::<Value>(&deep).is_ok();
            assert_eq!(parse(&deep).is_ok(), valid, "{depth}");
        }
    }

    #[test]
    fn strict_reason_when_nothing_was_forgiven() {
        // The lenient reader reads `01` as 1; serde_json does not.
        let (value, forgiven) = parse("[01]").unwrap_err();
        assert!(agrees(&value.unwrap(), &json!([1])));
        assert_eq!(
            forgiven,
            [Forgiven {
                line: 0,
                column: 3,
                message: "invalid number at line 1 column 3".into(),
            }]
        );
    }

    #[test]
    fn forgives_what_the_docs_do() {
        let (value, forgiven) = parse(
            "{\n  \"rule\": \"^\\d{9}$\", // a comment\n  \"list\": [1, 2,],\n  \"o\": {\"a\": 1,},\n  \"more\": ...\n}",
        )
        .unwrap_err();
        let value = value.unwrap();
        assert!(
            agrees(
                &value,
                &json!({"rule": "^\\d{9}$", "list": [1, 2], "o": {"a": 1}, "more": "..."})
            ),
            "{value:?}"
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
    fn a_string_left_open_ends_with_its_line() {
        let text = "{\n  \"a\": [{\n    \"key\": \"open,\n    \"b\": {\"c\": true}\n  }],\n  \"d\": \"x\n  y\"\n}";
        let (value, forgiven) = parse(text).unwrap_err();
        let value = value.unwrap();
        // A line break the next line does not explain stays in the string.
        assert!(
            agrees(
                &value,
                &json!({"a": [{"key": "open", "b": {"c": true}}], "d": "x\n  y"})
            ),
            "{value:?}"
        );
        let messages: Vec<_> = forgiven
            .iter()
            .map(|f| (f.line, f.message.as_str()))
            .collect();
        assert!(
            messages.contains(&(2, "string not closed at the end of its line")),
            "{messages:?}"
        );
        assert!(
            messages.contains(&(5, "line break in string")),
            "{messages:?}"
        );
    }

    #[test]
    fn lenient_numbers_and_placeholders() {
        let (value, _) = parse("[+1, -0, 2.5, 1e999, ..., \"...\", 3,]").unwrap_err();
        let value = value.unwrap();
        // `1e999` is no number: kept as the text written.
        assert!(agrees(&value, &json!([1, 0, 2.5, "1e999", 3])), "{value:?}");
        let (value, _) = parse("{\"a\": 1, \"a\": 2.5, \"...\": 3, b: x,}").unwrap_err();
        let value = value.unwrap();
        assert!(agrees(&value, &json!({"a": 2.5, "b": "x"})), "{value:?}");
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
