//! Writes specs as YAML straight into one `String`: byte for byte what
//! `yaml11_safe(serde_yaml::to_string(..))` gives, without libyaml's
//! emitter, which cost about a fifth of reading the corpus.
//!
//! It is a `serde::Serializer`, so the spec structs' serde attributes still
//! decide which keys are written, in what order and under which names. It
//! writes block style only, as serde_yaml_ng does, and mirrors libyaml's
//! emitter (`unsafe-libyaml`'s `emitter.rs`, with serde_yaml_ng's settings:
//! two-space indent, unlimited width, unicode) for the choices a spec can
//! reach: indentation, `[]` for empty lists, and each string's style. The
//! tests compare it with serde_yaml_ng on tricky strings and, in
//! `tests/yaml_writer.rs`, on every spec of the corpus.

use std::fmt::{self, Display};

use serde::ser::{self, Impossible, Serialize};

use super::yaml11_only;

/// The YAML document for `value`, as serde_yaml_ng writes it followed by
/// `yaml11_safe`.
pub(super) fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let mut writer = Writer {
        // A spec is tens of kilobytes: not grown from nothing.
        out: String::with_capacity(16 * 1024),
        column: 0,
        whitespace: true,
        indention: true,
        line_indent: 0,
        literal_block: None,
    };
    value.serialize(Node {
        writer: &mut writer,
        parent_indent: None,
        mapping_value: false,
    })?;
    // libyaml's document end. serde_yaml_ng's `to_string` stops there: the
    // stream end, which would add `...` after a `|+` scalar, never comes.
    writer.write_indent(0);
    // `yaml11_safe` ends every line with `\n`, the last one too (it is not
    // there when the document ends with U+2028 or U+2029).
    if !writer.out.ends_with('\n') {
        writer.out.push('\n');
    }
    Ok(writer.out)
}

/// A value the writer does not handle (none that a spec holds).
#[derive(Debug)]
pub struct Error(String);

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

fn unsupported(what: &str) -> Error {
    Error(format!("the spec YAML writer does not write {what}"))
}

/// The output and libyaml's emitter state, under libyaml's names.
struct Writer {
    out: String,
    /// Bytes since the last line break. libyaml counts characters, but
    /// the two differ only once a scalar's text is on the line, which puts
    /// the column past every indentation it is then compared with.
    column: usize,
    /// The last thing written was whitespace (so no space is needed).
    whitespace: bool,
    /// Only indentation so far on this line.
    indention: bool,
    /// `yaml11_safe` state: the indentation of the current line, and that of
    /// the line holding the last `|` header while the lines after it are
    /// deeper. `yaml11_safe` leaves such lines alone, so a plain scalar on
    /// one (a later key of a list item whose first key is a block scalar)
    /// stays unquoted.
    line_indent: usize,
    literal_block: Option<usize>,
}

/// The four styles libyaml writes a scalar in (serde_yaml_ng never asks
/// for folded).
#[derive(Clone, Copy, PartialEq)]
enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

impl Writer {
    fn push(&mut self, text: &str) {
        self.out.push_str(text);
        self.column += text.len();
    }

    fn push_char(&mut self, c: char) {
        self.out.push(c);
        self.column += c.len_utf8();
    }

    /// A line break as written from the scalar: `\n`, or U+2028 / U+2029
    /// copied as they are.
    fn push_break(&mut self, c: char) {
        self.out.push(c);
        self.column = 0;
    }

