//! YAML text → positioned [`Node`] trees, built from saphyr-parser's event stream.
//!
//! Compose files are hostile input, so the builder bounds everything it does:
//! the file size, the nesting depth and the number of nodes built, counting every
//! node that alias expansion copies (a "billion laughs" document stops at
//! [`MAX_NODES`] with a problem instead of exhausting memory). The builder keeps
//! an explicit stack, so deep input cannot overflow the call stack either.
//!
//! YAML semantics follow what compose-go (go-yaml v3) accepts:
//! - anchors and aliases are expanded; an expanded alias keeps the spans of the
//!   anchored node it copies (the text that actually holds the value), so every
//!   service built from `<<: *base` points at the `x-base` lines;
//! - merge keys `<<` take a mapping or a list of mappings; keys written in the
//!   mapping itself win over merged ones, and earlier merged mappings win over
//!   later ones (YAML 1.1 merge-key type);
//! - a duplicate key is an error for compose-go ("mapping key already defined");
//!   here it is a problem and the later value replaces the earlier one in place;
//! - `!reset` and `!override` (Compose merge tags) are recorded with their path:
//!   a `!reset` node is dropped from the document, an `!override` node is kept
//!   (compose-go `loader/reset.go`); the loader applies them when merging;
//! - several documents in one file are merged in order, each as an override of
//!   the ones before it (compose-go `loadYamlFile` decodes documents in a loop).

use crate::node::{Node, Scalar, Value};
use hullguard_container::Problem;
use hullguard_diagnostics::{Location, SourceFile, Span};
use saphyr_parser::{Event, Parser, ScalarStyle, Tag};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Largest compose or env file read (bytes).
pub const MAX_FILE_SIZE: usize = 16 * 1024 * 1024;
/// Most nodes one file may expand to, aliases included.
pub const MAX_NODES: usize = 1_000_000;
/// Deepest nesting of sequences and mappings, aliases included.
pub const MAX_DEPTH: usize = 128;
/// Most `!reset` / `!override` tags recorded per file, aliases included: each
/// carries its path, so an unbounded number would cost depth × tags.
pub const MAX_TAGS: usize = 10_000;

/// One YAML document of a file and the Compose merge tags found in it.
#[derive(Debug, Clone)]
pub struct Document {
    pub root: Node,
    /// `!reset` / `!override` tags, with the path of the tagged node from the
    /// document root (keys of `<<` merges already folded into their mapping).
    pub tags: Vec<OverrideTag>,
}

/// Which Compose merge tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    /// `!reset`: remove the value from what this file is merged onto.
    Reset,
    /// `!override`: replace the value instead of merging with it.
    Override,
}

/// A `!reset` or `!override` tag and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverrideTag {
    /// Mapping keys from the document root to the tagged value. Tags inside
    /// list items are not recorded: compose-go never applies them (its
    /// `Apply` does not match a path through a list).
    pub path: Vec<String>,
    pub kind: TagKind,
}

/// Parses one YAML file into positioned nodes. Later documents are merged over
/// the first as Compose override files are (compose-go decodes every document
/// of a file and merges each into the model in turn). Syntax errors, duplicate
/// keys, the node budget and the depth limit are reported as problems with exact
/// locations; after a syntax error the tree built so far is kept.
pub fn parse_yaml(file: &Arc<SourceFile>) -> (Option<Node>, Vec<Problem>) {
    let (docs, mut problems) = parse_yaml_documents(file);
    let mut merged: Option<Node> = None;
    for doc in docs {
        merged = Some(match merged {
            None => doc.root,
            Some(base) => {
                let base = crate::loader::merge::apply_tags(base, &doc.tags);
                crate::loader::merge::merge_documents(base, doc.root, &mut problems)
            }
        });
    }
    (merged, problems)
}

