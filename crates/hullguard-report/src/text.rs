//! Compiler-style text for people: a header per finding, the offending source
//! lines with a caret range under the exact span, help and fix notes, and a
//! summary line.
//!
//! Hand-written instead of `annotate-snippets` so that tab expansion, CRLF
//! handling and terminal-safe rendering of control characters are exact and
//! under test.

use crate::position::{resolve, Resolved};
use crate::{emit, severity_rank, Format, Report, ReportError};
use hullguard_diagnostics::{Applicability, Finding, Location, ScanError, Severity, SourceFile};
use std::borrow::Cow;
use std::io::Write;
use unicode_width::UnicodeWidthChar;

/// Tabs in source lines expand to the next multiple of this many columns, in the
/// source line and in the caret line alike.
const TAB_STOP: usize = 4;

/// Spans longer than this many lines show their first and last lines only.
const MAX_FRAME_LINES: usize = 6;

/// How to render text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextOptions {
    /// Emit ANSI colours. The caller decides (terminal or not, `NO_COLOR`...).
    pub color: bool,
    /// Show the source frame, help and fix under each header. When false, one
    /// line per finding.
    pub show_source: bool,
}

impl Default for TextOptions {
    fn default() -> TextOptions {
        TextOptions {
            color: false,
            show_source: true,
        }
    }
}

/// Writes the text report.
pub fn write_text(
    report: &Report,
    options: &TextOptions,
    out: &mut dyn Write,
) -> Result<(), ReportError> {
    let text = render_text(report, options);
    emit(Format::Text, text.as_bytes(), out)
}

/// Renders the whole text report.
pub(crate) fn render_text(report: &Report, options: &TextOptions) -> String {
    let mut buf = render_findings(report.findings, options);
    buf.push_str(&render_tail(
        report.errors,
        !report.findings.is_empty(),
        &summary_line(report),
        options,
    ));
    buf
}

/// `Found 7 findings (1 critical, ...) in 12 files; 1 error` or
/// `No findings in 12 files`.
pub(crate) fn summary_line(report: &Report) -> String {
    let line = summary_text(
        report.findings.len(),
        report.counts_by_severity(),
        report.files_scanned,
        report.errors.len(),
    );
    // An audit reads engine objects, not files: count the objects reported.
    if report.files_scanned == 0 && report.files.is_empty() && !report.findings.is_empty() {
        let mut objects: Vec<(&str, &str)> = report
            .findings
            .iter()
            .filter_map(|f| match &f.location {
                Location::Object { kind, name, .. } => Some((kind.as_str(), name.as_str())),
                Location::File { .. } => None,
            })
            .collect();
        objects.sort_unstable();
        objects.dedup();
        let objects = plural(objects.len(), "object", "objects");
        return line.replacen("in 0 files", &format!("in {objects}"), 1);
    }
    line
}

/// The summary line from counts (shared by the streaming writer).
pub(crate) fn summary_text(
    findings: usize,
    counts: [usize; 5],
    files: usize,
    errors: usize,
) -> String {
    let files = plural(files, "file", "files");
    let mut line = if findings == 0 {
        format!("No findings in {files}")
    } else {
        let by_severity: Vec<String> = Severity::ALL
            .iter()
            .map(|sev| format!("{} {}", counts[severity_rank(*sev)], sev.as_str()))
            .collect();
        format!(
            "Found {} ({}) in {files}",
            plural(findings, "finding", "findings"),
            by_severity.join(", ")
        )
    };
    if errors > 0 {
        line.push_str("; ");
        line.push_str(&plural(errors, "error", "errors"));
    }
    line
}

/// Renders findings (no errors, no summary) for the streaming writer.
pub(crate) fn render_findings(findings: &[Finding], options: &TextOptions) -> String {
    let mut r = Renderer {
        buf: String::new(),
        color: options.color,
    };
    for finding in findings {
        r.finding(finding, options.show_source);
        if options.show_source {
            r.buf.push('\n');
        }
    }
    r.buf
}

/// Renders the tail of a text report: errors then the summary line.
pub(crate) fn render_tail(
    errors: &[ScanError],
    any_findings: bool,
    summary: &str,
    options: &TextOptions,
) -> String {
    let mut r = Renderer {
        buf: String::new(),
        color: options.color,
    };
    if !options.show_source && any_findings {
        r.buf.push('\n');
    }
    for error in errors {
        let path = r.paint(BOLD, &sanitize(&error.path));
        let label = r.paint(ERROR, "error");
        let line = format!("{path}: {label}: {}\n", sanitize(&error.message));
        r.buf.push_str(&line);
    }
    if !errors.is_empty() {
        r.buf.push('\n');
    }
    let summary = r.paint(BOLD, summary);
    r.buf.push_str(&summary);
    r.buf.push('\n');
    r.buf
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

// ANSI SGR styles.
const BOLD: &str = "1";
const GUTTER: &str = "1;34";
const ERROR: &str = "1;31";
const NOTE: &str = "1;36";

fn severity_style(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "1;35",
        Severity::High => "1;31",
        Severity::Medium => "1;33",
        Severity::Low => "1;36",
        Severity::Info => "1;32",
    }
}

