//! DF012: TLS certificate verification turned off.

use super::util::effective;
use super::DockerfileRule;
use crate::cmd::Cmd;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::{RuleInfo, Span};
use hullguard_dockerfile::{Keyword, LogicalLine};

declare_rule! {
    /// ## What it does
    /// Finds TLS certificate verification being disabled at build time or for the
    /// running container:
    /// - commands: `curl -k`/`--insecure`, `wget --no-check-certificate`,
    ///   `pip install --trusted-host`, `git -c http.sslVerify=false`,
    ///   `git config http.sslVerify false`, `npm`/`yarn config set strict-ssl false`,
    ///   `npm --strict-ssl=false`, `yum`/`dnf --setopt=sslverify=0`,
    ///   `conda config --set ssl_verify false`, `--insecure-skip-tls-verify`,
    ///   `--tls-verify=false` (also `--src-tls-verify`/`--dest-tls-verify`);
    /// - variables (in `ENV`, `ARG` defaults, shell assignments, `export` or `env`):
    ///   `PIP_TRUSTED_HOST`,
    ///   `PYTHONHTTPSVERIFY=0`, `NODE_TLS_REJECT_UNAUTHORIZED=0`, `GIT_SSL_NO_VERIFY`,
    ///   `NPM_CONFIG_STRICT_SSL=false`, `CURL_INSECURE`, `YARN_STRICT_SSL=false`;
    /// - configuration files written by `echo`, `sed` or a heredoc (in `RUN` or
    ///   `COPY`): `sslverify=0` (yum/dnf repositories, `.gitconfig`), `strict-ssl=false`
    ///   (`.npmrc`), `check_certificate = off` (`.wgetrc`), `ssl_verify: false`
    ///   (`.condarc`).
    ///
    /// ## Why is this bad?
    /// Without certificate verification, anyone on the network path can impersonate
    /// the server and deliver modified packages or code, which then run in your
    /// build as root and ship in your image. `ENV` settings also disable verification
    /// for the application at run time.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -k https://example.com/tool -o /usr/local/bin/tool
    /// ```
    ///
    /// ## How to fix
    /// Install the right CA certificates (`ca-certificates`, or `COPY` your internal CA
    /// into `/usr/local/share/ca-certificates/` and run `update-ca-certificates`).
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 4.11
    pub static TLS_VERIFICATION_DISABLED = {
        code: "DF012",
        name: "tls-verification-disabled",
        severity: High,
        default_enabled: true,
        cis: ["4.11"],
        summary: "TLS certificate verification disabled",
        fixable: false,
    }
}

pub struct TlsVerificationDisabled;

/// Whether the variable assignment `name=value` disables TLS verification.
pub(crate) fn insecure_variable(name: &str, value: &str) -> bool {
    let v = value.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    let falsy = matches!(v.as_str(), "0" | "false" | "no" | "off");
    let truthy = !v.is_empty() && !falsy;
    match name.to_ascii_uppercase().as_str() {
        "PIP_TRUSTED_HOST" | "UV_INSECURE_HOST" => !v.is_empty(),
        "PYTHONHTTPSVERIFY"
        | "NODE_TLS_REJECT_UNAUTHORIZED"
        | "NPM_CONFIG_STRICT_SSL"
        | "YARN_STRICT_SSL"
        | "YARN_ENABLE_STRICT_SSL"
        | "GIT_SSL_VERIFY"
        | "CONDA_SSL_VERIFY"
        | "REQUESTS_VERIFY" => falsy,
        // git disables verification when the variable is set at all, even to `0`.
        "GIT_SSL_NO_VERIFY" => true,
        "CURL_INSECURE" | "GOINSECURE" => truthy,
        "GOFLAGS" => v.contains("-insecure"),
        _ => false,
    }
}

