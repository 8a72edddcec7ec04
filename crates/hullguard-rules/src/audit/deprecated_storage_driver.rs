//! DM006: the daemon uses the aufs or devicemapper storage driver.

use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a daemon whose storage driver (`docker info`, `Storage Driver`)
    /// is `aufs` (CIS 2.6), `devicemapper` (CIS 2.7), or the legacy `overlay`
    /// driver. All three are deprecated and removed from current engines.
    ///
    /// ## Why is this bad?
    /// `aufs` depends on out-of-tree kernel patches that no longer receive
    /// fixes and has had kernel crashes and privilege escalations;
    /// `devicemapper` in its default loop-lvm mode is slow and fragile, and
    /// fills or corrupts the thin pool under load. An engine that still uses
    /// them is old, and its kernel support is unmaintained.
    ///
    /// ## Example
    /// `docker info` shows `Storage Driver: aufs`.
    ///
    /// ## How to fix
    /// Move to `overlay2` (the default on every supported kernel): set
    /// `"storage-driver": "overlay2"` in `daemon.json`, restart, and pull or
    /// rebuild images (the old driver's images and containers are not visible
    /// to the new one; save what must be kept first).
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 2.6
    /// - CIS Docker Benchmark v1.8.0, 2.7
    /// - [Storage drivers](https://docs.docker.com/engine/storage/drivers/select-storage-driver/)
    pub static DEPRECATED_STORAGE_DRIVER = {
        code: "DM006",
        name: "deprecated-storage-driver",
        severity: Medium,
        default_enabled: true,
        cis: ["2.6", "2.7"],
        summary: "the daemon uses a deprecated storage driver (aufs, devicemapper)",
        fixable: false,
    }
}

pub struct DeprecatedStorageDriver;

impl AuditRule for DeprecatedStorageDriver {
    fn info(&self) -> &'static RuleInfo {
        &DEPRECATED_STORAGE_DRIVER
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        let (driver, at) = match cx.info_str("/Driver") {
            Some(d) => (d.to_string(), cx.daemon_at("/info/Driver")),
            None => match cx
                .config
                .string("storage-driver", Some('s'), "storage-driver")
            {
                Some((d, src)) => (d, cx.daemon_at(cx.config.pointer(&src))),
                None => {
                    if !cx.config.complete() {
                        sink.skipped(&DEPRECATED_STORAGE_DRIVER, super::NO_INFO);
                    }
                    return;
                }
            },
        };
        let why = match driver.as_str() {
            "aufs" => "`aufs` relies on unmaintained kernel patches",
            "devicemapper" => "`devicemapper` is deprecated and fragile under load",
            "overlay" => "the legacy `overlay` driver is deprecated",
            _ => return,
        };
        sink.report(
            &DEPRECATED_STORAGE_DRIVER,
            at,
            &driver,
            format!("the daemon uses the storage driver `{driver}`: {why}"),
        )
        .set_help("move to `overlay2` (`\"storage-driver\": \"overlay2\"`); save images and data first, the new driver does not see the old one's");
    }
}
