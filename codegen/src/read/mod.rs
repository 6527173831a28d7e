//! A page's document model → an endpoint [`Spec`].
//!
//! The page is walked block by block; headings (and format B's bold
//! pseudo-headings such as `**响应示例**:`) say which part of the endpoint
//! the following tables and code blocks describe.

mod describe;
mod fields;
mod id;
pub mod json;
mod types;

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::diag::{Defect, Diagnostic, Diagnostics};
use crate::mojibake;
use crate::page::{BlockKind, Inline, Page, Row, Table};
use crate::spec::{AccessToken, ErrorCode, Field, Format, Source, Spec, Type};
use crate::text::{find_char, trim};
use fields::{apply_type, fields_from_example, nest_by_depth, nest_by_example, parse_type};
pub use fields::{PageTypes, TypeDict};
use json::Json;
use types::TypeTree;

/// What a page turned out to be.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Outcome {
    Endpoint(Box<Spec>),
    /// A page that documents no endpoint (a guide). `envelope` is the
    /// response envelope it describes, if it describes one.
    Guide {
        envelope: Vec<Field>,
    },
    /// The page could not be read; the diagnostics say why.
    Unreadable,
}

/// A page read, with everything found wrong on it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PageResult {
    pub outcome: Outcome,
    pub diagnostics: Vec<Diagnostic>,
    /// The page has an HTTP URL and method: it should have given a spec.
    pub looks_like_endpoint: bool,
    /// What the page's flat tables tell other pages about named types.
    pub types: PageTypes,
}

/// Keywords the reader looks for. On a repaired mojibake page a keyword may
/// have been repaired wrongly, so words are compared in their garbled form,
/// which the repair never changes.
#[derive(Clone, Copy)]
pub struct Keywords {
    garbled: bool,
}

impl Keywords {
    fn is(&self, text: &str, word: &str) -> bool {
        text == word || (self.garbled && mojibake::garble(text) == mojibake::garble(word))
    }

    fn contains(&self, text: &str, word: &str) -> bool {
        text.contains(word)
            || (self.garbled && mojibake::garble(text).contains(&mojibake::garble(word)))
    }
}

/// Reads one page. `label` names it in diagnostics and in the spec's sources.
pub fn read_page(label: &str, bytes: &[u8]) -> PageResult {
    read_page_with(label, bytes, &TypeDict::new())
}

/// [`read_page`], knowing the fields of the named types in `given` (from
/// other pages) where the page's flat tables and example do not show them.
pub fn read_page_with(label: &str, bytes: &[u8], given: &TypeDict) -> PageResult {
    match parse_page(label, bytes) {
        Ok(parsed) => read_parsed(label, &parsed, given),
        Err(unreadable) => unreadable,
    }
}

/// A page decoded, repaired and parsed: where a reading starts, kept for a
/// page that may be read again with other pages' types, so that only the
/// reading is done twice.
pub struct ParsedPage {
    page: Page,
    keywords: Keywords,
    repaired: usize,
    diags: Diagnostics,
}

/// Decodes, repairs and parses a page; the result of reading it when it
/// is no text at all.
pub fn parse_page(label: &str, bytes: &[u8]) -> Result<ParsedPage, PageResult> {
    let mut diags = Diagnostics::new(label);
    let Some(mut text) = decode(bytes, &mut diags) else {
        return Err(PageResult {
            outcome: Outcome::Unreadable,
            diagnostics: diags.into_vec(),
            looks_like_endpoint: false,
            types: PageTypes::default(),
        });
    };
    let keywords = Keywords {
        garbled: mojibake::looks_garbled(&text),
    };
    let mut repaired = 0;
    if keywords.garbled {
        let fixed = mojibake::repair(&text, mojibake::LanguageModel::shared());
        diags.warning(
            1,
            format!(
                "the page is mojibake (UTF-8 read as Windows-1254); {} broken characters repaired, {} of them by the language model's guess",
                fixed.broken, fixed.guessed
            ),
        );
        repaired = fixed.broken;
        text = Cow::Owned(fixed.text);
    }
    let page = Page::parse(&text);
    for &line in &page.headers_without_delimiter {
        diags
            .warning(
                line,
                "table header without a delimiter row (`--- | ---`) under it",
            )
            .defect(Defect::MalformedTable)
            .hint("read as a table all the same; Markdown renders it as text");
    }
    Ok(ParsedPage {
        page,
        keywords,
        repaired,
        diags,
    })
}

/// Reads a parsed page, knowing the fields of the named types in `given`.
pub fn read_parsed(label: &str, parsed: &ParsedPage, given: &TypeDict) -> PageResult {
    let mut reader = Reader {
        keywords: parsed.keywords,
        diags: parsed.diags.clone(),
        spec: Spec::default(),
        format: Format::Unknown,
        types: TypeTree::new(),
        given,
        page_types: PageTypes::default(),
    };
    let outcome = reader.read(label, &parsed.page, parsed.repaired);
    let looks_like_endpoint =
        !reader.spec.path.is_empty() || matches!(outcome, Outcome::Endpoint(_));
    PageResult {
        outcome,
        diagnostics: reader.diags.into_vec(),
        looks_like_endpoint,
        types: reader.page_types,
    }
}

