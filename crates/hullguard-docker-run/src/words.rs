//! What a shell word will become when the shell runs it: a static string, or something
//! only known at run time (parameter expansion, command substitution, a glob or a brace
//! expansion), and whether it may turn into several words (or none), which decides
//! whether a word in flag position can hide flags.
//!
//! [`hullguard_shell::Word`] already gives the quote-removed value of static words; the
//! raw text is scanned here for what it does not say: unquoted glob and brace characters,
//! which quoting an expansion has, and the static text before the first dynamic part.

use hullguard_shell::Word;

/// How far ahead of a `{` a brace expansion's `,` or `..` and its `}` are looked for.
/// Real brace expansions are short; the bound keeps the scan linear on hostile words.
const BRACE_LOOKAHEAD: usize = 256;

/// The run-time shape of one word.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Shape {
    /// Quote-removed static text before the first dynamic part (the whole value when
    /// the word is static).
    pub(crate) prefix: String,
    /// Has a parameter expansion, command or process substitution, arithmetic, an
    /// unquoted glob character (`*`, `?`) or a brace expansion (`{a,b}`). An unquoted
    /// `[` is read literally: `-p [::1]:80:80` is common, a bracket expression that
    /// matches a file in a `docker run` argument is not (and an unmatched pattern stays
    /// as written).
    pub(crate) dynamic: bool,
    /// May become several words or none: an unquoted expansion or substitution, a glob,
    /// a brace expansion, or `"$@"` / `"${arr[@]}"` even when quoted.
    pub(crate) may_split: bool,
    /// Expands a whole list: `$@`, `$*`, `${arr[@]}`, `${arr[*]}`, `${!prefix@}`.
    pub(crate) list: bool,
    /// The parameter name when the first dynamic part is a parameter expansion
    /// (`IMAGE` for `"${IMAGE:-alpine}"`).
    pub(crate) param: Option<String>,
    /// Static `/` or `:` after the first dynamic part (`$REGISTRY/app`, `${NAME}:1.2`).
    pub(crate) ref_tail: bool,
}

/// One argument word with its run-time shape.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Arg<'w> {
    pub(crate) word: &'w Word,
    /// The value when it is fully static (no expansion, substitution, glob or brace).
    pub(crate) value: Option<&'w str>,
}

impl<'w> Arg<'w> {
    pub(crate) fn new(word: &'w Word) -> Arg<'w> {
        let value = match word.value.as_deref() {
            Some(v) if !has_glob(&word.raw) => Some(v),
            _ => None,
        };
        Arg { word, value }
    }

    /// The shape of a dynamic word (computed on demand: most words are static).
    pub(crate) fn shape(&self) -> Shape {
        shape(&self.word.raw)
    }
}

/// Whether the raw text has an unquoted glob or brace expansion.
fn has_glob(raw: &str) -> bool {
    // Fast path: none of the characters at all.
    if !raw.contains(['*', '?', '{']) {
        return false;
    }
    shape(raw).dynamic
}

struct Scanner<'r> {
    raw: &'r str,
    shape: Shape,
}

