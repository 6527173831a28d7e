//! The endpoint spec: the reviewed intermediate representation between the
//! pages and the generated crate. `specs/README.md` documents every key.
//!
//! Field order in these structs is the key order in the YAML files, and
//! empty values are left out, so a diff of two specs shows only what the
//! docs changed.

use serde::{Deserialize, Serialize};

mod yaml;

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
    /// Set for the few endpoints not served from the Open Platform's host
    /// (legacy approval on `https://www.feishu.cn`, MCP).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub base_url: String,
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
    /// How many broken characters of a mojibake page were repaired.
    #[serde(skip_serializing_if = "is_zero")]
    pub repaired: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

    /// The spec's YAML file: what `yaml11_safe(serde_yaml::to_string(..))`
    /// gives, written without libyaml (see the `yaml` module).
    pub fn to_yaml(&self) -> String {
        yaml::to_string(self).expect("a spec always serialises")
    }

    pub fn from_yaml(text: &str) -> Result<Spec, serde_yaml::Error> {
        serde_yaml::from_str(text)
    }
}

/// serde_yaml writes YAML 1.2, where `yes`, `on`, `2011-99-99` and `1:20`
/// are strings; YAML 1.1 readers (PyYAML, so `fidelity.py`) take them for
/// booleans, dates and numbers. Such plain scalars are quoted so every
/// reader sees the same strings.
///
/// `Spec::to_yaml` applies this rule as it writes each scalar; this
/// function, after serde_yaml, is the reference the tests hold it to.
pub fn yaml11_safe(yaml: &str) -> String {
    let mut out = String::with_capacity(yaml.len() + 64);
    let mut block_indent: Option<usize> = None;
    for line in yaml.lines() {
        let indent = line.len() - line.trim_start().len();
        if let Some(block) = block_indent {
            if line.trim().is_empty() || indent > block {
                out.push_str(line);
                out.push('\n');
                continue;
            }
            block_indent = None;
        }
        let body = line.trim_start();
        let item = body.trim_start_matches("- ");
        let (prefix_len, value) = match item.split_once(": ") {
            Some((key, value)) if !key.contains(' ') && !key.starts_with(['\'', '"']) => {
                (line.len() - value.len(), value)
            }
            _ if body.starts_with("- ") => (line.len() - item.len(), item),
            _ => (line.len(), ""),
        };
        if value.starts_with(['|', '>']) {
            block_indent = Some(indent);
        }
        if yaml11_only(value) {
            out.push_str(&line[..prefix_len]);
            out.push('\'');
            out.push_str(&value.replace('\'', "''"));
            out.push('\'');
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// A plain scalar that YAML 1.1 resolves to something other than a string
/// while YAML 1.2 reads a string.
fn yaml11_only(value: &str) -> bool {
    const BOOLS: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
        "OFF",
    ];
    // Everything below starts with one of these; most strings do not.
    if !value.starts_with(|c: char| {
        c.is_ascii_digit() || matches!(c, 'y' | 'Y' | 'n' | 'N' | 'o' | 'O' | '=' | '<' | '+' | '-')
    }) || value.parse::<f64>().is_ok()
    {
        return false;
    }
    let digits_and = |extra: &[char]| {
        value.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+')
            && value
                .chars()
                .all(|c| c.is_ascii_digit() || extra.contains(&c))
            && value.chars().any(|c| extra.contains(&c))
    };
    BOOLS.contains(&value)
        || value == "="
        || value == "<<"
        // timestamps: 2001-12-14, 2001-12-14t21:59:43.10-05:00
        || (value.len() >= 8
            && value.as_bytes()[..4].iter().all(u8::is_ascii_digit)
            && value.as_bytes()[4] == b'-')
        // sexagesimal and underscored numbers: 1:20, 1_000
        || digits_and(&[':', '.', '-', '+'])
        || digits_and(&['_', '.', '-', '+'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_reads_the_same_in_yaml_1_1() {
        let yaml = "a: 2011-99-99\nb:\n- yes\n- plain\nc: |-\n  on\n  2011-01-01\nd: 1:20\ne: true\nf: -12\n";
        assert_eq!(
            yaml11_safe(yaml),
            "a: '2011-99-99'\nb:\n- 'yes'\n- plain\nc: |-\n  on\n  2011-01-01\nd: '1:20'\ne: true\nf: -12\n"
        );
    }
}
