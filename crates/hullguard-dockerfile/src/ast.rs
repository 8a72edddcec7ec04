//! The syntax tree: a [`Dockerfile`] is a list of [`Instruction`]s with spans.

use crate::logical::LogicalLine;
use hullguard_diagnostics::Span;
use std::fmt;

/// A parsed Dockerfile. Parsing never fails: problems are collected in `errors`.
#[derive(Debug, Clone)]
pub struct Dockerfile {
    /// Parser directives from the top of the file (`# syntax=`, `# escape=`, `# check=`).
    pub directives: Vec<Directive>,
    /// The escape character: `\` (default) or `` ` `` (set by `# escape=`).
    pub escape: char,
    pub instructions: Vec<Instruction>,
    /// Every comment line outside heredoc bodies (including those inside continuations).
    pub comments: Vec<Comment>,
    pub errors: Vec<ParseError>,
}

impl Dockerfile {
    pub fn directive(&self, name: &str) -> Option<&Directive> {
        self.directives
            .iter()
            .find(|d| d.name.eq_ignore_ascii_case(name))
    }
}

#[derive(Debug, Clone)]
pub struct Directive {
    /// Lower-cased name.
    pub name: String,
    pub value: String,
    pub span: Span,
    pub value_span: Span,
}

#[derive(Debug, Clone)]
pub struct Comment {
    /// The whole comment line from `#` to the end of the line.
    pub span: Span,
    /// The text after `#`, trimmed.
    pub text: String,
}

/// What kind of problem stopped part of a file from parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub span: Span,
    pub message: String,
    /// `true` for errors BuildKit's parser itself raises; `false` for errors that
    /// only a build would raise (unknown instruction, wrong argument count ...).
    pub syntax: bool,
}

/// Instruction keywords. Keywords are case-insensitive in Dockerfiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Keyword {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    /// Anything else (an error at build time).
    Unknown,
}

impl Keyword {
    pub fn parse(word: &str) -> Keyword {
        const TABLE: [(&str, Keyword); 18] = [
            ("ADD", Keyword::Add),
            ("ARG", Keyword::Arg),
            ("CMD", Keyword::Cmd),
            ("COPY", Keyword::Copy),
            ("ENTRYPOINT", Keyword::Entrypoint),
            ("ENV", Keyword::Env),
            ("EXPOSE", Keyword::Expose),
            ("FROM", Keyword::From),
            ("HEALTHCHECK", Keyword::Healthcheck),
            ("LABEL", Keyword::Label),
            ("MAINTAINER", Keyword::Maintainer),
            ("ONBUILD", Keyword::Onbuild),
            ("RUN", Keyword::Run),
            ("SHELL", Keyword::Shell),
            ("STOPSIGNAL", Keyword::Stopsignal),
            ("USER", Keyword::User),
            ("VOLUME", Keyword::Volume),
            ("WORKDIR", Keyword::Workdir),
        ];
        TABLE
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(word))
            .map_or(Keyword::Unknown, |(_, k)| *k)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Add => "ADD",
            Keyword::Arg => "ARG",
            Keyword::Cmd => "CMD",
            Keyword::Copy => "COPY",
            Keyword::Entrypoint => "ENTRYPOINT",
            Keyword::Env => "ENV",
            Keyword::Expose => "EXPOSE",
            Keyword::From => "FROM",
            Keyword::Healthcheck => "HEALTHCHECK",
            Keyword::Label => "LABEL",
            Keyword::Maintainer => "MAINTAINER",
            Keyword::Onbuild => "ONBUILD",
            Keyword::Run => "RUN",
            Keyword::Shell => "SHELL",
            Keyword::Stopsignal => "STOPSIGNAL",
            Keyword::User => "USER",
            Keyword::Volume => "VOLUME",
            Keyword::Workdir => "WORKDIR",
            Keyword::Unknown => "UNKNOWN",
        }
    }

    /// Instructions whose arguments may hold heredocs (BuildKit `heredocDirectives`).
    pub fn can_contain_heredoc(self) -> bool {
        matches!(self, Keyword::Run | Keyword::Copy | Keyword::Add)
    }
}

impl fmt::Display for Keyword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A word of an instruction's arguments, as written (quotes and `$VAR` kept).
/// Resolve it with [`crate::expand`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub span: Span,
}

/// `--name=value` or `--name` before an instruction's arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// The name without `--`, as written.
    pub name: String,
    /// The value with quotes removed (BuildKit unquotes flags), `None` for `--name`.
    pub value: Option<String>,
    pub span: Span,
    pub value_span: Option<Span>,
}

/// A string of a JSON (exec form) array, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonString {
    pub value: String,
    /// The span of the JSON string including its quotes.
    pub span: Span,
}

