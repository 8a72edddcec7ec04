//! IM003: a secret is baked into an image: its environment or its history.

use super::context::secret_in;
use super::history::{pairs, steps};
use super::{AuditCtx, AuditRule, AuditSink};
use crate::secrets::find_secrets;
use hullguard_diagnostics::RuleInfo;
use serde_json::Value;

declare_rule! {
    /// ## What it does
    /// Reports secrets that anyone who pulls the image can read:
    /// - in its environment (`Config.Env`): a literal value under a name that
    ///   says it is a secret (`DB_PASSWORD`, `API_TOKEN`), or a value in a
    ///   known secret format (private key, cloud or VCS token, credentials in a
    ///   URL);
    /// - in its history (`docker history --no-trunc`): build arguments a `RUN`
    ///   saw (recorded as `|1 NPM_TOKEN=... /bin/sh -c ...`), `ARG` defaults,
    ///   `ENV` values later overwritten (still in the history), and secrets in
    ///   `RUN` commands.
    ///
    /// Placeholders (`changeme`, `${TOKEN}`, empty values) are not reported.
    /// Containers that run with a secret in their environment are
    /// `environment-secret` (CT032).
    ///
    /// ## Why is this bad?
    /// Image metadata and history travel with the image to every registry,
    /// host and developer that pulls it, and `docker inspect` or `docker
    /// history` shows them to anyone with access to the engine. The secret
    /// must be considered leaked. CIS 4.10.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG NPM_TOKEN
    /// RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// ```
    ///
    /// ## How to fix
    /// Rotate the secret. Rebuild the image with build secrets (`RUN
    /// --mount=type=secret`) instead of `ARG` or `ENV`, pass runtime secrets as
    /// files (Docker or Compose secrets), and delete the old image everywhere
    /// it was pushed.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 4.10
    /// - [Build secrets](https://docs.docker.com/build/building/secrets/)
    pub static IMAGE_SECRET = {
        code: "IM003",
        name: "image-secret",
        severity: High,
        default_enabled: true,
        cis: ["4.10"],
        summary: "a secret is baked into an image's environment or history",
        fixable: false,
    }
}

pub struct ImageSecret;

const HELP: &str = "rotate the secret; rebuild with build secrets (`RUN --mount=type=secret`) instead of ARG/ENV, and delete the old image from every registry";

impl AuditRule for ImageSecret {
    fn info(&self) -> &'static RuleInfo {
        &IMAGE_SECRET
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        let extra = &cx.opts.secret_patterns;
        for img in &cx.images {
            let env: Vec<&str> = img
                .inspect()
                .pointer("/Config/Env")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for (i, e) in env.iter().enumerate() {
                let Some((name, value)) = e.split_once('=') else {
                    continue;
                };
                if let Some(what) = secret_in(name, value, extra, false) {
                    sink.report(
                        &IMAGE_SECRET,
                        cx.image_at(img, format!("/Config/Env/{i}")),
                        &format!("env:{name}"),
                        format!(
                            "image `{}` has {what} in environment variable `{name}`",
                            img.name
                        ),
                    )
                    .set_help(HELP);
                }
            }
            for step in steps(&img.snap.history) {
                let at = format!("/History/{}/CreatedBy", step.index);
                let mut found: Vec<(String, String)> = Vec::new();
                for (name, value) in &step.build_args {
                    if let Some(what) = secret_in(name, value, extra, false) {
                        found.push((
                            format!("arg:{name}"),
                            format!("{what} in build argument `{name}`, recorded by a RUN step of its history"),
                        ));
                    }
                }
                match step.instruction.as_str() {
                    "ARG" => {
                        for (name, value) in pairs(&step.args) {
                            if let Some(what) = secret_in(&name, &value, extra, false) {
                                found.push((
                                    format!("arg:{name}"),
                                    format!("{what} as the default of build argument `{name}` in its history"),
                                ));
                            }
                        }
                    }
                    "ENV" => {
                        for (name, value) in pairs(&step.args) {
                            // Still in the environment: reported there.
                            if env.contains(&format!("{name}={value}").as_str()) {
                                continue;
                            }
                            if let Some(what) = secret_in(&name, &value, extra, false) {
                                found.push((
                                    format!("env:{name}"),
                                    format!("{what} in environment variable `{name}` set in its history (overwritten later, still readable)"),
                                ));
                            }
                        }
                    }
                    "RUN" => {
                        if let Some(m) = find_secrets(&step.args, extra).first() {
                            found.push((
                                format!("run:{}", m.kind),
                                format!("a {} in a RUN step of its history", m.kind),
                            ));
                        }
                    }
                    _ => {}
                }
                for (key, what) in found {
                    sink.report(
                        &IMAGE_SECRET,
                        cx.image_at(img, at.clone()),
                        &key,
                        format!("image `{}` has {what}", img.name),
                    )
                    .set_help(HELP);
                }
            }
        }
    }
}