/// Parses every document of a YAML file (see [`parse_yaml`]), without merging.
pub fn parse_yaml_documents(file: &Arc<SourceFile>) -> (Vec<Document>, Vec<Problem>) {
    let text = file.text.as_str();
    if text.len() > MAX_FILE_SIZE {
        let problem = Problem::new(
            Location::file(file, Span::empty(0)),
            format!("file is larger than {} MiB", MAX_FILE_SIZE >> 20),
        );
        return (Vec::new(), vec![problem]);
    }
    // libyaml (and so go-yaml, which Compose uses) does not check indentation
    // inside flow collections; saphyr does, and refuses the common
    //     test: [
    //       "CMD", "true"
    //     ]
    // So a line of a flow collection that saphyr finds under-indented is moved
    // right (spaces inserted at its start) and the file parsed again; every
    // position is mapped back to the original text. Bounded: a few lines only.
    let mut inserts: Vec<(usize, usize)> = Vec::new();
    let mut padded: Option<String> = None;
    let mut attempts = 0;
    loop {
        let mut builder = Builder::new(file, padded.as_deref().unwrap_or(text), inserts.clone());
        builder.run();
        // Each retry parses the whole file again: bound the total work too.
        let fix = if attempts < MAX_REINDENTS
            && (attempts + 2).saturating_mul(text.len()) <= MAX_REINDENT_WORK
        {
            builder.flow_indent_fix()
        } else {
            None
        };
        match fix {
            Some((orig_pos, add)) => {
                attempts += 1;
                match inserts.iter_mut().find(|(p, _)| *p == orig_pos) {
                    Some(e) => e.1 += add,
                    None => {
                        inserts.push((orig_pos, add));
                        inserts.sort_unstable();
                    }
                }
                let mut s = String::with_capacity(text.len() + inserts.len() * 8);
                let mut last = 0;
                for &(pos, n) in &inserts {
                    s.push_str(text.get(last..pos).unwrap_or_default());
                    s.extend(std::iter::repeat_n(' ', n));
                    last = pos;
                }
                s.push_str(text.get(last..).unwrap_or_default());
                padded = Some(s);
            }
            None => return (builder.docs, builder.problems),
        }
    }
}

/// Most flow-collection lines re-indented for one file.
const MAX_REINDENTS: usize = 64;

/// Most bytes parsed for one file, retries included.
const MAX_REINDENT_WORK: usize = 64 << 20;

/// Whether byte `pos` of `text` is inside a flow collection (`[...]`, `{...}`),
/// and the indentation of the line that opened the outermost one. Quoted
/// scalars and comments are skipped.
fn flow_opener_indent(text: &str, pos: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut opener_line_indent = 0;
    let mut line_start = 0;
    let mut prev_space = true;
    let mut quote: Option<char> = None;
    let mut in_comment = false;
    for (i, c) in text.char_indices() {
        if i >= pos {
            break;
        }
        if c == '\n' {
            line_start = i + 1;
            in_comment = false;
            prev_space = true;
            continue;
        }
        if in_comment {
            continue;
        }
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' => quote = Some(c),
                '#' if prev_space => in_comment = true,
                '[' | '{' => {
                    if depth == 0 {
                        opener_line_indent = text
                            .get(line_start..)
                            .map_or(0, |l| l.len() - l.trim_start_matches(' ').len());
                    }
                    depth += 1;
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        prev_space = c == ' ' || c == '\t';
    }
    (depth > 0).then_some(opener_line_indent)
}

/// Character index (saphyr's `Marker::index`) → byte offset, with a checkpoint
/// every [`CharMap::STRIDE`] characters so a lookup walks few characters.
struct CharMap<'a> {
    text: &'a str,
    ascii: bool,
    checkpoints: Vec<usize>,
    /// Spaces inserted into the original text to make `text` (see
    /// [`parse_yaml_documents`]): (original byte offset, count), sorted.
    inserts: Vec<(usize, usize)>,
}

impl<'a> CharMap<'a> {
    const STRIDE: usize = 32;

    /// Byte offset in `text` → byte offset in the original text.
    fn original(&self, padded: usize) -> usize {
        let mut shift = 0;
        for &(pos, n) in &self.inserts {
            if padded < pos + shift {
                break;
            }
            if padded < pos + shift + n {
                return pos;
            }
            shift += n;
        }
        padded - shift
    }

    fn new(text: &'a str, inserts: Vec<(usize, usize)>) -> CharMap<'a> {
        let ascii = text.is_ascii();
        let checkpoints = if ascii {
            Vec::new()
        } else {
            text.char_indices()
                .step_by(Self::STRIDE)
                .map(|(b, _)| b)
                .collect()
        };
        CharMap {
            text,
            ascii,
            checkpoints,
            inserts,
        }
    }

    /// Character index in `text` → byte offset in the original text.
    fn byte(&self, char_index: usize) -> usize {
        let padded = self.padded_byte(char_index);
        if self.inserts.is_empty() {
            padded
        } else {
            self.original(padded)
        }
    }

    fn padded_byte(&self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.text.len());
        }
        let Some(&start) = self.checkpoints.get(char_index / Self::STRIDE) else {
            return self.text.len();
        };
        let rest = char_index % Self::STRIDE;
        self.text
            .get(start..)
            .and_then(|t| t.char_indices().nth(rest))
            .map_or(self.text.len(), |(b, _)| start + b)
    }
}

