//! DM017: the daemon runs containers without seccomp by default.

use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::{RuleInfo, Severity};

declare_rule! {
    /// ## What it does
    /// Reports a daemon whose default seccomp profile is `unconfined`
    /// (`--seccomp-profile unconfined`; `docker info` shows
    /// `name=seccomp,profile=unconfined`), and, at medium severity, an engine
    /// that does not support seccomp at all (no `seccomp` among its security
    /// options: a kernel or build without it). A custom profile is not
    /// reported.
    ///
    /// ## Why is this bad?
    /// The default seccomp profile blocks about 50 system calls that containers
    /// do not need and that kernel exploits use (`keyctl`, `bpf`, `userfaultfd`,
    /// `unshare` ...). Unconfined, every container without its own profile can
    /// call them all: a kernel bug becomes a host compromise.
    ///
    /// ## Example
    /// ```json
    /// { "seccomp-profile": "unconfined" }
    /// ```
    ///
    /// ## How to fix
    /// Remove `seccomp-profile` (the built-in default is good), or point it at a
    /// custom profile that is stricter; let a container that needs more use
    /// `--security-opt seccomp=PROFILE`.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 2.18
    /// - [Seccomp security profiles](https://docs.docker.com/engine/security/seccomp/)
    pub static DAEMON_SECCOMP_UNCONFINED = {
        code: "DM017",
        name: "daemon-seccomp-unconfined",
        severity: High,
        default_enabled: true,
        cis: ["2.18"],
        summary: "containers run without a seccomp profile by default",
        fixable: false,
    }
}

pub struct DaemonSeccompUnconfined;

const HELP: &str = "remove `seccomp-profile` from the daemon configuration (the default profile is good), or use a stricter custom profile";

impl AuditRule for DaemonSeccompUnconfined {
    fn info(&self) -> &'static RuleInfo {
        &DAEMON_SECCOMP_UNCONFINED
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        match cx.security_option_index("seccomp") {
            Some(i) => {
                let entry = cx
                    .info_str(&format!("/SecurityOptions/{i}"))
                    .unwrap_or_default();
                let unconfined = entry.split(',').any(|p| p.trim() == "profile=unconfined");
                if unconfined {
                    sink.report(
                        &DAEMON_SECCOMP_UNCONFINED,
                        cx.daemon_at(format!("/info/SecurityOptions/{i}")),
                        "unconfined",
                        "the daemon runs containers without seccomp by default (`profile=unconfined`)",
                    )
                    .set_help(HELP);
                }
            }
            None if cx.security_option("seccomp") == Some(false) => {
                sink.report(
                    &DAEMON_SECCOMP_UNCONFINED,
                    cx.daemon_at("/info/SecurityOptions"),
                    "unsupported",
                    "the engine applies no seccomp profile: seccomp is not among its security options",
                )
                .set_severity(Severity::Medium)
                .set_help("run the engine on a kernel and build with seccomp support");
            }
            None => match cx.config.string("seccomp-profile", None, "seccomp-profile") {
                Some((p, src)) if p.trim() == "unconfined" => {
                    let message = format!(
                        "the daemon runs containers without seccomp by default ({})",
                        cx.config.describe(&src)
                    );
                    sink.report(
                        &DAEMON_SECCOMP_UNCONFINED,
                        cx.daemon_at(cx.config.pointer(&src)),
                        "unconfined",
                        message,
                    )
                    .set_help(HELP);
                }
                Some(_) => {}
                None if cx.config.complete() => {}
                None => sink.skipped(&DAEMON_SECCOMP_UNCONFINED, super::NO_SECURITY_OPTIONS),
            },
        }
    }
}
