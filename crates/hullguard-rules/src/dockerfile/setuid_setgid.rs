//! DF019: setuid or setgid bits added.

use super::util::norm_path;
use super::world_writable_permissions::{copy_chmod, mode_changes};
use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::{RuleInfo, Severity};
use hullguard_dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Finds setuid or setgid bits being added at build time: `chmod u+s`, `g+s`,
    /// `+s`, `4755`, `2755`, `6755` (also through `find ... -exec chmod`),
    /// `install -m 4755`, and `COPY`/`ADD --chmod=4755`. Modes in `ARG`/`ENV`
    /// variables are resolved. Setgid on directories the step creates (`mkdir -m
    /// 2775`, `mkdir -p d && chmod g+s d`, `find -type d -exec chmod g+s`) is not
    /// reported: it only makes new files inherit the directory's group.
    ///
    /// ## Why is this bad?
    /// A setuid-root binary runs as root whoever starts it: it is a ready-made
    /// privilege escalation for any process in the container that runs as a non-root
    /// user, and a favourite target of container escape exploits. CIS Docker Benchmark
    /// 4.8 asks for setuid and setgid permissions to be removed from images.
    ///
    /// A setgid bit alone (it grants a group, not root) is reported as medium.
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
        (true, true) => "setuid and setgid bits",
        (true, false) => "setuid bit",
        _ => "setgid bit",
    }
}

/// Paths the step creates as directories (`mkdir X`, `install -d X`).
fn created_dirs(cx: &InstCtx) -> Vec<String> {
    cx.cmds
        .iter()
        .filter(|c| {
            c.name == "mkdir" || (c.name == "install" && c.has_flag(&["-d", "--directory"]))
        })
        .flat_map(|c| c.args.iter())
        .filter(|a| a.is_static && !a.value.starts_with('-'))
        .map(|a| norm_path(&a.value))
        .collect()
}

impl DockerfileRule for SetuidSetgid {
    fn info(&self) -> &'static RuleInfo {
        &SETUID_SETGID
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        if matches!(cx.inst.keyword, Keyword::Copy | Keyword::Add) {
            if let Some((span, _, e)) = copy_chmod(cx.inst, cx.scope) {
                if e.setuid || e.setgid {
                    sink.report(
                        &SETUID_SETGID,
                        span,
                        format!("`--chmod` sets the {}", what(e.setuid, e.setgid)),
                    );
                }
            }
            return;
        }
        let dirs = created_dirs(cx);
        for c in cx.cmds {
            for m in mode_changes(c, cx.scope) {
                let e = &m.effect;
                if !(e.setuid || e.setgid) {
                    continue;
                }
                // setgid on a directory only makes new files inherit its group.
                let on_dirs = m.dirs_only
                    || (!m.recursive
                        && !m.targets.is_empty()
                        && m.targets.iter().all(|t| dirs.contains(&norm_path(t))));
                if !e.setuid && on_dirs {
                    continue;
                }
                sink.report(
                    &SETUID_SETGID,
                    m.arg.span,
                    format!(
                        "`{} {}` sets the {}",
                        m.tool,
                        m.mode,
                        what(e.setuid, e.setgid)
                    ),
                )
                .set_help("grant a specific capability with `setcap` instead")
                // setgid grants a group, not root: one step lower.
                .set_severity(if e.setuid {
                    Severity::High
                } else {
                    Severity::Medium
                });
            }
        }
    }
}
