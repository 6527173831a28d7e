//! The mojibake repair on the shared corpus: the garbled pages of
//! `mojibake-b` against their clean twins in `format-b`, and more pairs made
//! from `format-b` with the garbling. Skips, saying so, without ../shared.

use std::path::{Path, PathBuf};

use feishu_codegen::mojibake::{garble, repair, restored, LanguageModel};

fn corpus() -> Option<PathBuf> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if corpus.join("format-b").is_dir() {
        Some(corpus)
    } else {
        eprintln!("skipped: {} is absent", corpus.display());
        None
    }
}

fn pages(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for path in entries.flatten().map(|e| e.path()) {
        if path.is_dir() {
            pages(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn mojibake_b_pages_repair_to_their_format_b_twins() {
    let Some(corpus) = corpus() else { return };
    let root = corpus.join("mojibake-b");
    let mut garbled_pages = Vec::new();
    pages(&root, &mut garbled_pages);
    garbled_pages.sort();
    assert_eq!(garbled_pages.len(), 8, "mojibake-b should hold 8 pages");
    let (mut ok, mut broken) = (0, 0);
    for page in &garbled_pages {
        let relative = page.strip_prefix(&root).expect("under mojibake-b");
        let clean = read(&corpus.join("format-b").join(relative));
        let garbled = read(page);
        assert_eq!(garbled, garble(&clean), "{}", relative.display());
        let repaired = repair(&garbled, LanguageModel::shared());
        let (page_ok, page_broken) = restored(&clean, &repaired.text);
        assert_eq!(repaired.broken, page_broken, "{}", relative.display());
        println!("{page_ok} / {page_broken}  {}", relative.display());
        ok += page_ok;
        broken += page_broken;
    }
    let rate = ok as f64 / broken as f64;
    println!(
        "mojibake-b: {ok} / {broken} broken characters restored ({:.2}%)",
        100.0 * rate
    );
    assert!(rate >= 0.995, "{ok} / {broken}");
}

#[test]
fn format_b_pages_garbled_and_repaired_come_back() {
    let Some(corpus) = corpus() else { return };
    let mut all = Vec::new();
    pages(&corpus.join("format-b"), &mut all);
    all.sort();
    // Every 12th page keeps the test to seconds; `cargo xtask fix-encoding
    // --score ../shared/corpus/format-b` scores them all.
    let (mut ok, mut broken) = (0, 0);
    for page in all.iter().step_by(12) {
        let clean = read(page);
        let repaired = repair(&garble(&clean), LanguageModel::shared());
        let (page_ok, page_broken) = restored(&clean, &repaired.text);
        ok += page_ok;
        broken += page_broken;
    }
    let rate = ok as f64 / broken as f64;
    println!(
        "format-b sample: {ok} / {broken} broken characters restored ({:.2}%)",
        100.0 * rate
    );
    assert!(broken > 1000 && rate >= 0.99, "{ok} / {broken}");
}
