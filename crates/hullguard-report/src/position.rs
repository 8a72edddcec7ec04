//! Byte spans resolved to 1-based lines and columns, shared by every format so
//! that text, JSON, SARIF and JUnit agree on every position.

use hullguard_diagnostics::{floor_char_boundary, LineCol, SourceFile, Span};

/// A span with its start and (exclusive) end positions.
///
/// `end` is the position just after the last character of the span, i.e. the
/// SARIF convention for `endLine`/`endColumn`; for an empty span it equals
/// `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Resolved {
    /// The span clamped to the text and to character boundaries.
    pub span: Span,
    pub start: LineCol,
    pub end: LineCol,
}

/// Resolves a span of `file`. Offsets past the end of the text are clamped to it
/// and offsets inside a multi-byte character move back to its first byte, so a
/// slightly wrong span from a rule still renders instead of panicking.
pub(crate) fn resolve(file: &SourceFile, span: Span) -> Resolved {
    let text = &file.text;
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let end = floor_char_boundary(text, span.end.min(text.len())).max(start);
    Resolved {
        span: Span { start, end },
        start: file.line_col(start),
        end: file.line_col(end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamps_out_of_range_and_mid_character_offsets() {
        let file = SourceFile::new("f", "aé\nb");
        // 2 is inside 'é' (bytes 1..3); 99 is past the end.
        let r = resolve(&file, Span { start: 2, end: 99 });
        assert_eq!(r.span, Span { start: 1, end: 5 });
        assert_eq!(r.start, LineCol { line: 1, column: 2 });
        assert_eq!(r.end, LineCol { line: 2, column: 2 });
    }

    #[test]
    fn end_is_exclusive() {
        let file = SourceFile::new("f", "FROM x\n");
        let r = resolve(&file, Span::new(0, 4));
        assert_eq!(r.end, LineCol { line: 1, column: 5 });
        // A span that swallows the newline ends at column 1 of the next line.
        let r = resolve(&file, Span::new(0, 7));
        assert_eq!(r.end, LineCol { line: 2, column: 1 });
    }
}
