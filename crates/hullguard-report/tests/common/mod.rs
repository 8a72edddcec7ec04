//! A run with a finding of every shape the reporters must handle: single-line,
//! multi-line and empty spans, CRLF + tabs + wide characters, safe and unsafe
//! fixes, severity overrides, an engine object, scan errors and a clean file.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use hullguard_diagnostics::{
    Edit, Finding, Fix, Location, RuleInfo, ScanError, Severity, SourceFile, Span,
};
use hullguard_report::Report;
use std::sync::Arc;

pub static ROOT_USER: RuleInfo = RuleInfo {
    code: "DF001",
    name: "root-user",
    severity: Severity::High,
    default_enabled: true,
    cis: &["4.1"],
    summary: "the image runs as root",
    doc: "## What it does\n\nFlags images whose last `USER` is root.\n\n## Why is this bad?\n\nA process escaping the container is root on the host.\n",
    fixable: false,
};

pub static ADD_INSTEAD_OF_COPY: RuleInfo = RuleInfo {
    code: "DF002",
    name: "add-instead-of-copy",
    severity: Severity::Medium,
    default_enabled: true,
    cis: &["4.9"],
    summary: "`ADD` used where `COPY` is enough",
    doc: "## What it does\n\nFlags `ADD` of local files.\n",
    fixable: true,
};

pub static CURL_PIPE_SHELL: RuleInfo = RuleInfo {
    code: "DF003",
    name: "curl-pipe-shell",
    severity: Severity::Critical,
    default_enabled: true,
    cis: &[],
    summary: "a downloaded script is piped into a shell",
    doc: "## What it does\n\nFlags `curl ... | sh`.\n",
    fixable: false,
};

pub static SECRET_IN_ENV: RuleInfo = RuleInfo {
    code: "DF004",
    name: "secret-in-env",
    severity: Severity::Medium,
    default_enabled: true,
    cis: &["4.10"],
    summary: "a secret is stored in the image environment",
    doc: "",
    fixable: true,
};

pub static MISSING_HEALTHCHECK: RuleInfo = RuleInfo {
    code: "DF005",
    name: "missing-healthcheck",
    severity: Severity::Info,
    default_enabled: true,
    cis: &["4.6"],
    summary: "the image has no `HEALTHCHECK`",
    doc: "*What it does*\n\nFlags images without a `HEALTHCHECK` instruction.\n",
    fixable: false,
};

pub static WORLD_WRITABLE: RuleInfo = RuleInfo {
    code: "DF006",
    name: "world-writable-chmod",
    severity: Severity::Low,
    default_enabled: true,
    cis: &[],
    summary: "`chmod` makes files writable by everyone",
    doc: "## What it does\n\nFlags `chmod 777` and `o+w`.\n",
    fixable: false,
};

pub static LATEST_TAG: RuleInfo = RuleInfo {
    code: "DF007",
    name: "latest-tag",
    severity: Severity::Medium,
    default_enabled: true,
    cis: &[],
    summary: "the base image is not pinned",
    doc: "## What it does\n\nFlags `FROM image:latest`.\n",
    fixable: false,
};

pub static PRIVILEGED_CONTAINER: RuleInfo = RuleInfo {
    code: "CT001",
    name: "privileged-container",
    severity: Severity::Critical,
    default_enabled: true,
    cis: &["5.5"],
    summary: "the container runs privileged",
    doc: "## What it does\n\nFlags containers started with `--privileged`.\n",
    fixable: false,
};

pub static RULES: [&RuleInfo; 8] = [
    &ROOT_USER,
    &ADD_INSTEAD_OF_COPY,
    &CURL_PIPE_SHELL,
    &SECRET_IN_ENV,
    &MISSING_HEALTHCHECK,
    &WORLD_WRITABLE,
    &LATEST_TAG,
    &PRIVILEGED_CONTAINER,
];

pub const DOCKERFILE: &str = "FROM alpine:3.20\n\
ADD app.tar.gz /app\n\
RUN curl -fsSL https://example.com/install.sh | \\\n    sh\n\
ENV API_KEY=sekrit\n\
USER root\n";

/// CRLF line ends, a tab before `chmod`, and wide characters before the span.
pub const WEB_DOCKERFILE: &str =
    "FROM debian:12\r\nLABEL maintainer=\"Zoë 名前\"\r\nRUN\tchmod 777 /srv\r\n";

pub struct Run {
    pub files: Vec<Arc<SourceFile>>,
    pub findings: Vec<Finding>,
    pub errors: Vec<ScanError>,
}

