//! hullguard's configuration (`hullguard.toml`: discovery, validation, rule
//! selection) and baselines of accepted findings. Nothing here prints or exits.
//!
//! The user documentation is `docs/configuration.md`; in short:
//!
//! ```toml
//! select = ["ALL"]              # codes, code prefixes ("DF0"), names or "ALL"
//! extend-select = ["DF030"]     # added to select (or to the defaults)
//! ignore = ["DF022", "latest-tag"]
//! fail-on = "medium"            # default for `scan --fail-on`
//!
//! [severity]                    # per-rule severity; key = code, name, prefix or ALL
//! DF003 = "high"
//!
//! [per-path-ignores]            # glob relative to this file's directory -> rules
//! "legacy/**" = ["ALL"]
//! "**/Dockerfile.dev" = ["DF001", "root-user"]
//!
//! [dockerfile]
//! trusted-registries = ["docker.io/library", "gcr.io/distroless"]
//! secret-patterns = ['corp_[A-Za-z0-9]{32}']
//! build-args = { RUNAS = "1000" }
//! ```
//!
//! Configuration is validated against the rule list the caller passes (this
//! crate does not depend on the rules): unknown keys, selectors matching no
//! rule, bad severities, globs and regular expressions are all errors carrying
//! the file, line and column.
//!
//! The selected rules for a file are: `select` (or every `default_enabled`
//! rule), plus `extend-select`, minus `ignore`, minus the rules of every
//! matching `[per-path-ignores]` glob. The command line ([`Selection`])
//! overrides as in ruff: `--select` replaces `select` and `extend-select`,
//! `--extend-select` and `--ignore` add.

mod baseline;
mod config;
mod discovery;
mod error;
mod paths;
mod selection;

pub use baseline::{Baseline, BaselineEntry, BASELINE_VERSION};
pub use config::Config;
pub use discovery::{discover, ConfigCache, CONFIG_FILE_NAMES};
pub use error::{BaselineError, ConfigError};
pub use selection::{resolve_selector, selector_matches, split_list, Selection};
