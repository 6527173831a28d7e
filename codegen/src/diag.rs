//! Diagnostics: every problem a page has, named by page and line.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How bad a problem is. `Error` means the page gave no spec (or a spec
/// missing a part it should have); `Warning` means a spec was written but
/// something in it was guessed; `Note` records a decision worth knowing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// A defect of the documentation itself, worth reporting upstream
/// (`cargo xtask lint` counts them by kind).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Defect {
    /// A JSON example that is not JSON.
    InvalidJson,
    /// The field table and the JSON example say different things.
    ExampleMismatch,
    /// One field documented twice at one level.
    DuplicateField,
    /// A field without a type, or with one no reader knows.
    MissingType,
    /// Two pages document one endpoint differently.
    ConflictingPages,
    /// A table row with missing or extra cells, or no field name.
    MalformedTable,
    /// A path parameter the page's table leaves out, or documents but the
    /// path does not have.
    PathParameter,
}

impl Defect {
    pub const ALL: [Defect; 7] = [
        Defect::InvalidJson,
        Defect::ExampleMismatch,
        Defect::DuplicateField,
        Defect::MissingType,
        Defect::ConflictingPages,
        Defect::MalformedTable,
        Defect::PathParameter,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Defect::InvalidJson => "invalid-json",
            Defect::ExampleMismatch => "example-mismatch",
            Defect::DuplicateField => "duplicate-field",
            Defect::MissingType => "missing-type",
            Defect::ConflictingPages => "conflicting-pages",
            Defect::MalformedTable => "malformed-table",
            Defect::PathParameter => "path-parameter",
        }
    }
}

/// One problem on one page.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Diagnostic {
    pub page: String,
    /// 1-based line in the page as it is on disk.
    pub line: usize,
    /// 1-based column (in characters) where the problem starts; 0 when
    /// only the line is known.
    #[serde(default)]
    pub column: usize,
    pub severity: Severity,
    pub message: String,
    /// What would fix it, or how the reader worked around it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Set when the problem is a defect of the docs rather than a decision
    /// of the reader.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defect: Option<Defect>,
}

impl Diagnostic {
    pub fn new(
        page: impl Into<String>,
        line: usize,
        severity: Severity,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            page: page.into(),
            line: line.max(1),
            column: 0,
            severity,
            message: message.into(),
            hint: None,
            defect: None,
        }
    }

    pub fn defect(&mut self, defect: Defect) -> &mut Self {
        self.defect = Some(defect);
        self
    }

    pub fn hint(&mut self, hint: impl Into<String>) -> &mut Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn column(&mut self, column: usize) -> &mut Self {
        self.column = column;
        self
    }

    /// The diagnostic as a compiler shows it: the message, where, the
    /// page's line (`source_line`, when the page can be read) with a caret
    /// under the problem, and the hint.
    pub fn render(&self, source_line: Option<&str>) -> String {
        let severity = match self.defect {
            Some(defect) => format!("{}[{}]", self.severity.as_str(), defect.as_str()),
            None => self.severity.as_str().to_string(),
        };
        let mut out = format!("{severity}: {}\n", self.message);
        let number = self.line.to_string();
        let gutter = " ".repeat(number.len());
        let column = self.column.max(1);
        out.push_str(&format!(
            "{gutter}--> {}:{}:{column}\n",
            self.page, self.line
        ));
        if let Some(text) = source_line {
            let text = text.trim_end().replace('\t', "    ");
            // Without a known column, the caret underlines the line's text.
            let (start, len) = if self.column == 0 {
                let start = text.chars().take_while(|c| c.is_whitespace()).count();
                (start, text.chars().count().saturating_sub(start).max(1))
            } else {
                (self.column - 1, 1)
            };
            let lead: usize = text.chars().take(start).map(display_width).sum();
            let span: usize = text.chars().skip(start).take(len).map(display_width).sum();
            out.push_str(&format!("{gutter} |\n{number} | {text}\n"));
            out.push_str(&format!(
                "{gutter} | {}{}\n",
                " ".repeat(lead),
                "^".repeat(span.clamp(1, 80))
            ));
        }
        if let Some(hint) = &self.hint {
            out.push_str(&format!("{gutter} = hint: {hint}\n"));
        }
        out
    }
}

/// Columns a character takes in a terminal: two for CJK and other wide
/// characters, so carets line up under Chinese text.
fn display_width(c: char) -> usize {
    let wide = matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF | 0x20000..=0x3FFFD);
    if wide {
        2
    } else {
        1
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.page,
            self.line,
            self.severity.as_str(),
            self.message
        )
    }
}

/// Collects the diagnostics of one page.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    page: String,
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new(page: impl Into<String>) -> Self {
        Diagnostics {
            page: page.into(),
            items: Vec::new(),
        }
    }

    pub fn page(&self) -> &str {
        &self.page
    }

    /// Records a problem; the returned diagnostic takes a column, hint or
    /// defect kind.
    pub fn push(
        &mut self,
        line: usize,
        severity: Severity,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.items
            .push(Diagnostic::new(self.page.clone(), line, severity, message));
        self.items.last_mut().expect("just pushed")
    }

    pub fn error(&mut self, line: usize, message: impl Into<String>) -> &mut Diagnostic {
        self.push(line, Severity::Error, message)
    }

    pub fn warning(&mut self, line: usize, message: impl Into<String>) -> &mut Diagnostic {
        self.push(line, Severity::Warning, message)
    }

    pub fn note(&mut self, line: usize, message: impl Into<String>) -> &mut Diagnostic {
        self.push(line, Severity::Note, message)
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_a_compiler_with_the_caret_under_wide_text() {
        let mut d = Diagnostic::new("p.md", 12, Severity::Warning, "bad escape");
        d.column(8)
            .defect(Defect::InvalidJson)
            .hint("fix it upstream");
        assert_eq!(
            d.render(Some("\"名称\": \"\\d\",")),
            "warning[invalid-json]: bad escape\n  \
             --> p.md:12:8\n   |\n\
             12 | \"名称\": \"\\d\",\n   \
             |          ^\n   \
             = hint: fix it upstream\n"
        );
    }

    #[test]
    fn without_a_column_the_line_is_underlined() {
        let d = Diagnostic::new("p.md", 3, Severity::Note, "skipped");
        assert_eq!(
            d.render(Some("  | a | b |")),
            "note: skipped\n --> p.md:3:1\n  |\n3 |   | a | b |\n  |   ^^^^^^^^^\n"
        );
        assert_eq!(d.render(None), "note: skipped\n --> p.md:3:1\n");
    }
}