/// A node being built, with what the limits need to know about it.
#[derive(Clone)]
struct Built {
    node: Node,
    /// Levels of nesting, 1 for a scalar.
    depth: usize,
    /// Nodes in the subtree (tags included, so copying them is charged too).
    size: usize,
    /// Merge tags inside the subtree, relative to it.
    tags: Vec<OverrideTag>,
    /// The node itself is tagged `!reset`: its parent drops it.
    reset: bool,
    /// End of the text this event covers (for an alias: the `*name` itself), so
    /// the parent's span ends at the alias, not at the anchored node.
    local_end: usize,
}

enum MapItem {
    Pair(Node, Node),
    /// A `<<` merge key's value and the tags inside it.
    Merge(Node, Vec<OverrideTag>),
}

impl MapItem {
    fn key_start(&self) -> usize {
        match self {
            MapItem::Pair(k, _) => k.span.start,
            MapItem::Merge(v, _) => v.span.start,
        }
    }
}

enum MapState {
    ExpectKey,
    ExpectValue(Node),
    /// The key was not a scalar: its value is dropped.
    SkipValue,
}

enum FrameKind {
    Seq(Vec<Node>),
    Map(Vec<MapItem>, MapState),
}

struct Frame {
    kind: FrameKind,
    start: usize,
    last_end: usize,
    anchor: usize,
    tag: Option<TagKind>,
    depth: usize,
    size: usize,
    tags: Vec<OverrideTag>,
}

/// Why building stopped before the end of the stream.
enum Stop {
    /// A syntax error: the partial tree is kept.
    Syntax,
    /// A limit: the current document is dropped.
    Limit,
}

struct Builder<'a> {
    file: &'a Arc<SourceFile>,
    map: CharMap<'a>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Built>,
    docs: Vec<Document>,
    root: Option<Built>,
    problems: Vec<Problem>,
    nodes: usize,
    tags: usize,
    tags_reported: bool,
    last_event_end: usize,
    /// The syntax error that stopped the parse: byte offset in the parsed
    /// (possibly re-indented) text, and saphyr's message.
    syntax_error: Option<(usize, String)>,
}

