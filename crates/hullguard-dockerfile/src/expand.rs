//! Variable expansion as BuildKit's shell lexer (`frontend/dockerfile/shell`)
//! does it for FROM, ENV, ARG, USER, WORKDIR, COPY, ADD, EXPOSE, LABEL, VOLUME,
//! STOPSIGNAL: quotes removed, escapes applied, `$VAR`, `${VAR}`, `${VAR:-w}`,
//! `${VAR-w}`, `${VAR:+w}`, `${VAR+w}`, `${VAR:?w}`, `${VAR?w}`, and the
//! pattern forms `#`, `##`, `%`, `%%`, `/`, `//`.
//!
//! A linter does not know every value: a variable may come from the base image or
//! from a `--build-arg` that is not given. Such variables are *unresolved*; the
//! expansion keeps their text and lists their names so a rule can say so.

use std::sync::atomic::{AtomicU64, Ordering};

/// What a variable is known to hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Var {
    /// Declared with a known value.
    Known(String),
    /// Declared or possibly set (base image, build argument) with an unknown value.
    Unknown,
}

/// Result of expanding one word.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expansion {
    /// The expanded text. Unresolved variables keep their `${NAME}` text unless a
    /// default word applied, which is then used.
    pub value: String,
    /// Names of variables whose value is not known, in order of appearance.
    pub unresolved: Vec<String>,
    /// The value would exceed [`MAX_VALUE`] bytes, or the file's expansion
    /// [`Budget`] ran out: `value` is incomplete and not to be trusted.
    pub truncated: bool,
}

impl Expansion {
    /// The value when every variable was resolved.
    pub fn resolved(&self) -> Option<&str> {
        self.is_resolved().then_some(self.value.as_str())
    }

    pub fn is_resolved(&self) -> bool {
        self.unresolved.is_empty() && !self.truncated
    }
}

/// Longest value an expansion produces. Doubling `ENV A=$A$A` forty times must
/// not allocate a terabyte: longer values are reported as unresolved.
pub const MAX_VALUE: usize = 64 * 1024;

/// Total work (bytes produced, pattern-matching steps) the expansions of one
/// file may do. Shared by every scope of a model, so a file of a million
/// expanding lines is bounded too.
pub const FILE_BUDGET: u64 = 64 * 1024 * 1024;

/// A work budget for expansions; see [`FILE_BUDGET`].
#[derive(Debug, Default)]
pub struct Budget {
    spent: AtomicU64,
}

impl Budget {
    /// Spends `units`; `false` once the budget is exhausted.
    pub fn spend(&self, units: u64) -> bool {
        let before = self.spent.fetch_add(units, Ordering::Relaxed);
        before.saturating_add(units) <= FILE_BUDGET
    }
}

/// Expands `word` with `lookup` (returns `None` for a variable nobody declared:
/// treated as unknown, since the base image may set it).
pub fn expand(word: &str, escape: char, lookup: &dyn Fn(&str) -> Option<Var>) -> Expansion {
    expand_with(word, escape, lookup, &Budget::default())
}

/// [`expand`] drawing on a shared work budget.
pub fn expand_with(
    word: &str,
    escape: char,
    lookup: &dyn Fn(&str) -> Option<Var>,
    budget: &Budget,
) -> Expansion {
    if !budget.spend(word.len() as u64) {
        return Expansion {
            value: String::new(),
            unresolved: Vec::new(),
            truncated: true,
        };
    }
    let mut lx = Lexer {
        chars: word.chars().collect(),
        pos: 0,
        escape,
        lookup,
        unresolved: Vec::new(),
        depth: 0,
        budget,
        overflow: false,
    };
    let value = lx.process_until(None);
    Expansion {
        value,
        unresolved: lx.unresolved,
        truncated: lx.overflow,
    }
}

/// Bound on nested `${a:-${b:-...}}` so hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

