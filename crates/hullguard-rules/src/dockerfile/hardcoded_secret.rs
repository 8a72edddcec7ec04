//! DF007: a secret value written into the Dockerfile.

use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use crate::secrets::{find_secrets, is_placeholder, is_secret_name, looks_random};
use hullguard_diagnostics::{RuleInfo, Span};
use hullguard_dockerfile::{Keyword, LogicalLine};

declare_rule! {
    /// ## What it does
    /// Looks for secret values anywhere in an instruction, including `RUN` lines and
    /// heredoc bodies: private keys, cloud and VCS token formats (AWS, GitHub,
    /// GitLab, Slack, Google, Stripe, npm, PyPI, Docker Hub, OpenAI, ...),
    /// credentials in URLs (`https://user:pass@host`), passwords given to commands
    /// (`--password=...`, `curl -u user:pass`, `mysql -pSecret`), secret-named shell
    /// variables set to random-looking literals, and any pattern configured in
    /// `hullguard.toml` (`[dockerfile] secret-patterns`).
    ///
    /// ## Why is this bad?
    /// Everything in a Dockerfile ends up in version control, in the build cache and
    /// usually in the image history. A token committed there must be considered
    /// leaked and rotated. CIS Docker Benchmark 4.10.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN git clone https://deploy:s3cr3tT0ken@git.example.com/app.git
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN --mount=type=secret,id=git_token \
    ///     git clone "https://deploy:$(cat /run/secrets/git_token)@git.example.com/app.git"
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 4.10
    /// - [Build secrets](https://docs.docker.com/build/building/secrets/)
    pub static HARDCODED_SECRET = {
        code: "DF007",
        name: "hardcoded-secret",
        severity: Critical,
        default_enabled: true,
        cis: ["4.10"],
        summary: "a secret value written into the Dockerfile",
        fixable: false,
    }
}

pub struct HardcodedSecret;

fn scan_line(line: &LogicalLine, cx: &InstCtx, sink: &mut Sink, seen: &mut Vec<Span>) {
    for m in find_secrets(line.text(), &cx.opts.secret_patterns) {
        let span = line.span(m.start, m.end);
        if seen
            .iter()
            .any(|s| s.start <= span.start && span.end <= s.end)
        {
            continue;
        }
        seen.push(span);
        sink.report(
            &HARDCODED_SECRET,
            span,
            format!("{} written into the Dockerfile", m.kind),
        )
        .set_help("pass it with `RUN --mount=type=secret` and rotate the leaked value");
    }
}

impl DockerfileRule for HardcodedSecret {
    fn info(&self) -> &'static RuleInfo {
        &HARDCODED_SECRET
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        if cx.inst.keyword == Keyword::Onbuild {
            // The wrapped instruction is checked on its own.
            return;
        }
        let mut seen = Vec::new();
        scan_line(&cx.inst.line, cx, sink, &mut seen);
        for h in &cx.inst.heredocs {
            scan_line(&h.body, cx, sink, &mut seen);
        }
        // Commands given a password.
        for c in cx.cmds {
            let mut prev: Option<&str> = None;
            for a in &c.args {
                let v = a.value.as_str();
                let hit = if let Some(p) = prev.filter(|p| {
                    matches!(
                        *p,
                        "--password" | "--pass" | "--token" | "--api-key" | "--secret"
                    )
                }) {
                    let _ = p;
                    Some(v)
                } else if let Some((flag, val)) = v.split_once('=') {
                    matches!(
                        flag,
                        "--password"
                            | "--pass"
                            | "--token"
                            | "--api-key"
                            | "--secret"
                            | "--client-secret"
                    )
                    .then_some(val)
                } else if (c.name == "mysql" || c.name == "mysqldump" || c.name == "mariadb")
                    && v.starts_with("-p")
                    && v.len() > 2
                {
                    Some(&v[2..])
                } else if (c.name == "curl") && (prev == Some("-u") || prev == Some("--user")) {
                    v.split_once(':').map(|(_, pw)| pw)
                } else {
                    None
                };
                if let Some(secret) = hit {
                    if a.is_static
                        && !is_placeholder(secret)
                        && !seen.iter().any(|s: &Span| s.contains(a.span.start))
                    {
                        seen.push(a.span);
                        sink.report(
                            &HARDCODED_SECRET,
                            a.span,
                            format!("password given to `{}` on the command line", c.name),
                        )
                        .set_help("read it from a secret mount (`--mount=type=secret`) instead");
                    }
                }
                prev = Some(v);
            }
        }
        // Secret-named shell variables set to random-looking literals.
        for rs in cx.scripts {
            for c in &rs.script.commands {
                let exports = c.words.first().is_some_and(|w| {
                    matches!(
                        w.value.as_deref(),
                        Some("export" | "declare" | "local" | "readonly")
                    )
                });
                let mut pairs: Vec<(String, String, bool, Span)> = c
                    .assignments
                    .iter()
                    .map(|a| {
                        (
                            a.name.clone(),
                            a.value.lossy.clone(),
                            a.value.value.is_some(),
                            a.span,
                        )
                    })
                    .collect();
                if exports {
                    for w in c.args() {
                        if let (Some(v), Some((n, val))) = (
                            w.value.as_deref(),
                            w.value.as_deref().and_then(|v| v.split_once('=')),
                        ) {
                            let _ = v;
                            pairs.push((n.to_string(), val.to_string(), true, w.span));
                        }
                    }
                }
                for (name, value, is_static, span) in pairs {
                    if is_static
                        && is_secret_name(&name)
                        && !is_placeholder(&value)
                        && (looks_random(&value) || value.len() >= 8)
                    {
                        let span = rs.map.span(span);
                        if seen.iter().any(|s| s.contains(span.start)) {
                            continue;
                        }
                        seen.push(span);
                        sink.report(
                            &HARDCODED_SECRET,
                            span,
                            format!("shell variable `{name}` is set to a literal secret"),
                        )
                        .set_help("read it from a secret mount (`--mount=type=secret`) instead");
                    }
                }
            }
        }
    }
}
