//! The walk over a tree-sitter-bash syntax tree that collects simple commands, pipelines and
//! errors.
//!
//! Recursion follows the nesting of the script (substitutions, compound commands, `sh -c`
//! strings) and is cut at [`Limits::max_depth`]; constructs that can be long without nesting
//! (`a && b && c ...`, `a | b | c ...`, word internals, error search) are walked iteratively.

use std::ops::ControlFlow;
use std::time::Instant;

use hullguard_diagnostics::Span;
use tree_sitter::{Node, ParseOptions, ParseState, Parser, Tree};

use crate::model::{
    Assignment, Context, ListOp, Pipeline, Redirect, Script, ShellError, SimpleCommand, Word,
};
use crate::source::{SpanMap, Src};
use crate::words::{build_word, build_word_group, static_word, verbatim_offset};
use crate::wrappers::{shell_string_arg, ShellStringArg};
use crate::Limits;

/// Memory a copied [`Redirect`] takes besides its text, for the text budget.
const REDIRECT_OVERHEAD: usize = std::mem::size_of::<Redirect>() + 2 * std::mem::size_of::<Word>();

/// tree-sitter reports progress every 100 parser operations. The wall-clock deadline is only
/// enforced after this many reports, so that a short script whose thread was merely
/// descheduled on a busy machine is never failed with a timeout; hostile inputs reach it
/// within milliseconds of parsing.
const MIN_PROGRESS_REPORTS: u32 = 16;

/// At most this many syntax errors are reported per parsed text.
const MAX_ERRORS: usize = 100;

/// Statement node kinds (tree-sitter-bash `_statement` subtypes).
fn is_statement(kind: &str) -> bool {
    matches!(
        kind,
        "command"
            | "declaration_command"
            | "unset_command"
            | "test_command"
            | "variable_assignment"
            | "variable_assignments"
            | "list"
            | "pipeline"
            | "redirected_statement"
            | "negated_command"
            | "subshell"
            | "compound_statement"
            | "if_statement"
            | "while_statement"
            | "for_statement"
            | "c_style_for_statement"
            | "case_statement"
            | "function_definition"
    )
}

fn is_substitution(kind: &str) -> bool {
    matches!(kind, "command_substitution" | "process_substitution")
}

/// Statements that produce exactly one simple command of their own.
fn is_simple(node: Node) -> bool {
    match node.kind() {
        "command"
        | "declaration_command"
        | "unset_command"
        | "test_command"
        | "variable_assignment"
        | "variable_assignments" => true,
        "negated_command" | "redirected_statement" => {
            let mut c = node.walk();
            let inner = node.named_children(&mut c).find(|n| is_statement(n.kind()));
            // One level only: `! cmd` and `cmd >f` are the shapes that occur.
            inner.is_some_and(|n| {
                matches!(
                    n.kind(),
                    "command" | "declaration_command" | "unset_command" | "test_command"
                )
            })
        }
        _ => false,
    }
}

fn list_op(token: &str) -> Option<ListOp> {
    match token {
        "&&" => Some(ListOp::And),
        "||" => Some(ListOp::Or),
        ";" => Some(ListOp::Semi),
        "&" => Some(ListOp::Background),
        _ => None,
    }
}

fn children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut c = node.walk();
    node.children(&mut c).collect()
}

/// Children with the field name each has.
fn fielded_children<'t>(node: Node<'t>) -> Vec<(Option<&'t str>, Node<'t>)> {
    let mut out = Vec::new();
    let mut c = node.walk();
    if c.goto_first_child() {
        loop {
            out.push((c.field_name(), c.node()));
            if !c.goto_next_sibling() {
                break;
            }
        }
    }
    out
}

/// One element of an and-or list: a pipeline (possibly of one stage) and the operator before it.
struct Item<'t> {
    op: Option<ListOp>,
    /// The pipeline node, whose span includes a leading `!`.
    whole: Option<Node<'t>>,
    stages: Vec<Node<'t>>,
    negated: bool,
}

