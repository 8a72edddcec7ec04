//! CT029: a sysctl that changes the host kernel rather than the container's
//! namespace.

use super::util::{help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_container::{NsMode, Setting};
use hullguard_diagnostics::{RuleInfo, Severity};

declare_rule! {
    /// ## What it does
    /// Reports sysctls (`sysctls:`, `--sysctl`, `HostConfig.Sysctls`) that are not
    /// confined to one of the container's own namespaces:
    /// - kernel parameters that are not namespaced at all: `kernel.*` other than
    ///   the IPC ones, `vm.*`, `fs.*` other than `fs.mqueue.*`, `dev.*` (high);
    /// - `net.*` on a container that shares the host's network namespace
    ///   (`network_mode: host`): it changes the host's network stack (high);
    /// - the IPC sysctls (`kernel.shm*`, `kernel.msg*`, `kernel.sem`,
    ///   `fs.mqueue.*`) with `ipc: host`, and `kernel.hostname`/`kernel.domainname`
    ///   with `uts: host` (medium).
    ///
    /// `net.*` in the container's own network namespace, the IPC sysctls in its own
    /// IPC namespace, and the UTS names in its own UTS namespace are what the engine
    /// allows, and are not reported. Keys are compared with `/` and `.` as the same
    /// separator (`net/ipv4/ip_forward`).
    ///
    /// ## Why is this bad?
    /// A non-namespaced sysctl is global: setting `kernel.core_pattern`,
    /// `vm.overcommit_memory` or `kernel.modprobe` for one container sets it for the
    /// host and every other container; some of them are direct escapes
    /// (`core_pattern` runs a program as root on the host). runc refuses most of
    /// them, so the finding is either a container that will not start or a runtime
    /// that lets the change through.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: example/cache:7
    ///     sysctls:
    ///       vm.overcommit_memory: "1"
    /// ```
    ///
    /// ## How to fix
    /// Set host-wide kernel parameters on the host (`/etc/sysctl.d`), where they are
    /// reviewed as host configuration; keep only namespaced sysctls on the
    /// container, and drop `network_mode: host` if the container tunes `net.*`.
    ///
    /// ## References
    /// - [`docker run --sysctl`](https://docs.docker.com/reference/cli/docker/container/run/#sysctl)
    /// - [runc: sysctl validation](https://github.com/opencontainers/runc/blob/main/libcontainer/configs/validate/validator.go)
    pub static UNSAFE_SYSCTL = {
        code: "CT029",
        name: "unsafe-sysctl",
        severity: High,
        default_enabled: true,
        cis: [],
        summary: "a sysctl changes the host kernel, not the container's namespace",
        fixable: false,
    }
}

pub struct UnsafeSysctl;

const IPC_PREFIXES: &[&str] = &["kernel.shm", "kernel.msg", "fs.mqueue."];

/// Whether a namespace setting is (known to be) the host's.
fn is_host(s: &Setting<NsMode>) -> bool {
    s.get().is_some_and(NsMode::is_host)
}

impl ContainerRule for UnsafeSysctl {
    fn info(&self) -> &'static RuleInfo {
        &UNSAFE_SYSCTL
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        for s in &spec.sysctls {
            let key = s.value.0.trim().replace('/', ".");
            let (severity, why) = if key.starts_with("net.") {
                if !is_host(&spec.network) {
                    continue;
                }
                (
                    Severity::High,
                    "with the host network it changes the host's network stack",
                )
            } else if key == "kernel.sem" || IPC_PREFIXES.iter().any(|p| key.starts_with(p)) {
                if !is_host(&spec.ipc) {
                    continue;
                }
                (
                    Severity::Medium,
                    "with the host IPC namespace it changes the host's limits",
                )
            } else if key == "kernel.hostname" || key == "kernel.domainname" {
                if !is_host(&spec.uts) {
                    continue;
                }
                (
                    Severity::Medium,
                    "with the host UTS namespace it renames the host",
                )
            } else {
                (
                    Severity::High,
                    "it is not namespaced and changes the host kernel",
                )
            };
            sink.report(
                &UNSAFE_SYSCTL,
                &s.at,
                &key,
                format!("{} sets sysctl `{key}`: {why}", subject(spec)),
            )
            .set_severity(severity)
            .set_help(help(
                spec,
                "set host-wide kernel parameters on the host (`/etc/sysctl.d`), not in `sysctls:`",
                "set host-wide kernel parameters on the host (`/etc/sysctl.d`), not with `--sysctl`",
                "set host-wide kernel parameters on the host (`/etc/sysctl.d`), not in `HostConfig.Sysctls`",
            ));
        }
    }
}
