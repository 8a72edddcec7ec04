//! Compose variable interpolation (`$VAR`, `${VAR:-default}` ...), a port of
//! compose-go's `template` package (`template/template.go`).
//!
//! compose-go matches the regular expression
//! `\$(?i:(?P<escaped>\$)|(?P<named>[_a-z][_a-z0-9]*)|{(?:(?P<braced>[_a-z][_a-z0-9]*(?::?[-+?](.*))?)}|(?P<invalid>)))`
//! and then cuts a braced match at its first balanced `}` (`getFirstBraceClosingIndex`),
//! interpolating the rest separately. This module reproduces that by hand,
//! quirks included:
//! - names are ASCII letters, digits and `_`, not starting with a digit; the
//!   regexp is case-insensitive, and Go's case folding lets `ſ` (U+017F) and `K`
//!   (U+212A) match `s` and `k`, so they count as name characters too;
//! - `$` followed by anything else (a digit, `-`, the end) stays a literal `$`;
//! - `${` not followed by a valid `${NAME}` / `${NAME<op>...}` is a syntax error
//!   (`${}`, `${1A}`, `${A:x}`, an unterminated `${A`);
//! - the argument of an operator runs to the LAST `}` of the line (`.*` is
//!   greedy and does not cross a line break), then the first balanced `}` ends
//!   it: `${A:-{x}}` has the default `{x}`... and `${A:-{}}` the default `{}`
//!   (the scan skips the character after every `{`);
//! - defaults, replacements and `?` messages are interpolated only when used.
//!
//! Where docker compose substitutes an unset variable with an empty string (and
//! a warning), this module reports [`Interpolated::Unresolved`]: a linter must not
//! mistake an unknown value for an empty one.

/// The result of interpolating one string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interpolated {
    /// Every variable was resolved.
    Value(String),
    /// A variable is unset without a default, or a `${VAR:?msg}` failed: why.
    Unresolved(String),
}

/// Deepest nesting of defaults (`${A:-${B:-${C}}}`) followed; bounds recursion.
const MAX_NESTING: usize = 32;

/// Compose interpolation of one string, exactly as compose-go's `template`
/// package does it (see the module documentation). `Err` is a syntax error.
pub fn interpolate(
    s: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Interpolated, String> {
    let outcome = substitute(s, lookup);
    if let Some(err) = outcome.error {
        return Err(err);
    }
    Ok(match outcome.unresolved {
        Some(why) => Interpolated::Unresolved(why),
        None => Interpolated::Value(outcome.text),
    })
}

/// Everything interpolation found: compose's text (unset variables as empty
/// strings, as docker compose substitutes them), the first reason a variable
/// could not be resolved, and the first syntax error.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outcome {
    pub text: String,
    pub unresolved: Option<String>,
    pub error: Option<String>,
}

pub(crate) fn substitute(s: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Outcome {
    let mut outcome = Outcome::default();
    if !s.contains('$') {
        outcome.text = s.to_string();
        return outcome;
    }
    let mut state = State {
        lookup,
        unresolved: None,
        error: None,
        template: s,
    };
    outcome.text = state.run(s, 0);
    outcome.unresolved = state.unresolved;
    outcome.error = state.error;
    outcome
}

struct State<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    unresolved: Option<String>,
    error: Option<String>,
    /// The whole template, for error messages (compose-go reports it).
    template: &'a str,
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == '\u{17F}' || c == '\u{212A}'
}

fn is_name_char(c: char) -> bool {
    is_name_start(c) || c.is_ascii_digit()
}

/// Length in bytes of the name at the start of `s`, 0 if there is none.
fn name_len(s: &str) -> usize {
    let mut chars = s.char_indices();
    match chars.next() {
        Some((_, c)) if is_name_start(c) => {}
        _ => return 0,
    }
    chars
        .find(|(_, c)| !is_name_char(*c))
        .map_or(s.len(), |(i, _)| i)
}

