//! Two sets of specs → what changed for users of the generated crate, and
//! the semver bump that calls for (`cargo xtask diff OLD NEW`).
//!
//! Endpoints are matched by `id`. Fields are named by their dotted path from
//! where they sit (`path.`, `query.`, `headers.`, `body.`, `data.`), an
//! array's element written `[]` (`data.items[].name`); error codes as
//! `errors.CODE`. Each change gets a level: `major` is a change that can
//! stop a user's code compiling or working (shown `breaking`), `minor` a
//! backward-compatible addition, `patch` a change of the crate's docs only,
//! `none` a change that never reaches the crate (all three shown
//! `compatible`). The report ends with the highest level as
//! `semver: major|minor|patch|none`.
//!
//! The rules follow what the emitter does with a spec, so both sides are
//! lowered ([`crate::emit::lower`]) and the Rust types compared too: a
//! change the spec alone does not show (a shared nested type renamed
//! because another endpoint's copy changed shape, a variant renamed after
//! an error message) is still caught.
//!
//! | change | level | why |
//! | --- | --- | --- |
//! | endpoint added | minor | a new request struct |
//! | endpoint removed | major | its types are gone |
//! | `method`, `path` or `base_url` changed | major | the same code calls another route; `Endpoint::METHOD`/`PATH` change |
//! | access token kind added / removed | minor / major | the runtime picks the token from `TOKENS`; a client set up for a removed kind can no longer call |
//! | request body JSON ↔ multipart, or body gone | major | the `Serialize` impl and field types change |
//! | request body where there was none | minor | its fields are reported one by one |
//! | request field added, optional or a list | minor | `new` is unchanged; it starts `None` / empty |
//! | request field added, required | major | a new argument of `new` (nested: every struct literal must name it, and `Default` goes) |
//! | nested request field added to a struct without `Default` | major | nested types have no `new`: users write the whole literal |
//! | request field removed | major | the struct field is gone |
//! | optional ↔ required (request, not a list) | major | `Option<T>` ↔ `T`, and `new`'s arguments change |
//! | optional ↔ required where the Rust type stays (lists, response fields) | none | lists are never `Option`, response fields always are |
//! | `new`'s arguments reordered | major | same types would be swapped silently |
//! | response field added | minor | data structs are all-optional and `Default` |
//! | response field removed | major | |
//! | type changed, Rust type changes | major | includes a field gaining or losing documented values (`String` ↔ an enum) |
//! | type changed, same Rust type | none | e.g. `object` → `any` in a query (both `serde_json::Value`) |
//! | Rust type or field renamed without a spec change | major | shared types are split or merged by shape, names deduplicated in order |
//! | response type changes (`()`, `serde_json::Value`, `Download`, a struct) | major | `Endpoint::Response` changes |
//! | `Paginated` gained / lost | minor / major | |
//! | enum value added | minor | generated enums are `#[non_exhaustive]` with `Other(_)` |
//! | enum value removed, or variant renamed | major | |
//! | error code added | minor | error enums are `#[non_exhaustive]` |
//! | first error code documented, or the last one removed | major | `type Error` changes between `NoCodes` and the endpoint's enum |
//! | error code removed, or its variant renamed (short English messages name variants) | major | |
//! | title, description, doc URL, scopes, rate limit; a field's description, example, default, constraints; enum value and error code texts; the envelope's field names and descriptions | patch | rustdoc only |
//! | headers, sources, app types, examples, diagnostics, type names that do not rename a type | none | not in the crate |
//!
//! The premise of `minor` for added fields: users build requests with
//! `new` (nested structs with `..Default::default()`) and do not write
//! exhaustive struct patterns. The generated structs are not
//! `#[non_exhaustive]`, so a struct literal naming every field, or a
//! pattern without `..`, still breaks when a field is added.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use crate::emit::ir::{self, BodyKind, Location, Repr, Ty, TypeDef};
use crate::emit::lower::lower;
use crate::generate::Common;
use crate::spec::{EnumValue, ErrorCode, Field, Items, Spec, Type};

/// How far a change reaches; ordered, so the verdict is the maximum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Never reaches the generated crate.
    None,
    /// The crate's docs change, its API does not.
    Patch,
    /// A backward-compatible addition.
    Minor,
    /// Can break code written against the old crate.
    Major,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Patch => "patch",
            Level::Minor => "minor",
            Level::Major => "major",
        }
    }

    pub fn is_breaking(self) -> bool {
        self == Level::Major
    }
}

/// One change: what it is about (`body.mobile.code`, `method`,
/// `errors.1002001`) and what happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub subject: String,
    pub what: String,
    pub level: Level,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Added,
    Removed,
    Changed,
}

/// An endpoint (or `_common.yaml`) with its changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The endpoint's id, or `_common.yaml`.
    pub name: String,
    /// `METHOD /path` (the new one when both sides have the endpoint).
    pub route: String,
    pub status: Status,
    pub changes: Vec<Change>,
}

/// The whole comparison: entries sorted by name, the envelope first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub entries: Vec<Entry>,
}

impl Report {
    /// The highest level of any change; `None` when nothing changed.
    pub fn verdict(&self) -> Level {
        self.changes().map(|c| c.level).max().unwrap_or(Level::None)
    }

    fn changes(&self) -> impl Iterator<Item = &Change> {
        self.entries.iter().flat_map(|e| &e.changes)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.entries.is_empty() {
            writeln!(f, "no changes")?;
        }
        for entry in &self.entries {
            let mark = match entry.status {
                Status::Added => '+',
                Status::Removed => '-',
                Status::Changed => '~',
            };
            if entry.route.is_empty() {
                writeln!(f, "{mark} {}", entry.name)?;
            } else {
                writeln!(f, "{mark} {}  {}", entry.name, entry.route)?;
            }
            for c in &entry.changes {
                let kind = if c.level.is_breaking() {
                    "breaking"
                } else {
                    "compatible"
                };
                writeln!(
                    f,
                    "    {kind:<10}  {:<5}  {}: {}",
                    c.level.as_str(),
                    c.subject,
                    c.what
                )?;
            }
        }
        if !self.entries.is_empty() {
            let breaking = self.changes().filter(|c| c.level.is_breaking()).count();
            let total = self.changes().count();
            let count = |status| {
                self.entries
                    .iter()
                    .filter(|e| e.status == status && e.name != COMMON)
                    .count()
            };
            writeln!(
                f,
                "\n{breaking} breaking, {} compatible; endpoints: {} added, {} removed, {} changed",
                total - breaking,
                count(Status::Added),
                count(Status::Removed),
                count(Status::Changed),
            )?;
        }
        write!(f, "semver: {}", self.verdict().as_str())
    }
}

