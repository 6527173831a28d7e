//! A documentation page → a small document model: headings, paragraphs,
//! tables, lists and code blocks, each with the line it starts on.
//!
//! The Markdown is read with pulldown-cmark. Two quirks of the docs are not
//! Markdown and are normalised first, keeping a map back to the page's own
//! line numbers:
//! - format A continues a table cell on the next lines after a two-space
//!   hard break; such lines (which may start with `- `, a list marker that
//!   would end the table) are joined to their row with `<br>`;
//! - Feishu's raw `<md-dt-table>` markup is lifted out into tables whose
//!   rows carry their `level`.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::text::{is_blank, trim, trim_end, trim_start};

/// A page read into blocks.
#[derive(Clone, Debug, Default)]
pub struct Page {
    /// The YAML front matter, and the line it starts on.
    pub front_matter: Option<(usize, String)>,
    pub blocks: Vec<Block>,
    /// Lines of table headers the page gives no delimiter row (`--- | ---`):
    /// read as tables all the same.
    pub headers_without_delimiter: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// 1-based line on the page as it is on disk.
    pub line: usize,
    pub kind: BlockKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum BlockKind {
    Heading { level: u8, text: Inline },
    Paragraph(Inline),
    Table(Table),
    Code { lang: String, text: String },
    List(Vec<ListItem>),
}

/// Inline content kept two ways: Markdown (for descriptions) and plain text
/// (for names, types and keywords). A `<br>` or a line break is `\n` in both.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inline {
    pub markdown: String,
    /// The plain text where it differs from the Markdown. Most cells hold
    /// no markup, and one copy of their text is enough.
    plain: Option<String>,
}

impl Inline {
    pub fn new(markdown: &str, plain: &str) -> Inline {
        Inline {
            markdown: markdown.to_string(),
            plain: (plain != markdown).then(|| plain.to_string()),
        }
    }

