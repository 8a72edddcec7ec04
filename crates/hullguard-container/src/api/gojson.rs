//! A bounded JSON tokenizer that reads text the way Go's `encoding/json` does
//! (<https://pkg.go.dev/encoding/json>), so that what hullguard sees is what the
//! engine sees:
//!
//! - the grammar is RFC 8259's, checked byte by byte like Go's scanner
//!   (`scanner.go`): no trailing commas, no comments, no leading `+` or zeros;
//! - inside strings, invalid UTF-8 is not an error: each invalid byte becomes
//!   U+FFFD, and so does a lone surrogate escape (`\ud800`), as in Go's
//!   `unquote` (`decode.go`); a reader that rejects such text would let a request
//!   through that the engine accepts, or the other way round;
//! - nesting is limited to [`MAX_DEPTH`] (Go allows 10000; the engine never sends
//!   anything near 128 and the limit bounds the recursion of the readers).
//!
//! The tokenizer never builds a tree: the Go-style decoder (`decode.rs`) pulls
//! tokens and skips what it does not model, so memory stays proportional to what
//! is kept.

use super::ApiError;

/// Deepest nesting of objects and arrays accepted.
pub(crate) const MAX_DEPTH: usize = 128;

/// A cursor over a JSON text.
#[derive(Clone)]
pub(crate) struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    depth: usize,
}

/// The kind of the next value, from its first byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Next {
    Object,
    Array,
    String,
    Number,
    Bool,
    Null,
}

