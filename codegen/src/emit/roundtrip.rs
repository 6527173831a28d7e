//! The round trip: each valid-JSON example of the pages (request bodies and
//! responses' `data`), read into the generated type and written back, must
//! give the same JSON up to key order, `null` vs absent, `[]` vs absent
//! (lists default to empty) and `1` vs `1.0`.
//!
//! The generated crate cannot be linked into the tool that writes it, so
//! [`harness`] writes a small program that depends on it and maps endpoint
//! ids to `fn(&str) -> Result<String, String>`; the tool feeds it the
//! [`cases`] and [`compare`]s what comes back.

use std::collections::BTreeMap;
use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Map, Value};

use super::ir::{BodyKind, Response};
use super::lower::lower;
use super::render::{file, ident};
use crate::spec::Spec;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Request,
    Response,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Request => "request",
            Kind::Response => "response",
        }
    }
}

/// One example to send through a generated type.
pub struct Case {
    pub id: String,
    pub page: String,
    pub kind: Kind,
    /// The JSON the type reads: the request body, or the response's `data`.
    pub input: Value,
}

/// The valid-JSON examples of `specs`, in id order; examples that are not
/// JSON (the docs' `...`, comments) are not cases.
pub fn cases(specs: &[Spec]) -> Vec<Case> {
    let mut sorted: Vec<&Spec> = specs.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let mut out = Vec::new();
    for spec in sorted {
        let page = spec
            .sources
            .first()
            .map(|s| s.page.clone())
            .unwrap_or_default();
        let case = |kind, input| Case {
            id: spec.id.clone(),
            page: page.clone(),
            kind,
            input,
        };
        if let Ok(body) = serde_json::from_str::<Value>(&spec.examples.request_body) {
            out.push(case(Kind::Request, body));
        }
        if spec.response.download {
            continue;
        }
        if let Ok(Value::Object(mut envelope)) = serde_json::from_str(&spec.examples.response) {
            if let Some(data) = envelope.remove("data") {
                out.push(case(Kind::Response, data));
            }
        }
    }
    out
}

