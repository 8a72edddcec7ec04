//! Reporters: render the findings of one hullguard run as compiler-style text,
//! versioned JSON, SARIF 2.1.0 or JUnit XML into a writer given by the caller.
//!
//! Like ripgrep's `printer` crate this library never prints and never exits; the
//! binary picks the format, the writer and the exit code. The JSON schema and the
//! exit codes are documented in `docs/output.md`.

mod json;
mod junit;
mod position;
mod sarif;
mod stream;
mod text;

pub use json::{json_value, write_json, JSON_SCHEMA_VERSION};
pub use junit::write_junit;
pub use sarif::{sarif_level, sarif_value, security_severity, write_sarif, SARIF_SCHEMA_URI};
pub use stream::StreamWriter;
pub use text::{write_text, TextOptions};

use hullguard_diagnostics::{Finding, RuleInfo, ScanError, Severity, SourceFile};
use std::fmt;
use std::io::Write;
use std::str::FromStr;
use std::sync::Arc;

/// Everything a reporter needs to know about one run.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    /// Findings, already sorted by the caller (path, offset, rule).
    pub findings: &'a [Finding],
    /// Files or objects that could not be analysed.
    pub errors: &'a [ScanError],
    pub files_scanned: usize,
    /// Every rule enabled in this run (SARIF `driver.rules`, JUnit test cases).
    pub rules: &'a [&'static RuleInfo],
    /// Every file scanned, the clean ones too (JUnit lists them as passing suites).
    pub files: &'a [Arc<SourceFile>],
    /// Version of the hullguard binary, e.g. `env!("CARGO_PKG_VERSION")`.
    pub tool_version: &'a str,
}

impl Report<'_> {
    /// Number of findings per severity, indexed like [`Severity::ALL`]
    /// (critical first).
    pub fn counts_by_severity(&self) -> [usize; 5] {
        let mut counts = [0; 5];
        for finding in self.findings {
            counts[severity_rank(finding.severity)] += 1;
        }
        counts
    }

    /// The enabled rules followed by any rule that has a finding but is missing
    /// from [`Report::rules`], without duplicates (by code). Reporters index rules
    /// through this list so that every finding has its rule.
    pub(crate) fn all_rules(&self) -> Vec<&'static RuleInfo> {
        let mut rules: Vec<&'static RuleInfo> = Vec::with_capacity(self.rules.len());
        let referenced = self.findings.iter().map(|f| f.rule);
        for rule in self.rules.iter().copied().chain(referenced) {
            if !rules.iter().any(|r| r.code == rule.code) {
                rules.push(rule);
            }
        }
        rules
    }
}

/// Position of a severity in [`Severity::ALL`] (0 = critical).
pub(crate) fn severity_rank(severity: Severity) -> usize {
    match severity {
        Severity::Critical => 0,
        Severity::High => 1,
        Severity::Medium => 2,
        Severity::Low => 3,
        Severity::Info => 4,
    }
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// Compiler-style text with source frames, for people.
    #[default]
    Text,
    /// One versioned JSON document (see `docs/output.md`).
    Json,
    /// SARIF 2.1.0, for code-scanning services.
    Sarif,
    /// JUnit XML, for CI test dashboards.
    Junit,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Text, Format::Json, Format::Sarif, Format::Junit];

    /// The names accepted by [`Format::from_str`], e.g. for clap's
    /// `PossibleValuesParser`.
    pub const NAMES: [&'static str; 4] = ["text", "json", "sarif", "junit"];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An output format name that is not one of [`Format::NAMES`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown output format `{name}` (expected one of: text, json, sarif, junit)")]
pub struct ParseFormatError {
    pub name: String,
}

impl FromStr for Format {
    type Err = ParseFormatError;

    /// Parses a format name, case-insensitively. Works directly as a clap
    /// `value_parser` because the error implements `std::error::Error`.
    fn from_str(s: &str) -> Result<Format, ParseFormatError> {
        Format::ALL
            .into_iter()
            .find(|format| format.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseFormatError { name: s.to_owned() })
    }
}

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The writer failed (closed pipe, full disk ...).
    #[error("cannot write the {format} report")]
    Write {
        format: Format,
        #[source]
        source: std::io::Error,
    },
    /// The document could not be serialised. Not expected to happen: every map
    /// key is a string; kept typed rather than hidden behind a panic.
    #[error("cannot serialise the {format} report")]
    Serialize {
        format: Format,
        #[source]
        source: serde_json::Error,
    },
}

/// Writes `report` in `format`; `text` is used only by [`Format::Text`].
pub fn write_report(
    report: &Report,
    format: Format,
    text: &TextOptions,
    out: &mut dyn Write,
) -> Result<(), ReportError> {
    match format {
        Format::Text => write_text(report, text, out),
        Format::Json => write_json(report, out),
        Format::Sarif => write_sarif(report, out),
        Format::Junit => write_junit(report, out),
    }
}

/// Writes a fully rendered document and flushes, mapping I/O errors.
pub(crate) fn emit(format: Format, bytes: &[u8], out: &mut dyn Write) -> Result<(), ReportError> {
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|source| ReportError::Write { format, source })
}

/// Serialises a document as pretty JSON followed by a newline, streaming into
/// `out` (a report of tens of thousands of findings is never held as one buffer).
pub(crate) fn emit_json<T: serde::Serialize>(
    format: Format,
    document: &T,
    out: &mut dyn Write,
) -> Result<(), ReportError> {
    let mut w = std::io::BufWriter::with_capacity(64 * 1024, out);
    serde_json::to_writer_pretty(&mut w, document).map_err(|source| {
        if source.is_io() {
            ReportError::Write {
                format,
                source: std::io::Error::from(source),
            }
        } else {
            ReportError::Serialize { format, source }
        }
    })?;
    w.write_all(b"\n")
        .and_then(|()| w.flush())
        .map_err(|source| ReportError::Write { format, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_parses_names_case_insensitively() {
        for name in Format::NAMES {
            let format: Format = name.parse().unwrap();
            assert_eq!(format.as_str(), name);
        }
        assert_eq!("SARIF".parse::<Format>().unwrap(), Format::Sarif);
        let err = "xml".parse::<Format>().unwrap_err();
        assert_eq!(err.name, "xml");
        assert!(err.to_string().contains("text, json, sarif, junit"));
    }
}