impl Next {
    /// How a problem message names a value of this kind.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Next::Object => "an object",
            Next::Array => "an array",
            Next::String => "a string",
            Next::Number => "a number",
            Next::Bool => "a boolean",
            Next::Null => "null",
        }
    }
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(src: &'a [u8]) -> Lexer<'a> {
        Lexer {
            src,
            pos: 0,
            depth: 0,
        }
    }

    fn err(&self, what: &str) -> ApiError {
        ApiError::NotJson(format!("{what} at byte {}", self.pos))
    }

    fn byte(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    /// JSON whitespace: exactly the four bytes Go's scanner skips (`isSpace`).
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.byte() {
            self.pos += 1;
        }
    }

    /// Whether only whitespace is left.
    pub(crate) fn at_end(&mut self) -> bool {
        self.skip_ws();
        self.pos >= self.src.len()
    }

    /// The kind of the next value, without consuming it.
    pub(crate) fn peek(&mut self) -> Result<Next, ApiError> {
        self.skip_ws();
        match self.byte() {
            Some(b'{') => Ok(Next::Object),
            Some(b'[') => Ok(Next::Array),
            Some(b'"') => Ok(Next::String),
            Some(b'-' | b'0'..=b'9') => Ok(Next::Number),
            Some(b't' | b'f') => Ok(Next::Bool),
            Some(b'n') => Ok(Next::Null),
            Some(_) => Err(self.err("unexpected character, a value was expected")),
            None => Err(self.err("unexpected end of input, a value was expected")),
        }
    }

    fn word(&mut self, word: &[u8]) -> Result<(), ApiError> {
        if self.src.get(self.pos..self.pos + word.len()) == Some(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.err("invalid literal"))
        }
    }

    pub(crate) fn null(&mut self) -> Result<(), ApiError> {
        self.skip_ws();
        self.word(b"null")
    }

    pub(crate) fn boolean(&mut self) -> Result<bool, ApiError> {
        self.skip_ws();
        if self.byte() == Some(b't') {
            self.word(b"true").map(|()| true)
        } else {
            self.word(b"false").map(|()| false)
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.byte() {
            self.pos += 1;
        }
        self.pos - start
    }

    /// A number literal, checked against the JSON grammar, as written (Go decodes
    /// integers from the literal text with `strconv.ParseInt`).
    pub(crate) fn number(&mut self) -> Result<&'a str, ApiError> {
        self.skip_ws();
        let start = self.pos;
        if self.byte() == Some(b'-') {
            self.pos += 1;
        }
        match self.byte() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.err("invalid number")),
        }
        if self.byte() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.err("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = self.byte() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.byte() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.err("invalid number"));
            }
        }
        let text = self.src.get(start..self.pos).unwrap_or_default();
        // Only ASCII digits, signs, `.` and exponents were consumed.
        std::str::from_utf8(text).map_err(|_| self.err("invalid number"))
    }

    /// Four hex digits at `at`, as a code unit.
    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.src.get(at..at + 4)?;
        let mut v = 0u32;
        for &d in digits {
            v = v * 16 + char::from(d).to_digit(16)?;
        }
        Some(v)
    }

    /// A string, unescaped as Go's `unquote` does.
    pub(crate) fn string(&mut self) -> Result<String, ApiError> {
        self.skip_ws();
        if self.byte() != Some(b'"') {
            return Err(self.err("expected a string"));
        }
        self.pos += 1;
        let mut out = String::new();
        let mut run = self.pos;
        loop {
            match self.byte() {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    push_lossy(&mut out, self.src.get(run..self.pos).unwrap_or_default());
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    push_lossy(&mut out, self.src.get(run..self.pos).unwrap_or_default());
                    self.pos += 1;
                    self.escape(&mut out)?;
                    run = self.pos;
                }
                Some(0..=0x1f) => return Err(self.err("control character in string")),
                Some(_) => self.pos += 1,
            }
        }
    }

    /// One escape after its backslash.
    fn escape(&mut self, out: &mut String) -> Result<(), ApiError> {
        let c = match self.byte() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let unit = self
                    .hex4(self.pos + 1)
                    .ok_or_else(|| self.err("invalid \\u escape"))?;
                self.pos += 5;
                out.push(self.utf16(unit));
                return Ok(());
            }
            _ => return Err(self.err("invalid escape")),
        };
        self.pos += 1;
        out.push(c);
        Ok(())
    }

    /// The character of a `\u` escape: a high surrogate pairs with an immediately
    /// following `\u` low surrogate; any other surrogate is U+FFFD and the next
    /// escape is read on its own (Go's `unquote` with `utf16.DecodeRune`).
    fn utf16(&mut self, unit: u32) -> char {
        if (0xD800..0xDC00).contains(&unit) && self.src.get(self.pos..self.pos + 2) == Some(b"\\u")
        {
            if let Some(low @ 0xDC00..=0xDFFF) = self.hex4(self.pos + 2) {
                self.pos += 6;
                let c = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                return char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER);
            }
        }
        char::from_u32(unit).unwrap_or(char::REPLACEMENT_CHARACTER)
    }

    /// Skips a string, checking it.
    fn skip_string(&mut self) -> Result<(), ApiError> {
        self.skip_ws();
        if self.byte() != Some(b'"') {
            return Err(self.err("expected a string"));
        }
        self.pos += 1;
        loop {
            match self.byte() {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.pos += 1;
                    match self.byte() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.pos += 1
                        }
                        Some(b'u') if self.hex4(self.pos + 1).is_some() => self.pos += 5,
                        _ => return Err(self.err("invalid escape")),
                    }
                }
                Some(0..=0x1f) => return Err(self.err("control character in string")),
                Some(_) => self.pos += 1,
            }
        }
    }

    fn enter(&mut self, open: u8) -> Result<(), ApiError> {
        self.skip_ws();
        if self.byte() != Some(open) {
            return Err(self.err("unexpected character"));
        }
        if self.depth >= MAX_DEPTH {
            return Err(ApiError::TooDeep);
        }
        self.depth += 1;
        self.pos += 1;
        Ok(())
    }

    /// Consumes `{`.
    pub(crate) fn begin_object(&mut self) -> Result<(), ApiError> {
        self.enter(b'{')
    }

    /// Consumes `[`.
    pub(crate) fn begin_array(&mut self) -> Result<(), ApiError> {
        self.enter(b'[')
    }

    /// Moves to the next member of an object: `Ok(true)` when a key follows (read
    /// it with [`Lexer::key`]), `Ok(false)` after the closing `}`.
    pub(crate) fn next_member(&mut self, first: &mut bool) -> Result<bool, ApiError> {
        self.next_item(first, b'}')
    }

    /// Moves to the next element of an array: `Ok(true)` when a value follows,
    /// `Ok(false)` after the closing `]`.
    pub(crate) fn next_element(&mut self, first: &mut bool) -> Result<bool, ApiError> {
        self.next_item(first, b']')
    }

    fn next_item(&mut self, first: &mut bool, close: u8) -> Result<bool, ApiError> {
        self.skip_ws();
        let b = self.byte();
        if b == Some(close) {
            // After a comma the caller reads a key or a value, so `[1,]` and
            // `{"a":1,}` fail there, as in Go.
            self.pos += 1;
            self.depth = self.depth.saturating_sub(1);
            return Ok(false);
        }
        if *first {
            *first = false;
        } else if b == Some(b',') {
            self.pos += 1;
        } else if b.is_none() {
            return Err(self.err("unexpected end of input"));
        } else {
            return Err(self.err(if close == b'}' {
                "expected `,` or `}`"
            } else {
                "expected `,` or `]`"
            }));
        }
        Ok(true)
    }

    /// The key of an object member and its `:`.
    pub(crate) fn key(&mut self) -> Result<String, ApiError> {
        let key = self.string()?;
        self.colon()?;
        Ok(key)
    }

    /// Skips the key of an object member and its `:`.
    fn skip_key(&mut self) -> Result<(), ApiError> {
        self.skip_string()?;
        self.colon()
    }

    fn colon(&mut self) -> Result<(), ApiError> {
        self.skip_ws();
        if self.byte() != Some(b':') {
            return Err(self.err("expected `:` after an object key"));
        }
        self.pos += 1;
        Ok(())
    }

    /// Skips one value, checking its syntax. Recursion is bounded by
    /// [`MAX_DEPTH`].
    pub(crate) fn skip_value(&mut self) -> Result<(), ApiError> {
        match self.peek()? {
            Next::Object => {
                self.begin_object()?;
                let mut first = true;
                while self.next_member(&mut first)? {
                    self.skip_key()?;
                    self.skip_value()?;
                }
                Ok(())
            }
            Next::Array => {
                self.begin_array()?;
                let mut first = true;
                while self.next_element(&mut first)? {
                    self.skip_value()?;
                }
                Ok(())
            }
            Next::String => self.skip_string(),
            Next::Number => self.number().map(drop),
            Next::Bool => self.boolean().map(drop),
            Next::Null => self.null(),
        }
    }
}

