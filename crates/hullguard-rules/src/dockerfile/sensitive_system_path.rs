//! DF021: WORKDIR or VOLUME under /proc, /sys, /dev or /boot.

use super::util::under;
use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::RuleInfo;
use hullguard_dockerfile::{Args, Keyword};

declare_rule! {
    /// ## What it does
    /// Finds `WORKDIR` or `VOLUME` at or under `/proc`, `/sys`, `/dev` or `/boot`.
    ///
    /// ## Why is this bad?
    /// These are kernel and device interfaces that the runtime mounts over. A volume
    /// there shadows them (or, with a bind mount at run time, exposes the host's), and
    /// an application working there writes into kernel interfaces. It is either a
    /// mistake or an attempt to reach the host.
    ///
    /// ## Example
    /// ```dockerfile
    /// VOLUME /sys/fs/cgroup
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.6 (sensitive host directories)
    pub static SENSITIVE_SYSTEM_PATH = {
        code: "DF021",
        name: "sensitive-system-path",
        severity: Medium,
        default_enabled: true,
        cis: [],
        summary: "WORKDIR or VOLUME under a kernel or device path",
        fixable: false,
    }
}

pub struct SensitiveSystemPath;

impl DockerfileRule for SensitiveSystemPath {
    fn info(&self) -> &'static RuleInfo {
        &SENSITIVE_SYSTEM_PATH
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        let words = match (&cx.inst.keyword, &cx.inst.args) {
            (Keyword::Workdir, Args::Single(w)) => vec![w],
            (Keyword::Volume, Args::Words(ws)) => ws.iter().collect(),
            _ => return,
        };
        for w in words {
            let v = cx.scope.expand(&w.text).value;
            if let Some(base) = ["/proc", "/sys", "/dev", "/boot"]
                .iter()
                .find(|b| under(&v, b))
            {
                sink.report(
                    &SENSITIVE_SYSTEM_PATH,
                    w.span,
                    format!("{} `{v}` is under `{base}`", cx.inst.keyword),
                );
            }
        }
    }
}
