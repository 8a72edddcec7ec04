//! Reading one `docker run` / `docker create` command (or `podman run|create`) into a
//! [`RunCommand`], the way the Docker CLI reads its arguments: cobra/pflag rules, with
//! interspersed arguments off, so the first word that is not a flag is the image and
//! everything after it is the container's command.
//!
//! pflag in brief (<https://github.com/spf13/pflag/blob/master/flag.go>, `parseArgs`):
//! `--flag=value` and `--flag value` (the next word is taken whatever it looks like);
//! boolean flags take a value only as `--flag=false`, so `--privileged false` makes
//! `false` the image; shorthands combine (`-itd`), and the first one that takes a value
//! takes the rest of the word (`-p80:80`, `-dp 80:80`, `-p=80:80`); `--` ends the flags.

use std::sync::Arc;

use hullguard_container::{ContainerSpec, Setting, SourceKind};
use hullguard_diagnostics::{Location, SourceFile, Span};
use hullguard_shell::{SimpleCommand, Word};

use crate::apply::Builder;
use crate::flags::{Flag, Program};
use crate::words::{Arg, Shape};
use crate::RunCommand;

/// A flag's value: static text, or a word only known at run time.
#[derive(Debug, Clone)]
pub(crate) struct Val {
    /// The value, when static.
    pub(crate) text: Option<String>,
    /// The static text the value starts with (all of it when static).
    pub(crate) prefix: String,
    /// The value with expansions kept as written (`$PWD:/src`), for labels.
    pub(crate) lossy: String,
    /// Where the value is: the value word, or the value part of `--flag=value`.
    pub(crate) span: Span,
}

/// The subcommand found after the program and its global options.
struct Head {
    create: bool,
    /// Index (into the program's arguments) of the first word after `run` / `create`.
    start: usize,
    problems: Vec<(Span, String)>,
}

/// Reads `cmd` when it runs `docker run|create`, `docker container run|create` or the
/// podman equivalents (after wrappers such as `sudo`, `env`, `exec`, `command`).
pub(crate) fn parse_command(file: &Arc<SourceFile>, cmd: &SimpleCommand) -> Option<RunCommand> {
    let (name, rest) = cmd.unwrapped()?;
    let program = Program::from_name(name)?;
    let prog_idx = cmd.words.len().checked_sub(rest.len() + 1)?;
    let prog_word = cmd.words.get(prog_idx)?;
    let args: Vec<Arg> = rest.iter().map(Arg::new).collect();
    let head = find_subcommand(program, &args)?;
    let sub = if head.create { "create" } else { "run" };
    let at = Location::file(file, prog_word.span);
    let spec = ContainerSpec::new(SourceKind::DockerRun, "command", "", at);
    let mut b = Builder::new(file, program, sub, spec);
    for (span, message) in head.problems {
        b.problem(span, message);
    }
    let run_args = args.get(head.start..).unwrap_or_default();
    b.parse_flags(run_args);
    b.finish(cmd.span, prog_word.span)
}

/// Skips the global options (`docker -H tcp://x --context c run`) and returns where the
/// `run` / `create` arguments start; `None` for any other subcommand.
fn find_subcommand(program: Program, args: &[Arg]) -> Option<Head> {
    let mut problems = Vec::new();
    let mut j = 0;
    while let Some(a) = args.get(j) {
        // A dynamic word here can only be global options (`docker $DOCKER_OPTS run`):
        // the subcommand must still be found as a static word.
        let Some(v) = a.value else {
            j += 1;
            continue;
        };
        match v {
            "run" | "create" => {
                return Some(Head {
                    create: v == "create",
                    start: j + 1,
                    problems,
                })
            }
            "container" => {
                let next = args.get(j + 1)?.value?;
                return match next {
                    "run" | "create" => Some(Head {
                        create: next == "create",
                        start: j + 2,
                        problems,
                    }),
                    _ => None,
                };
            }
            _ => {}
        }
        if let Some(long) = v.strip_prefix("--") {
            let (name, has_value) = match long.split_once('=') {
                Some((n, _)) => (n, true),
                None => (long, false),
            };
            j += 1;
            match program.global_long(name) {
                Some(f) if f.stops => return None,
                Some(f) => {
                    if f.takes_value && !has_value {
                        j += 1;
                    }
                }
                None => {
                    problems.push((
                        a.word.span,
                        format!(
                            "unknown global flag `--{}` for `{}`",
                            shown(name),
                            program.as_str()
                        ),
                    ));
                    // Unknown arity: a following word that is not a subcommand or a flag
                    // is taken as its value.
                    if !has_value && args.get(j).is_some_and(|n| !is_keyword_or_flag(n)) {
                        j += 1;
                    }
                }
            }
            continue;
        }
        let Some(cluster) = v.strip_prefix('-').filter(|c| !c.is_empty()) else {
            // Another subcommand (`compose`, `exec`, `build` ...).
            return None;
        };
        j += 1;
        let mut reported = false;
        for (pos, c) in cluster.char_indices() {
            match program.global_short(c) {
                Some(f) if f.stops => return None,
                Some(f) if f.takes_value => {
                    if pos + c.len_utf8() == cluster.len() {
                        j += 1;
                    }
                    break;
                }
                Some(_) => {}
                // One problem per word: a hostile `-ZZZZ...` must not make one per letter.
                None if !reported => {
                    reported = true;
                    problems.push((
                        a.word.span,
                        format!("unknown global flag `-{c}` for `{}`", program.as_str()),
                    ));
                }
                None => {}
            }
        }
    }
    None
}