    pub fn plain(&self) -> &str {
        self.plain.as_deref().unwrap_or(&self.markdown)
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    pub header: Vec<Inline>,
    pub rows: Vec<Row>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<Inline>,
    /// Nesting depth given by raw markup (`<md-dt-tr level="2">`), 1-based.
    pub level: Option<usize>,
    /// How many cells the row has in the source. The Markdown table drops
    /// cells past the header's count and pads missing ones; this tells.
    pub source_cells: usize,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListItem {
    pub line: usize,
    pub blocks: Vec<Block>,
}

impl Page {
    /// Reads page text (already decoded, `\n` line ends).
    pub fn parse(text: &str) -> Page {
        match Page::build(normalize(text, true)) {
            Some(page) => page,
            // A shortcut did not hold: a decoded `&nbsp;` landed where
            // entities are not decoded, or the parser did not read a lifted
            // code block as the code block it is.
            None => Page::build(normalize(text, false)).unwrap_or_default(),
        }
    }

    /// The page model of normalised text; `None` when a shortcut taken in
    /// normalising turns out wrong (see [`Normalized::push_line`] and
    /// [`liftable_code`]).
    fn build(mut normalized: Normalized) -> Option<Page> {
        let lifted_text = std::mem::take(&mut normalized.lifted_text);
        let mut builder = Builder::new(&normalized, lifted_text);
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
            | Options::ENABLE_STRIKETHROUGH;
        for (event, range) in Parser::new_ext(&normalized.text, options).into_offset_iter() {
            builder.event(event, range);
        }
        if builder.verbatim_nbsp || builder.next_lifted != normalized.lifted.len() {
            return None;
        }
        let mut page = builder.finish();
        page.headers_without_delimiter = normalized.headers_without_delimiter;
        for (line, table) in normalized.raw_tables {
            let at = page.blocks.partition_point(|b| b.line <= line);
            page.blocks.insert(
                at,
                Block {
                    line,
                    kind: BlockKind::Table(table),
                },
            );
        }
        Some(page)
    }
}

/// Page text rewritten into plain Markdown, with the original line of each
/// of its lines.
struct Normalized {
    text: String,
    /// `original_line[i]` is the 1-based page line of normalised line `i`.
    original_line: Vec<usize>,
    /// Offsets where each normalised line starts.
    line_starts: Vec<usize>,
    raw_tables: Vec<(usize, Table)>,
    headers_without_delimiter: Vec<usize>,
    /// Offsets of `&nbsp;` runs written already decoded (see
    /// [`Normalized::push_line`]), in order.
    decoded_nbsp: Vec<usize>,
    /// Fenced code blocks whose content lines are cut from `text` (see
    /// [`liftable_code`]), in order, and their content.
    lifted: Vec<LiftedCode>,
    lifted_text: Vec<String>,
}

/// A fenced code block given to the parser without its content lines.
struct LiftedCode {
    /// Where its opening fence line starts in the normalised text.
    fence: usize,
    /// Where its closing fence line ends (before the line break).
    end: usize,
}

impl Normalized {
    /// Cells in the table row that starts at `offset`: `|`s not escaped and
    /// not inside code, less the outer pipes.
    fn cells_at(&self, offset: usize) -> usize {
        let rest = &self.text[offset.min(self.text.len())..];
        let end = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
        row_cells(&rest[..end])
    }

    /// The page line of `offset`, searching from normalised line `*from`
    /// (left at the line found): the parser's offsets mostly run forward,
    /// so a walk from the last answer beats a search per event.
    fn line_of(&self, offset: usize, from: &mut usize) -> usize {
        let starts = &self.line_starts;
        let mut index = *from;
        if starts.get(index).is_some_and(|&s| s > offset) {
            index = starts.partition_point(|&s| s <= offset).max(1) - 1;
        }
        while starts.get(index + 1).is_some_and(|&s| s <= offset) {
            index += 1;
        }
        *from = index;
        self.original_line.get(index).copied().unwrap_or(1)
    }

    /// Whether `range` holds a `&nbsp;` run written decoded, searching from
    /// run `*from` (left at the first run not before `range`): as in
    /// [`Self::line_of`], a walk beats a search per event over the tens of
    /// thousands of runs a large format C page has.
    fn has_decoded_nbsp(&self, range: std::ops::Range<usize>, from: &mut usize) -> bool {
        let runs = &self.decoded_nbsp;
        let mut at = *from;
        if at > 0 && runs.get(at - 1).is_some_and(|&o| o >= range.start) {
            at = runs.partition_point(|&o| o < range.start);
        }
        while runs.get(at).is_some_and(|&o| o < range.start) {
            at += 1;
        }
        *from = at;
        runs.get(at).is_some_and(|&o| o < range.end)
    }

    /// Appends page line `line`. Format C marks a nested field's depth with
    /// `| &nbsp;&nbsp;└ name |`: hundreds of thousands of entities in a
    /// corpus, each a costly lookup in the parser's entity table. With
    /// `decode`, such a run at the start of a row is written as the
    /// no-break spaces the parser would decode it to. There (a cell's start,
    /// between a space and `└`) the parser gives the same text either way,
    /// unless the line is in code or raw HTML, which [`Builder`] checks.
    fn push_line(&mut self, line: &str, decode: bool) {
        const NBSP: &str = "&nbsp;";
        let runs = if decode {
            line.strip_prefix("| ").map_or(0, |rest| {
                let bytes = rest.as_bytes();
                let n = bytes
                    .chunks_exact(NBSP.len())
                    .take_while(|c| *c == NBSP.as_bytes())
                    .count();
                if rest[n * NBSP.len()..].starts_with('└') {
                    n
                } else {
                    0
                }
            })
        } else {
            0
        };
        if runs == 0 {
            self.text.push_str(line);
            return;
        }
        self.text.push_str("| ");
        self.decoded_nbsp.push(self.text.len());
        for _ in 0..runs {
            self.text.push('\u{a0}');
        }
        self.text.push_str(&line[2 + runs * NBSP.len()..]);
    }

    /// Starts a normalised line for page line `line`; returns its offset.
    fn start_line(&mut self, line: usize) -> usize {
        self.line_starts.push(self.text.len());
        self.original_line.push(line);
        self.text.len()
    }

    /// Joins `continuation` to the line at `start` (the last, still open)
    /// with a `<br>`, dropping the line's trailing white space.
    fn join_to_line(&mut self, start: usize, continuation: &str) {
        let kept = trim_end(&self.text[start..]).len();
        self.text.truncate(start + kept);
        self.text.push_str("<br>");
        self.text.push_str(continuation);
    }
}

/// `shortcuts`: whether to write format C's `&nbsp;` depth markers decoded
/// (see [`Normalized::push_line`]) and to lift code blocks out (see
/// [`liftable_code`]).
fn normalize(text: &str, shortcuts: bool) -> Normalized {
    let (decode, mut lifting) = (shortcuts, shortcuts);
    let lines = split_lines(text);
    // Asked once per page rather than of every line.
    let has_raw_tables = memchr::memmem::find(text.as_bytes(), b"<md-dt-table").is_some();
    // Written straight into one String: a page is tens of thousands of
    // lines in the corpus, and a String per line showed in profiles.
    let mut out = Normalized {
        // Joining a continued cell line with `<br>` can add a byte: room
        // for that spares copying a large page to grow it.
        text: String::with_capacity(text.len() + text.len() / 8 + 1),
        original_line: Vec::with_capacity(lines.len()),
        line_starts: Vec::with_capacity(lines.len()),
        raw_tables: Vec::new(),
        headers_without_delimiter: Vec::new(),
        decoded_nbsp: Vec::new(),
        lifted: Vec::new(),
        lifted_text: Vec::new(),
    };
    let mut in_table = false;
    // Cells in the open table's header row.
    let mut width = 0;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if has_raw_tables && line.contains("<md-dt-table") {
            let end = (i..lines.len())
                .find(|&j| lines[j].contains("</md-dt-table>"))
                .unwrap_or(lines.len() - 1);
            let region: Vec<&str> = lines[i..=end].iter().map(|l| strip_quote(l)).collect();
            out.raw_tables.push((i + 1, raw_table(&region, i + 1)));
            for j in i..=end {
                out.start_line(j + 1);
                out.text.push('\n');
            }
            i = end + 1;
            in_table = false;
            continue;
        }
        // A blank line, a heading or a fence ends a table.
        if is_blank(line) || starts_heading_or_fence(line) {
            in_table = false;
        }
        if lifting && opening_fence(line).is_some() {
            let close = (!in_table)
                .then(|| liftable_code(text, &lines, i, has_raw_tables))
                .flatten();
            // Where a block that is not lifted ends is left to the parser:
            // its lines are not looked into for more.
            lifting = close.is_some();
            if let Some(close) = close {
                // The fence lines stay, as any line out of a table would.
                let fence = out.start_line(i + 1);
                out.text.push_str(line);
                out.text.push('\n');
                let content = offset(text, lines[i + 1])..offset(text, lines[close]);
                out.lifted_text.push(text[content].to_string());
                out.start_line(close + 1);
                out.text.push_str(lines[close]);
                out.lifted.push(LiftedCode {
                    fence,
                    end: out.text.len(),
                });
                out.text.push('\n');
                i = close + 1;
                continue;
            }
        }
        if !in_table && is_delimiter_row(line) && i > 0 && lines[i - 1].contains('|') {
            in_table = true;
            width = row_cells(lines[i - 1]);
        }
        // A table header indented as far as a code block is still the
        // table's: the docs mean no code there.
        let line = match lines.get(i + 1) {
            Some(next)
                if !in_table
                    && line.starts_with("    ")
                    && line.contains('|')
                    && is_delimiter_row(next) =>
            {
                trim_start(line)
            }
            _ => line,
        };
        let start = out.start_line(i + 1);
        out.push_line(line, decode);
        // Format A: a row ending in a hard break goes on in the next lines,
        // which may be blank (a blank line inside a cell) or start with `- `.
        let mut ends_in_break = false;
        // Format B: a row with outer pipes whose cell holds line breaks runs
        // on until a line ends with the closing pipe.
        while in_table && is_open_row(&out.text[start..]) {
            let Some(&candidate) = lines.get(i + 1) else {
                break;
            };
            let t = trim(candidate);
            if t.is_empty() || t.starts_with('|') || starts_block(candidate) {
                break;
            }
            i += 1;
            out.join_to_line(start, t);
        }
        while in_table && ends_with_hard_break(&out.text[start..]) {
            ends_in_break = true;
            let next = (i + 1..lines.len()).find(|&j| !is_blank(lines[j]));
            let Some(next) = next else { break };
            let candidate = lines[next];
            let after_blank = next > i + 1;
            if is_delimiter_row(candidate)
                || (after_blank
                    && (starts_block(candidate) || row_cells(candidate) >= width.max(2)))
            {
                break;
            }
            i = next;
            out.join_to_line(start, trim_start(candidate));
        }
        out.text.push('\n');
        i += 1;
        if !in_table
            && lines
                .get(i)
                .is_some_and(|next| is_header_without_delimiter(line, next))
        {
            // Under its header, so that Markdown reads a table.
            width = row_cells(line);
            out.start_line(i);
            out.text.push_str(&vec!["---"; width].join(" | "));
            out.text.push('\n');
            out.headers_without_delimiter.push(i);
            in_table = true;
        }
        // Blank lines between a row that ended in a hard break and a next
        // row of the table's width do not end the table.
        if in_table && ends_in_break {
            let next = (i..lines.len()).find(|&j| !is_blank(lines[j]));
            if let Some(next) =
                next.filter(|&n| !starts_block(lines[n]) && row_cells(lines[n]) >= width.max(2))
            {
                i = next;
            }
        }
    }
    out
}

/// The closing fence line of the code block that `lines[open]` opens, if
/// its content lines can be cut out of the text the parser reads and kept
/// aside: a third of the docs' text is code (JSON examples, SDK samples in
/// six languages), which the parser would go through line by line only to
/// give back unchanged, and which normalising leaves as it is.
///
/// That is when, out of a table, `lines[open]` starts with a fence, a line
/// that is only a fence of the same kind, at least as long, closes it, and
/// no line between could be taken for a closing fence or is one that
/// normalising changes or learns from. The content is then the lines as
/// they are. That the parser reads the remaining fence lines as one code
/// block at the same places is checked in [`Builder`] (it would not, say,
/// inside raw HTML); a page where it does not is read again without lifting.
fn liftable_code(text: &str, lines: &[&str], open: usize, has_raw_tables: bool) -> Option<usize> {
    let (fence, length) = opening_fence(lines[open])?;
    let three = [fence; 3];
    let mut close = open + 1;
    loop {
        let line = *lines.get(close)?;
        let t = trim_start(line);
        if t.as_bytes().starts_with(&three) {
            break;
        }
        // A delimiter row (which may start a table) or a depth marker to
        // decode; raw table markup.
        if (t.starts_with(['|', '-', ':']) && (is_delimiter_row(line) || line.starts_with("| &")))
            || (has_raw_tables && line.contains("<md-dt-table"))
        {
            return None;
        }
        close += 1;
    }
    if close == open + 1 || !is_closing_fence(lines[close], fence, length) {
        return None;
    }
    // The parser would write `\r\n` and NUL otherwise.
    let content = &text[offset(text, lines[open + 1])..offset(text, lines[close])];
    memchr::memchr2(b'\r', 0, content.as_bytes())
        .is_none()
        .then_some(close)
}

/// Where `line`, a slice of `text`, starts in it.
fn offset(text: &str, line: &str) -> usize {
    line.as_ptr() as usize - text.as_ptr() as usize
}

/// A line that opens a fenced code block where it starts: its fence
/// character and length.
fn opening_fence(line: &str) -> Option<(u8, usize)> {
    let bytes = line.as_bytes();
    let fence = *bytes.first().filter(|&&b| b == b'`' || b == b'~')?;
    let length = bytes.iter().take_while(|&&b| b == fence).count();
    // A backtick fence's info string holds no backtick.
    (length >= 3 && !(fence == b'`' && bytes[length..].contains(&b'`'))).then_some((fence, length))
}

/// A line that is only a closing fence for `fence` × `length`: at least
/// as many fence characters where the line starts, then spaces.
fn is_closing_fence(line: &str, fence: u8, length: usize) -> bool {
    let bytes = line.as_bytes();
    let run = bytes.iter().take_while(|&&b| b == fence).count();
    run >= length && bytes[run..].iter().all(|&b| b == b' ')
}

/// `text.split('\n')`, with memchr's vectorised search: a corpus has a
/// million lines, and the generic char search showed in profiles.
fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::with_capacity(memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1);
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()) {
        lines.push(&text[start..end]);
        start = end + 1;
    }
    lines.push(&text[start..]);
    lines
}

