//! Field tables → field trees. The docs show nesting three ways: a depth
//! per row (format C's `└`, raw markup's `level`), not at all (format A:
//! recovered here from the JSON example), or in a separate type tree
//! (format B, see [`super::types`]).

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use crate::diag::{Defect, Diagnostics};
use crate::spec::{Field, Items, Type};

/// A type cell read: the kind, the page's type name, and an array's element.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeRef {
    pub ty: Type,
    pub type_name: String,
    pub items: Option<Box<TypeRef>>,
    /// False when the cell named no type this reader knows.
    pub known: bool,
}

impl TypeRef {
    /// A cell naming no type this reader knows: read as `any`.
    fn unknown() -> TypeRef {
        TypeRef {
            known: false,
            ..TypeRef::simple(Type::Any)
        }
    }

    fn simple(ty: Type) -> TypeRef {
        TypeRef {
            ty,
            type_name: String::new(),
            items: None,
            known: true,
        }
    }
}

/// Reads a type cell: `string`, `int64`, `number(float)`, `i18n[]`,
/// `map<string, string>`, `national_id_type`, `\-`, ...
pub fn parse_type(cell: &str) -> TypeRef {
    let text = cell
        .trim()
        .trim_matches('`')
        .replace("\\[", "[")
        .replace("\\]", "]")
        .replace("\\-", "-")
        .replace("\\_", "_");
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    if let Some(inner) = text.strip_suffix("[]") {
        return array_of(parse_type(inner));
    }
    for prefix in ["array<", "list<"] {
        if lower.starts_with(prefix) && lower.ends_with('>') {
            return array_of(parse_type(&text[prefix.len()..text.len() - 1]));
        }
    }
    let ty = match lower.as_str() {
        "array" | "list" => return array_of(TypeRef::simple(Type::Any)),
        "string" | "str" | "date" | "datetime" | "timestamp" => Type::String,
        "int" | "int32" | "int64" | "integer" | "long" | "uint32" | "uint64" | "int8" | "int16" => {
            Type::Integer
        }
        "float" | "double" | "number" | "decimal" | "float32" | "float64" => Type::Number,
        "boolean" | "bool" => Type::Boolean,
        "object" | "struct" | "json" | "-" | "" => Type::Object,
        "file" | "binary" => Type::File,
        "any" => Type::Any,
        // The docs write `undefined` for enum-valued elements (`undefined[]`).
        "undefined" => Type::String,
        // `enum` is a string, or (format A) an object holding `enum_name`;
        // the name is kept until nesting decides which.
        "enum" => {
            return TypeRef {
                ty: Type::String,
                type_name: ENUM.into(),
                items: None,
                known: true,
            }
        }
        // `map<string, string>`, `number(float)`, `string(int64)`: the kind
        // is the part before the parameters.
        _ if lower.contains(['(', '<']) => {
            let base = lower.split(['(', '<']).next().unwrap_or("").trim();
            match base {
                "map" => Type::Map,
                "string" | "str" => Type::String,
                "int" | "int32" | "int64" | "integer" | "long" => Type::Integer,
                "number" if lower.contains("int") => Type::Integer,
                "number" | "float" | "double" => Type::Number,
                "bool" | "boolean" => Type::Boolean,
                "file" => Type::File,
                "object" => Type::Object,
                _ => return TypeRef::unknown(),
            }
        }
        _ if is_type_name(text) => {
            return TypeRef {
                ty: Type::Object,
                type_name: text.to_string(),
                items: None,
                known: true,
            }
        }
        _ => return TypeRef::unknown(),
    };
    TypeRef::simple(ty)
}

fn array_of(item: TypeRef) -> TypeRef {
    TypeRef {
        ty: Type::Array,
        type_name: String::new(),
        known: item.known,
        items: Some(Box::new(item)),
    }
}

fn is_type_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

/// The type name format A gives enum-valued fields, objects or strings.
pub const ENUM: &str = "enum";

/// Sets a field's kind from a type cell.
pub fn apply_type(field: &mut Field, ty: &TypeRef) {
    field.ty = ty.ty;
    field.type_name = ty.type_name.clone();
    field.items = ty.items.as_deref().map(|item| Box::new(items_from(item)));
}

