//! CT015: the container's root filesystem is writable.

use super::util::{help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_container::Setting;
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container whose root filesystem is writable: `read_only: true`
    /// (`--read-only`, `HostConfig.ReadonlyRootfs`) is missing or false. A value
    /// that could not be resolved is not reported.
    ///
    /// ## Why is this bad?
    /// An attacker who gets code execution in the container can drop tools,
    /// replace the application's binaries or configuration, and persist until the
    /// container is recreated. A read-only root filesystem, with writable volumes or
    /// `tmpfs` only where the application writes, makes the container immutable and
    /// any tampering visible. CIS Docker Benchmark 5.13.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2
    ///     read_only: true
    ///     tmpfs: [/tmp]
    /// ```
    ///
    /// ## How to fix
    /// Set `read_only: true` (`--read-only`) and give the application `tmpfs`
    /// mounts or volumes for the directories it writes to.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.13
    /// - [`docker run --read-only`](https://docs.docker.com/reference/cli/docker/container/run/#read-only)
    pub static WRITABLE_ROOT_FILESYSTEM = {
        code: "CT015",
        name: "writable-root-filesystem",
        severity: Low,
        default_enabled: true,
        cis: ["5.13"],
        summary: "the container's root filesystem is writable",
        fixable: false,
    }
}

pub struct WritableRootFilesystem;

impl ContainerRule for WritableRootFilesystem {
    fn info(&self) -> &'static RuleInfo {
        &WRITABLE_ROOT_FILESYSTEM
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        let at = match &spec.read_only {
            Setting::Unknown(_) => return,
            Setting::Set(r) if r.value => return,
            Setting::Set(r) => &r.at,
            Setting::Unset => &spec.at,
        };
        sink.report(
            &WRITABLE_ROOT_FILESYSTEM,
            at,
            "",
            format!("{} has a writable root filesystem", subject(spec)),
        )
        .set_help(help(
            spec,
            "set `read_only: true` and add `tmpfs` or volumes where the service writes",
            "add `--read-only` and `--tmpfs` or volumes where the container writes",
            "set `HostConfig.ReadonlyRootfs` to true and add tmpfs mounts or volumes where the container writes",
        ));
    }
}