/// Cells in a table row: `|`s not escaped, less the outer pipes.
fn row_cells(line: &str) -> usize {
    let line = trim(line);
    // Asked of every table row, so searched with memchr. Bytes, not chars:
    // `|` and `\\` are ASCII, and no byte of another character equals them.
    let bytes = line.as_bytes();
    let pipes = memchr::memchr_iter(b'|', bytes)
        .filter(|&at| {
            // Escaped when an odd run of backslashes comes before it.
            let backslashes = bytes[..at]
                .iter()
                .rev()
                .take_while(|&&b| b == b'\\')
                .count();
            backslashes % 2 == 0
        })
        .count();
    let outer =
        usize::from(line.starts_with('|')) + usize::from(line.ends_with('|') && line.len() > 1);
    (pipes + 1).saturating_sub(outer)
}

/// A field table's header row followed by a row of its width instead of
/// the delimiter row Markdown needs (some format A pages): `名称 | 类型 | 描述`.
fn is_header_without_delimiter(line: &str, next: &str) -> bool {
    const FIRST: [&str; 5] = ["名称", "参数", "参数名", "字段", "属性"];
    const OTHER: [&str; 4] = ["类型", "描述", "说明", "必填"];
    // Asked of every line out of a table. Past pipes and ASCII white
    // space, such a header goes on with a non-ASCII character (a word of
    // `FIRST`, or white space before it) and later a pipe: most lines show
    // at a glance that they do not.
    let bytes = line.as_bytes();
    let lead = bytes
        .iter()
        .position(|b| !matches!(b, b'|' | b'\t'..=b'\r' | b' '));
    let Some(lead) = lead.filter(|&at| !bytes[at].is_ascii()) else {
        return false;
    };
    if memchr::memchr(b'|', &bytes[lead..]).is_none() {
        return false;
    }
    let mut cells = line.trim().trim_matches('|').split('|').map(str::trim);
    let first = cells.next().unwrap_or("");
    FIRST.contains(&first)
        && cells.any(|cell| OTHER.contains(&cell))
        && !is_delimiter_row(next)
        && row_cells(next) == row_cells(line)
}

