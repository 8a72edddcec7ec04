//! DF002: the final USER is a name, not a numeric UID.

use super::root_user::is_root;
use super::DockerfileRule;
use crate::engine::{Sink, StageCtx};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Notes when the last `USER` of the built stage is a user name rather than a
    /// numeric UID (`USER app` instead of `USER 10001`).
    ///
    /// ## Why is this bad?
    /// Orchestrators cannot check a name: Kubernetes' `runAsNonRoot` refuses to start
    /// an image whose user is not numeric, because `app` could be mapped to UID 0 in
    /// the image's `/etc/passwd`. A numeric UID is verifiable without reading the
    /// image. This is informational.
    ///
    /// ## Example
    /// ```dockerfile
    /// USER app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// USER 10001:10001
    /// ```
    ///
    /// ## References
    /// - [Kubernetes security context](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    pub static NON_NUMERIC_USER = {
        code: "DF002",
        name: "non-numeric-user",
        severity: Info,
        default_enabled: true,
        cis: [],
        summary: "the final USER is a name orchestrators cannot verify",
        fixable: false,
    }
}

pub struct NonNumericUser;

impl DockerfileRule for NonNumericUser {
    fn info(&self) -> &'static RuleInfo {
        &NON_NUMERIC_USER
    }

    fn check_stage(&self, cx: &StageCtx, sink: &mut Sink) {
        if !cx.is_target || cx.stage.windows {
            return;
        }
        let Some((exp, idx)) = &cx.scope.user else {
            return;
        };
        let Some(v) = exp.resolved() else {
            return;
        };
        if is_root(v) {
            return;
        }
        let user = v.split(':').next().unwrap_or(v);
        if !user.is_empty() && !user.chars().all(|c| c.is_ascii_digit()) {
            sink.report(
                &NON_NUMERIC_USER,
                cx.df.instructions[*idx].span,
                format!("USER `{v}` is a name; orchestrators cannot verify it is not root"),
            )
            .set_help("use the numeric UID (and GID), e.g. `USER 10001:10001`");
        }
    }
}