/// One side of the comparison: specs and the envelope, as
/// [`crate::emit::load_specs`] gives them.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    pub specs: &'a [Spec],
    pub common: Option<&'a Common>,
}

const COMMON: &str = "_common.yaml";

/// What changed from `old` to `new`.
pub fn diff(old: Side, new: Side) -> Report {
    let (old_rust, new_rust) = (rust_view(old), rust_view(new));
    let mut entries = Vec::new();
    let envelope = compare_common(old.common, new.common);
    if !envelope.is_empty() {
        entries.push(Entry {
            name: COMMON.to_owned(),
            route: String::new(),
            status: Status::Changed,
            changes: envelope,
        });
    }
    let (old_specs, new_specs) = (by_id(old.specs), by_id(new.specs));
    let ids: BTreeSet<&str> = old_specs.keys().chain(new_specs.keys()).copied().collect();
    for id in ids {
        let entry = match (old_specs.get(id), new_specs.get(id)) {
            (Some(spec), None) => Entry {
                name: id.to_owned(),
                route: route(spec),
                status: Status::Removed,
                changes: vec![change("endpoint", "removed", Level::Major)],
            },
            (None, Some(spec)) => Entry {
                name: id.to_owned(),
                route: route(spec),
                status: Status::Added,
                changes: vec![change("endpoint", "added", Level::Minor)],
            },
            (Some(o), Some(n)) => Entry {
                name: id.to_owned(),
                route: route(n),
                status: Status::Changed,
                changes: compare_endpoint(o, n, old_rust.get(id), new_rust.get(id)),
            },
            (None, None) => continue,
        };
        if !entry.changes.is_empty() {
            entries.push(entry);
        }
    }
    Report { entries }
}

fn change(subject: impl Into<String>, what: impl Into<String>, level: Level) -> Change {
    Change {
        subject: subject.into(),
        what: what.into(),
        level,
    }
}

fn route(spec: &Spec) -> String {
    format!("{} {}", spec.method, spec.path)
}

/// The first spec of each id (the emitter would make both; ids are unique
/// in a generated set).
fn by_id(specs: &[Spec]) -> BTreeMap<&str, &Spec> {
    let mut out = BTreeMap::new();
    for spec in specs {
        out.entry(spec.id.as_str()).or_insert(spec);
    }
    out
}

// ---------------------------------------------------------------------------
// The Rust side: what the emitter makes of each endpoint.

/// Where a field sits; the order fields are reported in.
const SECTIONS: [&str; 6] = ["path", "query", "headers", "body", "data", "envelope"];
const SECTION_DATA: usize = 4;
const SECTION_ENVELOPE: usize = 5;

/// (section, dotted path below it).
type Key = (usize, String);

fn key_name((section, path): &Key) -> String {
    format!("{}.{path}", SECTIONS[*section])
}

/// The field holding `path`'s field (`a.b[].c` → `a.b`), if it is nested.
fn parent((section, path): &Key) -> Option<Key> {
    let (parent, _) = path.rsplit_once('.')?;
    Some((*section, parent.trim_end_matches("[]").to_owned()))
}

/// An endpoint as the generated crate has it.
struct RustEndpoint {
    /// `service::version::resource::Request`.
    request: String,
    body: BodyKind,
    /// `new`'s arguments, `name: Type`, in order.
    new_args: Vec<String>,
    fields: BTreeMap<Key, RustField>,
    /// `Endpoint::Response`.
    response: String,
    error: Option<RustErrors>,
    /// `Paginated`'s item type.
    paginated: Option<String>,
}

struct RustErrors {
    name: String,
    /// Code → variant.
    variants: BTreeMap<i64, String>,
}

struct RustField {
    name: String,
    /// With `Option<>` when optional.
    ty: String,
    /// Needs a value in `new` (request) or in a struct literal (nested).
    required: bool,
    /// The enum's (wire value, variant) when the field (or its lists'
    /// element) is one.
    variants: Option<Vec<(String, String)>>,
    /// The enum's wire type: an integer enum turned string keeps its name.
    repr: Option<Repr>,
    /// When the field (or its lists' element) is a struct: does it derive
    /// `Default`.
    struct_default: Option<bool>,
}

fn rust_view(side: Side) -> HashMap<String, RustEndpoint> {
    let krate = lower(side.specs, side.common);
    let mut out = HashMap::new();
    for service in &krate.services {
        for version in &service.versions {
            let types: HashMap<&str, &TypeDef> =
                version.types.iter().map(|t| (t.name(), t)).collect();
            for resource in &version.resources {
                for e in &resource.endpoints {
                    let mut fields = BTreeMap::new();
                    for rf in &e.request.fields {
                        let section = match rf.location {
                            Location::Path => 0,
                            Location::Query => 1,
                            Location::Header => 2,
                            Location::Body => 3,
                        };
                        walk_rust(&rf.field, section, "", &types, &mut fields, 0);
                    }
                    let response = match &e.response {
                        ir::Response::Unit => "()".to_owned(),
                        ir::Response::Untyped => "serde_json::Value".to_owned(),
                        ir::Response::Download => "Download".to_owned(),
                        ir::Response::Data(s) => {
                            for f in &s.fields {
                                walk_rust(f, SECTION_DATA, "", &types, &mut fields, 0);
                            }
                            s.name.clone()
                        }
                    };
                    let endpoint = RustEndpoint {
                        request: format!(
                            "{}::{}::{}::{}",
                            service.module, version.module, resource.module, e.request.name
                        ),
                        body: e.request.body,
                        new_args: e
                            .request
                            .fields
                            .iter()
                            .filter(|rf| !rf.field.optional && !rf.field.ty.is_list())
                            .map(|rf| format!("{}: {}", rf.field.name, rust_ty(&rf.field)))
                            .collect(),
                        fields,
                        response,
                        error: e.error.as_ref().map(|err| RustErrors {
                            name: err.name.clone(),
                            variants: err
                                .variants
                                .iter()
                                .map(|v| (v.code, v.name.clone()))
                                .collect(),
                        }),
                        paginated: e.pagination.as_ref().map(|p| short_ty(&p.item)),
                    };
                    out.entry(e.id.clone()).or_insert(endpoint);
                }
            }
        }
    }
    out
}

