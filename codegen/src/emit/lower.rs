//! Specs → the crate model. Every name is given here, through
//! [`sanitize`] and per-namespace [`Scope`]s, in
//! the order of the sorted specs, so the same specs always give the same
//! names.

use std::collections::{BTreeMap, HashMap};

use super::doc;
use super::ir::*;
use super::names::{sanitize, Case, Scope};
use crate::generate::Common;
use crate::read::json::{self, Json};
use crate::spec::{self, EnumValue, Spec, Type};

/// Module names the emitter writes itself, so no resource may take them.
const TYPES_MODULE: &str = "types";

pub fn lower(specs: &[Spec], common: Option<&Common>) -> Crate {
    let mut sorted: Vec<&Spec> = specs.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));

    // service → version → resource → specs, keyed by the spec's raw names.
    let mut tree: BTreeMap<&str, BTreeMap<&str, BTreeMap<String, Vec<&Spec>>>> = BTreeMap::new();
    for spec in &sorted {
        let (service, version, resource) = placement(spec);
        tree.entry(service)
            .or_default()
            .entry(version)
            .or_default()
            .entry(resource)
            .or_default()
            .push(spec);
    }

    // Names come first, in order; then each version is lowered on its own
    // (its types and resources depend on nothing outside it), on all
    // cores, the largest first: lowering a version was an eighth of
    // emitting, and ran on one core while the others waited.
    let mut service_scope = Scope::default();
    let mut services = Vec::new();
    let mut jobs = Vec::new();
    for (service, versions) in tree {
        let module = service_scope.name(service, Case::Snake);
        let mut version_scope = Scope::default();
        for (version, resources) in versions {
            let version_module = version_scope.name(version, Case::Snake);
            jobs.push((services.len(), module.clone(), version_module, resources));
        }
        services.push(Service {
            module,
            versions: Vec::new(),
        });
    }
    let weight = |job: &(usize, String, String, BTreeMap<String, Vec<&Spec>>)| {
        job.3.values().map(Vec::len).sum()
    };
    let versions = crate::parallel::map_heaviest_first(&jobs, weight, |job| {
        let (_, module, version_module, resources) = job;
        let mut types = Types::new([module.clone(), version_module.clone()]);
        let mut resource_scope = Scope::with(&[TYPES_MODULE]);
        let resources = resources
            .iter()
            .map(|(resource, specs)| Resource {
                module: resource_scope.name(resource, Case::Snake),
                endpoints: endpoints(resource, specs, &mut types),
            })
            .collect();
        let mut types = types.defs;
        types.sort_by(|a, b| a.name().cmp(b.name()));
        Version {
            module: version_module.clone(),
            types,
            resources,
        }
    });
    for ((service, ..), version) in jobs.iter().zip(versions) {
        services[*service].versions.push(version);
    }

    let mut envelope = Vec::new();
    if let Some(common) = common {
        flatten_envelope(&common.envelope, "", &mut envelope);
    }
    Crate { services, envelope }
}

/// The envelope's fields by their paths (`error.field_violations[].field`),
/// so the crate docs list the nested ones too.
fn flatten_envelope(fields: &[spec::Field], prefix: &str, out: &mut Vec<(String, String)>) {
    for field in fields {
        let path = format!("{prefix}{}", field.name);
        out.push((path.clone(), field.description.clone()));
        flatten_envelope(&field.fields, &format!("{path}."), out);
        if let Some(items) = &field.items {
            flatten_envelope(&items.fields, &format!("{path}[]."), out);
        }
    }
}

/// (service, version, resource) from `service.version.resource….method`;
/// short ids keep what they have.
fn placement(spec: &Spec) -> (&str, &str, String) {
    match spec.id_parts().as_slice() {
        [service, version, resource @ .., _] if !resource.is_empty() => {
            (service, version, resource.join("_"))
        }
        [service, version, method] => (service, version, (*method).to_owned()),
        [service, rest @ ..] => (service, "v1", rest.join("_")),
        [] => ("misc", "v1", String::new()),
    }
}

