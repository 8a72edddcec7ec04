//! The JSON report: one versioned document whose schema is documented in
//! `docs/output.md`. The structs below ARE that schema; field order is the
//! order written.
//!
//! Versioning: adding a field keeps [`JSON_SCHEMA_VERSION`]; removing, renaming
//! or changing the meaning of a field bumps it.

use crate::position::resolve;
use crate::{emit_json, Format, Report, ReportError};
use hullguard_diagnostics::{Applicability, Finding, Location, ScanError, Severity, SourceFile};
use serde::Serialize;
use std::io::Write;

/// The `version` field of the JSON document.
pub const JSON_SCHEMA_VERSION: u32 = 1;

/// Writes the JSON report (pretty-printed, newline-terminated).
pub fn write_json(report: &Report, out: &mut dyn Write) -> Result<(), ReportError> {
    emit_json(Format::Json, &document(report), out)
}

/// The JSON report as a value, e.g. to embed it or to inspect it in tests.
///
/// Note that `serde_json::Value` sorts object keys unless serde_json's
/// `preserve_order` feature is on; [`write_json`] always writes the documented
/// field order.
pub fn json_value(report: &Report) -> Result<serde_json::Value, ReportError> {
    serde_json::to_value(document(report)).map_err(|source| ReportError::Serialize {
        format: Format::Json,
        source,
    })
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool<'a>,
    findings: Vec<JsonFinding<'a>>,
    errors: &'a [ScanError],
    summary: Summary,
}

#[derive(Serialize)]
pub(crate) struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
pub(crate) struct JsonFinding<'a> {
    rule: &'static str,
    name: &'static str,
    severity: Severity,
    cis: &'static [&'static str],
    message: &'a str,
    #[serde(flatten)]
    location: JsonLocation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix<'a>>,
    fingerprint: &'a str,
}

#[derive(Serialize)]
#[serde(untagged)]
enum JsonLocation<'a> {
    File {
        file: &'a str,
        #[serde(flatten)]
        range: Range,
    },
    Object {
        object: JsonObject<'a>,
        pointer: &'a str,
    },
}

/// 1-based lines and columns (columns count Unicode scalar values); the end is
/// exclusive: the position just after the last character.
#[derive(Serialize)]
struct Range {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    start_offset: usize,
    end_offset: usize,
}

impl Range {
    fn new(file: &SourceFile, span: hullguard_diagnostics::Span) -> Range {
        let r = resolve(file, span);
        Range {
            line: r.start.line,
            column: r.start.column,
            end_line: r.end.line,
            end_column: r.end.column,
            start_offset: r.span.start,
            end_offset: r.span.end,
        }
    }
}

#[derive(Serialize)]
struct JsonObject<'a> {
    kind: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    applicability: Applicability,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    start_offset: usize,
    end_offset: usize,
    /// Present when the finding is in a file (always, for today's rules).
    #[serde(flatten)]
    position: Option<EditPosition>,
    replacement: &'a str,
}

#[derive(Serialize)]
struct EditPosition {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
pub(crate) struct Summary {
    files: usize,
    findings: usize,
    errors: usize,
    by_severity: BySeverity,
}

#[derive(Serialize)]
pub(crate) struct BySeverity {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

fn document<'a>(report: &Report<'a>) -> Document<'a> {
    Document {
        version: JSON_SCHEMA_VERSION,
        tool: tool(report.tool_version),
        findings: report.findings.iter().map(finding).collect(),
        errors: report.errors,
        summary: summary(
            report.files_scanned,
            report.findings.len(),
            report.errors.len(),
            report.counts_by_severity(),
        ),
    }
}

pub(crate) fn finding(f: &Finding) -> JsonFinding<'_> {
    let file = match &f.location {
        Location::File { file, .. } => Some(file.as_ref()),
        Location::Object { .. } => None,
    };
    let location = match &f.location {
        Location::File { file, span } => JsonLocation::File {
            file: &file.path,
            range: Range::new(file, *span),
        },
        Location::Object {
            kind,
            name,
            pointer,
        } => JsonLocation::Object {
            object: JsonObject { kind, name },
            pointer,
        },
    };
    let fix = f.fix.as_ref().map(|fix| JsonFix {
        title: &fix.title,
        applicability: fix.applicability,
        edits: fix
            .edits
            .iter()
            .map(|edit| match file {
                Some(file) => {
                    let range = Range::new(file, edit.span);
                    JsonEdit {
                        start_offset: range.start_offset,
                        end_offset: range.end_offset,
                        position: Some(EditPosition {
                            line: range.line,
                            column: range.column,
                            end_line: range.end_line,
                            end_column: range.end_column,
                        }),
                        replacement: &edit.replacement,
                    }
                }
                None => JsonEdit {
                    start_offset: edit.span.start,
                    end_offset: edit.span.end,
                    position: None,
                    replacement: &edit.replacement,
                },
            })
            .collect(),
    });
    JsonFinding {
        rule: f.rule.code,
        name: f.rule.name,
        severity: f.severity,
        cis: f.rule.cis,
        message: &f.message,
        location,
        help: f.help.as_deref(),
        fix,
        fingerprint: &f.fingerprint,
    }
}

/// The `summary` object from counts (shared by the streaming writer).
pub(crate) fn summary(files: usize, findings: usize, errors: usize, counts: [usize; 5]) -> Summary {
    let [critical, high, medium, low, info] = counts;
    Summary {
        files,
        findings,
        errors,
        by_severity: BySeverity {
            critical,
            high,
            medium,
            low,
            info,
        },
    }
}

/// The `tool` object.
pub(crate) fn tool(version: &str) -> Tool<'_> {
    Tool {
        name: "hullguard",
        version,
    }
}
