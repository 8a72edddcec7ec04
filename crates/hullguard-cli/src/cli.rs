//! Command-line arguments.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Exit codes: 0 no findings at or above --fail-on; 1 findings at or above it; 2 usage or runtime error.

Implemented: Dockerfile analysis (`scan`), rule listing and docs (`rules`, `explain`).
Not implemented yet (planned, see DESIGN.md): compose files and `docker run` lines in `scan`,
`check`, `audit` (live engine), `guard` (admission), `image` (image inspection), `harden`.";

#[derive(Parser, Debug)]
#[command(
    name = "hullguard",
    version,
    about = "Find and fix what makes Docker deployments insecure",
    long_about = "hullguard reads Dockerfiles and tells you, precisely and fast, what is dangerous \
                  and how to fix it; with --fix it writes the safe fixes.",
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan Dockerfiles (files, or directories searched recursively)
    Scan(Box<ScanArgs>),
    /// List every rule (code, name, severity, default on/off, CIS IDs)
    Rules(RulesArgs),
    /// Print the documentation of one rule
    Explain(ExplainArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum OutputFormat {
    Text,
    Json,
    Sarif,
    Junit,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum SeverityArg {
    Critical,
    High,
    Medium,
    Low,
    Info,
    /// Never fail on findings (exit 0 unless an error occurs)
    None,
}

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Files or directories to scan. Directories are searched for `Dockerfile`,
    /// `Dockerfile.*`, `*.Dockerfile`, `*.dockerfile`, `Containerfile`,
    /// `Containerfile.*`, honouring `.gitignore`, `.ignore` and `.hullguardignore`.
    /// Files named explicitly are scanned whatever their name. `-` reads standard input.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,

    /// Write the report to FILE instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit 1 when a finding has this severity or higher [default: low, or
    /// `fail-on` from hullguard.toml]
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,

    /// Run only these rules (codes, code prefixes like `DF0`, names, or `ALL`;
    /// comma-separated or repeated). Replaces `select` from hullguard.toml
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<String>>,

    /// Add rules to the selection (e.g. rules that are off by default)
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub extend_select: Vec<String>,

    /// Do not run these rules
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,

    /// Use this configuration file for every path (default: the nearest
    /// hullguard.toml or .hullguard.toml above each scanned file)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Ignore every hullguard.toml
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,

    /// A build argument value used to resolve ARGs, as `docker build --build-arg`
    #[arg(long = "build-arg", value_name = "NAME=VALUE")]
    pub build_args: Vec<String>,

    /// The stage that is built (as `docker build --target`); default: the last one
    #[arg(long, value_name = "STAGE")]
    pub target: Option<String>,

    /// Exclude paths matching this glob (gitignore syntax; repeatable)
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Report only findings that are not in this baseline file
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record the current findings in FILE as the accepted baseline, then exit 0
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,

    /// Apply safe fixes to the files, then report what is left
    #[arg(long)]
    pub fix: bool,

    /// With --fix or --diff, also apply fixes marked unsafe (they may change behaviour)
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Show the fixes as a unified diff without writing; exit 1 if any would apply
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,

    /// When to use colour in text output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// One line per finding, without the source excerpt
    #[arg(long)]
    pub no_source: bool,

    /// Path shown for standard input (`-`)
    #[arg(long, value_name = "PATH", default_value = "<stdin>")]
    pub stdin_filename: String,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum RulesFormat {
    Text,
    Json,
    /// The rules documentation page (docs/rules.md is generated with this)
    Markdown,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// A rule code (`DF001`) or name (`root-user`)
    pub rule: String,
}
