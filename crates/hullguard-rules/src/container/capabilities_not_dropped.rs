//! CT004: the container keeps the engine's default capabilities.

use super::util::{any_unresolved, help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container that does not drop all capabilities (`cap_drop: [ALL]`,
    /// `--cap-drop ALL`, `HostConfig.CapDrop: ["ALL"]`) and so keeps the engine's
    /// default set: `CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `FSETID`, `KILL`, `MKNOD`,
    /// `NET_BIND_SERVICE`, `NET_RAW`, `SETFCAP`, `SETGID`, `SETPCAP`, `SETUID`,
    /// `SYS_CHROOT`, `AUDIT_WRITE`. Not reported for privileged containers
    /// (`privileged-container` covers them: the engine ignores `cap_drop` there)
    /// nor when the `cap_drop` list could not be read completely.
    ///
    /// ## Why is this bad?
    /// Most applications need none of the defaults, or one or two. `NET_RAW` lets a
    /// process forge packets and spoof ARP and DNS on the bridge (CIS 5.4 asks for
    /// it to be dropped); `SETUID`/`SETGID` and `DAC_OVERRIDE` make a compromise of
    /// a root process more useful. Dropping everything and adding back what is
    /// needed is the least-privilege baseline. Informational: a hardening step.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: example/web:1.0
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: example/web:1.0
    ///     cap_drop: [ALL]
    ///     cap_add: [NET_BIND_SERVICE]
    /// ```
    ///
    /// ## How to fix
    /// Add `cap_drop: [ALL]` (`--cap-drop ALL`) and add back, with `cap_add`, only
    /// the capabilities the application fails without.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.4
    /// - [Runtime privilege and Linux capabilities](https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities)
    pub static CAPABILITIES_NOT_DROPPED = {
        code: "CT004",
        name: "capabilities-not-dropped",
        severity: Info,
        default_enabled: true,
        cis: ["5.4"],
        summary: "the container keeps the default capabilities instead of dropping all",
        fixable: false,
    }
}

pub struct CapabilitiesNotDropped;

impl ContainerRule for CapabilitiesNotDropped {
    fn info(&self) -> &'static RuleInfo {
        &CAPABILITIES_NOT_DROPPED
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        if spec.privileged.get() == Some(&true) || spec.privileged.is_unknown() {
            return;
        }
        if any_unresolved(spec, &["cap_drop"]) {
            return;
        }
        if spec.cap_drop.iter().any(|c| c.value == "ALL") {
            return;
        }
        sink.report(
            &CAPABILITIES_NOT_DROPPED,
            &spec.at,
            "",
            format!(
                "{} keeps the default capabilities: it does not drop `ALL`",
                subject(spec)
            ),
        )
        .set_help(help(
            spec,
            "add `cap_drop: [ALL]` and add back only what the service needs with `cap_add`",
            "add `--cap-drop ALL` and add back only what the container needs with `--cap-add`",
            "set `HostConfig.CapDrop` to `[\"ALL\"]` and add back only what is needed in `CapAdd`",
        ));
    }
}
