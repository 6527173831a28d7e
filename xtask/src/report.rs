//! How diagnostics reach the maintainer: like a compiler's on a terminal,
//! one line each for grep, or one JSON document for tools.

use std::collections::HashMap;

use clap::ValueEnum;
use feishu_codegen::diag::Diagnostic;
use feishu_codegen::generate::PageInput;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The page's line with a caret under the problem, and a hint.
    #[default]
    Human,
    /// `page:line:column: severity: message`, one line each.
    Short,
    /// One JSON document: the summary and every diagnostic.
    Json,
}

/// Lines of the pages diagnostics point into, found by label.
pub struct Sources<'a> {
    pages: HashMap<&'a str, &'a [u8]>,
}

impl<'a> Sources<'a> {
    pub fn new(pages: &'a [PageInput]) -> Self {
        Sources {
            pages: pages
                .iter()
                .map(|p| (p.label.as_str(), p.bytes.as_slice()))
                .collect(),
        }
    }

    /// The text of page `label`, as it is on disk.
    pub fn text(&self, label: &str) -> Option<std::borrow::Cow<'a, str>> {
        self.pages
            .get(label)
            .map(|bytes| String::from_utf8_lossy(bytes))
    }

    /// Line `line` (1-based) of page `label`, as it is on disk.
    pub fn line(&self, label: &str, line: usize) -> Option<String> {
        let bytes = self.pages.get(label)?;
        // memchr's search: splitting byte by byte up to the line, for each
        // of a corpus's thousand diagnostics, cost 290 M instructions on
        // one core at the end of every run.
        let start = match line.checked_sub(1)? {
            0 => 0,
            n => memchr::memchr_iter(b'\n', bytes).nth(n - 1)? + 1,
        };
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |at| start + at);
        let text = String::from_utf8_lossy(&bytes[start..end]);
        Some(text.trim_end_matches('\r').to_string())
    }
}

/// Each diagnostic in the `human` or `short` format.
pub fn render(diagnostics: &[Diagnostic], sources: &Sources, format: Format) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| match format {
            Format::Short => {
                let kind = d
                    .defect
                    .map_or(String::new(), |k| format!("[{}]", k.as_str()));
                format!(
                    "{}:{}:{}: {}{kind}: {}",
                    d.page,
                    d.line,
                    d.column.max(1),
                    d.severity.as_str(),
                    d.message
                )
            }
            _ => d.render(sources.line(&d.page, d.line).as_deref()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_as_on_disk() {
        let pages = [PageInput {
            label: "p.md".into(),
            bytes: b"one\r\ntwo\n\nfour".to_vec(),
        }];
        let sources = Sources::new(&pages);
        let line = |n| sources.line("p.md", n);
        assert_eq!(line(1).as_deref(), Some("one"));
        assert_eq!(line(2).as_deref(), Some("two"));
        assert_eq!(line(3).as_deref(), Some(""));
        assert_eq!(line(4).as_deref(), Some("four"));
        assert_eq!(line(5), None);
        assert_eq!(line(0), None);
        assert_eq!(sources.line("other.md", 1), None);
    }
}