/// The harness crate's files: `Cargo.toml` (depending on the generated
/// crate at `api_path`) and `src/main.rs`, which reads JSON lines
/// `[id, kind, json]` from the file named by its argument and prints one
/// JSON line `{"Ok": json}` or `{"Err": reason}` per case.
pub fn harness(specs: &[Spec], api_path: &str) -> BTreeMap<PathBuf, String> {
    let krate = lower(specs, None);
    let mut arms = Vec::new();
    for service in &krate.services {
        let s = ident(&service.module);
        for version in &service.versions {
            let v = ident(&version.module);
            for resource in &version.resources {
                let r = ident(&resource.module);
                for e in &resource.endpoints {
                    let id = &e.id;
                    let request = ident(&e.request.name);
                    let request_check: TokenStream = match e.request.body {
                        BodyKind::Json => {
                            quote!(check::<feishu_api::#s::#v::#r::#request>(json))
                        }
                        BodyKind::Multipart => {
                            quote!(Err("the body is multipart/form-data, not JSON".into()))
                        }
                        // `{}` is no body, as it is no data.
                        BodyKind::None => quote!(unit(json)
                            .map_err(|_| "the spec documents no request body".to_string())),
                    };
                    let response_check = match &e.response {
                        Response::Data(data) => {
                            let data = ident(&data.name);
                            quote!(check::<feishu_api::#s::#v::#r::#data>(json))
                        }
                        Response::Unit => quote!(unit(json)),
                        Response::Untyped => quote!(check::<serde_json::Value>(json)),
                        Response::Download => quote!(Err("the answer is a file".into())),
                    };
                    arms.push(quote! {
                        (#id, "request") => #request_check,
                        (#id, "response") => #response_check,
                    });
                }
            }
        }
    }
    let main = quote! {
        use serde::de::DeserializeOwned;
        use serde::Serialize;

        fn check<T: DeserializeOwned + Serialize>(json: &str) -> Result<String, String> {
            let value: T = serde_json::from_str(json).map_err(|e| format!("deserialise: {e}"))?;
            serde_json::to_string(&value).map_err(|e| format!("serialise: {e}"))
        }

        /// No documented body or data: `null` and `{}` are none.
        fn unit(json: &str) -> Result<String, String> {
            match json.trim() {
                "null" | "{}" => Ok("null".into()),
                _ => Err("the spec documents no data, the example has some".into()),
            }
        }

        fn run(id: &str, kind: &str, json: &str) -> Result<String, String> {
            match (id, kind) {
                #(#arms)*
                _ => Err(format!("no generated type for {id} {kind}")),
            }
        }

        fn main() {
            let path = std::env::args().nth(1).expect("the cases file");
            let input = std::fs::read_to_string(path).expect("readable cases");
            for line in input.lines() {
                let (id, kind, json): (String, String, String) =
                    serde_json::from_str(line).expect("a case line");
                let result = run(&id, &kind, &json);
                println!("{}", serde_json::to_string(&result).expect("a result serialises"));
            }
        }
    };
    let mut files = BTreeMap::new();
    files.insert(
        PathBuf::from("Cargo.toml"),
        format!(
            "# Written by `cargo xtask roundtrip`.\n\
             [package]\n\
             name = \"feishu-roundtrip\"\n\
             version = \"0.0.0\"\n\
             edition = \"2021\"\n\
             publish = false\n\
             \n\
             [dependencies]\n\
             feishu-api = {{ path = {api_path:?} }}\n\
             serde = \"1\"\n\
             serde_json = \"1\"\n\
             \n\
             [workspace]\n"
        ),
    );
    files.insert(
        PathBuf::from("src/main.rs"),
        file("The round-trip harness `cargo xtask roundtrip` runs.", main),
    );
    files
}

/// The case as the harness reads it: one JSON line.
pub fn case_line(case: &Case) -> String {
    let line = (&case.id, case.kind.as_str(), case.input.to_string());
    serde_json::to_string(&line).expect("strings serialise")
}

/// `Ok` when `output` is `input` up to the allowed differences, else where
/// they first differ.
pub fn compare(kind: Kind, input: &Value, output: &Value) -> Result<(), String> {
    let (a, b) = (normalise(input), normalise(output));
    let empty = |v: &Option<Value>| {
        v.as_ref()
            .is_none_or(|v| v.as_object().is_some_and(Map::is_empty))
    };
    if a == b || (empty(&a) && empty(&b)) {
        return Ok(());
    }
    let root = match kind {
        Kind::Request => "body",
        Kind::Response => "data",
    };
    Err(first_difference(root, a.as_ref(), b.as_ref()))
}

/// `None` for what counts as absent: `null` and `[]`; numbers as `f64`.
fn normalise(value: &Value) -> Option<Value> {
    match value {
        Value::Null => None,
        Value::Array(items) if items.is_empty() => None,
        Value::Array(items) => Some(Value::Array(
            items
                .iter()
                .map(|v| normalise(v).unwrap_or(Value::Null))
                .collect(),
        )),
        Value::Object(map) => Some(Value::Object(
            map.iter()
                .filter_map(|(k, v)| normalise(v).map(|v| (k.clone(), v)))
                .collect(),
        )),
        Value::Number(n) => Some(
            n.as_f64()
                .and_then(serde_json::Number::from_f64)
                .map_or_else(|| value.clone(), Value::Number),
        ),
        other => Some(other.clone()),
    }
}

fn first_difference(at: &str, a: Option<&Value>, b: Option<&Value>) -> String {
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            for (key, value) in x {
                if y.get(key) != Some(value) {
                    return first_difference(&format!("{at}.{key}"), Some(value), y.get(key));
                }
            }
            match y.keys().find(|k| !x.contains_key(*k)) {
                Some(key) => format!("{at}.{key}: not in the example, in the output"),
                None => format!("{at}: differs"),
            }
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find(|(_, (p, q))| p != q)
            .map(|(i, (p, q))| first_difference(&format!("{at}[{i}]"), Some(p), Some(q)))
            .unwrap_or_else(|| format!("{at}: differs")),
        (Some(_), None) => format!("{at}: dropped (the type has no such field)"),
        (x, y) => format!("{at}: {} became {}", short(x), short(y)),
    }
}

fn short(v: Option<&Value>) -> String {
    let text = v.map_or("nothing".to_owned(), Value::to_string);
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn compares_up_to_the_allowed_differences() {
        let input = json!({"a": 1, "b": null, "c": [], "d": {"e": 2.0}});
        assert_eq!(
            compare(Kind::Response, &input, &json!({"d": {"e": 2}, "a": 1.0})),
            Ok(())
        );
        assert_eq!(compare(Kind::Response, &json!({}), &Value::Null), Ok(()));
        assert_eq!(
            compare(Kind::Response, &json!({"a": {"x": 1}}), &json!({"a": {}})),
            Err("data.a.x: dropped (the type has no such field)".into())
        );
        assert_eq!(
            compare(Kind::Response, &json!({"a": "1"}), &json!({"a": 1})),
            Err("data.a: \"1\" became 1.0".into())
        );
    }
}
