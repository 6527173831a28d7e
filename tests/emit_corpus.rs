//! Generated crates that must build: the naming obstacle course, and one
//! crate from the whole `../shared/corpus` (when present), with no warnings
//! from `cargo check --all-features` or `cargo doc`. Slow (minutes for the
//! corpus): the builds share `target/corpus-crate` so dependencies compile
//! once.

use std::path::{Path, PathBuf};
use std::process::Command;

use feishu_codegen::emit::{emit, load_specs, relative_path, write_crate, Options, PACKAGE};
use feishu_codegen::generate::{collect_pages, run, Common};
use feishu_codegen::spec::Spec;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("the workspace exists")
}

/// Writes the crate under `target/corpus-crate/<name>` as `cargo xtask
/// generate --out` would, and returns its folder.
fn write(name: &str, specs: &[Spec], common: Option<&Common>) -> PathBuf {
    let root = workspace();
    let dir = root.join("target/corpus-crate").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let options = Options {
        package: PACKAGE.into(),
        runtime_path: relative_path(&dir, &root.join("runtime")),
        standalone: true,
    };
    write_crate(&dir, &emit(specs, common, &options)).unwrap();
    dir
}

/// Runs `cargo <args>` in `dir`; fails on an error or any warning.
fn cargo_clean(dir: &Path, args: &[&str]) {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .args(["--message-format", "short"])
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            workspace().join("target/corpus-crate/target"),
        )
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| {
            l.starts_with("warning")
                || l.starts_with("error")
                || l.contains(": warning")
                || l.contains(": error")
        })
        .collect();
    assert!(
        output.status.success() && warnings.is_empty(),
        "cargo {args:?} in {}:\n{}",
        dir.display(),
        stderr
    );
}

#[test]
fn obstacle_course_builds() {
    let (specs, common) = load_specs(&workspace().join("tests/fixtures/emit")).unwrap();
    let dir = write("obstacle", &specs, common.as_ref());
    cargo_clean(&dir, &["check", "--all-features"]);
}

#[test]
fn corpus_crate_builds_without_warnings() {
    let corpus = workspace().join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("skipped: ../shared/corpus is absent");
        return;
    }
    let folders: Vec<PathBuf> = ["format-a", "format-b", "format-c"]
        .iter()
        .map(|f| corpus.join(f))
        .collect();
    let result = run(collect_pages(&folders).unwrap());
    let dir = write("feishu-api", &result.specs, result.common.as_ref());

    let mut reversed = result.specs.clone();
    reversed.reverse();
    let options = Options {
        package: PACKAGE.into(),
        runtime_path: String::new(),
        standalone: true,
    };
    assert!(
        emit(&result.specs, result.common.as_ref(), &options)
            == emit(&reversed, result.common.as_ref(), &options),
        "the emitted crate depends on the order of the specs"
    );

    cargo_clean(&dir, &["check", "--all-features"]);
    cargo_clean(&dir, &["doc", "--no-deps", "--all-features"]);
}
