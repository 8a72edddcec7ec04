//! DF001: the built image runs as root.

use super::DockerfileRule;
use crate::engine::{Sink, StageCtx};
use hullguard_diagnostics::{Edit, Fix, RuleInfo, Severity, Span};
use hullguard_dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Checks that the stage that is built (the last one, or `--target`) ends with
    /// a `USER` that is not root. It fires when the last `USER` is `root`, `0`,
    /// `root:*` or `0:*` — also through a variable (`ARG RUNAS=0` + `USER ${RUNAS}`)
    /// or inherited from an earlier stage — and when no `USER` is set at all.
    ///
    /// ## Why is this bad?
    /// A container runs as the image's user unless told otherwise, and most people
    /// never tell it otherwise. Root in a container is root on the host's kernel:
    /// any escape (a kernel bug, a mounted socket, a writable host path, an added
    /// capability) becomes a root compromise of the host. CIS Docker Benchmark 4.1.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd --system app
    /// CMD ["/usr/bin/app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd --system app
    /// USER app
    /// CMD ["/usr/bin/app"]
    /// ```
    ///
    /// ## Fix safety
    /// When the stage itself creates a user (`useradd`, `adduser`), the fix adds
    /// `USER <that user>` before `CMD`/`ENTRYPOINT` (or at the end of the stage).
    /// The application must be able to run as that user.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 4.1
    /// - [Dockerfile `USER`](https://docs.docker.com/reference/dockerfile/#user)
    pub static ROOT_USER = {
        code: "DF001",
        name: "root-user",
        severity: High,
        default_enabled: true,
        cis: ["4.1"],
        summary: "the image runs as root",
        fixable: true,
    }
}

pub struct RootUser;

/// Whether a resolved `USER` value is root (`root`, `0`, `root:grp`, `0:0`, and
/// Windows' `ContainerAdministrator`).
pub(crate) fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or("").trim();
    name == "root"
        || name == "0"
        || name.eq_ignore_ascii_case("ContainerAdministrator")
        || (name.chars().all(|c| c.is_ascii_digit())
            && !name.is_empty()
            && name.parse::<u64>() == Ok(0))
}

/// Base images that are known to default to a non-root user.
fn nonroot_base(image: &str) -> bool {
    let l = image.to_ascii_lowercase();
    l.contains("nonroot") || l.contains("non-root") || l.contains("rootless")
}

impl DockerfileRule for RootUser {
    fn info(&self) -> &'static RuleInfo {
        &ROOT_USER
    }

    fn check_stage(&self, cx: &StageCtx, sink: &mut Sink) {
        if !cx.is_target {
            return;
        }
        let from = cx.stage_from();
        match &cx.scope.user {
            Some((exp, idx)) => {
                let span = cx.df.instructions[*idx].span;
                let inherited = *idx < cx.stage.from;
                let raw = match &cx.df.instructions[*idx].args {
                    hullguard_dockerfile::Args::Single(w) => w.text.trim().to_string(),
                    _ => String::new(),
                };
                let via = match (inherited, !raw.is_empty() && raw != exp.value) {
                    (true, _) => " (inherited from an earlier stage)".to_string(),
                    (false, true) => format!(" (`{raw}`)"),
                    (false, false) => String::new(),
                };
                if exp.is_resolved() {
                    if is_root(&exp.value) {
                        sink.report(&ROOT_USER, span, format!("the image runs as root: last USER is `{}`{via}", exp.value))
                            .set_help("switch to a non-root user (`USER 10001` or a user created in this stage)");
                    }
                } else if is_root(&exp.value) {
                    sink.report(
                        &ROOT_USER,
                        span,
                        format!(
                            "the image runs as root by default: USER resolves to `{}` unless `{}` is set at build time",
                            exp.value,
                            exp.unresolved.join("`, `")
                        ),
                    )
                    .set_help("give the build argument a non-root default");
                } else if exp.value.contains('$') {
                    sink.report(
                        &ROOT_USER,
                        span,
                        format!(
                            "USER `{}` cannot be resolved (`{}` has no value here); the image may run as root",
                            exp.value,
                            exp.unresolved.join("`, `")
                        ),
                    )
                    .severity = Severity::Low;
                }
            }
            None => {
                if cx.stage.windows {
                    return;
                }
                if nonroot_base(&cx.stage.base.value) {
                    return;
                }
                let f = sink.report(
                    &ROOT_USER,
                    from.span,
                    "the image runs as root: the final stage sets no USER",
                );
                f.severity = Severity::Medium;
                f.help = Some("add `USER <non-root user>` before CMD/ENTRYPOINT".into());
                if let Some((user, after)) = created_user(cx) {
                    let at = cx
                        .instructions()
                        .find(|(i, inst)| {
                            *i > after && matches!(inst.keyword, Keyword::Cmd | Keyword::Entrypoint)
                        })
                        .map(|(_, inst)| inst.span.start);
                    let edit = match at {
                        Some(start) => Edit {
                            span: Span::empty(start),
                            replacement: format!("USER {user}\n"),
                        },
                        None => {
                            let end = cx.df.instructions
                                [cx.stage.body.end.saturating_sub(1).max(cx.stage.from)]
                            .span
                            .end;
                            Edit {
                                span: Span::empty(end),
                                replacement: format!("\nUSER {user}"),
                            }
                        }
                    };
                    f.fix = Some(Fix::safe(format!("Add `USER {user}`"), vec![edit]));
                }
            }
        }
    }
}

/// The last non-root user created in the stage by `useradd`/`adduser`, and the
/// index of the instruction that created it.
fn created_user(cx: &StageCtx) -> Option<(String, usize)> {
    let mut found = None;
    for (i, c) in cx.cmds {
        if c.name != "useradd" && c.name != "adduser" {
            continue;
        }
        // The login name is the last operand that is not an option value.
        let mut name = None;
        let mut skip = false;
        for a in &c.args {
            if skip {
                skip = false;
                continue;
            }
            if a.value.starts_with('-') {
                let takes_value = matches!(
                    a.value.as_str(),
                    "-u" | "--uid"
                        | "-g"
                        | "--gid"
                        | "-G"
                        | "--groups"
                        | "-d"
                        | "--home"
                        | "--home-dir"
                        | "-s"
                        | "--shell"
                        | "-c"
                        | "--comment"
                        | "--gecos"
                        | "-h"
                        | "-k"
                        | "--skel"
                        | "-e"
                        | "--expiredate"
                        | "-f"
                        | "--inactive"
                        | "-K"
                        | "--key"
                        | "-p"
                        | "--password"
                        | "-R"
                        | "--root"
                        | "-G="
                        | "--ingroup"
                        | "--firstuid"
                        | "--lastuid"
                );
                skip = takes_value;
                continue;
            }
            if a.is_static {
                name = Some(a.value.clone());
            }
        }
        // `adduser user group` adds an existing user to a group (Debian): ignore.
        if c.name == "adduser"
            && c.operands().count() > 1
            && !c.has_flag(&["-D", "-S", "--system", "--disabled-password"])
        {
            continue;
        }
        if let Some(n) = name.filter(|n| {
            !is_root(n)
                && n.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || "_-.".contains(ch))
        }) {
            found = Some((n, *i));
        }
    }
    found
}
