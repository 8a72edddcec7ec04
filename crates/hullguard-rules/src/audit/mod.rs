//! The live audit: rules over a [`Snapshot`] of a Docker engine and its host
//! (issue 4), one rule per file. [`check_snapshot`] runs the container rules on
//! every container of the snapshot (through the shared API JSON →
//! [`ContainerSpec`](hullguard_container::ContainerSpec) conversion) and then
//! the rules of this module: daemon (`DM`, CIS section 2), host and files (`HS`,
//! CIS sections 1 and 3), images (`IM`, CIS sections 4 and 6), live containers
//! (`LV`, what only a running engine shows) and swarm (`SW`, CIS sections 5.1
//! and 7).
//!
//! # Locations
//!
//! Every finding is a [`Location::Object`]; the pointer is an RFC 6901 pointer
//! into the object's own document:
//!
//! | kind        | name                                   | pointer into |
//! |-------------|----------------------------------------|--------------|
//! | `container` | the container's name                   | its inspect document (`/HostConfig/Privileged`) |
//! | `image`     | its first repository tag, or short id  | its inspect document (`/Config/User`); `/History/N/CreatedBy` is entry N of its history |
//! | `network`   | the network's name                     | its inspect document (`/Options/encrypted`) |
//! | `daemon`    | the endpoint (`unix:///var/run/docker.sock`) | `/info/...` (`GET /info`), `/version/...` (`GET /version`), `/args/N` (word N of the dockerd command line), `/daemon.json/KEY` (a key of `daemon.json`) |
//! | `host`      | the engine's host name (`info.Name`), or `host` | the file's path, as a pointer (`/etc/docker/daemon.json`; `~` is written `~0`) |
//! | `swarm`     | the swarm's name (`default`)           | `GET /swarm` (`/Spec/EncryptionConfig/AutoLockManagers`) |
//! | `node`      | the node's host name                   | its inspect document (`/ManagerStatus/Addr`) |
//! | `service`   | the service's name                     | its inspect document (`/Spec/TaskTemplate/ContainerSpec/Env/0`) |
//!
//! A finding about something missing points at the place where the setting
//! would go, or at the document root (`""`).
//!
//! # What cannot be checked
//!
//! A rule that needs something the snapshot does not have (host facts of a
//! remote engine, the dockerd command line, a host facility) does not guess: it
//! adds a note to [`AuditResult::notes`] naming what was not checked. Rules that
//! depend on a facility of the host (AppArmor, SELinux, the audit system,
//! systemd) fire only where the host has it.

use crate::container::{apply_overrides, check_container, sort_findings};
use crate::engine::{fingerprint, CheckOptions};
use crate::meta::problem_findings;
use hullguard_diagnostics::{Finding, Location, RuleInfo};
use hullguard_snapshot::Snapshot;
use std::collections::HashMap;

mod context;
mod daemon_config;
mod files;
mod history;

pub(crate) use context::AuditCtx;

// Daemon (CIS section 2).
mod changed_base_device_size;
mod daemon_cgroup_parent;
mod daemon_new_privileges_allowed;
mod daemon_seccomp_unconfined;
mod default_ulimits_unset;
mod deprecated_storage_driver;
mod experimental_features;
mod insecure_registry;
mod inter_container_communication;
mod iptables_disabled;
mod live_restore_disabled;
mod local_only_logging;
mod missing_authorization_plugin;
mod rootful_daemon;
mod unauthenticated_tcp_socket;
mod unsuitable_log_level;
mod userland_proxy_enabled;
mod userns_remap_disabled;

// Host and files (CIS sections 1 and 3).
mod docker_file_not_root_owned;
mod permissive_docker_file_mode;
mod shared_docker_root_partition;
mod unaudited_docker_path;

// Images (CIS sections 4 and 6).
mod image_add_instruction;
mod image_lone_update;
mod image_root_user;
mod image_secret;
mod image_sprawl;
mod missing_image_healthcheck;

// Live containers.
mod apparmor_profile_missing;
mod container_sprawl;
mod privileged_exec;
mod restart_loop;
mod root_exec;
mod selinux_label_missing;
mod stale_container_image;
mod unhealthy_container;

// Swarm (CIS sections 5.1 and 7).
mod long_node_certificate_expiry;
mod service_environment_secret;
mod shared_swarm_data_plane;
mod surplus_swarm_managers;
mod swarm_all_interfaces;
mod swarm_autolock_disabled;
mod unencrypted_overlay_network;
mod unused_swarm_mode;

