//! DF022: no HEALTHCHECK in the image.

use super::DockerfileRule;
use crate::engine::{Sink, StageCtx};
use hullguard_diagnostics::RuleInfo;
use hullguard_dockerfile::{Args, Healthcheck, Keyword};

declare_rule! {
    /// ## What it does
    /// Checks that the built stage (or a stage it is built `FROM`) has a
    /// `HEALTHCHECK`, and that the last one is not `HEALTHCHECK NONE`.
    ///
    /// ## Why is this bad?
    /// Without a health check the engine only knows whether the process exists, not
    /// whether it works: a hung or compromised service keeps receiving traffic, and
    /// `restart` policies and orchestrators cannot replace it. CIS Docker Benchmark
    /// 4.6. (A base image may define one; hullguard cannot see base images here, so
    /// suppress this rule for images that inherit a health check.)
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site /usr/share/nginx/html
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site /usr/share/nginx/html
    /// HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost/ || exit 1
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 4.6
    /// - [HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
    pub static MISSING_HEALTHCHECK = {
        code: "DF022",
        name: "missing-healthcheck",
        severity: Low,
        default_enabled: true,
        cis: ["4.6"],
        summary: "the image has no HEALTHCHECK",
        fixable: false,
    }
}

pub struct MissingHealthcheck;

impl DockerfileRule for MissingHealthcheck {
    fn info(&self) -> &'static RuleInfo {
        &MISSING_HEALTHCHECK
    }

    fn check_stage(&self, cx: &StageCtx, sink: &mut Sink) {
        if !cx.is_target {
            return;
        }
        // Walk this stage, then its parents, for the last HEALTHCHECK.
        let mut stage = Some(cx.stage);
        while let Some(st) = stage {
            let last = st
                .body
                .clone()
                .rev()
                .map(|i| &cx.df.instructions[i])
                .find(|i| i.keyword == Keyword::Healthcheck);
            if let Some(h) = last {
                if matches!(h.args, Args::Healthcheck(Healthcheck::None)) {
                    sink.report(
                        &MISSING_HEALTHCHECK,
                        h.span,
                        "the health check is disabled with `HEALTHCHECK NONE`",
                    );
                }
                return;
            }
            stage = st.parent.map(|p| &cx.model.stages[p]);
        }
        sink.report(
            &MISSING_HEALTHCHECK,
            cx.stage_from().span,
            "the image has no HEALTHCHECK",
        )
        .set_help("add `HEALTHCHECK CMD <command that exits 0 when the service works>`");
    }
}
