//! CT003: a dangerous Linux capability added to the container.

use super::util::{help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_container::normalize_capability;
use hullguard_diagnostics::{RuleInfo, Severity};

declare_rule! {
    /// ## What it does
    /// Reports capabilities added to a container (`cap_add`, `--cap-add`,
    /// `HostConfig.CapAdd`) that let it reach beyond its namespaces. Names are
    /// compared normalised (`sys_admin`, `CAP_SYS_ADMIN` and `SYS_ADMIN` are one).
    /// Capabilities listed in `allowed-capabilities` (configuration) are accepted.
    ///
    /// | capability | severity | why |
    /// |---|---|---|
    /// | `ALL` | critical | every capability: privileged in all but devices and LSM |
    /// | `SYS_ADMIN` | critical | mount, namespaces, BPF maps, cgroup `release_agent` escapes: "the new root" |
    /// | `SYS_MODULE` | critical | loads kernel modules: code in the host kernel |
    /// | `SYS_RAWIO` | critical | raw I/O ports and `/dev/mem`-style access to hardware |
    /// | `DAC_READ_SEARCH` | critical | `open_by_handle_at`: reads any host file (the "shocker" escape) |
    /// | `SYS_PTRACE` | high | traces and injects into processes; bypasses seccomp on old kernels; with a host PID namespace, every host process |
    /// | `NET_ADMIN` | high | reconfigures interfaces, routes and firewall rules; the host's with host networking |
    /// | `BPF` | high | loads eBPF programs that read kernel memory |
    /// | `MAC_ADMIN`, `MAC_OVERRIDE` | high | changes or bypasses AppArmor/SELinux policy |
    /// | `SYS_TIME` | high | sets the host's clock (time is not namespaced): breaks TLS, logs, Kerberos |
    /// | `SYS_BOOT` | high | reboots the host when the PID namespace is shared, `kexec_load` |
    /// | `AUDIT_CONTROL` | high | changes or disables the host's kernel audit rules |
    /// | `DAC_OVERRIDE` | medium | ignores file permissions on everything mounted (a default capability: reported when added explicitly) |
    /// | `PERFMON`, `SYSLOG` | medium | read kernel addresses and events (KASLR bypass) |
    /// | `LINUX_IMMUTABLE` | medium | sets immutable/append-only flags, on host files when mounted |
    /// | `SYS_RESOURCE` | medium | exceeds resource limits and quotas: host denial of service |
    /// | `CHECKPOINT_RESTORE`, `AUDIT_READ`, `SYS_PACCT` | medium | read other processes' state, the host's audit log, process accounting |
    /// | `NET_RAW` | low | forges packets, ARP/DNS spoofing on the bridge (a default capability CIS 5.4 asks to drop) |
    /// | `SETFCAP` | low | sets file capabilities, a step in user-namespace escapes (a default capability) |
    ///
    /// Capabilities whose effect stays within the container's limits (`CHOWN`,
    /// `NET_BIND_SERVICE`, `IPC_LOCK`, `SYS_NICE` ...) are not reported.
    ///
    /// ## Why is this bad?
    /// Capabilities split root's power; the engine keeps a small default set and
    /// drops the rest. Adding one back opens the door it guards, and several are
    /// known container escapes on their own. CIS Docker Benchmark 5.4.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   vpn:
    ///     image: example/vpn:3
    ///     cap_add: [SYS_ADMIN]
    /// ```
    ///
    /// Use instead: the narrow capability the program needs.
    /// ```yaml
    /// services:
    ///   vpn:
    ///     image: example/vpn:3
    ///     cap_add: [NET_ADMIN]
    ///     cap_drop: [ALL]
    /// ```
    /// and accept it in `hullguard.toml` (`allowed-capabilities = ["NET_ADMIN"]`).
    ///
    /// ## How to fix
    /// Remove the capability from `cap_add` (`--cap-add`), or replace it with a
    /// narrower one; if the workload really needs it, allow it in the configuration.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.4
    /// - [Runtime privilege and Linux capabilities](https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities)
    /// - [capabilities(7)](https://man7.org/linux/man-pages/man7/capabilities.7.html)
    pub static DANGEROUS_CAPABILITY = {
        code: "CT003",
        name: "dangerous-capability",
        severity: High,
        default_enabled: true,
        cis: ["5.4"],
        summary: "a dangerous capability is added to the container",
        fixable: false,
    }
}

pub struct DangerousCapability;

/// The capabilities reported, with their severity and what they give.
const DANGEROUS: &[(&str, Severity, &str)] = &[
    ("ALL", Severity::Critical, "every capability"),
    (
        "SYS_ADMIN",
        Severity::Critical,
        "mounts, namespaces and known escapes",
    ),
    (
        "SYS_MODULE",
        Severity::Critical,
        "loads kernel modules into the host kernel",
    ),
    (
        "SYS_RAWIO",
        Severity::Critical,
        "raw access to host hardware and memory",
    ),
    (
        "DAC_READ_SEARCH",
        Severity::Critical,
        "reads any host file through `open_by_handle_at`",
    ),
    (
        "SYS_PTRACE",
        Severity::High,
        "traces and injects code into processes",
    ),
    (
        "NET_ADMIN",
        Severity::High,
        "reconfigures interfaces, routes and firewall rules",
    ),
    (
        "BPF",
        Severity::High,
        "loads eBPF programs that read kernel memory",
    ),
    (
        "MAC_ADMIN",
        Severity::High,
        "changes AppArmor and SELinux policy",
    ),
    (
        "MAC_OVERRIDE",
        Severity::High,
        "bypasses AppArmor and SELinux policy",
    ),
    ("SYS_TIME", Severity::High, "sets the host's clock"),
    (
        "SYS_BOOT",
        Severity::High,
        "reboots the host or loads a new kernel",
    ),
    (
        "AUDIT_CONTROL",
        Severity::High,
        "changes the host's kernel audit rules",
    ),
    ("DAC_OVERRIDE", Severity::Medium, "ignores file permissions"),
    (
        "PERFMON",
        Severity::Medium,
        "reads kernel events and addresses",
    ),
    (
        "SYSLOG",
        Severity::Medium,
        "reads the kernel log and kernel addresses",
    ),
    (
        "LINUX_IMMUTABLE",
        Severity::Medium,
        "sets immutable flags on files",
    ),
    (
        "SYS_RESOURCE",
        Severity::Medium,
        "exceeds resource limits and quotas",
    ),
    (
        "CHECKPOINT_RESTORE",
        Severity::Medium,
        "reads and restores other processes' state",
    ),
    ("AUDIT_READ", Severity::Medium, "reads the host's audit log"),
    (
        "SYS_PACCT",
        Severity::Medium,
        "controls the host's process accounting",
    ),
    ("NET_RAW", Severity::Low, "forges packets on the network"),
    ("SETFCAP", Severity::Low, "sets file capabilities"),
];

impl ContainerRule for DangerousCapability {
    fn info(&self) -> &'static RuleInfo {
        &DANGEROUS_CAPABILITY
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        let allowed: Vec<String> = cx
            .opts
            .allowed_capabilities
            .iter()
            .map(|c| normalize_capability(c))
            .collect();
        for cap in &spec.cap_add {
            let name = normalize_capability(&cap.value);
            if allowed.contains(&name) {
                continue;
            }
            let Some((_, severity, what)) = DANGEROUS.iter().find(|(n, _, _)| *n == name) else {
                continue;
            };
            let message = if name == "ALL" {
                format!("{} adds all capabilities", subject(spec))
            } else {
                format!("{} adds capability `{name}`: {what}", subject(spec))
            };
            sink.report(&DANGEROUS_CAPABILITY, &cap.at, &name, message)
                .set_severity(*severity)
                .set_help(help(
                    spec,
                    "remove it from `cap_add` or use a narrower capability; allow it with `allowed-capabilities` if it is needed",
                    "remove `--cap-add` for it or use a narrower capability; allow it with `allowed-capabilities` if it is needed",
                    "remove it from `HostConfig.CapAdd` or use a narrower capability; allow it with `allowed-capabilities` if it is needed",
                ));
        }
    }
}