fn cmd_insecure(c: &Cmd) -> Option<(Span, String)> {
    let (name, args) = effective(c);
    let find = |pred: &dyn Fn(&str) -> bool| args.iter().find(|a| pred(&a.value));
    match name {
        "curl" => {
            if let Some(a) = find(&|v| {
                v == "--insecure"
                    || (v.starts_with('-')
                        && !v.starts_with("--")
                        && v.contains('k')
                        && v[1..].chars().all(|ch| ch.is_ascii_alphanumeric()))
            }) {
                return Some((
                    a.span,
                    format!("`curl {}` skips certificate verification", a.value),
                ));
            }
        }
        "wget" => {
            if let Some(a) = find(&|v| v == "--no-check-certificate") {
                return Some((
                    a.span,
                    "`wget --no-check-certificate` skips certificate verification".into(),
                ));
            }
        }
        "pip" | "pip3" | "pip2" | "uv" => {
            if let Some(a) = find(&|v| {
                v == "--trusted-host"
                    || v.starts_with("--trusted-host=")
                    || v == "--allow-insecure-host"
                    || v.starts_with("--allow-insecure-host=")
            }) {
                return Some((
                    a.span,
                    format!(
                        "`{name} {}` accepts hosts without valid certificates",
                        a.value
                    ),
                ));
            }
            let cfg = args
                .iter()
                .position(|a| a.value.contains("trusted-host") || a.value.contains("trusted_host"));
            let sub = args.iter().find(|a| !a.value.starts_with('-'));
            if let (Some(i), Some("config")) = (cfg, sub.map(|a| a.value.as_str())) {
                return Some((
                    args[i].span,
                    "pip configured with a trusted host (no certificate verification)".into(),
                ));
            }
        }
        "git" => {
            for (i, a) in args.iter().enumerate() {
                let l = a.value.to_ascii_lowercase();
                if l.starts_with("http.sslverify=")
                    && matches!(&l["http.sslverify=".len()..], "false" | "0" | "no" | "off")
                {
                    return Some((a.span, "git run with `http.sslVerify=false`".into()));
                }
                if l == "http.sslverify" || l.ends_with(".sslverify") {
                    if let Some(n) = args.get(i + 1) {
                        if matches!(
                            n.value.to_ascii_lowercase().as_str(),
                            "false" | "0" | "no" | "off"
                        ) {
                            return Some((
                                a.span.cover(n.span),
                                "git configured with `http.sslVerify false`".into(),
                            ));
                        }
                    }
                }
            }
        }
        "npm" | "yarn" | "pnpm" => {
            for (i, a) in args.iter().enumerate() {
                let l = a.value.to_ascii_lowercase();
                if l == "--strict-ssl=false" || l == "--no-strict-ssl" {
                    return Some((
                        a.span,
                        format!("`{} {}` skips certificate verification", name, a.value),
                    ));
                }
                if (l == "strict-ssl" || l == "strictssl" || l == "enablestrictssl")
                    && args.get(i + 1).is_some_and(|n| n.value == "false")
                {
                    return Some((
                        a.span.cover(args[i + 1].span),
                        format!("{} configured with `strict-ssl false`", name),
                    ));
                }
                if l == "strict-ssl=false" {
                    return Some((
                        a.span,
                        format!("{} configured with `strict-ssl=false`", name),
                    ));
                }
            }
        }
        "yum" | "dnf" | "microdnf" | "tdnf" | "yum-config-manager" | "dnf-config-manager" => {
            if let Some(a) = find(&|v| {
                let l = v.to_ascii_lowercase();
                l.contains("sslverify=0")
                    || l.contains("sslverify=false")
                    || l.contains("sslverify=no")
            }) {
                return Some((a.span, format!("`{}` run with `sslverify` off", name)));
            }
        }
        "conda" | "mamba" | "micromamba" => {
            for (i, a) in args.iter().enumerate() {
                if a.value == "ssl_verify"
                    && args
                        .get(i + 1)
                        .is_some_and(|n| matches!(n.value.as_str(), "false" | "False" | "no"))
                {
                    return Some((
                        a.span.cover(args[i + 1].span),
                        format!("{} configured with `ssl_verify false`", name),
                    ));
                }
            }
        }
        _ => {}
    }
    // `--insecure-skip-tls-verify` (kubectl, helm), `--tls-verify=false` (podman,
    // buildah), `--src-tls-verify=false` / `--dest-tls-verify=false` (skopeo).
    if let Some(a) = find(&|v| {
        let l = v.to_ascii_lowercase();
        let off = |suffix: &str| {
            l.strip_suffix(suffix).is_some_and(|flag| {
                flag.starts_with("--")
                    && (flag.ends_with("tls-verify") || flag.ends_with("tlsverify"))
            })
        };
        l == "--insecure-skip-tls-verify"
            || l == "--insecure-skip-tls-verify=true"
            || off("=false")
            || off("=0")
    }) {
        return Some((
            a.span,
            format!("`{} {}` skips certificate verification", name, a.value),
        ));
    }
    None
}

