//! DF038: a stage name that does not refer to what the author meant.

use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::RuleInfo;
use hullguard_dockerfile::{Args, Keyword};

declare_rule! {
    /// ## What it does
    /// Finds stage references that go wrong: two stages with the same name,
    /// `COPY --from=<name>` or `RUN --mount=from=<name>` where `<name>` is not a stage
    /// defined earlier in the file but a later stage or a near miss of a stage name
    /// (`bulider` for `builder`), a numeric `--from` that is not an earlier stage, and
    /// `FROM <name>` naming a stage defined later. A name unrelated to every stage
    /// (`COPY --from=composer ...`) is an image used on purpose and is not reported.
    ///
    /// ## Why is this bad?
    /// A name that is not an earlier stage is treated as an **image** and pulled from
    /// a registry: `COPY --from=bulider /app /app` copies from whatever image
    /// `docker.io/library/bulider` is, and a later stage's name silently means an
    /// image instead of the stage. At best the build fails; at worst it takes files
    /// from an image nobody reviewed.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS builder
    /// RUN go build -o /out/app .
    /// FROM gcr.io/distroless/static
    /// COPY --from=bulider /out/app /app
    /// ```
    ///
    /// ## How to fix
    /// Use the exact name of an earlier stage.
    ///
    /// ## References
    /// - [Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
    pub static INVALID_STAGE_REFERENCE = {
        code: "DF038",
        name: "invalid-stage-reference",
        severity: Medium,
        default_enabled: true,
        cis: [],
        summary: "a stage reference that resolves to an image or nothing",
        fixable: false,
    }
}

pub struct InvalidStageReference;

/// Whether a `--from` value looks like a stage name rather than an image reference.
fn looks_like_stage(v: &str) -> bool {
    !v.contains(['/', ':', '@', '.'])
}

/// Whether `a` and `b` are within a typo of each other: an edit distance of 1 for
/// short names, 2 for longer ones (transposed letters count as 2).
fn similar(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let limit = if a.len().min(b.len()) <= 4 { 1 } else { 2 };
    if a.len().abs_diff(b.len()) > limit {
        return false;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()] <= limit
}

impl DockerfileRule for InvalidStageReference {
    fn info(&self) -> &'static RuleInfo {
        &INVALID_STAGE_REFERENCE
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        let Some(stage) = cx.stage else { return };
        if cx.onbuild {
            return;
        }
        if cx.inst.keyword == Keyword::From {
            if let Args::From { image, alias } = &cx.inst.args {
                if let Some(a) = alias {
                    let name = a.text.to_ascii_lowercase();
                    if cx.model.stages[..stage.index]
                        .iter()
                        .any(|s| s.name.as_deref() == Some(name.as_str()))
                    {
                        sink.report(
                            &INVALID_STAGE_REFERENCE,
                            a.span,
                            format!(
                                "stage name `{}` is already used by an earlier stage",
                                a.text
                            ),
                        );
                    }
                }
                if let Some(v) = stage.base.resolved() {
                    let l = v.to_ascii_lowercase();
                    if stage.parent.is_none()
                        && cx.model.stages[stage.index + 1..]
                            .iter()
                            .any(|s| s.name.as_deref() == Some(l.as_str()))
                    {
                        sink.report(&INVALID_STAGE_REFERENCE, image.span, format!("`{v}` is a later stage; FROM will pull an image of that name instead"));
                    }
                }
            }
            return;
        }
        for f in &cx.inst.flags {
            let from = match f.name.as_str() {
                "from" if matches!(cx.inst.keyword, Keyword::Copy | Keyword::Add) => {
                    f.value.clone()
                }
                "mount" if cx.inst.keyword == Keyword::Run => f.value.as_deref().and_then(|v| {
                    v.split(',')
                        .find_map(|kv| kv.strip_prefix("from=").map(str::to_string))
                }),
                _ => None,
            };
            let Some(raw) = from else { continue };
            let e = cx.scope.expand(&raw);
            let Some(v) = e.resolved() else { continue };
            if cx.model.stage_ref(v, stage.index).is_some() {
                continue;
            }
            if v.chars().all(|c| c.is_ascii_digit()) {
                sink.report(
                    &INVALID_STAGE_REFERENCE,
                    f.span,
                    format!("`--from={v}` is not an earlier stage index"),
                );
            } else if looks_like_stage(v) {
                let l = v.to_ascii_lowercase();
                let names = || cx.model.stages.iter().filter_map(|s| s.name.as_deref());
                let why = if stage.name.as_deref() == Some(l.as_str()) {
                    "is this stage itself".to_string()
                } else if names().any(|n| n == l) {
                    "is defined later".to_string()
                } else if let Some(n) = names().find(|n| similar(n, &l)) {
                    format!("is not a stage of this file (did you mean `{n}`?)")
                } else {
                    // Unrelated to every stage name: an image used on purpose
                    // (`COPY --from=composer ...`).
                    continue;
                };
                sink.report(
                    &INVALID_STAGE_REFERENCE,
                    f.span,
                    format!(
                        "`{v}` {why}; BuildKit will pull the image `docker.io/library/{v}` instead"
                    ),
                )
                .set_help("use the name of an earlier stage");
            }
        }
    }
}