/// A line that starts a block of its own, so cannot continue a table cell.
fn starts_block(line: &str) -> bool {
    let t = trim_start(line);
    t.starts_with('#') || t.starts_with("```") || t.starts_with('<') || t.starts_with(":::")
}

/// A heading or code fence: either ends a table.
fn starts_heading_or_fence(line: &str) -> bool {
    let t = trim_start(line);
    t.starts_with('#') || opening_fence(t).is_some()
}

/// A row that opened with a pipe but has not closed with one.
fn is_open_row(line: &str) -> bool {
    let t = trim(line);
    t.starts_with('|') && !t.ends_with('|')
}

fn ends_with_hard_break(line: &str) -> bool {
    line.ends_with("  ") && !trim_end(line).ends_with('|')
}

fn is_delimiter_row(line: &str) -> bool {
    // Asked of every line: most fail at their first character, so that is
    // looked at before the line is trimmed at its end. A first byte that
    // is none of the row's characters and starts no white space (ASCII, or
    // the lead bytes C2, E1..E3) fails before any trimming.
    match line.as_bytes().first() {
        None => return false,
        Some(b'|' | b'-' | b':' | b'\t'..=b'\r' | b' ' | 0xC2 | 0xE1..=0xE3) => {}
        Some(_) => return false,
    }
    let t = trim_start(line);
    if !t.starts_with(['|', '-', ':']) {
        return false;
    }
    let t = trim_end(t);
    t.bytes()
        .all(|b| matches!(b, b'|' | b'-' | b':' | b' ' | b'\t'))
        && t.contains('-')
        && t.contains('|')
}

fn strip_quote(line: &str) -> &str {
    let t = line.trim_start();
    t.strip_prefix("> ")
        .or_else(|| t.strip_prefix('>'))
        .unwrap_or(line)
}

/// Reads `<md-dt-table>` markup: `<md-dt-th>` cells make the header,
/// each `<md-dt-tr level="N">` a row of `<md-dt-td>` cells.
fn raw_table(lines: &[&str], first_line: usize) -> Table {
    let mut table = Table::default();
    let mut row: Option<Row> = None;
    let mut cell: Option<String> = None;
    for (offset, line) in lines.iter().enumerate() {
        let mut rest = *line;
        loop {
            let Some(open) = rest.find('<') else {
                if let Some(c) = cell.as_mut() {
                    c.push_str(rest);
                    c.push('\n');
                }
                break;
            };
            if let Some(c) = cell.as_mut() {
                c.push_str(&rest[..open]);
            }
            let Some(close) = rest[open..].find('>') else {
                if let Some(c) = cell.as_mut() {
                    c.push_str(&rest[open..]);
                    c.push('\n');
                }
                break;
            };
            let tag = &rest[open + 1..open + close];
            rest = &rest[open + close + 1..];
            let name = tag.split_whitespace().next().unwrap_or("");
            match name {
                "md-dt-tr" => {
                    row = Some(Row {
                        line: first_line + offset,
                        cells: Vec::new(),
                        level: attribute(tag, "level").and_then(|v| v.parse().ok()),
                        source_cells: 0,
                    })
                }
                "md-dt-td" | "md-dt-th" => cell = Some(String::new()),
                "/md-dt-td" | "/md-dt-th" => {
                    if let Some(text) = cell.take() {
                        let inline = inline_from_markdown(text.trim());
                        match row.as_mut() {
                            Some(r) if name == "/md-dt-td" => r.cells.push(inline),
                            _ => table.header.push(inline),
                        }
                    }
                }
                "/md-dt-tr" => table
                    .rows
                    .extend(row.take().filter(|r| !r.cells.is_empty())),
                _ => {
                    if let Some(c) = cell.as_mut() {
                        if name == "br" || name == "br/" {
                            c.push('\n');
                        }
                    }
                }
            }
        }
    }
    table
}

fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

/// Reads a fragment of Markdown (a raw-markup cell) as inline content.
fn inline_from_markdown(text: &str) -> Inline {
    let page = Page::parse(text);
    let (mut markdown, mut plain) = (String::new(), String::new());
    for block in page.blocks {
        let (part_markdown, part_plain) = match &block.kind {
            BlockKind::Paragraph(i) | BlockKind::Heading { text: i, .. } => {
                (i.markdown.as_str(), i.plain())
            }
            BlockKind::Code { text, .. } => ("", text.as_str()),
            _ => continue,
        };
        if !plain.is_empty() {
            plain.push('\n');
            markdown.push('\n');
        }
        plain.push_str(part_plain);
        markdown.push_str(part_markdown);
    }
    Inline::new(&markdown, &plain)
}

/// Where blocks go while the event stream is inside containers.
enum Container {
    Root(Vec<Block>),
    List(Vec<ListItem>),
    Item(ListItem),
    Table { table: Table, line: usize },
}