fn endpoints(resource: &str, specs: &[&Spec], types: &mut Types) -> Vec<Endpoint> {
    let mut scope = Scope::default();
    specs
        .iter()
        .map(|spec| {
            let method = spec.id.rsplit('.').next().unwrap_or_default();
            let base = sanitize(&format!("{method}_{resource}"), Case::Pascal);
            let mut name = |suffix: &str| scope.claim(format!("{base}{suffix}"), Case::Pascal);
            let (request, data, error) = (name("Request"), name("Data"), name("Error"));
            endpoint(spec, request, data, error, types)
        })
        .collect()
}

fn endpoint(
    spec: &Spec,
    request: String,
    data: String,
    error: String,
    types: &mut Types,
) -> Endpoint {
    let body = if spec.request.body.is_empty() {
        BodyKind::None
    } else if spec.request.content_type.contains("multipart") {
        BodyKind::Multipart
    } else {
        BodyKind::Json
    };
    let mut scope = Scope::default();
    let mut fields = Vec::new();
    // The runtime sets these two from the token and the body.
    let headers: Vec<spec::Field> = spec
        .request
        .headers
        .iter()
        .filter(|h| {
            !h.name.eq_ignore_ascii_case("Authorization")
                && !h.name.eq_ignore_ascii_case("Content-Type")
        })
        .cloned()
        .collect();
    let located = [
        (&spec.request.path, Location::Path),
        (&spec.request.query, Location::Query),
        (&headers, Location::Header),
        (&spec.request.body, Location::Body),
    ];
    for (list, location) in located {
        let context = match (location, body) {
            (Location::Body, BodyKind::Multipart) => Context::Multipart,
            (Location::Body, _) => Context::Request,
            _ => Context::Parameter,
        };
        for f in first_of_each_name(list) {
            fields.push(RequestField {
                field: types.field(f, context, &mut scope),
                location,
            });
        }
    }
    let response = if spec.response.download {
        Response::Download
    } else if spec.response.data.is_empty() && example_has_data(spec) {
        Response::Untyped
    } else if spec.response.data.is_empty() {
        Response::Unit
    } else {
        let mut scope = Scope::default();
        Response::Data(Struct {
            doc: format!("The `data` of [`{request}`]'s answer."),
            name: data,
            fields: first_of_each_name(&spec.response.data)
                .map(|f| types.field(f, Context::Response, &mut scope))
                .collect(),
        })
    };
    let pagination = pagination(&fields, &response);
    Endpoint {
        id: spec.id.clone(),
        doc: doc::endpoint(spec),
        method: spec.method.clone(),
        path: spec.path.clone(),
        base_url: spec.base_url.clone(),
        tokens: spec.access_tokens.clone(),
        request: Request {
            name: request,
            fields,
            body,
        },
        response,
        error: error_enum(error, &spec.errors),
        pagination,
    }
}

/// `page_token` in the query, and `has_more`, `page_token` and one list in
/// the data: the runtime can walk the pages.
fn pagination(fields: &[RequestField], response: &Response) -> Option<Pagination> {
    let Response::Data(data) = response else {
        return None;
    };
    fields.iter().find(|f| {
        f.location == Location::Query
            && f.field.wire == "page_token"
            && f.field.optional
            && f.field.ty == Ty::String
    })?;
    let find = |wire: &str, ty: Ty| {
        data.fields
            .iter()
            .find(|f| f.wire == wire && f.ty == ty)
            .map(|f| f.name.clone())
    };
    let has_more_field = find("has_more", Ty::Bool)?;
    let page_token_field = find("page_token", Ty::String)?;
    let mut lists = data.fields.iter().filter(|f| f.ty.is_list());
    let items = lists.next()?;
    if lists.next().is_some() {
        return None;
    }
    let Ty::List(item) = &items.ty else {
        return None;
    };
    Some(Pagination {
        items_field: items.name.clone(),
        item: (**item).clone(),
        has_more_field,
        page_token_field,
    })
}

