//! SARIF 2.1.0 for code-scanning services (GitHub code scanning, Azure DevOps,
//! SonarQube ...): one run with the enabled rules as `tool.driver.rules`.
//!
//! Spec: <https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html>.
//! GitHub reads `properties.security-severity` of a rule to rank alerts:
//! <https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning>.
//!
//! Regions carry lines and columns (columns in Unicode code points, declared by
//! `columnKind`) and the exact byte range; `charOffset` is left out because the
//! reporters work in bytes and it is not needed by any consumer we target.

use crate::position::resolve;
use crate::{emit_json, Format, Report, ReportError};
use hullguard_diagnostics::{
    Applicability, Finding, Location, RuleInfo, Severity, SourceFile, Span,
};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

/// The `$schema` written in every SARIF log.
pub const SARIF_SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Key of the fingerprint in `partialFingerprints`; bump the suffix if the
/// fingerprint algorithm changes so old alerts are not matched to new ones.
const FINGERPRINT_KEY: &str = "hullguard/v1";

/// Writes the SARIF log (pretty-printed, newline-terminated).
pub fn write_sarif(report: &Report, out: &mut dyn Write) -> Result<(), ReportError> {
    emit_json(Format::Sarif, &log(report), out)
}

/// The SARIF log as a value (object keys sorted), e.g. to validate it.
pub fn sarif_value(report: &Report) -> Result<serde_json::Value, ReportError> {
    serde_json::to_value(log(report)).map_err(|source| ReportError::Serialize {
        format: Format::Sarif,
        source,
    })
}

/// SARIF `level` of a severity: `error` for critical and high, `warning` for
/// medium, `note` for low and info.
pub fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` score (0.0–10.0, CVSS-like bands: critical is
/// above 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9).
pub fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: [Invocation<'a>; 1],
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: &'static str,
    short_description: Text<'static>,
    full_description: Text<'static>,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    markdown: Option<&'static str>,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
    cis: &'static [&'static str],
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification<'a>>,
}

#[derive(Serialize)]
struct Notification<'a> {
    level: &'static str,
    message: Text<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<SarifLocation<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text<'a>,
    locations: Vec<SarifLocation<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix<'a>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
    properties: ResultProperties,
}

/// hullguard's own severity: `level` has three values, hullguard five.
#[derive(Serialize)]
struct ResultProperties {
    severity: Severity,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize, Clone)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    byte_offset: usize,
    byte_length: usize,
}

impl Region {
    fn new(file: &SourceFile, span: Span) -> Region {
        let r = resolve(file, span);
        Region {
            start_line: r.start.line,
            start_column: r.start.column,
            end_line: r.end.line,
            end_column: r.end.column,
            byte_offset: r.span.start,
            byte_length: r.span.len(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation<'a> {
    name: &'a str,
    kind: &'a str,
    fully_qualified_name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    description: OwnedText,
    artifact_changes: [ArtifactChange<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: Region,
    inserted_content: Text<'a>,
}

fn log<'a>(report: &Report<'a>) -> Log<'a> {
    let rules = report.all_rules();
    let notifications = report
        .errors
        .iter()
        .map(|error| Notification {
            level: "error",
            message: Text {
                text: &error.message,
            },
            locations: if error.path.is_empty() {
                Vec::new()
            } else {
                vec![SarifLocation {
                    physical_location: Some(PhysicalLocation {
                        artifact_location: ArtifactLocation {
                            uri: path_to_uri(&error.path),
                        },
                        region: None,
                    }),
                    logical_locations: Vec::new(),
                }]
            },
        })
        .collect();
    Log {
        schema: SARIF_SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "hullguard",
                    version: report.tool_version,
                    rules: rules.iter().map(|rule| descriptor(rule)).collect(),
                },
            },
            invocations: [Invocation {
                // A file that could not be analysed makes the run incomplete:
                // consumers must not read "no results" for it as "clean".
                execution_successful: report.errors.is_empty(),
                tool_execution_notifications: notifications,
            }],
            column_kind: "unicodeCodePoints",
            results: report.findings.iter().map(|f| result(f, &rules)).collect(),
        }],
    }
}

fn descriptor(rule: &'static RuleInfo) -> Rule {
    let doc = rule.doc.trim();
    let mut tags = vec!["security"];
    if !rule.cis.is_empty() {
        tags.push("cis-docker-benchmark");
    }
    Rule {
        id: rule.code,
        name: rule.name,
        short_description: Text { text: rule.summary },
        full_description: Text {
            text: first_paragraph(doc).unwrap_or(rule.summary),
        },
        help: Help {
            text: if doc.is_empty() { rule.summary } else { doc },
            markdown: (!doc.is_empty()).then_some(doc),
        },
        default_configuration: Configuration {
            level: sarif_level(rule.severity),
        },
        properties: RuleProperties {
            tags,
            cis: rule.cis,
            security_severity: security_severity(rule.severity),
        },
    }
}

/// The first prose paragraph of a markdown doc, skipping headings (`## What it
/// does`) and emphasis-only section titles (`*What it does*`). Line breaks inside
/// the paragraph are kept (SARIF text may contain them).
fn first_paragraph(doc: &str) -> Option<&str> {
    let is_title = |line: &str| {
        let line = line.trim();
        line.starts_with('#')
            || (line.len() > 1
                && ((line.starts_with('*') && line.ends_with('*'))
                    || (line.starts_with('_') && line.ends_with('_'))))
    };
    let mut start = None;
    let mut end = doc.len();
    let mut offset = 0;
    for line in doc.split_inclusive('\n') {
        let blank = line.trim().is_empty();
        match start {
            None if !blank && !is_title(line) => start = Some(offset),
            Some(_) if blank || is_title(line) => {
                end = offset;
                break;
            }
            _ => {}
        }
        offset += line.len();
    }
    start.and_then(|s| doc.get(s..end)).map(str::trim)
}

