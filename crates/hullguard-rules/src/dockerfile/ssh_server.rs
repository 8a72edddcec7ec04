//! DF016: an SSH server in the image.

use super::util::install_operands;
use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::RuleInfo;
use hullguard_dockerfile::{Args, CommandForm, Keyword};

declare_rule! {
    /// ## What it does
    /// Finds an SSH server in the image: `EXPOSE 22`, an SSH server package installed
    /// (`openssh-server`, `openssh` on Alpine, `dropbear`), or `sshd` started in `RUN`,
    /// `CMD` or `ENTRYPOINT`.
    ///
    /// ## Why is this bad?
    /// An SSH daemon is another network service with credentials to manage, patch and
    /// audit, and a way into the container that bypasses the engine's access control
    /// and logging. `docker exec` gives shell access without it. CIS Docker Benchmark
    /// 5.7.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get install -y openssh-server
    /// EXPOSE 22
    /// CMD ["/usr/sbin/sshd", "-D"]
    /// ```
    ///
    /// ## How to fix
    /// Remove the SSH server; use `docker exec` (or `kubectl exec`) for access.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.7
    pub static SSH_SERVER = {
        code: "DF016",
        name: "ssh-server",
        severity: Medium,
        default_enabled: true,
        cis: ["5.7"],
        summary: "an SSH server in the image",
        fixable: false,
    }
}

pub struct SshServer;

fn is_ssh_package(p: &str) -> bool {
    let name = p.split(['=', ':']).next().unwrap_or(p);
    let name = name.split('>').next().unwrap_or(name);
    matches!(
        name,
        "openssh-server" | "openssh" | "dropbear" | "openssh-server-pam" | "ssh" | "tinyssh"
    )
}

impl DockerfileRule for SshServer {
    fn info(&self) -> &'static RuleInfo {
        &SSH_SERVER
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        match cx.inst.keyword {
            Keyword::Expose => {
                if let Args::Words(ports) = &cx.inst.args {
                    for p in ports {
                        let v = cx.scope.expand(&p.text).value;
                        let port = v.split('/').next().unwrap_or(&v);
                        let proto_tcp = v
                            .split('/')
                            .nth(1)
                            .is_none_or(|pr| pr.eq_ignore_ascii_case("tcp"));
                        if port == "22" && proto_tcp {
                            sink.report(&SSH_SERVER, p.span, "port 22 (SSH) is exposed");
                        }
                    }
                }
            }
            Keyword::Cmd | Keyword::Entrypoint => {
                let runs_sshd = match cx.inst.command() {
                    Some(CommandForm::Exec { args, .. }) => args.iter().any(|a| {
                        a.value.rsplit('/').next() == Some("sshd")
                            || a.value.rsplit('/').next() == Some("dropbear")
                    }),
                    Some(CommandForm::Shell(l)) => l.text().split_whitespace().any(|w| {
                        w.rsplit('/').next() == Some("sshd")
                            || w.rsplit('/').next() == Some("dropbear")
                    }),
                    None => false,
                };
                if runs_sshd {
                    sink.report(
                        &SSH_SERVER,
                        cx.inst.span,
                        format!("{} starts an SSH server", cx.inst.keyword),
                    );
                }
            }
            Keyword::Run => {
                for c in cx.cmds {
                    if let Some((_, pkgs)) = install_operands(c) {
                        for p in pkgs {
                            if is_ssh_package(&p.value)
                                && !(p.value == "openssh" && c.name != "apk")
                                && !(p.value == "ssh" && c.name != "apt-get" && c.name != "apt")
                            {
                                sink.report(
                                    &SSH_SERVER,
                                    p.span,
                                    format!("SSH server package `{}` is installed", p.value),
                                );
                            }
                        }
                    }
                    let starts = c.name == "sshd"
                        || ((c.name == "service" || c.name == "rc-service")
                            && c.args
                                .first()
                                .is_some_and(|a| a.value == "ssh" || a.value == "sshd")
                            && c.args.get(1).is_some_and(|a| a.value == "start"));
                    if starts {
                        sink.report(&SSH_SERVER, c.span, "an SSH server is started");
                    }
                }
            }
            _ => {}
        }
    }
}
