//! Dotenv files (`.env`, `--env-file`, a service's `env_file`) read as
//! compose-go's `dotenv` parser reads them (`dotenv/parser.go`):
//! - blank lines and lines starting with `#` are skipped; `export NAME=...` is
//!   `NAME=...`; `NAME: value` works like `NAME=value`;
//! - a line holding only `NAME` takes the value from the environment;
//! - unquoted values run to the end of the line, lose a ` #` comment and
//!   trailing white space, and have `${VAR}` expanded;
//! - single-quoted values are literal (only `\'` is unescaped), double-quoted
//!   values unescape `\n`, `\t`, `\"`, `\\`, `\$`, `\0NNN` ... and then expand
//!   `${VAR}`; both may span several lines;
//! - expansion looks a name up in the caller's lookup first (compose passes the
//!   process environment, then what earlier env files set), then in the entries
//!   read so far from this file.
//!
//! compose-go stops at the first malformed line; this reader reports it as a
//! problem and goes on with the next line, so the rest of the file is still
//! analysed. One deliberate difference: a last line `NAME` without a line break
//! is read as "take `NAME` from the environment" (compose-go stores the text
//! under an empty name, an accident of its loop).

use crate::interpolate::substitute;
use hullguard_container::Problem;
use hullguard_diagnostics::{Location, SourceFile, Span};
use std::collections::HashMap;
use std::sync::Arc;

/// One `NAME=value` (or `NAME`) statement of a dotenv file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvEntry {
    pub name: String,
    /// The value after unquoting and expansion; `None` for a line that is just
    /// `NAME` ("take it from the environment").
    pub value: Option<String>,
    /// The whole statement, from `export`/the name to the end of the value.
    pub span: Span,
    /// The value as written (with its quotes), when there is one.
    pub value_span: Option<Span>,
    /// Why the value is not known, when a `${VAR}` in it could not be resolved
    /// (unset, a failed `${VAR:?msg}`, or invalid syntax). `value` then holds
    /// what docker compose would use (unset variables as empty strings) and must
    /// not be trusted.
    pub unresolved: Option<String>,
}

/// Parses a dotenv file. `lookup` resolves `${VAR}` in values before the
/// entries of this file do (see the module documentation).
pub fn parse_env_file(
    file: &Arc<SourceFile>,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> (Vec<EnvEntry>, Vec<Problem>) {
    let mut parser = EnvParser {
        file,
        text: &file.text,
        entries: Vec::new(),
        problems: Vec::new(),
        seen: HashMap::new(),
    };
    if file.text.len() > crate::yaml::MAX_FILE_SIZE {
        parser.problem(
            Span::empty(0),
            format!(
                "file is larger than {} MiB",
                crate::yaml::MAX_FILE_SIZE >> 20
            ),
        );
        return (parser.entries, parser.problems);
    }
    parser.run(lookup);
    (parser.entries, parser.problems)
}

struct EnvParser<'a> {
    file: &'a Arc<SourceFile>,
    text: &'a str,
    entries: Vec<EnvEntry>,
    problems: Vec<Problem>,
    /// Values set so far in this file (inherited ones included when found).
    seen: HashMap<String, String>,
}

/// compose-go's `isSpace`: white space that is not a line break.
fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\u{B}' | '\u{C}' | '\r' | ' ' | '\u{85}' | '\u{A0}'
    )
}

/// Go's `\s` in RE2: `[\t\n\f\r ]`.
fn is_re2_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\u{C}' | '\r' | ' ')
}

impl<'a> EnvParser<'a> {
    fn problem(&mut self, span: Span, message: impl Into<String>) {
        self.problems
            .push(Problem::new(Location::file(self.file, span), message));
    }