    /// libyaml's `yaml_emitter_write_indent`.
    fn write_indent(&mut self, indent: usize) {
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.push_break('\n');
        }
        // Only a `\n` starts a line for `yaml11_safe` (`str::lines`).
        if self.out.is_empty() || self.out.ends_with('\n') {
            self.line_indent = indent;
            if self.literal_block.is_some_and(|block| indent <= block) {
                self.literal_block = None;
            }
        }
        const SPACES: &str = "                                ";
        while self.column < indent {
            self.push(&SPACES[..(indent - self.column).min(SPACES.len())]);
        }
        self.whitespace = true;
        self.indention = true;
    }

    /// libyaml's `yaml_emitter_write_indicator`.
    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.push_char(' ');
        }
        self.push(indicator);
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    /// A string value, in the style serde_yaml_ng asks for and libyaml
    /// settles on, at the scalar's indentation `indent`.
    fn string(&mut self, value: &str, indent: usize) {
        let analysis = analyze(value);
        // serde_yaml_ng: literal for several lines, quoted for what would
        // read back as something else, libyaml's choice otherwise.
        let mut style = if analysis.newline {
            Style::Literal
        } else if reads_as_non_string(value) {
            Style::SingleQuoted
        } else {
            Style::Plain
        };
        // libyaml's `yaml_emitter_select_scalar_style`.
        if style == Style::Plain && !analysis.block_plain {
            style = Style::SingleQuoted;
        }
        if style == Style::SingleQuoted && !analysis.single_quoted {
            style = Style::DoubleQuoted;
        }
        if style == Style::Literal && !analysis.block {
            style = Style::DoubleQuoted;
        }
        match style {
            // `yaml11_safe` quotes these, unless the line is inside what it
            // takes for a block scalar.
            Style::Plain if self.literal_block.is_none() && yaml11_only(value) => {
                self.single_quoted(value, indent)
            }
            Style::Plain => self.plain(value),
            Style::SingleQuoted => self.single_quoted(value, indent),
            Style::DoubleQuoted => self.double_quoted(value),
            Style::Literal => self.literal(value, indent, &analysis),
        }
    }

    /// libyaml's `yaml_emitter_write_plain_scalar` (never empty here, and
    /// never folded: the width is unlimited).
    fn plain(&mut self, value: &str) {
        if !self.whitespace {
            self.push_char(' ');
        }
        self.push(value);
        self.whitespace = false;
        self.indention = false;
    }

    /// libyaml's `yaml_emitter_write_single_quoted_scalar`. The only line
    /// breaks that get here are U+2028 and U+2029: strings with `\n` are
    /// literal or double-quoted.
    fn single_quoted(&mut self, value: &str, indent: usize) {
        self.write_indicator("'", true, false, false);
        let mut breaks = false;
        for c in value.chars() {
            if c == ' ' {
                self.push_char(' ');
            } else if is_break(c) {
                self.push_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent(indent);
                }
                if c == '\'' {
                    self.push_char('\'');
                }
                self.push_char(c);
                self.indention = false;
                breaks = false;
            }
        }
        if breaks {
            self.write_indent(indent);
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    /// libyaml's `yaml_emitter_write_double_quoted_scalar`: every line break
    /// and unprintable character escaped, so always one line.
    fn double_quoted(&mut self, value: &str) {
        self.write_indicator("\"", true, false, false);
        let mut run_start = 0;
        for (at, c) in value.char_indices() {
            let escape = match c {
                '\0' => '0',
                '\u{7}' => 'a',
                '\u{8}' => 'b',
                '\t' => 't',
                '\n' => 'n',
                '\u{b}' => 'v',
                '\u{c}' => 'f',
                '\r' => 'r',
                '\u{1b}' => 'e',
                '"' => '"',
                '\\' => '\\',
                '\u{85}' => 'N',
                '\u{2028}' => 'L',
                '\u{2029}' => 'P',
                c if !is_printable(c) => 'x',
                _ => continue,
            };
            self.push(&value[run_start..at]);
            run_start = at + c.len_utf8();
            self.push_char('\\');
            if escape != 'x' {
                self.push_char(escape);
            } else {
                let code = u32::from(c);
                let hex = match code {
                    0..=0xFF => format!("x{code:02X}"),
                    0x100..=0xFFFF => format!("u{code:04X}"),
                    _ => format!("U{code:08X}"),
                };
                self.push(&hex);
            }
        }
        self.push(&value[run_start..]);
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    /// libyaml's `yaml_emitter_write_literal_scalar` with its
    /// `yaml_emitter_write_block_scalar_hints`.
    fn literal(&mut self, value: &str, indent: usize, analysis: &Analysis) {
        if self.literal_block.is_none() {
            self.literal_block = Some(self.line_indent);
        }
        self.write_indicator("|", true, false, false);
        if value.starts_with(|c| c == ' ' || is_break(c)) {
            self.write_indicator("2", false, false, false);
        }
        let mut from_end = value.chars().rev();
        let last_is_break = from_end.next().is_some_and(is_break);
        let chomp = if !last_is_break {
            Some("-")
        } else if from_end.next().is_none_or(is_break) {
            Some("+")
        } else {
            None
        };
        if let Some(chomp) = chomp {
            self.write_indicator(chomp, false, false, false);
        }
        self.push_break('\n');
        self.indention = true;
        self.whitespace = true;
        if analysis.unicode_breaks {
            self.literal_lines(value.split_inclusive(is_break), indent);
        } else {
            self.literal_lines(value.split_inclusive('\n'), indent);
        }
    }

    /// The lines of a literal scalar, each but the last ending with its
    /// line break; empty lines get no indentation.
    fn literal_lines<'a>(&mut self, lines: impl Iterator<Item = &'a str>, indent: usize) {
        for line in lines {
            let mut chars = line.chars();
            let line_break = chars.next_back().filter(|&c| is_break(c));
            let text = if line_break.is_some() {
                chars.as_str()
            } else {
                line
            };
            if !text.is_empty() {
                self.write_indent(indent);
                self.push(text);
                self.indention = false;
            }
            if let Some(c) = line_break {
                self.push_break(c);
                self.indention = true;
            }
        }
    }
}