struct Builder<'a> {
    source: &'a Normalized,
    stack: Vec<Container>,
    /// The line of the paragraph, heading or cell being gathered, if any.
    inline: Option<usize>,
    /// Its text so far. The buffers are reused from one to the next, and
    /// each finished text copied out once at its size: growing a fresh
    /// String per cell showed in profiles.
    markdown: String,
    plain: String,
    /// Open links and images: their destinations, written at their end.
    links: Vec<String>,
    code: Option<(usize, String, String)>,
    front_matter: Option<(usize, String)>,
    in_front_matter: bool,
    row: Option<Row>,
    in_head: bool,
    /// The normalised line the last event's offset fell on.
    line_cursor: usize,
    /// The first decoded `&nbsp;` run not before the last verbatim event.
    nbsp_cursor: usize,
    /// A `&nbsp;` decoded ahead of the parser is in code, raw HTML or the
    /// front matter, where the parser would have kept it as written.
    verbatim_nbsp: bool,
    /// The content of the code blocks lifted out of the text, and how many
    /// the parser has given as expected so far.
    lifted_text: std::vec::IntoIter<String>,
    next_lifted: usize,
}

impl<'a> Builder<'a> {
    fn new(source: &'a Normalized, lifted_text: Vec<String>) -> Self {
        Builder {
            source,
            stack: vec![Container::Root(Vec::new())],
            inline: None,
            markdown: String::new(),
            plain: String::new(),
            links: Vec::new(),
            code: None,
            front_matter: None,
            in_front_matter: false,
            row: None,
            in_head: false,
            line_cursor: 0,
            nbsp_cursor: 0,
            verbatim_nbsp: false,
            lifted_text: lifted_text.into_iter(),
            next_lifted: 0,
        }
    }

    fn finish(mut self) -> Page {
        while self.stack.len() > 1 {
            self.close_container();
        }
        let blocks = match self.stack.pop() {
            Some(Container::Root(blocks)) => blocks,
            _ => Vec::new(),
        };
        Page {
            front_matter: self.front_matter,
            blocks,
            headers_without_delimiter: Vec::new(),
        }
    }

    fn push_block(&mut self, block: Block) {
        match self.stack.last_mut() {
            Some(Container::Root(blocks)) => blocks.push(block),
            Some(Container::Item(item)) => item.blocks.push(block),
            // Blocks never land directly in a list or table; pulldown-cmark
            // wraps them in items and cells.
            _ => {}
        }
    }

    fn close_container(&mut self) {
        let Some(top) = self.stack.pop() else { return };
        match top {
            Container::Item(item) => {
                if let Some(Container::List(items)) = self.stack.last_mut() {
                    items.push(item);
                }
            }
            Container::List(items) => {
                let line = items.first().map_or(1, |i| i.line);
                self.push_block(Block {
                    line,
                    kind: BlockKind::List(items),
                });
            }
            Container::Table { table, line } => self.push_block(Block {
                line,
                kind: BlockKind::Table(table),
            }),
            Container::Root(blocks) => self.stack.push(Container::Root(blocks)),
        }
    }

    fn open_inline(&mut self, line: usize) {
        self.inline = Some(line);
        self.markdown.clear();
        self.plain.clear();
    }

    /// The gathered inline content, trimmed, and its line.
    fn take_inline(&mut self) -> Option<(usize, Inline)> {
        let line = self.inline.take()?;
        // ASCII white space only: `&nbsp;` marks nesting depth in format C.
        let inline = Inline::new(self.markdown.trim_ascii(), self.plain.trim_ascii());
        Some((line, inline))
    }

    /// Notes a decoded `&nbsp;` in the verbatim event at `range`; one is
    /// enough to give the shortcut up.
    fn check_verbatim_nbsp(&mut self, range: std::ops::Range<usize>) {
        if !self.verbatim_nbsp {
            self.verbatim_nbsp = self.source.has_decoded_nbsp(range, &mut self.nbsp_cursor);
        }
    }

    fn text(&mut self, markdown: &str, plain: &str) {
        if self.inline.is_some() {
            self.markdown.push_str(markdown);
            self.plain.push_str(plain);
        }
    }

