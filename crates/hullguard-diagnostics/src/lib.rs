//! Source positions, findings and fixes: the data every hullguard parser, rule and
//! reporter agrees on. Nothing here prints or exits.
//!
//! A finding carries a byte range; lines and columns are computed only when a
//! reporter renders it (see [`LineIndex`]).

mod line_index;
mod span;

pub use line_index::{floor_char_boundary, LineCol, LineIndex};
pub use span::Span;

use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Parses a severity name, case-insensitively.
    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|sev| sev.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Static metadata of a rule: what reporters and `hullguard explain` need.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RuleInfo {
    /// Stable code, e.g. `DF001`.
    pub code: &'static str,
    /// Kebab-case name describing the bad pattern, e.g. `root-user`.
    pub name: &'static str,
    /// Default severity (configuration may change it per finding).
    pub severity: Severity,
    /// Whether the rule runs without being selected explicitly.
    pub default_enabled: bool,
    /// CIS Docker Benchmark v1.8.0 recommendation IDs the rule implements.
    pub cis: &'static [&'static str],
    /// One-line summary (lower-case fragment, no trailing period).
    pub summary: &'static str,
    /// Markdown documentation with the sections *What it does*, *Why is this bad?*,
    /// *Example*, *How to fix*, *References*.
    pub doc: &'static str,
    /// Whether findings of this rule may carry a machine-applicable fix.
    pub fixable: bool,
}

/// One source file as read from disk (or given on the command line).
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user should see it.
    pub path: String,
    pub text: String,
    pub line_index: LineIndex,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Arc<SourceFile> {
        let text = text.into();
        let line_index = LineIndex::new(&text);
        Arc::new(SourceFile {
            path: path.into(),
            text,
            line_index,
        })
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        self.line_index.line_col(&self.text, offset)
    }
}

/// Where a finding is.
#[derive(Debug, Clone)]
pub enum Location {
    /// A byte range in a source file.
    File { file: Arc<SourceFile>, span: Span },
    /// A place in an engine object (container, image, daemon ...): the object and a
    /// JSON pointer into its document, e.g. `/HostConfig/Privileged`.
    Object {
        kind: String,
        name: String,
        pointer: String,
    },
}

impl Location {
    pub fn file(file: &Arc<SourceFile>, span: Span) -> Location {
        Location::File {
            file: Arc::clone(file),
            span,
        }
    }

    /// The file path, when the location is in a file.
    pub fn path(&self) -> Option<&str> {
        match self {
            Location::File { file, .. } => Some(&file.path),
            Location::Object { .. } => None,
        }
    }
}

/// How safe it is to apply a fix without review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Applied by `--fix`: keeps the meaning of the build (e.g. `ADD` → `COPY` for a
    /// local file).
    Safe,
    /// Shown, applied only by `--fix --unsafe-fixes`: may change behaviour.
    Unsafe,
}

/// One text replacement in a source file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

/// A machine-applicable fix: a title in the imperative and its edits.
#[derive(Debug, Clone, Serialize)]
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            title: title.into(),
            applicability: Applicability::Safe,
            edits,
        }
    }

    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            title: title.into(),
            applicability: Applicability::Unsafe,
            edits,
        }
    }
}

/// One problem found. A finding is data, never an error.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static RuleInfo,
    /// Effective severity (the rule's default unless configuration changed it).
    pub severity: Severity,
    /// Short lower-case fragment without a trailing period.
    pub message: String,
    pub location: Location,
    /// A hint shown under the source frame ("use `COPY`"), when no fix exists or in
    /// addition to it.
    pub help: Option<String>,
    pub fix: Option<Fix>,
    /// Stable identity for baselines: independent of line numbers (rule + stage +
    /// normalised instruction text for Dockerfiles).
    pub fingerprint: String,
}

impl Finding {
    pub fn new(rule: &'static RuleInfo, location: Location, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            severity: rule.severity,
            message: message.into(),
            location,
            help: None,
            fix: None,
            fingerprint: String::new(),
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Finding {
        self.fix = Some(fix);
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }

    /// Sets the help text in place (for findings returned by a sink).
    pub fn set_help(&mut self, help: impl Into<String>) -> &mut Finding {
        self.help = Some(help.into());
        self
    }

    /// Sets the fix in place.
    pub fn set_fix(&mut self, fix: Fix) -> &mut Finding {
        self.fix = Some(fix);
        self
    }

    /// Sets the severity in place.
    pub fn set_severity(&mut self, severity: Severity) -> &mut Finding {
        self.severity = severity;
        self
    }

    /// The byte span when the finding is in a file.
    pub fn span(&self) -> Option<Span> {
        match &self.location {
            Location::File { span, .. } => Some(*span),
            Location::Object { .. } => None,
        }
    }
}

/// A file or object that could not be analysed at all (unreadable, binary, too
/// large). Reported beside findings; never a panic, never a silent skip.
#[derive(Debug, Clone, Serialize)]
pub struct ScanError {
    pub path: String,
    pub message: String,
}
