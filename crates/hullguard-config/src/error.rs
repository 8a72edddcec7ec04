//! Typed errors of configuration loading and baseline handling. Every variant
//! carries enough context (file, line, column, offending value) for the CLI to
//! print a precise message without re-reading anything.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Shown instead of a path when the configuration came from a string.
const NO_PATH: &str = "<config>";

fn show(path: &Option<PathBuf>) -> String {
    path.as_deref()
        .map_or_else(|| NO_PATH.to_owned(), |p| p.display().to_string())
}

/// Why a configuration could not be loaded. `Clone` so a [`crate::ConfigCache`]
/// can remember a broken file instead of parsing it once per scanned file.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: Arc<io::Error>,
    },

    /// The file is not valid TOML or does not fit the schema (wrong type, missing
    /// value). Unknown keys have their own variant, [`ConfigError::UnknownKey`].
    #[error("{}:{line}:{column}: {message}", show(path))]
    Toml {
        path: Option<PathBuf>,
        line: usize,
        column: usize,
        message: String,
    },

    /// A key the schema does not know, usually a typo (`selct`).
    #[error("{}:{line}:{column}: unknown key `{key}`, {hint}", show(path))]
    UnknownKey {
        path: Option<PathBuf>,
        key: String,
        line: usize,
        column: usize,
        /// The keys allowed there: `expected one of `select`, ...`.
        hint: String,
    },

    /// A rule selector (code, code prefix, name or `ALL`) that matches no rule.
    #[error("{}:{line}:{column}: `{selector}` in `{option}` matches no rule code, code prefix or rule name", show(path))]
    UnknownRule {
        path: Option<PathBuf>,
        /// The option holding the selector: `select`, `ignore`, `severity`,
        /// `per-path-ignores` ...
        option: String,
        selector: String,
        line: usize,
        column: usize,
    },

    /// A rule selector given on the command line that matches no rule.
    #[error("`{selector}` in `{option}` matches no rule code, code prefix or rule name")]
    UnknownCliRule {
        /// `--select`, `--extend-select` or `--ignore`.
        option: String,
        selector: String,
    },

    #[error("{}:{line}:{column}: invalid severity `{value}` for `{key}` (expected one of: info, low, medium, high, critical)", show(path))]
    InvalidSeverity {
        path: Option<PathBuf>,
        /// `fail-on` or the rule selector under `[severity]`.
        key: String,
        value: String,
        line: usize,
        column: usize,
    },

    #[error(
        "{}:{line}:{column}: invalid glob `{glob}` in `per-path-ignores`: {source}",
        show(path)
    )]
    InvalidGlob {
        path: Option<PathBuf>,
        glob: String,
        line: usize,
        column: usize,
        #[source]
        source: globset::Error,
    },

    #[error(
        "{}:{line}:{column}: invalid regular expression `{pattern}` in `secret-patterns`: {source}",
        show(path)
    )]
    InvalidRegex {
        path: Option<PathBuf>,
        pattern: String,
        line: usize,
        column: usize,
        #[source]
        source: regex::Error,
    },

    /// A secret pattern such as `a*` that matches the empty string would flag
    /// every value, so it is rejected rather than drowning real findings.
    #[error("{}:{line}:{column}: regular expression `{pattern}` in `secret-patterns` matches the empty string", show(path))]
    RegexMatchesEmpty {
        path: Option<PathBuf>,
        pattern: String,
        line: usize,
        column: usize,
    },

    #[error(
        "{}:{line}:{column}: invalid trusted registry `{value}`: {reason}",
        show(path)
    )]
    InvalidRegistry {
        path: Option<PathBuf>,
        value: String,
        reason: &'static str,
        line: usize,
        column: usize,
    },

    #[error(
        "{}:{line}:{column}: invalid `{key}` entry `{value}`: {reason}",
        show(path)
    )]
    InvalidContainerOption {
        path: Option<PathBuf>,
        key: &'static str,
        value: String,
        reason: &'static str,
        line: usize,
        column: usize,
    },
}

impl ConfigError {
    /// The configuration file the error is about, when there is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            ConfigError::Io { path, .. } => Some(path),
            ConfigError::Toml { path, .. }
            | ConfigError::UnknownKey { path, .. }
            | ConfigError::UnknownRule { path, .. }
            | ConfigError::InvalidSeverity { path, .. }
            | ConfigError::InvalidGlob { path, .. }
            | ConfigError::InvalidRegex { path, .. }
            | ConfigError::RegexMatchesEmpty { path, .. }
            | ConfigError::InvalidRegistry { path, .. }
            | ConfigError::InvalidContainerOption { path, .. } => path.as_deref(),
            ConfigError::UnknownCliRule { .. } => None,
        }
    }
}

/// Why a baseline could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BaselineError {
    #[error("baseline {} does not exist (create it with `--write-baseline`)", path.display())]
    Missing { path: PathBuf },

    #[error("cannot read baseline {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error("cannot write baseline {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error("{}:{line}:{column}: invalid baseline: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },

    #[error("baseline {} has version {found}, this hullguard reads version {supported}", path.display())]
    UnsupportedVersion {
        path: PathBuf,
        /// The `version` field as written (`null` when absent).
        found: String,
        supported: u32,
    },

    #[error("{} is not a hullguard baseline (tool is `{tool}`)", path.display())]
    WrongTool { path: PathBuf, tool: String },
}