/// Flattens nested `list` nodes (left-nested for `a && b || c`) into items, iteratively.
fn flatten<'t>(node: Node<'t>) -> Vec<Item<'t>> {
    let mut items = Vec::new();
    let mut stack = vec![(node, None)];
    while let Some((n, op)) = stack.pop() {
        match n.kind() {
            "list" => {
                let mut parts = Vec::new();
                let mut pending = None;
                for child in children(n) {
                    if !child.is_named() {
                        pending = list_op(child.kind()).or(pending);
                    } else if child.kind() != "comment" {
                        let child_op = if parts.is_empty() { op } else { pending.take() };
                        parts.push((child, child_op));
                    }
                }
                stack.extend(parts.into_iter().rev());
            }
            "pipeline" => items.push(pipeline_item(n, op)),
            _ => items.push(Item {
                op,
                whole: None,
                stages: vec![n],
                negated: false,
            }),
        }
    }
    items
}

/// The stages of a pipeline, nested pipelines expanded inline, iteratively.
fn pipeline_item(node: Node, op: Option<ListOp>) -> Item {
    let mut stages = Vec::new();
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        if n.kind() == "pipeline" {
            let mut c = n.walk();
            let kids: Vec<Node> = n
                .named_children(&mut c)
                .filter(|k| k.kind() != "comment")
                .collect();
            todo.extend(kids.into_iter().rev());
        } else {
            stages.push(n);
        }
    }
    // tree-sitter-bash attaches `!` to the first stage; in the shell it negates the pipeline.
    let mut negated = false;
    if let Some(first) = stages.first_mut() {
        if first.kind() == "negated_command" && node.kind() == "pipeline" {
            if let Some(inner) = first.named_child(0) {
                *first = inner;
                negated = true;
            }
        }
    }
    Item {
        op,
        whole: Some(node),
        stages,
        negated,
    }
}

pub(crate) struct Walker {
    out: Script,
    ctx: Vec<Context>,
    depth: usize,
    shell_depth: usize,
    limits: Limits,
    deadline: Instant,
    parser: Parser,
    depth_reported: bool,
    commands_capped: bool,
    /// Bytes of word text kept so far, against [`Limits::max_text_bytes`].
    text_bytes: usize,
    /// Set once a budget is exhausted: nothing more is walked.
    stopped: bool,
}

fn word_bytes(w: &Word) -> usize {
    w.raw.len() + w.lossy.len() + w.value.as_ref().map_or(0, String::len)
}

fn redirect_bytes(r: &Redirect) -> usize {
    r.op.len() + r.target.as_ref().map_or(0, word_bytes)
}

impl Walker {
    pub(crate) fn new(limits: Limits, parser: Parser) -> Walker {
        Walker {
            out: Script::default(),
            ctx: Vec::new(),
            depth: 0,
            shell_depth: 0,
            limits,
            deadline: Instant::now() + limits.parse_timeout,
            parser,
            depth_reported: false,
            commands_capped: false,
            text_bytes: 0,
            stopped: false,
        }
    }