/// Longest piece of input text quoted in a message.
const MAX_SHOWN: usize = 64;

/// Input text for a message, cut to [`MAX_SHOWN`] bytes (on a char boundary).
pub(crate) fn shown(s: &str) -> std::borrow::Cow<'_, str> {
    if s.len() <= MAX_SHOWN {
        return std::borrow::Cow::Borrowed(s);
    }
    let end = hullguard_diagnostics::floor_char_boundary(s, MAX_SHOWN);
    std::borrow::Cow::Owned(format!("{}…", s.get(..end).unwrap_or("")))
}

fn is_keyword_or_flag(a: &Arg) -> bool {
    match a.value {
        Some(v) => v.starts_with('-') || matches!(v, "run" | "create" | "container"),
        None => false,
    }
}

/// Whether the source text at a word's span is exactly its raw text (not so inside a
/// `sh -c "..."` string that had to be unescaped: all its words then share one span).
pub(crate) fn is_verbatim(file: &SourceFile, word: &Word) -> bool {
    file.text.get(word.span.range()) == Some(word.raw.as_str())
}

/// The span of the value part of a word that starts with `flag` (`--cap-add=` or `-p`),
/// written plainly or inside one pair of quotes; the whole word otherwise.
pub(crate) fn value_span(file: &SourceFile, word: &Word, flag: &str) -> Span {
    let s = word.span;
    if flag.is_empty() || !is_verbatim(file, word) {
        return s;
    }
    let raw = word.raw.as_str();
    if raw.starts_with(flag) {
        return Span::new(s.start + flag.len(), s.end);
    }
    for q in ['"', '\''] {
        let quoted = raw.len() >= flag.len() + 2
            && raw.starts_with(q)
            && raw.ends_with(q)
            && raw.get(1..).is_some_and(|r| r.starts_with(flag));
        if quoted {
            return Span::new(s.start + 1 + flag.len(), s.end - 1);
        }
    }
    s
}

impl Val {
    /// A whole word as the value.
    fn word(arg: &Arg) -> Val {
        let text = arg.value.map(str::to_owned);
        let prefix = match &text {
            Some(t) => t.clone(),
            None => arg.shape().prefix,
        };
        Val {
            text,
            prefix,
            lossy: arg.word.lossy.clone(),
            span: arg.word.span,
        }
    }

    /// The rest of a static word after `flag` (`--name=` or `-p`).
    fn attached(file: &SourceFile, arg: &Arg, value: &str, flag: &str) -> Val {
        let rest = value.get(flag.len()..).unwrap_or("").to_owned();
        Val {
            text: Some(rest.clone()),
            prefix: rest.clone(),
            lossy: rest,
            span: value_span(file, arg.word, flag),
        }
    }

    /// The rest of a dynamic word after `flag`, a prefix of its static start.
    fn attached_dynamic(file: &SourceFile, arg: &Arg, shape: &Shape, flag: &str) -> Val {
        let lossy = &arg.word.lossy;
        let lossy = match lossy.strip_prefix(flag) {
            Some(rest) => rest.to_owned(),
            None => lossy.clone(),
        };
        Val {
            text: None,
            prefix: shape.prefix.get(flag.len()..).unwrap_or("").to_owned(),
            lossy,
            span: value_span(file, arg.word, flag),
        }
    }
}

