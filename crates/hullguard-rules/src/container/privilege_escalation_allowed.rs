//! CT020: the container's processes may gain privileges (no-new-privileges off).

use super::util::{any_unresolved, help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_container::Setting;
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container without `no-new-privileges`: the option is missing from
    /// `security_opt` (`--security-opt`, `HostConfig.SecurityOpt`), or set to false
    /// (`no-new-privileges:false` is not enabled). Not reported when the option is
    /// an unresolved value or the security options could not be read completely.
    /// (The daemon option `no-new-privileges: true`, CIS 2.15, sets it for every
    /// container; hullguard cannot see the daemon from a compose file, so it asks
    /// for it per container.)
    ///
    /// ## Why is this bad?
    /// Without it, a process in the container can gain privileges through setuid
    /// and setgid binaries and file capabilities: an attacker running as an
    /// unprivileged user in the container becomes root there through `su`, `sudo`,
    /// or any setuid binary the image ships, undoing the non-root user.
    /// CIS Docker Benchmark 5.26.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1
    ///     user: "10001"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1
    ///     user: "10001"
    ///     security_opt: ["no-new-privileges:true"]
    /// ```
    ///
    /// ## How to fix
    /// Add `no-new-privileges:true` to `security_opt`
    /// (`--security-opt no-new-privileges`), or enable it daemon-wide.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.26
    /// - [`--security-opt`](https://docs.docker.com/reference/cli/docker/container/run/#security-opt)
    /// - [no_new_privs](https://docs.kernel.org/userspace-api/no_new_privs.html)
    pub static PRIVILEGE_ESCALATION_ALLOWED = {
        code: "CT020",
        name: "privilege-escalation-allowed",
        severity: Low,
        default_enabled: true,
        cis: ["5.26"],
        summary: "processes in the container may gain privileges (no-new-privileges is off)",
        fixable: false,
    }
}

pub struct PrivilegeEscalationAllowed;

impl ContainerRule for PrivilegeEscalationAllowed {
    fn info(&self) -> &'static RuleInfo {
        &PRIVILEGE_ESCALATION_ALLOWED
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        let (at, message) = match &spec.no_new_privileges {
            Setting::Unknown(_) => return,
            Setting::Set(n) if n.value => return,
            Setting::Set(n) => (
                &n.at,
                format!("{} sets `no-new-privileges` to false", subject(spec)),
            ),
            Setting::Unset => {
                if any_unresolved(
                    spec,
                    &["other_security_opts", "security_opt", "no_new_privileges"],
                ) {
                    return;
                }
                (
                    &spec.at,
                    format!(
                        "{} does not set `no-new-privileges`: setuid binaries can raise privileges",
                        subject(spec)
                    ),
                )
            }
        };
        sink.report(&PRIVILEGE_ESCALATION_ALLOWED, at, "", message)
            .set_help(help(
                spec,
                "add `security_opt: [\"no-new-privileges:true\"]`",
                "add `--security-opt no-new-privileges`",
                "add `no-new-privileges:true` to `HostConfig.SecurityOpt`",
            ));
    }
}
