//! Finding `docker run` commands in shell scripts, and deciding which files are shell
//! scripts.

use std::sync::Arc;

use hullguard_container::Problem;
use hullguard_diagnostics::{floor_char_boundary, Location, SourceFile};

use crate::command::parse_command;
use crate::ScriptScan;

/// File extensions of shell scripts. zsh and ksh scripts are included: their syntax
/// differs from bash in places, but simple commands such as `docker run` read the same.
const SHELL_EXTENSIONS: &[&str] = &["sh", "bash", "dash", "ksh", "mksh", "zsh"];

/// Interpreters (basenames) of a shell-script shebang.
const SHELLS: &[&str] = &[
    "sh", "bash", "dash", "ash", "ksh", "ksh93", "mksh", "pdksh", "lksh", "zsh", "yash", "posh",
    "rbash",
];

/// The kernel reads at most 256 bytes of a shebang line (`BINPRM_BUF_SIZE`); a little
/// more is looked at, never the whole file.
const MAX_SHEBANG: usize = 1024;

/// Every `docker run` / `docker create` (and `podman run|create`) command in a shell
/// script, wherever the shell analysis finds a simple command: after `sudo`, `env`,
/// `exec` or `command`, in functions, `if` / `while` / `case` bodies, pipelines,
/// `$(...)`, and `sh -c '...'` / `eval` strings. Never panics; the analysis bounds its
/// work (1 MiB, 200 ms, nesting) and reports a cut in [`ScriptScan::problems`].
pub fn find_in_script(file: &Arc<SourceFile>) -> ScriptScan {
    let script = hullguard_shell::analyze(&file.text);
    let mut scan = ScriptScan::default();
    for cmd in &script.commands {
        if let Some(run) = parse_command(file, cmd) {
            scan.commands.push(run);
        }
    }
    let mentions = file.text.contains("docker") || file.text.contains("podman");
    let mut syntax_reported = false;
    for e in &script.errors {
        let syntax = e.message == "syntax error"
            || e.message == "too many syntax errors"
            || e.message.starts_with("missing `");
        let at = Location::file(file, e.span);
        if !syntax {
            scan.problems.push(Problem::new(
                at,
                format!("shell analysis incomplete: {}", e.message),
            ));
        } else if mentions && !syntax_reported {
            // One is enough to say that the script may hide commands; scripts written
            // for other shells often have several.
            syntax_reported = true;
            scan.problems.push(Problem::new(
                at,
                "shell syntax error: `docker run` commands near it may be missed",
            ));
        }
    }
    scan
}

/// Whether a file is a shell script to search for `docker run` commands: its name ends
/// in `.sh`, `.bash`, `.dash`, `.ksh`, `.mksh` or `.zsh` (any case), or its first line
/// is a shebang for `sh`, `bash`, `dash`, `ash`, `ksh`, `mksh`, `zsh` and kin, directly
/// (`#!/bin/bash -e`), through `env` (`#!/usr/bin/env bash`, `#!/usr/bin/env -S bash
/// -e`) or through `busybox sh`.
pub fn is_shell_script(path: &str, text: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    if let Some((stem, ext)) = name.rsplit_once('.') {
        if !stem.is_empty() && SHELL_EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext)) {
            return true;
        }
    }
    shebang_is_shell(text)
}

fn basename(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

fn is_shell(s: &str) -> bool {
    SHELLS.contains(&basename(s))
}

fn shebang_is_shell(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = text.strip_prefix("#!") else {
        return false;
    };
    let end = floor_char_boundary(rest, rest.len().min(MAX_SHEBANG));
    let head = rest.get(..end).unwrap_or("");
    let line = head.split('\n').next().unwrap_or(head);
    let mut words = line.split_ascii_whitespace();
    let Some(interp) = words.next() else {
        return false;
    };
    match basename(interp) {
        "env" => env_runs_shell(words),
        "busybox" => words
            .next()
            .is_some_and(|w| matches!(w, "sh" | "ash" | "hush")),
        _ => is_shell(interp),
    }
}

/// `env [-i] [-u NAME] [-S] [NAME=VALUE]... COMMAND`: whether COMMAND is a shell. The
/// kernel passes everything after `env` as one argument, which `env -S` splits; splitting
/// on blanks here reads both forms alike.
fn env_runs_shell<'a>(mut words: impl Iterator<Item = &'a str>) -> bool {
    while let Some(w) = words.next() {
        if let Some(long) = w.strip_prefix("--") {
            if matches!(long, "unset" | "chdir") {
                words.next();
            }
            continue;
        }
        if let Some(short) = w.strip_prefix('-') {
            match short {
                "u" | "C" | "P" => {
                    words.next();
                }
                // `-Sbash`: the command follows the option letter.
                s if s.len() > 1 && s.starts_with('S') => {
                    return s.get(1..).is_some_and(is_shell);
                }
                _ => {}
            }
            continue;
        }
        if w.contains('=') {
            continue;
        }
        return is_shell(w);
    }
    false
}
