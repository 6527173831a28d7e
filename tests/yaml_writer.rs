//! The spec YAML writer against serde_yaml_ng (plus `yaml11_safe`), what
//! specs were written with before it, on every spec the corpus in
//! `../shared/corpus` gives: byte for byte, and reading back to the same
//! spec. Skips, saying so, where `../shared` is absent.

use std::path::{Path, PathBuf};

use feishu_codegen::generate::{collect_pages, run};
use feishu_codegen::spec::{yaml11_safe, Spec};

fn corpus_folders() -> Option<Vec<PathBuf>> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("skipped: ../shared/corpus is absent");
        return None;
    }
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    folders.sort();
    Some(folders)
}

/// The first line where `written` and `expected` differ, for the message.
fn first_difference(written: &str, expected: &str) -> String {
    let line = written
        .lines()
        .zip(expected.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| written.lines().count().min(expected.lines().count()));
    format!(
        "line {}: written {:?}, serde_yaml {:?}",
        line + 1,
        written.lines().nth(line),
        expected.lines().nth(line)
    )
}

#[test]
fn every_corpus_spec_is_written_as_serde_yaml_writes_it() {
    let Some(folders) = corpus_folders() else {
        return;
    };
    // Each folder on its own, then all of them in one run (which merges
    // the specs several pages give).
    let mut runs: Vec<Vec<PathBuf>> = folders.iter().map(|f| vec![f.clone()]).collect();
    runs.push(folders);
    let mut failures = Vec::new();
    let mut checked = 0;
    for dirs in runs {
        let specs = run(collect_pages(&dirs).unwrap()).specs;
        assert!(!specs.is_empty(), "no specs from {dirs:?}");
        for spec in &specs {
            let written = spec.to_yaml();
            let expected = yaml11_safe(&serde_yaml::to_string(spec).unwrap());
            if written != expected {
                failures.push(format!(
                    "{}: {}",
                    spec.id,
                    first_difference(&written, &expected)
                ));
            } else if Spec::from_yaml(&written).ok().as_ref() != Some(spec) {
                failures.push(format!("{}: does not read back the same", spec.id));
            }
        }
        checked += specs.len();
    }
    eprintln!("{checked} specs checked");
    assert!(
        failures.is_empty(),
        "{} of {checked} specs differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