/// Bytes → text with `\n` line ends; `None` for what is not a text page.
fn decode<'a>(bytes: &'a [u8], diags: &mut Diagnostics) -> Option<Cow<'a, str>> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        diags.error(1, "the page is empty");
        return None;
    }
    // Bytes below 0x20 tallied in chunks small enough for a u8 count, which
    // compiles to vector code; line breaks and tabs are then taken off.
    let low: usize = bytes
        .chunks(255)
        .map(|chunk| usize::from(chunk.iter().fold(0u8, |n, &b| n + u8::from(b < 0x20))))
        .sum();
    let controls = low - memchr::memchr3_iter(b'\n', b'\r', b'\t', bytes).count();
    let nul = memchr::memchr(0, bytes).is_some();
    if nul || controls * 100 > bytes.len() {
        diags.error(1, "the page is binary data, not text");
        return None;
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // simdutf8 checks valid text several times faster than std; std's
    // error, which says where, is asked for only when it fails.
    let valid = simdutf8::basic::from_utf8(bytes).map_err(|_| std::str::from_utf8(bytes));
    let text = match valid {
        Ok(text) => Cow::Borrowed(text),
        Err(Ok(text)) => Cow::Borrowed(text),
        Err(Err(e)) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            diags.warning(
                line,
                "the page is not valid UTF-8; undecodable bytes were replaced",
            );
            String::from_utf8_lossy(bytes)
        }
    };
    // Most pages have no `\r`, and are read in place.
    Some(if memchr::memchr(b'\r', text.as_bytes()).is_some() {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        text
    })
}

/// Which part of the endpoint the blocks under a heading describe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    Intro,
    Request,
    Headers,
    Path,
    Query,
    Body,
    BodyExample,
    Response,
    ResponseBody,
    ResponseExample,
    Errors,
    Samples,
    TypeTree,
    Other,
}

struct Reader<'g> {
    keywords: Keywords,
    diags: Diagnostics,
    spec: Spec,
    format: Format,
    types: TypeTree,
    /// Named types' fields from other pages of the run.
    given: &'g TypeDict,
    page_types: PageTypes,
}

/// A field table row, read but not yet nested.
struct RawRow {
    line: usize,
    depth: Option<usize>,
    field: Field,
}