// Why a rule could not check (the notes name the rules each reason stopped).
pub(crate) const NO_HOST: &str =
    "no host facts (the engine is remote, or its host could not be read)";
pub(crate) const NO_CONFIG: &str = "the dockerd command line or daemon.json could not be read";
pub(crate) const NO_INFO: &str = "the snapshot lacks the `GET /info` fields this needs";
pub(crate) const NO_SECURITY_OPTIONS: &str = "the snapshot has no `SecurityOptions` in `GET /info`";
pub(crate) const ROOTLESS: &str =
    "the engine runs rootless (user remapping, the userland proxy and root ownership of its files do not apply)";
pub(crate) const NO_SWARM: &str = "swarm mode is active but the snapshot has no swarm documents";
pub(crate) const SWARM_WORKER: &str =
    "the engine is a swarm worker (only managers show the swarm's configuration)";
pub(crate) const NO_SWARM_STATE: &str =
    "the swarm's listen and data-path addresses are not in the snapshot (`<DockerRootDir>/swarm/docker-state.json`)";

/// An audit rule: one check over the whole snapshot.
pub trait AuditRule: Sync {
    fn info(&self) -> &'static RuleInfo;
    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink);
}

/// Every audit rule, in code order.
pub static RULES: &[&dyn AuditRule] = &[
    &rootful_daemon::RootfulDaemon,
    &inter_container_communication::InterContainerCommunication,
    &unsuitable_log_level::UnsuitableLogLevel,
    &iptables_disabled::IptablesDisabled,
    &insecure_registry::InsecureRegistry,
    &deprecated_storage_driver::DeprecatedStorageDriver,
    &unauthenticated_tcp_socket::UnauthenticatedTcpSocket,
    &default_ulimits_unset::DefaultUlimitsUnset,
    &userns_remap_disabled::UsernsRemapDisabled,
    &daemon_cgroup_parent::DaemonCgroupParent,
    &changed_base_device_size::ChangedBaseDeviceSize,
    &missing_authorization_plugin::MissingAuthorizationPlugin,
    &local_only_logging::LocalOnlyLogging,
    &daemon_new_privileges_allowed::DaemonNewPrivilegesAllowed,
    &live_restore_disabled::LiveRestoreDisabled,
    &userland_proxy_enabled::UserlandProxyEnabled,
    &daemon_seccomp_unconfined::DaemonSeccompUnconfined,
    &experimental_features::ExperimentalFeatures,
    &shared_docker_root_partition::SharedDockerRootPartition,
    &unaudited_docker_path::UnauditedDockerPath,
    &docker_file_not_root_owned::DockerFileNotRootOwned,
    &permissive_docker_file_mode::PermissiveDockerFileMode,
    &image_root_user::ImageRootUser,
    &missing_image_healthcheck::MissingImageHealthcheck,
    &image_secret::ImageSecret,
    &image_add_instruction::ImageAddInstruction,
    &image_lone_update::ImageLoneUpdate,
    &image_sprawl::ImageSprawl,
    &privileged_exec::PrivilegedExec,
    &root_exec::RootExec,
    &restart_loop::RestartLoop,
    &unhealthy_container::UnhealthyContainer,
    &stale_container_image::StaleContainerImage,
    &apparmor_profile_missing::ApparmorProfileMissing,
    &selinux_label_missing::SelinuxLabelMissing,
    &container_sprawl::ContainerSprawl,
    &unused_swarm_mode::UnusedSwarmMode,
    &surplus_swarm_managers::SurplusSwarmManagers,
    &swarm_all_interfaces::SwarmAllInterfaces,
    &unencrypted_overlay_network::UnencryptedOverlayNetwork,
    &service_environment_secret::ServiceEnvironmentSecret,
    &swarm_autolock_disabled::SwarmAutolockDisabled,
    &long_node_certificate_expiry::LongNodeCertificateExpiry,
    &shared_swarm_data_plane::SharedSwarmDataPlane,
];

/// The findings of an audit, and what it could not check.
#[derive(Debug, Default)]
pub struct AuditResult {
    /// Ordered by object (daemon, host, containers, images, networks, swarm,
    /// nodes, services; then by name), pointer and rule code.
    pub findings: Vec<Finding>,
    /// What was not checked, and why (lower-case fragments). The snapshot's own
    /// notes (what could not be collected) are not repeated here.
    pub notes: Vec<String>,
}

/// Where the findings of the audit rules go.
pub struct AuditSink {
    findings: Vec<Finding>,
    seen: HashMap<String, usize>,
    notes: Vec<String>,
    /// Rules that could not check something, by reason.
    skipped: Vec<(String, Vec<&'static RuleInfo>)>,
}

impl AuditSink {
    fn new() -> AuditSink {
        AuditSink {
            findings: Vec::new(),
            seen: HashMap::new(),
            notes: Vec::new(),
            skipped: Vec::new(),
        }
    }

