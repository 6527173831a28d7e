//! Maintainer commands: `cargo xtask generate`, ...
use std::path::{Path, PathBuf};
use std::process::{Command as Process, ExitCode, Stdio};

use clap::{Parser, Subcommand};
use feishu_codegen::diff::{diff, Side};
use feishu_codegen::emit;
use feishu_codegen::emit::roundtrip::{case_line, cases, compare, harness};
use feishu_codegen::generate::{collect_pages, run, Common};
use feishu_codegen::spec::Spec;

mod bench;
mod fix_encoding;
mod generate;
mod lint;
mod report;

/// Reading and emitting build many small strings and vectors; mimalloc's
/// per-thread free lists make those about a quarter of the run cheaper than
/// the system allocator does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(about = "Maintainer tasks for the Feishu / Lark client generator")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read documentation pages; write one spec per endpoint and the crate.
    Generate {
        /// Folders (or files) of pages to read [default: pages/]
        #[arg(long = "pages", value_name = "DIR")]
        pages: Vec<PathBuf>,
        /// Where the specs go; spec files it no longer produces are removed
        /// [default: specs/]
        #[arg(long, value_name = "DIR")]
        specs: Option<PathBuf>,
        /// Where the generated crate goes [default: generated/]
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The crate's package name
        #[arg(long, value_name = "NAME", default_value = emit::PACKAGE)]
        name: String,
        /// Write nothing; name the files that differ from what the pages
        /// give, and fail if any does.
        #[arg(long)]
        check: bool,
        /// How diagnostics are printed.
        #[arg(long, value_enum, default_value_t)]
        format: report::Format,
    },
    /// Repair a mojibake page (UTF-8 read as Windows-1254, bytes lost):
    /// `fix-encoding IN OUT`, or `fix-encoding --score DIR` to garble and
    /// repair every page under DIR and report how much comes back.
    FixEncoding {
        #[arg(required_unless_present = "score")]
        input: Option<PathBuf>,
        #[arg(required_unless_present = "score")]
        output: Option<PathBuf>,
        #[arg(long, value_name = "DIR", conflicts_with_all = ["input", "output"])]
        score: Option<PathBuf>,
    },
    /// Write the crate from specs already written, without reading pages.
    Emit {
        /// [default: specs/]
        #[arg(long, value_name = "DIR")]
        specs: Option<PathBuf>,
        /// [default: generated/]
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The crate's package name
        #[arg(long, value_name = "NAME", default_value = emit::PACKAGE)]
        name: String,
    },
    /// Report the documentation's own defects (invalid JSON examples,
    /// examples that disagree with their tables, duplicate fields, missing
    /// types, conflicting pages, malformed tables), counted by kind.
    Lint {
        /// Folders (or files) of pages to read [default: pages/]
        #[arg(long = "pages", value_name = "DIR")]
        pages: Vec<PathBuf>,
        /// How defects are printed.
        #[arg(long, value_enum, default_value_t)]
        format: report::Format,
    },
    /// Time a bare pulldown-cmark pass, reading into specs, a full generate
    /// and a no-change regenerate on the same pages; print each and the
    /// ratios.
    Bench {
        /// Folders (or files) of pages to read [default: pages/]
        #[arg(long = "pages", value_name = "DIR")]
        pages: Vec<PathBuf>,
        /// Each figure is the best of this many runs.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Where the full generates write [default: /dev/shm when there is
        /// one, else target/xtask-cache/bench]
        #[arg(long, value_name = "DIR")]
        scratch: Option<PathBuf>,
    },
    /// Read each valid-JSON example of the pages into its generated type and
    /// back; list the failures and print `roundtrip: PASSED/TOTAL`.
    Roundtrip {
        /// Folders (or files) of pages to read [default: pages/]
        #[arg(long = "pages", value_name = "DIR")]
        pages: Vec<PathBuf>,
    },
    /// Compare two sets of specs for the generated crate's users: each
    /// change per endpoint marked breaking or compatible, then one line
    /// `semver: major|minor|patch|none`. Exits 0 whatever the verdict.
    Diff {
        /// An existing folder of specs, else a git revision (its `specs/`)
        old: String,
        /// An existing folder of specs, else a git revision (its `specs/`)
        new: String,
    },
}

