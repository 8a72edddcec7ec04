//! LV002: an exec session runs as root.

use super::context::{exec_command, names_root, short_id, str_at};
use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::{RuleInfo, Severity};

declare_rule! {
    /// ## What it does
    /// Reports exec instances of running containers that run as root: started
    /// with `--user root` (`0`, `0:0` ...), or without `--user` in a container
    /// whose user is root (the exec inherits it). Severity: high when
    /// `--user root` is used in a container that runs as a non-root user (the
    /// session steps out of the user the container was given), medium for an
    /// explicit root user in a root container, low when the exec merely
    /// inherits the container's root user (`container-root-user` reports the
    /// container itself).
    ///
    /// ## Why is this bad?
    /// Root in the container is root on the host's kernel: an exec session as
    /// root can use every escape the container's configuration leaves open,
    /// and reads and writes every file of the application. Running a
    /// container as a non-root user is undone by one `docker exec -u root`.
    /// CIS 5.24.
    ///
    /// ## Example
    /// ```text
    /// docker exec -u root web sh
    /// ```
    ///
    /// ## How to fix
    /// Exec as the container's own user (omit `--user` when it is not root,
    /// or `--user 10001`), and give containers a non-root user so that the
    /// default is not root.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.24
    /// - [`docker exec --user`](https://docs.docker.com/reference/cli/docker/container/exec/)
    pub static ROOT_EXEC = {
        code: "LV002",
        name: "root-exec",
        severity: Medium,
        default_enabled: true,
        cis: ["5.24"],
        summary: "an exec session runs as root in a container",
        fixable: false,
    }
}

pub struct RootExec;

impl AuditRule for RootExec {
    fn info(&self) -> &'static RuleInfo {
        &ROOT_EXEC
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        for c in &cx.containers {
            if c.snap.execs.is_empty() {
                continue;
            }
            let container_root = c.runs_as_root(cx);
            for exec in &c.snap.execs {
                let user = str_at(exec, "/ProcessConfig/user").unwrap_or("").trim();
                let (severity, how) = if user.is_empty() {
                    if container_root != Some(true) {
                        continue;
                    }
                    (
                        Severity::Low,
                        "as root (no `--user`, and the container's user is root)".to_string(),
                    )
                } else if names_root(user) {
                    match container_root {
                        Some(false) => (
                            Severity::High,
                            format!("as `{user}` in a container that runs as a non-root user"),
                        ),
                        _ => (Severity::Medium, format!("as `{user}`")),
                    }
                } else {
                    continue;
                };
                let id = str_at(exec, "/ID").unwrap_or("");
                sink.report(
                    &ROOT_EXEC,
                    cx.container_at(c, c.exec_pointer(exec)),
                    id,
                    format!(
                        "container `{}` has an exec session `{}` (exec {}) running {how}",
                        c.name(),
                        exec_command(exec),
                        short_id(id)
                    ),
                )
                .set_severity(severity)
                .set_help("exec as the container's non-root user (`docker exec --user 10001 ...`), and give the container a non-root user");
            }
        }
    }
}
