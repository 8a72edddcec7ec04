//! Instruction lines: keyword, flags and the arguments of each instruction kind
//! (BuildKit's `newNodeFromLine` and its `parse*` dispatch table).

use crate::ast::*;
use crate::json::parse_string_array;
use crate::logical::LogicalLine;
use crate::words::{extract_flags, split_words, RawWord};
use hullguard_diagnostics::Span;

pub(crate) struct ParsedLine {
    pub instruction: Instruction,
    pub errors: Vec<ParseError>,
}

struct Errors(Vec<ParseError>);

impl Errors {
    fn syntax(&mut self, span: Span, msg: impl Into<String>) {
        self.0.push(ParseError {
            span,
            message: msg.into(),
            syntax: true,
        });
    }
    fn build(&mut self, span: Span, msg: impl Into<String>) {
        self.0.push(ParseError {
            span,
            message: msg.into(),
            syntax: false,
        });
    }
}

/// Parses one logical instruction line (keyword first, no leading blanks).
pub(crate) fn parse_instruction_line(
    line: &LogicalLine,
    escape: char,
    allow_onbuild: bool,
) -> ParsedLine {
    let mut errors = Errors(Vec::new());
    let text = line.text();
    let kw_end = text.find(|c: char| c.is_whitespace()).unwrap_or(text.len());
    let keyword_text = text[..kw_end].to_string();
    let keyword = Keyword::parse(&keyword_text);
    let keyword_span = line.span(0, kw_end);
    let after = line.slice(kw_end, text.len());
    // Leading blanks after the keyword belong to neither flags nor args.
    let lead = after.text().len() - after.text().trim_start().len();
    let after = after.slice(lead, after.text().len());

    let (raw_flags, rest_at) = extract_flags(after.text());
    let flags = raw_flags
        .iter()
        .map(|f| {
            let (name, value) = match f.word.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (f.word.clone(), None),
            };
            Flag {
                name,
                value,
                span: after.span(f.start, f.end),
                value_span: f.value_start.map(|v| after.span(v, f.end)),
            }
        })
        .collect();
    let rest = after.slice(rest_at, after.text().len());
    let rest = trim_end(&rest);

    let args = match keyword {
        Keyword::From => parse_from(&rest, &mut errors, keyword_span),
        Keyword::Run | Keyword::Cmd | Keyword::Entrypoint => {
            if rest.is_empty() {
                errors.build(
                    keyword_span,
                    format!("{keyword} requires at least one argument"),
                );
            }
            Args::Command(command_form(&rest, &mut errors))
        }
        Keyword::Shell => {
            let form = command_form(&rest, &mut errors);
            if !form.is_exec() {
                errors.build(
                    rest.full_span().cover(keyword_span),
                    "SHELL requires the arguments to be in JSON form",
                );
            }
            Args::Command(form)
        }
        Keyword::Env | Keyword::Label => parse_name_val(&rest, keyword, escape, &mut errors),
        Keyword::Arg => parse_arg(&rest, escape, &mut errors, keyword_span),
        Keyword::Copy | Keyword::Add => {
            parse_paths(&rest, keyword, escape, &mut errors, keyword_span)
        }
        Keyword::User | Keyword::Workdir | Keyword::Stopsignal | Keyword::Maintainer => {
            if rest.is_empty() {
                errors.build(
                    keyword_span,
                    format!("{keyword} requires exactly one argument"),
                );
            }
            Args::Single(Word {
                text: rest.text().to_string(),
                span: rest.full_span(),
            })
        }
        Keyword::Expose => {
            if rest.is_empty() {
                errors.build(keyword_span, "EXPOSE requires at least one argument");
            }
            Args::Words(words_of(&rest, escape))
        }
        Keyword::Volume => {
            if rest.is_empty() {
                errors.build(keyword_span, "VOLUME requires at least one argument");
            }
            not_string_array(&rest, &mut errors);
            match json_words(&rest) {
                Some(w) => Args::Words(w),
                None => Args::Words(words_of(&rest, escape)),
            }
        }
        Keyword::Healthcheck => parse_healthcheck(&rest, &mut errors, keyword_span),
        Keyword::Onbuild if !allow_onbuild => {
            // `ONBUILD ONBUILD ...`: reported by the outer level; never recurse
            // further (hostile input could nest without bound).
            Args::Raw
        }
        Keyword::Onbuild => {
            if rest.is_empty() {
                errors.build(keyword_span, "ONBUILD requires at least one argument");
                Args::Raw
            } else {
                let inner = parse_instruction_line(&rest, escape, false);
                errors.0.extend(inner.errors);
                let mut inst = inner.instruction;
                inst.span = rest.full_span();
                match inst.keyword {
                    Keyword::Onbuild | Keyword::From | Keyword::Maintainer => {
                        errors.build(
                            inst.keyword_span,
                            format!("{} isn't allowed as an ONBUILD trigger", inst.keyword),
                        );
                    }
                    _ => {}
                }
                Args::Onbuild(Box::new(inst))
            }
        }
        Keyword::Unknown => {
            errors.build(keyword_span, format!("unknown instruction: {keyword_text}"));
            Args::Raw
        }
    };
    let span = line.full_span();
    ParsedLine {
        instruction: Instruction {
            keyword,
            keyword_text,
            keyword_span,
            span,
            line: after,
            flags,
            rest,
            args,
            heredocs: Vec::new(),
        },
        errors: errors.0,
    }
}

