//! Hardening actions and the plan for one container: which actions close which
//! findings, and what remains.

use hullguard_container::parse::{parse_bytes, parse_cpus};
use hullguard_container::{At, ContainerSpec, Mount, MountKind, Setting};
use hullguard_diagnostics::{Finding, RuleInfo};
use hullguard_rules::{check_container, CheckOptions};
use std::collections::HashSet;

/// Options for the values hardening adds.
#[derive(Debug, Clone)]
pub struct HardenOptions {
    /// Memory limit for containers without one, as written (`512m`).
    pub memory: String,
    /// CPU limit for containers without one, as written (`1.0`).
    pub cpus: String,
    /// Process limit for containers without one.
    pub pids_limit: i64,
    /// Rebind ports published on every interface to 127.0.0.1.
    pub bind_localhost: bool,
}

impl Default for HardenOptions {
    fn default() -> HardenOptions {
        HardenOptions {
            memory: "512m".into(),
            cpus: "1.0".into(),
            pids_limit: 256,
            bind_localhost: false,
        }
    }
}

impl HardenOptions {
    /// Checks the values before anything is written.
    pub fn validate(&self) -> Result<(), String> {
        let mem = parse_bytes(&self.memory)?;
        if mem < 6 * 1024 * 1024 {
            return Err(format!(
                "memory limit `{}` is below the engine's minimum of 6 MiB",
                self.memory
            ));
        }
        if parse_cpus(&self.cpus)? <= 0 {
            return Err(format!("CPU limit `{}` must be above 0", self.cpus));
        }
        if self.pids_limit <= 0 {
            return Err(format!(
                "process limit {} must be above 0 (0 or less means unlimited)",
                self.pids_limit
            ));
        }
        Ok(())
    }
}

/// Options of the `/tmp` tmpfs added with a read-only root filesystem.
pub const TMP_TMPFS_OPTIONS: &str = "rw,noexec,nosuid,nodev,size=64m";

/// One setting hardening can add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// `cap_drop: [ALL]` / `--cap-drop ALL`.
    DropAllCapabilities,
    /// `no-new-privileges:true`.
    NoNewPrivileges,
    /// `read_only: true`, with a `/tmp` tmpfs when the container has no mount there.
    ReadOnlyRoot {
        add_tmp: bool,
    },
    PidsLimit(i64),
    /// As written (`512m`).
    Memory(String),
    /// As written (`1.0`).
    Cpus(String),
    /// A non-root user the project's Dockerfile creates.
    User(String),
    /// Publish the ports that are on every interface on 127.0.0.1 only.
    BindLocalhost,
}

impl Action {
    /// What the action does, for comments and messages.
    pub fn describe(&self) -> String {
        match self {
            Action::DropAllCapabilities => {
                "drop every capability (add back only what the service needs with cap_add)".into()
            }
            Action::NoNewPrivileges => {
                "processes cannot gain privileges (setuid, file capabilities)".into()
            }
            Action::ReadOnlyRoot { add_tmp: true } => {
                "read-only root filesystem, with a small noexec tmpfs for /tmp".into()
            }
            Action::ReadOnlyRoot { add_tmp: false } => "read-only root filesystem".into(),
            Action::PidsLimit(n) => format!("at most {n} processes (a value to tune)"),
            Action::Memory(m) => format!("memory limit {m} (a value to tune)"),
            Action::Cpus(c) => format!("CPU limit {c} (a value to tune)"),
            Action::User(u) => format!("run as `{u}`, a user the Dockerfile creates"),
            Action::BindLocalhost => "publish ports on 127.0.0.1 only".into(),
        }
    }

    fn apply(&self, spec: &mut ContainerSpec) {
        let at = spec.at.clone();
        match self {
            Action::DropAllCapabilities => spec.cap_drop.push(At::new("ALL".into(), at)),
            Action::NoNewPrivileges => spec.no_new_privileges = Setting::set(true, at),
            Action::ReadOnlyRoot { add_tmp } => {
                spec.read_only = Setting::set(true, at.clone());
                if *add_tmp {
                    let mut m = Mount::new(MountKind::Tmpfs, "/tmp");
                    m.tmpfs_options = TMP_TMPFS_OPTIONS.split(',').map(str::to_string).collect();
                    spec.mounts.push(At::new(m, at));
                }
            }
            Action::PidsLimit(n) => spec.pids_limit = Setting::set(*n, at),
            Action::Memory(m) => {
                if let Ok(b) = parse_bytes(m) {
                    spec.memory = Setting::set(b, at);
                }
            }
            Action::Cpus(c) => {
                if let Ok(n) = parse_cpus(c) {
                    spec.nano_cpus = Setting::set(n, at);
                }
            }
            Action::User(u) => spec.user = Setting::set(u.clone(), at),
            Action::BindLocalhost => {
                for p in &mut spec.ports {
                    if is_all_interfaces(p.value.host_ip.as_deref()) {
                        p.value.host_ip = Some("127.0.0.1".into());
                    }
                }
            }
        }
    }
}