/// Parameter-name words that suggest flags rather than an image.
const FLAG_WORDS: &[&str] = &[
    "OPT",
    "OPTS",
    "OPTION",
    "OPTIONS",
    "ARG",
    "ARGS",
    "ARGV",
    "ARGUMENTS",
    "FLAG",
    "FLAGS",
    "PARAM",
    "PARAMS",
    "EXTRA",
];
/// Parameter-name words that suggest an image.
const IMAGE_WORDS: &[&str] = &["IMAGE", "IMAGES", "IMG", "REPO", "REPOSITORY"];

/// Whether a word in flag position that starts with an expansion is the image rather
/// than flags. The shell cannot say; see the crate documentation for the rules.
fn dynamic_is_image(shape: &Shape, is_last: bool) -> bool {
    if shape.list {
        return false;
    }
    if shape.ref_tail {
        return true;
    }
    let name = shape.param.as_deref().unwrap_or("").to_ascii_uppercase();
    let parts: Vec<&str> = name.split('_').filter(|p| !p.is_empty()).collect();
    let has = |words: &[&str]| {
        parts.iter().any(|p| words.contains(p))
            || words.iter().any(|w| w.len() > 3 && name.ends_with(w))
    };
    if has(FLAG_WORDS) {
        return false;
    }
    if has(IMAGE_WORDS) {
        return true;
    }
    is_last
}

