//! The generated crate as a small Rust-shaped model: modules, structs,
//! enums and endpoints, every name already final. Built from the specs by
//! [`super::lower`], turned into tokens by [`super::render`].

use crate::spec::AccessToken;

pub struct Crate {
    /// Sorted by module name.
    pub services: Vec<Service>,
    /// The common envelope's fields (wire name, description), for the crate docs.
    pub envelope: Vec<(String, String)>,
}

/// `hire`: a cargo feature and a module.
pub struct Service {
    pub module: String,
    pub versions: Vec<Version>,
}

/// `hire::v1`: the resource modules and the types they share.
pub struct Version {
    pub module: String,
    /// Nested types of every endpoint of the version, in `types.rs`.
    pub types: Vec<TypeDef>,
    pub resources: Vec<Resource>,
}

/// `hire::v1::referral_account`: one file.
pub struct Resource {
    pub module: String,
    pub endpoints: Vec<Endpoint>,
}

pub struct Endpoint {
    pub id: String,
    pub doc: String,
    pub method: String,
    pub path: String,
    /// The host, when not the Open Platform's.
    pub base_url: String,
    pub tokens: Vec<AccessToken>,
    pub request: Request,
    pub response: Response,
    pub error: Option<ErrorEnum>,
    pub pagination: Option<Pagination>,
}

pub struct Request {
    pub name: String,
    pub fields: Vec<RequestField>,
    pub body: BodyKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    /// A header the page documents beyond the two the runtime sets.
    Header,
    Body,
}

pub struct RequestField {
    pub field: Field,
    pub location: Location,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    None,
    Json,
    Multipart,
}

pub enum Response {
    /// No documented `data`.
    Unit,
    /// No documented fields, yet the page's example has `data`:
    /// `serde_json::Value`.
    Untyped,
    Download,
    Data(Struct),
}

/// `Paginated`: the request's `page_token` field and the data's item list.
pub struct Pagination {
    pub items_field: String,
    pub item: Ty,
    pub has_more_field: String,
    pub page_token_field: String,
}

pub struct ErrorEnum {
    pub name: String,
    pub variants: Vec<ErrorVariant>,
}

pub struct ErrorVariant {
    pub name: String,
    pub code: i64,
    pub doc: String,
}

pub enum TypeDef {
    Struct(Struct),
    Enum(Enum),
}

impl TypeDef {
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Struct(s) => &s.name,
            TypeDef::Enum(e) => &e.name,
        }
    }
}

#[derive(Clone)]
pub struct Struct {
    pub name: String,
    pub doc: String,
    pub fields: Vec<Field>,
}

impl Struct {
    /// Every field can be left out, so `Default` makes sense.
    pub fn all_optional(&self) -> bool {
        self.fields.iter().all(|f| f.optional || f.ty.is_list())
    }
}

#[derive(Clone)]
pub struct Field {
    pub name: String,
    pub wire: String,
    pub ty: Ty,
    /// `Option<ty>`; lists are never optional, they default to empty.
    pub optional: bool,
    pub doc: String,
}

pub struct Enum {
    pub name: String,
    pub doc: String,
    pub repr: Repr,
    pub variants: Vec<Variant>,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Repr {
    Str,
    Int,
}

pub struct Variant {
    pub name: String,
    /// The wire value: a string, or an integer's decimal text.
    pub wire: String,
    pub doc: String,
}

/// A field's Rust type.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Ty {
    String,
    I64,
    F64,
    Bool,
    /// `serde_json::Value`: the page says nothing about the shape.
    Value,
    /// A JSON object with free keys.
    Map,
    /// An upload (`feishu_runtime::FilePart`).
    File,
    List(Box<Ty>),
    /// A type in the version's `types` module: (service, version, name).
    Named {
        path: [String; 2],
        name: String,
        is_enum: bool,
        /// Implements `Default` (structs whose fields are all optional).
        default: bool,
    },
}

impl Ty {
    pub fn is_list(&self) -> bool {
        matches!(self, Ty::List(_))
    }

    /// Implements `Default`.
    pub fn has_default(&self) -> bool {
        match self {
            Ty::File => false,
            Ty::Named { default, .. } => *default,
            _ => true,
        }
    }
}
