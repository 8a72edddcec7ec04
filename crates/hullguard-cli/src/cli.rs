//! Command-line arguments.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Exit codes: 0 no findings at or above --fail-on; 1 findings at or above it; 2 usage or runtime error.

Implemented: Dockerfiles, compose projects and `docker run` lines in shell scripts (`scan`),
one `docker run` command line (`check`), compose hardening overrides (`harden`), the live
engine and host against the CIS Docker Benchmark (`audit`), rule listing and docs (`rules`,
`explain`).
Not implemented yet (planned, see DESIGN.md): `guard` (admission), `image` (image
inspection).";

#[derive(Parser, Debug)]
#[command(
    name = "hullguard",
    version,
    about = "Find and fix what makes Docker deployments insecure",
    long_about = "hullguard reads Dockerfiles, compose files and `docker run` command lines and \
                  tells you, precisely and fast, what is dangerous and how to fix it; with --fix \
                  it writes the safe fixes, and `harden` writes a compose override that closes \
                  what can be closed without knowing the application.",
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan Dockerfiles, compose projects and shell scripts with `docker run` lines
    /// (files, or directories searched recursively)
    Scan(Box<ScanArgs>),
    /// Check one `docker run` / `docker create` command line given after `--`
    Check(Box<CheckArgs>),
    /// Write a compose override file that hardens every service
    Harden(Box<HardenArgs>),
    /// Audit a live Docker engine and its host against the CIS Docker Benchmark
    Audit(Box<AuditArgs>),
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

/// `--select`, `--extend-select`, `--ignore`: the same for every command.
#[derive(Args, Debug)]
pub struct RuleSelectionArgs {
    /// Run only these rules (codes, code prefixes like `DF0`, names, CIS IDs
    /// like `5.5`, or `ALL`; comma-separated or repeated). Replaces `select`
    /// from hullguard.toml
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<String>>,

    /// Add rules to the selection (e.g. rules that are off by default)
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub extend_select: Vec<String>,

    /// Do not run these rules
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
}

impl RuleSelectionArgs {
    pub fn selection(&self) -> hullguard_config::Selection {
        hullguard_config::Selection::from_cli(
            self.select.as_deref(),
            &self.extend_select,
            &self.ignore,
        )
    }
}

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Files or directories to scan [default: `.`, or nothing when `-f` is given].
    /// Directories are searched, honouring `.gitignore`, `.ignore` and
    /// `.hullguardignore`, for Dockerfiles (`Dockerfile`, `Dockerfile.*`,
    /// `*.Dockerfile`, `Containerfile` ...), compose files (`compose.yaml`,
    /// `compose.yml`, `docker-compose.yaml`, `docker-compose.yml`, each merged with
    /// its `*.override.*` file as `docker compose` does, and variants such as
    /// `docker-compose.prod.yml` on their own) and shell scripts (`*.sh`, or a
    /// `#!` line for sh/bash) whose `docker run` / `docker create` lines are
    /// checked. Files named explicitly are scanned whatever their name (`*.yml`
    /// and `*.yaml` as compose files, scripts by name or `#!`, anything else as a
    /// Dockerfile). `-` reads standard input (its kind from --stdin-filename).
    pub paths: Vec<PathBuf>,

    /// A compose file of one project, merged in order like `docker compose -f a
    /// -f b` (repeatable)
    #[arg(long = "file", short = 'f', value_name = "FILE")]
    pub compose_files: Vec<PathBuf>,

    /// Variables for compose interpolation from this file instead of the
    /// project's `.env` (repeatable; later files win)
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_files: Vec<PathBuf>,

    /// Compose profile to enable (repeatable). Default: every service is scanned,
    /// whatever its profiles, since any of them can be deployed
    #[arg(long = "profile", value_name = "NAME")]
    pub profiles: Vec<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,

    /// Write the report to FILE instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit 1 when a finding has this severity or higher [default: low, or
    /// `fail-on` from hullguard.toml]
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,

    #[command(flatten)]
    pub rules: RuleSelectionArgs,

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

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  hullguard check -- docker run --privileged -v /:/host alpine
  hullguard check --fix -- docker run -p 80:80 nginx:1.27")]
pub struct CheckArgs {
    /// Print the hardened command line (flags that close the findings that can
    /// be closed without knowing the application) instead of the report
    #[arg(long)]
    pub fix: bool,

    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,

    /// Exit 1 when a finding has this severity or higher [default: low]
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,

    #[command(flatten)]
    pub rules: RuleSelectionArgs,

