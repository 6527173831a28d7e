//! Diagnostics: every problem a page has, named by page and line.

use std::fmt;

/// How bad a problem is. `Error` means the page gave no spec (or a spec
/// missing a part it should have); `Warning` means a spec was written but
/// something in it was guessed; `Note` records a decision worth knowing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

/// One problem on one page.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Diagnostic {
    pub page: String,
    /// 1-based line in the page as it is on disk.
    pub line: usize,
    pub severity: Severity,
    pub message: String,
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
#[derive(Debug, Default)]
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

    pub fn push(&mut self, line: usize, severity: Severity, message: impl Into<String>) {
        self.items.push(Diagnostic {
            page: self.page.clone(),
            line: line.max(1),
            severity,
            message: message.into(),
        });
    }

    pub fn error(&mut self, line: usize, message: impl Into<String>) {
        self.push(line, Severity::Error, message);
    }

    pub fn warning(&mut self, line: usize, message: impl Into<String>) {
        self.push(line, Severity::Warning, message);
    }

    pub fn note(&mut self, line: usize, message: impl Into<String>) {
        self.push(line, Severity::Note, message);
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
