//! Maintainer commands: `cargo xtask generate`, ...
use clap::{Parser, Subcommand};

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
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Generate => Ok(()),
    }
}