struct Lexer<'a> {
    chars: Vec<char>,
    pos: usize,
    escape: char,
    lookup: &'a dyn Fn(&str) -> Option<Var>,
    unresolved: Vec<String>,
    depth: usize,
    budget: &'a Budget,
    /// Set once the output limit or the budget is hit; processing stops.
    overflow: bool,
}

impl Lexer<'_> {
    /// Appends a produced piece within the limits.
    fn emit(&mut self, out: &mut String, piece: &str) {
        if self.overflow {
            return;
        }
        if out.len() + piece.len() > MAX_VALUE || !self.budget.spend(piece.len() as u64) {
            self.overflow = true;
            return;
        }
        out.push_str(piece);
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    /// Processes text until `stop` (not consumed... consumed, as BuildKit) or end.
    fn process_until(&mut self, stop: Option<char>) -> String {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if self.overflow {
                break;
            }
            if Some(c) == stop {
                self.pos += 1;
                return out;
            }
            match c {
                '\'' => {
                    self.pos += 1;
                    while let Some(c) = self.next() {
                        if c == '\'' {
                            break;
                        }
                        out.push(c);
                    }
                }
                '"' => {
                    self.pos += 1;
                    self.double_quote(&mut out);
                }
                '$' => {
                    self.pos += 1;
                    self.dollar(&mut out);
                }
                c if c == self.escape => {
                    self.pos += 1;
                    if let Some(n) = self.next() {
                        out.push(n);
                    }
                }
                c => {
                    self.pos += 1;
                    out.push(c);
                }
            }
        }
        out
    }

    fn double_quote(&mut self, out: &mut String) {
        while let Some(c) = self.next() {
            match c {
                '"' => return,
                '$' => self.dollar(out),
                c if c == self.escape => match self.peek() {
                    Some(n) if n == '"' || n == '$' || n == self.escape => {
                        self.pos += 1;
                        out.push(n);
                    }
                    _ => out.push(c),
                },
                c => out.push(c),
            }
        }
    }

    fn name(&mut self) -> String {
        let mut name = String::new();
        if let Some(c) = self.peek() {
            if c.is_ascii_digit() {
                self.pos += 1;
                name.push(c);
                return name;
            }
        }
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == '_' {
                name.push(c);
                self.pos += 1;
            } else {
                break;
            }
        }
        name
    }

    fn get(&mut self, name: &str) -> Option<Var> {
        (self.lookup)(name)
    }

    fn mark(&mut self, name: &str) {
        if !self.unresolved.iter().any(|n| n == name) {
            self.unresolved.push(name.to_string());
        }
    }

    /// After a `$`.
    fn dollar(&mut self, out: &mut String) {
        match self.peek() {
            Some('{') => {
                self.pos += 1;
                self.braced(out);
            }
            Some(c) if c.is_ascii_alphanumeric() || c == '_' => {
                let name = self.name();
                match self.get(&name) {
                    Some(Var::Known(v)) => self.emit(out, &v),
                    _ => {
                        self.mark(&name);
                        out.push('$');
                        out.push_str(&name);
                    }
                }
            }
            _ => out.push('$'),
        }
    }

    /// After `${`.
    fn braced(&mut self, out: &mut String) {
        let start = self.pos;
        let name = self.name();
        if name.is_empty() || self.depth >= MAX_DEPTH {
            // Not a variable BuildKit can expand: keep the text as written.
            let rest = self.skip_to_brace();
            out.push_str("${");
            out.push_str(&rest);
            if !name.is_empty() {
                self.mark(&name);
            }
            return;
        }
        let value = self.get(&name);
        let Some(op) = self.next() else {
            out.push_str("${");
            out.push_str(&self.chars[start..].iter().collect::<String>());
            return;
        };
        if op == '}' {
            match value {
                Some(Var::Known(v)) => self.emit(out, &v),
                _ => {
                    self.mark(&name);
                    out.push_str(&format!("${{{name}}}"));
                }
            }
            return;
        }
        let (colon, op) = if op == ':' {
            match self.next() {
                Some(o) => (true, o),
                None => return,
            }
        } else {
            (false, op)
        };
        self.depth += 1;
        let word_mark = self.unresolved.len();
        let word = self.process_until(Some('}'));
        self.depth -= 1;
        let set = |v: &Option<Var>| -> Option<bool> {
            match v {
                Some(Var::Known(s)) => Some(!(colon && s.is_empty())),
                _ => None,
            }
        };
        match op {
            '-' | '=' => match set(&value) {
                Some(true) => {
                    if let Some(Var::Known(v)) = value {
                        self.emit(out, &v);
                    }
                    self.unresolved.truncate(word_mark);
                }
                Some(false) => self.emit(out, &word),
                None => {
                    // Unknown: the default is the best guess, but say so.
                    self.mark(&name);
                    self.emit(out, &word);
                }
            },
            '+' => match set(&value) {
                Some(true) => self.emit(out, &word),
                Some(false) => self.unresolved.truncate(word_mark),
                None => {
                    self.mark(&name);
                    self.emit(out, &word);
                }
            },
            '?' => match set(&value) {
                Some(true) => {
                    if let Some(Var::Known(v)) = value {
                        self.emit(out, &v);
                    }
                    self.unresolved.truncate(word_mark);
                }
                _ => {
                    self.mark(&name);
                    out.push_str(&format!("${{{name}}}"));
                }
            },
            '#' | '%' | '/' => match value {
                Some(Var::Known(v)) => {
                    // Glob matching costs up to |value| x |pattern| per position.
                    let cost = (v.len() as u64 + 1) * (word.len() as u64 + 1);
                    if self.budget.spend(cost) {
                        let r = pattern_op(&v, op, &word);
                        self.emit(out, &r);
                    } else {
                        self.overflow = true;
                    }
                }
                _ => {
                    self.mark(&name);
                    out.push_str(&format!("${{{name}}}"));
                }
            },
            _ => {
                self.mark(&name);
                out.push_str(&format!("${{{name}}}"));
            }
        }
    }

    /// Consumes up to the `}` that closes the current `${`, counting nested `${`.
    fn skip_to_brace(&mut self) -> String {
        let mut s = String::new();
        let mut open = 1usize;
        while let Some(c) = self.next() {
            s.push(c);
            if c == '$' && self.peek() == Some('{') {
                open += 1;
            } else if c == '}' {
                open -= 1;
                if open == 0 {
                    break;
                }
            }
        }
        s
    }
}

