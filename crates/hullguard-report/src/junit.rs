//! JUnit XML for CI dashboards (GitLab, Jenkins, Azure Pipelines ...): one
//! `<testsuite>` per scanned file or engine object, one `<testcase>` per enabled
//! rule that fails when the rule has findings there, and an `<error>` test case
//! per file that could not be analysed.
//!
//! There is no formal JUnit schema; the shape follows the de-facto Ant/Jenkins
//! format (`testsuites > testsuite > testcase > failure|error`).

use crate::{emit, Format, Report, ReportError};
use hullguard_diagnostics::{Finding, Location, RuleInfo, ScanError};
use std::collections::HashMap;
use std::io::Write;

/// Writes the JUnit XML report.
pub fn write_junit(report: &Report, out: &mut dyn Write) -> Result<(), ReportError> {
    let xml = render_junit(report);
    emit(Format::Junit, xml.as_bytes(), out)
}

#[derive(Default)]
struct Suite<'a> {
    name: String,
    /// Analysed (listed in `Report::files`, or an object with findings): the
    /// rules ran on it, so each enabled rule is a test case. A file that only
    /// failed to load gets its error test case and nothing that would read as
    /// "passed".
    analysed: bool,
    findings: Vec<&'a Finding>,
    errors: Vec<&'a ScanError>,
}

pub(crate) fn render_junit(report: &Report) -> String {
    let rules = report.all_rules();
    let mut suites: Vec<Suite> = Vec::new();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut suite = |name: &str| -> usize {
        *by_name.entry(name.to_owned()).or_insert_with(|| {
            suites.push(Suite {
                name: name.to_owned(),
                ..Suite::default()
            });
            suites.len() - 1
        })
    };
    let mut analysed = Vec::new();
    let mut placed: Vec<(usize, &Finding)> = Vec::new();
    let mut failed: Vec<(usize, &ScanError)> = Vec::new();
    for file in report.files {
        analysed.push(suite(&file.path));
    }
    for finding in report.findings {
        let index = suite(&suite_name(finding));
        analysed.push(index);
        placed.push((index, finding));
    }
    for error in report.errors {
        failed.push((suite(&error.path), error));
    }
    for index in analysed {
        suites[index].analysed = true;
    }
    for (index, finding) in placed {
        suites[index].findings.push(finding);
    }
    for (index, error) in failed {
        suites[index].errors.push(error);
    }

    let mut body = String::new();
    let (mut tests, mut failures, mut errors) = (0, 0, 0);
    for suite in &suites {
        let (t, f, e) = render_suite(&mut body, suite, &rules);
        tests += t;
        failures += f;
        errors += e;
    }
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!(
        "<testsuites name=\"hullguard\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n"
    ));
    xml.push_str(&body);
    xml.push_str("</testsuites>\n");
    xml
}

/// The file path, or `kind/name` for an engine object.
fn suite_name(finding: &Finding) -> String {
    match &finding.location {
        Location::File { file, .. } => file.path.clone(),
        Location::Object { kind, name, .. } => format!("{kind}/{name}"),
    }
}

/// Renders one suite; returns its (tests, failures, errors).
fn render_suite(
    xml: &mut String,
    suite: &Suite,
    rules: &[&'static RuleInfo],
) -> (usize, usize, usize) {
    let classname = attr(&suite.name);
    let mut cases = String::new();
    let mut failures = 0;
    let mut tests = 0;
    if suite.analysed {
        for rule in rules {
            tests += 1;
            let name = attr(&format!("{} {}", rule.code, rule.name));
            let hits: Vec<&Finding> = suite
                .findings
                .iter()
                .copied()
                .filter(|f| f.rule.code == rule.code)
                .collect();
            let Some(worst) = hits.iter().map(|f| f.severity).max() else {
                cases.push_str(&format!(
                    "    <testcase classname=\"{classname}\" name=\"{name}\"/>\n"
                ));
                continue;
            };
            failures += 1;
            let message = match hits.as_slice() {
                [only] => only.message.clone(),
                _ => format!("{} findings", hits.len()),
            };
            let details: Vec<String> = hits.iter().map(|f| detail_line(f)).collect();
            cases.push_str(&format!(
                "    <testcase classname=\"{classname}\" name=\"{name}\">\n      \
                 <failure message=\"{}\" type=\"{worst}\">{}</failure>\n    </testcase>\n",
                attr(&message),
                text(&details.join("\n")),
            ));
        }
    }
    for error in &suite.errors {
        tests += 1;
        cases.push_str(&format!(
            "    <testcase classname=\"{classname}\" name=\"scan\">\n      \
             <error message=\"{}\" type=\"scan-error\">{}</error>\n    </testcase>\n",
            attr(&error.message),
            text(&error.message),
        ));
    }
    let errors = suite.errors.len();
    xml.push_str(&format!(
        "  <testsuite name=\"{classname}\" tests=\"{tests}\" failures=\"{failures}\" \
         errors=\"{errors}\" skipped=\"0\">\n"
    ));
    xml.push_str(&cases);
    xml.push_str("  </testsuite>\n");
    (tests, failures, errors)
}

/// `path:line:col: [severity] message` or `pointer: [severity] message`.
fn detail_line(f: &Finding) -> String {
    let place = match &f.location {
        Location::File { file, span } => {
            let start = file.line_col(span.start);
            format!("{}:{}:{}", file.path, start.line, start.column)
        }
        Location::Object { pointer, .. } => pointer.clone(),
    };
    format!("{place}: [{}] {}", f.severity, f.message)
}

/// Escapes text content.
pub(crate) fn text(s: &str) -> String {
    escape(s, false)
}

/// Escapes an attribute value (double-quoted). Newlines and tabs become
/// character references because parsers normalise literal ones to spaces.
pub(crate) fn attr(s: &str) -> String {
    escape(s, true)
}

/// XML 1.0 escaping. Characters that XML 1.0 cannot carry at all, not even as
/// references (C0 controls other than tab/newline/CR, U+FFFE, U+FFFF), are
/// replaced by U+FFFD so the document stays well-formed and the loss is visible.
fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\t' | '\n' => out.push(c),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_replaces_illegal_characters() {
        assert_eq!(
            text("a<b>&\"c\"'d'"),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;"
        );
        assert_eq!(
            text("x\u{0}y\u{8}z\u{1b}\u{ffff}"),
            "x\u{fffd}y\u{fffd}z\u{fffd}\u{fffd}"
        );
        assert_eq!(text("l1\nl2\r\n\tx"), "l1\nl2&#13;\n\tx");
        assert_eq!(attr("l1\nl2\tx"), "l1&#10;l2&#9;x");
        assert_eq!(text("é 名 😀"), "é 名 😀");
    }
}