    fn rest(&self, pos: usize) -> &'a str {
        self.text.get(pos..).unwrap_or("")
    }

    /// Position of the next line break at or after `pos`, or the end.
    fn line_end(&self, pos: usize) -> usize {
        self.rest(pos)
            .find('\n')
            .map_or(self.text.len(), |i| pos + i)
    }

    fn run(&mut self, lookup: &dyn Fn(&str) -> Option<String>) {
        let mut pos = if self.text.starts_with('\u{FEFF}') {
            3
        } else {
            0
        };
        loop {
            // getStatementStart: skip white space and comment lines.
            let rest = self.rest(pos);
            let Some(skip) = rest.find(|c: char| !c.is_whitespace()) else {
                return;
            };
            pos += skip;
            if self.rest(pos).starts_with('#') {
                pos = self.line_end(pos);
                if pos >= self.text.len() {
                    return;
                }
                continue;
            }
            pos = self.statement(pos, lookup);
        }
    }

    /// Reads one statement at `start`; returns where the next one may begin.
    fn statement(&mut self, start: usize, lookup: &dyn Fn(&str) -> Option<String>) -> usize {
        let mut key_start = start;
        let rest = self.rest(start);
        if let Some(after) = rest.strip_prefix("export") {
            if after.starts_with(is_re2_space) {
                let trimmed = after.trim_start_matches(is_space);
                key_start = start + (rest.len() - trimmed.len());
            }
        }
        let src = self.rest(key_start);
        let mut terminator = None;
        for (i, c) in src.char_indices() {
            if is_space(c) {
                continue;
            }
            match c {
                '=' | ':' | '\n' => {
                    terminator = Some((i, c));
                    break;
                }
                '_' | '.' | '-' | '[' | ']' => {}
                c if c.is_alphabetic() || c.is_numeric() => {}
                c => {
                    let at = key_start + i;
                    let line_end = self.line_end(start);
                    self.problem(
                        Span::new(at, at + c.len_utf8()),
                        format!("unexpected character `{c}` in variable name"),
                    );
                    return line_end;
                }
            }
        }
        let (key_len, inherited, value_from) = match terminator {
            Some((i, c)) => (i, c == '\n', key_start + i + 1),
            // The file ends inside the name: `NAME` on the last line.
            None => (src.len(), true, self.text.len()),
        };
        let raw_key = src.get(..key_len).unwrap_or("");
        let key = raw_key.trim_end();
        let key_end = key_start + key.len();
        if key.contains(' ') {
            self.problem(
                Span::new(key_start, key_end),
                "variable name cannot contain a space",
            );
            return self.line_end(start);
        }
        if key.is_empty() {
            self.problem(
                Span::new(start, value_from.min(self.text.len())),
                "missing variable name",
            );
            return self.line_end(start);
        }
        let name = key.to_string();
        if inherited {
            if let Some(v) = lookup(&name) {
                self.seen.insert(name.clone(), v);
            }
            self.entries.push(EnvEntry {
                name,
                value: None,
                span: Span::new(start, key_end),
                value_span: None,
                unresolved: None,
            });
            return value_from;
        }
        let after = self.rest(value_from);
        let value_start = value_from + (after.len() - after.trim_start_matches(is_space).len());
        let (raw, value_span, next, expand) = match self.rest(value_start).chars().next() {
            Some(quote @ ('"' | '\'')) => match self.quoted(value_start, quote) {
                Some((raw, end)) => (raw, Span::new(value_start, end), end, quote == '"'),
                None => {
                    let line_end = self.line_end(value_start);
                    self.problem(
                        Span::new(value_start, line_end),
                        "unterminated quoted value",
                    );
                    return line_end;
                }
            },
            _ => {
                let line_end = self.line_end(value_start);
                let line = self.text.get(value_start..line_end).unwrap_or("");
                let value = line.split_once(" #").map_or(line, |(v, _)| v).trim_end();
                let end = value_start + value.len();
                (
                    value.to_string(),
                    Span::new(value_start, end),
                    line_end,
                    true,
                )
            }
        };
        let (value, unresolved) = if expand {
            let seen = &self.seen;
            let lookup2 = |k: &str| lookup(k).or_else(|| seen.get(k).cloned());
            let outcome = substitute(&raw, &lookup2);
            match (outcome.error, outcome.unresolved) {
                (Some(err), _) => (raw.clone(), Some(err)),
                (None, why) => (outcome.text, why),
            }
        } else {
            (raw, None)
        };
        match &unresolved {
            // Later `${NAME}` must not see compose's partial value as known.
            Some(why) => {
                self.problem(value_span, why.clone());
                self.seen.remove(&name);
            }
            None => {
                self.seen.insert(name.clone(), value.clone());
            }
        }
        self.entries.push(EnvEntry {
            name,
            value: Some(value),
            span: Span::new(start, value_span.end),
            value_span: Some(value_span),
            unresolved,
        });
        next
    }

    /// A quoted value starting at `at` (on the quote): its text after compose's
    /// escape handling, and the offset just past the closing quote.
    fn quoted(&self, at: usize, quote: char) -> Option<(String, usize)> {
        let body = self.rest(at + 1);
        let mut out = String::new();
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            if c != quote {
                if !escaped && c == '\\' {
                    escaped = true;
                    continue;
                }
                if escaped {
                    escaped = false;
                    out.push('\\');
                }
                out.push(c);
                continue;
            }
            if escaped {
                escaped = false;
                out.push(c);
                continue;
            }
            let value = if quote == '"' {
                expand_escapes(&out)
            } else {
                out
            };
            return Some((value, at + 1 + i + 1));
        }
        None
    }
}

/// compose-go's `expandEscapes`: the escapes `\a \b \f \n \r \t \v \" \\`,
/// `\$` (kept as `$$` so expansion leaves a literal `$`) and octal `\0NNN`
/// (exactly three digits after `\0`, value at most 0o377). Anything else,
/// `\c` included, stays as written.
fn expand_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(&(_, next)) = chars.peek() else {
            out.push(c);
            continue;
        };
        let simple = match next {
            'a' => Some("\u{7}"),
            'b' => Some("\u{8}"),
            'f' => Some("\u{C}"),
            'n' => Some("\n"),
            'r' => Some("\r"),
            't' => Some("\t"),
            'v' => Some("\u{B}"),
            '"' => Some("\""),
            '\\' => Some("\\"),
            '$' => Some("$$"),
            // In the pattern, but not an escape Go's UnquoteChar knows.
            'c' => Some("\\c"),
            _ => None,
        };
        if let Some(rep) = simple {
            out.push_str(rep);
            chars.next();
            continue;
        }
        if next == '0' {
            chars.next();
            let digits_start = i + 2;
            let digits: String = s
                .get(digits_start..)
                .unwrap_or("")
                .chars()
                .take_while(char::is_ascii_digit)
                .take(3)
                .collect();
            for _ in 0..digits.len() {
                chars.next();
            }
            let decoded = (digits.len() == 3)
                .then(|| u32::from_str_radix(&digits, 8).ok())
                .flatten()
                .filter(|v| *v <= 0o377)
                .and_then(char::from_u32);
            match decoded {
                Some(ch) => out.push(ch),
                None => {
                    out.push_str("\\0");
                    out.push_str(&digits);
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}
