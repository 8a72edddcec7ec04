//! DF016: an SSH server in the image.

use super::util::{in_final_image, install_operands};
use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::RuleInfo;
use hullguard_dockerfile::{Args, CommandForm, Keyword};

declare_rule! {
    /// ## What it does
    /// Finds an SSH server in the image: `EXPOSE 22`, an SSH server package installed
    /// (`openssh-server`, `openssh` on Alpine, `dropbear`), or `sshd` started or
    /// enabled in `RUN` (`service ssh start`, `systemctl enable ssh`), `CMD` or
    /// `ENTRYPOINT` (also inside an exec-form `sh -c` string). Only stages that end up
    /// in the built image are checked (the target and the stages it is built `FROM`).
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
        if !cx.stage.is_some_and(|s| in_final_image(cx.model, s.index)) {
            return;
        }
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
                        // `22` or a range that holds it (`20-25`).
                        let (lo, hi) = port.split_once('-').unwrap_or((port, port));
                        let has_22 = matches!(
                            (lo.parse::<u16>(), hi.parse::<u16>()),
                            (Ok(lo), Ok(hi)) if lo <= 22 && 22 <= hi
                        );
                        if has_22 && proto_tcp {
                            sink.report(&SSH_SERVER, p.span, "port 22 (SSH) is exposed");
                        }
                    }
                }
            }
            Keyword::Cmd | Keyword::Entrypoint => {
                // Words of the command, and of `sh -c` strings in exec form.
                let is_daemon = |w: &str| matches!(w.rsplit('/').next(), Some("sshd" | "dropbear"));
                let runs_sshd = match cx.inst.command() {
                    Some(CommandForm::Exec { args, .. }) => args
                        .iter()
                        .any(|a| a.value.split_whitespace().any(is_daemon)),
                    Some(CommandForm::Shell(l)) => l.text().split_whitespace().any(is_daemon),
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
                    let ssh_unit = |v: &str| {
                        matches!(
                            v.strip_suffix(".service").unwrap_or(v),
                            "ssh" | "sshd" | "dropbear"
                        )
                    };
                    let starts = (c.name == "sshd" && !c.has_flag(&["-t", "-T"]))
                        || ((c.name == "service" || c.name == "rc-service")
                            && c.args.first().is_some_and(|a| ssh_unit(&a.value))
                            && c.args.get(1).is_some_and(|a| a.value == "start"))
                        || (c.name == "systemctl"
                            && matches!(c.subcommand(), Some("enable" | "start"))
                            && c.operands().skip(1).any(|a| ssh_unit(&a.value)))
                        || (c.name == "rc-update"
                            && c.subcommand() == Some("add")
                            && c.operands().nth(1).is_some_and(|a| ssh_unit(&a.value)));
                    if starts {
                        sink.report(&SSH_SERVER, c.span, "an SSH server is started");
                    }
                }
            }
            _ => {}
        }
    }
}