/// What libyaml's `yaml_emitter_analyze_scalar` finds out about a string,
/// as far as block context needs it.
struct Analysis {
    block_plain: bool,
    single_quoted: bool,
    block: bool,
    /// U+2028 or U+2029, line breaks that `str::lines` does not split on.
    unicode_breaks: bool,
    /// A `\n`: serde_yaml_ng asks for a literal block (found here rather
    /// than by a search of its own over every scalar).
    newline: bool,
}

fn analyze(value: &str) -> Analysis {
    let (Some(first), Some(last)) = (value.chars().next(), value.chars().next_back()) else {
        return Analysis {
            block_plain: true,
            single_quoted: true,
            block: false,
            unicode_breaks: false,
            newline: false,
        };
    };
    let followed_by_whitespace =
        |at: usize| value[at..].chars().next().is_none_or(is_blank_or_break);
    let mut indicators = value.starts_with("---")
        || value.starts_with("...")
        || matches!(
            first,
            '#' | ','
                | '['
                | ']'
                | '{'
                | '}'
                | '&'
                | '*'
                | '!'
                | '|'
                | '>'
                | '\''
                | '"'
                | '%'
                | '@'
                | '`'
        )
        || (matches!(first, '?' | ':' | '-') && followed_by_whitespace(first.len_utf8()));
    let edges = first == ' ' || is_break(first) || last == ' ' || is_break(last);
    let (mut special, mut line_breaks, mut unicode_breaks) = (false, false, false);
    let mut newline = false;
    let (mut break_space, mut space_break) = (false, false);
    let bytes = value.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if !MAY_MATTER[usize::from(bytes[at])] {
            at += 1;
            continue;
        }
        // `at` starts a character: the table marks no continuation byte.
        let c = value[at..].chars().next().unwrap_or_default();
        let end = at + c.len_utf8();
        if at > 0 {
            let preceded_by_whitespace = || {
                value[..at]
                    .chars()
                    .next_back()
                    .is_some_and(is_blank_or_break)
            };
            indicators |=
                (c == ':' && followed_by_whitespace(end)) || (c == '#' && preceded_by_whitespace());
        }
        special |= !is_printable(c);
        if is_break(c) {
            line_breaks = true;
            unicode_breaks |= c == '\u{2028}' || c == '\u{2029}';
            newline |= c == '\n';
            space_break |= at > 0 && bytes[at - 1] == b' ';
            break_space |= bytes.get(end) == Some(&b' ');
        }
        at = end;
    }
    Analysis {
        block_plain: !(edges || break_space || space_break || special || line_breaks || indicators),
        single_quoted: !(break_space || space_break || special),
        block: !(last == ' ' || space_break || special),
        unicode_breaks,
        newline,
    }
}