fn items_from(ty: &TypeRef) -> Items {
    Items {
        ty: ty.ty,
        type_name: ty.type_name.clone(),
        fields: Vec::new(),
        items: ty.items.as_deref().map(|i| Box::new(items_from(i))),
    }
}

/// The list a child of `field` goes into: an array's element fields, or the
/// field's own. A field of a scalar kind that has children is an object the
/// page mistyped (format A writes `enum` for `{enum_name}` objects).
pub fn children_mut(field: &mut Field) -> &mut Vec<Field> {
    match field.ty {
        Type::Array => {
            let items = field
                .items
                .get_or_insert_with(|| Box::new(Items::default()));
            let mut items: &mut Items = items;
            while items.ty == Type::Array {
                items = items
                    .items
                    .get_or_insert_with(|| Box::new(Items::default()));
            }
            if matches!(items.ty, Type::Any | Type::String) {
                items.ty = Type::Object;
            }
            &mut items.fields
        }
        Type::Object | Type::Map => &mut field.fields,
        _ => {
            field.ty = Type::Object;
            &mut field.fields
        }
    }
}

/// Whether rows after this one may be its children.
pub fn may_have_children(field: &Field) -> bool {
    match field.ty {
        Type::Object => true,
        Type::Array => field
            .items
            .as_ref()
            .is_some_and(|i| i.ty == Type::Object || i.type_name == ENUM),
        _ => field.type_name == ENUM,
    }
}

/// Nests rows that carry their depth (0 = top level).
pub fn nest_by_depth(rows: Vec<(usize, usize, Field)>, diags: &mut Diagnostics) -> Vec<Field> {
    let mut roots = Vec::new();
    let mut stack: Vec<(usize, Field)> = Vec::new();
    for (line, depth, field) in rows {
        while stack.last().is_some_and(|(d, _)| *d >= depth) {
            pop_into(&mut stack, &mut roots);
        }
        let parent_depth = stack.last().map(|(d, _)| *d);
        let depth = match parent_depth {
            Some(p) if p + 1 >= MAX_DEPTH => {
                diags.warning(
                    line,
                    format!(
                        "field `{}` is nested too deep; kept at depth {MAX_DEPTH}",
                        field.name
                    ),
                );
                p
            }
            Some(p) if depth > p + 1 => {
                diags.warning(
                    line,
                    format!("field `{}` skips a nesting level", field.name),
                );
                p + 1
            }
            None if depth > 0 => {
                diags.warning(
                    line,
                    format!("field `{}` is nested under no field", field.name),
                );
                0
            }
            _ => depth,
        };
        stack.push((depth, field));
    }
    while !stack.is_empty() {
        pop_into(&mut stack, &mut roots);
    }
    roots
}

fn pop_into(stack: &mut Vec<(usize, Field)>, roots: &mut Vec<Field>) {
    if let Some((_, field)) = stack.pop() {
        match stack.last_mut() {
            Some((_, parent)) => children_mut(parent).push(field),
            None => roots.push(field),
        }
    }
}

/// An open container while nesting flat rows.
struct Frame<'v> {
    field: Field,
    /// The container's object in the example, when the example has it.
    example: Option<&'v Map<String, Value>>,
    seen: HashSet<String>,
}

impl Frame<'_> {
    /// The page's name for the container's type (`i18n` for `i18n[]`).
    fn type_name(&self) -> &str {
        row_type_name(&self.field)
    }
}

/// Deeper than this, flat rows are not nested further (the docs' deepest
/// real nesting is about ten levels).
const MAX_DEPTH: usize = 24;

