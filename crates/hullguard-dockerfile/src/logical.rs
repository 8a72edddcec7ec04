//! A logical line: physical lines joined at continuations, with a map back to the
//! original byte offsets so that every span stays exact.

use hullguard_diagnostics::Span;

/// Text assembled from pieces of the original file, each piece remembering where it
/// came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogicalLine {
    text: String,
    /// `(logical start, original start)` of each piece, sorted by logical start.
    pieces: Vec<(usize, usize)>,
    /// Original offset just after the last byte (for an empty line: where it is).
    end: usize,
}

impl LogicalLine {
    /// An empty line located at `at`.
    pub fn empty(at: usize) -> LogicalLine {
        LogicalLine {
            text: String::new(),
            pieces: Vec::new(),
            end: at,
        }
    }

    /// A line that is exactly `src[span]`.
    pub fn from_source(src: &str, span: Span) -> LogicalLine {
        let mut line = LogicalLine::empty(span.start);
        line.push(src, span);
        line
    }

    /// Appends `src[span]`.
    pub fn push(&mut self, src: &str, span: Span) {
        let piece = span.text(src);
        if piece.is_empty() {
            if self.pieces.is_empty() {
                self.end = span.end;
            }
            return;
        }
        self.pieces.push((self.text.len(), span.start));
        self.text.push_str(piece);
        self.end = span.end;
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Original offset of logical offset `at` (`at == len` maps to the end).
    pub fn offset(&self, at: usize) -> usize {
        if at >= self.text.len() {
            return self.end;
        }
        let i = match self.pieces.binary_search_by(|(l, _)| l.cmp(&at)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        match self.pieces.get(i) {
            Some((l, o)) => o + (at - l),
            None => self.end,
        }
    }

    /// Original span of the logical range `start..end`.
    pub fn span(&self, start: usize, end: usize) -> Span {
        if end <= start {
            return Span::empty(self.offset(start));
        }
        let first = self.offset(start);
        // Map the last byte, not `end`, so a range ending at a continuation does
        // not stretch over the removed `\`-newline.
        let last = self.offset(end - 1) + 1;
        Span::new(first, last.max(first))
    }

    /// The original span covering the whole line.
    pub fn full_span(&self) -> Span {
        match self.pieces.first() {
            Some((_, o)) => Span::new(*o, self.end),
            None => Span::empty(self.end),
        }
    }

    /// The logical sub-line `start..end` (byte offsets on char boundaries).
    pub fn slice(&self, start: usize, end: usize) -> LogicalLine {
        let end = end.min(self.text.len());
        let start = start.min(end);
        let mut out = LogicalLine::empty(self.offset(start));
        if start == end {
            return out;
        }
        for (i, (l, o)) in self.pieces.iter().enumerate() {
            let piece_end = self.pieces.get(i + 1).map_or(self.text.len(), |p| p.0);
            let s = start.max(*l);
            let e = end.min(piece_end);
            if s < e {
                out.pieces.push((out.text.len(), o + (s - l)));
                out.text.push_str(&self.text[s..e]);
                out.end = o + (e - l);
            }
        }
        out
    }

    /// Whether the logical text is one contiguous run of the original file.
    pub fn is_contiguous(&self) -> bool {
        self.pieces.len() <= 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_offsets_across_pieces() {
        let src = "RUN a \\\n  b\n";
        let mut line = LogicalLine::empty(4);
        line.push(src, Span::new(4, 6)); // "a "
        line.push(src, Span::new(8, 11)); // "  b"
        assert_eq!(line.text(), "a   b");
        assert_eq!(line.offset(0), 4);
        assert_eq!(line.offset(2), 8);
        assert_eq!(line.span(4, 5), Span::new(10, 11));
        assert_eq!(line.span(0, 1), Span::new(4, 5));
        assert_eq!(line.full_span(), Span::new(4, 11));
        let sub = line.slice(1, 5);
        assert_eq!(sub.text(), "   b");
        assert_eq!(sub.span(3, 4), Span::new(10, 11));
        assert_eq!(sub.offset(0), 5);
    }
}
