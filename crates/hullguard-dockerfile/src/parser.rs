//! The line reader: directives, comments, continuations and heredocs, as
//! BuildKit's `parser.Parse` reads them.

use crate::args::{parse_instruction_line, ParsedLine};
use crate::ast::*;
use crate::logical::LogicalLine;
use crate::words::split_words;
use hullguard_diagnostics::Span;

/// Parses a Dockerfile. Never fails and never panics: problems are in
/// [`Dockerfile::errors`], and everything else is still parsed.
pub fn parse(src: &str) -> Dockerfile {
    Parser::new(src).run()
}

/// One physical line: `start..content_end` is the text without `\r\n`/`\n`;
/// `next` is where the following line starts.
#[derive(Clone, Copy)]
struct Physical {
    start: usize,
    content_end: usize,
    next: usize,
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    escape: char,
    directives_done: bool,
    escape_seen: bool,
    df: Dockerfile,
}

const DIRECTIVES: [&str; 3] = ["syntax", "escape", "check"];

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Parser<'a> {
        let pos = if src.starts_with('\u{feff}') { 3 } else { 0 };
        Parser {
            src,
            pos,
            escape: '\\',
            directives_done: false,
            escape_seen: false,
            df: Dockerfile {
                directives: Vec::new(),
                escape: '\\',
                instructions: Vec::new(),
                comments: Vec::new(),
                errors: Vec::new(),
            },
        }
    }

    fn next_line(&mut self) -> Option<Physical> {
        if self.pos >= self.src.len() {
            return None;
        }
        let start = self.pos;
        let rest = &self.src.as_bytes()[start..];
        let (mut content_end, next) = match rest.iter().position(|b| *b == b'\n') {
            Some(i) => (start + i, start + i + 1),
            None => (self.src.len(), self.src.len()),
        };
        if content_end > start && self.src.as_bytes()[content_end - 1] == b'\r' {
            content_end -= 1;
        }
        self.pos = next;
        Some(Physical {
            start,
            content_end,
            next,
        })
    }

    fn text(&self, l: Physical) -> &'a str {
        &self.src[l.start..l.content_end]
    }

    fn run(mut self) -> Dockerfile {
        while let Some(line) = self.next_line() {
            let text = self.text(line);
            let trimmed = text.trim_start();
            let lead = text.len() - trimmed.len();
            if !self.directives_done {
                if self.try_directive(line, lead) {
                    continue;
                }
                self.directives_done = true;
            }
            if trimmed.is_empty() {
                continue;
            }
            if trimmed.starts_with('#') {
                self.push_comment(line, lead);
                continue;
            }
            self.instruction(line, lead);
        }
        self.df.escape = self.escape;
        self.check_structure();
        self.df
    }

    /// Errors about the file as a whole, as BuildKit reports them: no
    /// instruction at all (a parser error), instructions other than `ARG` before
    /// the first `FROM`, and no `FROM` (build errors).
    fn check_structure(&mut self) {
        if self.df.instructions.is_empty() {
            let at = self.src.len();
            self.error(Span::empty(at), "file with no instructions", true);
            return;
        }
        let mut errors = Vec::new();
        let mut seen_from = false;
        for inst in &self.df.instructions {
            match inst.keyword {
                Keyword::From => {
                    seen_from = true;
                    break;
                }
                Keyword::Arg | Keyword::Unknown => {}
                kw => errors.push((
                    inst.keyword_span,
                    format!("{kw} before the first FROM: no build stage in current context"),
                )),
            }
        }
        if !seen_from && errors.is_empty() {
            if let Some(first) = self.df.instructions.first() {
                errors.push((
                    first.keyword_span,
                    "no FROM instruction: the file defines no build stage".to_string(),
                ));
            }
        }
        for (span, message) in errors {
            self.error(span, message, false);
        }
    }

    /// Records a parser directive if `line` is one; returns whether it was.
    fn try_directive(&mut self, line: Physical, lead: usize) -> bool {
        let text = &self.text(line)[lead..];
        let Some(body) = text.strip_prefix('#') else {
            return false;
        };
        let Some(eq) = body.find('=') else {
            return false;
        };
        let name = body[..eq].trim();
        let value = body[eq + 1..].trim();
        let valid_name = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric());
        if !valid_name || value.is_empty() {
            return false;
        }
        let lname = name.to_ascii_lowercase();
        if !DIRECTIVES.contains(&lname.as_str()) {
            // An unknown directive is a comment, and ends the directive section.
            return false;
        }
        let span = Span::new(line.start + lead, line.content_end);
        let value_start = line.start
            + lead
            + 1
            + eq
            + 1
            + (body[eq + 1..].len() - body[eq + 1..].trim_start().len());
        let value_span = Span::new(value_start, value_start + value.len());
        if lname == "escape" {
            if self.escape_seen {
                self.error(span, "only one escape parser directive can be used", true);
            } else {
                self.escape_seen = true;
                match value {
                    "\\" => self.escape = '\\',
                    "`" => self.escape = '`',
                    other => self.error(
                        value_span,
                        format!("invalid escape token '{other}' does not match ` or \\"),
                        true,
                    ),
                }
            }
        } else if self.df.directives.iter().any(|d| d.name == lname) {
            self.error(
                span,
                format!("only one {lname} parser directive can be used"),
                true,
            );
        }
        self.df.comments.push(Comment {
            span,
            text: body.trim().to_string(),
        });
        self.df.directives.push(Directive {
            name: lname,
            value: value.to_string(),
            span,
            value_span,
        });
        true
    }

    fn push_comment(&mut self, line: Physical, lead: usize) {
        let span = Span::new(line.start + lead, line.content_end);
        let text = span
            .text(self.src)
            .trim_start_matches('#')
            .trim()
            .to_string();
        self.df.comments.push(Comment { span, text });
    }

    fn error(&mut self, span: Span, message: impl Into<String>, syntax: bool) {
        self.df.errors.push(ParseError {
            span,
            message: message.into(),
            syntax,
        });
    }

    /// Strips a trailing continuation (`escape` followed by blanks). Returns the
    /// content end and whether the line continues.
    fn continuation(&self, line: Physical, from: usize) -> (usize, bool) {
        let text = &self.src[from..line.content_end];
        let trimmed = text.trim_end_matches([' ', '\t']);
        if trimmed.ends_with(self.escape) {
            (from + trimmed.len() - self.escape.len_utf8(), true)
        } else {
            (line.content_end, false)
        }
    }

    fn instruction(&mut self, first: Physical, lead: usize) {
        let start = first.start + lead;
        let mut logical = LogicalLine::empty(start);
        let (end, mut cont) = self.continuation(first, start);
        logical.push(self.src, Span::new(start, end));
        let mut last_end = first.content_end;
        while cont {
            let Some(line) = self.next_line() else {
                break;
            };
            let text = self.text(line);
            let trimmed = text.trim_start();
            if trimmed.starts_with('#') {
                self.push_comment(line, text.len() - trimmed.len());
                continue;
            }
            if trimmed.is_empty() {
                continue;
            }
            let (end, c) = self.continuation(line, line.start);
            logical.push(self.src, Span::new(line.start, end));
            last_end = line.content_end;
            cont = c;
        }
        let ParsedLine {
            mut instruction,
            errors,
        } = parse_instruction_line(&logical, self.escape, true);
        self.df.errors.extend(errors);
        instruction.span = Span::new(start, last_end.max(start));
        if instruction.keyword.can_contain_heredoc() {
            self.heredocs(&mut instruction);
        }
        self.df.instructions.push(instruction);
    }

    /// Finds heredoc markers in the arguments and reads their bodies.
    fn heredocs(&mut self, inst: &mut Instruction) {
        let is_json = matches!(inst.args, Args::Command(CommandForm::Exec { .. }))
            || (matches!(inst.keyword, Keyword::Copy | Keyword::Add)
                && inst.rest.text().trim_start().starts_with('[')
                && crate::json::parse_string_array(inst.rest.text().trim_start()).is_some());
        if is_json {
            return;
        }
        let rest = inst.rest.clone();
        let text = rest.text();
        for word in split_words(text, '\\') {
            let raw = &text[word.start..word.end];
            let Some(marker) = parse_marker(raw) else {
                continue;
            };
            let marker_span = rest.span(word.start, word.end);
            let mut body = LogicalLine::empty(self.pos);
            let mut terminator_span = None;
            while let Some(line) = self.next_line() {
                let content = self.text(line);
                let candidate = if marker.strip_tabs {
                    content.trim_start_matches('\t')
                } else {
                    content
                };
                if candidate == marker.name {
                    terminator_span = Some(Span::new(line.start, line.content_end));
                    inst.span = Span::new(inst.span.start, line.content_end);
                    break;
                }
                let skip = if marker.strip_tabs {
                    content.len() - content.trim_start_matches('\t').len()
                } else {
                    0
                };
                // Each body line keeps its newline, as BuildKit's content does.
                body.push(self.src, Span::new(line.start + skip, line.next));
                inst.span = Span::new(inst.span.start, line.content_end);
            }
            if terminator_span.is_none() {
                self.error(
                    marker_span,
                    format!("unterminated heredoc: no line `{}` ends it", marker.name),
                    true,
                );
            }
            inst.heredocs.push(Heredoc {
                name: marker.name,
                marker_span,
                strip_tabs: marker.strip_tabs,
                expand: marker.expand,
                fd: marker.fd,
                body,
                terminator_span,
            });
        }
    }
}

