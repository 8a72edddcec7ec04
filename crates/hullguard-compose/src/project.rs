//! A loaded compose project: the merged, interpolated service definitions with
//! their source positions, and what could not be read.

use crate::node::Node;
use hullguard_container::Problem;
use hullguard_diagnostics::SourceFile;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// What to load, like `docker compose [-f FILE]... [--env-file F]... [--profile P]...`.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Compose files merged in order (`-f`). Empty: discover `compose.yaml` (and
    /// the other standard names) and its `*.override.*` in `working_dir`.
    pub files: Vec<PathBuf>,
    /// Project directory: where discovery looks, and what `.env` and relative
    /// paths resolve against (the first file's directory when `files` is given).
    pub working_dir: PathBuf,
    /// `--env-file`: replaces the project's `.env` when not empty.
    pub env_files: Vec<PathBuf>,
    /// `--profile`: services in these profiles are active (plus those without
    /// profiles). `COMPOSE_PROFILES` in the environment adds to them.
    pub profiles: Vec<String>,
    /// The process environment, passed in so tests control it. It takes
    /// precedence over `.env`.
    pub environment: BTreeMap<String, String>,
}

/// A loaded project.
#[derive(Debug, Clone)]
pub struct Project {
    pub name: String,
    pub dir: PathBuf,
    /// Every file read (compose files, included and extended files, env files), so
    /// findings and suppressions can refer to them.
    pub files: Vec<Arc<SourceFile>>,
    /// Active services (profiles applied), in the order of the merged document.
    pub services: Vec<Service>,
    /// Top-level `volumes:`, `networks:`, `secrets:`, `configs:` mappings after
    /// merging and interpolation.
    pub volumes: Option<Node>,
    pub networks: Option<Node>,
    pub secrets: Option<Node>,
    pub configs: Option<Node>,
    /// The variables interpolation used (`.env` or `--env-file`, overridden by the
    /// process environment).
    pub env: BTreeMap<String, String>,
    /// YAML errors, duplicate keys, unresolved variables, bad `extends`/`include`.
    pub problems: Vec<Problem>,
    /// A file in the legacy v1 format was loaded: named volumes need no
    /// top-level declaration there.
    pub legacy_v1: bool,
}

/// One service after merging, `extends` and interpolation.
#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    /// The service's key in the file that defines it (the last file that mentions
    /// it): where a finding about a missing setting points.
    pub key: Node,
    /// The service's mapping.
    pub node: Node,
    /// Directory that relative paths of this service (build context, bind
    /// sources, env files) resolve against: its file's directory.
    pub dir: PathBuf,
}
