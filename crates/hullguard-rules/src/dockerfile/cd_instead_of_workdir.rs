//! DF039: `cd` used to change the working directory for the whole step.

use super::util::under;
use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Notes a `RUN` that starts with `cd <dir>` (`RUN cd /app && make`), unless the
    /// directory is a throw-away one (`cd "$(mktemp -d)"`, `cd /tmp`).
    ///
    /// ## Why is this bad?
    /// The directory change lasts only for that step, which is easy to forget when
    /// the next step writes files or runs as another user; `WORKDIR` makes the
    /// directory explicit and applies to every later instruction. Informational.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN cd /app && npm ci
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// WORKDIR /app
    /// RUN npm ci
    /// ```
    ///
    /// ## References
    /// - [WORKDIR](https://docs.docker.com/build/building/best-practices/#workdir)
    pub static CD_INSTEAD_OF_WORKDIR = {
        code: "DF039",
        name: "cd-instead-of-workdir",
        severity: Info,
        default_enabled: true,
        cis: [],
        summary: "`cd` at the start of a RUN instead of WORKDIR",
        fixable: false,
    }
}

pub struct CdInsteadOfWorkdir;

impl DockerfileRule for CdInsteadOfWorkdir {
    fn info(&self) -> &'static RuleInfo {
        &CD_INSTEAD_OF_WORKDIR
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        let Some(rs) = cx.scripts.first() else { return };
        let Some(first) = rs.script.commands.first() else {
            return;
        };
        // A throw-away directory (`cd "$(mktemp -d)"`, `cd /tmp`) is not one a
        // WORKDIR should name.
        let scratch = first.args().first().is_some_and(|w| {
            w.has_substitution
                || w.value()
                    .is_some_and(|v| under(v, "/tmp") || under(v, "/var/tmp"))
        });
        if first.name() == Some("cd")
            && first.context.is_empty()
            && rs.script.commands.len() > 1
            && !scratch
        {
            sink.report(
                &CD_INSTEAD_OF_WORKDIR,
                rs.map.span(first.span),
                "`cd` at the start of RUN: use WORKDIR",
            )
            .set_help("set the directory with `WORKDIR`");
        }
    }
}
