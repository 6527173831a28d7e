//! Maintainer commands: `cargo xtask generate`, ...
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use feishu_codegen::generate::{collect_pages, run, spec_files, write_specs, Summary};

mod fix_encoding;

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
}

fn main() -> anyhow::Result<ExitCode> {
    match Cli::parse().command {
        Command::Generate { pages, specs, out } => {
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
            generate(&pages, &specs, &out)
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
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn generate(pages: &[PathBuf], specs: &Path, _out: &Path) -> anyhow::Result<ExitCode> {
    let inputs = collect_pages(pages)?;
    let result = run(inputs);
    let files = spec_files(&result);
    write_specs(specs, &files)?;
    println!("{}", Summary(&result));
    for diagnostic in &result.diagnostics {
        println!("{diagnostic}");
    }
    Ok(if result.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