    /// Inlined into the parse loop: an event is large, and passing it to a
    /// call copied it, and dropping it by reference called its drop glue,
    /// once per event. Verbatim events (code, raw HTML, the front matter)
    /// are checked for decoded `&nbsp;`s.
    #[inline(always)]
    fn event(&mut self, event: Event<'_>, range: std::ops::Range<usize>) {
        let offset = range.start;
        if self.in_front_matter {
            match event {
                Event::Text(t) => {
                    self.check_verbatim_nbsp(range);
                    if let Some((_, fm)) = self.front_matter.as_mut() {
                        fm.push_str(&t);
                    }
                }
                Event::End(TagEnd::MetadataBlock(_)) => self.in_front_matter = false,
                _ => {}
            }
            return;
        }
        if self.code.is_some() {
            match event {
                Event::Text(t) => {
                    self.check_verbatim_nbsp(range);
                    if let Some((_, _, text)) = self.code.as_mut() {
                        text.push_str(&t);
                    }
                }
                Event::End(TagEnd::CodeBlock) => {
                    if let Some((line, lang, text)) = self.code.take() {
                        self.push_block(Block {
                            line,
                            kind: BlockKind::Code { lang, text },
                        });
                    }
                }
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => {
                // Only a start needs its line.
                let line = self.source.line_of(offset, &mut self.line_cursor);
                self.start(&tag, line, range)
            }
            Event::End(tag) => self.end(tag),
            Event::Text(t) if self.inline.is_some() => {
                escape_markdown(&t, &mut self.markdown);
                self.plain.push_str(&t);
            }
            Event::Code(c) => {
                self.check_verbatim_nbsp(range);
                let fence = if c.contains('`') { "``" } else { "`" };
                self.text(fence, "");
                self.text(&c, &c);
                self.text(fence, "");
            }
            Event::SoftBreak | Event::HardBreak => self.text("\n", "\n"),
            Event::InlineHtml(html) | Event::Html(html) => {
                self.check_verbatim_nbsp(range);
                let tag = html.trim().trim_start_matches('<').trim_end_matches('>');
                let name = tag.trim_end_matches('/').trim();
                let is = |wanted: &str| name.eq_ignore_ascii_case(wanted);
                if is("br") {
                    self.text("\n", "\n");
                } else if is("md-enum") {
                    // Raw enum markup: written the way format A lists values,
                    // so one description parser reads both.
                    self.text("\n**可选值有**：\n", "\n可选值有：\n");
                } else if name
                    .get(.."md-enum-item".len())
                    .is_some_and(|start| start.eq_ignore_ascii_case("md-enum-item"))
                {
                    let key = attribute(tag, "key").unwrap_or_default();
                    self.text(&format!("\n- `{key}`: "), &format!("\n- {key}: "));
                }
            }
            Event::InlineMath(m) | Event::DisplayMath(m) => self.text(&m, &m),
            _ => {}
        }
    }

    /// The content of the code block at `range` if it is the next lifted
    /// one, as the parser read it: fenced, between the same fence lines.
    fn lifted_code(
        &mut self,
        kind: &CodeBlockKind<'_>,
        range: std::ops::Range<usize>,
    ) -> Option<String> {
        let next = self.source.lifted.get(self.next_lifted)?;
        if next.fence != range.start
            || next.end != range.end
            || !matches!(kind, CodeBlockKind::Fenced(_))
        {
            // A lifted block the parser read otherwise is never found, and
            // the page is read again.
            return None;
        }
        self.next_lifted += 1;
        self.lifted_text.next()
    }

    /// Text directly in a tight list item (no paragraph around it) becomes
    /// a paragraph when a block starts after it or the item ends.
    fn flush_item_text(&mut self) {
        if !matches!(self.stack.last(), Some(Container::Item(_))) || self.row.is_some() {
            return;
        }
        if let Some((line, inline)) = self.take_inline() {
            if !inline.plain().is_empty() || !inline.markdown.is_empty() {
                self.push_block(Block {
                    line,
                    kind: BlockKind::Paragraph(inline),
                });
            }
        }
    }

    fn start(&mut self, tag: &Tag<'_>, line: usize, range: std::ops::Range<usize>) {
        let offset = range.start;
        if matches!(
            tag,
            Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::CodeBlock(_)
                | Tag::List(_)
                | Tag::Table(_)
                | Tag::BlockQuote(_)
                | Tag::HtmlBlock
        ) {
            self.flush_item_text();
        }
        match tag {
            Tag::MetadataBlock(_) => {
                self.in_front_matter = true;
                self.front_matter = Some((line, String::new()));
            }
            Tag::Paragraph | Tag::Heading { .. } if self.row.is_none() => {
                self.open_inline(line);
            }
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                let text = self.lifted_code(kind, range).unwrap_or_default();
                self.code = Some((line, lang, text));
            }
            Tag::List(_) => self.stack.push(Container::List(Vec::new())),
            Tag::Item => {
                self.stack.push(Container::Item(ListItem {
                    line,
                    blocks: Vec::new(),
                }));
                self.open_inline(line);
            }
            Tag::Table(_) => self.stack.push(Container::Table {
                table: Table::default(),
                line,
            }),
            Tag::TableHead => {
                self.in_head = true;
                self.row = Some(Row {
                    line,
                    ..Row::default()
                });
            }
            Tag::TableRow => {
                // The parser gives a row as many cells as the header has.
                let width = match self.stack.last() {
                    Some(Container::Table { table, .. }) => table.header.len(),
                    _ => 0,
                };
                self.row = Some(Row {
                    line,
                    cells: Vec::with_capacity(width),
                    source_cells: self.source.cells_at(offset),
                    level: None,
                })
            }
            Tag::TableCell => self.open_inline(line),
            Tag::Strong => self.text("**", ""),
            Tag::Emphasis => self.text("*", ""),
            Tag::Strikethrough => self.text("~~", ""),
            Tag::Link { dest_url, .. } => {
                self.links.push(absolute_url(dest_url));
                self.text("[", "");
            }
            Tag::Image { dest_url, .. } => {
                self.links.push(absolute_url(dest_url));
                self.text("![", "");
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph if self.row.is_some() => {}
            TagEnd::Paragraph => {
                if let Some((line, inline)) = self.take_inline() {
                    self.push_block(Block {
                        line,
                        kind: BlockKind::Paragraph(inline),
                    });
                }
            }
            TagEnd::Heading(level) => {
                if let Some((line, inline)) = self.take_inline() {
                    self.push_block(Block {
                        line,
                        kind: BlockKind::Heading {
                            level: heading_level(level),
                            text: inline,
                        },
                    });
                }
            }
            TagEnd::Item => {
                self.flush_item_text();
                self.close_container();
            }
            TagEnd::List(_) | TagEnd::Table => self.close_container(),
            TagEnd::TableHead | TagEnd::TableRow => {
                let Some(row) = self.row.take() else { return };
                if let Some(Container::Table { table, .. }) = self.stack.last_mut() {
                    if self.in_head {
                        table.header = row.cells;
                    } else {
                        table.rows.push(row);
                    }
                }
                self.in_head = false;
            }
            TagEnd::TableCell => {
                let cell = self.take_inline();
                if let (Some((_, inline)), Some(row)) = (cell, self.row.as_mut()) {
                    row.cells.push(inline);
                }
            }
            TagEnd::Strong => self.text("**", ""),
            TagEnd::Emphasis => self.text("*", ""),
            TagEnd::Strikethrough => self.text("~~", ""),
            TagEnd::Link | TagEnd::Image => {
                let url = self.links.pop().unwrap_or_default();
                self.text("](", "");
                self.text(&url, "");
                self.text(")", "");
            }
            _ => {}
        }
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Appends `text` to `out`, escaping what would otherwise change meaning
/// when text is written back as Markdown (emphasis, code, and things
/// rustdoc would take for HTML). Runs with nothing to escape are copied
/// whole.
fn escape_markdown(text: &str, out: &mut String) {
    // Only these bytes may need a backslash. Text events are mostly short,
    // where a table lookup per byte beats memchr's setup, and eight bytes
    // at a time are first asked whether they hold any of them.
    const ESCAPABLE: &[u8] = b"*`<\\";
    const MAY_ESCAPE: [bool; 256] = {
        let mut table = [false; 256];
        let mut i = 0;
        while i < ESCAPABLE.len() {
            table[ESCAPABLE[i] as usize] = true;
            i += 1;
        }
        table
    };
    let bytes = text.as_bytes();
    let mut copied = 0;
    for (chunk_start, chunk) in (0..).step_by(8).zip(bytes.chunks(8)) {
        if let Ok(word) = <[u8; 8]>::try_from(chunk) {
            if !holds_any(u64::from_le_bytes(word), ESCAPABLE) {
                continue;
            }
        }
        for (i, &b) in (chunk_start..).zip(chunk) {
            if !MAY_ESCAPE[usize::from(b)] {
                continue;
            }
            // A non-ASCII next character never passes these tests, so looking
            // at its first byte is enough.
            let next = bytes.get(i + 1);
            let escape = match b {
                b'<' => next.is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, b'/' | b'!')),
                b'\\' => next.is_some_and(u8::is_ascii_punctuation),
                _ => true,
            };
            if escape {
                out.push_str(&text[copied..i]);
                out.push('\\');
                copied = i;
            }
        }
    }
    out.push_str(&text[copied..]);
}

/// Whether any byte of `word` is one of `wanted`: each tested for all
/// eight at once (a byte equal to it is zero after the XOR, and subtracting
/// one from each byte sets the high bit of a zero that was clear).
fn holds_any(word: u64, wanted: &[u8]) -> bool {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    let zeros = wanted.iter().fold(0, |zeros, &b| {
        let x = word ^ (ONES * u64::from(b));
        zeros | (x.wrapping_sub(ONES) & !x & HIGHS)
    });
    zeros != 0
}

/// The docs link within the site with relative URLs; specs keep absolute ones.
pub fn absolute_url(url: &str) -> String {
    if let Some(rest) = url.strip_prefix("/ssl:ttdoc") {
        format!("https://open.feishu.cn/document{rest}")
    } else if url.starts_with("//") {
        format!("https:{url}")
    } else if url.starts_with('/') {
        format!("https://open.feishu.cn{url}")
    } else {
        url.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(page: &Page) -> Vec<&Table> {
        page.blocks
            .iter()
            .filter_map(|b| match &b.kind {
                BlockKind::Table(t) => Some(t),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn joins_format_a_hard_break_continuations() {
        let page = Page::parse(
            "名称 | 类型 | 描述\n--- | --- | ---\nuser_id_type | string | 类型  \n**可选值有**：  \n- open_id：一  \n- user_id：二\nnext | int | x\n",
        );
        let t = tables(&page)[0];
        assert_eq!(t.rows.len(), 2);
        assert_eq!(
            t.rows[0].cells[2].plain(),
            "类型\n可选值有：\n- open_id：一\n- user_id：二"
        );
        assert_eq!(t.rows[0].line, 3);
        assert_eq!(t.rows[1].line, 7);
        assert_eq!(t.rows[1].cells[0].plain(), "next");
    }

    #[test]
    fn joins_format_b_rows_broken_over_lines() {
        let page = Page::parse(
            "| a | b |\n| --- | --- |\n| x | one\n    - two\n    - three |\n| y | z |\n",
        );
        let t = tables(&page)[0];
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].cells[1].plain(), "one\n- two\n- three");
        assert_eq!(t.rows[1].line, 6);
    }

    #[test]
    fn keeps_markdown_and_plain_text() {
        let page = Page::parse("| a | b |\n|---|---|\n| &nbsp;&nbsp;└ `x` | see [doc](/ssl:ttdoc/a/b)<br>**示例值**：1 |\n");
        let row = &tables(&page)[0].rows[0];
        assert_eq!(row.cells[0].plain(), "\u{a0}\u{a0}└ x");
        assert_eq!(
            row.cells[1].markdown,
            "see [doc](https://open.feishu.cn/document/a/b)\n**示例值**：1"
        );
    }

    #[test]
    fn decodes_depth_markers_as_the_parser_would() {
        let pages = [
            "| 名称 | 类型 |\n| --- | --- |\n| a | object |\n| &nbsp;&nbsp;└ b | string |\n| &nbsp;&nbsp;&nbsp;&nbsp;└ **c** | int |\n",
            // Where the parser keeps entities as written: code blocks,
            // code spans, raw HTML and the front matter.
            "```\n| &nbsp;└ a |\n```\n",
            "x `a\n| &nbsp;└ b` c\n",
            "<div>\n| &nbsp;└ a |\n</div>\n",
            "x <a title=\"\n| &nbsp;└ b\"> c\n",
            "---\nt: 1\n| &nbsp;└ a\n---\n# h\n",
            // Not a depth marker at a line's start: left to the parser.
            "| &nbsp;x |\n| --- |\n| &nbsp;&nbsp; |\n",
            "    | &nbsp;└ a |\n",
        ];
        for text in pages {
            assert_reads_as_without_shortcuts(text);
        }
        let t = Page::parse(pages[0]);
        assert_eq!(tables(&t)[0].rows[1].cells[0].plain(), "\u{a0}\u{a0}└ b");
        for text in &pages[1..6] {
            assert!(Page::build(normalize(text, true)).is_none(), "{text}");
        }
    }

    /// The page model with the normalising shortcuts (decoded `&nbsp;`s,
    /// lifted code) is the one read without them.
    fn assert_reads_as_without_shortcuts(text: &str) {
        let plain = Page::build(normalize(text, false)).unwrap();
        assert_eq!(
            format!("{:?}", Page::parse(text)),
            format!("{plain:?}"),
            "{text}"
        );
    }

    #[test]
    fn any_fence_ends_a_table() {
        for fence in ["```", "~~~"] {
            let page = format!("| a | b |\n| --- | --- |\n| 1 | 2 |\n{fence}\nc\n{fence}\n");
            assert_reads_as_without_shortcuts(&page);
            // Out of the table, the block is lifted as any other.
            assert_eq!(normalize(&page, true).lifted.len(), 1, "{fence:?}");
        }
    }

    #[test]
    fn lifts_code_blocks_as_the_parser_reads_them() {
        let pages = [
            // Lifted.
            "# t\n\n```json\n{\n  \"a\": 1\n}\n```\n\ntext\n~~~~ go\nx := 1\n\n~~~~~  \n",
            "- a\n```\nb\n```\n- c\n",
            "x\n```\ncode\n```\n| a | b |\n| --- | --- |\n| 1 | 2 |\n",
            // Left to the parser: lines that may close the block, a table
            // line, raw table markup, no closing fence.
            "```\na\n  ```\nb\n```\n",
            "````\na\n```\nb\n````\n",
            "```\n| a |\n| --- |\n```\n",
            "```\n| &nbsp;└ a |\n```\n",
            "```\n<md-dt-table></md-dt-table>\n```\n",
            "```\nopen\n",
            // Read otherwise by the parser: in raw HTML, the front matter,
            // a table; a fence with a backtick in its info string.
            "<div>\n```\n*a*\n```\n</div>\n",
            "---\nt: 1\n```\na: b\n```\n---\n# h\n",
            "| a | b |\n| --- | --- |\n| 1 | 2 |\n```\nc\n```\n",
            "```a`\nb\n```\n",
        ];
        for text in pages {
            assert_reads_as_without_shortcuts(text);
        }
        assert_eq!(normalize(pages[0], true).lifted.len(), 2);
        assert_eq!(
            normalize(pages[0], true).lifted_text[0],
            "{\n  \"a\": 1\n}\n"
        );
        for text in &pages[1..3] {
            assert_eq!(normalize(text, true).lifted.len(), 1, "{text}");
        }
        for text in &pages[..3] {
            assert!(Page::build(normalize(text, true)).is_some(), "{text}");
        }
        for text in &pages[3..9] {
            assert!(normalize(text, true).lifted.is_empty(), "{text}");
        }
        assert!(Page::build(normalize(pages[9], true)).is_none());
    }

    #[test]
    fn lifts_raw_markup_tables_with_levels() {
        let page = Page::parse(
            "# t\n\n<md-dt-table>\n<md-dt-thead><md-dt-tr><md-dt-th>名称</md-dt-th><md-dt-th>描述</md-dt-th></md-dt-tr></md-dt-thead>\n<md-dt-tbody>\n<md-dt-tr level=\"1\">\n<md-dt-td>error</md-dt-td>\n<md-dt-td>错误</md-dt-td>\n</md-dt-tr>\n> <md-dt-tr level=\"2\">\n> <md-dt-td>message</md-dt-td>\n> <md-dt-td>信息</md-dt-td>\n> </md-dt-tr>\n</md-dt-tbody>\n</md-dt-table>\n\nafter\n",
        );
        let t = tables(&page)[0];
        assert_eq!(t.header.len(), 2);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1].level, Some(2));
        assert_eq!(t.rows[1].cells[0].plain(), "message");
        assert_eq!(page.blocks[1].line, 3);
        assert!(matches!(page.blocks[2].kind, BlockKind::Paragraph(_)));
    }

    #[test]
    fn escapes_markdown_only_where_it_would_change_meaning() {
        let mut out = String::from("kept ");
        escape_markdown("a*b `c <d </e <!f <1 \\* \\a 中<文 <", &mut out);
        assert_eq!(
            out,
            "kept a\\*b \\`c \\<d \\</e \\<!f <1 \\\\\\* \\a 中<文 <"
        );
    }

    /// The quick rejections agree with the full tests: white space that
    /// `str::trim` drops (U+3000 here) is looked past, other lines fail.
    #[test]
    fn header_and_delimiter_tests_look_past_white_space() {
        let next = "a | b | c";
        assert!(is_header_without_delimiter("名称 | 类型 | 描述", next));
        assert!(is_header_without_delimiter(
            " | \u{3000}参数 | 必填 | 说明 |",
            "| a | b | c |"
        ));
        assert!(!is_header_without_delimiter("名称 类型 描述", next));
        assert!(!is_header_without_delimiter("name | 类型 | 描述", next));
        assert!(!is_header_without_delimiter("", next));
        assert!(is_delimiter_row("--- | ---"));
        assert!(is_delimiter_row(" \t| :-- | --: |"));
        assert!(is_delimiter_row("\u{3000}| --- |"));
        assert!(!is_delimiter_row("中 | ---"));
        assert!(!is_delimiter_row("a | ---"));
        assert!(!is_delimiter_row(""));
    }

    /// Runs of eight bytes are skipped whole: an escape is found wherever
    /// it falls in one, and past the last whole run.
    #[test]
    fn escapes_at_every_place_in_a_run() {
        for len in 1..=20 {
            for at in 0..len {
                for c in ['*', '`', '\\'] {
                    let mut text: String = "中".repeat(len);
                    text.replace_range(at * 3..at * 3 + 3, &format!("{c}!a"));
                    let mut out = String::new();
                    escape_markdown(&text, &mut out);
                    assert_eq!(out, text.replace(c, &format!("\\{c}")), "{text}");
                }
            }
        }
    }

    #[test]
    fn reads_front_matter_lists_and_code() {
        let page = Page::parse("---\ntitle: \"x\"\n---\n# h\n\n- **a** 类型说明:\n\n  基本属性:\n  - **b** (array):\n\n```json\n{}\n```\n");
        assert_eq!(page.front_matter, Some((1, "title: \"x\"\n".into())));
        let BlockKind::List(items) = &page.blocks[1].kind else {
            panic!("{:?}", page.blocks)
        };
        assert_eq!(items.len(), 1);
        assert!(items[0]
            .blocks
            .iter()
            .any(|b| matches!(b.kind, BlockKind::List(_))));
        assert!(matches!(&page.blocks[2].kind, BlockKind::Code { lang, .. } if lang == "json"));
    }
}
