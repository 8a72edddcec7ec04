//! DF026: a pipe whose failures are ignored.

use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::RuleInfo;
use hullguard_dockerfile::CommandForm;
use hullguard_shell::{Context, Script};

declare_rule! {
    /// ## What it does
    /// Finds `RUN` steps with a pipeline (`a | b`) when neither the `SHELL` is started
    /// with `-o pipefail` (`-eo pipefail`) nor the script runs `set -o pipefail`
    /// before the pipe. Pipes fed only by commands that cannot fail (`echo`,
    /// `printf`, `yes`) are not reported. One finding per `RUN`.
    ///
    /// ## Why is this bad?
    /// A pipeline's status is the status of its last command: `curl ... | tar xz`
    /// "succeeds" when the download fails, and the build goes on with a missing or
    /// truncated file. Security steps (downloading a signing key, verifying a
    /// checksum) fail open this way.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN wget -O - https://example.com/key.asc | gpg --dearmor -o /etc/apt/keyrings/x.gpg
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN wget -O - https://example.com/key.asc | gpg --dearmor -o /etc/apt/keyrings/x.gpg
    /// ```
    /// (or start the script with `set -o pipefail` where the shell supports it).
    ///
    /// ## References
    /// - [Using pipes](https://docs.docker.com/build/building/best-practices/#using-pipes)
    pub static PIPE_WITHOUT_PIPEFAIL = {
        code: "DF026",
        name: "pipe-without-pipefail",
        severity: Low,
        default_enabled: true,
        cis: [],
        summary: "a pipe in RUN without `pipefail`",
        fixable: false,
    }
}

pub struct PipeWithoutPipefail;

/// Index of the first command that turns pipefail on (`set -o pipefail`,
/// `set -euxo pipefail`), if any.
fn pipefail_at(s: &Script) -> Option<usize> {
    s.commands.iter().position(|c| {
        c.name() == Some("set")
            && c.args().windows(2).any(|w| {
                w[0].lossy.starts_with('-') && w[0].lossy.ends_with('o') && w[1].lossy == "pipefail"
            })
    })
}

/// Whether a `SHELL` argv starts the shell with pipefail: `-o pipefail`,
/// `-eo pipefail`, `-opipefail`.
fn shell_has_pipefail(argv: &[String]) -> bool {
    argv.windows(2).any(|w| {
        w[0].starts_with('-')
            && !w[0].starts_with("--")
            && w[0].ends_with('o')
            && w[1] == "pipefail"
    }) || argv.iter().any(|a| a == "-opipefail")
}

/// Commands that cannot fail in a way that matters (`echo "$SUM  f" | sha256sum -c`):
/// a pipe fed only by them loses nothing without pipefail.
fn cannot_fail(c: &hullguard_shell::SimpleCommand) -> bool {
    matches!(c.name(), Some("echo" | "printf" | "yes" | "true" | ":"))
}

impl DockerfileRule for PipeWithoutPipefail {
    fn info(&self) -> &'static RuleInfo {
        &PIPE_WITHOUT_PIPEFAIL
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        // `SHELL` applies to the shell form (and its heredocs), not to an exec-form
        // `["sh", "-c", "a | b"]`.
        let shell_form = matches!(cx.inst.command(), Some(CommandForm::Shell(_)));
        if shell_form && cx.scope.shell.as_deref().is_some_and(shell_has_pipefail) {
            return;
        }
        // `RUN ["bash", "-o", "pipefail", "-c", "a | b"]`.
        if let Some(CommandForm::Exec { args, .. }) = cx.inst.command() {
            let argv: Vec<String> = args.iter().map(|a| a.value.clone()).collect();
            if shell_has_pipefail(&argv) {
                return;
            }
        }
        for rs in cx.scripts {
            let s = &rs.script;
            let on = pipefail_at(s);
            let unprotected = s.pipelines.iter().find(|p| {
                let first = p.stages.iter().flatten().copied().min().unwrap_or(0);
                let producers = &p.stages[..p.stages.len().saturating_sub(1)];
                let trivial = producers
                    .iter()
                    .flatten()
                    .all(|&i| s.commands.get(i).is_some_and(cannot_fail));
                // `bash -o pipefail -c 'a | b'`: the string's shell has pipefail.
                let in_pipefail_shell = s.commands.get(first).is_some_and(|c| {
                    c.context.iter().any(|ctx| match ctx {
                        Context::ShellString { owner } => s.commands.get(*owner).is_some_and(|o| {
                            let argv: Vec<String> =
                                o.args().iter().map(|w| w.lossy.clone()).collect();
                            shell_has_pipefail(&argv)
                        }),
                        _ => false,
                    })
                });
                !trivial && !in_pipefail_shell && on.is_none_or(|o| o > first)
            });
            if let Some(p) = unprotected {
                sink.report(&PIPE_WITHOUT_PIPEFAIL, rs.map.span(p.span), "a failure before the last command of this pipe is ignored")
                    .set_help("use `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` or `set -o pipefail` first");
                return;
            }
        }
    }
}
