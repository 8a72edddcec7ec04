//! DF023: several CMD, ENTRYPOINT or HEALTHCHECK in one stage.

use super::DockerfileRule;
use crate::engine::{Sink, StageCtx};
use hullguard_diagnostics::RuleInfo;
use hullguard_dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Finds a `CMD`, `ENTRYPOINT` or `HEALTHCHECK` that is overridden by a later one
    /// of the same kind in the same stage.
    ///
    /// ## Why is this bad?
    /// Only the last one takes effect. An earlier one is dead code that readers (and
    /// reviewers) take for the real command: the image does something other than what
    /// the Dockerfile seems to say — for example a hardened entrypoint that is never
    /// used.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENTRYPOINT ["/entrypoint.sh"]
    /// CMD ["app"]
    /// ENTRYPOINT ["app"]
    /// ```
    ///
    /// ## How to fix
    /// Keep only the one that should run.
    ///
    /// ## References
    /// - [CMD](https://docs.docker.com/reference/dockerfile/#cmd)
    pub static MULTIPLE_CMD_ENTRYPOINT = {
        code: "DF023",
        name: "multiple-cmd-entrypoint",
        severity: Low,
        default_enabled: true,
        cis: [],
        summary: "a CMD, ENTRYPOINT or HEALTHCHECK overridden in the same stage",
        fixable: false,
    }
}

pub struct MultipleCmdEntrypoint;

impl DockerfileRule for MultipleCmdEntrypoint {
    fn info(&self) -> &'static RuleInfo {
        &MULTIPLE_CMD_ENTRYPOINT
    }

    fn check_stage(&self, cx: &StageCtx, sink: &mut Sink) {
        for kw in [Keyword::Cmd, Keyword::Entrypoint, Keyword::Healthcheck] {
            let all: Vec<_> = cx.instructions().filter(|(_, i)| i.keyword == kw).collect();
            if let Some((_, earlier)) = all.split_last() {
                for (_, inst) in earlier {
                    sink.report(
                        &MULTIPLE_CMD_ENTRYPOINT,
                        inst.span,
                        format!("this {kw} is overridden by a later {kw} in the same stage"),
                    )
                    .set_help(format!("remove it; only the last {kw} takes effect"));
                }
            }
        }
    }
}
