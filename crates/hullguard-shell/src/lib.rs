//! Shell analysis for hullguard: Dockerfile `RUN` commands and here-document bodies are parsed
//! with [tree-sitter-bash](https://github.com/tree-sitter/tree-sitter-bash), a maintained
//! POSIX/bash grammar, never with regular expressions.
//!
//! [`analyze`] turns a script into a flat [`Script`]: every simple command (with its prefix
//! assignments, argv [`Word`]s after quote removal and redirections), every pipeline of two or
//! more stages, and the syntax errors found. Nested commands are included and carry their
//! [`Context`] (command or process substitution, subshell, condition, loop, function, or the
//! string run by `sh -c`, `su -c` or `eval`, which is parsed in turn). Rules then ask plain
//! questions of plain data: "is a download piped into an interpreter?" is "does a pipeline have
//! `curl` in one stage and a shell in a later one?".
//!
//! ```
//! let script = hullguard_shell::analyze("curl -fsSL https://x | sudo -E bash -s -- arg");
//! let stages = script.pipeline_stage_commands(0);
//! assert_eq!(stages[0][0].name(), Some("curl"));
//! let (name, args) = stages[1][0].unwrapped().unwrap_or(("", &[]));
//! assert!(hullguard_shell::is_shell_interpreter(name));
//! assert_eq!(args[0].value(), Some("-s"));
//! ```
//!
//! The analysis never panics and bounds its work on hostile input (see [`Limits`]): inputs over
//! 1 MiB are refused, parsing stops after 200 ms, nesting deeper than 200 levels and `sh -c`
//! strings nested deeper than 8 levels are cut, the number of commands and the amount of word
//! text kept are capped, and each cut is reported in [`Script::errors`]. All spans are byte offsets into the text given to [`analyze`].

mod model;
mod source;
mod walk;
mod words;
mod wrappers;

use std::cell::RefCell;
use std::time::Duration;

use hullguard_diagnostics::Span;
use tree_sitter::Parser;

pub use model::{
    Assignment, Context, ListOp, Pipeline, Redirect, Script, ShellError, SimpleCommand, Word,
};
pub use wrappers::{is_script_interpreter, is_shell_interpreter};

/// Bounds on the work done for one [`analyze_with`] call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Larger inputs are refused with an error.
    pub max_bytes: usize,
    /// Wall-clock time allowed for parsing, including nested `sh -c` strings. It is enforced
    /// once a parse has done some real work (about 1,600 parser operations), so short
    /// scripts are never failed because their thread was descheduled.
    pub parse_timeout: Duration,
    /// Deepest nesting of statements and substitutions walked; deeper parts are skipped.
    /// The default 200 needs under 1 MiB of stack in debug builds and under 256 KiB in
    /// release builds.
    pub max_depth: usize,
    /// Deepest nesting of `sh -c` / `su -c` / `eval` strings analysed.
    pub max_shell_depth: usize,
    /// Most simple commands collected; bounds memory on huge generated scripts.
    pub max_commands: usize,
    /// Most bytes of word text kept (raw, lossy and static values of every word); bounds
    /// memory when nested substitutions repeat the same text at every level.
    pub max_text_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bytes: 1 << 20,
            parse_timeout: Duration::from_millis(200),
            max_depth: 200,
            max_shell_depth: 8,
            max_commands: 100_000,
            max_text_bytes: 64 << 20,
        }
    }
}

/// Parses and analyses a POSIX/bash script with the default [`Limits`]. Never panics.
/// Spans are byte offsets into `src`.
pub fn analyze(src: &str) -> Script {
    analyze_with(src, &Limits::default())
}

/// [`analyze`] with explicit limits.
pub fn analyze_with(src: &str, limits: &Limits) -> Script {
    if src.len() > limits.max_bytes {
        return Script {
            errors: vec![ShellError {
                span: Span::new(0, src.len()),
                message: format!(
                    "script is {} bytes, more than the limit of {} bytes",
                    src.len(),
                    limits.max_bytes
                ),
            }],
            ..Script::default()
        };
    }
    let Some(parser) = take_parser() else {
        return Script {
            errors: vec![ShellError {
                span: Span::new(0, src.len()),
                message: "the bash grammar is incompatible with this tree-sitter version".into(),
            }],
            ..Script::default()
        };
    };
    let mut walker = walk::Walker::new(*limits, parser);
    walker.run(src);
    let (script, parser) = walker.finish();
    PARSER.with(|p| p.replace(Some(parser)));
    script
}

thread_local! {
    /// A parser kept per thread: creating one and loading the grammar is a sizeable part of
    /// analysing a short `RUN` line.
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

fn take_parser() -> Option<Parser> {
    if let Some(p) = PARSER.with(|p| p.take()) {
        return Some(p);
    }
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_bash::LANGUAGE.into())
        .ok()?;
    Some(parser)
}
