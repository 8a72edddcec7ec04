//! DM001: the daemon runs as root, not in rootless mode.

use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a daemon that runs as root: `name=rootless` is not among the
    /// engine's security options (`docker info`). Informational: CIS 2.1 asks
    /// for rootless mode only "if possible", and many workloads need what
    /// rootless mode cannot give (some storage and network drivers, AppArmor,
    /// checkpoints, binding ports below 1024 without extra setup).
    ///
    /// ## Why is this bad?
    /// A root daemon makes every escape from a container, and every user of its
    /// API, root on the host. In rootless mode the daemon and its containers run
    /// in a user namespace of an unprivileged user: an escape lands in that
    /// user's account.
    ///
    /// ## Example
    /// `docker info` shows `Security Options: seccomp` without `rootless`.
    ///
    /// ## How to fix
    /// Where the workload allows it, run the daemon rootless
    /// (`dockerd-rootless-setuptool.sh install` as an unprivileged user), or
    /// accept the finding. Rules that do not apply to a rootless engine
    /// (`userns-remap-disabled`, `userland-proxy-enabled`, the ownership of the
    /// daemon's files) are skipped on one.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 2.1
    /// - [Rootless mode](https://docs.docker.com/engine/security/rootless/)
    pub static ROOTFUL_DAEMON = {
        code: "DM001",
        name: "rootful-daemon",
        severity: Info,
        default_enabled: true,
        cis: ["2.1"],
        summary: "the daemon runs as root, not in rootless mode",
        fixable: false,
    }
}

pub struct RootfulDaemon;

impl AuditRule for RootfulDaemon {
    fn info(&self) -> &'static RuleInfo {
        &ROOTFUL_DAEMON
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        match cx.security_option("rootless") {
            Some(false) => {
                sink.report(
                    &ROOTFUL_DAEMON,
                    cx.daemon_at("/info/SecurityOptions"),
                    "",
                    "the daemon runs as root (not in rootless mode)",
                )
                .set_help("run the daemon rootless where the workload allows it (`dockerd-rootless-setuptool.sh install`)");
            }
            Some(true) => {}
            None => sink.skipped(&ROOTFUL_DAEMON, super::NO_SECURITY_OPTIONS),
        }
    }
}