impl Reader<'_> {
    fn read(&mut self, label: &str, page: &Page, repaired: usize) -> Outcome {
        let mut source = Source {
            page: label.to_string(),
            format: Format::Unknown,
            updated: String::new(),
            garbled: self.keywords.garbled,
            repaired,
        };
        self.front_matter(page, &mut source);

        let Some((basic_line, basic)) = self.basic_table(page) else {
            return self.guide(page);
        };
        self.basic(basic_line, basic);
        if self.spec.path.is_empty() || self.spec.method.is_empty() {
            return Outcome::Unreadable;
        }
        if source.format == Format::Unknown {
            source.format = if basic
                .header
                .first()
                .is_some_and(|h| self.keywords.is(h.plain(), "基本"))
            {
                Format::B
            } else {
                Format::A
            };
        }

        self.format = source.format;
        let mut section = Section::Intro;
        let mut section_level = 0u8;
        let mut seen_title = false;
        let mut intro: Vec<String> = Vec::new();
        let mut response_rows: Vec<RawRow> = Vec::new();
        let mut body_rows: Vec<RawRow> = Vec::new();
        let mut response_example: Option<(usize, Json)> = None;
        let mut body_example: Option<(usize, Json)> = None;
        let mut samples: Vec<&str> = Vec::new();
        let mut response_text = String::new();
        for block in &page.blocks {
            match &block.kind {
                BlockKind::Heading { level, text } => {
                    if !seen_title {
                        seen_title = true;
                        self.spec.title = text.plain().to_string();
                        continue;
                    }
                    let found = self.section_of(text.plain());
                    if found != Section::Other
                        || *level <= section_level
                        || section != Section::Samples
                    {
                        section = found;
                        section_level = *level;
                    }
                }
                BlockKind::Paragraph(inline) => {
                    if let Some(found) = self.pseudo_heading(inline) {
                        section = found;
                        continue;
                    }
                    match section {
                        Section::Intro if seen_title => intro.push(inline.markdown.clone()),
                        Section::Response | Section::ResponseBody => {
                            response_text.push_str(inline.plain());
                        }
                        _ => {}
                    }
                }
                BlockKind::List(items) => match section {
                    Section::TypeTree => types::read_tree(items, &self.keywords, &mut self.types),
                    Section::Intro if seen_title => intro.push(list_markdown(items)),
                    _ => {}
                },
                BlockKind::Table(table) => {
                    if std::ptr::eq(table, basic) {
                        continue;
                    }
                    match section {
                        Section::Headers => self.headers(table),
                        Section::Path => {
                            let rows = self.field_rows(table, true);
                            self.spec.request.path = self.flat(rows);
                        }
                        Section::Query => {
                            let rows = self.field_rows(table, false);
                            self.spec.request.query = self.flat(rows);
                        }
                        Section::Body | Section::Request => {
                            body_rows.extend(self.field_rows(table, false))
                        }
                        Section::Response | Section::ResponseBody => {
                            response_rows.extend(self.field_rows(table, false))
                        }
                        Section::Errors => self.errors(table),
                        _ => {}
                    }
                }
                BlockKind::Code { lang, text } => match section {
                    Section::BodyExample if body_example.is_none() && is_json_block(lang, text) => {
                        self.spec.examples.request_body = text.trim_end().to_string();
                        body_example = self.example(block.line, text).map(|v| (block.line, v));
                    }
                    Section::ResponseExample | Section::Response | Section::ResponseBody
                        if response_example.is_none() && is_json_block(lang, text) =>
                    {
                        self.spec.examples.response = text.trim_end().to_string();
                        response_example = self.example(block.line, text).map(|v| (block.line, v));
                    }
                    Section::Samples => samples.push(text),
                    _ => {}
                },
            }
        }
        self.spec.description = intro.join("\n\n");
        if source.format == Format::A && page_has_depth(&body_rows, &response_rows) {
            source.format = Format::C;
        }

        self.spec.request.body = self.nest(body_rows, body_example.as_ref().map(|(_, v)| v));
        let has_response_table = !response_rows.is_empty();
        let example = response_example.as_ref().map(|(_, v)| v);
        self.spec.response.data = if has_response_table {
            // Flat rows after `data` are all inside it (format A): nest them
            // against the example's `data`, so none can fall out of it.
            let flat_data = response_rows
                .iter()
                .all(|r| r.depth.is_none())
                .then(|| response_rows.iter().position(|r| r.field.name == "data"))
                .flatten();
            match flat_data {
                Some(at) => {
                    let inner = response_rows.split_off(at + 1);
                    self.nest(inner, example.and_then(|v| v.get("data")))
                }
                None => {
                    // A table without a `data` row lists what is in it.
                    let data_row = response_rows
                        .iter()
                        .any(|r| r.field.name == "data" && r.depth.unwrap_or(0) == 0);
                    let example = match example.and_then(|v| v.get("data")) {
                        Some(data) if !data_row => Some(data),
                        _ => example,
                    };
                    data_fields(self.nest(response_rows, example))
                }
            }
        } else {
            response_example
                .as_ref()
                .and_then(|(_, v)| v.get("data"))
                .map(fields_from_example)
                .unwrap_or_default()
        };
        if self.spec.response.data.is_empty()
            && (self.keywords.contains(&response_text, "二进制")
                || response_text.contains("binary"))
        {
            self.spec.response.download = true;
        }
        if has_file_field(&self.spec.request.body) && self.spec.request.content_type.is_empty() {
            self.spec.request.content_type = "multipart/form-data".into();
        }
        self.check_path_params();
        self.spec.id = self.id(&samples);
        if source.format != Format::B {
            fields::fill_named_types(&mut [
                &mut self.spec.request.body,
                &mut self.spec.response.data,
            ]);
        }
        // After the page's own fields, so those keep their descriptions.
        fields::add_example_keys(
            &mut self.spec.request.body,
            body_example.as_ref().map(|(_, v)| v),
        );
        if has_response_table {
            fields::add_example_keys(
                &mut self.spec.response.data,
                response_example.as_ref().and_then(|(_, v)| v.get("data")),
            );
        }
        finish_fields(&mut self.spec);
        self.spec.sources = vec![source];
        if self.spec.id.is_empty() {
            self.diags.error(
                basic_line,
                format!(
                    "cannot tell the endpoint id of {} {}",
                    self.spec.method, self.spec.path
                ),
            );
            return Outcome::Unreadable;
        }
        Outcome::Endpoint(Box::new(std::mem::take(&mut self.spec)))
    }

    fn front_matter(&mut self, page: &Page, source: &mut Source) {
        let Some((line, yaml)) = &page.front_matter else {
            return;
        };
        let map: serde_yaml::Mapping = match serde_yaml::from_str(yaml) {
            Ok(map) => map,
            Err(e) => {
                self.diags
                    .warning(*line, format!("front matter is not valid YAML: {e}"));
                return;
            }
        };
        let get = |key: &str| -> String {
            match map.get(key) {
                Some(serde_yaml::Value::String(s)) => s.clone(),
                Some(serde_yaml::Value::Number(n)) => n.to_string(),
                _ => String::new(),
            }
        };
        let source_url = get("source_url");
        let full_path = get("fullPath");
        if !source_url.is_empty() {
            source.format = Format::A;
            self.spec.doc_url = source_url;
            source.updated = get("last_remote_update");
        } else if !full_path.is_empty() {
            source.format = Format::C;
            self.spec.doc_url = format!("https://open.feishu.cn/document{full_path}");
            source.updated = get("updateTime")
                .parse::<i64>()
                .map(|ms| date_of(ms / 1000))
                .unwrap_or_default();
        }
        let title = get("title");
        if !title.is_empty() {
            self.spec.title = title;
        }
    }

    /// The table holding `HTTP URL` and `HTTP Method`.
    fn basic_table<'p>(&self, page: &'p Page) -> Option<(usize, &'p Table)> {
        page.blocks.iter().find_map(|b| match &b.kind {
            BlockKind::Table(t) if t.rows.iter().any(|r| cell(r, 0) == "HTTP URL") => {
                Some((b.line, t))
            }
            _ => None,
        })
    }

    /// A page with no endpoint. The guide to calling the API describes the
    /// response envelope: `code`, `msg` and `data` in a list, and the
    /// `error` object's fields in a raw-markup table with levels. Kinds come
    /// from the JSON shown in a row's description where there is one.
    fn guide(&mut self, page: &Page) -> Outcome {
        let mut envelope = Vec::new();
        let mut error_fields = Vec::new();
        for block in &page.blocks {
            match &block.kind {
                BlockKind::List(items) if envelope.is_empty() => {
                    envelope = items.iter().filter_map(envelope_member).collect();
                }
                BlockKind::Table(table) if table.rows.iter().any(|r| r.level.is_some()) => {
                    let rows = table
                        .rows
                        .iter()
                        .filter(|r| is_field_name(cell(r, 0)))
                        .map(|r| {
                            let name = cell(r, 0);
                            let text = r.cells.get(1).cloned().unwrap_or_default();
                            let mut field = Field {
                                name: name.to_string(),
                                ty: Type::String,
                                description: describe::describe(&text.markdown, &self.keywords)
                                    .description,
                                ..Field::default()
                            };
                            if let Some(value) =
                                embedded_json(text.plain()).and_then(|v| v.get(name).map(json_kind))
                            {
                                apply_type(&mut field, &parse_type(value));
                            }
                            (r.line, r.level.unwrap_or(1).saturating_sub(1), field)
                        })
                        .collect();
                    error_fields.extend(nest_by_depth(rows, &mut self.diags));
                }
                _ => {}
            }
        }
        if !error_fields.is_empty() {
            envelope.retain(|f: &Field| f.name != "error");
            envelope.push(Field {
                name: "error".into(),
                ty: Type::Object,
                fields: error_fields,
                ..Field::default()
            });
        }
        self.diags.note(
            1,
            "not an endpoint page (no HTTP URL and HTTP Method); skipped",
        );
        Outcome::Guide { envelope }
    }

    fn basic(&mut self, line: usize, table: &Table) {
        for row in &table.rows {
            let key = cell(row, 0);
            let value = row.cells.get(1).cloned().unwrap_or_default();
            let plain = value.plain().trim_matches('`').trim();
            match key {
                "HTTP URL" => self.url(row.line, plain),
                "HTTP Method" => {
                    let method = plain.to_ascii_uppercase();
                    if matches!(method.as_str(), "GET" | "POST" | "PUT" | "PATCH" | "DELETE") {
                        self.spec.method = method;
                    } else {
                        self.diags
                            .error(row.line, format!("unknown HTTP method `{plain}`"));
                    }
                }
                _ if self.keywords.is(key, "支持的访问令牌") => {
                    self.spec.access_tokens = tokens_in(plain);
                }
                _ if self.keywords.is(key, "接口频率限制") => {
                    self.spec.rate_limit = one_line(plain)
                }
                _ if self.keywords.is(key, "支持的应用类型") => {
                    self.spec.app_types = app_types(plain, &self.keywords)
                }
                _ if self.keywords.contains(key, "字段权限要求") => {
                    extend_unique(&mut self.spec.field_scopes, scopes_in(value.plain()))
                }
                _ if self.keywords.contains(key, "权限要求") => {
                    extend_unique(&mut self.spec.scopes, scopes_in(value.plain()))
                }
                _ => {}
            }
        }
        if self.spec.path.is_empty() {
            self.diags.error(line, "the request table has no HTTP URL");
        }
        if self.spec.method.is_empty() {
            self.diags
                .error(line, "the request table has no HTTP Method");
        }
    }

    fn url(&mut self, line: usize, url: &str) {
        let url = url.split_whitespace().next().unwrap_or("");
        let (base, path) = match url.find("/open-apis/") {
            Some(at) => (&url[..at], &url[at..]),
            None => match url
                .find("://")
                .map(|s| s + 3)
                .and_then(|s| url[s..].find('/').map(|p| s + p))
            {
                Some(at) => (&url[..at], &url[at..]),
                None => {
                    self.diags.error(line, format!("`{url}` is not a URL"));
                    return;
                }
            },
        };
        if !base.is_empty()
            && !base.ends_with("open.feishu.cn")
            && !base.ends_with("open.larksuite.com")
        {
            self.spec.base_url = base.to_string();
        }
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        if !query.is_empty() {
            self.diags.note(
                line,
                format!("the URL carries a query string `{query}`; left out of the path"),
            );
        }
        if !path.starts_with("/open-apis/") {
            self.diags.note(
                line,
                format!("`{url}` is not under /open-apis/; the spec keeps its base URL"),
            );
        } else if !path.split('/').nth(3).is_some_and(|v| {
            v.starts_with('v') && v[1..].chars().all(|c| c.is_ascii_digit()) && v.len() > 1
        }) {
            self.diags
                .note(line, "the path names no API version; the id says v1");
        }
        // `{param}` → `:param`.
        self.spec.path = path
            .split('/')
            .map(
                |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => format!(":{name}"),
                    None => s.to_string(),
                },
            )
            .collect::<Vec<_>>()
            .join("/");
    }

    fn section_of(&self, heading: &str) -> Section {
        let h = heading.trim();
        let k = |w: &str| self.keywords.is(h, w);
        if k("请求") {
            Section::Request
        } else if k("请求头") {
            Section::Headers
        } else if k("路径参数") {
            Section::Path
        } else if k("查询参数") {
            Section::Query
        } else if k("请求体") || k("请求参数") {
            Section::Body
        } else if k("请求体示例") || k("请求示例") {
            Section::BodyExample
        } else if k("响应") {
            Section::Response
        } else if k("响应体") {
            Section::ResponseBody
        } else if k("响应体示例") || k("响应示例") {
            Section::ResponseExample
        } else if k("错误码") {
            Section::Errors
        } else if k("调用示例") {
            Section::Samples
        } else {
            Section::Other
        }
    }

    /// Format B's bold paragraphs that act as headings.
    fn pseudo_heading(&self, inline: &Inline) -> Option<Section> {
        let md = inline.markdown.trim();
        let inner = md.strip_prefix("**")?;
        let (word, rest) = inner.split_once("**")?;
        if !matches!(rest.trim(), ":" | "：") {
            return None;
        }
        let k = |w: &str| self.keywords.is(word.trim(), w);
        if k("请求体示例") {
            Some(Section::BodyExample)
        } else if k("响应示例") || k("响应体示例") {
            Some(Section::ResponseExample)
        } else if k("类型额外说明") {
            Some(Section::TypeTree)
        } else {
            None
        }
    }

    fn headers(&mut self, table: &Table) {
        let rows = self.field_rows(table, false);
        for row in &rows {
            let name = row.field.name.to_ascii_lowercase();
            let first_line = row.field.description.lines().next().unwrap_or("");
            if name == "authorization" {
                extend_unique(&mut self.spec.access_tokens, tokens_in(first_line));
            } else if name == "content-type"
                && row.field.description.contains("multipart/form-data")
            {
                self.spec.request.content_type = "multipart/form-data".into();
            }
        }
        self.spec.request.headers = self.flat(rows);
    }

    /// Column positions from a field table's header.
    fn columns(&self, table: &Table) -> Columns {
        let mut columns = Columns {
            name: 0,
            ty: None,
            required: None,
            description: None,
        };
        for (i, header) in table.header.iter().enumerate() {
            let h = trim(header.plain());
            let any = |words: &[&str]| words.iter().any(|w| self.keywords.is(h, w));
            if any(&[
                "名称",
                "参数名",
                "参数",
                "字段",
                "字段名",
                "属性",
                "参数名称",
            ]) {
                columns.name = i;
            } else if any(&["类型", "参数类型"]) {
                columns.ty = Some(i);
            } else if any(&["必填", "是否必填", "必选", "是否必须"]) {
                columns.required = Some(i);
            } else if any(&["描述", "说明", "参数说明", "描述说明"]) {
                columns.description = Some(i);
            }
        }
        if columns.description.is_none() && table.header.len() > 1 {
            columns.description = Some(table.header.len() - 1);
        }
        columns
    }

    fn field_rows(&mut self, table: &Table, always_required: bool) -> Vec<RawRow> {
        let columns = self.columns(table);
        let width = table.header.len();
        let mut out = Vec::with_capacity(table.rows.len());
        for row in &table.rows {
            let raw_name = row.cells.get(columns.name).map(|c| c.plain()).unwrap_or("");
            let (raw_name, marked_required) = self.required_in_name(raw_name);
            let (marker_depth, name) = split_depth(raw_name);
            if name.is_empty() {
                if row.cells.iter().any(|c| !c.plain().is_empty()) {
                    self.diags
                        .warning(row.line, "table row without a field name; skipped");
                }
                continue;
            }
            if !is_field_name(&name) {
                self.diags
                    .warning(
                        row.line,
                        format!("`{}` is not a field name; row skipped", one_line(&name)),
                    )
                    .defect(Defect::MalformedTable);
                continue;
            }
            if row.source_cells > width {
                self.diags.warning(
                    row.line,
                    format!("row `{name}` has more cells than the table has columns; the extra ones are dropped"),
                )
                .defect(Defect::MalformedTable);
            } else if row.source_cells < width {
                self.diags
                    .warning(
                        row.line,
                        format!("row `{name}` has fewer cells than the table has columns"),
                    )
                    .defect(Defect::MalformedTable);
            }
            let mut field = Field {
                name,
                ..Field::default()
            };
            let name = &field.name;
            match columns.ty.and_then(|i| row.cells.get(i)) {
                Some(ty) if !trim(ty.plain()).is_empty() => {
                    let parsed = parse_type(ty.plain());
                    if !parsed.known {
                        self.diags
                            .warning(
                                row.line,
                                format!(
                                    "field `{name}` has an unknown type `{}`; read as any",
                                    one_line(ty.plain())
                                ),
                            )
                            .defect(Defect::MissingType);
                    }
                    apply_type(&mut field, &parsed);
                }
                _ if columns.ty.is_some() => {
                    self.diags
                        .warning(row.line, format!("field `{name}` has no type; read as any"))
                        .defect(Defect::MissingType);
                }
                // No type column: the example tells, after nesting.
                _ => field.type_name = fields::UNTYPED.into(),
            }
            field.required = always_required
                || marked_required
                || match columns.required.and_then(|i| row.cells.get(i)) {
                    Some(c) => self.required(row, c.plain()),
                    None => false,
                };
            if let Some(c) = columns.description.and_then(|i| row.cells.get(i)) {
                let d = describe::describe(&c.markdown, &self.keywords);
                field.description = d.description;
                field.example = d.example;
                field.default = d.default;
                field.enum_values = d.enum_values;
                field.constraints = d.constraints;
            }
            let depth = row.level.map(|l| l.saturating_sub(1)).or(marker_depth);
            out.push(RawRow {
                line: row.line,
                depth,
                field,
            });
        }
        out
    }

    /// Some older pages have no 必填 column and write `必选` / `可选` on a
    /// second line of the name cell: the name, and whether it is required.
    fn required_in_name<'t>(&self, raw: &'t str) -> (&'t str, bool) {
        if let Some(at) = memchr::memrchr(b'\n', raw.as_bytes()) {
            let (name, mark) = (&raw[..at], &raw[at + 1..]);
            let mark = trim(trim(mark).trim_matches('`'));
            if self.keywords.is(mark, "必选") {
                return (name, true);
            }
            if self.keywords.is(mark, "可选") {
                return (name, false);
            }
        }
        (raw, false)
    }

    fn required(&mut self, row: &Row, text: &str) -> bool {
        let t = trim(text);
        let k = |w: &str| self.keywords.is(t, w);
        if k("是")
            || k("必填")
            || k("必选")
            || t.eq_ignore_ascii_case("true")
            || t.eq_ignore_ascii_case("yes")
        {
            true
        } else if k("否")
            || k("选填")
            || k("可选")
            || t.is_empty()
            || t == "-"
            || t.eq_ignore_ascii_case("false")
            || t.eq_ignore_ascii_case("no")
        {
            false
        } else {
            self.diags.warning(
                row.line,
                format!(
                    "unknown required marker `{}`; read as optional",
                    one_line(t)
                ),
            );
            false
        }
    }

    /// Rows of a table with no nesting (or nesting given elsewhere).
    fn flat(&mut self, rows: Vec<RawRow>) -> Vec<Field> {
        let mut seen = std::collections::HashSet::new();
        for row in &rows {
            if !seen.insert(row.field.name.clone()) {
                self.diags
                    .warning(
                        row.line,
                        format!("field `{}` appears twice at the same level", row.field.name),
                    )
                    .defect(Defect::DuplicateField);
            }
        }
        rows.into_iter().map(|r| r.field).collect()
    }

    fn nest(&mut self, rows: Vec<RawRow>, example: Option<&Json>) -> Vec<Field> {
        if rows.iter().any(|r| r.depth.is_some()) {
            let rows = rows
                .into_iter()
                .map(|r| (r.line, r.depth.unwrap_or(0), r.field))
                .collect();
            let mut fields = nest_by_depth(rows, &mut self.diags);
            fields::settle_untyped(&mut fields, example);
            return fields;
        }
        if self.format == Format::B {
            // Format B lists top-level fields only; nesting comes from the
            // type tree (resolved after) or the example.
            let mut fields = self.flat(rows);
            for field in &mut fields {
                resolve(field, &self.types, &mut Vec::new());
            }
            if let Some(example) = example {
                fill_from_example(&mut fields, example);
            }
            return fields;
        }
        // A type name means one type within a service's version only
        // (`user`, `department`, `i18n` differ from one to another).
        let scope = self.type_scope();
        let given: TypeDict = self
            .given
            .iter()
            .filter_map(|(name, fields)| {
                let name = name.strip_prefix(&scope)?.strip_prefix(' ')?;
                Some((name.to_string(), fields.clone()))
            })
            .collect();
        let mut types = PageTypes::default();
        let mut fields = nest_by_example(
            rows.into_iter().map(|r| (r.line, r.field)).collect(),
            example,
            &given,
            &mut types,
            &mut self.diags,
        );
        let page_types = &mut self.page_types;
        for name in types.used {
            page_types.used.insert(format!("{scope} {name}"));
        }
        for (name, fields) in types.learned {
            page_types.learn(format!("{scope} {name}"), fields);
        }
        fields::settle_untyped(&mut fields, example);
        fields
    }

    /// The service and version of the endpoint (`corehr/v2`): where the
    /// page's type names hold.
    fn type_scope(&self) -> String {
        self.spec
            .path
            .split('/')
            .filter(|s| !s.is_empty() && *s != "open-apis")
            .take(2)
            .collect::<Vec<_>>()
            .join("/")
    }

    fn errors(&mut self, table: &Table) {
        let find = |words: &[&str]| {
            table
                .header
                .iter()
                .position(|h| words.iter().any(|w| self.keywords.is(h.plain().trim(), w)))
        };
        let status = find(&["HTTP状态码", "HTTP 状态码"]);
        let Some(code) = find(&["错误码"]) else {
            return;
        };
        let message = find(&["描述", "错误信息"]);
        let hint = find(&["排查建议", "解决方案"]);
        for row in &table.rows {
            let code_text = cell(row, code);
            let Ok(code_value) = code_text.parse::<i64>() else {
                if !code_text.is_empty() {
                    self.diags.warning(
                        row.line,
                        format!(
                            "error code `{}` is not a number; row skipped",
                            one_line(code_text)
                        ),
                    );
                }
                continue;
            };
            let text = |i: Option<usize>| {
                i.and_then(|i| row.cells.get(i))
                    .map(|c| c.markdown.clone())
                    .unwrap_or_default()
            };
            self.spec.errors.push(ErrorCode {
                http_status: status.and_then(|i| cell(row, i).parse().ok()),
                code: code_value,
                message: text(message),
                hint: text(hint),
            });
        }
    }

    fn example<'t>(&mut self, line: usize, text: &'t str) -> Option<Json<'t>> {
        match json::parse(text) {
            Ok(value) => Some(value),
            Err((value, forgiven)) => {
                let what: Vec<String> =
                    forgiven.iter().take(3).map(|f| f.message.clone()).collect();
                let (at, column) = forgiven.first().map_or((0, 0), |f| (f.line, f.column));
                self.diags
                    .warning(
                        line + 1 + at,
                        format!(
                            "the JSON example is not valid JSON ({}); read leniently",
                            what.join(", ")
                        ),
                    )
                    .column(column)
                    .defect(Defect::InvalidJson)
                    .hint("fix the example upstream; its fields were read as a lenient reader understands them");
                value
            }
        }
    }

    fn check_path_params(&mut self) {
        let in_path: Vec<&str> = self
            .spec
            .path
            .split('/')
            .filter_map(|s| s.strip_prefix(':'))
            .collect();
        let documented: Vec<String> = self
            .spec
            .request
            .path
            .iter()
            .map(|f| f.name.clone())
            .collect();
        for name in &in_path {
            if !documented.iter().any(|d| d == name) {
                self.spec.request.path.push(Field {
                    name: name.to_string(),
                    ty: Type::String,
                    required: true,
                    ..Field::default()
                });
                if !documented.is_empty() {
                    self.diags
                        .warning(
                            1,
                            format!(
                            "path parameter `{name}` is not documented in the path parameter table"
                        ),
                        )
                        .defect(Defect::PathParameter);
                }
            }
        }
        for name in &documented {
            if !in_path.contains(&name.as_str()) {
                self.diags
                    .warning(
                        1,
                        format!(
                            "path parameter `{name}` is documented but not in the path {}",
                            self.spec.path
                        ),
                    )
                    .defect(Defect::PathParameter);
            }
        }
    }

    fn id(&self, samples: &[&str]) -> String {
        let path = &self.spec.path;
        let from_url = (!self.spec.doc_url.is_empty())
            .then(|| id::from_doc_url(&self.spec.doc_url, path))
            .flatten();
        let from_sample = || samples.iter().find_map(|s| id::from_sdk_sample(s, path));
        from_url
            .or_else(from_sample)
            .or_else(|| id::from_path(&self.spec.method, path))
            .unwrap_or_default()
    }
}

