//! DM011: the devicemapper base device size is changed.

use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports the storage option `dm.basesize` (`--storage-opt dm.basesize=…`,
    /// `storage-opts` in `daemon.json`), which changes the size of every
    /// container's root filesystem under the devicemapper driver.
    /// Informational (CIS 2.12 is a manual recommendation).
    ///
    /// ## Why is this bad?
    /// A larger base device lets each container grow its writable layer until
    /// the thin pool, shared by all containers, is full: a denial of service of
    /// every container on the host. Changing it is seldom needed.
    ///
    /// ## Example
    /// ```json
    /// { "storage-opts": ["dm.basesize=50G"] }
    /// ```
    ///
    /// ## How to fix
    /// Remove `dm.basesize` unless containers need it, and keep the thin pool
    /// monitored; better, move off devicemapper (`deprecated-storage-driver`).
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 2.12
    /// - [devicemapper options](https://docs.docker.com/reference/cli/dockerd/#devicemapper-options)
    pub static CHANGED_BASE_DEVICE_SIZE = {
        code: "DM011",
        name: "changed-base-device-size",
        severity: Info,
        default_enabled: true,
        cis: ["2.12"],
        summary: "the devicemapper base device size (`dm.basesize`) is changed",
        fixable: false,
    }
}

pub struct ChangedBaseDeviceSize;

impl AuditRule for ChangedBaseDeviceSize {
    fn info(&self) -> &'static RuleInfo {
        &CHANGED_BASE_DEVICE_SIZE
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        let opts = cx.config.list("storage-opt", None, "storage-opts");
        for (opt, src) in &opts {
            if let Some(size) = opt.trim().strip_prefix("dm.basesize=") {
                let message = format!(
                    "the devicemapper base device size is changed to `{size}` ({})",
                    cx.config.describe(src)
                );
                sink.report(
                    &CHANGED_BASE_DEVICE_SIZE,
                    cx.daemon_at(cx.config.pointer(src)),
                    "",
                    message,
                )
                .set_help(
                    "remove `dm.basesize` unless containers need it; better, move to `overlay2`",
                );
            }
        }
        if opts.is_empty() && !cx.config.complete() {
            sink.skipped(&CHANGED_BASE_DEVICE_SIZE, super::NO_CONFIG);
        }
    }
}