impl<'a> Builder<'a> {
    fn new(
        file: &'a Arc<SourceFile>,
        parsed: &'a str,
        inserts: Vec<(usize, usize)>,
    ) -> Builder<'a> {
        Builder {
            file,
            syntax_error: None,
            map: CharMap::new(parsed, inserts),
            stack: Vec::new(),
            anchors: HashMap::new(),
            docs: Vec::new(),
            root: None,
            problems: Vec::new(),
            nodes: 0,
            tags: 0,
            tags_reported: false,
            last_event_end: 0,
        }
    }

    /// The original text: spans index it.
    fn text(&self) -> &'a str {
        self.file.text.as_str()
    }

    /// After a syntax error on an under-indented line of a flow collection:
    /// where to insert spaces (original byte offset of the line's start) and how
    /// many, so that the line is indented past the line that opened the
    /// collection.
    fn flow_indent_fix(&self) -> Option<(usize, usize)> {
        let (pos, message) = self.syntax_error.as_ref()?;
        if !message.contains("invalid indentation") {
            return None;
        }
        let parsed = self.map.text;
        let opener_indent = flow_opener_indent(parsed, *pos)?;
        let line_start = parsed.get(..*pos)?.rfind('\n').map_or(0, |i| i + 1);
        let line = parsed.get(line_start..)?;
        let indent = line.len() - line.trim_start_matches(' ').len();
        let add = (opener_indent + 2).saturating_sub(indent).max(1);
        Some((self.map.original(line_start), add))
    }

    fn problem(&mut self, span: Span, message: impl Into<String>) {
        self.problems
            .push(Problem::new(Location::file(self.file, span), message));
    }

    fn run(&mut self) {
        let text = self.text();
        let mut parser = Parser::new_from_str(self.map.text);
        let stop = loop {
            let Some(next) = parser.next_event() else {
                break None;
            };
            let (event, yspan) = match next {
                Ok(ev) => ev,
                Err(err) => {
                    let padded = self.map.padded_byte(err.marker().index());
                    self.syntax_error = Some((padded, err.info().to_string()));
                    let at = self.map.byte(err.marker().index());
                    let end = text
                        .get(at..)
                        .and_then(|t| t.chars().next())
                        .map_or(at, |c| at + c.len_utf8());
                    self.problem(Span::new(at, end), format!("invalid yaml: {}", err.info()));
                    break Some(Stop::Syntax);
                }
            };
            let start = self.map.byte(yspan.start.index());
            let end = self.map.byte(yspan.end.index()).max(start);
            let result = self.event(event, Span::new(start, end));
            self.last_event_end = self.last_event_end.max(end);
            if let Err(stop) = result {
                break Some(stop);
            }
        };
        match stop {
            None => {}
            Some(Stop::Syntax) => {
                // Keep what was read: close every open collection as if the
                // document ended here, so the lines before the error are linted.
                while !self.stack.is_empty() {
                    if self.close_frame().is_err() {
                        self.stack.clear();
                        self.root = None;
                        break;
                    }
                }
                self.finish_document();
            }
            Some(Stop::Limit) => {
                self.stack.clear();
                self.root = None;
            }
        }
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), Stop> {
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => Ok(()),
            Event::DocumentStart(_) => {
                // Anchors are scoped to their document (YAML 1.2 §3.2.2.2).
                self.anchors.clear();
                Ok(())
            }
            Event::DocumentEnd => {
                self.finish_document();
                Ok(())
            }
            Event::Alias(id) => self.alias(id, span),
            Event::Scalar(text, style, anchor, tag) => {
                self.scalar(&text, style, anchor, tag.as_deref(), span)
            }
            Event::SequenceStart(anchor, tag) => {
                self.open(FrameKind::Seq(Vec::new()), anchor, tag.as_deref(), span)
            }
            Event::MappingStart(anchor, tag) => self.open(
                FrameKind::Map(Vec::new(), MapState::ExpectKey),
                anchor,
                tag.as_deref(),
                span,
            ),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(frame) = self.stack.last_mut() {
                    if !span.is_empty() {
                        frame.last_end = frame.last_end.max(span.end);
                    }
                }
                self.close_frame()
            }
        }
    }

    fn finish_document(&mut self) {
        if let Some(root) = self.root.take() {
            if !root.reset {
                self.docs.push(Document {
                    root: root.node,
                    tags: root.tags,
                });
            }
        }
    }

    fn charge(&mut self, n: usize, span: Span) -> Result<(), Stop> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            self.problem(
                span,
                format!(
                    "yaml expands to more than {MAX_NODES} nodes (alias bomb?); document dropped"
                ),
            );
            return Err(Stop::Limit);
        }
        Ok(())
    }

    /// Whether `n` more merge tags may be recorded (one problem past the limit).
    fn allow_tags(&mut self, n: usize, span: Span) -> bool {
        if n == 0 {
            return true;
        }
        self.tags = self.tags.saturating_add(n);
        if self.tags <= MAX_TAGS {
            return true;
        }
        if !self.tags_reported {
            self.tags_reported = true;
            self.problem(
                span,
                format!("more than {MAX_TAGS} `!reset`/`!override` tags; the rest are ignored"),
            );
        }
        false
    }

    fn too_deep(&mut self, span: Span) -> Stop {
        self.problem(
            span,
            format!("yaml nests deeper than {MAX_DEPTH} levels; document dropped"),
        );
        Stop::Limit
    }

    /// Start of a node's own text, after its `&anchor` and `!tag` properties
    /// (saphyr's spans include them).
    fn skip_properties(&self, span: Span) -> usize {
        let text = self.text();
        let mut pos = span.start;
        while pos < span.end {
            let Some(rest) = text.get(pos..span.end) else {
                break;
            };
            let mut chars = rest.char_indices();
            match chars.next() {
                Some((_, '&' | '!')) => {
                    let len = rest
                        .char_indices()
                        .find(|(_, c)| c.is_whitespace())
                        .map_or(rest.len(), |(i, _)| i);
                    pos += len;
                }
                Some((_, c)) if c.is_whitespace() => pos += c.len_utf8(),
                Some((_, '#')) => {
                    pos += rest.find('\n').unwrap_or(rest.len());
                }
                _ => break,
            }
        }
        pos.min(span.end)
    }

    /// The span of a block scalar: from its `|` / `>` indicator to the end of its
    /// content, trailing line breaks excluded (saphyr's span covers the content).
    fn block_span(&self, content: Span) -> Span {
        let text = self.text();
        let from = self.last_event_end.min(content.start);
        let mut start = content.start;
        if let Some(between) = text.get(from..content.start) {
            let mut in_comment = false;
            let mut prev_space = true;
            for (i, c) in between.char_indices() {
                match c {
                    '\n' => in_comment = false,
                    '#' if prev_space => in_comment = true,
                    '|' | '>' if !in_comment => {
                        start = from + i;
                        break;
                    }
                    _ => {}
                }
                prev_space = c.is_whitespace();
            }
        }
        let body = text.get(content.start..content.end).unwrap_or("");
        let end = content.start + body.trim_end_matches(['\n', '\r', ' ', '\t']).len();
        Span::new(start, end.max(start))
    }

    fn scalar(
        &mut self,
        value: &str,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), Stop> {
        self.charge(1, span)?;
        let span = match style {
            ScalarStyle::Literal | ScalarStyle::Folded => self.block_span(span),
            _ => Span::new(self.skip_properties(span), span.end),
        };
        let kind = merge_tag(tag);
        let core = tag.filter(|t| t.handle == "tag:yaml.org,2002:");
        let plain = matches!(style, ScalarStyle::Plain);
        let expects_key = matches!(
            self.stack.last().map(|f| &f.kind),
            Some(FrameKind::Map(_, MapState::ExpectKey))
        );
        let is_str = core.is_some_and(|t| t.suffix == "str");
        let is_null = core.is_some_and(|t| t.suffix == "null")
            || (plain && !is_str && matches!(value, "" | "~" | "null" | "Null" | "NULL"));
        let value = if is_null && !expects_key {
            Value::Null
        } else {
            Value::Scalar(Scalar {
                text: value.to_string(),
                quoted: !plain || is_str,
            })
        };
        let node = Node {
            value,
            file: Arc::clone(self.file),
            span,
        };
        let mut built = Built {
            node,
            depth: 1,
            size: 1,
            tags: Vec::new(),
            reset: kind == Some(TagKind::Reset),
            local_end: span.end,
        };
        if kind == Some(TagKind::Override) && self.allow_tags(1, span) {
            built.tags.push(OverrideTag {
                path: Vec::new(),
                kind: TagKind::Override,
            });
        }
        self.store_anchor(anchor, &built, span)?;
        self.attach(built, span)
    }

    fn alias(&mut self, id: usize, span: Span) -> Result<(), Stop> {
        let Some(target) = self.anchors.get(&id) else {
            self.problem(span, "alias to an unknown anchor");
            return Err(Stop::Syntax);
        };
        if self.stack.len() + target.depth > MAX_DEPTH {
            return Err(self.too_deep(span));
        }
        let cost = target.size;
        self.charge(cost, span)?;
        let mut built = match self.anchors.get(&id) {
            Some(t) => t.clone(),
            None => return Ok(()),
        };
        built.local_end = span.end;
        if !self.allow_tags(built.tags.len(), span) {
            built.tags.clear();
        }
        self.attach(built, span)
    }

    fn store_anchor(&mut self, anchor: usize, built: &Built, span: Span) -> Result<(), Stop> {
        if anchor == 0 {
            return Ok(());
        }
        // Keeping a copy for later aliases costs as much as the node itself.
        self.charge(built.size, span)?;
        self.anchors.insert(anchor, built.clone());
        Ok(())
    }

    fn open(
        &mut self,
        kind: FrameKind,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), Stop> {
        self.charge(1, span)?;
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.too_deep(span));
        }
        let start = self.skip_properties(span);
        self.stack.push(Frame {
            kind,
            start,
            last_end: span.end.max(start),
            anchor,
            tag: merge_tag(tag),
            depth: 0,
            size: 0,
            tags: Vec::new(),
        });
        Ok(())
    }

    fn close_frame(&mut self) -> Result<(), Stop> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let Frame {
            kind,
            start,
            last_end,
            anchor,
            tag,
            depth,
            size,
            mut tags,
            ..
        } = frame;
        let span = Span::new(start, last_end.max(start));
        let value = match kind {
            FrameKind::Seq(items) => Value::Seq(items),
            FrameKind::Map(mut items, state) => {
                if let MapState::ExpectValue(key) = state {
                    // A key without its value (the document was cut short).
                    let at = Span::empty(key.span.end);
                    let null = Node {
                        value: Value::Null,
                        file: Arc::clone(self.file),
                        span: at,
                    };
                    items.push(MapItem::Pair(key, null));
                }
                Value::Map(self.resolve_map(items, &mut tags))
            }
        };
        let node = Node {
            value,
            file: Arc::clone(self.file),
            span,
        };
        if tag == Some(TagKind::Override) && self.allow_tags(1, span) {
            tags.push(OverrideTag {
                path: Vec::new(),
                kind: TagKind::Override,
            });
        }
        let built = Built {
            node,
            depth: depth + 1,
            size: size + 1,
            tags,
            reset: tag == Some(TagKind::Reset),
            local_end: span.end,
        };
        self.store_anchor(anchor, &built, span)?;
        self.attach(built, span)
    }

    /// Folds `<<` merges into the mapping and reports duplicate keys.
    fn resolve_map(
        &mut self,
        items: Vec<MapItem>,
        tags: &mut Vec<OverrideTag>,
    ) -> Vec<(Node, Node)> {
        // First pass, borrowing: where each explicit key is first written and
        // which of its occurrences wins (the last one).
        let mut first = KeyIndex::with_capacity(items.len());
        let mut duplicates: Vec<(Span, String, usize)> = Vec::new();
        let mut has_merge = false;
        for (pos, item) in items.iter().enumerate() {
            match item {
                MapItem::Pair(k, _) => {
                    let name = k.as_str().unwrap_or_default();
                    match first.get_mut(name) {
                        Some((at, last)) => {
                            let line = items
                                .get(*at)
                                .map_or(0, |i| self.file.line_col(i.key_start()).line);
                            duplicates.push((k.span, name.to_string(), line));
                            *last = pos;
                        }
                        None => {
                            first.insert(name, (pos, pos));
                        }
                    }
                }
                MapItem::Merge(..) => has_merge = true,
            }
        }
        // The position of the winning pair for each first occurrence.
        let plan: Vec<Option<usize>> = items
            .iter()
            .enumerate()
            .map(|(pos, item)| match item {
                MapItem::Pair(k, _) => first
                    .get(k.as_str().unwrap_or_default())
                    .filter(|(at, _)| *at == pos)
                    .map(|(_, last)| *last),
                MapItem::Merge(..) => Some(pos),
            })
            .collect();
        let explicit: HashSet<String> = if has_merge {
            first.keys().into_iter().map(str::to_string).collect()
        } else {
            HashSet::new()
        };
        drop(first);
        for (span, name, line) in duplicates {
            self.problem(
                span,
                format!("duplicate key `{name}` (first defined on line {line}); the later value is used"),
            );
        }
        let mut slots: Vec<Option<MapItem>> = items.into_iter().map(Some).collect();
        let mut out: Vec<(Node, Node)> = Vec::with_capacity(slots.len());
        let mut merged: HashSet<String> = HashSet::new();
        for source in plan.into_iter().flatten() {
            match slots.get_mut(source).and_then(Option::take) {
                Some(MapItem::Pair(k, v)) => out.push((k, v)),
                Some(MapItem::Merge(value, value_tags)) => {
                    let sources: Vec<(bool, Node)> = match value.value {
                        Value::Map(_) => vec![(true, value)],
                        Value::Seq(list) => list.into_iter().map(|n| (false, n)).collect(),
                        _ => {
                            self.problem(
                                value.span,
                                "merge key `<<` needs a mapping or a list of mappings",
                            );
                            continue;
                        }
                    };
                    for (direct, source) in sources {
                        let Value::Map(entries) = source.value else {
                            self.problem(
                                source.span,
                                "merge key `<<` needs a mapping or a list of mappings",
                            );
                            continue;
                        };
                        for (k, v) in entries {
                            let name = k.as_str().unwrap_or_default();
                            if explicit.contains(name) || !merged.insert(name.to_string()) {
                                continue;
                            }
                            out.push((k, v));
                        }
                        // compose-go drops the `<<` step from tag paths (tags
                        // of a list of merged mappings are list paths: none).
                        if direct {
                            tags.extend(value_tags.iter().cloned());
                        }
                    }
                }
                None => {}
            }
        }
        out
    }

    fn attach(&mut self, built: Built, span: Span) -> Result<(), Stop> {
        let in_map = matches!(self.stack.last().map(|f| &f.kind), Some(FrameKind::Map(..)));
        let record_reset = built.reset && in_map && self.allow_tags(1, span);
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(built);
            return Ok(());
        };
        frame.last_end = frame.last_end.max(built.local_end);
        frame.depth = frame.depth.max(built.depth);
        frame.size = frame.size.saturating_add(built.size);
        let mut bad_key = false;
        match &mut frame.kind {
            FrameKind::Seq(items) => {
                // A tag inside a list item is dropped with the item (`!reset`) or
                // kept without effect: compose-go's `Apply` never matches a path
                // through a list, so such tags are not recorded.
                if !built.reset {
                    items.push(built.node);
                }
            }
            FrameKind::Map(items, state) => match std::mem::replace(state, MapState::ExpectKey) {
                MapState::ExpectKey => match built.node.value {
                    Value::Scalar(_) => *state = MapState::ExpectValue(built.node),
                    Value::Null => {
                        *state = MapState::ExpectValue(Node {
                            value: Value::Scalar(Scalar {
                                text: "null".to_string(),
                                quoted: false,
                            }),
                            ..built.node
                        })
                    }
                    _ => {
                        *state = MapState::SkipValue;
                        bad_key = true;
                    }
                },
                MapState::SkipValue => {}
                MapState::ExpectValue(key) => {
                    let is_merge =
                        matches!(&key.value, Value::Scalar(s) if s.text == "<<" && !s.quoted);
                    let name = || key.as_str().unwrap_or_default().to_string();
                    if is_merge {
                        if !built.reset {
                            items.push(MapItem::Merge(built.node, built.tags));
                        }
                    } else if built.reset {
                        if record_reset {
                            frame.tags.push(OverrideTag {
                                path: vec![name()],
                                kind: TagKind::Reset,
                            });
                        }
                    } else {
                        if !built.tags.is_empty() {
                            let name = name();
                            for mut t in built.tags {
                                t.path.insert(0, name.clone());
                                frame.tags.push(t);
                            }
                        }
                        items.push(MapItem::Pair(key, built.node));
                    }
                }
            },
        }
        if bad_key {
            self.problem(span, "mapping key must be a scalar");
        }
        Ok(())
    }
}

