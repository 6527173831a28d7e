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
