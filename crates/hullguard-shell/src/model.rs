//! The analysed shape of a script: simple commands, pipelines and the contexts they run in.

use hullguard_diagnostics::Span;
use serde::Serialize;

use crate::wrappers;

/// The result of [`crate::analyze`]: every simple command, every multi-stage pipeline and every
/// problem met on the way.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Script {
    /// Every simple command in source order, including nested ones (inside `$(..)`, `<(..)`,
    /// subshells, `{ }`, if/while/for/case bodies, functions, and strings passed to `sh -c`,
    /// `bash -c`, `su -c`, `eval`).
    pub commands: Vec<SimpleCommand>,
    /// Pipelines with more than one stage.
    pub pipelines: Vec<Pipeline>,
    /// Syntax errors (tree-sitter `ERROR` / `MISSING` nodes) and refused or truncated analyses
    /// (input too large, parse timeout, nesting too deep).
    pub errors: Vec<ShellError>,
}

/// A problem found while analysing a script. Spans point into the analysed source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShellError {
    pub span: Span,
    /// A short lower-case fragment without a trailing period, e.g. ``missing `fi` ``.
    pub message: String,
}

/// One simple command: `FOO=1 cmd arg >file`, or a bare assignment, a declaration
/// (`export`/`local`/`declare`/`readonly`/`typeset`/`unset`) or a test (`[ .. ]`, `[[ .. ]]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimpleCommand {
    pub span: Span,
    /// `FOO=bar cmd` prefix assignments; a bare `FOO=bar` has assignments and no words.
    pub assignments: Vec<Assignment>,
    /// argv: `words[0]` is the command name; redirections are not included.
    pub words: Vec<Word>,
    /// Redirections of this command. Redirections written after a compound command
    /// (`{ a; b; } >f`, `while ..; done <f`) are given to every command inside it.
    pub redirects: Vec<Redirect>,
    /// `(index into Script::pipelines, stage index)` of the innermost pipeline with more than
    /// one stage that lexically contains this command.
    pub pipeline: Option<(usize, usize)>,
    /// Enclosing contexts, outermost first.
    pub context: Vec<Context>,
    /// The operator that connects this command to the previous one in its list: set on the
    /// first command of each list element (`b` in `a && b | c`; `c` follows a pipe and has
    /// `None`), and for a compound element (`a && { b; c; }`, `a; for ..`) on the first
    /// command it runs.
    pub after: Option<ListOp>,
}

/// A `NAME=value` assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignment {
    /// The variable name; for `a[1]=x` the whole subscript `a[1]`.
    pub name: String,
    pub value: Word,
    pub span: Span,
}

/// A redirection such as `>/dev/null`, `2>&1`, `<<EOF` or `<<<"text"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redirect {
    /// The descriptor (if written) followed by the operator: `>`, `>>`, `<`, `2>`, `2>&`, `&>`,
    /// `>|`, `<<`, `<<-`, `<<<`, `3>&-`.
    pub op: String,
    /// The file, descriptor, here-string or here-document delimiter; `None` for `3>&-`.
    pub target: Option<Word>,
    pub span: Span,
}

/// Where a command sits, seen from the outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Context {
    /// Inside `$(...)` or backticks that appear in a word or prefix assignment of command
    /// `owner`; `None` for a bare assignment, a redirection target, a here-document body,
    /// a `for`/`case` word list and the like.
    CommandSubstitution { owner: Option<usize> },
    /// Inside `<(...)` (`input: true`) or `>(...)` (`input: false`) used by command `owner`.
    ProcessSubstitution { owner: Option<usize>, input: bool },
    /// Inside `( ... )`.
    Subshell,
    /// Inside the string run by `sh -c`, `bash -c`, `su -c`, `runuser -c` or `eval` (command
    /// `owner`).
    ShellString { owner: usize },
    /// Inside the condition of `if`, `elif`, `while` or `until`.
    Condition,
    /// Inside a `then`/`elif`/`else` body or a `case` arm.
    Branch,
    /// Inside the body (or the condition) of a `for`, `while` or `until` loop.
    Loop,
    /// Inside a function body.
    Function,
}

/// How a command follows the previous one in its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ListOp {
    /// `&&`
    And,
    /// `||`
    Or,
    /// `;`
    Semi,
    /// `&` after the previous command.
    Background,
    /// A line break.
    Newline,
}

/// A pipeline with more than one stage, `a | b` or `a |& b`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pipeline {
    pub span: Span,
    /// `! a | b`
    pub negated: bool,
    /// For each stage, the indexes (into `Script::commands`) of the simple commands lexically
    /// inside it; a stage can be a subshell, group or loop holding several, and commands in
    /// substitutions or `sh -c` strings of the stage are included (check their `context`).
    pub stages: Vec<Vec<usize>>,
}

/// One shell word.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Word {
    pub span: Span,
    /// Exact source text of the word.
    pub raw: String,
    /// The value after quote removal when fully static (no `$var`, `${..}`, `$((..))`, `$(..)`,
    /// backticks; globs, `~` and braces are kept as written), else `None`.
    pub value: Option<String>,
    /// The value after quote removal, with expansions kept as their raw text
    /// (`--url="$X"` gives `--url=$X`). Always present; use it for flag matching.
    pub lossy: String,
    /// Contains `$(..)`, backticks, `<(..)` or `>(..)`.
    pub has_substitution: bool,
    /// Contains `$VAR`, `${..}` or `$((..))`.
    pub has_expansion: bool,
}

impl Word {
    /// The static value, if any.
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// True when the word is statically `s`.
    pub fn is(&self, s: &str) -> bool {
        self.value.as_deref() == Some(s)
    }
}

impl SimpleCommand {
    /// The basename of the static command name: `/usr/bin/curl` gives `curl`.
    pub fn name(&self) -> Option<&str> {
        self.words.first().and_then(word_basename)
    }

    /// The arguments after the command name (empty for a bare assignment).
    pub fn args(&self) -> &[Word] {
        self.words.get(1..).unwrap_or(&[])
    }

    /// The command that really runs once wrappers are skipped, and its arguments.
    ///
    /// Skipped wrappers (with their own options): `sudo`, `doas`, `env` (and its `VAR=x`
    /// operands), `nohup`, `time`, `exec`, `command` (but not `command -v`/`-V`, which only look
    /// the name up), `nice`, `timeout DURATION`, `xargs`, `stdbuf`, `setsid`, `gosu USER`,
    /// `su-exec USER`, `chroot DIR` and `busybox APPLET`. A wrapper with no command after it
    /// (`sudo -i`) is returned itself. `None` when the resolved name is not static or the
    /// command has no words.
    pub fn unwrapped(&self) -> Option<(&str, &[Word])> {
        let i = wrappers::unwrap_index(&self.words)?;
        let name = self.words.get(i).and_then(word_basename)?;
        Some((name, self.words.get(i + 1..).unwrap_or(&[])))
    }
}

impl Script {
    /// The commands of each stage of `pipeline` (an index into `pipelines`); empty when the
    /// index is out of range.
    pub fn pipeline_stage_commands(&self, pipeline: usize) -> Vec<Vec<&SimpleCommand>> {
        self.pipelines
            .get(pipeline)
            .map(|p| {
                p.stages
                    .iter()
                    .map(|stage| stage.iter().filter_map(|&i| self.commands.get(i)).collect())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Basename of a word's static value, `None` when dynamic or empty.
pub(crate) fn word_basename(w: &Word) -> Option<&str> {
    let v = w.value.as_deref()?;
    let base = v.rsplit('/').next().unwrap_or(v);
    (!base.is_empty()).then_some(base)
}