impl Scanner<'_> {
    /// A static character.
    fn lit(&mut self, c: char) {
        if self.shape.dynamic {
            if c == '/' || c == ':' {
                self.shape.ref_tail = true;
            }
        } else {
            self.shape.prefix.push(c);
        }
    }

    fn lit_str(&mut self, s: &str) {
        for c in s.chars() {
            self.lit(c);
        }
    }

    /// A dynamic part.
    fn dynamic(&mut self, splits: bool, param: Option<&str>, list: bool) {
        if !self.shape.dynamic {
            self.shape.dynamic = true;
            self.shape.param = param.map(str::to_owned);
        }
        self.shape.may_split |= splits || list;
        self.shape.list |= list;
    }

    fn byte(&self, i: usize) -> Option<u8> {
        self.raw.as_bytes().get(i).copied()
    }

    fn char_at(&self, i: usize) -> Option<char> {
        self.raw.get(i..).and_then(|s| s.chars().next())
    }

    /// `$...` at `i`; returns the index after it.
    fn dollar(&mut self, i: usize, quoted: bool) -> usize {
        match self.byte(i + 1) {
            Some(b'(') => {
                let end = skip_parens(self.raw, i + 1);
                self.dynamic(!quoted, None, false);
                end
            }
            Some(b'{') => {
                let end = skip_braces(self.raw, i + 1);
                let inner = self
                    .raw
                    .get(i + 2..end.saturating_sub(1).max(i + 2))
                    .unwrap_or("");
                let body = inner.trim_start_matches(['#', '!']);
                let name: String = match body.chars().next() {
                    Some(c @ ('@' | '*' | '?' | '$' | '-' | '0'..='9')) => c.to_string(),
                    _ => body
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect(),
                };
                let list = name == "@"
                    || name == "*"
                    || inner.contains("[@]")
                    || inner.contains("[*]")
                    || (inner.starts_with('!') && (inner.ends_with('@') || inner.ends_with('*')));
                // `"${a[*]}"` and `"$*"` join into one word; only `@` forms stay a list.
                let list_when_quoted = name == "@"
                    || inner.contains("[@]")
                    || (inner.starts_with('!') && inner.ends_with('@'));
                let is_list = if quoted { list_when_quoted } else { list };
                self.dynamic(!quoted, Some(&name), is_list);
                end
            }
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i + 1;
                let mut end = start;
                while self
                    .byte(end)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
                {
                    end += 1;
                }
                let name = self.raw.get(start..end).unwrap_or("").to_owned();
                self.dynamic(!quoted, Some(&name), false);
                end
            }
            Some(c @ (b'@' | b'*' | b'#' | b'?' | b'$' | b'!' | b'-' | b'0'..=b'9')) => {
                let name = char::from(c).to_string();
                let list = c == b'@' || (c == b'*' && !quoted);
                self.dynamic(!quoted, Some(&name), list);
                i + 2
            }
            _ => {
                self.lit('$');
                i + 1
            }
        }
    }

    fn run(mut self) -> Shape {
        let raw = self.raw;
        let n = raw.len();
        let mut i = 0;
        let mut in_double = false;
        while i < n {
            let Some(c) = self.char_at(i) else { break };
            let len = c.len_utf8();
            if in_double {
                match c {
                    '"' => {
                        in_double = false;
                        i += 1;
                    }
                    '\\' => match self.char_at(i + 1) {
                        Some(e @ ('$' | '`' | '"' | '\\')) => {
                            self.lit(e);
                            i += 2;
                        }
                        Some('\n') => i += 2,
                        _ => {
                            self.lit('\\');
                            i += 1;
                        }
                    },
                    '$' => i = self.dollar(i, true),
                    '`' => {
                        i = skip_backticks(raw, i);
                        self.dynamic(false, None, false);
                    }
                    _ => {
                        self.lit(c);
                        i += len;
                    }
                }
                continue;
            }
            match c {
                '\\' => match self.char_at(i + 1) {
                    Some('\n') => i += 2,
                    Some(e) => {
                        self.lit(e);
                        i += 1 + e.len_utf8();
                    }
                    None => {
                        self.lit('\\');
                        i += 1;
                    }
                },
                '\'' => {
                    let rest = raw.get(i + 1..).unwrap_or("");
                    let close = rest.find('\'').unwrap_or(rest.len());
                    self.lit_str(rest.get(..close).unwrap_or(""));
                    i += 1 + close + 1;
                }
                '"' => {
                    in_double = true;
                    i += 1;
                }
                '$' if self.byte(i + 1) == Some(b'\'') => {
                    // `$'...'`: the content is kept undecoded, which only matters for
                    // the prefix of a word that is dynamic anyway.
                    let end = skip_ansi_c(raw, i + 2);
                    self.lit_str(
                        raw.get(i + 2..end.saturating_sub(1).max(i + 2))
                            .unwrap_or(""),
                    );
                    i = end;
                }
                '$' if self.byte(i + 1) == Some(b'"') => {
                    in_double = true;
                    i += 2;
                }
                '$' => i = self.dollar(i, false),
                '`' => {
                    i = skip_backticks(raw, i);
                    self.dynamic(true, None, false);
                }
                '<' | '>' if self.byte(i + 1) == Some(b'(') => {
                    // Process substitution: one word, a `/dev/fd/N` path.
                    i = skip_parens(raw, i + 1);
                    self.dynamic(false, None, false);
                }
                '*' | '?' => {
                    self.dynamic(true, None, false);
                    i += 1;
                }
                '{' if is_brace_expansion(raw, i) => {
                    self.dynamic(true, None, false);
                    i += 1;
                }
                _ => {
                    self.lit(c);
                    i += len;
                }
            }
        }
        self.shape
    }
}

/// Scans a raw word.
pub(crate) fn shape(raw: &str) -> Shape {
    Scanner {
        raw,
        shape: Shape::default(),
    }
    .run()
}