struct Marker {
    name: String,
    strip_tabs: bool,
    expand: bool,
    fd: Option<u32>,
}

/// Recognises a heredoc word `[fd]<<[-]NAME` (BuildKit `reHeredoc`
/// `^(\d*)<<(-?)([^<]*)$`), where NAME is one shell word, possibly quoted.
fn parse_marker(word: &str) -> Option<Marker> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let after = word[digits..].strip_prefix("<<")?;
    let (strip_tabs, rest) = match after.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, after),
    };
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    let fd = if digits > 0 {
        word[..digits].parse().ok()
    } else {
        None
    };
    let (name, quoted) = unquote_word(rest)?;
    if name.is_empty() {
        return None;
    }
    Some(Marker {
        name,
        strip_tabs,
        expand: !quoted,
        fd,
    })
}

/// Removes shell quoting from one word; `None` when it is several words.
fn unquote_word(s: &str) -> Option<(String, bool)> {
    let mut out = String::new();
    let mut quoted = false;
    let mut quote: Option<char> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match quote {
            None => match c {
                '\'' | '"' => {
                    quote = Some(c);
                    quoted = true;
                }
                '\\' => {
                    quoted = true;
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                }
                c if c.is_whitespace() => return None,
                c => out.push(c),
            },
            Some(q) => {
                if c == q {
                    quote = None;
                } else if c == '\\' && q == '"' {
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                } else {
                    out.push(c);
                }
            }
        }
    }
    Some((out, quoted))
}
