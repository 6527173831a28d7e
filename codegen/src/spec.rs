//! The endpoint spec: the reviewed intermediate representation between the
//! pages and the generated crate. `specs/README.md` documents every key.
//!
//! Field order in these structs is the key order in the YAML files, and
//! empty values are left out, so a diff of two specs shows only what the
//! docs changed.

use serde::{Deserialize, Serialize};

/// One endpoint.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Spec {
    /// `service.version.resource.method`, as the official SDKs name it.
    pub id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub doc_url: String,
    pub sources: Vec<Source>,
    pub method: String,
    /// `/open-apis/...` with path parameters written `:name`.
    pub path: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub access_tokens: Vec<AccessToken>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub field_scopes: Vec<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub rate_limit: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub app_types: Vec<String>,
    pub request: Request,
    pub response: Response,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorCode>,
    #[serde(skip_serializing_if = "Examples::is_empty")]
    pub examples: Examples,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<String>,
}

/// A page the spec was read from.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(default)]
pub struct Source {
    /// The page's path as given on the command line.
    pub page: String,
    pub format: Format,
    /// When the docs last changed the page, as the page says (`YYYY-MM-DD`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub updated: String,
    /// The page was mojibake (UTF-8 read as Windows-1254).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub garbled: bool,
}

/// The layouts documentation pages come in (see `corpus/SOURCES.md`).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Front matter with `source_url`, tables without outer pipes, nesting flattened.
    A,
    /// No front matter, `| 基本 | |` table, nested types in a 类型额外说明 tree.
    B,
    /// Front matter with `fullPath`, nesting marked with `└`.
    C,
    /// Feishu's raw source markup (`<md-dt-table>` rows with levels).
    Raw,
    #[default]
    Unknown,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum AccessToken {
    Tenant,
    App,
    User,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Request {
    pub path: Vec<Field>,
    pub query: Vec<Field>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<Field>,
    pub body: Vec<Field>,
    /// Set when the body is not JSON (`multipart/form-data` uploads).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub content_type: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Response {
    /// The fields inside the envelope's `data`.
    pub data: Vec<Field>,
    /// The endpoint answers with a file, not a JSON envelope.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub download: bool,
}

/// The JSON kinds a field can have.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Type {
    String,
    Integer,
    Number,
    Boolean,
    Object,
    Array,
    Map,
    File,
    #[default]
    Any,
}

/// A parameter, body field or response field.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: Type,
    pub required: bool,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub example: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub default: String,
    #[serde(rename = "enum", skip_serializing_if = "Vec::is_empty")]
    pub enum_values: Vec<EnumValue>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub constraints: String,
    /// The type's name as the page gives it (`i18n`, `national_id_type`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub type_name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Items>>,
}

/// The element of an array.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Items {
    #[serde(rename = "type")]
    pub ty: Type,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub type_name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Items>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EnumValue {
    pub value: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// A row of the page's error-code table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ErrorCode {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    pub code: i64,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub hint: String,
}

/// The JSON examples as the page has them (text kept verbatim: they are
/// often not valid JSON, and the round-trip test wants them as written).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Examples {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub request_body: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub response: String,
}

impl Examples {
    pub fn is_empty(&self) -> bool {
        self.request_body.is_empty() && self.response.is_empty()
    }
}

impl Spec {
    /// `service`, `version`, `resource`, `method` from the id.
    pub fn id_parts(&self) -> Vec<&str> {
        self.id.split('.').collect()
    }

    pub fn to_yaml(&self) -> String {
        serde_yaml::to_string(self).expect("a spec always serialises")
    }

    pub fn from_yaml(text: &str) -> Result<Spec, serde_yaml::Error> {
        serde_yaml::from_str(text)
    }
}