impl Run {
    pub fn report(&self) -> Report<'_> {
        Report {
            findings: &self.findings,
            errors: &self.errors,
            files_scanned: self.files.len(),
            rules: &RULES,
            files: &self.files,
            tool_version: "0.1.0",
        }
    }
}

fn span_of(text: &str, needle: &str) -> Span {
    let start = text.find(needle).unwrap();
    Span::new(start, start + needle.len())
}

pub fn run() -> Run {
    let dockerfile = SourceFile::new("Dockerfile", DOCKERFILE);
    let web = SourceFile::new("services/web app/Dockerfile", WEB_DOCKERFILE);
    let compose = SourceFile::new("compose.yml", "services:\n  web:\n    image: web\n");
    let d = DOCKERFILE;

    let add = span_of(d, "ADD");
    let env_line = span_of(d, "ENV API_KEY=sekrit\n");
    let findings = vec![
        Finding::new(
            &ADD_INSTEAD_OF_COPY,
            Location::file(&dockerfile, span_of(d, "ADD app.tar.gz /app")),
            "`ADD` of a local archive",
        )
        .with_help("`ADD` also fetches URLs and unpacks archives; `COPY` does only what it says")
        .with_fix(Fix::safe(
            "Replace `ADD` with `COPY`",
            vec![Edit {
                span: add,
                replacement: "COPY".into(),
            }],
        ))
        .with_fingerprint("DF002:0:ADD app.tar.gz /app"),
        Finding::new(
            &CURL_PIPE_SHELL,
            Location::file(
                &dockerfile,
                span_of(d, "curl -fsSL https://example.com/install.sh | \\\n    sh"),
            ),
            "script from `https://example.com/install.sh` piped into `sh`",
        )
        .with_help("download the script, verify its checksum, then run it")
        .with_fingerprint("DF003:0:RUN curl"),
        Finding::new(
            &SECRET_IN_ENV,
            Location::file(&dockerfile, span_of(d, "API_KEY=sekrit")),
            "`API_KEY` looks like a secret",
        )
        .with_severity(Severity::High)
        .with_fix(Fix::unsafe_(
            "Remove the `ENV` instruction",
            vec![Edit {
                span: env_line,
                replacement: String::new(),
            }],
        ))
        .with_fingerprint("DF004:0:ENV API_KEY"),
        Finding::new(
            &ROOT_USER,
            Location::file(&dockerfile, span_of(d, "root")),
            "last `USER` is root",
        )
        .with_fingerprint("DF001:0"),
        Finding::new(
            &MISSING_HEALTHCHECK,
            Location::file(&dockerfile, Span::empty(d.len())),
            "no `HEALTHCHECK` instruction",
        ),
        Finding::new(
            &WORLD_WRITABLE,
            Location::file(&web, span_of(WEB_DOCKERFILE, "chmod 777 /srv")),
            "`chmod 777` on `/srv`",
        )
        .with_fingerprint("DF006:0:chmod 777 /srv"),
        Finding::new(
            &PRIVILEGED_CONTAINER,
            Location::Object {
                kind: "container".into(),
                name: "web".into(),
                pointer: "/HostConfig/Privileged".into(),
            },
            "container runs with `--privileged`",
        )
        .with_help("drop `--privileged`; add only the capabilities it needs with `--cap-add`")
        .with_fingerprint("CT001:container:web"),
    ];
    let errors = vec![
        ScanError {
            path: "broken/Dockerfile".into(),
            message: "cannot read file: permission denied".into(),
        },
        ScanError {
            path: "weird.yml".into(),
            message: "invalid YAML at <line 3>: expected \"key\" & 'value'\u{1}".into(),
        },
    ];
    Run {
        files: vec![dockerfile, web, compose],
        findings,
        errors,
    }
}

trait WithFingerprint {
    fn with_fingerprint(self, fingerprint: &str) -> Self;
}

impl WithFingerprint for Finding {
    fn with_fingerprint(mut self, fingerprint: &str) -> Finding {
        self.fingerprint = fingerprint.into();
        self
    }
}

/// A run with no findings and no errors.
pub fn clean_run() -> Run {
    Run {
        files: vec![
            SourceFile::new("Dockerfile", "FROM alpine:3.20\nUSER app\n"),
            SourceFile::new("compose.yml", "services: {}\n"),
        ],
        findings: Vec::new(),
        errors: Vec::new(),
    }
}
