//! Turning word nodes into [`Word`]s: quote removal, escapes and expansion detection.
//!
//! Quote removal follows POSIX 2.2 (<https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#tag_19_02>):
//! unquoted `\c` is `c` and `\<newline>` disappears; inside double quotes only `\$`, `` \` ``,
//! `\"`, `\\` and `\<newline>` are escapes; single quotes keep everything. `$'..'` (bash ANSI-C
//! quoting) is decoded.

use tree_sitter::Node;

use crate::model::Word;
use crate::source::Src;

/// Kinds whose text is kept verbatim in [`Word::lossy`] and that make a word dynamic.
const EXPANSIONS: &[&str] = &["simple_expansion", "expansion", "arithmetic_expansion"];
const SUBSTITUTIONS: &[&str] = &["command_substitution", "process_substitution"];
/// Real words nest at most `a=x"$y"` deep (assignment, concatenation, string).
const MAX_LOSSY_DEPTH: usize = 4;

pub(crate) fn build_word(node: Node, src: &Src) -> Word {
    let (has_substitution, has_expansion) = dynamic_parts(node);
    let lossy = lossy(node, src, 0);
    Word {
        span: src.span(node),
        raw: src.text(node).to_owned(),
        value: (!has_substitution && !has_expansion).then(|| lossy.clone()),
        lossy,
        has_substitution,
        has_expansion,
    }
}

/// One shell word written as several nodes joined by line continuations.
pub(crate) fn build_word_group(nodes: &[Node], src: &Src) -> Word {
    let mut parts = nodes.iter().map(|n| build_word(*n, src));
    let Some(mut word) = parts.next() else {
        return Word {
            span: src.map_span(hullguard_diagnostics::Span::default()),
            raw: String::new(),
            value: Some(String::new()),
            lossy: String::new(),
            has_substitution: false,
            has_expansion: false,
        };
    };
    for part in parts {
        word.value = match (word.value, part.value) {
            (Some(a), Some(b)) => Some(a + &b),
            _ => None,
        };
        word.lossy.push_str(&part.lossy);
        word.has_substitution |= part.has_substitution;
        word.has_expansion |= part.has_expansion;
        word.span = word.span.cover(part.span);
    }
    if let (Some(first), Some(last)) = (nodes.first(), nodes.last()) {
        word.raw = src.slice(first.start_byte(), last.end_byte()).to_owned();
    }
    word
}

/// A word made of an already known static value (a here-document delimiter).
pub(crate) fn static_word(node: Node, src: &Src, value: String) -> Word {
    Word {
        span: src.span(node),
        raw: src.text(node).to_owned(),
        value: Some(value.clone()),
        lossy: value,
        has_substitution: false,
        has_expansion: false,
    }
}

/// Whether the subtree holds substitutions and expansions; iterative, stops once both are found.
fn dynamic_parts(node: Node) -> (bool, bool) {
    let (mut sub, mut exp) = (false, false);
    let mut cursor = node.walk();
    loop {
        let kind = cursor.node().kind();
        let is_sub = SUBSTITUTIONS.contains(&kind);
        let is_exp = EXPANSIONS.contains(&kind);
        sub |= is_sub;
        exp |= is_exp;
        if sub && exp {
            break;
        }
        // Below a substitution nothing more is learnt about this word.
        if !is_sub && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.node() == node {
                return (sub, exp);
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return (sub, exp);
            }
        }
    }
    (sub, exp)
}

/// The value after quote removal, expansions kept as raw text. Expansions are leaves here and
/// only `concatenation` and `variable_assignment` recurse, at most [`MAX_LOSSY_DEPTH`] deep.
fn lossy(node: Node, src: &Src, depth: usize) -> String {
    let text = src.text(node);
    if depth > MAX_LOSSY_DEPTH {
        return text.to_owned();
    }
    match node.kind() {
        "raw_string" => strip_delims(text, "'", "'").to_owned(),
        "string" => double_quoted(node, src),
        "ansi_c_string" => decode_ansi_c(strip_delims(text, "$'", "'")),
        "translated_string" => {
            let mut c = node.walk();
            let inner = node.named_children(&mut c).find(|n| n.kind() == "string");
            match inner {
                Some(s) => double_quoted(s, src),
                None => unescape_unquoted(text),
            }
        }
        "concatenation" | "variable_assignment" => {
            let mut out = String::new();
            let mut pos = node.start_byte();
            let mut c = node.walk();
            for child in node.children(&mut c) {
                out.push_str(&unescape_unquoted(src.slice(pos, child.start_byte())));
                out.push_str(&lossy(child, src, depth + 1));
                pos = child.end_byte().max(pos);
            }
            out.push_str(&unescape_unquoted(src.slice(pos, node.end_byte())));
            out
        }
        k if EXPANSIONS.contains(&k) || SUBSTITUTIONS.contains(&k) => text.to_owned(),
        "array" | "brace_expression" | "subscript" => text.to_owned(),
        _ => unescape_unquoted(text),
    }
}