fn walk_rust(
    f: &ir::Field,
    section: usize,
    prefix: &str,
    types: &HashMap<&str, &TypeDef>,
    out: &mut BTreeMap<Key, RustField>,
    depth: usize,
) {
    let path = format!("{prefix}{}", f.wire);
    let mut inner = &f.ty;
    let mut lists = 0;
    while let Ty::List(element) = inner {
        inner = element;
        lists += 1;
    }
    let def = match inner {
        Ty::Named { name, .. } => types.get(name.as_str()).copied(),
        _ => None,
    };
    let (variants, repr) = match def {
        Some(TypeDef::Enum(e)) => (
            Some(
                e.variants
                    .iter()
                    .map(|v| (v.wire.clone(), v.name.clone()))
                    .collect(),
            ),
            Some(e.repr),
        ),
        _ => (None, None),
    };
    let struct_default = match (inner, def) {
        (Ty::Named { default, .. }, Some(TypeDef::Struct(_))) => Some(*default),
        _ => None,
    };
    out.insert(
        (section, path.clone()),
        RustField {
            name: f.name.clone(),
            ty: rust_ty(f),
            required: !f.optional && !f.ty.is_list(),
            variants,
            repr,
            struct_default,
        },
    );
    // Specs are trees, so types never contain themselves; the bound is a
    // guard, not a limit any spec reaches.
    if let (Some(TypeDef::Struct(s)), true) = (def, depth < 64) {
        let prefix = format!("{path}{}.", "[]".repeat(lists));
        for child in &s.fields {
            walk_rust(child, section, &prefix, types, out, depth + 1);
        }
    }
}

fn rust_ty(f: &ir::Field) -> String {
    if f.optional {
        format!("Option<{}>", short_ty(&f.ty))
    } else {
        short_ty(&f.ty)
    }
}

/// A type as a user writes it, without paths.
fn short_ty(t: &Ty) -> String {
    match t {
        Ty::String => "String".to_owned(),
        Ty::I64 => "i64".to_owned(),
        Ty::F64 => "f64".to_owned(),
        Ty::Bool => "bool".to_owned(),
        Ty::Value => "Value".to_owned(),
        Ty::Map => "BTreeMap<String, Value>".to_owned(),
        Ty::File => "FilePart".to_owned(),
        Ty::List(inner) => format!("Vec<{}>", short_ty(inner)),
        Ty::Named { name, .. } => name.clone(),
    }
}

// ---------------------------------------------------------------------------
// The spec side.

/// Every field of a spec by its key, nested ones included; the first of
/// each wire name, as the emitter takes them.
fn spec_fields(spec: &Spec) -> BTreeMap<Key, &Field> {
    let mut out = BTreeMap::new();
    let lists = [
        &spec.request.path,
        &spec.request.query,
        &spec.request.headers,
        &spec.request.body,
        &spec.response.data,
    ];
    for (section, fields) in lists.into_iter().enumerate() {
        walk_spec(fields, section, "", &mut out);
    }
    out
}

fn walk_spec<'a>(
    fields: &'a [Field],
    section: usize,
    prefix: &str,
    out: &mut BTreeMap<Key, &'a Field>,
) {
    let mut seen = BTreeSet::new();
    for f in fields {
        if !seen.insert(f.name.as_str()) {
            continue;
        }
        let path = format!("{prefix}{}", f.name);
        out.insert((section, path.clone()), f);
        walk_spec(&f.fields, section, &format!("{path}."), out);
        let mut items = f.items.as_deref();
        let mut suffix = String::from("[]");
        while let Some(i) = items {
            walk_spec(&i.fields, section, &format!("{path}{suffix}."), out);
            items = i.items.as_deref();
            suffix.push_str("[]");
        }
    }
}

/// `string`, `array<object>`, `array<array<integer>>`.
fn type_str(ty: Type, items: Option<&Items>) -> String {
    let name = match ty {
        Type::String => "string",
        Type::Integer => "integer",
        Type::Number => "number",
        Type::Boolean => "boolean",
        Type::Object => "object",
        Type::Array => {
            return match items {
                Some(i) => format!("array<{}>", type_str(i.ty, i.items.as_deref())),
                None => "array".to_owned(),
            }
        }
        Type::Map => "map",
        Type::File => "file",
        Type::Any => "any",
    };
    name.to_owned()
}

/// The page's type names of the field and its elements: `i18n`, `[]user`.
fn type_names(f: &Field) -> String {
    let mut out = f.type_name.clone();
    let mut items = f.items.as_deref();
    while let Some(i) = items {
        if !i.type_name.is_empty() {
            out.push_str("[]");
            out.push_str(&i.type_name);
        }
        items = i.items.as_deref();
    }
    out
}

fn code_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items
        .into_iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------------------
// Comparisons.