fn trim_end(line: &LogicalLine) -> LogicalLine {
    let t = line.text();
    line.slice(0, t.trim_end().len())
}

fn words_of(line: &LogicalLine, escape: char) -> Vec<Word> {
    split_words(line.text(), escape)
        .into_iter()
        .map(|w| Word {
            text: line.text()[w.start..w.end].to_string(),
            span: line.span(w.start, w.end),
        })
        .collect()
}

fn command_form(rest: &LogicalLine, errors: &mut Errors) -> CommandForm {
    let text = rest.text();
    if text.starts_with('[') {
        not_string_array(rest, errors);
        if let Some((elems, end)) = parse_string_array(text) {
            return CommandForm::Exec {
                args: elems
                    .into_iter()
                    .map(|(value, s, e)| JsonString {
                        value,
                        span: rest.span(s, e),
                    })
                    .collect(),
                span: rest.span(0, end),
            };
        }
    }
    CommandForm::Shell(rest.clone())
}

/// BuildKit (`parseMaybeJSON`): text that is valid JSON but an array with
/// non-string elements is an error, not shell form. (`null` decodes to "" in Go.)
fn not_string_array(rest: &LogicalLine, errors: &mut Errors) {
    if let Ok(serde_json::Value::Array(items)) =
        serde_json::from_str::<serde_json::Value>(rest.text())
    {
        if items.iter().any(|v| !v.is_string() && !v.is_null()) {
            errors.syntax(rest.full_span(), "arrays must be comprised of strings only");
        }
    }
}

/// JSON array form decoded into words (COPY, ADD, VOLUME).
fn json_words(rest: &LogicalLine) -> Option<Vec<Word>> {
    let text = rest.text();
    if !text.starts_with('[') {
        return None;
    }
    let (elems, _) = parse_string_array(text)?;
    Some(
        elems
            .into_iter()
            .map(|(value, s, e)| Word {
                // Re-quote so that expansion treats it as one literal-ish word.
                text: value,
                span: rest.span(s, e),
            })
            .collect(),
    )
}

fn parse_from(rest: &LogicalLine, errors: &mut Errors, kw: Span) -> Args {
    let words = words_of(rest, '\\');
    let mut iter = words.into_iter();
    let Some(image) = iter.next() else {
        errors.build(kw, "FROM requires either one or three arguments");
        return Args::Raw;
    };
    let others: Vec<Word> = iter.collect();
    let alias = match others.as_slice() {
        [] => None,
        [as_kw, name] if as_kw.text.eq_ignore_ascii_case("as") => Some(name.clone()),
        _ => {
            let span = others
                .iter()
                .fold(others[0].span, |acc, w| acc.cover(w.span));
            errors.build(span, "FROM requires either one or three arguments");
            None
        }
    };
    Args::From { image, alias }
}