/// `"..."`: text between the children is unescaped, expansions and substitutions kept raw.
/// Working on the gaps rather than `string_content` children keeps characters tree-sitter
/// treats as extras (a `\r` before a newline).
fn double_quoted(node: Node, src: &Src) -> String {
    let text = src.text(node);
    let (start, end) = if text.len() >= 2 && text.starts_with('"') && text.ends_with('"') {
        (node.start_byte() + 1, node.end_byte() - 1)
    } else if text.starts_with('"') {
        // Unterminated string inside an error.
        (node.start_byte() + 1, node.end_byte())
    } else {
        (node.start_byte(), node.end_byte())
    };
    let mut out = String::new();
    let mut pos = start;
    let mut c = node.walk();
    for child in node.named_children(&mut c) {
        let kind = child.kind();
        if !(EXPANSIONS.contains(&kind) || SUBSTITUTIONS.contains(&kind)) {
            continue;
        }
        if child.start_byte() < pos || child.end_byte() > end {
            continue;
        }
        out.push_str(&unescape_double(src.slice(pos, child.start_byte())));
        out.push_str(src.text(child));
        pos = child.end_byte();
    }
    out.push_str(&unescape_double(src.slice(pos, end)));
    out
}

fn strip_delims<'t>(text: &'t str, open: &str, close: &str) -> &'t str {
    let t = text.strip_prefix(open).unwrap_or(text);
    if t.len() >= close.len() {
        t.strip_suffix(close).unwrap_or(t)
    } else {
        t
    }
}

/// Unquoted text: `\c` is `c`, `\<newline>` (also `\<CR><LF>`) disappears.
pub(crate) fn unescape_unquoted(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\n') => {}
            Some('\r') if chars.peek() == Some(&'\n') => {
                chars.next();
            }
            Some(next) => out.push(next),
            None => out.push('\\'),
        }
    }
    out
}

/// Inside double quotes only `\$`, `` \` ``, `\"`, `\\` and `\<newline>` are escapes.
pub(crate) fn unescape_double(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some(n @ ('$' | '`' | '"' | '\\')) => {
                chars.next();
                out.push(n);
            }
            Some('\n') => {
                chars.next();
            }
            Some('\r') => {
                let mut ahead = chars.clone();
                ahead.next();
                if ahead.peek() == Some(&'\n') {
                    chars.next();
                    chars.next();
                } else {
                    out.push('\\');
                }
            }
            _ => out.push('\\'),
        }
    }
    out
}

/// Bash `$'...'` escapes (<https://www.gnu.org/software/bash/manual/bash.html#ANSI_002dC-Quoting>).
/// Byte escapes above 0x7f cannot be represented in a `String` and become U+FFFD.
pub(crate) fn decode_ansi_c(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        let simple = match e {
            'a' => Some('\u{7}'),
            'b' => Some('\u{8}'),
            'e' | 'E' => Some('\u{1b}'),
            'f' => Some('\u{c}'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'v' => Some('\u{b}'),
            '\\' | '\'' | '"' | '?' => Some(e),
            _ => None,
        };
        if let Some(ch) = simple {
            out.push(ch);
            continue;
        }
        let (radix, max, is_byte) = match e {
            '0'..='7' => (8, 3, true),
            'x' => (16, 2, true),
            'u' => (16, 4, false),
            'U' => (16, 8, false),
            'c' => {
                match chars.next() {
                    Some(k) => out.push(char::from_u32(u32::from(k) & 0x1f).unwrap_or('\u{fffd}')),
                    None => out.push_str("\\c"),
                }
                continue;
            }
            other => {
                out.push('\\');
                out.push(other);
                continue;
            }
        };
        let mut digits = String::new();
        if radix == 8 {
            digits.push(e);
        }
        while digits.len() < max {
            match chars.peek() {
                Some(d) if d.is_digit(radix) => {
                    digits.push(*d);
                    chars.next();
                }
                _ => break,
            }
        }
        if digits.is_empty() {
            out.push('\\');
            out.push(e);
            continue;
        }
        let code = u32::from_str_radix(&digits, radix).unwrap_or(0xfffd);
        let ch = if is_byte && code > 0x7f {
            '\u{fffd}'
        } else {
            char::from_u32(code).unwrap_or('\u{fffd}')
        };
        out.push(ch);
    }
    out
}

