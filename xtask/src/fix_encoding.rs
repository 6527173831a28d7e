//! `cargo xtask fix-encoding`: repairs a mojibake page, or scores the
//! repair on a folder of clean pages.

use std::path::{Path, PathBuf};

use anyhow::Context;
use std::collections::BTreeMap;

use feishu_codegen::mojibake::{garble, looks_garbled, misses, repair, restored, LanguageModel};

/// Repairs the garbled page `input` into `output`.
pub fn fix(input: &Path, output: &Path) -> anyhow::Result<()> {
    let garbled =
        std::fs::read_to_string(input).with_context(|| format!("reading {}", input.display()))?;
    if !looks_garbled(&garbled) {
        eprintln!("note: {} does not look garbled", input.display());
    }
    let repaired = repair(&garbled, LanguageModel::shared());
    std::fs::write(output, &repaired.text)
        .with_context(|| format!("writing {}", output.display()))?;
    println!(
        "{}: repaired {} broken sequences ({} chosen by the language model)",
        output.display(),
        repaired.broken,
        repaired.guessed
    );
    Ok(())
}

/// Garbles every Markdown page under `root`, repairs each on its own and
/// prints how many of the broken characters came back, the pages with the
/// most misses and the commonest confusions.
pub fn score(root: &Path) -> anyhow::Result<()> {
    let mut pages = Vec::new();
    collect_pages(root, &mut pages)?;
    pages.sort();
    anyhow::ensure!(!pages.is_empty(), "no .md pages under {}", root.display());
    let model = LanguageModel::shared();
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = pages.len().div_ceil(threads);
    // Per page: its broken characters, and the ones missed as (wanted, got).
    type Score = (usize, Vec<(char, Option<char>)>);
    let scores: Vec<Score> = std::thread::scope(|scope| {
        let workers: Vec<_> = pages
            .chunks(chunk)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|page| {
                            let clean = std::fs::read_to_string(page).unwrap_or_default();
                            let repaired = repair(&garble(&clean), model).text;
                            (restored(&clean, &repaired).1, misses(&clean, &repaired))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap_or_default())
            .collect()
    });
    anyhow::ensure!(scores.len() == pages.len(), "a scoring thread failed");
    let broken: usize = scores.iter().map(|s| s.0).sum();
    let missed: usize = scores.iter().map(|s| s.1.len()).sum();
    println!(
        "restored: {} / {broken} broken characters ({:.3}%) on {} pages",
        broken - missed,
        percent(broken - missed, broken),
        pages.len()
    );
    let mut worst: Vec<(&PathBuf, &Score)> = pages.iter().zip(&scores).collect();
    worst.sort_by(|a, b| b.1 .1.len().cmp(&a.1 .1.len()).then(a.0.cmp(b.0)));
    println!("worst pages (missed / broken):");
    for (page, (broken, missed)) in worst.iter().take(8) {
        let name = page.strip_prefix(root).unwrap_or(page);
        println!("  {} / {broken}  {}", missed.len(), name.display());
    }
    let mut confusions: BTreeMap<(char, Option<char>), usize> = BTreeMap::new();
    for miss in scores.iter().flat_map(|s| &s.1) {
        *confusions.entry(*miss).or_default() += 1;
    }
    let mut confusions: Vec<_> = confusions.into_iter().collect();
    confusions.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let shown: Vec<String> = confusions
        .iter()
        .take(24)
        .map(|((want, got), n)| format!("{want}→{} ×{n}", got.map_or('∅', |c| c)))
        .collect();
    println!("commonest misses: {}", shown.join(", "));
    Ok(())
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        100.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

fn collect_pages(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect_pages(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
    Ok(())
}
