//! Rules about the input itself rather than its security: parse errors,
//! instructions a build would reject, suppressions that match nothing, and
//! container configuration hullguard could not read.

use crate::engine::{fingerprint, CheckOptions};
use hullguard_container::{Problem, ProblemKind};
use hullguard_diagnostics::{Finding, Location, RuleInfo};
use std::collections::HashMap;

declare_rule! {
    /// ## What it does
    /// Reports text that the Dockerfile syntax does not allow: an unterminated
    /// heredoc, `ENV` without `=` in its multi-variable form, an unknown
    /// `HEALTHCHECK` type, a bad or repeated parser directive.
    ///
    /// ## Why is this bad?
    /// BuildKit refuses the file. hullguard still analyses everything around the
    /// error, so one bad line never hides the findings of the rest of the file.
    ///
    /// ## How to fix
    /// Correct the syntax at the reported place.
    ///
    /// ## References
    /// - [Dockerfile reference](https://docs.docker.com/reference/dockerfile/)
    pub static PARSE_ERROR = {
        code: "HG001",
        name: "parse-error",
        severity: High,
        default_enabled: true,
        cis: [],
        summary: "the file does not parse as a Dockerfile",
        fixable: false,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports instructions that parse but that a build rejects: an unknown
    /// instruction, `FROM` with a wrong number of arguments, a missing argument,
    /// `SHELL` not in JSON form, `ONBUILD` of `FROM`, `ONBUILD` or `MAINTAINER`.
    ///
    /// ## Why is this bad?
    /// The build fails at that instruction.
    ///
    /// ## How to fix
    /// Correct the instruction as the message says.
    ///
    /// ## References
    /// - [Dockerfile reference](https://docs.docker.com/reference/dockerfile/)
    pub static INVALID_INSTRUCTION = {
        code: "HG002",
        name: "invalid-instruction",
        severity: Medium,
        default_enabled: true,
        cis: [],
        summary: "an instruction a build would reject",
        fixable: false,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a `# hullguard: ignore=...` comment that suppresses nothing: no
    /// finding of the named rules is on the instruction after it (or in the file,
    /// for `ignore-file=`), or it names a rule that does not exist.
    ///
    /// ## Why is this bad?
    /// Stale suppressions hide future findings the author never meant to accept,
    /// and misspelled ones silently suppress nothing.
    ///
    /// ## Example
    /// ```dockerfile
    /// # hullguard: ignore=DF009 we need the tar auto-extraction
    /// COPY app.tar.gz /srv/
    /// ```
    ///
    /// ## How to fix
    /// Remove the comment, or correct the rule code or name in it.
    pub static UNUSED_SUPPRESSION = {
        code: "HG003",
        name: "unused-suppression",
        severity: Low,
        default_enabled: true,
        cis: [],
        summary: "a suppression comment that matches no finding",
        fixable: false,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports container configuration that hullguard could not read, in a compose
    /// file, a `docker run` command line or an Engine API document: invalid YAML or
    /// JSON, a value of the wrong type, an unknown restart policy, a malformed port,
    /// volume or device, a Dockerfile that is not there, a flag that is missing its
    /// value. (A value that depends on input hullguard cannot see, such as an unset
    /// variable, is `unresolved-value`, HG005.)
    ///
    /// ## Why is this bad?
    /// What cannot be read cannot be checked: the container rules neither fire on
    /// such a value nor treat it as missing, so a dangerous setting behind it goes
    /// unreported. Most of these are also errors for `docker compose` or the
    /// engine, which would refuse the configuration.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: example/web:1
    ///     ports: ["80:eighty"]
    /// ```
    ///
    /// ## How to fix
    /// Correct the value as the message says.
    ///
    /// ## References
    /// - [Compose file reference](https://docs.docker.com/reference/compose-file/)
    /// - [`docker run` reference](https://docs.docker.com/reference/cli/docker/container/run/)
    /// - [Engine API](https://docs.docker.com/reference/api/engine/)
    pub static INVALID_CONTAINER_CONFIG = {
        code: "HG004",
        name: "invalid-container-config",
        severity: Medium,
        default_enabled: true,
        cis: [],
        summary: "container configuration hullguard could not read, so could not check",
        fixable: false,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a container setting whose value depends on input hullguard cannot
    /// see: a `${VARIABLE}` that is not set (in the environment, `.env` or
    /// `--env-file`) and has no default, an `env_file` that is not in the
    /// repository, a word of a `docker run` line that may expand to flags at run
    /// time (`$OPTS`, `"$@"`).
    ///
    /// ## Why is this bad?
    /// It is not a mistake in itself: deployment values often live outside the
    /// repository. But the setting is unknown to hullguard, so the container rules
    /// neither fire on it nor treat it as missing, and a dangerous value supplied
    /// at deploy time goes unchecked. Info severity: it never fails a scan unless
    /// `--fail-on info` is asked for.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: example/web:1
    ///     network_mode: ${NET_MODE}
    /// ```
    ///
    /// ## How to fix
    /// Scan with the deployment's values (`--env-file prod.env`, or the variables
    /// in the environment), or give a safe default (`${NET_MODE:-bridge}`).
    ///
    /// ## References
    /// - [Compose interpolation](https://docs.docker.com/reference/compose-file/interpolation/)
    pub static UNRESOLVED_VALUE = {
        code: "HG005",
        name: "unresolved-value",
        severity: Info,
        default_enabled: true,
        cis: [],
        summary: "a container setting depends on a value hullguard cannot see, so it is not checked",
        fixable: false,
    }
}

pub(crate) static RULES: [&RuleInfo; 5] = [
    &PARSE_ERROR,
    &INVALID_INSTRUCTION,
    &UNUSED_SUPPRESSION,
    &INVALID_CONTAINER_CONFIG,
    &UNRESOLVED_VALUE,
];

/// Reports each [`Problem`] of a container source (compose project, `docker run`
/// line, API document) as a finding of `invalid-container-config`, when that rule
/// is enabled. The fingerprint is made of the file path (or the object) and the
/// message: no line numbers.
pub fn problem_findings(problems: &[Problem], opts: &CheckOptions) -> Vec<Finding> {
    let rule_of = |p: &Problem| match p.kind {
        ProblemKind::Invalid => &INVALID_CONTAINER_CONFIG,
        ProblemKind::Unresolved => &UNRESOLVED_VALUE,
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<Finding> = problems
        .iter()
        .filter(|p| opts.enabled.contains(rule_of(p).code))
        .map(|p| {
            let rule = rule_of(p);
            let message = p.message.trim().trim_end_matches('.').to_string();
            let place = match &p.at {
                Location::File { file, .. } => file.path.clone(),
                Location::Object { kind, name, .. } => format!("{kind}\u{1f}{name}"),
            };
            let base = fingerprint(rule.code, Some(&place), &message, "");
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            let help = match p.kind {
                ProblemKind::Invalid => {
                    "correct the value: what hullguard cannot read, it cannot check"
                }
                ProblemKind::Unresolved => {
                    "scan with the deployment's values (environment or --env-file) or give a default"
                }
            };
            let mut f = Finding::new(rule, p.at.clone(), message).with_help(help);
            f.fingerprint = if *n == 1 { base } else { format!("{base}-{n}") };
            f
        })
        .collect();
    crate::container::apply_overrides(&mut out, opts);
    crate::container::sort_findings(&mut out);
    out
}
