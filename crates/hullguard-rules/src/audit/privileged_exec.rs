//! LV001: an exec session was started with `--privileged`.

use super::context::{bool_at, exec_command, short_id, str_at};
use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports exec instances of running containers started privileged
    /// (`docker exec --privileged`, `ProcessConfig.privileged` of `GET
    /// /exec/{id}/json`). The engine keeps exec instances while their
    /// container runs, so this sees sessions that have already ended.
    ///
    /// ## Why is this bad?
    /// A privileged exec process gets every capability and no seccomp or
    /// AppArmor confinement, in a container that was deliberately started
    /// without them: it can load kernel modules, mount the host's disks and
    /// escape. Someone who can run it did not need the container's
    /// restrictions to be lifted for everything else. CIS 5.23.
    ///
    /// ## Example
    /// ```text
    /// docker exec --privileged web sh
    /// ```
    ///
    /// ## How to fix
    /// Do not use `docker exec --privileged`; debug with the capabilities the
    /// task needs (a separate debug container sharing the namespaces,
    /// `docker debug`), and find out who ran it and why (the audit log of the
    /// Docker socket).
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.23
    /// - [`docker exec`](https://docs.docker.com/reference/cli/docker/container/exec/)
    pub static PRIVILEGED_EXEC = {
        code: "LV001",
        name: "privileged-exec",
        severity: High,
        default_enabled: true,
        cis: ["5.23"],
        summary: "an exec session was started in a container with `--privileged`",
        fixable: false,
    }
}

pub struct PrivilegedExec;

impl AuditRule for PrivilegedExec {
    fn info(&self) -> &'static RuleInfo {
        &PRIVILEGED_EXEC
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        for c in &cx.containers {
            for exec in &c.snap.execs {
                if bool_at(exec, "/ProcessConfig/privileged") != Some(true) {
                    continue;
                }
                let id = str_at(exec, "/ID").unwrap_or("");
                sink.report(
                    &PRIVILEGED_EXEC,
                    cx.container_at(c, c.exec_pointer(exec)),
                    id,
                    format!(
                        "container `{}` has a privileged exec session `{}` (exec {})",
                        c.name(),
                        exec_command(exec),
                        short_id(id)
                    ),
                )
                .set_help("do not use `docker exec --privileged`; find who ran it in the audit log of the Docker socket");
            }
        }
    }
}
