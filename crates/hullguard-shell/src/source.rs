//! The text being parsed and how its byte offsets map back to the caller's source, which
//! differs from it inside `sh -c 'STRING'`.

use hullguard_diagnostics::Span;
use tree_sitter::Node;

/// How spans in a nested script map onto the outermost source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SpanMap {
    /// The nested text is a verbatim slice of the outer source starting at this offset.
    Shift(usize),
    /// The nested text was unescaped or joined: every span becomes this one.
    Fixed(Span),
}

impl SpanMap {
    pub(crate) fn apply(self, span: Span) -> Span {
        match self {
            SpanMap::Shift(n) => span.shift(n),
            SpanMap::Fixed(s) => s,
        }
    }

    /// The map for text found at `inner` (a span of this map's text): verbatim when the text is
    /// the exact bytes at `inner.start + offset`, otherwise fixed to the mapped `inner`.
    pub(crate) fn nest(self, inner: Span, verbatim_offset: Option<usize>) -> SpanMap {
        match (self, verbatim_offset) {
            (SpanMap::Shift(n), Some(off)) => SpanMap::Shift(n + inner.start + off),
            _ => SpanMap::Fixed(self.apply(inner)),
        }
    }
}

/// A text being walked, with its span map.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Src<'a> {
    pub(crate) text: &'a str,
    pub(crate) map: SpanMap,
}

impl<'a> Src<'a> {
    /// The local span of a node, narrowed to character boundaries.
    pub(crate) fn local(&self, node: Node) -> Span {
        let r = node.byte_range();
        let start = floor_boundary(self.text, r.start);
        let end = floor_boundary(self.text, r.end).max(start);
        Span::new(start, end)
    }

    /// The span of a node in the outermost source.
    pub(crate) fn span(&self, node: Node) -> Span {
        self.map.apply(self.local(node))
    }

    /// Maps a local span to the outermost source.
    pub(crate) fn map_span(&self, local: Span) -> Span {
        self.map.apply(local)
    }

    /// The node's text (empty if the range is not valid for this text).
    pub(crate) fn text(&self, node: Node) -> &'a str {
        self.text.get(node.byte_range()).unwrap_or("")
    }

    /// Text between two local offsets.
    pub(crate) fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or("")
    }
}

/// The largest character boundary at or before `i`, clamped to the text.
pub(crate) fn floor_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}