impl Builder<'_> {
    /// Reads the flags, then the image. Everything after the image is its command.
    pub(crate) fn parse_flags(&mut self, args: &[Arg]) {
        let mut i = 0;
        while let Some(a) = args.get(i) {
            i += 1;
            if let Some(v) = a.value {
                if v == "--" {
                    self.set_flags_end(a);
                    if let Some(image) = args.get(i) {
                        self.set_image(image);
                    }
                    return;
                }
                if let Some(long) = v.strip_prefix("--") {
                    self.long_flag(a, v, long, args, &mut i);
                    continue;
                }
                if v.len() > 1 && v.starts_with('-') {
                    self.short_flags(a, v, args, &mut i);
                    continue;
                }
                self.set_image(a);
                return;
            }
            let shape = a.shape();
            let p = shape.prefix.as_str();
            if let Some(long) = p.strip_prefix("--") {
                match long.split_once('=') {
                    Some((name, _)) if !name.is_empty() => {
                        let flag = format!("--{name}=");
                        self.long_dynamic(a, &shape, name, &flag);
                    }
                    // The flag's name itself is only known at run time.
                    _ => self.hidden_flags(a),
                }
                continue;
            }
            if p.starts_with('-') {
                self.short_dynamic(a, &shape);
                continue;
            }
            if !p.is_empty() || dynamic_is_image(&shape, i == args.len()) {
                self.set_image(a);
                return;
            }
            self.hidden_flags(a);
        }
    }

    fn lookup_long(&mut self, word: &Word, name: &str) -> Option<&'static Flag> {
        if name.is_empty() || name.starts_with(['-', '=']) {
            self.problem(
                word.span,
                format!("bad flag syntax `{}`", shown(&word.lossy)),
            );
            return None;
        }
        let flag = self.program.long(name);
        if flag.is_none() {
            let cmd = self.command_name();
            self.problem(
                word.span,
                format!("unknown flag `--{}` for `{cmd}`", shown(name)),
            );
        }
        flag
    }

    /// `--flag`, `--flag=value` or `--flag value`.
    fn long_flag(&mut self, a: &Arg, v: &str, long: &str, args: &[Arg], i: &mut usize) {
        let (name, has_value) = match long.split_once('=') {
            Some((n, _)) => (n, true),
            None => (long, false),
        };
        // An unknown flag is read as a boolean: its arity is unknown, and the CLI would
        // refuse the command anyway (reported).
        let Some(flag) = self.lookup_long(a.word, name) else {
            return;
        };
        let display = format!("--{name}");
        let prefix = format!("--{name}=");
        if !flag.takes_value {
            let value = has_value.then(|| Val::attached(self.file, a, v, &prefix));
            self.bool_flag(flag, &display, a.word.span, value);
        } else if has_value {
            let val = Val::attached(self.file, a, v, &prefix);
            self.value_flag(flag, &display, val);
        } else {
            self.next_value(flag, &display, a.word.span, args, i);
        }
    }

    /// `--flag=$VALUE`: a known name with a value only known at run time.
    fn long_dynamic(&mut self, a: &Arg, shape: &Shape, name: &str, prefix: &str) {
        let Some(flag) = self.lookup_long(a.word, name) else {
            return;
        };
        let display = format!("--{name}");
        let val = Val::attached_dynamic(self.file, a, shape, prefix);
        if flag.takes_value {
            self.value_flag(flag, &display, val);
        } else {
            self.bool_flag(flag, &display, a.word.span, Some(val));
        }
    }

    /// The value of a flag in the next word.
    fn next_value(
        &mut self,
        flag: &'static Flag,
        display: &str,
        flag_span: Span,
        args: &[Arg],
        i: &mut usize,
    ) {
        match args.get(*i) {
            Some(next) => {
                *i += 1;
                let val = Val::word(next);
                self.value_flag(flag, display, val);
            }
            None => self.problem(flag_span, format!("flag `{display}` needs a value")),
        }
    }

    /// `-itd`, `-p80:80`, `-p=80:80`, `-dp 80:80`.
    fn short_flags(&mut self, a: &Arg, v: &str, args: &[Arg], i: &mut usize) {
        let mut off = 1;
        let mut reported = false;
        while let Some(c) = v.get(off..).and_then(|s| s.chars().next()) {
            let after = off + c.len_utf8();
            off = after;
            let Some(flag) = self.lookup_short(a.word, c, v, &mut reported) else {
                continue;
            };
            let display = format!("-{c}");
            let tail = v.get(after..).unwrap_or("");
            if tail.len() > 1 && tail.starts_with('=') {
                let val = Val::attached(self.file, a, v, v.get(..after + 1).unwrap_or(v));
                if flag.takes_value {
                    self.value_flag(flag, &display, val);
                } else {
                    self.bool_flag(flag, &display, a.word.span, Some(val));
                }
                return;
            }
            if !flag.takes_value {
                self.bool_flag(flag, &display, a.word.span, None);
                continue;
            }
            if !tail.is_empty() {
                let val = Val::attached(self.file, a, v, v.get(..after).unwrap_or(v));
                self.value_flag(flag, &display, val);
            } else {
                self.next_value(flag, &display, a.word.span, args, i);
            }
            return;
        }
    }

    /// A shorthand; an unknown one is reported once per word (`reported`), so that a
    /// hostile `-ZZZZ...` does not make one problem per letter.
    fn lookup_short(
        &mut self,
        word: &Word,
        c: char,
        v: &str,
        reported: &mut bool,
    ) -> Option<&'static Flag> {
        let flag = self.program.short(c);
        if flag.is_none() && !*reported {
            *reported = true;
            let cmd = self.command_name();
            self.problem(
                word.span,
                format!(
                    "unknown shorthand flag `-{c}` in `{}` for `{cmd}`",
                    shown(v)
                ),
            );
        }
        flag
    }

    /// A shorthand cluster whose end is only known at run time: `-e$X`, `-it$X`.
    fn short_dynamic(&mut self, a: &Arg, shape: &Shape) {
        let p = shape.prefix.as_str();
        let mut off = 1;
        let mut reported = false;
        while let Some(c) = p.get(off..).and_then(|s| s.chars().next()) {
            let after = off + c.len_utf8();
            off = after;
            let Some(flag) = self.lookup_short(a.word, c, &a.word.lossy, &mut reported) else {
                continue;
            };
            let display = format!("-{c}");
            let tail = p.get(after..).unwrap_or("");
            let flag_text = if tail.starts_with('=') {
                p.get(..after + 1).unwrap_or(p)
            } else {
                p.get(..after).unwrap_or(p)
            };
            if tail.starts_with('=') || flag.takes_value {
                let val = Val::attached_dynamic(self.file, a, shape, flag_text);
                if flag.takes_value {
                    self.value_flag(flag, &display, val);
                } else {
                    self.bool_flag(flag, &display, a.word.span, Some(val));
                }
                return;
            }
            self.bool_flag(flag, &display, a.word.span, None);
        }
        // The static letters ran out: the run-time part continues the cluster.
        self.hidden_flags(a);
    }

    /// A boolean flag, with its `=value` when written.
    fn bool_flag(&mut self, flag: &'static Flag, display: &str, span: Span, value: Option<Val>) {
        let at = Location::file(self.file, span);
        let setting = match value {
            None => Setting::set(true, at),
            Some(val) => match val.text.as_deref() {
                None => Setting::Unknown(at),
                Some(t) => match hullguard_container::parse_bool(t) {
                    Some(v) => Setting::set(v, at),
                    None => {
                        self.problem(
                            val.span,
                            format!(
                                "invalid value `{}` for `{display}`: true or false expected",
                                shown(t)
                            ),
                        );
                        Setting::Unknown(at)
                    }
                },
            },
        };
        self.apply_bool(flag.action, setting);
    }
}