/// `#`/`##` remove a prefix, `%`/`%%` a suffix, `/` replaces (first, or all with
/// `//`). Patterns support `*` and `?` globs. Prefix and suffix matching run in
/// O(|value| x |pattern|) (one pass of the pattern automaton), never worse.
fn pattern_op(value: &str, op: char, word: &str) -> String {
    match op {
        '#' | '%' => {
            let (longest, pat) = match word.strip_prefix(op) {
                Some(p) => (true, p),
                None => (false, word),
            };
            let mut chars: Vec<char> = value.chars().collect();
            let mut pat: Vec<char> = pat.chars().collect();
            if op == '%' {
                chars.reverse();
                pat.reverse();
            }
            let matches = prefix_matches(&pat, &chars);
            let cut = if longest {
                matches.iter().rposition(|m| *m)
            } else {
                matches.iter().position(|m| *m)
            };
            match (cut, op) {
                (None, _) => value.to_string(),
                (Some(k), '#') => chars[k..].iter().collect(),
                (Some(k), _) => {
                    // `chars` is reversed: drop its first k, then restore order.
                    chars[k..].iter().rev().collect()
                }
            }
        }
        _ => {
            let (all, rest) = match word.strip_prefix('/') {
                Some(r) => (true, r),
                None => (false, word),
            };
            let (pat, rep) = rest.split_once('/').unwrap_or((rest, ""));
            if pat.is_empty() {
                return value.to_string();
            }
            if all {
                value.replace(pat, rep)
            } else {
                value.replacen(pat, rep, 1)
            }
        }
    }
}

