//! Specs → the generated crate: the code emitted for the bundled specs and for
//! the naming obstacle course (`fixtures/emit`), pinned with insta; the
//! checked-in `generated/` matches `specs/`, and the checked-in fixture
//! crate `api-fixture/` its pages; output is deterministic.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use feishu_codegen::emit::{emit, load_specs, Options, PACKAGE};
use feishu_codegen::generate::{collect_pages, run, spec_files, PageInput};

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
fn bundled_specs() {
    insta::assert_snapshot!("bundled", render(&emit_dir("specs")));
}

#[test]
fn naming_obstacle_course() {
    insta::assert_snapshot!("obstacle_course", render(&emit_dir("tests/fixtures/emit")));
}

/// The files under `dir` (relative to the workspace) are `files`: none
/// differs, none is missing, and no `ext` file under `dir/scanned` is extra
/// (the generator would delete it).
fn assert_current(
    files: &BTreeMap<PathBuf, String>,
    dir: &str,
    scanned: &str,
    ext: &str,
    fix: &str,
) {
    let root = workspace().join(dir);
    for (path, text) in files {
        let on_disk = std::fs::read_to_string(root.join(path)).unwrap_or_default();
        assert!(
            on_disk == *text,
            "{dir}/{} is stale: run `{fix}`",
            path.display()
        );
    }
    let mut stack = vec![root.join(scanned)];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                let relative = path.strip_prefix(&root).unwrap();
                assert!(
                    files.contains_key(relative),
                    "{dir}/{} is no longer generated: run `{fix}`",
                    relative.display()
                );
            }
        }
    }
}

#[test]
fn checked_in_crate_matches_the_specs() {
    let fix = "cargo xtask generate";
    assert_current(&emit_dir("specs"), "generated", "src", "rs", fix);
}

/// The command that writes `tests/fixtures/client/specs` and `tests/api-fixture`.
const FIXTURE_COMMAND: &str = "cargo xtask generate --pages tests/fixtures/client/pages \
    --specs tests/fixtures/client/specs --out tests/api-fixture --name feishu-api-fixture";

#[test]
fn checked_in_fixture_crate_matches_its_pages() {
    let root = workspace().canonicalize().unwrap();
    // Labelled relative to the workspace, as the command run there does.
    let pages = collect_pages(&[root.join("tests/fixtures/client/pages")])
        .unwrap()
        .into_iter()
        .map(|page| PageInput {
            label: Path::new(&page.label)
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned(),
            bytes: page.bytes,
        })
        .collect();
    let result = run(pages);
    assert!(result.failed.is_empty() && result.diagnostics.is_empty());
    let specs = spec_files(&result);
    assert_current(
        &specs,
        "tests/fixtures/client/specs",
        ".",
        "yaml",
        FIXTURE_COMMAND,
    );
    let options = Options {
        package: "feishu-api-fixture".into(),
        runtime_path: "../../runtime".into(),
        standalone: false,
    };
    let files = emit(&result.specs, result.common.as_ref(), &options);
    assert_current(&files, "tests/api-fixture", "src", "rs", FIXTURE_COMMAND);
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