/// Nests flat rows (format A) using the JSON example: a row belongs to the
/// deepest open container whose object in the example has its name, or
/// whose type (by name) is known from earlier in the table to have it.
/// Rows neither shows go to the deepest container that is still open: the
/// example leaves some of its keys unseen, or nothing is known about it.
pub fn nest_by_example(
    rows: Vec<(usize, Field)>,
    example: Option<&Value>,
    diags: &mut Diagnostics,
) -> Vec<Field> {
    // Format A's `enum` objects hold these; a string `enum` holds nothing.
    let mut known: HashMap<String, HashSet<String>> = HashMap::from([(
        ENUM.to_string(),
        HashSet::from(["enum_name".into(), "display".into()]),
    )]);
    let mut frames = vec![Frame {
        field: Field::default(),
        example: example.and_then(Value::as_object),
        seen: HashSet::new(),
    }];
    for (line, field) in rows {
        let name = field.name.clone();
        let knows = |f: &Frame<'_>| {
            known
                .get(f.type_name())
                .filter(|_| !f.type_name().is_empty())
        };
        let claims = |f: &Frame<'_>| {
            !f.seen.contains(&name)
                && (f.example.is_some_and(|e| e.contains_key(&name))
                    || knows(f).is_some_and(|k| k.contains(&name)))
        };
        let free = |(i, f): &(usize, &Frame<'_>)| *i < MAX_DEPTH && !f.seen.contains(&name);
        let open = |(i, f): &(usize, &Frame<'_>)| {
            free(&(*i, f))
                && match (f.example, knows(f)) {
                    (Some(e), _) => e.keys().any(|k| !f.seen.contains(k)),
                    (None, Some(_)) => false,
                    (None, None) => true,
                }
        };
        // Claimed by an example or a known type; else the deepest open
        // container; else the deepest that does not have the name yet
        // (leaving a container needs evidence, not a shown-out example).
        // A type does not hold a field of its own type: a row typed like an
        // open container is that container's sibling, or further out.
        let own_type = row_type_name(&field);
        let limit = frames
            .iter()
            .rposition(|f| !own_type.is_empty() && own_type != ENUM && f.type_name() == own_type)
            .unwrap_or(frames.len());
        let frames_in_reach = &frames[..limit];
        let parent = frames_in_reach.iter().rposition(claims).unwrap_or_else(|| {
            let mut candidates = frames_in_reach.iter().enumerate().rev();
            candidates
                .clone()
                .find(open)
                .or_else(|| candidates.find(free))
                .map_or(0, |(i, _)| i)
        });
        while frames.len() > parent + 1 {
            close_frame(&mut frames, &mut known);
        }
        let frame = &mut frames[parent];
        if !frame.seen.insert(name.clone()) {
            diags
                .warning(
                    line,
                    format!("field `{name}` appears twice at the same level"),
                )
                .defect(Defect::DuplicateField);
        }
        if may_have_children(&field) {
            let example = frame.example.and_then(|e| e.get(&name)).and_then(object_of);
            frames.push(Frame {
                field,
                example,
                seen: HashSet::new(),
            });
        } else {
            let parent_field = &mut frames[parent].field;
            if parent == 0 {
                parent_field.fields.push(field);
            } else {
                children_mut(parent_field).push(field);
            }
        }
    }
    while frames.len() > 1 {
        close_frame(&mut frames, &mut known);
    }
    frames.pop().map(|f| f.field.fields).unwrap_or_default()
}

/// The page's name for a row's type (`i18n` for `i18n[]`).
fn row_type_name(field: &Field) -> &str {
    match &field.items {
        Some(items) => &items.type_name,
        None => &field.type_name,
    }
}

fn close_frame(frames: &mut Vec<Frame<'_>>, known: &mut HashMap<String, HashSet<String>>) {
    if let Some(frame) = frames.pop() {
        if !frame.seen.is_empty() && !frame.type_name().is_empty() {
            known
                .entry(frame.type_name().to_string())
                .or_default()
                .extend(frame.seen.iter().cloned());
        }
        let parent_is_root = frames.len() == 1;
        if let Some(parent) = frames.last_mut() {
            if parent_is_root {
                parent.field.fields.push(frame.field);
            } else {
                children_mut(&mut parent.field).push(frame.field);
            }
        }
    }
}

/// The object an example value stands for: itself, or an array's first
/// object element.
fn object_of(value: &Value) -> Option<&Map<String, Value>> {
    match value {
        Value::Object(map) => Some(map),
        Value::Array(items) => items.iter().find_map(object_of),
        _ => None,
    }
}

/// Fields inferred from a JSON example (format B responses).
pub fn fields_from_example(value: &Value) -> Vec<Field> {
    let Some(map) = value.as_object() else {
        return Vec::new();
    };
    map.iter()
        .map(|(name, v)| {
            let mut field = Field {
                name: name.clone(),
                ..Field::default()
            };
            infer_into(&mut field, v);
            field
        })
        .collect()
}