/// A variant per documented code, in the table's order; a code listed twice
/// is one variant documenting both rows.
fn error_enum(name: String, errors: &[spec::ErrorCode]) -> Option<ErrorEnum> {
    let mut by_code: Vec<(i64, Vec<&spec::ErrorCode>)> = Vec::new();
    for e in errors {
        match by_code.iter_mut().find(|(code, _)| *code == e.code) {
            Some((_, rows)) => rows.push(e),
            None => by_code.push((e.code, vec![e])),
        }
    }
    if by_code.is_empty() {
        return None;
    }
    let mut scope = Scope::with(&["Other"]);
    let variants = by_code
        .into_iter()
        .map(|(code, rows)| ErrorVariant {
            name: scope.claim(error_variant_name(code, &rows[0].message), Case::Pascal),
            code,
            doc: doc::error_code(&rows),
        })
        .collect();
    Some(ErrorEnum { name, variants })
}

/// The message's words when it is short English (`invalid param` →
/// `InvalidParam`), else the code (`Code1002001`).
fn error_variant_name(code: i64, message: &str) -> String {
    let english = !message.is_empty()
        && message.len() <= 48
        && message
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == ' ' || c == '_');
    if english {
        sanitize(message, Case::Pascal)
    } else {
        sanitize(&format!("code_{}", code.unsigned_abs()), Case::Pascal)
    }
}

/// Where a field sits decides what its type may be.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    /// Path and query parameters: scalars, enums and lists of them.
    Parameter,
    /// A JSON request body: `required` is honoured.
    Request,
    /// A `multipart/form-data` body: like a request, plus file fields.
    Multipart,
    /// Response data: every field optional, the server leaves things out.
    Response,
}

/// The version's `types` module: nested types, shared when two uses have
/// the same name and the same shape, numbered when the shapes differ.
struct Types {
    path: [String; 2],
    scope: Scope,
    /// Shape key → the type's `Ty`.
    by_shape: HashMap<String, Ty>,
    defs: Vec<TypeDef>,
}

/// What a type is built from: a field, or an array's element.
struct Shape<'a> {
    ty: Type,
    type_name: &'a str,
    fields: &'a [spec::Field],
    items: Option<&'a spec::Items>,
    enum_values: &'a [EnumValue],
    /// The field's name, for the type's name when the page gives none.
    hint: &'a str,
    description: &'a str,
}

impl Types {
    fn new(path: [String; 2]) -> Self {
        Types {
            path,
            scope: Scope::default(),
            by_shape: HashMap::new(),
            defs: Vec::new(),
        }
    }

    fn field(&mut self, f: &spec::Field, context: Context, scope: &mut Scope) -> Field {
        let ty = self.ty(
            &Shape {
                ty: f.ty,
                type_name: &f.type_name,
                fields: &f.fields,
                items: f.items.as_deref(),
                enum_values: &f.enum_values,
                hint: &f.name,
                description: &f.description,
            },
            context,
        );
        Field {
            name: scope.name(&f.name, Case::Snake),
            wire: f.name.clone(),
            optional: !ty.is_list() && (context == Context::Response || !f.required),
            ty,
            doc: doc::field(f),
        }
    }

    fn ty(&mut self, shape: &Shape, context: Context) -> Ty {
        let enum_repr = match shape.ty {
            Type::String => Some(Repr::Str),
            Type::Integer
                if shape
                    .enum_values
                    .iter()
                    .all(|v| v.value.trim().parse::<i64>().is_ok()) =>
            {
                Some(Repr::Int)
            }
            _ => None,
        };
        match (shape.ty, enum_repr) {
            (_, Some(repr)) if !shape.enum_values.is_empty() => self.enumeration(shape, repr),
            (Type::String, _) => Ty::String,
            (Type::Integer, _) => Ty::I64,
            (Type::Number, _) => Ty::F64,
            (Type::Boolean, _) => Ty::Bool,
            (Type::Object, _) if !shape.fields.is_empty() && context != Context::Parameter => {
                self.structure(shape, context)
            }
            (Type::Map, _) if context != Context::Parameter => Ty::Map,
            (Type::File, _) if context == Context::Multipart => Ty::File,
            (Type::Array, _) => {
                let element = match shape.items {
                    Some(items) => self.ty(
                        &Shape {
                            ty: items.ty,
                            type_name: &items.type_name,
                            fields: &items.fields,
                            items: items.items.as_deref(),
                            // A list's documented values are its elements'.
                            enum_values: shape.enum_values,
                            ..*shape
                        },
                        context,
                    ),
                    None if !shape.enum_values.is_empty() => self.ty(
                        &Shape {
                            ty: Type::String,
                            ..*shape
                        },
                        context,
                    ),
                    None => Ty::Value,
                };
                Ty::List(Box::new(element))
            }
            _ => Ty::Value,
        }
    }

