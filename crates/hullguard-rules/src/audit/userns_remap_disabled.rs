//! DM009: containers' root is the host's root (no user namespace remapping).

use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a daemon without user namespace remapping: `name=userns` is not
    /// among its security options (`docker info`), i.e. it was not started with
    /// `--userns-remap`. Not reported for a rootless engine, whose containers
    /// already run in the user namespace of an unprivileged user (remapping is
    /// not available there).
    ///
    /// ## Why is this bad?
    /// Without remapping, uid 0 in a container is uid 0 on the host: a process
    /// that escapes the container (a kernel bug, a writable host mount, a
    /// mounted socket) is root on the host. With remapping, container root is
    /// an unprivileged uid from `/etc/subuid`.
    ///
    /// ## Example
    /// `docker info` shows `Security Options: seccomp` without `userns`.
    ///
    /// Use instead:
    /// ```json
    /// { "userns-remap": "default" }
    /// ```
    ///
    /// ## How to fix
    /// Set `"userns-remap": "default"` (Docker creates the `dockremap` user and
    /// its `/etc/subuid` and `/etc/subgid` ranges) and restart. Existing images
    /// and volumes are not visible under the remapped root, and some features
    /// (host namespaces, some volume drivers) need `--userns=host` per
    /// container: test before enabling.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 2.10
    /// - [Isolate containers with a user namespace](https://docs.docker.com/engine/security/userns-remap/)
    pub static USERNS_REMAP_DISABLED = {
        code: "DM009",
        name: "userns-remap-disabled",
        severity: Low,
        default_enabled: true,
        cis: ["2.10"],
        summary: "container root is host root: user namespace remapping is off",
        fixable: false,
    }
}

pub struct UsernsRemapDisabled;

const HELP: &str = "set `\"userns-remap\": \"default\"` in daemon.json and restart (test first: images and volumes are not shared with the remapped root)";

impl AuditRule for UsernsRemapDisabled {
    fn info(&self) -> &'static RuleInfo {
        &USERNS_REMAP_DISABLED
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        if cx.rootless {
            sink.skipped(&USERNS_REMAP_DISABLED, super::ROOTLESS);
            return;
        }
        match cx.security_option("userns") {
            Some(true) => {}
            Some(false) => {
                sink.report(
                    &USERNS_REMAP_DISABLED,
                    cx.daemon_at("/info/SecurityOptions"),
                    "",
                    "the daemon does not remap container users: container root is host root",
                )
                .set_help(HELP);
            }
            None => match cx.config.string("userns-remap", None, "userns-remap") {
                Some((v, _)) if !v.trim().is_empty() => {}
                _ if cx.config.complete() => {
                    sink.report(
                        &USERNS_REMAP_DISABLED,
                        cx.daemon_at(""),
                        "",
                        "the daemon does not remap container users: container root is host root",
                    )
                    .set_help(HELP);
                }
                _ => sink.skipped(&USERNS_REMAP_DISABLED, super::NO_SECURITY_OPTIONS),
            },
        }
    }
}