/// Whether a port's host address means every interface.
pub fn is_all_interfaces(ip: Option<&str>) -> bool {
    match ip {
        None => true,
        Some(ip) => {
            let ip = ip.trim().trim_start_matches('[').trim_end_matches(']');
            ip.is_empty() || ip == "0.0.0.0" || ip == "::"
        }
    }
}

/// An action and the rules whose findings it closes.
#[derive(Debug, Clone)]
pub struct PlannedAction {
    pub action: Action,
    pub closes: Vec<&'static RuleInfo>,
}

/// What hardening does for one container, and what it leaves.
#[derive(Debug, Clone)]
pub struct Plan {
    pub actions: Vec<PlannedAction>,
    /// Findings no action closes: they need a decision by someone who knows the
    /// application.
    pub remaining: Vec<Finding>,
}

fn key(f: &Finding) -> (&'static str, String) {
    (f.rule.code, f.fingerprint.clone())
}

/// Plans the actions for one container. `users` are non-root users its image's
/// Dockerfile creates (empty when unknown).
pub fn plan(
    spec: &ContainerSpec,
    opts: &HardenOptions,
    check: &CheckOptions,
    users: &[String],
    allow_user: bool,
) -> Plan {
    let before = check_container(spec, check);
    let before_keys: HashSet<_> = before.iter().map(key).collect();
    let mut candidates = Vec::new();
    if !spec.cap_drop.iter().any(|c| c.value == "ALL") && !spec.is_unresolved("cap_drop") {
        candidates.push(Action::DropAllCapabilities);
    }
    if spec.no_new_privileges.is_unset() {
        candidates.push(Action::NoNewPrivileges);
    }
    if spec.read_only.is_unset() {
        let has_tmp = spec
            .mounts
            .iter()
            .any(|m| m.value.target.trim_end_matches('/') == "/tmp");
        if !has_tmp && spec.is_unresolved("tmpfs") {
            // A /tmp mount may hide behind an unresolved value: do not add one.
        } else {
            candidates.push(Action::ReadOnlyRoot { add_tmp: !has_tmp });
        }
    }
    if spec.pids_limit.is_unset() {
        candidates.push(Action::PidsLimit(opts.pids_limit));
    }
    if spec.memory.is_unset() {
        candidates.push(Action::Memory(opts.memory.clone()));
    }
    if spec.nano_cpus.is_unset() && spec.cpu_quota.is_unset() {
        candidates.push(Action::Cpus(opts.cpus.clone()));
    }
    if allow_user && spec.user.is_unset() {
        if let Some(u) = users.last() {
            candidates.push(Action::User(u.clone()));
        }
    }
    if opts.bind_localhost
        && !spec.is_unresolved("ports")
        && spec
            .ports
            .iter()
            .any(|p| is_all_interfaces(p.value.host_ip.as_deref()))
    {
        candidates.push(Action::BindLocalhost);
    }
    let mut actions = Vec::new();
    let mut closed: HashSet<(&'static str, String)> = HashSet::new();
    for action in candidates {
        let mut s = spec.clone();
        action.apply(&mut s);
        let after = check_container(&s, check);
        let after_keys: HashSet<_> = after.iter().map(key).collect();
        // An action must not bring a finding of its own.
        if !after_keys.is_subset(&before_keys) {
            continue;
        }
        let gone: Vec<&Finding> = before
            .iter()
            .filter(|f| !after_keys.contains(&key(f)))
            .collect();
        if gone.is_empty() {
            continue;
        }
        let mut closes: Vec<&'static RuleInfo> = Vec::new();
        for f in &gone {
            closed.insert(key(f));
            if !closes.iter().any(|r| r.code == f.rule.code) {
                closes.push(f.rule);
            }
        }
        closes.sort_by_key(|r| r.code);
        actions.push(PlannedAction { action, closes });
    }
    let remaining = before
        .into_iter()
        .filter(|f| !closed.contains(&key(f)))
        .collect();
    Plan { actions, remaining }
}
