//! DF019: setuid or setgid bits added.

use super::world_writable_permissions::{chmod_mode, mode_effect};
use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::RuleInfo;
use hullguard_dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Finds setuid or setgid bits being added at build time: `chmod u+s`, `g+s`,
    /// `+s`, `4755`, `2755`, `6755`, and `COPY`/`ADD --chmod=4755`.
    ///
    /// ## Why is this bad?
    /// A setuid-root binary runs as root whoever starts it: it is a ready-made
    /// privilege escalation for any process in the container that runs as a non-root
    /// user, and a favourite target of container escape exploits. CIS Docker Benchmark
    /// 4.8 asks for setuid and setgid permissions to be removed from images.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN chmod u+s /usr/local/bin/helper
    /// ```
    ///
    /// ## How to fix
    /// Give the binary the one capability it needs (`setcap cap_net_bind_service+ep`)
    /// or run the step that needs root at build time instead. To strip existing bits:
    /// `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} + || true`.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 4.8
    pub static SETUID_SETGID = {
        code: "DF019",
        name: "setuid-setgid",
        severity: High,
        default_enabled: true,
        cis: ["4.8"],
        summary: "setuid or setgid bits added",
        fixable: false,
    }
}

pub struct SetuidSetgid;

fn what(setuid: bool, setgid: bool) -> &'static str {
    match (setuid, setgid) {
        (true, true) => "setuid and setgid",
        (true, false) => "setuid",
        _ => "setgid",
    }
}

impl DockerfileRule for SetuidSetgid {
    fn info(&self) -> &'static RuleInfo {
        &SETUID_SETGID
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        if matches!(cx.inst.keyword, Keyword::Copy | Keyword::Add) {
            if let Some(f) = cx.inst.flag("chmod") {
                if let Some(e) = f.value.as_deref().and_then(mode_effect) {
                    if e.setuid || e.setgid {
                        sink.report(
                            &SETUID_SETGID,
                            f.span,
                            format!("`--chmod` sets the {} bit", what(e.setuid, e.setgid)),
                        );
                    }
                }
            }
            return;
        }
        for c in cx.cmds {
            if let Some((mode, e)) = chmod_mode(c) {
                if e.setuid || e.setgid {
                    sink.report(
                        &SETUID_SETGID,
                        mode.span,
                        format!(
                            "`chmod {}` sets the {} bit",
                            mode.value,
                            what(e.setuid, e.setgid)
                        ),
                    )
                    .set_help("grant a specific capability with `setcap` instead");
                }
            }
        }
    }
}
