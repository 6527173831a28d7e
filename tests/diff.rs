//! `cargo xtask diff`'s report on hand-written spec pairs
//! (`fixtures/diff/<case>/{old,new}`), pinned with insta, and the verdict
//! each case is there to show.

use std::path::{Path, PathBuf};

use feishu_codegen::diff::{diff, Level, Side};
use feishu_codegen::emit::load_specs;

fn fixture(case: &str, side: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/diff")
        .join(case)
        .join(side)
}

/// The report for one case, and its verdict.
fn report(case: &str) -> (String, Level) {
    let (old_specs, old_common) = load_specs(&fixture(case, "old")).expect("old specs load");
    let (new_specs, new_common) = load_specs(&fixture(case, "new")).expect("new specs load");
    let report = diff(
        Side {
            specs: &old_specs,
            common: old_common.as_ref(),
        },
        Side {
            specs: &new_specs,
            common: new_common.as_ref(),
        },
    );
    (report.to_string(), report.verdict())
}

fn check(case: &str, verdict: Level) {
    let (text, level) = report(case);
    assert_eq!(level, verdict, "{case}:\n{text}");
    assert_eq!(
        text.lines().last(),
        Some(format!("semver: {}", verdict.as_str()).as_str())
    );
    assert_eq!(text.matches("semver:").count(), 1);
    insta::assert_snapshot!(case, text);
}

#[test]
fn unchanged() {
    check("unchanged", Level::None);
}

/// Descriptions and an error hint: the crate's docs only.
#[test]
fn docs() {
    check("docs", Level::Patch);
}

/// Headers, sources and examples never reach the crate.
#[test]
fn unseen() {
    check("unseen", Level::None);
}

/// An optional query field, a required list, enum values, a response
/// field, an error code, a token kind and an endpoint added.
#[test]
fn additions() {
    check("additions", Level::Minor);
}

/// A required field added, a field removed, a type changed, an error code
/// and an endpoint removed.
#[test]
fn breaking() {
    check("breaking", Level::Major);
}

/// Changes below the top level, named by dotted paths; a field added to a
/// nested struct that has no `Default`.
#[test]
fn nested() {
    check("nested", Level::Major);
}

/// `update`'s spec is unchanged, yet its `Mobile` becomes `Mobile2` when
/// `create`'s copy of the shared type changes shape.
#[test]
fn shared_type() {
    check("shared_type", Level::Major);
}