/// The bytes `analyze` looks at: ASCII controls, `:`, `#`, and the
/// first bytes of the only other characters that are unprintable or line
/// breaks (U+0080 to U+009F, U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF). Every
/// other character is printable, no break and no indicator past the first.
const MAY_MATTER: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = matches!(
            byte as u8,
            0..=0x1F | b':' | b'#' | 0x7F | 0xC2 | 0xE2 | 0xEF
        );
        byte += 1;
    }
    table
};

/// libyaml's `IS_PRINTABLE` (with `\n`, without tab and U+FEFF).
fn is_printable(c: char) -> bool {
    matches!(c, '\n' | ' '..='~' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
        && c != '\u{FEFF}'
}

/// libyaml's `IS_BREAK`.
fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// libyaml's `IS_BLANKZ`: space, tab, line break or NUL (also what it
/// finds past the end).
fn is_blank_or_break(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\0') || is_break(c)
}

/// serde_yaml_ng's `visit_untagged_scalar` on a plain scalar: whether it
/// would read back as null, a boolean or a number (or is digits with a
/// leading zero), so the serialiser quotes it.
fn reads_as_non_string(v: &str) -> bool {
    // Everything below needs one of these first (Rust's float syntax
    // included: its `inf` and `nan` are not finite, so do not count).
    // A `matches!`, not `"…".contains(c)`: std searches for a non-ASCII
    // char as for a substring, and every scalar passes here.
    if !v.starts_with(|c: char| {
        c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | 'n' | 'N' | 't' | 'T' | 'f' | 'F' | '~')
    }) {
        return v.is_empty();
    }
    matches!(v, "null" | "Null" | "NULL" | "~")
        || matches!(v, "true" | "True" | "TRUE" | "false" | "False" | "FALSE")
        || parses_as_unsigned(v)
        || parses_as_negative(v)
        || parses_as_float(v)
        || digits_but_not_number(v)
}

/// serde_yaml_ng's `parse_unsigned_int`, for u128 (which takes every
/// number u64 takes).
fn parses_as_unsigned(scalar: &str) -> bool {
    let unpositive = scalar.strip_prefix('+').unwrap_or(scalar);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unpositive.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return false;
            }
            if u128::from_str_radix(rest, radix).is_ok() {
                return true;
            }
        }
    }
    if unpositive.starts_with(['+', '-']) || digits_but_not_number(scalar) {
        return false;
    }
    unpositive.parse::<u128>().is_ok()
}

/// serde_yaml_ng's `parse_negative_int`, for i128 (which takes every
/// number i64 takes).
fn parses_as_negative(scalar: &str) -> bool {
    for (prefix, radix) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = scalar.strip_prefix(prefix) {
            if i128::from_str_radix(&format!("-{rest}"), radix).is_ok() {
                return true;
            }
        }
    }
    if digits_but_not_number(scalar) {
        return false;
    }
    scalar.parse::<i128>().is_ok()
}

/// serde_yaml_ng's `parse_f64`.
fn parses_as_float(scalar: &str) -> bool {
    let unpositive = match scalar.strip_prefix('+') {
        Some(unpositive) if unpositive.starts_with(['+', '-']) => return false,
        Some(unpositive) => unpositive,
        None => scalar,
    };
    matches!(unpositive, ".inf" | ".Inf" | ".INF")
        || matches!(
            scalar,
            "-.inf" | "-.Inf" | "-.INF" | ".nan" | ".NaN" | ".NAN"
        )
        || unpositive.parse::<f64>().is_ok_and(f64::is_finite)
}