    /// Configuration file (default: the nearest hullguard.toml above the current
    /// directory)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Ignore every hullguard.toml
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,

    /// When to use colour in text output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// One line per finding, without the source excerpt
    #[arg(long)]
    pub no_source: bool,

    /// The command line: `docker run|create [FLAGS] IMAGE [CMD...]` (also
    /// `docker container run|create`, `podman run|create`)
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

#[derive(Args, Debug)]
#[command(
    after_help = "The override is used as: docker compose -f compose.yaml -f compose.hardened.yaml up
It adds only what is missing (cap_drop, no-new-privileges, read-only root with a /tmp tmpfs,
pids/memory/CPU limits, a non-root user the project's Dockerfile creates); it never reverses an
explicit setting. What needs a decision (privileged, host namespaces, sensitive mounts, ...) is
listed as remaining work."
)]
pub struct HardenArgs {
    /// Compose files of the project, merged in order [default: `compose.yaml` or
    /// `docker-compose.yml` and its override in the current directory]
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Where to write the override [default: compose.hardened.yaml beside the
    /// first compose file]
    #[arg(long, short = 'o', value_name = "FILE", conflicts_with = "stdout")]
    pub output: Option<PathBuf>,

    /// Write the override to standard output
    #[arg(long)]
    pub stdout: bool,

    /// Also bind published ports to 127.0.0.1 (uses `!override`, which needs
    /// Docker Compose v2.24.4 or later)
    #[arg(long)]
    pub bind_localhost: bool,

    /// Memory limit for services without one (a value to tune)
    #[arg(long, value_name = "SIZE", default_value = "512m")]
    pub memory: String,

    /// CPU limit for services without one (a value to tune)
    #[arg(long, value_name = "CPUS", default_value = "1.0")]
    pub cpus: String,

    /// Process limit for services without one (a value to tune)
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub pids_limit: i64,

    /// Variables for interpolation from this file instead of `.env` (repeatable)
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_files: Vec<PathBuf>,

    /// Compose profile to enable (repeatable; default: every service)
    #[arg(long = "profile", value_name = "NAME")]
    pub profiles: Vec<String>,

    /// Configuration file (default: the nearest hullguard.toml above the project)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Ignore every hullguard.toml
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
}

#[derive(Args, Debug)]
#[command(
    after_help = "The audit only reads: it sends no request that changes the engine.
Engine: --host, else --context, else DOCKER_HOST (with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH),
else DOCKER_CONTEXT, else the Docker CLI's current context, else unix:///var/run/docker.sock.
Host files (daemon.json, systemd units, sockets, certificates, audit rules) are read when the
engine is local."
)]
pub struct AuditArgs {
    /// Engine endpoint (`unix:///path`, `tcp://host:2376`)
    #[arg(long, short = 'H', value_name = "HOST")]
    pub host: Option<String>,

    /// Docker context to use
    #[arg(long, value_name = "NAME", conflicts_with = "host")]
    pub context: Option<String>,

    /// Write the collected snapshot as JSON to FILE (and audit it)
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,

    /// Audit a snapshot saved with --save instead of an engine
    #[arg(long, value_name = "FILE", conflicts_with_all = ["host", "context"])]
    pub from: Option<PathBuf>,

    /// Only findings about these containers: NAME, ID (prefix), or
    /// label=KEY[=VALUE] (repeatable)
    #[arg(long, value_name = "FILTER")]
    pub container: Vec<String>,

    /// Do not read host files even when the engine is local
    #[arg(long)]
    pub no_host: bool,

    /// Follow the engine's events and audit each container as it is created,
    /// started or updated, printing new findings as they appear (text lines, or
    /// JSON lines with --format json), until interrupted
    #[arg(long, conflicts_with_all = ["from", "save", "output"])]
    pub watch: bool,

    /// Requests in flight at once while collecting
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub concurrency: usize,

    /// Seconds to wait for the engine
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub timeout: u64,

    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,

    /// Write the report to FILE instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit 1 when a finding has this severity or higher [default: low]
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,

    #[command(flatten)]
    pub rules: RuleSelectionArgs,

    /// Configuration file (default: the nearest hullguard.toml above the current
    /// directory)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Ignore every hullguard.toml
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,

    /// When to use colour in text output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// One line per finding, without the notes
    #[arg(long)]
    pub no_source: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum RulesFormat {
    Text,
    Json,
    /// The rules documentation page (docs/rules.md is generated with this)
    Markdown,
    /// Every CIS Docker Benchmark v1.8.0 recommendation with the rules that
    /// implement it, or why it is manual (docs/cis.md is generated with this)
    Cis,
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