    pub(crate) fn finish(mut self) -> (Script, Parser) {
        self.out.errors.sort_by_key(|e| e.span);
        (self.out, self.parser)
    }

    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.out.errors.push(ShellError {
            span,
            message: message.into(),
        });
    }

    /// Parses `text` within the remaining time budget.
    fn parse(&mut self, text: &str, whole: Span) -> Option<Tree> {
        let deadline = self.deadline;
        let mut reports = 0u32;
        let mut progress = |_: &ParseState| {
            reports = reports.saturating_add(1);
            if reports >= MIN_PROGRESS_REPORTS && Instant::now() >= deadline {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let bytes = text.as_bytes();
        let tree = self.parser.parse_with_options(
            &mut |i, _| bytes.get(i..).unwrap_or(&[]),
            None,
            Some(ParseOptions::new().progress_callback(&mut progress)),
        );
        if tree.is_none() {
            // A cancelled parse leaves state behind that would resume on the next call.
            self.parser.reset();
            self.error(
                whole,
                format!(
                    "parse timed out after {} ms",
                    self.limits.parse_timeout.as_millis()
                ),
            );
        }
        tree
    }

    /// Analyses the top-level script.
    pub(crate) fn run(&mut self, text: &str) {
        let src = Src {
            text,
            map: SpanMap::Shift(0),
        };
        let Some(tree) = self.parse(text, Span::new(0, text.len())) else {
            return;
        };
        self.collect_errors(&tree, src);
        self.walk_seq(&children(tree.root_node()), src);
    }

    /// Reports `ERROR` and `MISSING` nodes, iteratively, descending only where errors are.
    fn collect_errors(&mut self, tree: &Tree, src: Src) {
        let root = tree.root_node();
        if !root.has_error() {
            return;
        }
        let mut count = 0;
        let mut cursor = root.walk();
        loop {
            let n = cursor.node();
            let mut descend = n.has_error();
            if n.is_error() || n.is_missing() {
                descend = false;
                count += 1;
                if count > MAX_ERRORS {
                    self.error(src.span(n), "too many syntax errors");
                    return;
                }
                if n.is_missing() {
                    let at = src.span(n);
                    self.error(Span::empty(at.start), format!("missing `{}`", n.kind()));
                } else {
                    self.error(src.span(n), "syntax error");
                }
            }
            if descend && cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return;
                }
            }
        }
    }

    /// Counts kept text; past the budget the walk stops, so that hostile nesting (each level
    /// repeating the text of the levels inside it) cannot use memory quadratic in the input.
    fn charge(&mut self, bytes: usize, span: Span) {
        self.text_bytes = self.text_bytes.saturating_add(bytes);
        if self.text_bytes > self.limits.max_text_bytes && !self.stopped {
            self.stopped = true;
            self.error(
                span,
                format!(
                    "analysis stopped after keeping {} bytes of words",
                    self.limits.max_text_bytes
                ),
            );
        }
    }

    fn enter(&mut self, node: Node, src: Src) -> bool {
        if self.stopped {
            return false;
        }
        if self.depth >= self.limits.max_depth {
            if !self.depth_reported {
                self.depth_reported = true;
                let span = src.span(node);
                self.error(
                    span,
                    format!("nesting deeper than {} levels", self.limits.max_depth),
                );
            }
            return false;
        }
        self.depth += 1;
        true
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn push_command(&mut self, span: Span, after: Option<ListOp>) -> Option<usize> {
        if self.stopped {
            return None;
        }
        if self.out.commands.len() >= self.limits.max_commands {
            if !self.commands_capped {
                self.commands_capped = true;
                self.error(
                    span,
                    format!("more than {} commands", self.limits.max_commands),
                );
            }
            return None;
        }
        self.out.commands.push(SimpleCommand {
            span,
            assignments: Vec::new(),
            words: Vec::new(),
            redirects: Vec::new(),
            pipeline: None,
            context: self.ctx.clone(),
            after,
        });
        Some(self.out.commands.len() - 1)
    }

    fn with_ctx(&mut self, ctx: &[Context], f: impl FnOnce(&mut Walker)) {
        let base = self.ctx.len();
        self.ctx.extend_from_slice(ctx);
        f(self);
        self.ctx.truncate(base);
    }

    /// A sequence of statements separated by `;`, `&` or newlines, possibly with other nodes
    /// (keywords, comments, error fragments) between them.
    fn walk_seq(&mut self, nodes: &[Node], src: Src) {
        let mut pending = None;
        let mut prev_end = None;
        for &n in nodes {
            if !n.is_named() {
                if let Some(op) = list_op(n.kind()) {
                    pending = Some(op);
                }
                continue;
            }
            let kind = n.kind();
            if kind == "comment" {
                continue;
            }
            if is_statement(kind) {
                let newline = prev_end
                    .is_some_and(|e| src.slice(e, n.start_byte()).contains('\n'))
                    .then_some(ListOp::Newline);
                let op = pending.take().or(newline);
                self.walk_stmt(n, op, src);
                prev_end = Some(n.end_byte());
            } else if is_substitution(kind) {
                self.walk_substitution(n, None, src);
            } else {
                self.walk_other(n, src);
            }
        }
    }

    /// Anything that is not a statement: look inside for statements and substitutions.
    fn walk_other(&mut self, node: Node, src: Src) {
        if node.named_child_count() == 0 || !self.enter(node, src) {
            return;
        }
        self.walk_seq(&children(node), src);
        self.leave();
    }

    fn walk_stmt(&mut self, node: Node, after: Option<ListOp>, src: Src) {
        if !self.enter(node, src) {
            return;
        }
        let start = self.out.commands.len();
        match node.kind() {
            "command" => self.walk_command(node, src),
            "declaration_command" | "unset_command" => self.walk_declaration(node, src),
            "test_command" => self.walk_test(node, src),
            "variable_assignment" | "variable_assignments" => self.walk_bare_assignments(node, src),
            "list" | "pipeline" => self.walk_items(flatten(node), None, &[], src),
            "redirected_statement" => self.walk_redirected(node, src),
            "negated_command" => self.walk_seq(&children(node), src),
            "subshell" => self.with_ctx(&[Context::Subshell], |w| w.walk_seq(&children(node), src)),
            "compound_statement" => self.walk_seq(&children(node), src),
            "if_statement" => self.walk_if(node, src),
            "while_statement" => self.walk_while(node, src),
            "for_statement" | "c_style_for_statement" => self.walk_for(node, src),
            "case_statement" => self.walk_case(node, src),
            "function_definition" => self.walk_function(node, src),
            _ => self.walk_seq(&children(node), src),
        }
        // The operator belongs to the first command the statement runs.
        if let Some(first) = self.out.commands.get_mut(start) {
            if first.after.is_none() {
                first.after = after;
            }
        }
        self.leave();
    }

    fn walk_items(
        &mut self,
        items: Vec<Item>,
        target: Option<(usize, usize)>,
        redirs: &[Node],
        src: Src,
    ) {
        for (k, item) in items.iter().enumerate() {
            let pipe = (item.stages.len() > 1).then(|| {
                let first = item.stages.first().map(|n| src.span(*n));
                let last = item.stages.last().map(|n| src.span(*n));
                let mut span = match (first, last) {
                    (Some(a), Some(b)) => a.cover(b),
                    _ => Span::default(),
                };
                if let Some(w) = item.whole {
                    span = span.cover(src.span(w));
                }
                self.out.pipelines.push(Pipeline {
                    span,
                    negated: item.negated,
                    stages: Vec::new(),
                });
                self.out.pipelines.len() - 1
            });
            for (s, &stage) in item.stages.iter().enumerate() {
                let start = self.out.commands.len();
                // Later stages follow a `|`, not a list operator.
                let op = if s == 0 { item.op } else { None };
                self.walk_stmt(stage, op, src);
                if target == Some((k, s)) {
                    self.attach_redirects(stage, start, redirs, src);
                }
                let end = self.out.commands.len();
                if let Some(p) = pipe {
                    for c in self.out.commands.get_mut(start..end).unwrap_or_default() {
                        c.pipeline.get_or_insert((p, s));
                    }
                    if let Some(pl) = self.out.pipelines.get_mut(p) {
                        pl.stages.push((start..end).collect());
                    }
                }
            }
        }
    }

    /// Builds the redirections written after `stage` (whose commands start at `start`) and gives
    /// them to its simple command, or to every command of a compound stage that is not inside a
    /// substitution or a `sh -c` string.
    fn attach_redirects(&mut self, stage: Node, start: usize, redirs: &[Node], src: Src) {
        let end = self.out.commands.len();
        let mut built = Vec::new();
        for &r in redirs {
            self.build_redirects(r, src, &mut built);
        }
        if built.is_empty() || start >= end {
            return;
        }
        let cost: usize = built.iter().map(redirect_bytes).sum();
        if is_simple(stage) {
            if let Some(c) = self.out.commands.get_mut(start) {
                c.redirects.extend(built);
            }
            return;
        }
        let base = self.ctx.len();
        let receives = |c: &SimpleCommand| {
            !c.context.get(base..).unwrap_or_default().iter().any(|x| {
                matches!(
                    x,
                    Context::CommandSubstitution { .. }
                        | Context::ProcessSubstitution { .. }
                        | Context::ShellString { .. }
                )
            })
        };
        let copies = self
            .out
            .commands
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .filter(|c| receives(c))
            .count();
        // Charge before copying (each copy also costs its struct), so hostile input
        // (`{ a; a; ... } >f >f ...`) stops the walk instead of growing quadratically.
        let per_copy = cost.saturating_add(built.len().saturating_mul(REDIRECT_OVERHEAD));
        let span = src.span(stage);
        self.charge(per_copy.saturating_mul(copies), span);
        if self.stopped {
            return;
        }
        for c in self.out.commands.get_mut(start..end).unwrap_or_default() {
            if receives(c) {
                c.redirects.extend(built.iter().cloned());
                c.redirects.sort_by_key(|r| r.span);
            }
        }
    }

    /// A redirection node into `out`; substitutions in targets run with no owner.
    fn build_redirects(&mut self, node: Node, src: Src, out: &mut Vec<Redirect>) {
        let mut desc = String::new();
        let mut op = String::new();
        let mut target = None;
        let mut end = node.end_byte();
        let mut nested = Vec::new();
        for (field, child) in fielded_children(node) {
            let kind = child.kind();
            if field == Some("descriptor") || kind == "file_descriptor" {
                desc = src.text(child).to_owned();
            } else if !child.is_named() {
                let heredoc = node.kind() == "heredoc_redirect";
                if (op.is_empty() && !heredoc) || matches!(kind, "<<" | "<<-") {
                    op = kind.to_owned();
                }
            } else if node.kind() == "heredoc_redirect" {
                match kind {
                    "heredoc_start" => {
                        let raw = src.text(child);
                        let value: String = raw
                            .chars()
                            .filter(|c| !matches!(c, '\'' | '"' | '\\'))
                            .collect();
                        target = Some(static_word(child, &src, value));
                        end = child.end_byte();
                    }
                    "file_redirect" | "herestring_redirect" => nested.push(child),
                    _ => {}
                }
            } else if target.is_none() && kind != "comment" && kind != "ERROR" {
                target = Some(build_word(child, &src));
                self.walk_substitutions(child, None, src);
            }
        }
        let local = Span::new(node.start_byte().min(end), end);
        let redirect = Redirect {
            op: format!("{desc}{op}"),
            target,
            span: src.map_span(clamp(local, src.text)),
        };
        self.charge(redirect_bytes(&redirect), redirect.span);
        out.push(redirect);
        for n in nested {
            self.build_redirects(n, src, out);
        }
    }

    /// `body redirects...`; here-documents may carry the rest of the pipeline or list.
    fn walk_redirected(&mut self, node: Node, src: Src) {
        let mut body = None;
        let mut redirs = Vec::new();
        for (field, child) in fielded_children(node) {
            match (field, child.kind()) {
                (Some("body"), _) => body = Some(child),
                (_, "file_redirect" | "heredoc_redirect" | "herestring_redirect") => {
                    redirs.push(child)
                }
                (_, k) if is_statement(k) && body.is_none() => body = Some(child),
                _ => {}
            }
        }
        let Some(body) = body else {
            // `>file` alone: a command with no words.
            if let Some(idx) = self.push_command(src.span(node), None) {
                let mut built = Vec::new();
                for &r in &redirs {
                    self.build_redirects(r, src, &mut built);
                }
                if let Some(c) = self.out.commands.get_mut(idx) {
                    c.redirects = built;
                }
            }
            return;
        };
        let mut items = flatten(body);
        let target = items
            .len()
            .checked_sub(1)
            .zip(items.last().and_then(|i| i.stages.len().checked_sub(1)));
        // tree-sitter-bash puts what follows `cat <<EOF` on its line (`| sh`, `&& b`) inside
        // the heredoc_redirect node; put it back where the shell has it.
        for h in redirs.iter().filter(|r| r.kind() == "heredoc_redirect") {
            let mut op = None;
            for (field, child) in fielded_children(*h) {
                if !child.is_named() {
                    if matches!(child.kind(), "&&" | "||") {
                        op = list_op(child.kind());
                    }
                    continue;
                }
                if child.kind() == "pipeline" && field.is_none() {
                    let mut c = child.walk();
                    let parts: Vec<Node> = child
                        .named_children(&mut c)
                        .filter(|n| is_statement(n.kind()))
                        .collect();
                    for part in parts {
                        let mut tail = flatten(part).into_iter();
                        if let (Some(first), Some(last)) = (tail.next(), items.last_mut()) {
                            last.stages.extend(first.stages);
                        }
                        items.extend(tail);
                    }
                } else if field == Some("right") || (op.is_some() && is_statement(child.kind())) {
                    let mut tail = flatten(child);
                    if let Some(first) = tail.first_mut() {
                        first.op = op.take();
                    }
                    items.extend(tail);
                }
            }
        }
        self.walk_items(items, target, &redirs, src);
        for h in redirs.iter().filter(|r| r.kind() == "heredoc_redirect") {
            let mut c = h.walk();
            let bodies: Vec<Node> = h
                .named_children(&mut c)
                .filter(|n| n.kind() == "heredoc_body")
                .collect();
            for b in bodies {
                // Unquoted here-documents run their substitutions; plain lines are data.
                self.walk_substitutions(b, None, src);
            }
        }
    }

    /// Walks every `$(..)`, backtick and `<(..)` inside a word-like subtree, in source order.
    fn walk_substitutions(&mut self, node: Node, owner: Option<usize>, src: Src) {
        let mut found = Vec::new();
        let mut cursor = node.walk();
        loop {
            let n = cursor.node();
            let is_sub = is_substitution(n.kind());
            if is_sub {
                found.push(n);
            }
            if !is_sub && cursor.goto_first_child() {
                continue;
            }
            let mut done = false;
            loop {
                if cursor.node() == node {
                    done = true;
                    break;
                }
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    done = true;
                    break;
                }
            }
            if done {
                break;
            }
        }
        for n in found {
            self.walk_substitution(n, owner, src);
        }
    }

    fn walk_substitution(&mut self, node: Node, owner: Option<usize>, src: Src) {
        if !self.enter(node, src) {
            return;
        }
        let ctx = if node.kind() == "process_substitution" {
            Context::ProcessSubstitution {
                owner,
                input: src.text(node).starts_with('<'),
            }
        } else {
            Context::CommandSubstitution { owner }
        };
        self.with_ctx(&[ctx], |w| w.walk_seq(&children(node), src));
        self.leave();
    }

    fn walk_command(&mut self, node: Node, src: Src) {
        let Some(idx) = self.push_command(src.span(node), None) else {
            return;
        };
        enum Elem<'t> {
            Assign(Node<'t>),
            Word(usize),
            Redirect(Node<'t>),
            Other(Node<'t>),
        }
        let mut elems = Vec::new();
        // Each word is a group of nodes: tree-sitter-bash splits `cu\<newline>rl` in two,
        // while the shell removes the continuation first and sees one word.
        let mut groups: Vec<Vec<Node>> = Vec::new();
        for (field, child) in fielded_children(node) {
            let kind = child.kind();
            let word = match (field, kind) {
                (_, "variable_assignment") => {
                    elems.push(Elem::Assign(child));
                    None
                }
                (_, "command_name") => Some(child.named_child(0).unwrap_or(child)),
                (Some("redirect"), _) | (_, "file_redirect" | "herestring_redirect") => {
                    elems.push(Elem::Redirect(child));
                    None
                }
                (_, "comment") => None,
                // `$"..."`: the `$` is a separate token before the string.
                (Some("argument"), "$") => None,
                (Some("argument"), _) => Some(child),
                _ if child.is_named() => {
                    elems.push(Elem::Other(child));
                    None
                }
                _ => None,
            };
            let Some(word) = word else { continue };
            let joined = matches!(elems.last(), Some(Elem::Word(_)))
                && groups.last().and_then(|g| g.last()).is_some_and(|prev| {
                    matches!(
                        src.slice(prev.end_byte(), word.start_byte()),
                        "\\\n" | "\\\r\n"
                    )
                });
            match groups.last_mut() {
                Some(g) if joined => g.push(word),
                _ => {
                    elems.push(Elem::Word(groups.len()));
                    groups.push(vec![word]);
                }
            }
        }
        let words: Vec<Word> = groups.iter().map(|g| build_word_group(g, &src)).collect();
        self.charge(words.iter().map(word_bytes).sum(), src.span(node));
        let shell_arg = shell_string_arg(&words);
        let mut assignments = Vec::new();
        let mut redirects = Vec::new();
        let owner = (!words.is_empty()).then_some(idx);
        for elem in elems {
            match elem {
                Elem::Assign(n) => {
                    assignments.push(self.assignment(n, src));
                    self.walk_substitutions(n, owner, src);
                }
                Elem::Word(k) => {
                    let group = groups.get(k).map(Vec::as_slice).unwrap_or_default();
                    for n in group {
                        self.walk_substitutions(*n, Some(idx), src);
                    }
                    self.shell_string_at(idx, k, &words, &groups, shell_arg, src);
                }
                Elem::Redirect(n) => self.build_redirects(n, src, &mut redirects),
                Elem::Other(n) => self.walk_other(n, src),
            }
        }
        if let Some(c) = self.out.commands.get_mut(idx) {
            c.assignments = assignments;
            c.words = words;
            c.redirects = redirects;
        }
    }

    /// Runs the `sh -c`/`su -c`/`eval` string if word `k` completes it.
    fn shell_string_at(
        &mut self,
        owner: usize,
        k: usize,
        words: &[Word],
        groups: &[Vec<Node>],
        arg: Option<ShellStringArg>,
        src: Src,
    ) {
        let local = |i: usize| {
            let g = groups.get(i).map(Vec::as_slice).unwrap_or_default();
            match (g.first(), g.last()) {
                (Some(a), Some(b)) => src.local(*a).cover(src.local(*b)),
                _ => Span::default(),
            }
        };
        match arg {
            Some(ShellStringArg::Word { index, strip }) if index == k => {
                let Some(word) = words.get(k) else { return };
                let Some(text) = word.value.as_deref().and_then(|v| v.get(strip..)) else {
                    return;
                };
                let map = src.map.nest(local(k), verbatim_offset(word, strip));
                self.walk_shell_string(owner, text, map);
            }
            Some(ShellStringArg::Eval { start }) if k + 1 == words.len() => {
                let parts = words.get(start..).unwrap_or_default();
                let values: Option<Vec<&str>> = parts.iter().map(|w| w.value.as_deref()).collect();
                let Some(values) = values else { return };
                let map = match parts {
                    [single] => src.map.nest(local(start), verbatim_offset(single, 0)),
                    [first, .., last] => SpanMap::Fixed(first.span.cover(last.span)),
                    [] => return,
                };
                self.walk_shell_string(owner, &values.join(" "), map);
            }
            _ => {}
        }
    }

    fn walk_shell_string(&mut self, owner: usize, text: &str, map: SpanMap) {
        let whole = map.apply(Span::new(0, text.len()));
        if self.shell_depth >= self.limits.max_shell_depth {
            self.error(
                whole,
                format!(
                    "`sh -c` strings nested deeper than {} levels",
                    self.limits.max_shell_depth
                ),
            );
            return;
        }
        if self.depth >= self.limits.max_depth || self.stopped {
            return;
        }
        let Some(tree) = self.parse(text, whole) else {
            return;
        };
        let src = Src { text, map };
        self.depth += 1;
        self.shell_depth += 1;
        self.collect_errors(&tree, src);
        self.with_ctx(&[Context::ShellString { owner }], |w| {
            w.walk_seq(&children(tree.root_node()), src)
        });
        self.shell_depth -= 1;
        self.leave();
    }

    fn assignment(&mut self, node: Node, src: Src) -> Assignment {
        let name = node
            .child_by_field_name("name")
            .map(|n| src.text(n).to_owned())
            .unwrap_or_default();
        let value = match node.child_by_field_name("value") {
            Some(v) => build_word(v, &src),
            None => {
                // `A=`: an empty static value just after the `=`.
                let at = src.map_span(Span::empty(src.local(node).end));
                Word {
                    span: at,
                    raw: String::new(),
                    value: Some(String::new()),
                    lossy: String::new(),
                    has_substitution: false,
                    has_expansion: false,
                }
            }
        };
        let span = src.span(node);
        self.charge(name.len() + word_bytes(&value), span);
        Assignment { name, value, span }
    }

    /// `FOO=1` or `A=1 B=2` with no command.
    fn walk_bare_assignments(&mut self, node: Node, src: Src) {
        let Some(idx) = self.push_command(src.span(node), None) else {
            return;
        };
        let nodes = if node.kind() == "variable_assignment" {
            vec![node]
        } else {
            let mut c = node.walk();
            node.named_children(&mut c)
                .filter(|n| n.kind() == "variable_assignment")
                .collect()
        };
        let mut assignments = Vec::new();
        for n in nodes {
            assignments.push(self.assignment(n, src));
            self.walk_substitutions(n, None, src);
        }
        if let Some(c) = self.out.commands.get_mut(idx) {
            c.assignments = assignments;
        }
    }

    /// `export A=1 B`, `local x`, `unset A`: a command named after the keyword.
    fn walk_declaration(&mut self, node: Node, src: Src) {
        let Some(idx) = self.push_command(src.span(node), None) else {
            return;
        };
        let mut nodes = Vec::new();
        for child in children(node) {
            if child.kind() == "comment" || (!child.is_named() && !nodes.is_empty()) {
                continue;
            }
            nodes.push(child);
        }
        let words: Vec<Word> = nodes.iter().map(|n| build_word(*n, &src)).collect();
        self.charge(words.iter().map(word_bytes).sum(), src.span(node));
        for n in &nodes {
            self.walk_substitutions(*n, Some(idx), src);
        }
        if let Some(c) = self.out.commands.get_mut(idx) {
            c.words = words;
        }
    }

    /// `[ -f x ]` and `[[ $a == b ]]`: a command named `[` or `[[` whose words are the leaves
    /// of the test expression, closing bracket included.
    fn walk_test(&mut self, node: Node, src: Src) {
        let Some(idx) = self.push_command(src.span(node), None) else {
            return;
        };
        let mut leaves = Vec::new();
        let mut todo = vec![node];
        while let Some(n) = todo.pop() {
            let expand = n == node
                || matches!(
                    n.kind(),
                    "unary_expression"
                        | "binary_expression"
                        | "parenthesized_expression"
                        | "ternary_expression"
                        | "postfix_expression"
                );
            if expand {
                let kids: Vec<Node> = children(n)
                    .into_iter()
                    .filter(|k| k.kind() != "comment")
                    .collect();
                todo.extend(kids.into_iter().rev());
            } else {
                leaves.push(n);
            }
        }
        let words: Vec<Word> = leaves.iter().map(|n| build_word(*n, &src)).collect();
        self.charge(words.iter().map(word_bytes).sum(), src.span(node));
        for n in &leaves {
            if is_statement(n.kind()) {
                self.walk_stmt(*n, None, src);
            } else {
                self.walk_substitutions(*n, Some(idx), src);
            }
        }
        if let Some(c) = self.out.commands.get_mut(idx) {
            c.words = words;
        }
    }

    fn walk_if(&mut self, node: Node, src: Src) {
        let mut cond = Vec::new();
        let mut body = Vec::new();
        let mut in_body = false;
        for child in children(node) {
            match child.kind() {
                "elif_clause" => {
                    self.flush_if(&mut cond, &mut body, src);
                    self.walk_if(child, src);
                }
                "else_clause" => {
                    self.flush_if(&mut cond, &mut body, src);
                    self.with_ctx(&[Context::Branch], |w| w.walk_seq(&children(child), src));
                }
                "then" => in_body = true,
                _ if in_body => body.push(child),
                _ => cond.push(child),
            }
        }
        self.flush_if(&mut cond, &mut body, src);
    }

    fn flush_if(&mut self, cond: &mut Vec<Node>, body: &mut Vec<Node>, src: Src) {
        let (c, b) = (std::mem::take(cond), std::mem::take(body));
        self.with_ctx(&[Context::Condition], |w| w.walk_seq(&c, src));
        self.with_ctx(&[Context::Branch], |w| w.walk_seq(&b, src));
    }

    fn walk_while(&mut self, node: Node, src: Src) {
        let mut cond = Vec::new();
        for (field, child) in fielded_children(node) {
            if field == Some("body") || child.kind() == "do_group" {
                let c = std::mem::take(&mut cond);
                self.with_ctx(&[Context::Loop, Context::Condition], |w| {
                    w.walk_seq(&c, src)
                });
                self.with_ctx(&[Context::Loop], |w| w.walk_seq(&children(child), src));
            } else {
                cond.push(child);
            }
        }
        self.with_ctx(&[Context::Loop, Context::Condition], |w| {
            w.walk_seq(&cond, src)
        });
    }

    fn walk_for(&mut self, node: Node, src: Src) {
        for (field, child) in fielded_children(node) {
            if field == Some("body") || child.kind() == "do_group" {
                self.with_ctx(&[Context::Loop], |w| w.walk_seq(&children(child), src));
            } else if child.is_named() && field != Some("variable") {
                self.walk_substitutions(child, None, src);
            }
        }
    }

    fn walk_case(&mut self, node: Node, src: Src) {
        for (field, child) in fielded_children(node) {
            if child.kind() == "case_item" {
                let mut stmts = Vec::new();
                for (f, part) in fielded_children(child) {
                    if f == Some("value") {
                        self.walk_substitutions(part, None, src);
                    } else {
                        stmts.push(part);
                    }
                }
                self.with_ctx(&[Context::Branch], |w| w.walk_seq(&stmts, src));
            } else if field == Some("value") {
                self.walk_substitutions(child, None, src);
            } else if child.is_named() {
                self.walk_other(child, src);
            }
        }
    }

    fn walk_function(&mut self, node: Node, src: Src) {
        let start = self.out.commands.len();
        let mut redirs = Vec::new();
        let mut body = None;
        for (field, child) in fielded_children(node) {
            match field {
                Some("body") => body = Some(child),
                Some("redirect") => redirs.push(child),
                _ => {}
            }
        }
        if let Some(b) = body {
            self.with_ctx(&[Context::Function], |w| w.walk_stmt(b, None, src));
            if !redirs.is_empty() {
                self.attach_redirects(b, start, &redirs, src);
            }
        }
    }
}

/// A local span clamped to the text.
fn clamp(span: Span, text: &str) -> Span {
    let start = crate::source::floor_boundary(text, span.start);
    let end = crate::source::floor_boundary(text, span.end).max(start);
    Span::new(start, end)
}