/// serde_yaml_ng's `digits_but_not_number`: leading zeros make a string in
/// YAML 1.2.
fn digits_but_not_number(scalar: &str) -> bool {
    let scalar = scalar.strip_prefix(['-', '+']).unwrap_or(scalar);
    scalar.len() > 1 && scalar.starts_with('0') && scalar[1..].bytes().all(|b| b.is_ascii_digit())
}

/// Serialises one node: the document, a key's value or a list item.
struct Node<'a> {
    writer: &'a mut Writer,
    /// The enclosing mapping's or list's indentation, `None` at the top.
    parent_indent: Option<usize>,
    /// The node is a mapping's value (a list there is not indented).
    mapping_value: bool,
}

impl Node<'_> {
    /// libyaml indents a scalar's continuation lines one step in.
    fn scalar_indent(&self) -> usize {
        self.parent_indent.map_or(2, |indent| indent + 2)
    }

    fn plain(self, value: &str) -> Result<(), Error> {
        self.writer.plain(value);
        Ok(())
    }
}

macro_rules! plain_integers {
    ($($method:ident: $ty:ty),*) => {$(
        fn $method(self, v: $ty) -> Result<(), Error> {
            self.plain(&v.to_string())
        }
    )*};
}

impl<'a> ser::Serializer for Node<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Sequence<'a>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Mapping<'a>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.plain(if v { "true" } else { "false" })
    }

    plain_integers!(
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64
    );

    fn serialize_f32(self, _: f32) -> Result<(), Error> {
        Err(unsupported("floats"))
    }

    fn serialize_f64(self, _: f64) -> Result<(), Error> {
        Err(unsupported("floats"))
    }

    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        let indent = self.scalar_indent();
        self.writer.string(v, indent);
        Ok(())
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        Err(unsupported("bytes"))
    }

    fn serialize_none(self) -> Result<(), Error> {
        self.plain("null")
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        self.plain("null")
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.plain("null")
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(unsupported("enum variants with data"))
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Sequence<'a>, Error> {
        Ok(Sequence {
            writer: self.writer,
            parent_indent: self.parent_indent,
            mapping_value: self.mapping_value,
            indent: None,
        })
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(unsupported("tuples"))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(unsupported("tuple structs"))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(unsupported("enum variants with data"))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(unsupported("maps"))
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Mapping<'a>, Error> {
        Ok(Mapping {
            writer: self.writer,
            indent: self.parent_indent.map_or(0, |indent| indent + 2),
            empty: true,
        })
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(unsupported("enum variants with data"))
    }
}

/// A block list; an empty one is written `[]`, as libyaml does.
struct Sequence<'a> {
    writer: &'a mut Writer,
    parent_indent: Option<usize>,
    mapping_value: bool,
    /// Set with the first item.
    indent: Option<usize>,
}

impl ser::SerializeSeq for Sequence<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let indent = match (self.indent, self.parent_indent) {
            (Some(indent), _) => indent,
            (None, None) => 0,
            // A mapping's list sits at the key's indentation.
            (None, Some(parent)) if self.mapping_value && !self.writer.indention => parent,
            (None, Some(parent)) => parent + 2,
        };
        self.indent = Some(indent);
        self.writer.write_indent(indent);
        self.writer.write_indicator("-", true, false, true);
        value.serialize(Node {
            writer: self.writer,
            parent_indent: Some(indent),
            mapping_value: false,
        })
    }

    fn end(self) -> Result<(), Error> {
        if self.indent.is_none() {
            self.writer.write_indicator("[", true, true, false);
            self.writer.write_indicator("]", false, false, false);
        }
        Ok(())
    }
}

/// A block mapping; an empty one is written `{}`, as libyaml does.
struct Mapping<'a> {
    writer: &'a mut Writer,
    indent: usize,
    empty: bool,
}

