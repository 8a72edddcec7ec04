//! DF014: `sudo` in a RUN.

use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::{RuleInfo, Span};

declare_rule! {
    /// ## What it does
    /// Finds commands run through `sudo` (or `doas`) in `RUN`.
    ///
    /// ## Why is this bad?
    /// `RUN` already runs as the current `USER`; switching with `sudo` needs `sudo`
    /// installed and configured in the image, which then lets the application's user
    /// become root at run time as well. `sudo` also has unpredictable TTY and signal
    /// behaviour in containers.
    ///
    /// ## Example
    /// ```dockerfile
    /// USER app
    /// RUN sudo apt-get install -y curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// USER root
    /// RUN apt-get install -y curl
    /// USER app
    /// ```
    /// (or `gosu`/`su-exec` in an entrypoint that drops privileges).
    ///
    /// ## References
    /// - [USER best practices](https://docs.docker.com/build/building/best-practices/#user)
    pub static SUDO_USAGE = {
        code: "DF014",
        name: "sudo-usage",
        severity: Medium,
        default_enabled: true,
        cis: [],
        summary: "`sudo` used in a RUN",
        fixable: false,
    }
}

pub struct SudoUsage;

impl DockerfileRule for SudoUsage {
    fn info(&self) -> &'static RuleInfo {
        &SUDO_USAGE
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        for c in cx.cmds.iter().filter(|c| c.via_sudo) {
            let span = Span::new(c.span.start, c.name_span.end.max(c.span.start));
            let msg = if matches!(c.name.as_str(), "sudo" | "doas") {
                format!("`{}` is used", c.name)
            } else {
                format!("`{}` is run through sudo", c.name)
            };
            sink.report(&SUDO_USAGE, span, msg)
                .set_help("switch with `USER root` for the step instead, and do not install sudo");
        }
    }
}