/// The offset at which a word's static value appears verbatim in its raw text, if it does:
/// `'...'`, `"..."` without escapes, or an unquoted word without escapes.
pub(crate) fn verbatim_offset(word: &Word, strip: usize) -> Option<usize> {
    let value = word.value.as_deref()?;
    let raw = word.raw.as_str();
    let offset = if raw == value {
        0
    } else if raw.len() == value.len() + 2
        && ((raw.starts_with('\'') && raw.ends_with('\''))
            || (raw.starts_with('"') && raw.ends_with('"')))
        && raw.get(1..raw.len() - 1) == Some(value)
    {
        1
    } else {
        return None;
    };
    Some(offset + strip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquoted_escapes() {
        assert_eq!(unescape_unquoted(r"a\ b"), "a b");
        assert_eq!(unescape_unquoted("a\\\nb"), "ab");
        assert_eq!(unescape_unquoted("a\\\r\nb"), "ab");
        assert_eq!(unescape_unquoted(r"\$HOME\\"), r"$HOME\");
        assert_eq!(unescape_unquoted("end\\"), "end\\");
    }

    #[test]
    fn double_quote_escapes() {
        assert_eq!(unescape_double(r#"a\"b\$c\\d\`e"#), "a\"b$c\\d`e");
        assert_eq!(unescape_double(r"keep\n\q"), r"keep\n\q");
        assert_eq!(unescape_double("x\\\ny"), "xy");
        assert_eq!(unescape_double("x\\\r\ny"), "xy");
        assert_eq!(unescape_double("x\\\r"), "x\\\r");
        assert_eq!(unescape_double("\\"), "\\");
    }

    #[test]
    fn ansi_c_escapes() {
        assert_eq!(decode_ansi_c(r"a\tb\n"), "a\tb\n");
        assert_eq!(decode_ansi_c(r"\x41\101\u00e9\U0001F600"), "AAé😀");
        assert_eq!(decode_ansi_c(r"\'\\\q"), "'\\\\q");
        assert_eq!(decode_ansi_c(r"\xff\cA"), "\u{fffd}\u{1}");
        assert_eq!(decode_ansi_c(r"\x"), r"\x");
        assert_eq!(decode_ansi_c("\\"), "\\");
        assert_eq!(decode_ansi_c(r"\c"), r"\c");
        assert_eq!(decode_ansi_c(r"\uD800"), "\u{fffd}");
    }

    fn word(raw: &str, value: Option<&str>) -> Word {
        Word {
            span: hullguard_diagnostics::Span::default(),
            raw: raw.into(),
            value: value.map(Into::into),
            lossy: value.unwrap_or(raw).into(),
            has_substitution: false,
            has_expansion: value.is_none(),
        }
    }

    #[test]
    fn verbatim_offsets() {
        assert_eq!(verbatim_offset(&word("id", Some("id")), 0), Some(0));
        assert_eq!(verbatim_offset(&word("'a b'", Some("a b")), 0), Some(1));
        assert_eq!(verbatim_offset(&word("\"a b\"", Some("a b")), 0), Some(1));
        assert_eq!(verbatim_offset(&word(r#""a\"b""#, Some("a\"b")), 0), None);
        assert_eq!(verbatim_offset(&word(r"a\ b", Some("a b")), 0), None);
        assert_eq!(verbatim_offset(&word("$X", None), 0), None);
        assert_eq!(
            verbatim_offset(&word("--command=id", Some("--command=id")), 10),
            Some(10)
        );
    }
}