/// `out[i]` tells whether the glob `pat` (`*`, `?`, literal characters) matches
/// `s[..i]` exactly. Simulates the pattern's automaton over `s` once.
fn prefix_matches(pat: &[char], s: &[char]) -> Vec<bool> {
    let m = pat.len();
    let close = |states: &mut Vec<bool>| {
        for j in 0..m {
            if states[j] && pat[j] == '*' {
                states[j + 1] = true;
            }
        }
    };
    let mut out = Vec::with_capacity(s.len() + 1);
    let mut cur = vec![false; m + 1];
    cur[0] = true;
    close(&mut cur);
    out.push(cur[m]);
    let mut next = vec![false; m + 1];
    for &c in s {
        next.iter_mut().for_each(|x| *x = false);
        let mut any = false;
        for j in 0..m {
            if !cur[j] {
                continue;
            }
            match pat[j] {
                '*' => {
                    next[j] = true;
                    any = true;
                }
                '?' => {
                    next[j + 1] = true;
                    any = true;
                }
                p if p == c => {
                    next[j + 1] = true;
                    any = true;
                }
                _ => {}
            }
        }
        close(&mut next);
        std::mem::swap(&mut cur, &mut next);
        out.push(cur[m]);
        if !any {
            // No state is alive: nothing longer can match.
            out.resize(s.len() + 1, false);
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<Var> {
        match name {
            "A" => Some(Var::Known("1".into())),
            "E" => Some(Var::Known(String::new())),
            "U" => Some(Var::Unknown),
            "P" => Some(Var::Known("/usr/local/bin".into())),
            _ => None,
        }
    }

    fn x(s: &str) -> (String, Vec<String>) {
        let e = expand(s, '\\', &env);
        (e.value, e.unresolved)
    }

    #[test]
    fn expands_like_buildkit() {
        assert_eq!(x("$A").0, "1");
        assert_eq!(x("${A}x").0, "1x");
        assert_eq!(x("${E:-d}").0, "d");
        assert_eq!(x("${E-d}").0, "");
        assert_eq!(x("${A:+r}").0, "r");
        assert_eq!(x("${E:+r}").0, "");
        assert_eq!(x("${E+r}").0, "r");
        assert_eq!(x("'$A'").0, "$A");
        assert_eq!(x("\"$A\"").0, "1");
        assert_eq!(x("\\$A").0, "$A");
        assert_eq!(x("a\\ b").0, "a b");
        assert_eq!(x("\"a\\\"b\"").0, "a\"b");
        assert_eq!(x("$").0, "$");
        assert_eq!(x("${P#/usr}").0, "/local/bin");
        assert_eq!(x("${P##*/}").0, "bin");
        assert_eq!(x("${P%/*}").0, "/usr/local");
        assert_eq!(x("${P/local/x}").0, "/usr/x/bin");
        assert_eq!(x("${P%%/*}").0, "");
        assert_eq!(x("${P##*}").0, "");
        assert_eq!(x("${P#*}").0, "/usr/local/bin");
        assert_eq!(x("${P%?in}").0, "/usr/local/");
        assert_eq!(x("${P#/usr/?ocal}").0, "/bin");
        assert_eq!(x("${P%x}").0, "/usr/local/bin");
    }

    #[test]
    fn reports_unresolved() {
        assert_eq!(x("$U"), ("$U".into(), vec!["U".into()]));
        assert_eq!(x("${NOPE:-0}"), ("0".into(), vec!["NOPE".into()]));
        assert_eq!(x("${A:-$NOPE}"), ("1".into(), vec![]));
        assert!(expand("x", '\\', &env).is_resolved());
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let s = "${A:-".repeat(10_000) + &"}".repeat(10_000);
        let e = expand(&s, '\\', &env);
        assert_eq!(e.value, "1");
        let s = "${X:-".repeat(10_000) + &"}".repeat(10_000);
        let e = expand(&s, '\\', &env);
        assert!(!e.is_resolved());
    }
}
