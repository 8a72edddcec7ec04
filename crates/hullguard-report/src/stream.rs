//! Incremental text and JSON reports: findings are written chunk by chunk as a
//! scan produces them, then the errors and the summary. A scan of any size then
//! holds only one chunk of files in memory. The bytes written are exactly those
//! of [`crate::write_text`] / [`crate::write_json`] for the same findings.

use crate::json::{finding, summary, tool, JSON_SCHEMA_VERSION};
use crate::text::{render_findings, render_tail, summary_text};
use crate::{severity_rank, Format, ReportError, TextOptions};
use hullguard_diagnostics::{Finding, ScanError};
use std::io::Write;

/// Writes a report incrementally. Only [`Format::Text`] and [`Format::Json`]
/// stream; see [`StreamWriter::supports`].
pub struct StreamWriter<'w> {
    format: Format,
    options: TextOptions,
    out: std::io::BufWriter<&'w mut dyn Write>,
    counts: [usize; 5],
    findings: usize,
}

impl<'w> StreamWriter<'w> {
    /// Whether `format` can be written incrementally (SARIF and JUnit need the
    /// whole run first: rule tables and totals come before the results).
    pub fn supports(format: Format) -> bool {
        matches!(format, Format::Text | Format::Json)
    }

    /// Starts a report. Fails for formats that do not stream.
    pub fn begin(
        format: Format,
        options: TextOptions,
        tool_version: &str,
        out: &'w mut dyn Write,
    ) -> Result<StreamWriter<'w>, ReportError> {
        let mut w = StreamWriter {
            format,
            options,
            out: std::io::BufWriter::with_capacity(64 * 1024, out),
            counts: [0; 5],
            findings: 0,
        };
        match format {
            Format::Text => {}
            Format::Json => {
                let tool = serde_json::to_string_pretty(&tool(tool_version))
                    .map_err(|source| ReportError::Serialize { format, source })?;
                let head = format!(
                    "{{\n  \"version\": {JSON_SCHEMA_VERSION},\n  \"tool\": {},\n  \"findings\": [",
                    indent(&tool, 2)
                );
                w.write(head.as_bytes())?;
            }
            Format::Sarif | Format::Junit => {
                return Err(ReportError::Write {
                    format,
                    source: std::io::Error::new(
                        std::io::ErrorKind::Unsupported,
                        "this format cannot be streamed",
                    ),
                });
            }
        }
        Ok(w)
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), ReportError> {
        self.out
            .write_all(bytes)
            .map_err(|source| ReportError::Write {
                format: self.format,
                source,
            })
    }

    /// Writes the next findings (already in report order).
    pub fn findings(&mut self, findings: &[Finding]) -> Result<(), ReportError> {
        for f in findings {
            self.counts[severity_rank(f.severity)] += 1;
        }
        match self.format {
            Format::Json => {
                for f in findings {
                    let text = serde_json::to_string_pretty(&finding(f)).map_err(|source| {
                        ReportError::Serialize {
                            format: self.format,
                            source,
                        }
                    })?;
                    let sep = if self.findings == 0 {
                        "\n    "
                    } else {
                        ",\n    "
                    };
                    self.findings += 1;
                    self.write(sep.as_bytes())?;
                    self.write(indent(&text, 4).as_bytes())?;
                }
            }
            _ => {
                self.findings += findings.len();
                let text = render_findings(findings, &self.options);
                self.write(text.as_bytes())?;
            }
        }
        Ok(())
    }

    /// Writes the errors and the summary, and flushes.
    pub fn finish(mut self, errors: &[ScanError], files_scanned: usize) -> Result<(), ReportError> {
        match self.format {
            Format::Json => {
                let close = if self.findings == 0 { "]" } else { "\n  ]" };
                self.write(close.as_bytes())?;
                let errs = serde_json::to_string_pretty(errors).map_err(|source| {
                    ReportError::Serialize {
                        format: self.format,
                        source,
                    }
                })?;
                let sum = serde_json::to_string_pretty(&summary(
                    files_scanned,
                    self.findings,
                    errors.len(),
                    self.counts,
                ))
                .map_err(|source| ReportError::Serialize {
                    format: self.format,
                    source,
                })?;
                let tail = format!(
                    ",\n  \"errors\": {},\n  \"summary\": {}\n}}\n",
                    indent(&errs, 2),
                    indent(&sum, 2)
                );
                self.write(tail.as_bytes())?;
            }
            _ => {
                let line = summary_text(self.findings, self.counts, files_scanned, errors.len());
                let tail = render_tail(errors, self.findings > 0, &line, &self.options);
                self.write(tail.as_bytes())?;
            }
        }
        let format = self.format;
        self.out
            .flush()
            .map_err(|source| ReportError::Write { format, source })
    }
}

/// Indents every line but the first by `n` spaces (to nest pretty JSON).
fn indent(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(&pad);
        }
        out.push_str(line);
    }
    out
}