impl ser::SerializeStruct for Mapping<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.empty = false;
        self.writer.write_indent(self.indent);
        // Field names are plain scalars (no rename makes one that needs
        // quotes: the every-field test would show it).
        self.writer.plain(key);
        self.writer.write_indicator(":", false, false, false);
        value.serialize(Node {
            writer: self.writer,
            parent_indent: Some(self.indent),
            mapping_value: true,
        })
    }

    fn end(self) -> Result<(), Error> {
        if self.empty {
            self.writer.write_indicator("{", true, true, false);
            self.writer.write_indicator("}", false, false, false);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;

    /// What specs were written with before: serde_yaml_ng, then `yaml11_safe`.
    fn reference(spec: &Spec) -> String {
        yaml11_safe(&serde_yaml::to_string(spec).unwrap())
    }

    fn assert_written_as_serde_yaml(spec: &Spec) {
        let yaml = spec.to_yaml();
        assert_eq!(yaml, reference(spec), "{spec:#?}");
        // Neither libyaml nor `yaml11_safe` keep U+2028 and U+2029 as they
        // are: what they write does not read back the same.
        if !yaml.contains(['\u{2028}', '\u{2029}']) {
            assert_eq!(&Spec::from_yaml(&yaml).unwrap(), spec, "{yaml}");
        }
    }

    fn field(name: &str, text: &str) -> Field {
        Field {
            name: name.to_string(),
            description: text.to_string(),
            example: text.to_string(),
            enum_values: vec![EnumValue {
                value: text.to_string(),
                description: text.to_string(),
            }],
            ..Field::default()
        }
    }

    /// `text` as every kind of value a spec has: top-level, list item,
    /// first and later key of a list item, nested a few levels deep.
    fn spec_with(text: &str) -> Spec {
        let s = text.to_string();
        let deep = Field {
            items: Some(Box::new(Items {
                type_name: s.clone(),
                fields: vec![field(text, text)],
                ..Items::default()
            })),
            ..field("deep", text)
        };
        Spec {
            id: s.clone(),
            description: s.clone(),
            sources: vec![Source {
                page: s.clone(),
                updated: s.clone(),
                ..Source::default()
            }],
            scopes: vec![s.clone(), "plain".to_string(), s.clone()],
            request: Request {
                path: vec![field(text, text)],
                body: vec![Field {
                    fields: vec![deep, field("after", text)],
                    ..field(text, text)
                }],
                ..Request::default()
            },
            errors: vec![ErrorCode {
                code: -1,
                message: s.clone(),
                hint: s.clone(),
                ..ErrorCode::default()
            }],
            examples: Examples {
                request_body: s.clone(),
                response: s.clone(),
            },
            diagnostics: vec![s],
            ..Spec::default()
        }
    }

    /// Strings that hit each of libyaml's and serde_yaml_ng's style rules.
    const TRICKY: &[&str] = &[
        // Empty, and what YAML 1.2 or 1.1 reads as something else.
        "",
        "a",
        "null",
        "Null",
        "NULL",
        "~",
        "true",
        "True",
        "FALSE",
        "yes",
        "No",
        "on",
        "OFF",
        "y",
        "N",
        "=",
        "<<",
        "0",
        "12",
        "-12",
        "+12",
        "007",
        "-007",
        "+0",
        "-0",
        "1.5",
        "1.",
        ".5",
        "1e3",
        "-1E-3",
        ".inf",
        "-.Inf",
        "+.inf",
        ".nan",
        "+.nan",
        "nan",
        "inf",
        "infinity",
        "0x1F",
        "-0x1F",
        "0x",
        "0x+1",
        "0o17",
        "0b101",
        "++1",
        "+-1",
        "1_000",
        "1:20",
        "1:20:30.5",
        "2011-01-01",
        "2011-99-99",
        "2001-12-14t21:59:43.10-05:00",
        "2011-01",
        "1-2",
        "123456789012345678901234567890123456789012345678901234567890",
        "340282366920938463463374607431768211456",
        // Indicators, first and later.
        "-",
        "--",
        "- a",
        "-a",
        "a - b",
        "?",
        "? a",
        "?a",
        "a?b",
        ":",
        ": a",
        ":a",
        "a:b",
        "a: b",
        "a:",
        "a :b",
        "#a",
        "a#b",
        "a #b",
        "a\t#b",
        "---",
        "--- a",
        "...",
        "....",
        "a ---",
        "[a]",
        "a[b]",
        "{a}",
        "a{b}",
        "a,b",
        ",a",
        "&a",
        "*a",
        "!a",
        "|a",
        ">a",
        "a|b",
        "'a",
        "a'b",
        "'",
        "\"a",
        "a\"b",
        "%a",
        "@a",
        "`a",
        "a`b",
        "{\"a\": 1}",
        "[1, 2]",
        "http://a.b/c?d=e#f",
        "C:\\path",
        "\\",
        // Spaces, tabs, line breaks.
        " ",
        "  ",
        " a",
        "a ",
        "a  b",
        "\t",
        "a\tb",
        "\ta",
        "a\t",
        "a\nb",
        "a\n",
        "a\n\n",
        "a\n\n\n",
        "\n",
        "\n\n",
        "\na",
        "\n\na",
        " a\nb",
        "a \nb",
        "a\n b",
        "a\n\nb",
        "a\n \nb",
        "a\n\t\nb",
        " \n",
        "a\r\nb",
        "a\rb",
        "\r",
        "a\u{85}b",
        "a\u{2028}b",
        "a\u{2028}",
        "\u{2028}a",
        "\u{2029}",
        "a\u{2029}\u{2029}b",
        "a\u{2028}\u{2028}",
        "a\nb\u{2028}",
        "a\nb\u{2028}\u{2028}",
        "a\u{2028}\nb",
        "\u{2028}\na",
        "a\n\u{2028}b",
        "a \u{2028}b",
        "a\u{2028} b",
        "yes\u{2028}",
        "a\nyes",
        "  indented\nlines\n",
        // Beyond ASCII, printable or not.
        "中文",
        "中文：说明",
        "参数: 值",
        "　全角空格",
        "全角空格　",
        "a\u{3000}b",
        "\u{a0}",
        "a\u{a0}",
        "\u{feff}bom",
        "a\u{feff}",
        "\u{7f}",
        "\u{1b}",
        "\0",
        "a\0#b",
        "\u{8}\u{b}\u{c}\u{7}",
        "\u{80}\u{9f}",
        "\u{d7ff}\u{e000}",
        "\u{fffd}",
        "\u{fffe}",
        "\u{ffff}",
        "😀 emoji",
        "\u{10ffff}",
        "naïve café",
        "é: x",
    ];

    #[test]
    fn tricky_strings_are_written_as_serde_yaml_writes_them() {
        for text in TRICKY {
            assert_written_as_serde_yaml(&spec_with(text));
        }
    }

    #[test]
    fn long_strings_are_not_folded() {
        let words = "word ".repeat(200);
        let long_line = format!("{}end", words);
        let long_quoted = format!("{}: end", words);
        let json = format!("{{\n  \"a\": \"{words}\",\n\t\"b\": [1, 2]\n}}");
        for text in [long_line, long_quoted, json, words] {
            assert_written_as_serde_yaml(&spec_with(&text));
        }
    }

    /// Random short strings over the characters the rules turn on.
    #[test]
    fn random_strings_are_written_as_serde_yaml_writes_them() {
        const ALPHABET: &[char] = &[
            ' ', ' ', '\n', '\n', '\t', '\r', 'a', 'e', 'x', 'y', 'o', 'n', '0', '1', '9', '.',
            '+', '-', ':', '#', '?', ',', '[', '{', '|', '>', '\'', '"', '\\', '~', '_', '!', '&',
            '\u{85}', '\u{a0}', '\u{2028}', '\u{3000}', '中', '\u{feff}', '\0',
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % bound as u64) as usize
        };
        for _ in 0..20_000 {
            let first: String = (0..next(8))
                .map(|_| ALPHABET[next(ALPHABET.len())])
                .collect();
            let later: String = (0..next(8))
                .map(|_| ALPHABET[next(ALPHABET.len())])
                .collect();
            let spec = Spec {
                description: later.clone(),
                scopes: vec![first.clone(), later.clone()],
                request: Request {
                    body: vec![Field {
                        fields: vec![field(&later, &first)],
                        ..field(&first, &later)
                    }],
                    ..Request::default()
                },
                ..Spec::default()
            };
            assert_written_as_serde_yaml(&spec);
        }
    }

    /// A list item whose first key is a block scalar: `yaml11_safe` takes
    /// the item's later keys for block text and leaves them unquoted.
    #[test]
    fn later_keys_after_a_block_scalar_keep_yaml11_safe_quirks() {
        for (first, later) in [("a\nb", "yes"), ("a\nb", "2011-01-01"), ("a\n", "on")] {
            let spec = Spec {
                request: Request {
                    body: vec![Field {
                        fields: vec![field("inner", later)],
                        ..field(first, later)
                    }],
                    ..Request::default()
                },
                errors: vec![ErrorCode {
                    code: 1,
                    message: later.to_string(),
                    ..ErrorCode::default()
                }],
                ..spec_with(later)
            };
            assert_written_as_serde_yaml(&spec);
        }
        // Tricky strings after one another, each pair both ways round.
        for first in TRICKY {
            for later in ["yes", "1:20", "a\nb", "a\u{2028}", "a\nb\u{2028}"] {
                let mut spec = spec_with(later);
                spec.request.path.insert(0, field(first, later));
                spec.diagnostics.push(first.to_string());
                assert_written_as_serde_yaml(&spec);
            }
        }
    }

    /// Every field set, with no `..Default::default()`: a field added to
    /// the model must be added here, and is then checked against serde_yaml.
    #[test]
    fn a_spec_with_every_field_set_is_written_as_serde_yaml_writes_it() {
        let items = Items {
            ty: Type::Object,
            type_name: "user".to_string(),
            fields: vec![Field::default()],
            items: Some(Box::new(Items::default())),
        };
        let field = Field {
            name: "user_id".to_string(),
            ty: Type::Array,
            required: true,
            description: "The user's id.\nSecond line.".to_string(),
            example: "ou_123".to_string(),
            default: "10".to_string(),
            enum_values: vec![EnumValue {
                value: "open_id".to_string(),
                description: "yes".to_string(),
            }],
            constraints: "≤ 50".to_string(),
            type_name: "i18n".to_string(),
            fields: vec![Field::default()],
            items: Some(Box::new(items)),
        };
        let spec = Spec {
            id: "im.v1.message.create".to_string(),
            title: "Send: a message".to_string(),
            description: "Sends a message.\n\n".to_string(),
            doc_url: "https://open.feishu.cn/document/x".to_string(),
            sources: vec![Source {
                page: "pages/a.md".to_string(),
                format: Format::Raw,
                updated: "2024-01-02".to_string(),
                garbled: true,
                repaired: 12,
            }],
            method: "POST".to_string(),
            path: "/open-apis/im/v1/messages/:message_id".to_string(),
            base_url: "https://www.feishu.cn".to_string(),
            access_tokens: vec![AccessToken::Tenant, AccessToken::App, AccessToken::User],
            scopes: vec!["im:message".to_string()],
            field_scopes: vec!["contact:user.email:readonly".to_string()],
            rate_limit: "1000/min".to_string(),
            app_types: vec!["custom".to_string()],
            request: Request {
                path: vec![field.clone()],
                query: vec![field.clone()],
                headers: vec![field.clone()],
                body: vec![field.clone()],
                content_type: "multipart/form-data".to_string(),
            },
            response: Response {
                data: vec![field],
                download: true,
            },
            errors: vec![ErrorCode {
                http_status: Some(400),
                code: 230001,
                message: "invalid".to_string(),
                hint: "Check # the id".to_string(),
            }],
            examples: Examples {
                request_body: "{\n  \"a\": 1\n}".to_string(),
                response: "{}".to_string(),
            },
            diagnostics: vec!["warning: x".to_string()],
        };
        assert_written_as_serde_yaml(&spec);
        assert_written_as_serde_yaml(&Spec::default());
    }
}
