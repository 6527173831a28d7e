//! Specs → the generated crate: the code emitted for the seed specs and for
//! the naming obstacle course (`fixtures/emit`), pinned with insta; the
//! checked-in `generated/` matches `specs/`; output is deterministic.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use feishu_codegen::emit::{emit, load_specs, Options, PACKAGE};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The options `cargo xtask generate` uses for `generated/`.
fn in_workspace() -> Options {
    Options {
        package: PACKAGE.into(),
        runtime_path: "../runtime".into(),
        standalone: false,
    }
}

fn emit_dir(dir: &str) -> BTreeMap<PathBuf, String> {
    let (specs, common) = load_specs(&workspace().join(dir)).expect("specs load");
    emit(&specs, common.as_ref(), &in_workspace())
}

/// Every file, with its path, as one text.
fn render(files: &BTreeMap<PathBuf, String>) -> String {
    files
        .iter()
        .map(|(path, text)| format!("=== {}\n{text}\n", path.display()))
        .collect()
}

#[test]
fn seed_specs() {
    insta::assert_snapshot!("seeds", render(&emit_dir("specs")));
}

#[test]
fn naming_obstacle_course() {
    insta::assert_snapshot!("obstacle_course", render(&emit_dir("tests/fixtures/emit")));
}

#[test]
fn checked_in_crate_matches_the_specs() {
    for (path, text) in emit_dir("specs") {
        let on_disk =
            std::fs::read_to_string(workspace().join("generated").join(&path)).unwrap_or_default();
        assert!(
            on_disk == text,
            "generated/{} is stale: run `cargo xtask generate`",
            path.display()
        );
    }
}

#[test]
fn same_specs_in_any_order_give_the_same_bytes() {
    let (mut specs, common) = load_specs(&workspace().join("tests/fixtures/emit")).unwrap();
    let first = emit(&specs, common.as_ref(), &in_workspace());
    specs.reverse();
    assert_eq!(first, emit(&specs, common.as_ref(), &in_workspace()));
}

#[test]
fn a_crate_outside_the_workspace_has_its_own() {
    let (specs, common) = load_specs(&workspace().join("specs")).unwrap();
    let options = Options {
        package: PACKAGE.into(),
        runtime_path: "../../work/runtime".into(),
        standalone: true,
    };
    let toml = &emit(&specs, common.as_ref(), &options)[Path::new("Cargo.toml")];
    assert!(toml.contains("feishu-runtime = { path = \"../../work/runtime\" }"));
    assert!(toml.trim_end().ends_with("[workspace]"));
}
