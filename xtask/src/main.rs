//! Maintainer commands: `cargo xtask generate`, ...
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use feishu_codegen::emit;
use feishu_codegen::emit::roundtrip::{case_line, cases, compare, harness};
use feishu_codegen::generate::{collect_pages, run};

mod bench;
mod fix_encoding;
mod generate;
mod lint;
mod report;

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
    },
    /// Read each valid-JSON example of the pages into its generated type and
    /// back; list the failures and print `roundtrip: PASSED/TOTAL`.
    Roundtrip {
        /// Folders (or files) of pages to read [default: pages/]
        #[arg(long = "pages", value_name = "DIR")]
        pages: Vec<PathBuf>,
    },
}

fn main() -> anyhow::Result<ExitCode> {
    match Cli::parse().command {
        Command::Generate {
            pages,
            specs,
            out,
            name,
            check,
            format,
        } => {
            let pages = if pages.is_empty() {
                // The bundled pages, labelled `pages/...` in specs whatever
                // folder cargo was run from.
                std::env::set_current_dir(workspace_root())?;
                vec![PathBuf::from("pages")]
            } else {
                pages
            };
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
            let pages = if pages.is_empty() {
                std::env::set_current_dir(workspace_root())?;
                vec![PathBuf::from("pages")]
            } else {
                pages
            };
            print_lines(&lint::lint(&pages, format)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { pages, runs } => {
            let pages = if pages.is_empty() {
                vec![workspace_root().join("pages")]
            } else {
                pages
            };
            let scratch = generate::cache_dir().join("bench");
            print_lines(&bench::bench(&pages, runs, &scratch)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Roundtrip { pages } => {
            let pages = if pages.is_empty() {
                vec![workspace_root().join("pages")]
            } else {
                pages
            };
            roundtrip(&pages)
        }
    }
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