struct Columns {
    name: usize,
    ty: Option<usize>,
    required: Option<usize>,
    description: Option<usize>,
}

fn cell(row: &Row, i: usize) -> &str {
    row.cells.get(i).map(|c| trim(c.plain())).unwrap_or("")
}

/// Format C's `&nbsp;&nbsp;└ name`: two no-break spaces per level.
fn split_depth(raw: &str) -> (Option<usize>, String) {
    let text = raw.trim_ascii();
    match find_char(text, '└') {
        Some(at) => {
            let spaces = text[..at].chars().filter(|&c| c == '\u{a0}').count();
            let name = trim(trim(&text[at + '└'.len_utf8()..]).trim_matches('`'));
            (Some((spaces / 2).max(1)), name.to_string())
        }
        // Older pages mark nested rows `∟`, indented by em or en spaces
        // whose count does not follow the depth from page to page: that
        // says nothing, so such rows are nested like format A's.
        None => (
            None,
            text.trim_start_matches(|c: char| c == '∟' || c.is_whitespace())
                .trim_matches(|c: char| c == '`' || c.is_whitespace())
                .to_string(),
        ),
    }
}

/// A list item `` `code`：错误码…`` naming an envelope member.
fn envelope_member(item: &crate::page::ListItem) -> Option<Field> {
    let BlockKind::Paragraph(text) = &item.blocks.first()?.kind else {
        return None;
    };
    let rest = text.markdown.strip_prefix('`')?;
    let (name, description) = rest.split_once('`')?;
    let ty = match name {
        "code" => Type::Integer,
        "msg" => Type::String,
        "data" => Type::Object,
        _ => return None,
    };
    Some(Field {
        name: name.to_string(),
        ty,
        description: description
            .trim_start_matches([' ', '：', ':'])
            .trim()
            .to_string(),
        ..Field::default()
    })
}

