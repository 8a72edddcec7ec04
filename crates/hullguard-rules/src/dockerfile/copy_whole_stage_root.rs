//! DF020: the whole filesystem of another stage copied.

use super::util::norm_path;
use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::RuleInfo;
use hullguard_dockerfile::{Args, Keyword};

declare_rule! {
    /// ## What it does
    /// Finds `COPY --from=<stage or image> / <dest>`: the whole root filesystem of a
    /// build stage (or image) copied into this one.
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
        for s in sources {
            let v = cx.scope.expand(&s.text).value;
            if v.starts_with('/') && norm_path(&v) == "/" || v == "/*" {
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
