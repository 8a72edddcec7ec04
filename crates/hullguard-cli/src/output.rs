//! What `scan`, `check` and `audit` share about output: the format, colour,
//! the `--fail-on` threshold, and writing a whole report.

use crate::cli::{ColorChoice, OutputFormat, SeverityArg};
use anyhow::{Context, Result};
use hullguard_diagnostics::{Finding, Severity};
use hullguard_report::{write_report, Format, Report, ReportError, TextOptions};
use std::io::{IsTerminal, Write};
use std::path::Path;

pub fn format_of(format: OutputFormat) -> Format {
    match format {
        OutputFormat::Text => Format::Text,
        OutputFormat::Json => Format::Json,
        OutputFormat::Sarif => Format::Sarif,
        OutputFormat::Junit => Format::Junit,
    }
}

/// Colour for `--color`: `auto` means a terminal on standard output, no `-o`,
/// and no `NO_COLOR`.
pub fn use_color(choice: ColorChoice, to_file: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            !to_file
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// The `--fail-on` threshold: the flag, else the configuration's, else `low`.
/// `None` never fails.
pub fn threshold(arg: Option<SeverityArg>, configured: Option<Severity>) -> Option<Severity> {
    match arg {
        None => configured.or(Some(Severity::Low)),
        Some(SeverityArg::None) => None,
        Some(SeverityArg::Critical) => Some(Severity::Critical),
        Some(SeverityArg::High) => Some(Severity::High),
        Some(SeverityArg::Medium) => Some(Severity::Medium),
        Some(SeverityArg::Low) => Some(Severity::Low),
        Some(SeverityArg::Info) => Some(Severity::Info),
    }
}

/// Whether a finding reaches the threshold.
pub fn failing(findings: &[Finding], threshold: Option<Severity>) -> bool {
    findings
        .iter()
        .any(|f| threshold.is_some_and(|t| f.severity >= t))
}

/// Writes a whole report to `output` (or standard output). A closed pipe
/// (`| head`) is not an error.
pub fn write_whole(
    report: &Report<'_>,
    format: Format,
    text: &TextOptions,
    output: Option<&Path>,
) -> Result<()> {
    let mut out: Box<dyn Write> = match output {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create `{}`", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    match write_report(report, format, text, &mut *out).and_then(|()| {
        out.flush()
            .map_err(|e| ReportError::Write { format, source: e })
    }) {
        Ok(()) => Ok(()),
        Err(ReportError::Write { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}