fn infer_into(field: &mut Field, value: &Value) {
    field.ty = kind_of(value);
    match value {
        // Keys that are not names (Chinese column titles, ids) are data:
        // the object is a map.
        Value::Object(map) if !map.keys().all(|k| is_type_name(k)) => field.ty = Type::Map,
        Value::Object(_) => field.fields = fields_from_example(value),
        Value::Array(items) => field.items = Some(Box::new(items_from_example(items))),
        _ => {}
    }
}

fn items_from_example(items: &[Value]) -> Items {
    let mut out = Items::default();
    let Some(first) = items.iter().find(|v| !v.is_null()) else {
        return out;
    };
    out.ty = kind_of(first);
    match first {
        Value::Object(_) => {
            // Elements may each show some of the fields: take them all.
            for item in items {
                for field in fields_from_example(item) {
                    if !out.fields.iter().any(|f| f.name == field.name) {
                        out.fields.push(field);
                    }
                }
            }
        }
        Value::Array(inner) => out.items = Some(Box::new(items_from_example(inner))),
        _ => {}
    }
    out
}

fn kind_of(value: &Value) -> Type {
    match value {
        Value::Null => Type::Any,
        Value::Bool(_) => Type::Boolean,
        Value::Number(n) if n.is_f64() => Type::Number,
        Value::Number(_) => Type::Integer,
        Value::String(_) => Type::String,
        Value::Array(_) => Type::Array,
        Value::Object(_) => Type::Object,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field(name: &str, ty: &str) -> Field {
        let mut f = Field {
            name: name.into(),
            ..Field::default()
        };
        apply_type(&mut f, &parse_type(ty));
        f
    }

    fn shape(fields: &[Field]) -> String {
        fields
            .iter()
            .map(|f| {
                let children = match &f.items {
                    Some(items) => &items.fields,
                    None => &f.fields,
                };
                if children.is_empty() {
                    f.name.clone()
                } else {
                    format!("{}({})", f.name, shape(children))
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn types() {
        assert_eq!(parse_type("`i18n\\[\\]`").ty, Type::Array);
        assert_eq!(parse_type("i18n[]").items.unwrap().type_name, "i18n");
        assert_eq!(parse_type("number(float)").ty, Type::Number);
        assert_eq!(parse_type("int64").ty, Type::Integer);
        assert_eq!(parse_type("interview_record").ty, Type::Object);
        assert_eq!(parse_type("string(int64)").ty, Type::String);
        assert_eq!(parse_type("map<string, string>").ty, Type::Map);
        assert_eq!(parse_type("\\-").ty, Type::Object);
        assert!(!parse_type("类型").known);
    }

    #[test]
    fn format_a_nesting_follows_the_example() {
        let rows = vec![
            field("country", "string"),
            field("name", "i18n[]"),
            field("lang", "string"),
            field("value", "string"),
            field("active", "boolean"),
            field("type", "enum"),
            field("enum_name", "string"),
            field("code", "string"),
        ];
        let example = json!({"country": "x", "name": [{"lang": "zh", "value": "v"}],
            "active": true, "type": {"enum_name": "a"}, "code": "c"});
        let mut d = Diagnostics::new("p");
        let tree = nest_by_example(
            rows.into_iter().map(|f| (1, f)).collect(),
            Some(&example),
            &mut d,
        );
        assert_eq!(
            shape(&tree),
            "country name(lang value) active type(enum_name) code"
        );
        assert_eq!(tree[3].ty, Type::Object);
    }

    #[test]
    fn nests_by_depth() {
        let mut d = Diagnostics::new("p");
        let tree = nest_by_depth(
            vec![
                (1, 0, field("a", "object")),
                (2, 1, field("b", "x[]")),
                (3, 2, field("c", "int")),
                (4, 0, field("d", "int")),
            ],
            &mut d,
        );
        assert_eq!(shape(&tree), "a(b(c)) d");
    }

    #[test]
    fn infers_from_example() {
        let tree = fields_from_example(&json!({"a": {"b": [{"c": 1.5}, {"d": true}]}, "e": 1}));
        assert_eq!(shape(&tree), "a(b(c d)) e");
        assert_eq!(tree[1].ty, Type::Integer);
    }
}