fn result<'a>(f: &'a Finding, rules: &[&'static RuleInfo]) -> SarifResult<'a> {
    let (location, fixes) = match &f.location {
        Location::File { file, span } => {
            let artifact = ArtifactLocation {
                uri: path_to_uri(&file.path),
            };
            let fixes = f
                .fix
                .iter()
                .filter(|fix| !fix.edits.is_empty())
                .map(|fix| SarifFix {
                    // SARIF has no applicability flag: the description says it.
                    description: OwnedText {
                        text: match fix.applicability {
                            Applicability::Safe => fix.title.clone(),
                            Applicability::Unsafe => format!("{} (unsafe)", fix.title),
                        },
                    },
                    artifact_changes: [ArtifactChange {
                        artifact_location: artifact.clone(),
                        replacements: fix
                            .edits
                            .iter()
                            .map(|edit| Replacement {
                                deleted_region: Region::new(file, edit.span),
                                inserted_content: Text {
                                    text: &edit.replacement,
                                },
                            })
                            .collect(),
                    }],
                })
                .collect();
            let location = SarifLocation {
                physical_location: Some(PhysicalLocation {
                    artifact_location: artifact,
                    region: Some(Region::new(file, *span)),
                }),
                logical_locations: Vec::new(),
            };
            (location, fixes)
        }
        // An engine object has no artifact to edit: its fixes are not expressible
        // as SARIF artifact changes and are left out.
        Location::Object {
            kind,
            name,
            pointer,
        } => (
            SarifLocation {
                physical_location: None,
                logical_locations: vec![LogicalLocation {
                    name,
                    kind,
                    fully_qualified_name: format!("{kind}/{name}{pointer}"),
                }],
            },
            Vec::new(),
        ),
    };
    let mut partial_fingerprints = BTreeMap::new();
    if !f.fingerprint.is_empty() {
        partial_fingerprints.insert(FINGERPRINT_KEY, f.fingerprint.as_str());
    }
    SarifResult {
        rule_id: f.rule.code,
        rule_index: rules.iter().position(|r| r.code == f.rule.code),
        level: sarif_level(f.severity),
        message: Text { text: &f.message },
        locations: vec![location],
        fixes,
        partial_fingerprints,
        properties: ResultProperties {
            severity: f.severity,
        },
    }
}

/// A path as a SARIF URI reference: forward slashes, `./` dropped, every byte
/// outside RFC 3986 "unreserved" and `/` percent-encoded. Absolute paths become
/// `file://` URIs (`/a b` → `file:///a%20b`, `C:\x` → `file:///C:/x`).
pub(crate) fn path_to_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let (prefix, rest) = if let Some(rest) = path.strip_prefix("//") {
        // UNC path: //server/share/...
        ("file://", rest)
    } else if path.starts_with('/') {
        ("file://", path.as_str())
    } else if is_drive_path(&path) {
        ("file:///", path.as_str())
    } else {
        let mut rest = path.as_str();
        while let Some(r) = rest.strip_prefix("./") {
            rest = r.trim_start_matches('/');
        }
        ("", rest)
    };
    let mut uri = String::with_capacity(prefix.len() + rest.len());
    uri.push_str(prefix);
    for (i, byte) in rest.bytes().enumerate() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/')
            // the colon of a drive letter (`C:`)
            || (byte == b':' && i == 1 && prefix == "file:///");
        if keep {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

/// `C:/...` (after backslashes were turned into slashes).
fn is_drive_path(path: &str) -> bool {
    let b = path.as_bytes();
    b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_severity() {
        assert_eq!(sarif_level(Severity::Critical), "error");
        assert_eq!(sarif_level(Severity::High), "error");
        assert_eq!(sarif_level(Severity::Medium), "warning");
        assert_eq!(sarif_level(Severity::Low), "note");
        assert_eq!(sarif_level(Severity::Info), "note");
        let scores: Vec<f64> = Severity::ALL
            .iter()
            .map(|s| security_severity(*s).parse().unwrap())
            .collect();
        assert_eq!(scores, [9.5, 8.0, 5.5, 3.0, 1.0]);
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(path_to_uri("Dockerfile"), "Dockerfile");
        assert_eq!(path_to_uri("./app/Dockerfile"), "app/Dockerfile");
        assert_eq!(path_to_uri("my app/Docker file"), "my%20app/Docker%20file");
        assert_eq!(path_to_uri("a\\b\\c.yml"), "a/b/c.yml");
        assert_eq!(path_to_uri("100%#?.yml"), "100%25%23%3F.yml");
        assert_eq!(path_to_uri("é.yml"), "%C3%A9.yml");
        // A colon in a relative path must not read as a URI scheme.
        assert_eq!(path_to_uri("c:x"), "c%3Ax");
        assert_eq!(path_to_uri("/srv/a b"), "file:///srv/a%20b");
        assert_eq!(
            path_to_uri("C:\\src\\Dockerfile"),
            "file:///C:/src/Dockerfile"
        );
        assert_eq!(path_to_uri("\\\\host\\share\\f"), "file://host/share/f");
    }

    #[test]
    fn full_description_is_the_first_prose_paragraph() {
        let doc = "## What it does\n\nChecks that the\nlast user is not root.\n\n## Why is this bad?\n\nRoot.";
        assert_eq!(
            first_paragraph(doc),
            Some("Checks that the\nlast user is not root.")
        );
        assert_eq!(
            first_paragraph("*What it does*\nFlags X.\n"),
            Some("Flags X.")
        );
        assert_eq!(first_paragraph("# Title only\n"), None);
    }
}
