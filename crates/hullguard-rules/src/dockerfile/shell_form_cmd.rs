//! DF027: CMD or ENTRYPOINT in shell form.

use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::{Edit, Fix, RuleInfo};
use hullguard_dockerfile::{CommandForm, Keyword};

declare_rule! {
    /// ## What it does
    /// Finds `CMD` and `ENTRYPOINT` in shell form (`CMD node server.js`) in the stage
    /// that is built, unless the command starts with `exec`.
    ///
    /// ## Why is this bad?
    /// Shell form runs `/bin/sh -c "..."`: the shell is PID 1, and it does not forward
    /// `SIGTERM` to the application. `docker stop` then waits and kills it with
    /// `SIGKILL` — no graceful shutdown, no flushing of data. With `ENTRYPOINT` in
    /// shell form, `CMD` and `docker run` arguments are also silently ignored.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD node server.js
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Fix safety
    /// Offered when the command is a plain list of words (no quotes, variables,
    /// redirections, globs or operators), where exec form runs exactly the same
    /// program with the same arguments.
    ///
    /// ## References
    /// - [Shell and exec form](https://docs.docker.com/reference/dockerfile/#shell-and-exec-form)
    pub static SHELL_FORM_CMD = {
        code: "DF027",
        name: "shell-form-cmd",
        severity: Low,
        default_enabled: true,
        cis: [],
        summary: "CMD or ENTRYPOINT in shell form",
        fixable: true,
    }
}

pub struct ShellFormCmd;

/// The command as exec-form JSON, when it is a plain list of words.
pub(crate) fn exec_form(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    let plain = words.iter().all(|w| {
        w.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./:=@%+,-".contains(c))
    });
    if !plain {
        return None;
    }
    let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    Some(format!("[{}]", quoted.join(", ")))
}

impl DockerfileRule for ShellFormCmd {
    fn info(&self) -> &'static RuleInfo {
        &SHELL_FORM_CMD
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        if !matches!(cx.inst.keyword, Keyword::Cmd | Keyword::Entrypoint)
            || !cx.is_target
            || cx.onbuild
            || !cx.scope.posix_shell()
        {
            return;
        }
        let Some(CommandForm::Shell(line)) = cx.inst.command() else {
            return;
        };
        let text = line.text().trim();
        if text.is_empty() || text.starts_with("exec ") {
            return;
        }
        let kw = cx.inst.keyword;
        let extra = if kw == Keyword::Entrypoint {
            "; CMD and run arguments are ignored"
        } else {
            ""
        };
        let f = sink.report(
            &SHELL_FORM_CMD,
            line.full_span(),
            format!(
                "{kw} in shell form runs under `/bin/sh -c`, which does not forward signals{extra}"
            ),
        );
        match exec_form(text) {
            Some(json) if line.is_contiguous() => {
                f.set_fix(Fix::safe(
                    format!("Use exec form `{json}`"),
                    vec![Edit {
                        span: line.full_span(),
                        replacement: json,
                    }],
                ));
            }
            _ => {
                f.set_help(
                    "use exec form: `[\"executable\", \"arg\"]`, or prefix the command with `exec`",
                );
            }
        }
    }
}
