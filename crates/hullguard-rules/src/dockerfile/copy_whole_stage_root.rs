//! DF020: the whole filesystem of another stage copied.

use super::util::norm_path;
use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::RuleInfo;
use hullguard_dockerfile::{Args, Keyword};

declare_rule! {
    /// ## What it does
    /// Finds `COPY --from=<stage or image> / <dest>` (also `.`, `/*`, since `--from`
    /// sources are relative to the stage root): the whole root filesystem of a build
    /// stage (or image) copied into this one. Stages built `FROM scratch` hold only
    /// what was copied into them and are not reported.
    ///
    /// ## Why is this bad?
    /// Multi-stage builds exist to leave the build toolchain, caches, credentials used
    /// during the build, and package manager state behind. Copying `/` carries all of
    /// it — including any secret a build step left on disk and setuid binaries of the
    /// builder image — into the final image.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY --from=build / /
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY --from=build /out/app /usr/local/bin/app
    /// ```
    ///
    /// ## References
    /// - [Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
    pub static COPY_WHOLE_STAGE_ROOT = {
        code: "DF020",
        name: "copy-whole-stage-root",
        severity: Medium,
        default_enabled: true,
        cis: [],
        summary: "a whole build filesystem copied with `COPY --from`",
        fixable: false,
    }
}

pub struct CopyWholeStageRoot;

impl DockerfileRule for CopyWholeStageRoot {
    fn info(&self) -> &'static RuleInfo {
        &COPY_WHOLE_STAGE_ROOT
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        if cx.inst.keyword != Keyword::Copy {
            return;
        }
        let Some(from) = cx.inst.flag("from") else {
            return;
        };
        let Args::Paths { sources, .. } = &cx.inst.args else {
            return;
        };
        // A stage that starts from scratch holds only what was copied into it.
        if let (Some(stage), Some(v)) = (cx.stage, from.value.as_deref()) {
            let v = cx.scope.expand(v).value;
            let mut cur = cx.model.stage_ref(&v, stage.index);
            while let Some(i) = cur {
                let st = &cx.model.stages[i];
                if st.scratch {
                    return;
                }
                cur = st.parent;
            }
        }
        for s in sources {
            let e = cx.scope.expand(&s.text);
            let Some(v) = e.resolved() else { continue };
            // `--from` sources are relative to the root of the stage: `.` is `/`.
            let whole = !v.is_empty()
                && (norm_path(v) == "/"
                    || v.trim_start_matches("./").trim_start_matches('/') == "*");
            if whole {
                sink.report(
                    &COPY_WHOLE_STAGE_ROOT,
                    s.span,
                    format!(
                        "the whole filesystem of `{}` is copied",
                        from.value.as_deref().unwrap_or("?")
                    ),
                )
                .set_help("copy only the build outputs you need");
            }
        }
    }
}
