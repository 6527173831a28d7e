//! Documentation defects worth sending upstream (`cargo xtask lint`): the
//! ones the reader diagnoses as it reads (those with a [`Defect`] kind),
//! and where a page's JSON example disagrees with its field table, which
//! only a second look at the finished spec finds.

use std::collections::BTreeSet;

use crate::diag::{Defect, Diagnostic, Severity};
use crate::read::json::{self, Json};
use crate::spec::{Field, Items, Spec, Type};

/// Where the examples of `spec` disagree with its field tables: keys the
/// table does not document, and values of another kind than the table's.
/// `page_text` is the text of the spec's first source page, to point at the
/// example's lines.
pub fn example_mismatches(spec: &Spec, page_text: &str) -> Vec<Diagnostic> {
    let Some(page) = spec.sources.first().map(|s| s.page.as_str()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let examples = [
        (&spec.examples.request_body, &spec.request.body, None),
        (&spec.examples.response, &spec.response.data, Some("data")),
    ];
    for (text, fields, inside) in examples {
        if text.is_empty() || fields.is_empty() {
            continue;
        }
        let value = match json::parse(text) {
            Ok(value) => value,
            Err((Some(value), _)) => value,
            Err((None, _)) => continue,
        };
        let value = match inside {
            Some(key) => match value.get(key) {
                Some(inner) => inner,
                None => continue,
            },
            None => &value,
        };
        let mut found = Vec::new();
        compare_object(fields, value, inside.unwrap_or(""), &mut found);
        let mut seen = BTreeSet::new();
        let at = Locator::new(page_text, text);
        for (path, key, message) in found {
            if seen.insert(path) {
                let (line, column) = at.key(&key);
                let mut diagnostic = Diagnostic::new(page, line, Severity::Warning, message);
                diagnostic
                    .column(column)
                    .defect(Defect::ExampleMismatch)
                    .hint("the table or the example is wrong upstream; the table was followed");
                out.push(diagnostic);
            }
        }
    }
    out
}

/// (dotted path, key, message) of each disagreement.
type Found = Vec<(String, String, String)>;

fn compare_object(fields: &[Field], value: &Json, at: &str, out: &mut Found) {
    let Json::Object(members) = value else {
        return;
    };
    for (key, value) in members.iter() {
        let path = if at.is_empty() {
            key.to_string()
        } else {
            format!("{at}.{key}")
        };
        match fields.iter().find(|f| f.name == *key) {
            Some(field) => compare_value(
                field.ty,
                &field.fields,
                field.items.as_deref(),
                value,
                &path,
                key,
                out,
            ),
            None => out.push((
                path.clone(),
                key.to_string(),
                format!("the example has `{path}`, which the table does not document"),
            )),
        }
    }
}

fn compare_value(
    ty: Type,
    fields: &[Field],
    items: Option<&Items>,
    value: &Json,
    path: &str,
    key: &str,
    out: &mut Found,
) {
    if value.is_null() {
        return;
    }
    let agrees = match ty {
        Type::String => matches!(value, Json::String(_)),
        Type::Integer => matches!(value, Json::Integer),
        Type::Number => matches!(value, Json::Integer | Json::Float),
        Type::Boolean => matches!(value, Json::Bool(_)),
        Type::Object => value.is_object(),
        Type::Array => value.is_array(),
        Type::Map | Type::File | Type::Any => true,
    };
    if !agrees {
        out.push((
            path.to_string(),
            key.to_string(),
            format!(
                "the table types `{path}` as {}, the example gives {}",
                type_name(ty),
                kind_of(value)
            ),
        ));
        return;
    }
    match (ty, value) {
        (Type::Object, _) if !fields.is_empty() => compare_object(fields, value, path, out),
        (Type::Array, Json::Array(elements)) => {
            if let Some(items) = items {
                for element in elements {
                    let items_items = items.items.as_deref();
                    compare_value(
                        items.ty,
                        &items.fields,
                        items_items,
                        element,
                        &format!("{path}[]"),
                        key,
                        out,
                    );
                }
            }
        }
        _ => {}
    }
}

fn type_name(ty: Type) -> &'static str {
    match ty {
        Type::String => "string",
        Type::Integer => "integer",
        Type::Number => "number",
        Type::Boolean => "boolean",
        Type::Object => "object",
        Type::Array => "array",
        Type::Map => "map",
        Type::File => "file",
        Type::Any => "any",
    }
}

fn kind_of(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Float => "a fraction",
        Json::Integer => "an integer",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

/// Finds an example's keys on its page.
struct Locator<'a> {
    page: &'a str,
    /// Byte range of the example on the page, when it is found there (a
    /// repaired mojibake page is not the text on disk).
    example: Option<(usize, usize)>,
}

impl<'a> Locator<'a> {
    fn new(page: &'a str, example: &str) -> Self {
        let first = example.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let example = page
            .find(first.trim())
            .filter(|_| !first.trim().is_empty())
            .map(|start| {
                let mut end = (start + example.len() + 64).min(page.len());
                while !page.is_char_boundary(end) {
                    end += 1;
                }
                (start, end)
            });
        Locator { page, example }
    }

    /// (line, column) of `"key"` in the example, else of the example, else
    /// the page's first line.
    fn key(&self, key: &str) -> (usize, usize) {
        let Some((start, end)) = self.example else {
            return (1, 0);
        };
        let window = self.page.get(start..end).unwrap_or("");
        let offset = window
            .find(&format!("\"{key}\""))
            .map_or(start, |i| start + i);
        let before = &self.page[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{Examples, Request, Source};

    fn field(name: &str, ty: Type, fields: Vec<Field>) -> Field {
        Field {
            name: name.into(),
            ty,
            fields,
            ..Field::default()
        }
    }

    #[test]
    fn finds_undocumented_keys_and_kind_disagreements_on_their_lines() {
        let example = "{\n  \"name\": \"x\",\n  \"size\": \"12\",\n  \"owner\": {\"id\": 1, \"nick\": \"n\"}\n}";
        let page = format!("# t\n\n```json\n{example}\n```\n");
        let spec = Spec {
            sources: vec![Source {
                page: "p.md".into(),
                ..Source::default()
            }],
            request: Request {
                body: vec![
                    field("name", Type::String, vec![]),
                    field("size", Type::Integer, vec![]),
                    field(
                        "owner",
                        Type::Object,
                        vec![field("id", Type::Integer, vec![])],
                    ),
                ],
                ..Request::default()
            },
            examples: Examples {
                request_body: example.into(),
                ..Examples::default()
            },
            ..Spec::default()
        };
        let found: Vec<String> = example_mismatches(&spec, &page)
            .iter()
            .map(|d| format!("{}:{}: {}", d.line, d.column, d.message))
            .collect();
        assert_eq!(
            found,
            [
                "6:3: the table types `size` as integer, the example gives a string",
                "7:22: the example has `owner.nick`, which the table does not document",
            ]
        );
    }
}