/// The JSON object a description shows (`{ "field_violations": [...] }`).
fn embedded_json(text: &str) -> Option<Json<'_>> {
    let start = text.find('{')?;
    let end = text.rfind('}')?;
    let snippet = text.get(start..=end)?;
    match json::parse(snippet) {
        Ok(value) => Some(value),
        Err((value, _)) => value,
    }
}

/// A type cell for the kind of an example value.
fn json_kind(value: &Json) -> &'static str {
    match value {
        Json::Array(items) if items.first().is_some_and(Json::is_object) => "object[]",
        Json::Array(_) => "string[]",
        Json::Object(_) => "object",
        Json::Bool(_) => "boolean",
        Json::Float => "number",
        Json::Integer => "integer",
        _ => "string",
    }
}

fn is_field_name(name: &str) -> bool {
    if name.is_empty() || name.len() > 120 {
        return false;
    }
    // Most names are ASCII: graphic characters only is the answer.
    if name.bytes().all(|b| b.is_ascii_graphic()) {
        return true;
    }
    !name.contains(char::is_whitespace)
        && name
            .chars()
            .all(|c| c.is_ascii_graphic() || c.is_alphanumeric())
}

fn page_has_depth(body: &[RawRow], response: &[RawRow]) -> bool {
    body.iter().chain(response).any(|r| r.depth.is_some())
}