/// Exec (JSON array) or shell form of RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK CMD.
#[derive(Debug, Clone)]
pub enum CommandForm {
    Exec {
        args: Vec<JsonString>,
        span: Span,
    },
    /// The command text with continuations joined; spans map back through the line.
    Shell(LogicalLine),
}

impl CommandForm {
    pub fn span(&self) -> Span {
        match self {
            CommandForm::Exec { span, .. } => *span,
            CommandForm::Shell(line) => line.full_span(),
        }
    }

    pub fn is_exec(&self) -> bool {
        matches!(self, CommandForm::Exec { .. })
    }
}

/// `key=value` in ENV, LABEL and ARG (`value` is `None` for `ARG name`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    pub key: Word,
    pub value: Option<Word>,
    pub span: Span,
}

/// `HEALTHCHECK NONE` or `HEALTHCHECK [OPTIONS] CMD command`.
#[derive(Debug, Clone)]
pub enum Healthcheck {
    None,
    Cmd(CommandForm),
}

/// The parsed arguments of an instruction, by kind.
#[derive(Debug, Clone)]
pub enum Args {
    /// `FROM [--platform=..] image [AS name]`.
    From {
        image: Word,
        alias: Option<Word>,
    },
    /// RUN, CMD, ENTRYPOINT, SHELL.
    Command(CommandForm),
    /// ENV, LABEL, ARG.
    KeyValues(Vec<KeyValue>),
    /// COPY and ADD: sources then destination (JSON form decoded into words).
    Paths {
        sources: Vec<Word>,
        dest: Option<Word>,
    },
    /// USER, WORKDIR, STOPSIGNAL, MAINTAINER: the rest of the line as one word.
    Single(Word),
    /// EXPOSE and VOLUME: whitespace-separated words (VOLUME also in JSON form).
    Words(Vec<Word>),
    Healthcheck(Healthcheck),
    /// `ONBUILD <instruction>`.
    Onbuild(Box<Instruction>),
    /// Unknown instruction, or arguments that did not parse.
    Raw,
}

/// A heredoc attached to RUN, COPY or ADD (`<<EOF`, `<<-EOF`, `<<"EOF"`).
#[derive(Debug, Clone)]
pub struct Heredoc {
    /// Terminator word, unquoted.
    pub name: String,
    /// Span of the `<<EOF` word in the instruction line.
    pub marker_span: Span,
    /// `<<-`: leading tabs are stripped from body lines and terminator.
    pub strip_tabs: bool,
    /// Unquoted delimiter: variables in the body are expanded.
    pub expand: bool,
    /// File descriptor given before `<<` (`3<<EOF`), if any.
    pub fd: Option<u32>,
    /// The body lines (tabs stripped for `<<-`), mapped to the file.
    pub body: LogicalLine,
    /// The terminator line, or `None` when the file ended first.
    pub terminator_span: Option<Span>,
}

/// One instruction, e.g. `RUN --mount=type=cache,target=/x apt-get update`.
#[derive(Debug, Clone)]
pub struct Instruction {
    pub keyword: Keyword,
    /// The keyword as written.
    pub keyword_text: String,
    pub keyword_span: Span,
    /// From the keyword to the end of the last line (heredoc terminators included).
    pub span: Span,
    /// Everything after the keyword, continuations joined (flags included).
    pub line: LogicalLine,
    pub flags: Vec<Flag>,
    /// The arguments after the flags, continuations joined.
    pub rest: LogicalLine,
    pub args: Args,
    pub heredocs: Vec<Heredoc>,
}

impl Instruction {
    /// The first flag named `name` (case-sensitive, as BuildKit).
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }

    /// The instruction wrapped by ONBUILD, if this is one.
    pub fn onbuild_inner(&self) -> Option<&Instruction> {
        match &self.args {
            Args::Onbuild(inner) => Some(inner),
            _ => None,
        }
    }

    /// The exec or shell form of RUN/CMD/ENTRYPOINT/SHELL/HEALTHCHECK CMD.
    pub fn command(&self) -> Option<&CommandForm> {
        match &self.args {
            Args::Command(c) => Some(c),
            Args::Healthcheck(Healthcheck::Cmd(c)) => Some(c),
            _ => None,
        }
    }

    pub fn key_values(&self) -> &[KeyValue] {
        match &self.args {
            Args::KeyValues(kv) => kv,
            _ => &[],
        }
    }

    /// The instruction's text with continuations joined and whitespace runs
    /// collapsed: a line-number-free identity for baselines.
    pub fn normalized_text(&self) -> String {
        let mut out = self.keyword.as_str().to_string();
        for word in self.line.text().split_whitespace() {
            out.push(' ');
            out.push_str(word);
        }
        for h in &self.heredocs {
            out.push('\n');
            out.push_str(h.body.text());
        }
        out
    }
}