    /// Reports a finding at `at`. `key` is what the finding is about (a path, a
    /// registry, an exec id; empty for something missing): with the rule code
    /// and the object it makes the fingerprint, stable across snapshots.
    pub fn report(
        &mut self,
        rule: &'static RuleInfo,
        at: Location,
        key: &str,
        message: impl Into<String>,
    ) -> &mut Finding {
        let object = match &at {
            Location::Object { kind, name, .. } => format!("{kind}\u{1f}{name}"),
            Location::File { file, .. } => file.path.clone(),
        };
        let base = fingerprint(rule.code, Some(&object), key, "");
        let n = self.seen.entry(base.clone()).or_insert(0);
        *n += 1;
        let mut f = Finding::new(rule, at, message);
        f.fingerprint = if *n == 1 { base } else { format!("{base}-{n}") };
        self.findings.push(f);
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }

    /// Adds a note (once) about something that could not be checked.
    pub fn note(&mut self, note: impl Into<String>) {
        let note = note.into();
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    /// Records that `rule` could not check what it checks, because of `reason`
    /// (a fragment such as "no host facts (a remote engine)"). Rules skipped for
    /// the same reason share one note.
    pub fn skipped(&mut self, rule: &'static RuleInfo, reason: &str) {
        match self.skipped.iter_mut().find(|(r, _)| r == reason) {
            Some((_, rules)) => {
                if !rules.iter().any(|r| r.code == rule.code) {
                    rules.push(rule);
                }
            }
            None => self.skipped.push((reason.to_string(), vec![rule])),
        }
    }

    /// The notes, with one note per skip reason naming the rules it stopped.
    fn into_notes(mut self) -> (Vec<Finding>, Vec<String>) {
        for (reason, mut rules) in std::mem::take(&mut self.skipped) {
            rules.sort_by_key(|r| r.code);
            let names: Vec<String> = rules
                .iter()
                .map(|r| format!("{} {}", r.code, r.name))
                .collect();
            self.notes
                .push(format!("{reason}: not checked: {}", names.join(", ")));
        }
        (self.findings, self.notes)
    }
}

/// Audits a snapshot: the container rules on every container, then the audit
/// rules. Severity overrides of `opts` are applied.
pub fn check_snapshot(snap: &Snapshot, opts: &CheckOptions) -> AuditResult {
    let cx = AuditCtx::new(snap, &opts.rule_options);
    let mut sink = AuditSink::new();
    for n in &cx.notes {
        sink.note(n.clone());
    }
    let mut findings = Vec::new();
    for c in &cx.containers {
        let Some(spec) = &c.spec else {
            continue;
        };
        let mut fs = check_container(spec, opts);
        fs.retain(|f| cx.container_finding_applies(c, f));
        findings.extend(fs);
        findings.extend(problem_findings(&c.problems, opts));
    }
    for img in &cx.images {
        findings.extend(problem_findings(&img.problems, opts));
    }
    for rule in RULES {
        if opts.enabled.contains(rule.info().code) {
            rule.check(&cx, &mut sink);
        }
    }
    let (mut audit, notes) = sink.into_notes();
    apply_overrides(&mut audit, opts);
    findings.extend(audit);
    sort_by_object(&mut findings);
    AuditResult { findings, notes }
}

/// Orders findings by object kind (in the order of the report), name, pointer
/// and rule code.
fn sort_by_object(findings: &mut [Finding]) {
    const KINDS: [&str; 8] = [
        "daemon",
        "host",
        "container",
        "image",
        "network",
        "swarm",
        "node",
        "service",
    ];
    sort_findings(findings);
    findings.sort_by(|a, b| {
        let key = |f: &Finding| match &f.location {
            Location::Object { kind, name, .. } => (
                KINDS.iter().position(|k| k == kind).unwrap_or(KINDS.len()),
                name.clone(),
            ),
            Location::File { file, .. } => (KINDS.len() + 1, file.path.clone()),
        };
        key(a).cmp(&key(b))
    });
}

/// Escapes one reference token of a JSON pointer (RFC 6901: `~` is `~0`, `/`
/// is `~1`).
pub(crate) fn esc(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A host path as a pointer: its segments are the pointer's tokens, so only
/// `~` needs escaping.
pub(crate) fn path_pointer(path: &str) -> String {
    path.replace('~', "~0")
}