/// First and last position of each key of a mapping: a linear scan for the
/// small mappings compose files are made of, a hash map for large ones.
enum KeyIndex<'a> {
    Small(Vec<(&'a str, (usize, usize))>),
    Large(HashMap<&'a str, (usize, usize)>),
}

impl<'a> KeyIndex<'a> {
    const SMALL: usize = 16;

    fn with_capacity(n: usize) -> KeyIndex<'a> {
        if n <= Self::SMALL {
            KeyIndex::Small(Vec::with_capacity(n))
        } else {
            KeyIndex::Large(HashMap::with_capacity(n))
        }
    }

    fn get(&self, key: &str) -> Option<&(usize, usize)> {
        match self {
            KeyIndex::Small(v) => v.iter().find(|(k, _)| *k == key).map(|(_, p)| p),
            KeyIndex::Large(m) => m.get(key),
        }
    }

    fn get_mut(&mut self, key: &str) -> Option<&mut (usize, usize)> {
        match self {
            KeyIndex::Small(v) => v.iter_mut().find(|(k, _)| *k == key).map(|(_, p)| p),
            KeyIndex::Large(m) => m.get_mut(key),
        }
    }

    fn insert(&mut self, key: &'a str, value: (usize, usize)) {
        match self {
            KeyIndex::Small(v) => v.push((key, value)),
            KeyIndex::Large(m) => {
                m.insert(key, value);
            }
        }
    }

    fn keys(&self) -> Vec<&'a str> {
        match self {
            KeyIndex::Small(v) => v.iter().map(|(k, _)| *k).collect(),
            KeyIndex::Large(m) => m.keys().copied().collect(),
        }
    }
}

fn merge_tag(tag: Option<&Tag>) -> Option<TagKind> {
    let tag = tag?;
    if tag.handle != "!" {
        return None;
    }
    match tag.suffix.as_str() {
        "reset" => Some(TagKind::Reset),
        "override" => Some(TagKind::Override),
        _ => None,
    }
}
