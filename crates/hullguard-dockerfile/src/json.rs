//! Exec form: a JSON array of strings, decoded with the span of each element.
//! Anything else is not exec form (BuildKit then treats the text as shell form).

/// `(decoded value, logical start, logical end)` of each string; the end of the
/// array (exclusive) is returned too.
pub(crate) type JsonArray = (Vec<(String, usize, usize)>, usize);

/// Parses `s` (already trimmed on the left) as a JSON array of strings followed
/// only by white space.
pub(crate) fn parse_string_array(s: &str) -> Option<JsonArray> {
    let b = s.as_bytes();
    let mut pos = skip_ws(b, 0);
    if b.get(pos) != Some(&b'[') {
        return None;
    }
    pos = skip_ws(b, pos + 1);
    let mut out = Vec::new();
    if b.get(pos) == Some(&b']') {
        let end = pos + 1;
        return (skip_ws(b, end) == b.len()).then_some((out, end));
    }
    loop {
        if b.get(pos) != Some(&b'"') {
            return None;
        }
        let (value, end) = parse_string(s, pos)?;
        out.push((value, pos, end));
        pos = skip_ws(b, end);
        match b.get(pos) {
            Some(b',') => pos = skip_ws(b, pos + 1),
            Some(b']') => {
                let end = pos + 1;
                return (skip_ws(b, end) == b.len()).then_some((out, end));
            }
            _ => return None,
        }
    }
}

fn skip_ws(b: &[u8], mut pos: usize) -> usize {
    while pos < b.len() && matches!(b[pos], b' ' | b'\t' | b'\n' | b'\r') {
        pos += 1;
    }
    pos
}

/// Parses the JSON string starting at `start` (a `"`); returns the value and the
/// offset after the closing quote.
fn parse_string(s: &str, start: usize) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = s[start + 1..].char_indices();
    while let Some((off, ch)) = chars.next() {
        match ch {
            '"' => return Some((out, start + 1 + off + 1)),
            '\\' => {
                let (_, esc) = chars.next()?;
                match esc {
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    '/' => out.push('/'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'u' => {
                        let hi = hex4(&mut chars)?;
                        let code = if (0xD800..0xDC00).contains(&hi) {
                            // A surrogate pair, or a lone surrogate (Go substitutes U+FFFD).
                            let mut look = chars.clone();
                            if look.next().map(|c| c.1) == Some('\\')
                                && look.next().map(|c| c.1) == Some('u')
                            {
                                match hex4(&mut look) {
                                    Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                                        chars = look;
                                        0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                    }
                                    _ => 0xFFFD,
                                }
                            } else {
                                0xFFFD
                            }
                        } else {
                            hi
                        };
                        out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                    }
                    _ => return None,
                }
            }
            c if (c as u32) < 0x20 => return None,
            c => out.push(c),
        }
    }
    None
}

fn hex4(chars: &mut std::str::CharIndices<'_>) -> Option<u32> {
    let mut v = 0;
    for _ in 0..4 {
        let (_, c) = chars.next()?;
        v = v * 16 + c.to_digit(16)?;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_arrays() {
        let (v, end) = parse_string_array(r#"["a", "b\"c", "\u00e9"]  "#).unwrap();
        assert_eq!(
            v.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(),
            ["a", "b\"c", "é"]
        );
        assert_eq!(v[1].1, 6);
        assert_eq!(end, 23);
        assert!(parse_string_array("[]").is_some());
        assert!(parse_string_array("[\"a\",]").is_none());
        assert!(parse_string_array("[a]").is_none());
        assert!(parse_string_array("[\"a\"] x").is_none());
        assert!(parse_string_array("[1]").is_none());
        assert!(parse_string_array("[\"\\ud83d\\ude00\"]").unwrap().0[0].0 == "😀");
    }
}