struct Renderer {
    buf: String,
    color: bool,
}

impl Renderer {
    fn paint(&self, style: &str, s: &str) -> String {
        if self.color && !s.is_empty() {
            format!("\x1b[{style}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }

    fn finding(&mut self, finding: &Finding, show_source: bool) {
        match &finding.location {
            Location::File { file, span } => {
                let resolved = resolve(file, *span);
                let place = format!(
                    "{}:{}:{}",
                    sanitize(&file.path),
                    resolved.start.line,
                    resolved.start.column
                );
                self.header(&place, finding);
                if show_source {
                    let gutter = self.frame(file, resolved, finding.severity);
                    self.notes(finding, gutter, None);
                }
            }
            Location::Object {
                kind,
                name,
                pointer,
            } => {
                if show_source {
                    self.header(&format!("{} {}", sanitize(kind), sanitize(name)), finding);
                    self.notes(finding, 1, Some(pointer));
                } else {
                    let place = format!(
                        "{} {} {}",
                        sanitize(kind),
                        sanitize(name),
                        sanitize(pointer)
                    );
                    self.header(&place, finding);
                }
            }
        }
    }

    /// `place: CODE [severity] name: message`
    fn header(&mut self, place: &str, finding: &Finding) {
        let place = self.paint(BOLD, &format!("{place}:"));
        let rule = self.paint(
            severity_style(finding.severity),
            &format!("{} [{}]", finding.rule.code, finding.severity),
        );
        let message = self.paint(BOLD, &sanitize(&finding.message));
        let line = format!("{place} {rule} {}: {message}\n", finding.rule.name);
        self.buf.push_str(&line);
    }

    /// `= pointer:`, `= help:` and `= fix:` lines, aligned with the gutter bar.
    fn notes(&mut self, finding: &Finding, gutter: usize, pointer: Option<&String>) {
        if let Some(pointer) = pointer {
            self.note(gutter, "pointer", &sanitize(pointer));
        }
        if let Some(help) = &finding.help {
            self.note(gutter, "help", &sanitize(help));
        }
        if let Some(fix) = &finding.fix {
            let mut title = sanitize(&fix.title).into_owned();
            if fix.applicability == Applicability::Unsafe {
                title.push_str(" (unsafe)");
            }
            self.note(gutter, "fix", &title);
        }
    }

    fn note(&mut self, gutter: usize, label: &str, body: &str) {
        let pad = " ".repeat(gutter);
        // Continuation lines of a multi-line note start under its first word.
        let body = body.replace('\n', &format!("\n{pad}   "));
        let label = self.paint(NOTE, &format!("= {label}:"));
        self.buf.push_str(&format!("{pad} {label} {body}\n"));
    }

    /// The source frame; returns the gutter width so notes align with it.
    fn frame(&mut self, file: &SourceFile, resolved: Resolved, severity: Severity) -> usize {
        let lines = frame_lines(file, resolved);
        let widest = lines
            .iter()
            .filter_map(|l| match l {
                FrameLine::Source { number, .. } => Some(*number),
                FrameLine::Elided => None,
            })
            .max()
            .unwrap_or(1);
        let gutter = widest.to_string().len();
        let pad = " ".repeat(gutter);
        let bar = self.paint(GUTTER, "|");
        self.buf.push_str(&format!("{pad} {bar}\n"));
        for line in &lines {
            match line {
                FrameLine::Elided => {
                    let dots = self.paint(GUTTER, "...");
                    self.buf.push_str(&format!("{dots}\n"));
                }
                FrameLine::Source {
                    number,
                    text,
                    caret,
                } => {
                    let num = self.paint(GUTTER, &format!("{number:>gutter$} |"));
                    if text.is_empty() {
                        self.buf.push_str(&format!("{num}\n"));
                    } else {
                        self.buf.push_str(&format!("{num} {text}\n"));
                    }
                    if let Some((start, len)) = caret {
                        let carets = self.paint(severity_style(severity), &"^".repeat(*len));
                        let indent = " ".repeat(*start);
                        self.buf
                            .push_str(&format!("{pad} {bar} {indent}{carets}\n"));
                    }
                }
            }
        }
        gutter
    }
}

/// One line of a source frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FrameLine {
    Source {
        /// 1-based line number.
        number: usize,
        /// The line as displayed: tabs expanded, control characters made visible,
        /// no line terminator.
        text: String,
        /// Display column (0-based) and width of the caret range under it.
        caret: Option<(usize, usize)>,
    },
    /// Lines left out of a long span.
    Elided,
}

/// The lines of `file` covered by `resolved`, with caret ranges.
pub(crate) fn frame_lines(file: &SourceFile, resolved: Resolved) -> Vec<FrameLine> {
    let text = file.text.as_str();
    let index = &file.line_index;
    let span = resolved.span;
    let first = index.line_of(span.start);
    // A non-empty span ends on the line of its last byte: a span that swallows a
    // newline does not drag the (untouched) next line into the frame.
    let last = if span.is_empty() {
        first
    } else {
        index.line_of(span.end - 1).max(first)
    };
    let multi_line = last > first;

    let mut numbers: Vec<Option<usize>> = Vec::new();
    if last - first < MAX_FRAME_LINES {
        numbers.extend((first..=last).map(Some));
    } else {
        numbers.extend((first..first + 3).map(Some));
        numbers.push(None);
        numbers.extend((last - 1..=last).map(Some));
    }

    let mut lines: Vec<FrameLine> = numbers
        .into_iter()
        .map(|line| {
            let Some(line) = line else {
                return FrameLine::Elided;
            };
            let (ls, le) = index.line_span(text, line);
            let content = text.get(ls..le).unwrap_or("");
            let mut start = span.start.clamp(ls, le);
            let mut end = span.end.clamp(start, le);
            if multi_line {
                // Between the first and the last line, underline the code, not the
                // indentation or trailing blanks around a line continuation.
                if line > first {
                    let indent = content.len() - content.trim_start().len();
                    start = start.max(ls + indent);
                }
                if line < last {
                    end = end.min(ls + content.trim_end().len());
                }
            }
            let (display, columns) = display_line(content);
            let caret = if end > start || !multi_line {
                let from = columns[char_index(content, start - ls)];
                let to = columns[char_index(content, end.max(start) - ls)];
                Some((from, (to - from).max(1)))
            } else {
                None
            };
            FrameLine::Source {
                number: line + 1,
                text: display,
                caret,
            }
        })
        .collect();

    // A span made only of blanks across lines still gets one caret at its start.
    let has_caret = lines
        .iter()
        .any(|l| matches!(l, FrameLine::Source { caret: Some(_), .. }));
    if !has_caret {
        if let Some(FrameLine::Source { caret, .. }) = lines.first_mut() {
            let (ls, le) = index.line_span(text, first);
            let content = text.get(ls..le).unwrap_or("");
            let (_, columns) = display_line(content);
            let at = span.start.clamp(ls, le) - ls;
            *caret = Some((columns[char_index(content, at)], 1));
        }
    }
    lines
}

/// Number of characters of `line` before byte `offset` (a character boundary).
fn char_index(line: &str, offset: usize) -> usize {
    line.get(..offset).map_or(0, |s| s.chars().count())
}

/// The displayed form of a source line and, for every character boundary
/// (`chars().count() + 1` entries), its 0-based display column.
pub(crate) fn display_line(line: &str) -> (String, Vec<usize>) {
    let mut display = String::with_capacity(line.len());
    let mut columns = Vec::with_capacity(line.len() + 1);
    let mut col = 0;
    for c in line.chars() {
        columns.push(col);
        if c == '\t' {
            let n = TAB_STOP - col % TAB_STOP;
            display.extend(std::iter::repeat_n(' ', n));
            col += n;
            continue;
        }
        match visible(c) {
            Visible::Char(c) => {
                display.push(c);
                col += c.width().unwrap_or(1);
            }
            Visible::Escape(s) => {
                col += s.len();
                display.push_str(&s);
            }
        }
    }
    columns.push(col);
    (display, columns)
}

enum Visible {
    Char(char),
    Escape(String),
}

/// What to print for a character so that file content can never drive the
/// terminal: C0 controls become their Unicode control pictures (`␛`), C1
/// controls and bidirectional overrides (the "Trojan Source" trick,
/// CVE-2021-42574) become `<U+202E>`.
fn visible(c: char) -> Visible {
    match c {
        '\u{0}'..='\u{1f}' => {
            Visible::Char(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'))
        }
        '\u{7f}' => Visible::Char('\u{2421}'),
        '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
            Visible::Escape(format!("<U+{:04X}>", c as u32))
        }
        c => Visible::Char(c),
    }
}

/// Makes text from files and rules (paths, messages) safe for a terminal; tabs
/// and newlines are kept.
pub(crate) fn sanitize(s: &str) -> Cow<'_, str> {
    let needs =
        |c: char| c != '\t' && c != '\n' && !matches!(visible(c), Visible::Char(v) if v == c);
    if !s.chars().any(needs) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '\t' || c == '\n' {
            out.push(c);
            continue;
        }
        match visible(c) {
            Visible::Char(v) => out.push(v),
            Visible::Escape(e) => out.push_str(&e),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hullguard_diagnostics::Span;

    fn frame(text: &str, start: usize, end: usize) -> Vec<FrameLine> {
        let file = SourceFile::new("Dockerfile", text);
        frame_lines(&file, resolve(&file, Span::new(start, end)))
    }

    /// The frame as text, gutter-less, to compare carets by eye.
    fn show(lines: &[FrameLine]) -> String {
        let mut out = String::new();
        for line in lines {
            match line {
                FrameLine::Elided => out.push_str("...\n"),
                FrameLine::Source {
                    number,
                    text,
                    caret,
                } => {
                    out.push_str(&format!("{number}:{text}\n"));
                    if let Some((start, len)) = caret {
                        let pad = " ".repeat(number.to_string().len() + 1 + start);
                        out.push_str(&format!("{pad}{}\n", "^".repeat(*len)));
                    }
                }
            }
        }
        out
    }

    #[test]
    fn tabs_expand_in_both_lines() {
        // "\tRUN\tcurl x" — underline `curl`.
        let text = "\tRUN\tcurl x\n";
        let start = text.find("curl").unwrap();
        let lines = frame(text, start, start + 4);
        assert_eq!(show(&lines), "1:    RUN curl x\n          ^^^^\n");
    }

    #[test]
    fn non_ascii_and_wide_characters_keep_carets_aligned() {
        let text = "LABEL é=1 名前=x\n";
        let start = text.find('名').unwrap();
        let end = text.rfind('=').unwrap();
        let lines = frame(text, start, end);
        // `名前` is two double-width characters: four carets.
        assert_eq!(show(&lines), "1:LABEL é=1 名前=x\n            ^^^^\n");
    }

    #[test]
    fn crlf_is_not_rendered() {
        let text = "FROM x\r\nUSER root\r\n";
        let start = text.find("USER").unwrap();
        let lines = frame(text, start, start + 9);
        assert_eq!(show(&lines), "2:USER root\n  ^^^^^^^^^\n");
        assert!(!show(&lines).contains('\r'));
    }

    #[test]
    fn multi_line_span_underlines_each_line_without_indentation() {
        let text = "FROM x\nRUN apt-get update && \\\n    apt-get install -y curl\nUSER app\n";
        let start = text.find("RUN").unwrap();
        let end = text.find("curl").unwrap() + 4;
        let lines = frame(text, start, end);
        assert_eq!(
            show(&lines),
            "2:RUN apt-get update && \\\n  ^^^^^^^^^^^^^^^^^^^^^^^\n\
             3:    apt-get install -y curl\n      ^^^^^^^^^^^^^^^^^^^^^^^\n"
        );
    }

    #[test]
    fn span_ending_after_newline_does_not_show_next_line() {
        let text = "USER root\nFROM y\n";
        let lines = frame(text, 0, 10);
        assert_eq!(show(&lines), "1:USER root\n  ^^^^^^^^^\n");
    }

    #[test]
    fn long_spans_are_elided() {
        let text: String = (1..=10).map(|i| format!("line{i}\n")).collect();
        let lines = frame(&text, 0, text.len() - 1);
        let numbers: Vec<Option<usize>> = lines
            .iter()
            .map(|l| match l {
                FrameLine::Source { number, .. } => Some(*number),
                FrameLine::Elided => None,
            })
            .collect();
        assert_eq!(
            numbers,
            [Some(1), Some(2), Some(3), None, Some(9), Some(10)]
        );
    }

    #[test]
    fn empty_span_renders_one_caret() {
        let lines = frame("FROM x\n", 4, 4);
        assert_eq!(show(&lines), "1:FROM x\n      ^\n");
    }

    #[test]
    fn span_at_end_of_file() {
        // Without a final newline: caret just after the last character.
        let lines = frame("FROM x", 6, 6);
        assert_eq!(show(&lines), "1:FROM x\n        ^\n");
        // With a final newline the end of file is the empty line 2.
        let lines = frame("FROM x\n", 7, 7);
        assert_eq!(show(&lines), "2:\n  ^\n");
    }

    #[test]
    fn control_characters_are_made_visible() {
        let (display, columns) = display_line("a\u{1b}[31mb\u{202e}c");
        assert_eq!(display, "a\u{241b}[31mb<U+202E>c");
        assert_eq!(columns.len(), 10);
        assert_eq!(columns[9], 16);
        assert_eq!(sanitize("ok"), Cow::Borrowed("ok"));
        assert_eq!(sanitize("x\u{1b}y\tz"), "x\u{241b}y\tz");
    }
}