    fn base_name(shape: &Shape) -> String {
        let raw = if shape.type_name.is_empty() {
            shape.hint
        } else {
            shape.type_name
        };
        sanitize(raw, Case::Pascal)
    }

    /// The type for `key`'s shape: the existing one, or a new definition.
    fn intern(&mut self, base: String, key: String, make: impl FnOnce(String) -> TypeDef) -> Ty {
        if let Some(ty) = self.by_shape.get(&key) {
            return ty.clone();
        }
        let name = self.scope.claim(base, Case::Pascal);
        let def = make(name.clone());
        let ty = Ty::Named {
            path: self.path.clone(),
            name,
            is_enum: matches!(def, TypeDef::Enum(_)),
            default: matches!(&def, TypeDef::Struct(s) if s.all_optional()),
        };
        self.defs.push(def);
        self.by_shape.insert(key, ty.clone());
        ty
    }

    fn structure(&mut self, shape: &Shape, context: Context) -> Ty {
        let mut scope = Scope::default();
        let fields: Vec<Field> = first_of_each_name(shape.fields)
            .map(|f| self.field(f, context, &mut scope))
            .collect();
        let base = Self::base_name(shape);
        let mut key = format!("{base}|struct");
        for f in &fields {
            key.push_str(&format!("|{}:{:?}:{}", f.wire, f.ty, f.optional));
        }
        let doc = type_doc(shape);
        self.intern(base, key, |name| {
            TypeDef::Struct(Struct { name, doc, fields })
        })
    }

    fn enumeration(&mut self, shape: &Shape, repr: Repr) -> Ty {
        let base = Self::base_name(shape);
        // (wire value, documented value); `1` and `01` are one integer.
        let mut values: Vec<(String, &EnumValue)> = Vec::new();
        for v in shape.enum_values {
            let wire = match repr {
                Repr::Str => v.value.clone(),
                Repr::Int => v
                    .value
                    .trim()
                    .parse::<i64>()
                    .unwrap_or_default()
                    .to_string(),
            };
            if !values.iter().any(|(seen, _)| *seen == wire) {
                values.push((wire, v));
            }
        }
        let mut key = format!("{base}|enum|{repr:?}");
        for (wire, _) in &values {
            key.push('|');
            key.push_str(wire);
        }
        let doc = type_doc(shape);
        self.intern(base, key, |name| {
            let mut scope = Scope::with(&["Other"]);
            let variants = values
                .into_iter()
                .map(|(wire, v)| Variant {
                    name: scope.name(&v.value, Case::Pascal),
                    wire,
                    doc: doc::enum_value(v),
                })
                .collect();
            TypeDef::Enum(Enum {
                name,
                doc,
                repr,
                variants,
            })
        })
    }
}

/// The description of the field that first used the type, or its name.
fn type_doc(shape: &Shape) -> String {
    let doc = doc::clean(shape.description);
    if doc.is_empty() {
        format!("The type of {}.", doc::code(shape.hint))
    } else {
        doc
    }
}

/// A wire name listed twice is one field: the first.
fn first_of_each_name(fields: &[spec::Field]) -> impl Iterator<Item = &spec::Field> {
    fields.iter().filter(|f| is_first_of_name(fields, f))
}

fn is_first_of_name(fields: &[spec::Field], f: &spec::Field) -> bool {
    fields
        .iter()
        .find(|g| g.name == f.name)
        .is_some_and(|g| std::ptr::eq(g, f))
}

/// The response example (valid JSON or not) has a non-empty `data`.
fn example_has_data(spec: &Spec) -> bool {
    let value = match json::parse(&spec.examples.response) {
        Ok(value) => Some(value),
        Err((value, _)) => value,
    };
    value
        .as_ref()
        .and_then(|v| v.get("data"))
        .is_some_and(|data| match data {
            Json::Null => false,
            Json::Object(object) => !object.is_empty(),
            _ => true,
        })
}