/// compose-go's `getFirstBraceClosingIndex`, on bytes (braces are ASCII, so
/// skipping one byte of a multi-byte character changes nothing).
fn first_brace_closing_index(s: &[u8]) -> Option<usize> {
    let mut open = 0i64;
    let mut i = 0;
    while i < s.len() {
        match s.get(i) {
            Some(b'}') => {
                open -= 1;
                if open == 0 {
                    return Some(i);
                }
            }
            Some(b'{') => {
                open += 1;
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    /// `:-`: default when unset or empty.
    DefaultEmpty,
    /// `-`: default when unset.
    Default,
    /// `:+`: replacement when set and not empty.
    ReplaceNotEmpty,
    /// `+`: replacement when set.
    Replace,
    /// `:?`: error when unset or empty.
    RequiredNotEmpty,
    /// `?`: error when unset.
    Required,
}

fn parse_op(s: &str) -> Option<(Op, usize)> {
    let b = s.as_bytes();
    match (b.first(), b.get(1)) {
        (Some(b':'), Some(b'-')) => Some((Op::DefaultEmpty, 2)),
        (Some(b':'), Some(b'+')) => Some((Op::ReplaceNotEmpty, 2)),
        (Some(b':'), Some(b'?')) => Some((Op::RequiredNotEmpty, 2)),
        (Some(b'-'), _) => Some((Op::Default, 1)),
        (Some(b'+'), _) => Some((Op::Replace, 1)),
        (Some(b'?'), _) => Some((Op::Required, 1)),
        _ => None,
    }
}

impl State<'_> {
    fn unresolved(&mut self, why: String) {
        if self.unresolved.is_none() {
            self.unresolved = Some(why);
        }
    }

    fn invalid(&mut self) {
        if self.error.is_none() {
            self.error = Some(format!(
                "invalid interpolation format in `{}` (write a literal `$` as `$$`)",
                self.template
            ));
        }
    }

    fn get(&mut self, name: &str) -> Option<String> {
        (self.lookup)(name)
    }

    /// Interpolates `s`; `depth` counts nested defaults.
    fn run(&mut self, s: &str, depth: usize) -> String {
        if depth > MAX_NESTING {
            if self.error.is_none() {
                self.error = Some(format!(
                    "interpolation nested deeper than {MAX_NESTING} levels"
                ));
            }
            return String::new();
        }
        let mut out = String::with_capacity(s.len());
        let mut pos = 0;
        // The last `}` of the line being scanned: (line end, position of `}`).
        let mut line_cache: Option<(usize, usize, Option<usize>)> = None;
        while let Some(off) = s.get(pos..).and_then(|r| r.find('$')) {
            let dollar = pos + off;
            out.push_str(s.get(pos..dollar).unwrap_or(""));
            let after = s.get(dollar + 1..).unwrap_or("");
            let Some(next) = after.chars().next() else {
                out.push('$');
                pos = dollar + 1;
                break;
            };
            if next == '$' {
                out.push('$');
                pos = dollar + 2;
                continue;
            }
            if is_name_start(next) {
                let len = name_len(after);
                let name = after.get(..len).unwrap_or("");
                match self.get(name) {
                    Some(v) => out.push_str(&v),
                    None => self.unresolved(format!("variable `{name}` is not set")),
                }
                pos = dollar + 1 + len;
                continue;
            }
            if next != '{' {
                out.push('$');
                pos = dollar + 1;
                continue;
            }
            // `${`: braced, or invalid.
            let name_start = dollar + 2;
            let rest = s.get(name_start..).unwrap_or("");
            let len = name_len(rest);
            if len == 0 {
                self.invalid();
                pos = name_start;
                continue;
            }
            let name = rest.get(..len).unwrap_or("");
            let after_name = name_start + len;
            let tail = s.get(after_name..).unwrap_or("");
            if tail.starts_with('}') {
                match self.get(name) {
                    Some(v) => out.push_str(&v),
                    None => self.unresolved(format!("variable `{name}` is not set")),
                }
                pos = after_name + 1;
                continue;
            }
            let Some((op, op_len)) = parse_op(tail) else {
                self.invalid();
                pos = name_start;
                continue;
            };
            let arg_start = after_name + op_len;
            // `(.*)}`: up to the last `}` before the end of the line.
            let last_brace = match line_cache {
                Some((from, line_end, last)) if from <= arg_start && arg_start <= line_end => {
                    last.filter(|&b| b >= arg_start)
                }
                _ => {
                    let line_end = s
                        .get(arg_start..)
                        .and_then(|r| r.find('\n'))
                        .map_or(s.len(), |i| arg_start + i);
                    let last = s
                        .get(arg_start..line_end)
                        .and_then(|r| r.rfind('}'))
                        .map(|i| arg_start + i);
                    line_cache = Some((arg_start, line_end, last));
                    last
                }
            };
            let Some(last_brace) = last_brace else {
                self.invalid();
                pos = name_start;
                continue;
            };
            let matched = s.get(dollar..=last_brace).unwrap_or("");
            let end = match first_brace_closing_index(matched.as_bytes()) {
                Some(close) => dollar + close,
                None => last_brace,
            };
            let arg = s.get(arg_start..end).unwrap_or("");
            let value = self.apply(name, op, arg, depth);
            out.push_str(&value);
            pos = end + 1;
        }
        out.push_str(s.get(pos..).unwrap_or(""));
        out
    }

    fn apply(&mut self, name: &str, op: Op, arg: &str, depth: usize) -> String {
        let value = self.get(name);
        match op {
            Op::DefaultEmpty => match value {
                Some(v) if !v.is_empty() => v,
                _ => self.run(arg, depth + 1),
            },
            Op::Default => match value {
                Some(v) => v,
                None => self.run(arg, depth + 1),
            },
            Op::ReplaceNotEmpty => match value {
                Some(v) if !v.is_empty() => self.run(arg, depth + 1),
                other => other.unwrap_or_default(),
            },
            Op::Replace => match value {
                Some(_) => self.run(arg, depth + 1),
                None => String::new(),
            },
            Op::RequiredNotEmpty | Op::Required => {
                let ok = match &value {
                    Some(v) => op == Op::Required || !v.is_empty(),
                    None => false,
                };
                if let (true, Some(v)) = (ok, value) {
                    return v;
                }
                // The message is interpolated too; an unset variable in it is
                // part of the message, not a second unresolved value.
                let saved = self.unresolved.take();
                let message = self.run(arg, depth + 1);
                self.unresolved = saved;
                if message.is_empty() {
                    self.unresolved(format!("required variable `{name}` is missing a value"));
                } else {
                    self.unresolved(format!(
                        "required variable `{name}` is missing a value: {message}"
                    ));
                }
                String::new()
            }
        }
    }
}
