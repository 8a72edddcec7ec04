//! Container rules, one per file, written once against
//! [`ContainerSpec`](hullguard_container::ContainerSpec): they check compose
//! services, `docker run` command lines, Engine API create bodies and inspected
//! containers alike (`DESIGN.md`, "The centre: one normalised model").
//!
//! Invariants every rule keeps:
//! - a [`Setting::Unknown`](hullguard_container::Setting) value (an unresolved
//!   variable, a value of the wrong type) never fires, and never counts as missing;
//! - a list named in `spec.unresolved` never triggers a rule about something
//!   missing from that list;
//! - a finding points at the value's own location, or at `spec.at` when the
//!   finding is about something missing.

use crate::engine::{fingerprint, CheckOptions, RuleOptions};
use hullguard_container::ContainerSpec;
use hullguard_diagnostics::{Finding, Location, RuleInfo};
use std::collections::HashMap;

mod util;

mod all_interfaces_port;
mod apparmor_unconfined;
mod capabilities_not_dropped;
mod container_root_user;
mod custom_cgroup_parent;
mod dangerous_capability;
mod default_bridge_network;
mod environment_secret;
mod executable_tmpfs;
mod host_cgroupns;
mod host_device;
mod host_ipc;
mod host_network;
mod host_pid;
mod host_userns;
mod host_uts;
mod image_without_digest;
mod logging_disabled;
mod missing_container_healthcheck;
mod oom_killer_disabled;
mod privilege_escalation_allowed;
mod privileged_container;
mod privileged_host_port;
mod publish_all_ports;
mod runtime_socket_mount;
mod seccomp_unconfined;
mod selinux_disabled;
mod sensitive_host_mount;
mod shared_mount_propagation;
mod shared_namespace;
mod unlimited_cpu;
mod unlimited_memory;
mod unlimited_pids;
mod unlimited_restarts;
mod unpinned_image;
mod unsafe_sysctl;
mod weak_runtime;
mod writable_root_filesystem;

pub use util::normalize_host_path;

/// Everything a container rule sees.
pub struct ContainerCtx<'a> {
    pub spec: &'a ContainerSpec,
    pub opts: &'a RuleOptions,
}

/// A container rule: one check over one spec.
pub trait ContainerRule: Sync {
    fn info(&self) -> &'static RuleInfo;
    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink);
}

/// Where the findings of the rules go while they run over one spec.
pub struct ContainerSink<'a> {
    spec: &'a ContainerSpec,
    findings: Vec<Finding>,
    seen: HashMap<String, usize>,
}

impl<'a> ContainerSink<'a> {
    fn new(spec: &'a ContainerSpec) -> ContainerSink<'a> {
        ContainerSink {
            spec,
            findings: Vec::new(),
            seen: HashMap::new(),
        }
    }

    /// Reports a finding at `at`. `key` is the normalised value the finding is
    /// about (`SYS_ADMIN`, `/etc`, `80/tcp`; empty for something missing): with the
    /// rule code and the object's kind and name it makes the fingerprint, which
    /// therefore survives edits that move lines. Returns the finding so the caller
    /// can add help or change its severity.
    pub fn report(
        &mut self,
        rule: &'static RuleInfo,
        at: &Location,
        key: &str,
        message: impl Into<String>,
    ) -> &mut Finding {
        let object = format!("{}\u{1f}{}", self.spec.kind, self.spec.name);
        let base = fingerprint(rule.code, Some(&object), key, "");
        let n = self.seen.entry(base.clone()).or_insert(0);
        *n += 1;
        let mut f = Finding::new(rule, at.clone(), message);
        f.fingerprint = if *n == 1 { base } else { format!("{base}-{n}") };
        self.findings.push(f);
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }
}

/// Every container rule, in code order.
pub static RULES: &[&dyn ContainerRule] = &[
    &privileged_container::PrivilegedContainer,
    &container_root_user::ContainerRootUser,
    &dangerous_capability::DangerousCapability,
    &capabilities_not_dropped::CapabilitiesNotDropped,
    &host_network::HostNetwork,
    &host_pid::HostPid,
    &host_ipc::HostIpc,
    &host_uts::HostUts,
    &host_userns::HostUserns,
    &host_cgroupns::HostCgroupns,
    &shared_namespace::SharedNamespace,
    &runtime_socket_mount::RuntimeSocketMount,
    &sensitive_host_mount::SensitiveHostMount,
    &shared_mount_propagation::SharedMountPropagation,
    &writable_root_filesystem::WritableRootFilesystem,
    &executable_tmpfs::ExecutableTmpfs,
    &seccomp_unconfined::SeccompUnconfined,
    &apparmor_unconfined::ApparmorUnconfined,
    &selinux_disabled::SelinuxDisabled,
    &privilege_escalation_allowed::PrivilegeEscalationAllowed,
    &unlimited_memory::UnlimitedMemory,
    &unlimited_cpu::UnlimitedCpu,
    &unlimited_pids::UnlimitedPids,
    &oom_killer_disabled::OomKillerDisabled,
    &all_interfaces_port::AllInterfacesPort,
    &privileged_host_port::PrivilegedHostPort,
    &publish_all_ports::PublishAllPorts,
    &host_device::HostDevice,
    &unsafe_sysctl::UnsafeSysctl,
    &unlimited_restarts::UnlimitedRestarts,
    &missing_container_healthcheck::MissingContainerHealthcheck,
    &environment_secret::EnvironmentSecret,
    &unpinned_image::UnpinnedImage,
    &image_without_digest::ImageWithoutDigest,
    &logging_disabled::LoggingDisabled,
    &custom_cgroup_parent::CustomCgroupParent,
    &weak_runtime::WeakRuntime,
    &default_bridge_network::DefaultBridgeNetwork,
];

/// Runs the enabled container rules over one spec. Findings come back ordered by
/// position (byte offset in a file, or JSON pointer), then rule code; severity
/// overrides of `opts` are applied.
pub fn check_container(spec: &ContainerSpec, opts: &CheckOptions) -> Vec<Finding> {
    let cx = ContainerCtx {
        spec,
        opts: &opts.rule_options,
    };
    let mut sink = ContainerSink::new(spec);
    for rule in RULES {
        if opts.enabled.contains(rule.info().code) {
            rule.check(&cx, &mut sink);
        }
    }
    let mut findings = sink.findings;
    apply_overrides(&mut findings, opts);
    sort_findings(&mut findings);
    findings
}

/// Applies the configured severity overrides (they replace the rule's own choice,
/// as for Dockerfile rules).
pub(crate) fn apply_overrides(findings: &mut [Finding], opts: &CheckOptions) {
    for f in findings {
        if let Some(sev) = opts.severities.get(f.rule.code) {
            f.severity = *sev;
        }
    }
}

pub(crate) fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        position(a)
            .cmp(&position(b))
            .then(a.rule.code.cmp(b.rule.code))
    });
}

fn position(f: &Finding) -> (usize, &str) {
    match &f.location {
        Location::File { span, .. } => (span.start, ""),
        Location::Object { pointer, .. } => (0, pointer.as_str()),
    }
}
