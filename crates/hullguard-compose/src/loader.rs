//! Loading a compose project as `docker compose` (compose-go v2) does: file
//! discovery, the project environment (`.env` / `--env-file` under the process
//! environment), interpolation, `include`, `extends`, the merge of several files
//! and documents, profiles and the project name.
//!
//! Unlike docker compose, loading never stops at the first error: whatever
//! compose-go would reject (a YAML error, an unresolved `${VAR:?}`, a missing
//! `extends` target, an include cycle ...) becomes a [`Problem`](hullguard_container::Problem) in
//! [`Project::problems`] and the rest is still loaded, so the linter sees as
//! much of the configuration as can be read. Only "there is nothing to load"
//! (no compose file found, a file named explicitly that cannot be read) is a
//! [`LoadError`].
//!
//! Choices where docker compose's answer does not suit a linter:
//! - an unset variable without a default is [`Value::Unknown`](crate::node::Value)
//!   plus a problem, never the empty string docker compose substitutes;
//! - the legacy v1 format (services at the top level, no `services:` key) is
//!   loaded as if its services were under `services:`, without a problem:
//!   docker compose v2 refuses such files, but they still describe containers
//!   worth checking;
//! - a duplicate YAML key is a problem and the later value is used (compose-go
//!   rejects the file);
//! - a resource defined both locally and by an `include` is a problem (the
//!   Compose specification says Compose warns) and, as compose-go does, the
//!   local definition is merged over the included one;
//! - discovery looks only in the given directory (docker compose also walks
//!   up to the parent directories): the scanner walks directories itself;
//! - `environment: [KEY]` entries are left without a value: compose-go fills
//!   them from the project environment, which here would put the linting
//!   user's shell variables into the findings;
//! - files in `COMPOSE_FILE` are relative to the project directory, which
//!   stays the working directory;
//! - `COMPOSE_PROFILES` adds to the selected profiles (docker compose reads it
//!   only when no `--profile` is given): a linter would rather check too much;
//! - a service whose `profiles:` cannot be interpolated counts as active.
//!
//! All paths in a [`Project`] with a directory are absolute: [`Project::dir`], every
//! [`Service::dir`](crate::project::Service), and the relative paths of
//! services that come from another directory (an `extends` of a file elsewhere,
//! an `include`), which are rewritten against that directory as compose-go
//! does; the relative paths written in the files given on the command line
//! resolve against [`Project::dir`] (compose-go resolves every `-f` file
//! against the project directory, not against the file's own directory).

pub(crate) mod merge;
mod model;
pub(crate) mod paths;

use crate::project::{LoadOptions, Project};
use hullguard_diagnostics::SourceFile;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Why a project could not be loaded at all.
#[derive(Debug)]
pub enum LoadError {
    /// No compose file in the directory (and no `COMPOSE_FILE`).
    NoComposeFile { dir: PathBuf },
    /// A compose or env file given explicitly could not be read.
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::NoComposeFile { dir } => write!(
                f,
                "no compose file (compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml) in {}",
                dir.display()
            ),
            LoadError::Read { path, source } => {
                write!(f, "cannot read {}: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LoadError::Read { source, .. } => Some(source),
            LoadError::NoComposeFile { .. } => None,
        }
    }
}

/// The names docker compose discovers, in its order of preference
/// (compose-go `cli.DefaultFileNames`: `.yml` before `.yaml` for the legacy
/// `docker-compose` name).
pub const DEFAULT_FILE_NAMES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];

/// Override files docker compose adds to a discovered file, in its order of
/// preference (compose-go `cli.DefaultOverrideFileNames`).
pub const DEFAULT_OVERRIDE_FILE_NAMES: [&str; 4] = [
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
];

/// Whether a file name is one docker compose discovers (a compose file or an
/// override file).
pub fn is_compose_file_name(name: &str) -> bool {
    DEFAULT_FILE_NAMES.contains(&name) || DEFAULT_OVERRIDE_FILE_NAMES.contains(&name)
}

/// The files `docker compose` would load in `dir` without `-f`: the first of
/// [`DEFAULT_FILE_NAMES`] that exists, then the first override file that exists
/// (docker compose picks the override independently of which main file won).
pub fn discover(dir: &Path) -> Vec<PathBuf> {
    let first = |names: &[&str]| names.iter().map(|n| dir.join(n)).find(|p| p.is_file());
    let Some(main) = first(&DEFAULT_FILE_NAMES) else {
        return Vec::new();
    };
    let mut files = vec![main];
    files.extend(first(&DEFAULT_OVERRIDE_FILE_NAMES));
    files
}

/// Loads a project as `docker compose -f FILE... --env-file F... --profile P...`
/// would (see the module documentation for what differs).
pub fn load_project(opts: &LoadOptions) -> Result<Project, LoadError> {
    model::load_project(opts)
}

/// One in-memory file as a project (fixtures, stdin): no discovery; `.env`,
/// includes, extends from other files and env files resolve against `dir` when
/// it is given (and are reported as problems when it is not).
pub fn load_str(
    file: Arc<SourceFile>,
    dir: Option<&Path>,
    environment: &BTreeMap<String, String>,
) -> Project {
    model::load_str(file, dir, environment)
}

/// compose-go `NormalizeProjectName`: lower case, only `[a-z0-9_-]` kept,
/// leading `_` and `-` dropped.
pub fn normalize_project_name(s: &str) -> String {
    let kept: String = s
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-')
        .collect();
    kept.trim_start_matches(['_', '-']).to_string()
}
