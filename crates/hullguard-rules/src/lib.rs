//! hullguard's rules. Each rule lives in its own file with its metadata and its
//! documentation (the doc comment of its `declare_rule!`), and one check.
//!
//! [`check_dockerfile`] runs the Dockerfile rules in one pass over the
//! instructions (a fold, as hadolint does): rules that need the whole stage or
//! file decide at its end instead of looking ahead.
//!
//! [`check_container`] runs the container rules over one
//! [`ContainerSpec`](hullguard_container::ContainerSpec), whatever produced it
//! (a compose service, a `docker run` line, an Engine API document), and
//! [`problem_findings`] reports what those sources could not read.
//!
//! [`check_snapshot`] audits a live engine's [`Snapshot`](hullguard_snapshot::Snapshot):
//! the container rules on every container, plus the daemon, host, image, live
//! container and swarm rules of [`audit`]. [`cis_table`] maps every CIS Docker
//! Benchmark v1.8.0 recommendation to the rules that implement it.

#[macro_use]
mod macros;
pub mod audit;
mod cis;
mod cmd;
pub mod container;
pub mod dockerfile;
mod engine;
mod fix;
mod meta;
pub mod secrets;
mod suppress;

pub use audit::{check_snapshot, AuditResult};
pub use cis::{cis_markdown, cis_table, CisEntry, CisStatus};
pub use cmd::{Cmd, CmdArg};
pub use container::check_container;
pub use engine::{check_dockerfile, CheckOptions, DockerfileResult, RuleOptions};
pub use fix::apply_fixes;
pub use meta::{
    problem_findings, INVALID_CONTAINER_CONFIG, INVALID_INSTRUCTION, PARSE_ERROR, UNRESOLVED_VALUE,
    UNUSED_SUPPRESSION,
};

use hullguard_diagnostics::RuleInfo;

/// Every rule hullguard has, in code order.
pub fn all_rules() -> Vec<&'static RuleInfo> {
    let mut rules: Vec<&'static RuleInfo> = meta::RULES.to_vec();
    rules.extend(dockerfile::RULES.iter().map(|r| r.info()));
    rules.extend(container::RULES.iter().map(|r| r.info()));
    rules.extend(audit::RULES.iter().map(|r| r.info()));
    rules.sort_by_key(|r| r.code);
    rules
}

/// Finds a rule by code or name (case-insensitive).
pub fn find_rule(key: &str) -> Option<&'static RuleInfo> {
    all_rules()
        .into_iter()
        .find(|r| r.code.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
}

/// The documentation of a rule as plain Markdown (doc comments carry one leading
/// space per line; this removes it).
pub fn doc_markdown(info: &RuleInfo) -> String {
    let mut out = String::new();
    for line in info.doc.lines() {
        out.push_str(line.strip_prefix(' ').unwrap_or(line));
        out.push('\n');
    }
    out.trim().to_string() + "\n"
}

/// Whether `key` (a code, a code prefix such as `DF0` or `DF`, a name, or `ALL`)
/// selects `rule`.
pub fn selects(key: &str, rule: &RuleInfo) -> bool {
    let key = key.trim();
    key.eq_ignore_ascii_case("all")
        || rule.name.eq_ignore_ascii_case(key)
        || (!key.is_empty()
            && rule.code.len() >= key.len()
            && rule.code[..key.len()].eq_ignore_ascii_case(key))
}
