//! `hullguard`: the command-line tool. It wires the libraries together, prints,
//! and decides the exit code: 0 clean, 1 findings at or above `--fail-on`,
//! 2 usage or runtime error.

mod audit;
mod check;
mod cli;
mod discover;
mod docs;
mod harden;
mod line_suppress;
mod output;
mod scan;
mod watch;

use clap::Parser;
use std::process::ExitCode;

/// mimalloc: parsing thousands of files is allocation-heavy (tree-sitter nodes,
/// words, findings), and glibc malloc spends a fifth of the run in its locks and
/// bookkeeping; mimalloc's thread-local heaps cut that.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let result = match args.command {
        cli::Command::Scan(a) => scan::run(*a),
        cli::Command::Check(a) => check::run(*a),
        cli::Command::Harden(a) => harden::run(*a),
        cli::Command::Audit(a) => audit::run(*a),
        cli::Command::Rules(a) => docs::rules(a),
        cli::Command::Explain(a) => docs::explain(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("hullguard: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