/// The response table's `data` children; a table without a `data` row
/// documents the data fields directly (less `code` and `msg`).
fn data_fields(mut fields: Vec<Field>) -> Vec<Field> {
    if let Some(at) = fields.iter().position(|f| f.name == "data") {
        let data = fields.swap_remove(at);
        return match data.items {
            Some(items) => items.fields,
            None => data.fields,
        };
    }
    fields
        .into_iter()
        .filter(|f| f.name != "code" && f.name != "msg")
        .collect()
}

/// Objects a table lists without their fields take them from the example.
fn fill_from_example(fields: &mut [Field], example: &Json) {
    for field in fields {
        let Some(value) = example.get(&field.name) else {
            continue;
        };
        let (children, item_value) = match (&mut field.items, value) {
            (Some(items), Json::Array(values))
                if items.ty == Type::Object || items.ty == Type::Any =>
            {
                (&mut items.fields, values.iter().find(|v| v.is_object()))
            }
            (None, Json::Object(_)) if matches!(field.ty, Type::Object) => {
                (&mut field.fields, Some(value))
            }
            _ => continue,
        };
        if children.is_empty() {
            if let Some(v) = item_value {
                *children = fields_from_example(v);
            }
        }
    }
}

/// Format B: an object field gets its fields from the type tree, by its
/// type's name (or its own name, for `object`). `expanding` holds the types
/// being filled in, so a type that contains itself stops there.
fn resolve(field: &mut Field, types: &TypeTree, expanding: &mut Vec<String>) {
    let (kind, name, children) = match field.items.as_mut() {
        Some(items) => (items.ty, items.type_name.clone(), &mut items.fields),
        None => (field.ty, field.type_name.clone(), &mut field.fields),
    };
    if !matches!(kind, Type::Object | Type::Any) {
        return;
    }
    let key = if name.is_empty() {
        field.name.clone()
    } else {
        name.clone()
    };
    if expanding.contains(&key) {
        return;
    }
    // Trees key types by dotted names (`app.table.field.property`) that an
    // `object` row does not give: its own name ends one.
    let suffix = format!(".{key}");
    let found = types.get(&key).or_else(|| {
        name.is_empty()
            .then(|| {
                types
                    .iter()
                    .find(|(k, _)| k.ends_with(&suffix))
                    .map(|(_, v)| v)
            })
            .flatten()
    });
    if let Some(found) = found {
        types::merge_fields(children, found.clone());
        match field.items.as_mut() {
            Some(items) => items.ty = Type::Object,
            None => field.ty = Type::Object,
        }
    }
    expanding.push(key);
    let children = match field.items.as_mut() {
        Some(items) => &mut items.fields,
        None => &mut field.fields,
    };
    for child in children {
        resolve(child, types, expanding);
    }
    expanding.pop();
}

