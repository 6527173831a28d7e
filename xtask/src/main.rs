//! Maintainer commands: `cargo xtask generate`, ...
use clap::{Parser, Subcommand};

mod fix_encoding;

#[derive(Parser)]
#[command(about = "Maintainer tasks for the Feishu / Lark client generator")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read documentation pages, write specs and the generated crate.
    Generate,
    /// Repair a mojibake page (UTF-8 read as Windows-1254, bytes lost):
    /// `fix-encoding IN OUT`, or `fix-encoding --score DIR` to garble and
    /// repair every page under DIR and report how much comes back.
    FixEncoding {
        #[arg(required_unless_present = "score")]
        input: Option<std::path::PathBuf>,
        #[arg(required_unless_present = "score")]
        output: Option<std::path::PathBuf>,
        #[arg(long, value_name = "DIR", conflicts_with_all = ["input", "output"])]
        score: Option<std::path::PathBuf>,
    },
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Generate => Ok(()),
        Command::FixEncoding {
            input,
            output,
            score,
        } => match (score, input, output) {
            (Some(dir), _, _) => fix_encoding::score(&dir),
            (None, Some(input), Some(output)) => fix_encoding::fix(&input, &output),
            _ => anyhow::bail!("fix-encoding needs IN and OUT, or --score DIR"),
        },
    }
}
