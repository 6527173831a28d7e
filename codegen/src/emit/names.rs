//! Rust names for wire names: the one sanitising function every generated
//! identifier goes through, and the scopes that keep names unique.

use std::collections::BTreeSet;

/// The two identifier shapes the generated crate uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// Fields, modules, features, constructor arguments: `indent_level`.
    Snake,
    /// Types and enum variants: `IndentLevel`.
    Pascal,
}

/// Words Rust reserves, in any edition, plus the prelude and crate names a
/// generated item must not reuse (`Option`, `std`, ...), so nothing the
/// generated code or a derive refers to can be shadowed.
const RESERVED: &[&str] = &[
    "abstract",
    "as",
    "async",
    "await",
    "become",
    "box",
    "break",
    "const",
    "continue",
    "crate",
    "do",
    "dyn",
    "else",
    "enum",
    "extern",
    "false",
    "final",
    "fn",
    "for",
    "gen",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "macro",
    "match",
    "mod",
    "move",
    "mut",
    "override",
    "priv",
    "pub",
    "ref",
    "return",
    "self",
    "Self",
    "static",
    "struct",
    "super",
    "trait",
    "true",
    "try",
    "type",
    "typeof",
    "union",
    "unsafe",
    "unsized",
    "use",
    "virtual",
    "where",
    "while",
    "yield",
    "core",
    "std",
    "alloc",
    "serde",
    "serde_json",
    "feishu_runtime",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Box",
    "String",
    "Vec",
    "ToString",
    "ToOwned",
    "Clone",
    "Copy",
    "Default",
    "Debug",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "Into",
    "Iterator",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "Serialize",
    "Deserialize",
];

/// A valid, warning-free Rust identifier for `raw` in `case`.
///
/// Words are split at punctuation, spaces and camelCase humps
/// (`indentLevel` → `indent_level`, `userIDType` → `user_id_type`); what is
/// not ASCII is dropped (Chinese enum values keep their wire text in serde
/// renames and rustdoc). A leading digit gets a prefix (`_123abc`, `V1`),
/// a reserved word a trailing underscore (`type_`, `Option_`). An empty
/// result is `empty` for an empty name and `unnamed` otherwise.
pub fn sanitize(raw: &str, case: Case) -> String {
    let mut words = split_words(raw);
    if raw.trim_start().starts_with('-') && words.first().is_some_and(|w| starts_digit(w)) {
        words.insert(0, "minus".to_owned());
    }
    if words.is_empty() {
        words.push(if raw.is_empty() { "empty" } else { "unnamed" }.to_owned());
    }
    let mut name = match case {
        Case::Snake => words.join("_"),
        Case::Pascal => words.iter().map(|w| capitalise(w)).collect(),
    };
    if starts_digit(&name) {
        name.insert_str(0, if case == Case::Snake { "_" } else { "V" });
    }
    if RESERVED.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// Lower-case ASCII words: `indentLevel` → [indent, level].
fn split_words(raw: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = raw.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            flush(&mut current, &mut words);
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1);
        let hump = c.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(char::is_ascii_lowercase))
            });
        if hump {
            flush(&mut current, &mut words);
        }
        current.push(c.to_ascii_lowercase());
    }
    flush(&mut current, &mut words);
    words
}

fn flush(current: &mut String, words: &mut Vec<String>) {
    if !current.is_empty() {
        words.push(std::mem::take(current));
    }
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

fn starts_digit(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_digit())
}

/// Names already given in one Rust namespace (a struct's fields, a module's
/// types, an enum's variants). A clash gets the first free numbered form:
/// `name_2` / `Name2` (`V1_2` after a digit, so the number stays readable).
#[derive(Clone, Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope where `reserved` are already taken.
    pub fn with(reserved: &[&str]) -> Self {
        Scope {
            taken: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Sanitises `raw` and makes it unique in this scope.
    pub fn name(&mut self, raw: &str, case: Case) -> String {
        self.claim(sanitize(raw, case), case)
    }

    /// Makes an already sanitised `name` unique in this scope.
    pub fn claim(&mut self, name: String, case: Case) -> String {
        let mut candidate = name.clone();
        let mut n = 2;
        while !self.taken.insert(candidate.clone()) {
            let digit_end = name.ends_with(|c: char| c.is_ascii_digit());
            candidate = match case {
                Case::Pascal if !digit_end => format!("{}{n}", name.trim_end_matches('_')),
                Case::Pascal | Case::Snake => format!("{}_{n}", name.trim_end_matches('_')),
            };
            n += 1;
        }
        candidate
    }

    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitises_the_obstacle_course() {
        let snake = |s| sanitize(s, Case::Snake);
        let pascal = |s| sanitize(s, Case::Pascal);
        assert_eq!(snake("indentLevel"), "indent_level");
        assert_eq!(snake("userIDType"), "user_id_type");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("Self"), "self_");
        assert_eq!(snake("123abc"), "_123abc");
        assert_eq!(snake("a-b"), "a_b");
        assert_eq!(snake("中文"), "unnamed");
        assert_eq!(snake("std"), "std_");
        assert_eq!(pascal(""), "Empty");
        assert_eq!(pascal("Option"), "Option_");
        assert_eq!(pascal("user_id_type"), "UserIdType");
        assert_eq!(pascal("1"), "V1");
        assert_eq!(pascal("-1"), "Minus1");
        assert_eq!(pascal("zh-CN"), "ZhCn");
    }

    #[test]
    fn clashes_get_numbers() {
        let mut scope = Scope::default();
        assert_eq!(scope.name("a-b", Case::Snake), "a_b");
        assert_eq!(scope.name("a_b", Case::Snake), "a_b_2");
        assert_eq!(scope.name("V1", Case::Pascal), "V1");
        assert_eq!(scope.name("1", Case::Pascal), "V1_2");
        assert_eq!(scope.name("type", Case::Snake), "type_");
        assert_eq!(scope.name("type_", Case::Snake), "type_2");
    }
}