fn has_file_field(fields: &[Field]) -> bool {
    fields.iter().any(|f| f.ty == Type::File)
}

/// Cleans up after nesting: `enum` type names that stayed strings.
fn finish_fields(spec: &mut Spec) {
    fn walk(fields: &mut [Field]) {
        for f in fields {
            if f.type_name == fields::ENUM {
                f.type_name.clear();
            }
            walk(&mut f.fields);
            if let Some(items) = f.items.as_mut() {
                if items.type_name == fields::ENUM {
                    items.type_name.clear();
                }
                walk(&mut items.fields);
            }
        }
    }
    for list in [
        &mut spec.request.path,
        &mut spec.request.query,
        &mut spec.request.headers,
        &mut spec.request.body,
        &mut spec.response.data,
    ] {
        walk(list);
    }
}

fn is_json_block(lang: &str, text: &str) -> bool {
    matches!(lang, "json" | "JSON" | "javascript" | "js" | "")
        && text.trim_start().starts_with(['{', '['])
}

fn list_markdown(items: &[crate::page::ListItem]) -> String {
    items
        .iter()
        .map(|item| {
            let text: Vec<String> = item
                .blocks
                .iter()
                .filter_map(|b| match &b.kind {
                    BlockKind::Paragraph(i) => Some(i.markdown.clone()),
                    _ => None,
                })
                .collect();
            format!("- {}", text.join(" "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn tokens_in(text: &str) -> Vec<AccessToken> {
    let mut out = Vec::new();
    for (word, token) in [
        ("tenant_access_token", AccessToken::Tenant),
        ("app_access_token", AccessToken::App),
        ("user_access_token", AccessToken::User),
    ] {
        if text.contains(word) {
            out.push(token);
        }
    }
    out
}

fn app_types(text: &str, keywords: &Keywords) -> Vec<String> {
    let mut out = Vec::new();
    if text.contains("custom") || keywords.contains(text, "自建应用") {
        out.push("custom".to_string());
    }
    if text.contains("isv") || keywords.contains(text, "商店应用") {
        out.push("isv".to_string());
    }
    out
}

/// Scope names such as `hire:referral_account` or `contact:user.employee_id:readonly`.
fn scopes_in(text: &str) -> Vec<String> {
    let is_word_byte = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'.' | b'-');
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    // Only words holding a `:` can be scopes: the words (runs of ASCII
    // word bytes) around each `:`, in order, rather than every word of a
    // mostly Chinese cell.
    let mut end = 0;
    for colon in memchr::memchr_iter(b':', bytes) {
        if colon < end {
            continue;
        }
        let start = bytes[..colon]
            .iter()
            .rposition(|&b| !is_word_byte(b))
            .map_or(0, |at| at + 1);
        end = bytes[colon..]
            .iter()
            .position(|&b| !is_word_byte(b))
            .map_or(bytes.len(), |at| colon + at);
        let word = text[start..end].trim_matches(['.', '-', ':']);
        let Some((head, tail)) = word.split_once(':') else {
            continue;
        };
        if head.is_empty()
            || tail.is_empty()
            || head.starts_with("http")
            || !head.starts_with(|c: char| c.is_ascii_lowercase())
        {
            continue;
        }
        if !out.iter().any(|s| s == word) {
            out.push(word.to_string());
        }
    }
    out
}

fn extend_unique<T: PartialEq>(list: &mut Vec<T>, more: Vec<T>) {
    for item in more {
        if !list.contains(&item) {
            list.push(item);
        }
    }
}

/// `YYYY-MM-DD` of a Unix time (UTC).
fn date_of(seconds: i64) -> String {
    // Howard Hinnant's days-to-civil algorithm.
    let z = seconds.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(date_of(1_727_331_890), "2024-09-26");
        assert_eq!(date_of(0), "1970-01-01");
    }

    #[test]
    fn scopes() {
        assert_eq!(
            scopes_in("获取用户 user ID(contact:user.employee_id:readonly) `hire:referral_account` https://x"),
            ["contact:user.employee_id:readonly", "hire:referral_account"]
        );
    }

    #[test]
    fn depth_markers() {
        assert_eq!(
            split_depth("\u{a0}\u{a0}\u{a0}\u{a0}└ code"),
            (Some(2), "code".to_string())
        );
        assert_eq!(split_depth("`name`"), (None, "name".to_string()));
        assert_eq!(split_depth("∟\u{a0}`id`"), (None, "id".to_string()));
        assert_eq!(
            split_depth("\u{2003}\u{2003}∟sheet_id"),
            (None, "sheet_id".to_string())
        );
        assert_eq!(split_depth("\u{2002}∟id"), (None, "id".to_string()));
    }
}