/// The index after the `)` matching the `(` at `open`, or the end of the text. Quotes
/// inside are skipped so that `$(echo ")")` ends at the right place.
fn skip_parens(raw: &str, open: usize) -> usize {
    let b = raw.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => i += 1,
            b'\'' => {
                i += 1;
                while b.get(i).is_some_and(|&c| c != b'\'') {
                    i += 1;
                }
            }
            b'"' => {
                i += 1;
                while let Some(&c) = b.get(i) {
                    if c == b'\\' {
                        i += 1;
                    } else if c == b'"' {
                        break;
                    }
                    i += 1;
                }
            }
            b'(' => depth += 1,
            b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return (i + 1).min(b.len());
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// The index after the `}` matching the `{` at `open`, or the end of the text.
fn skip_braces(raw: &str, open: usize) -> usize {
    let b = raw.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => i += 1,
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return (i + 1).min(b.len());
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// The index after the backtick closing the one at `open`.
fn skip_backticks(raw: &str, open: usize) -> usize {
    let b = raw.as_bytes();
    let mut i = open + 1;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => i += 1,
            b'`' => return (i + 1).min(b.len()),
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// The index after the `'` closing a `$'...'` whose content starts at `start`.
fn skip_ansi_c(raw: &str, start: usize) -> usize {
    let b = raw.as_bytes();
    let mut i = start;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => i += 1,
            b'\'' => return (i + 1).min(b.len()),
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// Whether the unquoted `{` at `open` starts a brace expansion: a `}` follows with a
/// `,` or `..` between, before any quote or blank.
fn is_brace_expansion(raw: &str, open: usize) -> bool {
    let b = raw.as_bytes();
    let mut sep = false;
    let mut prev = 0u8;
    for &c in b.iter().skip(open + 1).take(BRACE_LOOKAHEAD) {
        match c {
            b'}' => return sep,
            b',' => sep = true,
            b'.' if prev == b'.' => sep = true,
            b'\'' | b'"' | b' ' | b'\t' | b'\n' | b'{' | b'$' | b'\\' => return false,
            _ => {}
        }
        prev = c;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_words() {
        let s = shape("'a b'\"c\"d\\ e");
        assert!(!s.dynamic);
        assert_eq!(s.prefix, "a bcd e");
        assert!(!shape("~/x:/y").dynamic);
        assert!(!shape("{a}").dynamic);
        assert!(!shape("'*'").dynamic);
        assert!(!shape("\\*").dynamic);
        assert!(!shape("\"a*?[\"").dynamic);
        assert!(!shape("[::1]:80:80").dynamic);
    }

    #[test]
    fn dynamic_words() {
        let s = shape("\"$IMAGE\"");
        assert!(s.dynamic && !s.may_split && !s.list);
        assert_eq!(s.param.as_deref(), Some("IMAGE"));
        assert_eq!(s.prefix, "");
        let s = shape("$OPTS");
        assert!(s.dynamic && s.may_split && !s.list);
        let s = shape("\"$@\"");
        assert!(s.list && s.may_split);
        assert_eq!(s.param.as_deref(), Some("@"));
        let s = shape("\"${A[@]}\"");
        assert!(s.list);
        assert_eq!(s.param.as_deref(), Some("A"));
        let s = shape("\"${A[*]}\"");
        assert!(!s.list && !s.may_split);
        let s = shape("--cap-add=\"$CAP\"");
        assert_eq!(s.prefix, "--cap-add=");
        let s = shape("${REGISTRY:-docker.io}/app");
        assert_eq!(s.param.as_deref(), Some("REGISTRY"));
        assert!(s.ref_tail);
        let s = shape("$(echo \")\")x");
        assert!(s.dynamic && s.may_split);
        assert_eq!(s.param, None);
        assert!(shape("/data/*.conf").may_split);
        assert_eq!(shape("/data/*.conf").prefix, "/data/");
        assert!(shape("{80,443}").dynamic);
        assert!(shape("{1..3}").dynamic);
        assert!(shape("`id`").may_split);
        assert!(!shape("\"`id`\"").may_split);
        assert!(!shape("<(cat x)").may_split);
    }

    #[test]
    fn hostile_words_do_not_panic() {
        for raw in [
            "$", "${", "$(", "\"", "'", "\\", "$'", "`", "{", "é$", "${é}", "$'\\", "{{{{,",
            "\"${#}\"", "${!x@}",
        ] {
            let _ = shape(raw);
        }
        let long = "{".repeat(100_000) + "}";
        assert!(!shape(&long).dynamic);
    }
}
