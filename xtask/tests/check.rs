//! `cargo xtask generate --check`, run as a maintainer (and CI) runs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn xtask(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .output()
        .expect("xtask runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn checked_in_specs_and_crate_are_what_the_pages_give() {
    let root = workspace();
    let output = xtask(&["generate", "--check", "--format", "short"], &root);
    assert!(
        output.status.success(),
        "specs/ or generated/ is stale; run `cargo xtask generate`:\n{}",
        stdout(&output)
    );
}

#[test]
fn check_names_each_stale_file_and_writes_nothing() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    let pages = workspace().join("pages");
    let pages = pages.to_str().unwrap();
    let write = [
        "generate", "--pages", pages, "--specs", "specs", "--out", "crate",
    ];
    assert!(xtask(&write, dir).status.success());

    let check = [&write[..], &["--check", "--format", "short"]].concat();
    let clean = xtask(&check, dir);
    assert!(clean.status.success(), "{}", stdout(&clean));
    assert!(stdout(&clean).contains("specs and crate are up to date"));

    let spec = dir.join("specs/hire/v1/referral_account/create.yaml");
    let edited = std::fs::read_to_string(&spec).unwrap() + "# edited\n";
    std::fs::write(&spec, &edited).unwrap();
    std::fs::write(dir.join("crate/src/leftover.rs"), "").unwrap();
    std::fs::remove_file(dir.join("crate/src/lib.rs")).unwrap();

    let stale = xtask(&check, dir);
    assert!(!stale.status.success());
    let report = stdout(&stale);
    for line in [
        "stale: specs/hire/v1/referral_account/create.yaml (differs)",
        "stale: crate/src/leftover.rs (no longer produced)",
        "stale: crate/src/lib.rs (missing)",
        "3 files are out of date; run `cargo xtask generate`",
    ] {
        assert!(report.contains(line), "`{line}` not in:\n{report}");
    }
    assert_eq!(std::fs::read_to_string(&spec).unwrap(), edited);
    assert!(!dir.join("crate/src/lib.rs").exists());
}

#[test]
fn lint_counts_the_bundled_pages_defects_by_kind() {
    let output = xtask(&["lint", "--format", "short"], &workspace());
    assert!(output.status.success());
    let report = stdout(&output);
    assert!(report.contains(
        "pages/hire_referral_account_create.md:69:35: warning[invalid-json]: the JSON example is not valid JSON (comment); read leniently"
    ));
    assert!(report.contains("\n  invalid-json            1\n"));
    assert!(report
        .trim_end()
        .ends_with("lint: 1 defects on 1 of 2 pages"));
}

#[test]
fn generate_reports_as_json_for_tools() {
    let output = xtask(&["generate", "--check", "--format", "json"], &workspace());
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("one JSON document");
    assert_eq!(report["summary"]["endpoints"], 1);
    assert_eq!(report["stale"], serde_json::json!([]));
    let first = &report["diagnostics"][0];
    assert_eq!(first["page"], "pages/002_f2c2a53f7a469bad.txt");
    assert_eq!(first["severity"], "warning");
}

#[test]
fn bench_prints_each_time_and_the_ratios() {
    let output = xtask(&["bench", "--runs", "1"], &workspace());
    assert!(output.status.success());
    let report = stdout(&output);
    for label in [
        "(a) pulldown-cmark pass",
        "(b) read into specs",
        "(c) full generate",
        "(d) no-change regenerate",
        "parse/pulldown = ",
        "no-change/generate = ",
    ] {
        assert!(report.contains(label), "`{label}` not in:\n{report}");
    }
}
