//! CT014: a mount with shared or slave propagation.

use super::util::{help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_diagnostics::{RuleInfo, Severity};

declare_rule! {
    /// ## What it does
    /// Reports bind mounts whose propagation is `shared`/`rshared` (medium) or
    /// `slave`/`rslave` (low): `-v /mnt:/mnt:rshared`,
    /// `--mount type=bind,...,bind-propagation=shared`, compose
    /// `bind: {propagation: rshared}`, API `BindOptions.Propagation`.
    ///
    /// ## Why is this bad?
    /// With shared propagation, mounts made inside the container appear on the host
    /// (and in other containers sharing the mount): a container that can mount
    /// (`SYS_ADMIN`, privileged) can then place file systems over host paths. Slave
    /// propagation is one-way, from the host into the container: new host mounts
    /// (other containers' volumes, removable media) become visible in the
    /// container. The private default keeps both sides apart. CIS Docker Benchmark
    /// 5.20.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   storage:
    ///     image: example/storage-driver:1
    ///     volumes:
    ///       - /mnt/data:/data:rshared
    /// ```
    ///
    /// ## How to fix
    /// Remove the propagation option (the default is `rprivate`). Storage plugins
    /// that need propagation should be reviewed and accepted explicitly.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.20
    /// - [Bind propagation](https://docs.docker.com/engine/storage/bind-mounts/#configure-bind-propagation)
    pub static SHARED_MOUNT_PROPAGATION = {
        code: "CT014",
        name: "shared-mount-propagation",
        severity: Medium,
        default_enabled: true,
        cis: ["5.20"],
        summary: "a mount propagates mounts between host and container",
        fixable: false,
    }
}

pub struct SharedMountPropagation;

impl ContainerRule for SharedMountPropagation {
    fn info(&self) -> &'static RuleInfo {
        &SHARED_MOUNT_PROPAGATION
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        for m in &spec.mounts {
            let Some(p) = m.value.propagation.as_deref().map(str::trim) else {
                continue;
            };
            let (severity, effect) = match p {
                "shared" | "rshared" => (
                    Severity::Medium,
                    "mounts made in the container appear on the host",
                ),
                "slave" | "rslave" => (Severity::Low, "new host mounts appear in the container"),
                _ => continue,
            };
            let source = m
                .value
                .host_path
                .as_deref()
                .or(m.value.source.as_deref())
                .unwrap_or("");
            sink.report(
                &SHARED_MOUNT_PROPAGATION,
                &m.at,
                &format!("{source}\u{1f}{}\u{1f}{p}", m.value.target),
                format!(
                    "{} mounts `{}` with `{p}` propagation: {effect}",
                    subject(spec),
                    m.value.target
                ),
            )
            .set_severity(severity)
            .set_help(help(
                spec,
                "remove the propagation option (the default is `rprivate`)",
                "remove the propagation option from `-v`/`--mount` (the default is `rprivate`)",
                "remove `BindOptions.Propagation` or the mode from `Binds` (the default is `rprivate`)",
            ));
        }
    }
}