/// Appends raw string bytes, each invalid UTF-8 byte as U+FFFD: Go's `unquote`
/// decodes rune by rune and `utf8.DecodeRune` consumes one byte per error.
fn push_lossy(out: &mut String, bytes: &[u8]) {
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for _ in chunk.invalid() {
            out.push(char::REPLACEMENT_CHARACTER);
        }
    }
}

/// Whether `pointer` (RFC 6901) names a value of the JSON document `text`. Every
/// member of a duplicated key is considered, since hullguard's pointers name keys
/// as written and a document may repeat a key. Keys compare after unescaping, as
/// the pointers were built. `false` for text that is not JSON.
pub(crate) fn pointer_exists(text: &[u8], pointer: &str) -> bool {
    let Some(tokens) = split_pointer(pointer) else {
        return false;
    };
    let mut lx = Lexer::new(text);
    find(&mut lx, &tokens).unwrap_or(false)
}

/// The unescaped reference tokens of a pointer; `None` when it is malformed.
fn split_pointer(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    rest.split('/')
        .map(|t| {
            let mut out = String::with_capacity(t.len());
            let mut chars = t.chars();
            while let Some(c) = chars.next() {
                if c == '~' {
                    match chars.next() {
                        Some('0') => out.push('~'),
                        Some('1') => out.push('/'),
                        _ => return None,
                    }
                } else {
                    out.push(c);
                }
            }
            Some(out)
        })
        .collect()
}

