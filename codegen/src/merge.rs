//! One endpoint documented by several pages → one spec. Pages are ranked
//! (clean text before mojibake, then the richer page, then by path), and
//! each item of the spec comes from the best-ranked page that has it;
//! pages that disagree on the fields are diagnosed.

use crate::diag::{Defect, Diagnostic, Severity};
use crate::generate::PageSpec;
use crate::spec::{Field, Spec};

/// Merges the specs that pages gave for one endpoint (same method and
/// path). Returns the spec and the diagnostics about disagreements.
pub fn merge(mut pages: Vec<PageSpec>) -> (Spec, Vec<Diagnostic>) {
    // A page's richness walks its whole tree: found once, not per comparison.
    pages.sort_by_cached_key(|(spec, _)| {
        (garbled(spec), std::cmp::Reverse(richness(spec)), page(spec))
    });
    let mut notes = Vec::new();
    let mut all_diagnostics: Vec<Diagnostic> = Vec::new();
    let mut sources = Vec::new();
    let mut iter = pages.into_iter();
    let Some((mut spec, diagnostics)) = iter.next() else {
        return (Spec::default(), notes);
    };
    all_diagnostics.extend(diagnostics);
    sources.append(&mut spec.sources);
    let best_page = sources.first().map(|s| s.page.clone()).unwrap_or_default();
    for (mut other, diagnostics) in iter {
        all_diagnostics.extend(diagnostics);
        let other_page = other
            .sources
            .first()
            .map(|s| s.page.clone())
            .unwrap_or_default();
        if other.id != spec.id {
            notes.push(note(
                &other_page,
                format!(
                    "this page names the endpoint `{}`; `{}` (from {best_page}) is kept",
                    other.id, spec.id
                ),
            ));
        }
        if !garbled(&other) {
            for (what, ours, theirs) in [
                ("path parameters", &spec.request.path, &other.request.path),
                (
                    "query parameters",
                    &spec.request.query,
                    &other.request.query,
                ),
                ("request body", &spec.request.body, &other.request.body),
                ("response data", &spec.response.data, &other.response.data),
            ] {
                let (a, b) = (names(ours), names(theirs));
                if !a.is_empty() && !b.is_empty() && a != b {
                    let mut conflict = Diagnostic::new(
                        other_page.clone(),
                        1,
                        Severity::Warning,
                        format!(
                            "pages disagree on the {what}: {best_page} has {}, this page has {}; the first is kept",
                            a.join(", "),
                            b.join(", ")
                        ),
                    );
                    conflict.defect(Defect::ConflictingPages);
                    notes.push(conflict);
                }
            }
        }
        fill(&mut spec.title, other.title);
        fill(&mut spec.description, other.description);
        fill(&mut spec.doc_url, other.doc_url);
        fill(&mut spec.rate_limit, other.rate_limit);
        fill(&mut spec.access_tokens, other.access_tokens);
        fill(&mut spec.scopes, other.scopes);
        fill(&mut spec.field_scopes, other.field_scopes);
        fill(&mut spec.app_types, other.app_types);
        fill(&mut spec.request.path, other.request.path);
        fill(&mut spec.request.query, other.request.query);
        fill(&mut spec.request.headers, other.request.headers);
        fill(&mut spec.request.body, other.request.body);
        fill(&mut spec.request.content_type, other.request.content_type);
        fill(&mut spec.response.data, other.response.data);
        spec.response.download |= other.response.download;
        fill(&mut spec.errors, other.errors);
        fill(&mut spec.examples.request_body, other.examples.request_body);
        fill(&mut spec.examples.response, other.examples.response);
        sources.append(&mut other.sources);
    }
    sources.sort();
    spec.sources = sources;
    all_diagnostics.extend(notes.iter().cloned());
    all_diagnostics.sort();
    all_diagnostics.dedup();
    spec.diagnostics = all_diagnostics.iter().map(ToString::to_string).collect();
    (spec, notes)
}

fn note(page: &str, message: String) -> Diagnostic {
    Diagnostic::new(page, 1, Severity::Note, message)
}

trait Empty {
    fn is_empty(&self) -> bool;
}

impl Empty for String {
    fn is_empty(&self) -> bool {
        String::is_empty(self)
    }
}

impl<T> Empty for Vec<T> {
    fn is_empty(&self) -> bool {
        Vec::is_empty(self)
    }
}

fn fill<T: Empty>(ours: &mut T, theirs: T) {
    if ours.is_empty() {
        *ours = theirs;
    }
}

fn garbled(spec: &Spec) -> bool {
    spec.sources.iter().any(|s| s.garbled)
}

fn page(spec: &Spec) -> String {
    spec.sources
        .first()
        .map(|s| s.page.clone())
        .unwrap_or_default()
}

/// How much a page documents: fields (with descriptions counted twice),
/// error codes and examples.
fn richness(spec: &Spec) -> usize {
    fn count(fields: &[Field]) -> usize {
        fields
            .iter()
            .map(|f| {
                1 + usize::from(!f.description.is_empty())
                    + count(&f.fields)
                    + f.items.as_ref().map_or(0, |i| count(&i.fields))
            })
            .sum()
    }
    count(&spec.request.path)
        + count(&spec.request.query)
        + count(&spec.request.body)
        + count(&spec.response.data)
        + spec.errors.len()
}

fn names(fields: &[Field]) -> Vec<String> {
    let mut names: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
    names.sort();
    names
}
