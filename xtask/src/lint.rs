//! `cargo xtask lint`: the documentation's own defects, to send upstream.

use std::collections::BTreeMap;
use std::path::PathBuf;

use feishu_codegen::diag::{Defect, Diagnostic};
use feishu_codegen::generate::{collect_pages, run_cached};
use feishu_codegen::lint::example_mismatches;
use feishu_codegen::progress::Progress;
use serde_json::json;

use crate::report::{self, Format, Sources};

pub fn lint(pages: &[PathBuf], format: Format) -> anyhow::Result<Vec<String>> {
    let inputs = collect_pages(pages)?;
    let run = run_cached(&inputs, None, &Progress::on_terminal());
    let sources = Sources::new(&inputs);
    let mut defects: Vec<Diagnostic> = run
        .diagnostics
        .iter()
        .filter(|d| d.defect.is_some())
        .cloned()
        .collect();
    for spec in &run.specs {
        let page = spec.sources.first().map(|s| s.page.as_str()).unwrap_or("");
        let text = sources.text(page).unwrap_or_default();
        defects.extend(example_mismatches(spec, &text));
    }
    defects.sort();
    let mut counts: BTreeMap<&str, usize> = Defect::ALL.iter().map(|d| (d.as_str(), 0)).collect();
    for defect in defects.iter().filter_map(|d| d.defect) {
        *counts.entry(defect.as_str()).or_default() += 1;
    }
    let pages_with_defects = {
        let mut pages: Vec<&str> = defects.iter().map(|d| d.page.as_str()).collect();
        pages.dedup();
        pages.len()
    };
    if format == Format::Json {
        let document = json!({ "counts": counts, "defects": defects });
        return Ok(vec![serde_json::to_string_pretty(&document)?]);
    }
    let mut lines = report::render(&defects, &sources, format);
    lines.push("defects by kind:".to_string());
    let width = counts.keys().map(|k| k.len()).max().unwrap_or(0);
    lines.extend(
        counts
            .iter()
            .map(|(kind, count)| format!("  {kind:<width$}  {count:>6}")),
    );
    lines.push(format!(
        "lint: {} defects on {pages_with_defects} of {} pages",
        defects.len(),
        inputs.len()
    ));
    Ok(lines)
}
