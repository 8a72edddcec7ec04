//! CT017: seccomp disabled for the container.

use super::util::{help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_container::Seccomp;
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a container started without a seccomp filter:
    /// `security_opt: ["seccomp:unconfined"]`, `--security-opt seccomp=unconfined`,
    /// `HostConfig.SecurityOpt: ["seccomp=unconfined"]`.
    ///
    /// ## Why is this bad?
    /// The engine's default seccomp profile blocks about 44 system calls that
    /// containers do not need and that carry most kernel exploits and escapes:
    /// `keyctl`, `add_key`, `bpf`, `ptrace` on older kernels, `unshare` and
    /// `clone` of new user namespaces, `mount`, `kexec_load`, `open_by_handle_at`.
    /// Without it, every kernel bug in those calls is reachable from the container.
    /// CIS Docker Benchmark 5.22.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1
    ///     security_opt: ["seccomp:unconfined"]
    /// ```
    ///
    /// ## How to fix
    /// Remove `seccomp=unconfined`. If a program needs a blocked call, write a
    /// custom profile that allows just that call (`seccomp=/path/profile.json`),
    /// starting from the engine's default profile.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.22
    /// - [Seccomp security profiles for Docker](https://docs.docker.com/engine/security/seccomp/)
    pub static SECCOMP_UNCONFINED = {
        code: "CT017",
        name: "seccomp-unconfined",
        severity: High,
        default_enabled: true,
        cis: ["5.22"],
        summary: "the container runs without a seccomp profile",
        fixable: false,
    }
}

pub struct SeccompUnconfined;

impl ContainerRule for SeccompUnconfined {
    fn info(&self) -> &'static RuleInfo {
        &SECCOMP_UNCONFINED
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        let Some(s) = spec.seccomp.known() else {
            return;
        };
        if s.value != Seccomp::Unconfined {
            return;
        }
        sink.report(
            &SECCOMP_UNCONFINED,
            &s.at,
            "unconfined",
            format!("{} runs without a seccomp profile", subject(spec)),
        )
        .set_help(help(
            spec,
            "remove `seccomp:unconfined` from `security_opt`, or use a custom profile that allows only the calls needed",
            "remove `--security-opt seccomp=unconfined`, or use a custom profile that allows only the calls needed",
            "remove `seccomp=unconfined` from `HostConfig.SecurityOpt`, or use a custom profile",
        ));
    }
}