/// ENV and LABEL: `KEY value` (legacy) or `KEY=value ...`.
fn parse_name_val(rest: &LogicalLine, keyword: Keyword, escape: char, errors: &mut Errors) -> Args {
    let text = rest.text();
    let words = split_words(text, escape);
    let Some(first) = words.first() else {
        errors.syntax(
            rest.full_span(),
            format!("{keyword} requires at least one argument"),
        );
        return Args::KeyValues(Vec::new());
    };
    if !text[first.start..first.end].contains('=') {
        // Legacy form: the rest of the line, after the key, is the value.
        let key_end = first.end;
        let value_start = key_end + (text[key_end..].len() - text[key_end..].trim_start().len());
        if value_start >= text.len() {
            errors.syntax(
                rest.full_span(),
                format!("{keyword} must have two arguments"),
            );
            return Args::KeyValues(Vec::new());
        }
        return Args::KeyValues(vec![KeyValue {
            key: Word {
                text: text[first.start..key_end].to_string(),
                span: rest.span(first.start, key_end),
            },
            value: Some(Word {
                text: text[value_start..].to_string(),
                span: rest.span(value_start, text.len()),
            }),
            span: rest.full_span(),
        }]);
    }
    let mut out = Vec::new();
    for w in &words {
        let wt = &text[w.start..w.end];
        match wt.contains('=') {
            true => out.push(key_value(rest, w)),
            false => errors.syntax(
                rest.span(w.start, w.end),
                format!("syntax error - can't find = in {wt:?}; must be of the form: name=value"),
            ),
        }
    }
    Args::KeyValues(out)
}

fn parse_arg(rest: &LogicalLine, escape: char, errors: &mut Errors, kw: Span) -> Args {
    let words = split_words(rest.text(), escape);
    if words.is_empty() {
        errors.build(kw, "ARG requires at least one argument");
    }
    Args::KeyValues(words.iter().map(|w| key_value(rest, w)).collect())
}

/// `name=value` (or a bare `name`) from one word of `rest`.
fn key_value(rest: &LogicalLine, w: &RawWord) -> KeyValue {
    let wt = &rest.text()[w.start..w.end];
    let (key_end, value) = match wt.find('=') {
        Some(eq) => (
            w.start + eq,
            Some(Word {
                text: wt[eq + 1..].to_string(),
                span: rest.span(w.start + eq + 1, w.end),
            }),
        ),
        None => (w.end, None),
    };
    KeyValue {
        key: Word {
            text: rest.text()[w.start..key_end].to_string(),
            span: rest.span(w.start, key_end),
        },
        value,
        span: rest.span(w.start, w.end),
    }
}

fn parse_paths(
    rest: &LogicalLine,
    keyword: Keyword,
    escape: char,
    errors: &mut Errors,
    kw: Span,
) -> Args {
    if rest.text().starts_with('[') {
        not_string_array(rest, errors);
    }
    let mut words = json_words(rest).unwrap_or_else(|| words_of(rest, escape));
    let has_heredoc = words
        .iter()
        .any(|w| w.text.starts_with("<<") || w.text.contains("<<"));
    if words.len() < 2 && (!has_heredoc || words.is_empty()) {
        errors.build(
            if words.is_empty() {
                kw
            } else {
                rest.full_span()
            },
            format!("{keyword} requires at least two arguments"),
        );
    }
    let dest = if words.len() >= 2 { words.pop() } else { None };
    Args::Paths {
        sources: words,
        dest,
    }
}

/// BuildKit's parser accepts any `HEALTHCHECK` type and arguments; the checks
/// below are the build's (instructions.Parse), so they are build errors.
fn parse_healthcheck(rest: &LogicalLine, errors: &mut Errors, kw: Span) -> Args {
    let text = rest.text();
    let end = text.find(char::is_whitespace).unwrap_or(text.len());
    let typ = &text[..end];
    if typ.eq_ignore_ascii_case("NONE") {
        if !text[end..].trim().is_empty() {
            errors.build(
                rest.span(end, text.len()),
                "HEALTHCHECK NONE takes no arguments",
            );
        }
        return Args::Healthcheck(Healthcheck::None);
    }
    if typ.eq_ignore_ascii_case("CMD") {
        let after = rest.slice(end, text.len());
        let lead = after.text().len() - after.text().trim_start().len();
        let cmd = after.slice(lead, after.text().len());
        if cmd.is_empty() {
            errors.build(rest.span(0, end), "missing command after HEALTHCHECK CMD");
        }
        return Args::Healthcheck(Healthcheck::Cmd(command_form(&cmd, errors)));
    }
    if typ.is_empty() {
        errors.build(kw, "HEALTHCHECK requires a type: CMD or NONE");
    } else {
        errors.build(
            rest.span(0, end),
            format!("unknown type {typ:?} in HEALTHCHECK (try CMD)"),
        );
    }
    Args::Raw
}