fn compare_endpoint(
    old: &Spec,
    new: &Spec,
    old_rust: Option<&RustEndpoint>,
    new_rust: Option<&RustEndpoint>,
) -> Vec<Change> {
    let mut out = Vec::new();
    if old.method != new.method {
        out.push(change(
            "method",
            format!("{} → {}", old.method, new.method),
            Level::Major,
        ));
    }
    if old.path != new.path {
        out.push(change(
            "path",
            format!("`{}` → `{}`", old.path, new.path),
            Level::Major,
        ));
    }
    if old.base_url != new.base_url {
        let show = |url: &str| {
            if url.is_empty() {
                "(the Open Platform's)".to_owned()
            } else {
                format!("`{url}`")
            }
        };
        out.push(change(
            "base_url",
            format!("{} → {}", show(&old.base_url), show(&new.base_url)),
            Level::Major,
        ));
    }
    let token = |t: &crate::spec::AccessToken| format!("{t:?}").to_lowercase();
    let removed: Vec<String> = old
        .access_tokens
        .iter()
        .filter(|t| !new.access_tokens.contains(t))
        .map(token)
        .collect();
    let added: Vec<String> = new
        .access_tokens
        .iter()
        .filter(|t| !old.access_tokens.contains(t))
        .map(token)
        .collect();
    if !removed.is_empty() {
        out.push(change(
            "access_tokens",
            format!(
                "{} no longer accepted",
                code_list(removed.iter().map(String::as_str))
            ),
            Level::Major,
        ));
    }
    if !added.is_empty() {
        out.push(change(
            "access_tokens",
            format!(
                "{} now accepted",
                code_list(added.iter().map(String::as_str))
            ),
            Level::Minor,
        ));
    }
    if let (Some(o), Some(n)) = (old_rust, new_rust) {
        compare_rust_endpoint(o, n, &mut out);
    }

    let names = |facts: &[(&'static str, bool)]| -> Vec<&'static str> {
        facts
            .iter()
            .filter(|(_, changed)| *changed)
            .map(|(n, _)| *n)
            .collect()
    };
    // In the request struct's docs.
    let mut docs = names(&[
        ("title", old.title != new.title),
        ("description", old.description != new.description),
        ("doc_url", old.doc_url != new.doc_url),
        ("scopes", old.scopes != new.scopes),
        ("field_scopes", old.field_scopes != new.field_scopes),
        ("rate_limit", old.rate_limit != new.rate_limit),
    ]);
    // Nowhere in the crate (examples only through the response type,
    // compared above).
    let mut unseen = names(&[
        ("sources", old.sources != new.sources),
        ("app_types", old.app_types != new.app_types),
        ("examples", old.examples != new.examples),
        ("diagnostics", old.diagnostics != new.diagnostics),
    ]);
    if old.access_tokens != new.access_tokens && added.is_empty() && removed.is_empty() {
        docs.push("access_tokens");
    }
    if old.request.content_type != new.request.content_type
        && old_rust.map(|r| r.body) == new_rust.map(|r| r.body)
    {
        unseen.push("request.content_type");
    }
    for key in docs {
        out.push(change(key, "changed", Level::Patch));
    }
    for key in unseen {
        out.push(change(key, "changed (not in the crate)", Level::None));
    }

    compare_fields(old, new, old_rust, new_rust, &mut out);
    compare_errors(old, new, old_rust, new_rust, &mut out);
    out
}

fn compare_rust_endpoint(old: &RustEndpoint, new: &RustEndpoint, out: &mut Vec<Change>) {
    let body = |b: BodyKind| match b {
        BodyKind::None => "none",
        BodyKind::Json => "JSON",
        BodyKind::Multipart => "multipart/form-data",
    };
    if old.body != new.body {
        // A body appearing brings its fields, reported one by one.
        let level = if old.body == BodyKind::None {
            Level::Minor
        } else {
            Level::Major
        };
        out.push(change(
            "request body",
            format!("{} → {}", body(old.body), body(new.body)),
            level,
        ));
    }
    if old.request != new.request {
        out.push(change(
            "request type",
            format!("`{}` → `{}`", old.request, new.request),
            Level::Major,
        ));
    }
    if old.new_args != new.new_args {
        let (mut a, mut b) = (old.new_args.clone(), new.new_args.clone());
        a.sort();
        b.sort();
        // Other differences come with the field that caused them.
        if a == b {
            out.push(change(
                "new",
                format!(
                    "arguments reordered: ({}) → ({})",
                    old.new_args.join(", "),
                    new.new_args.join(", ")
                ),
                Level::Major,
            ));
        }
    }
    if old.response != new.response {
        out.push(change(
            "response type",
            format!("`{}` → `{}`", old.response, new.response),
            Level::Major,
        ));
    }
    match (&old.paginated, &new.paginated) {
        (Some(item), None) => out.push(change(
            "Paginated",
            format!("no longer implemented (items `{item}`)"),
            Level::Major,
        )),
        (None, Some(item)) => out.push(change(
            "Paginated",
            format!("now implemented (items `{item}`)"),
            Level::Minor,
        )),
        _ => {}
    }
}

fn compare_fields(
    old: &Spec,
    new: &Spec,
    old_rust: Option<&RustEndpoint>,
    new_rust: Option<&RustEndpoint>,
    out: &mut Vec<Change>,
) {
    let (old_fields, new_fields) = (spec_fields(old), spec_fields(new));
    let keys: BTreeSet<&Key> = old_fields.keys().chain(new_fields.keys()).collect();
    let empty = BTreeMap::new();
    let old_rf = old_rust.map_or(&empty, |r| &r.fields);
    let new_rf = new_rust.map_or(&empty, |r| &r.fields);
    for key in keys {
        match (old_fields.get(key), new_fields.get(key)) {
            (None, Some(f)) => {
                if parent(key).is_some_and(|p| !old_fields.contains_key(&p)) {
                    continue;
                }
                out.push(added_field(key, f, new_rf.get(key), old_rf));
            }
            (Some(f), None) => {
                if parent(key).is_some_and(|p| !new_fields.contains_key(&p)) {
                    continue;
                }
                let (what, level) = match old_rf.get(key) {
                    Some(_) => (
                        format!("removed ({})", type_str(f.ty, f.items.as_deref())),
                        Level::Major,
                    ),
                    None => ("removed (not in the crate)".to_owned(), Level::None),
                };
                out.push(change(key_name(key), what, level));
            }
            (Some(o), Some(n)) => {
                compare_field(key, o, n, old_rf.get(key), new_rf.get(key), out);
            }
            (None, None) => {}
        }
    }
}

fn added_field(
    key: &Key,
    f: &Field,
    rust: Option<&RustField>,
    old_rust: &BTreeMap<Key, RustField>,
) -> Change {
    let ty = type_str(f.ty, f.items.as_deref());
    let Some(rust) = rust else {
        return change(
            key_name(key),
            format!("added ({ty}; not in the crate)"),
            Level::None,
        );
    };
    if key.0 == SECTION_DATA {
        return change(
            key_name(key),
            format!("added (`{}`)", rust.ty),
            Level::Minor,
        );
    }
    let (what, level) = match (parent(key), rust.required) {
        (None, true) => (
            format!("added, required (`{}`): a new argument of `new`", rust.ty),
            Level::Major,
        ),
        (Some(_), true) => (
            format!(
                "added, required (`{}`): struct literals must set it",
                rust.ty
            ),
            Level::Major,
        ),
        (Some(p), false) => match old_rust.get(&p) {
            Some(holder) if holder.struct_default == Some(false) => (
                format!(
                    "added (`{}`) to a struct without `Default`: struct literals must set it",
                    rust.ty
                ),
                Level::Major,
            ),
            _ => (format!("added (`{}`)", rust.ty), Level::Minor),
        },
        (None, false) if rust.ty.starts_with("Vec<") => (
            format!("added (`{}`; `new` starts it empty)", rust.ty),
            Level::Minor,
        ),
        (None, false) => (format!("added (`{}`)", rust.ty), Level::Minor),
    };
    change(key_name(key), what, level)
}

fn compare_field(
    key: &Key,
    old: &Field,
    new: &Field,
    old_rust: Option<&RustField>,
    new_rust: Option<&RustField>,
    out: &mut Vec<Change>,
) {
    let subject = key_name(key);
    let in_crate = old_rust.is_some() || new_rust.is_some();
    // How the Rust type changed, said once, on the first line that explains it.
    let repr = |r: Option<Repr>| match r {
        Some(Repr::Int) => " (an integer enum)",
        Some(Repr::Str) => " (a string enum)",
        None => "",
    };
    let mut rust_note = match (old_rust, new_rust) {
        (Some(a), Some(b)) if a.ty != b.ty => Some(format!("Rust `{}` → `{}`", a.ty, b.ty)),
        (Some(a), Some(b)) if a.repr != b.repr => Some(format!(
            "Rust `{}`{} → `{}`{}",
            a.ty,
            repr(a.repr),
            b.ty,
            repr(b.repr)
        )),
        (Some(a), None) => Some(format!("no longer in the crate (was `{}`)", a.ty)),
        (None, Some(b)) => Some(format!("now in the crate as `{}`", b.ty)),
        _ => None,
    };
    let rust_changed = rust_note.is_some();
    let level = if rust_changed {
        Level::Major
    } else {
        Level::None
    };
    let with_note = |text: String, note: &mut Option<String>| match note.take() {
        Some(n) => format!("{text}; {n}"),
        None if rust_changed => text,
        None if in_crate => format!("{text} (same Rust type)"),
        None => format!("{text} (not in the crate)"),
    };

    let (old_ty, new_ty) = (
        type_str(old.ty, old.items.as_deref()),
        type_str(new.ty, new.items.as_deref()),
    );
    if old_ty != new_ty {
        let text = with_note(format!("type {old_ty} → {new_ty}"), &mut rust_note);
        out.push(change(&subject, text, level));
    }
    if old.required != new.required {
        let word = |r: bool| if r { "required" } else { "optional" };
        let text = with_note(
            format!("{} → {}", word(old.required), word(new.required)),
            &mut rust_note,
        );
        out.push(change(&subject, text, level));
    }
    let (old_names, new_names) = (type_names(old), type_names(new));
    let values =
        |f: &Field| -> Vec<String> { f.enum_values.iter().map(|v| v.value.clone()).collect() };
    if let Some(note) = rust_note.take() {
        let why = if old_names != new_names {
            format!(" (type name `{old_names}` → `{new_names}`)")
        } else if old.enum_values.is_empty() != new.enum_values.is_empty() {
            if old.enum_values.is_empty() {
                " (now has documented values)".to_owned()
            } else {
                " (no longer has documented values)".to_owned()
            }
        } else {
            " (the version's shared types were renamed: a same-named type elsewhere changed)"
                .to_owned()
        };
        out.push(change(&subject, format!("{note}{why}"), Level::Major));
    } else if old_names != new_names {
        out.push(change(
            &subject,
            format!("type name `{old_names}` → `{new_names}` (same Rust type)"),
            Level::None,
        ));
    }
    if let (Some(a), Some(b)) = (old_rust, new_rust) {
        if a.name != b.name {
            out.push(change(
                &subject,
                format!("Rust field `{}` → `{}`", a.name, b.name),
                Level::Major,
            ));
        }
    }

    // Documented values: enum variants when the crate has an enum on both
    // sides, else docs the crate does not show.
    match (
        old_rust.and_then(|r| r.variants.as_ref()),
        new_rust.and_then(|r| r.variants.as_ref()),
    ) {
        (Some(a), Some(b)) => compare_variants(&subject, a, b, old, new, out),
        _ if values(old) != values(new) && !rust_changed => {
            let (a, b) = (values(old), values(new));
            let added: Vec<&str> = b
                .iter()
                .filter(|v| !a.contains(v))
                .map(String::as_str)
                .collect();
            let removed: Vec<&str> = a
                .iter()
                .filter(|v| !b.contains(v))
                .map(String::as_str)
                .collect();
            let mut parts = Vec::new();
            if !added.is_empty() {
                parts.push(format!("{} added", code_list(added)));
            }
            if !removed.is_empty() {
                parts.push(format!("{} removed", code_list(removed)));
            }
            if parts.is_empty() {
                parts.push("reordered".to_owned());
            }
            out.push(change(
                &subject,
                format!(
                    "documented values: {} (not an enum in the crate)",
                    parts.join(", ")
                ),
                Level::None,
            ));
        }
        _ => {}
    }

    let mut docs = Vec::new();
    for (name, changed) in [
        ("description", old.description != new.description),
        ("example", old.example != new.example),
        ("default", old.default != new.default),
        ("constraints", old.constraints != new.constraints),
    ] {
        if changed {
            docs.push(name);
        }
    }
    if !docs.is_empty() {
        let (what, level) = if in_crate {
            (format!("{} changed", docs.join(", ")), Level::Patch)
        } else {
            (
                format!("{} changed (not in the crate)", docs.join(", ")),
                Level::None,
            )
        };
        out.push(change(&subject, what, level));
    }
}

fn compare_variants(
    subject: &str,
    old: &[(String, String)],
    new: &[(String, String)],
    old_field: &Field,
    new_field: &Field,
    out: &mut Vec<Change>,
) {
    let old_map: BTreeMap<&str, &str> = old.iter().map(|(w, n)| (w.as_str(), n.as_str())).collect();
    let new_map: BTreeMap<&str, &str> = new.iter().map(|(w, n)| (w.as_str(), n.as_str())).collect();
    let added: Vec<&str> = new
        .iter()
        .map(|(w, _)| w.as_str())
        .filter(|w| !old_map.contains_key(w))
        .collect();
    let removed: Vec<&str> = old
        .iter()
        .map(|(w, _)| w.as_str())
        .filter(|w| !new_map.contains_key(w))
        .collect();
    if !added.is_empty() {
        out.push(change(
            subject,
            format!("enum values added: {}", code_list(added)),
            Level::Minor,
        ));
    }
    if !removed.is_empty() {
        out.push(change(
            subject,
            format!("enum values removed: {}", code_list(removed)),
            Level::Major,
        ));
    }
    for (wire, old_name) in &old_map {
        if let Some(new_name) = new_map.get(wire) {
            if old_name != new_name {
                out.push(change(
                    subject,
                    format!("enum variant `{old_name}` → `{new_name}` (value `{wire}`)"),
                    Level::Major,
                ));
            }
        }
    }
    let descriptions = |f: &Field| -> BTreeMap<String, String> {
        f.enum_values
            .iter()
            .map(|v: &EnumValue| (v.value.trim().to_owned(), v.description.clone()))
            .collect()
    };
    let (a, b) = (descriptions(old_field), descriptions(new_field));
    let redocumented: Vec<&str> = a
        .iter()
        .filter(|(v, d)| b.get(*v).is_some_and(|e| e != *d))
        .map(|(v, _)| v.as_str())
        .collect();
    if !redocumented.is_empty() {
        out.push(change(
            subject,
            format!("enum value docs changed: {}", code_list(redocumented)),
            Level::Patch,
        ));
    }
}

fn compare_errors(
    old: &Spec,
    new: &Spec,
    old_rust: Option<&RustEndpoint>,
    new_rust: Option<&RustEndpoint>,
    out: &mut Vec<Change>,
) {
    let codes = |e: &RustErrors| {
        code_list(
            e.variants
                .keys()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str),
        )
    };
    match (
        old_rust.and_then(|r| r.error.as_ref()),
        new_rust.and_then(|r| r.error.as_ref()),
    ) {
        (None, Some(e)) => out.push(change(
            "errors",
            format!(
                "codes now documented: {}; `type Error` `NoCodes` → `{}`",
                codes(e),
                e.name
            ),
            Level::Major,
        )),
        (Some(e), None) => out.push(change(
            "errors",
            format!(
                "no codes documented any more (were {}); `type Error` `{}` → `NoCodes`",
                codes(e),
                e.name
            ),
            Level::Major,
        )),
        (Some(a), Some(b)) => {
            if a.name != b.name {
                out.push(change(
                    "errors",
                    format!("Rust enum `{}` → `{}`", a.name, b.name),
                    Level::Major,
                ));
            }
            let all: BTreeSet<i64> = a
                .variants
                .keys()
                .chain(b.variants.keys())
                .copied()
                .collect();
            for code in all {
                let subject = format!("errors.{code}");
                match (a.variants.get(&code), b.variants.get(&code)) {
                    (None, Some(v)) => {
                        out.push(change(subject, format!("added (`{v}`)"), Level::Minor))
                    }
                    (Some(v), None) => {
                        out.push(change(subject, format!("removed (`{v}`)"), Level::Major))
                    }
                    (Some(x), Some(y)) if x != y => out.push(change(
                        subject,
                        format!("variant `{x}` → `{y}`"),
                        Level::Major,
                    )),
                    _ => {}
                }
            }
        }
        (None, None) => {}
    }
    // The rows' texts are the variants' docs.
    let rows = |errors: &[ErrorCode]| -> BTreeMap<i64, Vec<ErrorCode>> {
        let mut by_code: BTreeMap<i64, Vec<ErrorCode>> = BTreeMap::new();
        for e in errors {
            by_code.entry(e.code).or_default().push(e.clone());
        }
        by_code
    };
    let (a, b) = (rows(&old.errors), rows(&new.errors));
    for (code, old_rows) in &a {
        let Some(new_rows) = b.get(code) else {
            continue;
        };
        if old_rows == new_rows {
            continue;
        }
        let differ =
            |get: fn(&ErrorCode) -> String| old_rows.iter().map(get).ne(new_rows.iter().map(get));
        let mut what = Vec::new();
        if differ(|e| format!("{:?}", e.http_status)) {
            what.push("http_status");
        }
        if differ(|e| e.message.clone()) {
            what.push("message");
        }
        if differ(|e| e.hint.clone()) {
            what.push("hint");
        }
        if what.is_empty() {
            what.push("rows");
        }
        out.push(change(
            format!("errors.{code}"),
            format!("{} changed", what.join(", ")),
            Level::Patch,
        ));
    }
}

/// The envelope only reaches the crate's docs (its fields' names and
/// descriptions), so every change is `patch` or `none`.
fn compare_common(old: Option<&Common>, new: Option<&Common>) -> Vec<Change> {
    let fields = |c: Option<&Common>| -> BTreeMap<Key, Field> {
        let mut out = BTreeMap::new();
        if let Some(c) = c {
            let mut refs = BTreeMap::new();
            walk_spec(&c.envelope, SECTION_ENVELOPE, "", &mut refs);
            out.extend(refs.into_iter().map(|(k, f)| (k, f.clone())));
        }
        out
    };
    let (a, b) = (fields(old), fields(new));
    let mut out = Vec::new();
    let keys: BTreeSet<&Key> = a.keys().chain(b.keys()).collect();
    for key in keys {
        match (a.get(key), b.get(key)) {
            (None, Some(_)) if parent(key).is_none_or(|p| a.contains_key(&p)) => {
                out.push(change(key_name(key), "added", Level::Patch));
            }
            (Some(_), None) if parent(key).is_none_or(|p| b.contains_key(&p)) => {
                out.push(change(key_name(key), "removed", Level::Patch));
            }
            (Some(x), Some(y)) if x.description != y.description => {
                out.push(change(key_name(key), "description changed", Level::Patch));
            }
            (Some(x), Some(y)) if strip(x) != strip(y) => {
                out.push(change(
                    key_name(key),
                    "changed (not in the crate)",
                    Level::None,
                ));
            }
            _ => {}
        }
    }
    if old.map(|c| &c.sources) != new.map(|c| &c.sources) && old.is_some() && new.is_some() {
        out.push(change("sources", "changed (not in the crate)", Level::None));
    }
    out
}

/// A field without its children (compared on their own).
fn strip(f: &Field) -> Field {
    Field {
        fields: Vec::new(),
        items: f.items.as_deref().map(|i| Box::new(strip_items(i))),
        ..f.clone()
    }
}

fn strip_items(i: &Items) -> Items {
    Items {
        ty: i.ty,
        type_name: i.type_name.clone(),
        fields: Vec::new(),
        items: i.items.as_deref().map(|i| Box::new(strip_items(i))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{AccessToken, Source};

    const BASE: &str = r#"
id: demo.v1.user.create
title: Create a user
method: POST
path: /open-apis/demo/v1/users
access_tokens: [tenant]
request:
  query:
  - {name: user_id_type, type: string, enum: [{value: open_id}, {value: union_id}]}
  body:
  - {name: name, type: string, required: true}
  - {name: age, type: integer, required: true}
  - name: mobile
    type: object
    fields:
    - {name: code, type: string}
  - {name: tags, type: array, items: {type: string}}
response:
  data:
  - name: user
    type: object
    fields:
    - {name: user_id, type: string}
    - {name: status, type: integer, enum: [{value: '1'}, {value: '2'}]}
errors:
- {code: 1001, message: invalid param, hint: check them}
"#;

    fn base() -> Spec {
        Spec::from_yaml(BASE).expect("BASE is a spec")
    }

    fn field(name: &str, ty: Type, required: bool) -> Field {
        Field {
            name: name.into(),
            ty,
            required,
            ..Field::default()
        }
    }

    fn between(old: &[Spec], new: &[Spec]) -> Report {
        diff(
            Side {
                specs: old,
                common: None,
            },
            Side {
                specs: new,
                common: None,
            },
        )
    }

    /// The changes from `BASE` to `BASE` edited by `edit`: (subject, level).
    fn changes(edit: impl FnOnce(&mut Spec)) -> Vec<(String, Level)> {
        let old = base();
        let mut new = old.clone();
        edit(&mut new);
        levels(&between(&[old], &[new]))
    }

    fn levels(report: &Report) -> Vec<(String, Level)> {
        report
            .changes()
            .map(|c| (c.subject.clone(), c.level))
            .collect()
    }

    fn one(subject: &str, level: Level) -> Vec<(String, Level)> {
        vec![(subject.to_owned(), level)]
    }

    fn body<'a>(spec: &'a mut Spec, name: &str) -> &'a mut Field {
        spec.request
            .body
            .iter_mut()
            .find(|f| f.name == name)
            .expect("a body field")
    }

    fn data_user(spec: &mut Spec) -> &mut Vec<Field> {
        &mut spec.response.data[0].fields
    }

    #[test]
    fn nothing_changed_is_none() {
        let report = between(&[base()], &[base()]);
        assert_eq!(report.verdict(), Level::None);
        assert_eq!(report.to_string(), "no changes\nsemver: none");
    }

    #[test]
    fn endpoints_added_are_minor_and_removed_major() {
        let mut other = base();
        other.id = "demo.v1.user.get".into();
        let added = between(&[base()], &[base(), other.clone()]);
        assert_eq!(levels(&added), one("endpoint", Level::Minor));
        assert_eq!(added.entries[0].status, Status::Added);
        let removed = between(&[base(), other], &[base()]);
        assert_eq!(levels(&removed), one("endpoint", Level::Major));
        assert_eq!(removed.verdict(), Level::Major);
    }

    #[test]
    fn request_fields_added() {
        let optional = changes(|s| s.request.body.push(field("nick", Type::String, false)));
        assert_eq!(optional, one("body.nick", Level::Minor));
        // A new argument of `new`.
        let required = changes(|s| s.request.body.push(field("nick", Type::String, true)));
        assert_eq!(required, one("body.nick", Level::Major));
        // Lists are never arguments of `new`.
        let list = changes(|s| {
            let mut emails = field("emails", Type::Array, true);
            emails.items = Some(Box::new(Items {
                ty: Type::String,
                ..Items::default()
            }));
            s.request.body.push(emails);
        });
        assert_eq!(list, one("body.emails", Level::Minor));
        let query = changes(|s| s.request.query.push(field("page", Type::Integer, false)));
        assert_eq!(query, one("query.page", Level::Minor));
    }

    #[test]
    fn nested_fields_added_depend_on_default() {
        // `Mobile` has only optional fields, so `Default` and `..Default::default()`.
        let with_default = changes(|s| {
            body(s, "mobile")
                .fields
                .push(field("country", Type::String, false))
        });
        assert_eq!(with_default, one("body.mobile.country", Level::Minor));
        // With a required field it has no `Default`: literals name every field.
        let mut old = base();
        body(&mut old, "mobile").fields[0].required = true;
        let mut new = old.clone();
        body(&mut new, "mobile")
            .fields
            .push(field("country", Type::String, false));
        assert_eq!(
            levels(&between(&[old], &[new])),
            one("body.mobile.country", Level::Major)
        );
        let required = changes(|s| {
            body(s, "mobile")
                .fields
                .push(field("country", Type::String, true))
        });
        assert_eq!(required, one("body.mobile.country", Level::Major));
        // Children of an added field come with it.
        let whole = changes(|s| {
            let mut address = field("address", Type::Object, false);
            address.fields.push(field("city", Type::String, true));
            s.request.body.push(address);
        });
        assert_eq!(whole, one("body.address", Level::Minor));
    }

    #[test]
    fn fields_removed_are_major() {
        let request = changes(|s| s.request.body.retain(|f| f.name != "tags"));
        assert_eq!(request, one("body.tags", Level::Major));
        let response = changes(|s| data_user(s).retain(|f| f.name != "user_id"));
        assert_eq!(response, one("data.user.user_id", Level::Major));
    }

    #[test]
    fn response_fields_added_are_minor() {
        let added = changes(|s| data_user(s).push(field("email", Type::String, false)));
        assert_eq!(added, one("data.user.email", Level::Minor));
    }

    #[test]
    fn required_changes_follow_the_rust_type() {
        // `String` → `Option<String>`, and `new` loses an argument.
        let loosened = changes(|s| body(s, "name").required = false);
        assert_eq!(loosened, one("body.name", Level::Major));
        let tightened = changes(|s| body(s, "mobile").required = true);
        assert_eq!(tightened, one("body.mobile", Level::Major));
        // Lists stay `Vec<T>`; response fields stay `Option<T>`.
        let list = changes(|s| body(s, "tags").required = true);
        assert_eq!(list, one("body.tags", Level::None));
        let response = changes(|s| data_user(s)[0].required = true);
        assert_eq!(response, one("data.user.user_id", Level::None));
    }

    #[test]
    fn type_changes_follow_the_rust_type() {
        let changed = changes(|s| body(s, "age").ty = Type::String);
        assert_eq!(changed, one("body.age", Level::Major));
        // Query parameters take no structs: both are `serde_json::Value`.
        let mut old = base();
        let mut filter = field("filter", Type::Object, false);
        filter.fields.push(field("since", Type::String, false));
        old.request.query.push(filter);
        let mut new = old.clone();
        new.request.query[1].ty = Type::Any;
        new.request.query[1].fields.clear();
        let report = between(&[old], &[new]);
        assert_eq!(
            levels(&report),
            vec![
                ("query.filter".to_owned(), Level::None),
                ("query.filter.since".to_owned(), Level::None),
            ]
        );
        assert_eq!(report.verdict(), Level::None);
    }

    #[test]
    fn integer_enum_turned_string_is_major() {
        let changed = changes(|s| data_user(s)[1].ty = Type::String);
        assert_eq!(changed, one("data.user.status", Level::Major));
    }

    #[test]
    fn enum_values() {
        let value = |v: &str| EnumValue {
            value: v.into(),
            description: String::new(),
        };
        let added = changes(|s| s.request.query[0].enum_values.push(value("user_id")));
        assert_eq!(added, one("query.user_id_type", Level::Minor));
        let removed = changes(|s| s.request.query[0].enum_values.pop().map(drop).unwrap());
        assert_eq!(removed, one("query.user_id_type", Level::Major));
        let redocumented = changes(|s| s.request.query[0].enum_values[0].description = "x".into());
        assert_eq!(redocumented, one("query.user_id_type", Level::Patch));
        // `String` becomes an enum.
        let first = changes(|s| body(s, "name").enum_values.push(value("a")));
        assert_eq!(first, one("body.name", Level::Major));
        // Documented values of a boolean are docs the crate does not show.
        let mut old = base();
        old.request.body.push(field("admin", Type::Boolean, false));
        let mut new = old.clone();
        body(&mut new, "admin").enum_values.push(value("true"));
        assert_eq!(
            levels(&between(&[old], &[new])),
            one("body.admin", Level::None)
        );
    }

    #[test]
    fn error_codes() {
        let code = |code: i64, message: &str| ErrorCode {
            code,
            message: message.into(),
            ..ErrorCode::default()
        };
        let added = changes(|s| s.errors.push(code(1002, "系统错误")));
        assert_eq!(added, one("errors.1002", Level::Minor));
        let removed = changes(|s| s.errors.clear());
        assert_eq!(removed, one("errors", Level::Major));
        let mut old = base();
        old.errors.clear();
        let first = between(&[old], &[base()]);
        assert_eq!(levels(&first), one("errors", Level::Major));
        assert!(first.to_string().contains("`NoCodes` → `CreateUserError`"));
        let mut old = base();
        old.errors.push(code(1002, "系统错误"));
        assert_eq!(
            levels(&between(&[old], &[base()])),
            one("errors.1002", Level::Major)
        );
        // Short English messages name the variant.
        let renamed = changes(|s| s.errors[0].message = "bad param".into());
        assert_eq!(
            renamed,
            vec![
                ("errors.1001".to_owned(), Level::Major),
                ("errors.1001".to_owned(), Level::Patch),
            ]
        );
        let hint = changes(|s| s.errors[0].hint = "check the docs".into());
        assert_eq!(hint, one("errors.1001", Level::Patch));
    }

    #[test]
    fn route_and_tokens() {
        assert_eq!(
            changes(|s| s.method = "PUT".into()),
            one("method", Level::Major)
        );
        assert_eq!(
            changes(|s| s.path = "/open-apis/demo/v2/users".into()),
            one("path", Level::Major)
        );
        assert_eq!(
            changes(|s| s.base_url = "https://www.feishu.cn".into()),
            one("base_url", Level::Major)
        );
        assert_eq!(
            changes(|s| s.access_tokens.push(AccessToken::User)),
            one("access_tokens", Level::Minor)
        );
        assert_eq!(
            changes(|s| s.access_tokens = vec![AccessToken::User]),
            vec![
                ("access_tokens".to_owned(), Level::Major),
                ("access_tokens".to_owned(), Level::Minor),
            ]
        );
    }

    #[test]
    fn docs_are_patch_and_the_rest_none() {
        assert_eq!(
            changes(|s| s.title = "Make a user".into()),
            one("title", Level::Patch)
        );
        assert_eq!(
            changes(|s| body(s, "name").description = "Shown to others.".into()),
            one("body.name", Level::Patch)
        );
        assert_eq!(
            changes(|s| s.sources.push(Source::default())),
            one("sources", Level::None)
        );
        assert_eq!(
            changes(|s| s
                .request
                .headers
                .push(field("Authorization", Type::String, true))),
            one("headers.Authorization", Level::None)
        );
    }

    #[test]
    fn response_type_changes_are_major() {
        let mut old = base();
        old.response.data.clear();
        let report = between(&[old], &[base()]);
        assert_eq!(report.entries[0].changes[0].subject, "response type");
        assert_eq!(report.verdict(), Level::Major);
        let download = changes(|s| s.response.download = true);
        assert_eq!(download[0], ("response type".to_owned(), Level::Major));
    }

    #[test]
    fn reordered_new_arguments_are_major() {
        let swapped = changes(|s| s.request.body.swap(0, 1));
        assert_eq!(swapped, one("new", Level::Major));
    }

    #[test]
    fn a_shared_type_split_renames_it_for_the_unchanged_endpoint() {
        let mut update = base();
        update.id = "demo.v1.user.update".into();
        let old = [base(), update.clone()];
        let mut create = base();
        body(&mut create, "mobile")
            .fields
            .push(field("country", Type::String, false));
        let report = between(&old, &[create, update]);
        assert_eq!(
            levels(&report),
            vec![
                ("body.mobile.country".to_owned(), Level::Minor),
                ("body.mobile".to_owned(), Level::Major),
            ]
        );
        assert_eq!(report.entries[1].name, "demo.v1.user.update");
        assert!(report
            .to_string()
            .contains("`Option<Mobile>` → `Option<Mobile2>`"));
    }

    #[test]
    fn the_report_does_not_depend_on_spec_order() {
        let mut other = base();
        other.id = "demo.v1.user.get".into();
        let mut changed = base();
        changed.method = "PUT".into();
        let forward = between(&[base(), other.clone()], &[changed.clone()]);
        let backward = between(&[other, base()], &[changed]);
        assert_eq!(forward.to_string(), backward.to_string());
        assert_eq!(
            forward.to_string(),
            "~ demo.v1.user.create  PUT /open-apis/demo/v1/users\n\
             \x20   breaking    major  method: POST → PUT\n\
             - demo.v1.user.get  POST /open-apis/demo/v1/users\n\
             \x20   breaking    major  endpoint: removed\n\
             \n\
             2 breaking, 0 compatible; endpoints: 0 added, 1 removed, 1 changed\n\
             semver: major"
        );
    }

    #[test]
    fn envelope_changes_are_docs() {
        let common = |description: &str| Common {
            sources: Vec::new(),
            envelope: vec![Field {
                description: description.into(),
                ..field("code", Type::Integer, false)
            }],
        };
        let (old, new) = (common("Error code."), common("The error code."));
        let report = diff(
            Side {
                specs: &[],
                common: Some(&old),
            },
            Side {
                specs: &[],
                common: Some(&new),
            },
        );
        assert_eq!(levels(&report), one("envelope.code", Level::Patch));
        assert_eq!(report.entries[0].name, COMMON);
    }
}
