//! DF006: a secret in an ARG or ENV.

use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use crate::secrets::{is_key_fingerprint, is_placeholder, is_secret_name};
use hullguard_diagnostics::{RuleInfo, Severity};
use hullguard_dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Checks `ARG` and `ENV` (and `ONBUILD` forms of them) for variables whose name
    /// says they hold a secret (`*_PASSWORD`, `*_TOKEN`, `API_KEY`, `*_SECRET` ...)
    /// and that are given a literal value. A secret-named `ARG` without a default (or
    /// with an empty one) is reported at a lower severity: its value, passed with `--build-arg`, is still
    /// recorded in the image. Names written as one word (`PGPASSWORD`,
    /// `NGROK_AUTHTOKEN`) count too. Well-known non-secrets are left alone: `GPG_KEY`
    /// fingerprints, settings about a secret (`PASSWORD_MIN_LENGTH`,
    /// `POSTGRES_HOST_AUTH_METHOD`, `TOKEN_TTL`), `*_FILE` paths, values that
    /// reference another variable.
    ///
    /// ## Why is this bad?
    /// `ENV` values are stored in the image configuration and visible to anyone who
    /// can pull it (`docker inspect`), and to every process in the container.
    /// `ARG` values are recorded in the image history (`docker history`). Secrets in
    /// either leak with the image. CIS Docker Benchmark 4.10.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV DB_PASSWORD=hunter2
    /// ARG NPM_TOKEN
    /// RUN npm ci
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci
    /// ```
    /// and pass the secret at build time (`docker build --secret id=npm_token,env=NPM_TOKEN`)
    /// and at run time through a secrets mechanism (`DB_PASSWORD_FILE=/run/secrets/db`).
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 4.10
    /// - [Build secrets](https://docs.docker.com/build/building/secrets/)
    pub static SECRET_ENV = {
        code: "DF006",
        name: "secret-env",
        severity: High,
        default_enabled: true,
        cis: ["4.10"],
        summary: "a secret in an ARG or ENV",
        fixable: false,
    }
}

pub struct SecretEnv;

impl DockerfileRule for SecretEnv {
    fn info(&self) -> &'static RuleInfo {
        &SECRET_ENV
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        let kind = match cx.inst.keyword {
            Keyword::Env => "ENV",
            Keyword::Arg => "ARG",
            _ => return,
        };
        for kv in cx.inst.key_values() {
            let name = cx.scope.expand(&kv.key.text).value;
            if !is_secret_name(&name) {
                continue;
            }
            // `ARG TOKEN=""` is `ARG TOKEN`: the value comes from `--build-arg`.
            let value = kv
                .value
                .as_ref()
                .map(|v| v.text.trim_matches(['"', '\'']))
                .filter(|raw| !(kind == "ARG" && raw.is_empty()));
            match value {
                Some(raw) => {
                    if is_placeholder(raw) {
                        continue;
                    }
                    // `SWIFT_SIGNING_KEY=A62AE125...`: a public key fingerprint.
                    let upper = name.to_ascii_uppercase();
                    let secret_word = ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "PRIVATE"]
                        .iter()
                        .any(|w| upper.contains(w));
                    if !secret_word && is_key_fingerprint(raw) {
                        continue;
                    }
                    sink.report(
                        &SECRET_ENV,
                        kv.span,
                        format!(
                            "{kind} `{name}` holds a literal secret that is stored in the image"
                        ),
                    )
                    .set_help(
                        "use `RUN --mount=type=secret` at build time and a secret file at run time",
                    );
                }
                None if kind == "ARG" => {
                    sink.report(
                        &SECRET_ENV,
                        kv.span,
                        format!("build argument `{name}` looks like a secret; its value is recorded in the image history"),
                    )
                    .set_severity(Severity::Medium)
                    .set_help("use `RUN --mount=type=secret,id=...` instead of a build argument");
                }
                None => {}
            }
        }
    }
}
