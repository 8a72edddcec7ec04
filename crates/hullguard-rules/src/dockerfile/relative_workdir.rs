//! DF037: a relative WORKDIR.

use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::RuleInfo;
use hullguard_dockerfile::{Args, Keyword};

declare_rule! {
    /// ## What it does
    /// Finds `WORKDIR` with a relative path (after resolving variables).
    ///
    /// ## Why is this bad?
    /// A relative `WORKDIR` is resolved against the previous one, which may come from
    /// the base image and change when it changes: files then land in (and commands run
    /// from) a directory nobody intended.
    ///
    /// ## Example
    /// ```dockerfile
    /// WORKDIR app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// WORKDIR /app
    /// ```
    ///
    /// ## References
    /// - [WORKDIR](https://docs.docker.com/reference/dockerfile/#workdir)
    pub static RELATIVE_WORKDIR = {
        code: "DF037",
        name: "relative-workdir",
        severity: Low,
        default_enabled: true,
        cis: [],
        summary: "a relative WORKDIR",
        fixable: false,
    }
}

pub struct RelativeWorkdir;

impl DockerfileRule for RelativeWorkdir {
    fn info(&self) -> &'static RuleInfo {
        &RELATIVE_WORKDIR
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        let (Keyword::Workdir, Args::Single(w)) = (cx.inst.keyword, &cx.inst.args) else {
            return;
        };
        if cx.stage.is_some_and(|s| s.windows) {
            return;
        }
        let e = cx.scope.expand(&w.text);
        let Some(v) = e.resolved() else { return };
        if !v.is_empty() && !v.starts_with('/') {
            sink.report(
                &RELATIVE_WORKDIR,
                w.span,
                format!("WORKDIR `{v}` is relative"),
            )
            .set_help("use an absolute path");
        }
    }
}