/// `mi_option_purge_delay` in mimalloc.h's `mi_option_e` (v2 and v3);
/// libmimalloc-sys names no constant for it.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> anyhow::Result<ExitCode> {
    // A run lasts seconds. Memory freed between pages is better kept for
    // the next page than handed back to the OS and faulted in again: the
    // kernel zeroing those pages was a tenth of a corpus read's profile.
    // SAFETY: sets a plain integer option; mimalloc reads options at any time.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    match Cli::parse().command {
        Command::Generate {
            pages,
            specs,
            out,
            name,
            check,
            format,
        } => {
            let pages = pages_or_bundled(pages)?;
            let specs = specs.unwrap_or_else(|| workspace_root().join("specs"));
            let out = out.unwrap_or_else(|| workspace_root().join("generated"));
            generate::generate(&generate::Args {
                pages,
                specs,
                out,
                name,
                check,
                format,
                cache: generate::cache_dir(),
            })?
            .print()
        }
        Command::FixEncoding {
            input,
            output,
            score,
        } => match (score, input, output) {
            (Some(dir), _, _) => fix_encoding::score(&dir).map(|()| ExitCode::SUCCESS),
            (None, Some(input), Some(output)) => {
                fix_encoding::fix(&input, &output).map(|()| ExitCode::SUCCESS)
            }
            _ => anyhow::bail!("fix-encoding needs IN and OUT, or --score DIR"),
        },
        Command::Emit { specs, out, name } => {
            let specs = specs.unwrap_or_else(|| workspace_root().join("specs"));
            let out = out.unwrap_or_else(|| workspace_root().join("generated"));
            let (specs, common) = emit::load_specs(&specs).map_err(anyhow::Error::msg)?;
            let (files, changed) = generate::emit_specs(&specs, common.as_ref(), &out, &name)?;
            println!("{}: {files} files, {changed} changed", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Lint { pages, format } => {
            let pages = pages_or_bundled(pages)?;
            print_lines(&lint::lint(&pages, format)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            pages,
            runs,
            scratch,
        } => {
            let pages = pages_or_bundled(pages)?;
            let scratch = scratch.unwrap_or_else(bench::default_scratch);
            print_lines(&bench::bench(&pages, runs, &scratch)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Roundtrip { pages } => {
            let pages = pages_or_bundled(pages)?;
            roundtrip(&pages)
        }
        Command::Diff { old, new } => {
            let (old_specs, old_common) = load_side(&old)?;
            let (new_specs, new_common) = load_side(&new)?;
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
            let lines: Vec<String> = report.to_string().lines().map(str::to_owned).collect();
            print_lines(&lines)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The specs of `arg`: the folder when one exists by that name, else the
/// `specs/` folder of git revision `arg` in this workspace's repository.
fn load_side(arg: &str) -> anyhow::Result<(Vec<Spec>, Option<Common>)> {
    let path = Path::new(arg);
    if path.is_dir() {
        return emit::load_specs(path).map_err(anyhow::Error::msg);
    }
    emit::parse_specs(revision_specs(&workspace_root(), arg)?).map_err(anyhow::Error::msg)
}

/// `specs/**/*.yaml` of `workspace` at git revision `rev`, as (path,
/// text); empty when the revision has no `specs/` (before there were
/// specs).
fn revision_specs(workspace: &Path, rev: &str) -> anyhow::Result<Vec<(PathBuf, String)>> {
    let git = |args: &[&str]| {
        let mut command = Process::new("git");
        command.arg("-C").arg(workspace).args(args);
        command
    };
    let output = git(&["rev-parse", "--verify", "--quiet", "--end-of-options"])
        .arg(format!("{rev}^{{commit}}"))
        .stderr(Stdio::null())
        .output()?;
    anyhow::ensure!(
        output.status.success(),
        "`{rev}` is neither a folder nor a git revision"
    );
    let commit = String::from_utf8(output.stdout)?.trim().to_owned();
    // `./` makes the path relative to the workspace, wherever the
    // repository's top is.
    let tree = format!("{commit}:./specs");
    if !git(&["cat-file", "-e", &tree])
        .stderr(Stdio::null())
        .status()?
        .success()
    {
        eprintln!("{rev} has no specs/: comparing with no specs");
        return Ok(Vec::new());
    }
    let output = git(&["ls-tree", "-r", "-z", &tree]).output()?;
    anyhow::ensure!(
        output.status.success(),
        "git ls-tree {tree}: {}",
        String::from_utf8_lossy(&output.stderr).trim()
    );
    // `MODE TYPE OBJECT\tPATH\0` per file.
    let mut files = Vec::new();
    for entry in output.stdout.split(|&b| b == 0).filter(|e| !e.is_empty()) {
        let entry = std::str::from_utf8(entry)?;
        let Some((meta, file)) = entry.split_once('\t') else {
            anyhow::bail!("git ls-tree: unexpected line {entry:?}");
        };
        let mut meta = meta.split(' ');
        let (kind, object) = (meta.nth(1), meta.next());
        if let (Some("blob"), Some(object), true) = (kind, object, file.ends_with(".yaml")) {
            files.push((object.to_owned(), PathBuf::from("specs").join(file)));
        }
    }
    let texts = cat_blobs(
        git(&["cat-file", "--batch"]),
        files.iter().map(|(o, _)| o.as_str()),
    )?;
    anyhow::ensure!(texts.len() == files.len(), "git cat-file: objects missing");
    Ok(files.into_iter().map(|(_, path)| path).zip(texts).collect())
}

/// The contents of `objects` through one `git cat-file --batch`.
fn cat_blobs<'a>(
    mut command: Process,
    objects: impl Iterator<Item = &'a str>,
) -> anyhow::Result<Vec<String>> {
    use std::io::Write;
    let input: String = objects.map(|o| format!("{o}\n")).collect();
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut stdin = child.stdin.take().expect("piped");
    // Written from a thread so a full stdout pipe cannot stall both sides.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output()?;
    writer.join().expect("the writer does not panic")?;
    anyhow::ensure!(output.status.success(), "git cat-file --batch failed");
    // `OBJECT TYPE SIZE\n` + SIZE bytes + `\n` per object.
    let mut rest = output.stdout.as_slice();
    let mut texts = Vec::new();
    while !rest.is_empty() {
        let end = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| anyhow::anyhow!("git cat-file: truncated header"))?;
        let header = std::str::from_utf8(&rest[..end])?;
        let size: usize = match header.split(' ').collect::<Vec<_>>().as_slice() {
            [_, "blob", size] => size.parse()?,
            _ => anyhow::bail!("git cat-file: {header}"),
        };
        let body = rest
            .get(end + 1..end + 1 + size)
            .ok_or_else(|| anyhow::anyhow!("git cat-file: truncated object"))?;
        texts.push(String::from_utf8(body.to_vec())?);
        rest = rest.get(end + 2 + size..).unwrap_or_default();
    }
    Ok(texts)
}

/// `pages`, or when none are given the bundled `pages/`, labelled
/// `pages/...` (in specs and diagnostics) whatever folder cargo ran in.
fn pages_or_bundled(pages: Vec<PathBuf>) -> anyhow::Result<Vec<PathBuf>> {
    if !pages.is_empty() {
        return Ok(pages);
    }
    std::env::set_current_dir(workspace_root())?;
    Ok(vec![PathBuf::from("pages")])
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Prints lines to stdout; a reader that stops early (`| head`) is not an
/// error.
fn print_lines(lines: &[String]) -> std::io::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    for line in lines {
        match writeln!(stdout, "{line}") {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            other => other?,
        }
    }
    Ok(())
}

/// Emits the pages' crate and a harness that depends on it under
/// `target/roundtrip/`, runs the harness on every valid-JSON example, and
/// compares what comes back.
fn roundtrip(pages: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let result = run(collect_pages(pages)?);
    let dir = workspace_root().join("target/roundtrip");
    generate::emit_specs(
        &result.specs,
        result.common.as_ref(),
        &dir.join("feishu-api"),
        emit::PACKAGE,
    )?;
    emit::write_crate(
        &dir.join("harness"),
        &harness(&result.specs, "../feishu-api"),
    )?;
    let cases = cases(&result.specs);
    let lines: Vec<String> = cases.iter().map(case_line).collect();
    let cases_file = dir.join("cases.jsonl");
    std::fs::write(&cases_file, lines.join("\n") + "\n")?;
    let output = std::process::Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--manifest-path"])
        .arg(dir.join("harness/Cargo.toml"))
        .arg("--")
        .arg(&cases_file)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .stderr(std::process::Stdio::inherit())
        .output()?;
    anyhow::ensure!(output.status.success(), "the round-trip harness failed");
    let answers = String::from_utf8(output.stdout)?;
    let mut passed = 0;
    for (case, answer) in cases.iter().zip(answers.lines()) {
        let answer: Result<String, String> = serde_json::from_str(answer)?;
        let verdict = answer.and_then(|text| {
            let back = serde_json::from_str(&text).map_err(|e| e.to_string())?;
            compare(case.kind, &case.input, &back)
        });
        match verdict {
            Ok(()) => passed += 1,
            Err(reason) => println!(
                "{} {} ({}): {reason}",
                case.page,
                case.kind.as_str(),
                case.id
            ),
        }
    }
    println!("roundtrip: {passed}/{}", cases.len());
    Ok(if passed == cases.len() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A throwaway repository: a commit without `specs/`, then one with a
    /// spec and the envelope.
    fn repository() -> PathBuf {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!("xtask-diff-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let git = |args: &[&str]| {
            let status = Process::new("git")
                .arg("-C")
                .arg(&dir)
                .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
                .args(["-c", "commit.gpgsign=false"])
                .args(args)
                .stdout(Stdio::null())
                .status()
                .unwrap();
            assert!(status.success(), "git {args:?}");
        };
        git(&["init", "--quiet"]);
        std::fs::write(dir.join("README"), "no specs yet\n").unwrap();
        git(&["add", "."]);
        git(&["commit", "--quiet", "-m", "first"]);
        let spec = dir.join("specs/demo/v1/user");
        std::fs::create_dir_all(&spec).unwrap();
        std::fs::write(
            spec.join("get.yaml"),
            "id: demo.v1.user.get\nmethod: GET\npath: /open-apis/demo/v1/users/:user_id\n",
        )
        .unwrap();
        std::fs::write(dir.join("specs/README.md"), "not a spec\n").unwrap();
        std::fs::write(
            dir.join("specs/_common.yaml"),
            "sources: []\nenvelope:\n- name: code\n  type: integer\n",
        )
        .unwrap();
        git(&["add", "."]);
        git(&["commit", "--quiet", "-m", "second"]);
        dir
    }

    #[test]
    fn specs_at_git_revisions() {
        let dir = repository();
        let files = revision_specs(&dir, "HEAD").unwrap();
        let paths: Vec<&Path> = files.iter().map(|(p, _)| p.as_path()).collect();
        assert_eq!(
            paths,
            [
                Path::new("specs/_common.yaml"),
                Path::new("specs/demo/v1/user/get.yaml")
            ]
        );
        let (specs, common) = emit::parse_specs(files).unwrap();
        assert_eq!(specs[0].id, "demo.v1.user.get");
        assert_eq!(common.unwrap().envelope[0].name, "code");
        // Before there were specs: none, not an error.
        assert!(revision_specs(&dir, "HEAD~1").unwrap().is_empty());
        let error = revision_specs(&dir, "no-such-branch").unwrap_err();
        assert!(error
            .to_string()
            .contains("neither a folder nor a git revision"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