/// Configuration that turns verification off, written into a file by `echo`, `sed`
/// or a heredoc: `sslverify=0` (yum/dnf repositories, `.gitconfig`),
/// `strict-ssl=false` (`.npmrc`, `.yarnrc`), `check_certificate = off` (`.wgetrc`),
/// `ssl_verify: false` (`.condarc`). Returns `(start, end, key)` in `text`.
fn config_off(text: &str) -> Vec<(usize, usize, &'static str)> {
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    for key in [
        "sslverify",
        "strict-ssl",
        "strict_ssl",
        "check_certificate",
        "ssl_verify",
    ] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(key) {
            let start = from + i;
            from = start + key.len();
            let rest = lower[from..].trim_start_matches([' ', '\t']);
            let Some(value) = rest.strip_prefix(['=', ':']) else {
                continue;
            };
            let value = value.trim_start_matches([' ', '\t', '"', '\'']);
            let word: String = value
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if matches!(word.as_str(), "0" | "false" | "no" | "off") {
                out.push((start, lower.len() - value.len() + word.len(), key));
            }
        }
    }
    out
}

impl DockerfileRule for TlsVerificationDisabled {
    fn info(&self) -> &'static RuleInfo {
        &TLS_VERIFICATION_DISABLED
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        if cx.inst.keyword == Keyword::Onbuild {
            // The wrapped instruction is checked on its own.
            return;
        }
        if matches!(cx.inst.keyword, Keyword::Env | Keyword::Arg) {
            for kv in cx.inst.key_values() {
                if let Some(v) = &kv.value {
                    let value = cx.scope.expand(&v.text).value;
                    if insecure_variable(&kv.key.text, &value) {
                        sink.report(
                            &TLS_VERIFICATION_DISABLED,
                            kv.span,
                            format!(
                                "`{}={}` disables TLS certificate verification",
                                kv.key.text, value
                            ),
                        );
                    }
                }
            }
            return;
        }
        let mut seen: Vec<Span> = Vec::new();
        for c in cx.cmds {
            if let Some((span, msg)) = cmd_insecure(c) {
                seen.push(span);
                sink.report(&TLS_VERIFICATION_DISABLED, span, msg)
                    .set_help("install the CA certificate instead of disabling verification");
            }
        }
        for rs in cx.scripts {
            for c in &rs.script.commands {
                let mut pairs: Vec<(String, String, Span)> = c
                    .assignments
                    .iter()
                    .map(|a| (a.name.clone(), a.value.lossy.clone(), a.span))
                    .collect();
                // `export X=1`, and `env X=1 cmd` / `sudo X=1 cmd` operands.
                let takes_assignments = matches!(c.name(), Some("export" | "env" | "sudo"));
                if takes_assignments {
                    pairs.extend(c.args().iter().filter_map(|w| {
                        let (n, v) = w.lossy.split_once('=')?;
                        let ident = !n.is_empty()
                            && n.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
                        ident.then(|| (n.to_string(), v.to_string(), w.span))
                    }));
                }
                for (n, v, span) in pairs {
                    if insecure_variable(&n, &v) {
                        let span = rs.map.span(span);
                        seen.push(span);
                        sink.report(
                            &TLS_VERIFICATION_DISABLED,
                            span,
                            format!("`{n}={v}` disables TLS certificate verification"),
                        );
                    }
                }
            }
        }
        // Configuration files written by the step: `echo "sslverify=0" >> x.repo`,
        // `sed -i 's/sslverify=1/sslverify=0/'`, heredoc bodies.
        let mut lines: Vec<&LogicalLine> = vec![&cx.inst.line];
        lines.extend(cx.inst.heredocs.iter().map(|h| &h.body));
        for line in lines {
            for (start, end, key) in config_off(line.text()) {
                let span = line.span(start, end);
                if seen.iter().any(|s| s.contains(span.start)) {
                    continue;
                }
                seen.push(span);
                sink.report(
                    &TLS_VERIFICATION_DISABLED,
                    span,
                    format!("configuration with `{key}` off skips certificate verification"),
                );
            }
        }
    }
}
