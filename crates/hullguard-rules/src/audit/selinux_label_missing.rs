//! LV007: a container runs without an SELinux label on a host that has SELinux.

use super::context::{str_at, Facility};
use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// On a host with SELinux (the engine lists `name=selinux` in its security
    /// options, or the host's kernel has SELinux enabled), reports a container
    /// without an SELinux process label (`ProcessLabel` empty). That is the
    /// case for every container when the daemon is not started with
    /// `--selinux-enabled`. Privileged containers (`privileged-container`,
    /// CT001) and those with `label=disable` (`selinux-disabled`, CT019) are
    /// reported by those rules. On a host without SELinux nothing is
    /// reported, and CT019 is not either.
    ///
    /// ## Why is this bad?
    /// With SELinux, each container's processes run as `container_t` with
    /// their own category: they cannot touch host files or other containers'
    /// files even as root. Without a label that separation is gone. CIS 5.3.
    ///
    /// ## Example
    /// `docker inspect -f '{{.ProcessLabel}}' web` prints an empty line on a
    /// Fedora host.
    ///
    /// ## How to fix
    /// Start the daemon with `--selinux-enabled` (`"selinux-enabled": true`)
    /// and recreate the containers; relabel bind mounts with `:z` or `:Z`.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.3
    /// - [dockerd `--selinux-enabled`](https://docs.docker.com/reference/cli/dockerd/)
    pub static SELINUX_LABEL_MISSING = {
        code: "LV007",
        name: "selinux-label-missing",
        severity: High,
        default_enabled: true,
        cis: ["5.3"],
        summary: "the container runs without an SELinux label on a host that has SELinux",
        fixable: false,
    }
}

pub struct SelinuxLabelMissing;

impl AuditRule for SelinuxLabelMissing {
    fn info(&self) -> &'static RuleInfo {
        &SELINUX_LABEL_MISSING
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        if cx.selinux != Facility::Present {
            return;
        }
        for c in &cx.containers {
            let Some(spec) = &c.spec else {
                continue;
            };
            let disabled = spec.selinux.iter().any(|l| {
                matches!(
                    l.value.trim(),
                    "disable" | "type:spc_t" | "type:unconfined_t"
                )
            });
            if c.is_privileged() || disabled {
                continue;
            }
            if !str_at(c.inspect(), "/ProcessLabel")
                .unwrap_or("")
                .trim()
                .is_empty()
            {
                continue;
            }
            sink.report(
                &SELINUX_LABEL_MISSING,
                cx.container_at(c, "/ProcessLabel"),
                "",
                format!(
                    "container `{}` runs without an SELinux label on a host that has SELinux",
                    c.name()
                ),
            )
            .set_help("start the daemon with `--selinux-enabled` and recreate the container; relabel bind mounts with `:z`/`:Z`");
        }
    }
}
