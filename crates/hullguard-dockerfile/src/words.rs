//! Word splitting and flag extraction, following BuildKit's `parseWords` and
//! `extractBuilderFlags` (quotes are kept in words; flags are unquoted).

/// A word as a logical byte range plus its text as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawWord {
    pub start: usize,
    pub end: usize,
}

/// Splits `s` on unquoted white space. Quotes and escapes stay in the words; an
/// unterminated quote runs to the end of the text (BuildKit does the same).
pub(crate) fn split_words(s: &str, escape: char) -> Vec<RawWord> {
    let mut words = Vec::new();
    let mut chars = s.char_indices().peekable();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    while let Some((i, ch)) = chars.next() {
        match quote {
            None => {
                if ch.is_whitespace() {
                    if let Some(st) = start.take() {
                        words.push(RawWord { start: st, end: i });
                    }
                    continue;
                }
                if start.is_none() {
                    start = Some(i);
                }
                if ch == '\'' || ch == '"' {
                    quote = Some(ch);
                } else if ch == escape {
                    // The escaped character belongs to the word, even white space.
                    chars.next();
                }
            }
            Some(q) => {
                if ch == q {
                    quote = None;
                } else if ch == escape && q != '\'' {
                    chars.next();
                }
            }
        }
    }
    if let Some(st) = start {
        words.push(RawWord {
            start: st,
            end: s.len(),
        });
    }
    words
}

/// A flag found by [`extract_flags`]: logical ranges into the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawFlag {
    pub start: usize,
    pub end: usize,
    /// Unquoted text of the whole word without the leading `--`.
    pub word: String,
    /// Logical offset where the value starts (after `=`), if any.
    pub value_start: Option<usize>,
}

/// Extracts leading `--flag[=value]` words. Returns the flags and the logical
/// offset where the arguments start. A lone `--` ends the flags and is dropped.
pub(crate) fn extract_flags(s: &str) -> (Vec<RawFlag>, usize) {
    let bytes = s.as_bytes();
    let mut flags = Vec::new();
    let mut pos = 0;
    loop {
        while pos < bytes.len() && (bytes[pos] as char).is_ascii_whitespace() {
            pos += 1;
        }
        if pos + 1 >= bytes.len() || bytes[pos] != b'-' || bytes[pos + 1] != b'-' {
            return (flags, pos);
        }
        // Read one word, unquoting as BuildKit does (escape is always `\` here).
        let start = pos;
        let mut word = String::new();
        let mut quote: Option<char> = None;
        let mut value_start = None;
        let mut iter = s[pos..].char_indices().peekable();
        let mut end = s.len();
        while let Some((off, ch)) = iter.next() {
            let at = pos + off;
            match quote {
                None => {
                    if ch.is_whitespace() {
                        end = at;
                        break;
                    }
                    if ch == '\'' || ch == '"' {
                        quote = Some(ch);
                        continue;
                    }
                    if ch == '=' && value_start.is_none() {
                        value_start = Some(at + 1);
                    }
                    if ch == '\\' {
                        if let Some((_, next)) = iter.next() {
                            word.push(next);
                        }
                        continue;
                    }
                    word.push(ch);
                }
                Some(q) => {
                    if ch == q {
                        quote = None;
                        continue;
                    }
                    if ch == '\\' {
                        if let Some((_, next)) = iter.next() {
                            word.push(next);
                        }
                        continue;
                    }
                    word.push(ch);
                }
            }
        }
        pos = end;
        if word == "--" {
            return (flags, pos);
        }
        let word = word.strip_prefix("--").unwrap_or(&word).to_string();
        flags.push(RawFlag {
            start,
            end,
            word,
            value_start,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str, esc: char) -> Vec<&str> {
        split_words(s, esc)
            .iter()
            .map(|w| &s[w.start..w.end])
            .collect()
    }

    #[test]
    fn splits_with_quotes_and_escapes() {
        assert_eq!(
            texts(r#"a "b c" d\ e 'f g'"#, '\\'),
            vec!["a", "\"b c\"", "d\\ e", "'f g'"]
        );
        assert_eq!(texts("  x  ", '\\'), vec!["x"]);
        assert_eq!(texts("a=\"1 2\" b=3", '\\'), vec!["a=\"1 2\"", "b=3"]);
        assert_eq!(
            texts("a \"unterminated b", '\\'),
            vec!["a", "\"unterminated b"]
        );
    }

    #[test]
    fn extracts_flags() {
        let s = r#"--mount=type=cache,target=/x --network=none --security=insecure apt-get"#;
        let (flags, rest) = extract_flags(s);
        assert_eq!(flags.len(), 3);
        assert_eq!(flags[0].word, "mount=type=cache,target=/x");
        assert_eq!(flags[0].value_start, Some(8));
        assert_eq!(&s[rest..], "apt-get");
        let (flags, rest) = extract_flags("--link -- --not-a-flag");
        assert_eq!(flags.len(), 1);
        assert_eq!(rest, 9);
        let (flags, _) = extract_flags(r#"--chown="a b" x"#);
        assert_eq!(flags[0].word, "chown=a b");
    }
}
