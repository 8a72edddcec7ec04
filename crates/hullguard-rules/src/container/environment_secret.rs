//! CT032: a secret in the container's environment.

use super::util::{help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use crate::secrets::{find_secrets, is_key_fingerprint, is_placeholder, is_secret_name};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports environment variables of a container (`environment:`, `-e`/`--env`,
    /// `Config.Env`) that hold a secret:
    /// - a variable whose name says it is a secret (`*_PASSWORD`, `*_TOKEN`,
    ///   `API_KEY`, `*_SECRET`, `PGPASSWORD` ...) with a literal value;
    /// - any variable whose value has a recognisable secret: credentials in a URL
    ///   (`postgres://app:s3cret@db/app`), private keys, cloud and VCS tokens
    ///   (AWS, GitHub, GitLab, Slack, Stripe ...), and matches of the configured
    ///   `secret-patterns`.
    ///
    /// Not reported: values that are empty, placeholders (`<password>`, `${VAR}`,
    /// `xxxx`, `none`; but `changeme`, `example` or `password` are what the
    /// container will really use, so they are reported), values taken from the caller's
    /// environment (`-e NAME`, `environment: [NAME]`), and file references, the
    /// recommended pattern: `POSTGRES_PASSWORD_FILE=/run/secrets/db_password`.
    /// Names that describe a secret's settings rather than the secret
    /// (`PASSWORD_MIN_LENGTH`, `TOKEN_TTL`, `*_FILE`) are not secret names.
    ///
    /// ## Why is this bad?
    /// The environment is not a secret store: it is shown by `docker inspect` to
    /// anyone with access to the engine, inherited by every child process, written
    /// to crash reports and debug pages, and readable in `/proc/<pid>/environ`. A
    /// literal in a compose file or script is also committed to version control.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     environment:
    ///       POSTGRES_PASSWORD: hunter2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     environment:
    ///       POSTGRES_PASSWORD_FILE: /run/secrets/db_password
    ///     secrets: [db_password]
    /// secrets:
    ///   db_password:
    ///     file: ./db_password.txt
    /// ```
    ///
    /// ## How to fix
    /// Deliver the secret as a file: compose or swarm `secrets:` (mounted under
    /// `/run/secrets/`), and point the application at it (`*_FILE` variables are
    /// supported by most official images); rotate any secret that was committed.
    ///
    /// ## References
    /// - [Secrets in Compose](https://docs.docker.com/compose/how-tos/use-secrets/)
    /// - [Manage sensitive data with Docker secrets](https://docs.docker.com/engine/swarm/secrets/)
    pub static ENVIRONMENT_SECRET = {
        code: "CT032",
        name: "environment-secret",
        severity: High,
        default_enabled: true,
        cis: [],
        summary: "a secret is passed in the container's environment",
        fixable: false,
    }
}

pub struct EnvironmentSecret;

/// `REGISTRY_AUTH=htpasswd`, `PROXY_AUTH=basic`: when `AUTH` is the only secret
/// word of the name, a short plain word names the authentication method, not a
/// credential.
fn names_auth_method(name: &str, value: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let only_auth = words.contains(&"AUTH")
        && !words.iter().any(|w| {
            matches!(
                *w,
                "PASSWORD"
                    | "PASSWD"
                    | "PASS"
                    | "SECRET"
                    | "TOKEN"
                    | "KEY"
                    | "APIKEY"
                    | "CREDENTIALS"
            )
        });
    let v = value.trim();
    only_auth && !v.is_empty() && v.len() <= 16 && v.chars().all(|c| c.is_ascii_alphabetic())
}

/// Placeholder words that a Dockerfile check may skip, but that a container
/// really runs with: `POSTGRES_PASSWORD: example` is the database's password.
fn is_deployed_word(value: &str) -> bool {
    matches!(
        value
            .trim()
            .trim_matches(['"', '\''])
            .to_ascii_lowercase()
            .as_str(),
        "example" | "dummy" | "placeholder" | "password" | "secret" | "admin" | "root"
    )
}

impl ContainerRule for EnvironmentSecret {
    fn info(&self) -> &'static RuleInfo {
        &ENVIRONMENT_SECRET
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        for e in &spec.env {
            let name = e.value.name.trim();
            let Some(value) = e.value.value.as_deref() else {
                continue;
            };
            if is_placeholder(value) && !is_deployed_word(value) {
                continue;
            }
            let what = if is_secret_name(name)
                && !public_fingerprint(name, value)
                && !names_auth_method(name, value)
            {
                Some("a literal secret".to_string())
            } else {
                find_secrets(value, &cx.opts.secret_patterns)
                    .first()
                    .map(|m| m.kind.to_string())
            };
            let Some(what) = what else {
                continue;
            };
            sink.report(
                &ENVIRONMENT_SECRET,
                &e.at,
                name,
                format!(
                    "{} has {what} in environment variable `{name}`",
                    subject(spec)
                ),
            )
            .set_help(help(
                spec,
                "pass it as a file with `secrets:` and a `*_FILE` variable pointing at `/run/secrets/...`",
                "mount it as a file (a secret or a read-only file) and pass its path instead of the value",
                "pass it as a file (a secret or a read-only mount) and give the application its path",
            ));
        }
    }
}

/// `SIGNING_KEY=A62A...`: a public key fingerprint under a key-like name, not a
/// secret (the same exception as the Dockerfile `secret-env` rule).
fn public_fingerprint(name: &str, value: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let secret_word = ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "PRIVATE"]
        .iter()
        .any(|w| upper.contains(w));
    !secret_word && is_key_fingerprint(value)
}