fn find(lx: &mut Lexer<'_>, tokens: &[String]) -> Result<bool, ApiError> {
    let Some((token, rest)) = tokens.split_first() else {
        lx.skip_value()?;
        return Ok(true);
    };
    match lx.peek()? {
        Next::Object => {
            lx.begin_object()?;
            let mut first = true;
            while lx.next_member(&mut first)? {
                let key = lx.key()?;
                if key == *token {
                    let mut sub = lx.clone();
                    if find(&mut sub, rest)? {
                        return Ok(true);
                    }
                }
                lx.skip_value()?;
            }
            Ok(false)
        }
        Next::Array => {
            // RFC 6901: an index is `0` or digits without a leading zero.
            let index = match token.as_bytes() {
                [b'0'] => Some(0),
                [b'1'..=b'9', ..] if token.bytes().all(|b| b.is_ascii_digit()) => {
                    token.parse::<usize>().ok()
                }
                _ => None,
            };
            let Some(index) = index else {
                return Ok(false);
            };
            lx.begin_array()?;
            let mut first = true;
            let mut i = 0;
            while lx.next_element(&mut first)? {
                if i == index {
                    return find(lx, rest);
                }
                lx.skip_value()?;
                i += 1;
            }
            Ok(false)
        }
        _ => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn s(text: &str) -> Result<String, ApiError> {
        Lexer::new(text.as_bytes()).string()
    }

    #[test]
    fn strings_decode_like_go() {
        assert_eq!(s(r#""a\"b\\c\/d\n""#).unwrap(), "a\"b\\c/d\n");
        assert_eq!(s(r#""\u0050rivileged""#).unwrap(), "Privileged");
        assert_eq!(s(r#""\ud83d\ude00""#).unwrap(), "😀");
        // A lone surrogate is U+FFFD; the escape after it is read on its own.
        assert_eq!(s(r#""\ud800x""#).unwrap(), "\u{fffd}x");
        assert_eq!(s(r#""\ud800\u0041""#).unwrap(), "\u{fffd}A");
        assert_eq!(s(r#""\udc00""#).unwrap(), "\u{fffd}");
        // One U+FFFD per invalid byte.
        let raw = b"\"a\xe2\x82b\xff\"";
        assert_eq!(
            Lexer::new(raw).string().unwrap(),
            "a\u{fffd}\u{fffd}b\u{fffd}"
        );
        assert!(s("\"a\nb\"").is_err());
        assert!(s(r#""\x""#).is_err());
        assert!(s(r#""\u12""#).is_err());
        assert!(s(r#""abc"#).is_err());
    }

    #[test]
    fn numbers_follow_the_grammar() {
        for ok in ["0", "-0", "12", "1.5", "1e3", "1E+3", "-1.25e-7"] {
            assert_eq!(Lexer::new(ok.as_bytes()).number().unwrap(), ok);
        }
        for bad in ["-", "+1", ".5", "1.", "1e", "1e+"] {
            assert!(Lexer::new(bad.as_bytes()).number().is_err(), "{bad}");
        }
        // `01` reads as `0` followed by garbage, which the caller rejects.
        let mut lx = Lexer::new(b"01");
        assert_eq!(lx.number().unwrap(), "0");
        assert!(!lx.at_end());
    }

    #[test]
    fn skipping_checks_syntax_and_depth() {
        assert!(Lexer::new(br#"{"a":[1,{"b":null}],"c":"d"}"#)
            .skip_value()
            .is_ok());
        for bad in [
            r#"{"a":1,}"#,
            "[1,]",
            r#"{"a" 1}"#,
            "[1 2]",
            "{,}",
            "[",
            "tru",
        ] {
            assert!(Lexer::new(bad.as_bytes()).skip_value().is_err(), "{bad}");
        }
        let deep = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(Lexer::new(deep.as_bytes()).skip_value().is_ok());
        let deeper = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(matches!(
            Lexer::new(deeper.as_bytes()).skip_value(),
            Err(ApiError::TooDeep)
        ));
    }

    #[test]
    fn pointers_resolve_with_duplicates_and_escapes() {
        let doc = br#"{"a":{"x":1},"a":{"y":[10,{"b/c":2,"d~e":3}]}}"#;
        assert!(pointer_exists(doc, ""));
        assert!(pointer_exists(doc, "/a/x"));
        assert!(pointer_exists(doc, "/a/y/1/b~1c"));
        assert!(pointer_exists(doc, "/a/y/1/d~0e"));
        assert!(!pointer_exists(doc, "/a/y/2"));
        assert!(!pointer_exists(doc, "/a/y/01"));
        assert!(!pointer_exists(doc, "/a/z"));
        assert!(!pointer_exists(doc, "a"));
        assert!(!pointer_exists(doc, "/a/y/1/b~2c"));
    }
}
