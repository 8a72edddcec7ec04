//! DF015: passwords set or removed at build time.

use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Finds account passwords set or removed in `RUN`: `chpasswd` (usually fed by
    /// `echo 'user:password'`), `passwd` reading a password from a pipe or
    /// `--stdin`, `passwd -d` (empty password), `usermod -p`/`--password` and
    /// `useradd -p`/`--password` with a value, `openssl passwd` output given to them.
    ///
    /// ## Why is this bad?
    /// The password (or its hash) is written in the Dockerfile and the image, and is
    /// the same in every container started from it. An empty password lets anyone
    /// with a shell in the container become that user (or root with `su`). Containers
    /// should not need interactive logins at all.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN echo 'root:toor' | chpasswd
    /// ```
    ///
    /// ## How to fix
    /// Remove the password step: run the process as a non-root user without a login
    /// password, and use `docker exec` for debugging.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 4.10
    pub static PASSWORD_AT_BUILD = {
        code: "DF015",
        name: "password-at-build",
        severity: High,
        default_enabled: true,
        cis: ["4.10"],
        summary: "a password set or removed at build time",
        fixable: false,
    }
}

pub struct PasswordAtBuild;

impl DockerfileRule for PasswordAtBuild {
    fn info(&self) -> &'static RuleInfo {
        &PASSWORD_AT_BUILD
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        for c in cx.cmds {
            let msg = match c.name.as_str() {
                "chpasswd" if !c.has_flag(&["--help", "-h"]) => {
                    Some("`chpasswd` sets a password in the image".to_string())
                }
                "passwd" if c.has_flag(&["-d", "--delete"]) => {
                    Some("`passwd -d` leaves the account with an empty password".to_string())
                }
                "passwd" if c.has_flag(&["--stdin"]) => {
                    Some("`passwd --stdin` sets a password in the image".to_string())
                }
                "passwd" if in_pipeline(cx, c) => {
                    Some("`passwd` is fed a password in the image".to_string())
                }
                "usermod" | "useradd" if c.has_flag(&["-p", "--password"]) => {
                    let i = c.args.iter().position(|a| {
                        a.value == "-p"
                            || a.value == "--password"
                            || a.value.starts_with("--password=")
                    });
                    let value = i.and_then(|i| {
                        let a = &c.args[i];
                        a.value
                            .strip_prefix("--password=")
                            .map(str::to_string)
                            .or_else(|| c.args.get(i + 1).map(|n| n.value.clone()))
                    });
                    match value.as_deref() {
                        Some("*") | Some("!") | Some("!!") | Some("'*'") => None,
                        _ => Some(format!("`{} -p` sets a password hash in the image", c.name)),
                    }
                }
                _ => None,
            };
            if let Some(m) = msg {
                sink.report(&PASSWORD_AT_BUILD, c.span, m)
                    .set_help("do not give container accounts login passwords");
            }
        }
    }
}

fn in_pipeline(cx: &InstCtx, c: &crate::cmd::Cmd) -> bool {
    let Some((si, ci)) = c.origin else {
        return false;
    };
    cx.scripts
        .get(si)
        .and_then(|s| s.script.commands.get(ci))
        .is_some_and(|sc| sc.pipeline.is_some_and(|(_, stage)| stage > 0))
}
