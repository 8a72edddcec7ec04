//! The commands of a `RUN`, whatever its form: shell form and shell heredoc bodies
//! through the shell analyser, exec form from its JSON array (and `sh -c` strings
//! inside it). Spans are mapped back into the Dockerfile.

use hullguard_diagnostics::Span;
use hullguard_dockerfile::{CommandForm, Instruction, Keyword, LogicalLine};
use hullguard_shell::{analyze, Script};

/// Maps offsets of an analysed script back into the file.
#[derive(Debug, Clone)]
pub enum Mapping {
    /// The script is this logical line of the file.
    Line(LogicalLine),
    /// The script was decoded from a JSON string: every span maps to it.
    Fixed(Span),
}

impl Mapping {
    pub fn span(&self, s: Span) -> Span {
        match self {
            Mapping::Line(l) => l.span(s.start, s.end),
            Mapping::Fixed(f) => *f,
        }
    }
}

/// One analysed script of a `RUN`.
#[derive(Debug, Clone)]
pub struct RunScript {
    pub script: Script,
    pub map: Mapping,
}

/// An argument of a command, with its file span.
#[derive(Debug, Clone)]
pub struct CmdArg {
    /// The value with quotes removed and expansions kept as written.
    pub value: String,
    /// No expansion or substitution in it.
    pub is_static: bool,
    pub span: Span,
}

/// A command a `RUN` executes, wrappers (`sudo`, `env`, ...) removed.
#[derive(Debug, Clone)]
pub struct Cmd {
    /// Basename of the executable, e.g. `apt-get`.
    pub name: String,
    pub args: Vec<CmdArg>,
    /// Span of the whole simple command in the file.
    pub span: Span,
    /// Span of the command name.
    pub name_span: Span,
    /// Run through `sudo` or `doas`.
    pub via_sudo: bool,
    /// `(script index, command index)` into the instruction's scripts.
    pub origin: Option<(usize, usize)>,
}

impl Cmd {
    /// Whether any argument equals one of `flags` (or starts with `flag=` for long
    /// flags).
    pub fn has_flag(&self, flags: &[&str]) -> bool {
        self.args.iter().any(|a| {
            flags.iter().any(|f| {
                a.value == *f || (f.starts_with("--") && a.value.starts_with(&format!("{f}=")))
            })
        })
    }

    /// Whether a short flag letter appears in any `-abc` group.
    pub fn has_short(&self, letter: char) -> bool {
        self.args.iter().any(|a| {
            a.value.starts_with('-')
                && !a.value.starts_with("--")
                && a.value[1..].chars().all(|c| c.is_ascii_alphanumeric())
                && a.value[1..].contains(letter)
        })
    }

    /// Arguments that are not options (do not start with `-`).
    pub fn operands(&self) -> impl Iterator<Item = &CmdArg> {
        self.args.iter().filter(|a| !a.value.starts_with('-'))
    }

    /// The first operand (the subcommand of `apt-get install`, `pip install` ...).
    pub fn subcommand(&self) -> Option<&str> {
        self.operands().next().map(|a| a.value.as_str())
    }
}

/// Analyses the scripts of a RUN instruction (`posix`: the stage's shell is a
/// POSIX shell; otherwise shell-form text is not analysed).
pub fn run_scripts(inst: &Instruction, src: &str, posix: bool) -> Vec<RunScript> {
    let mut out = Vec::new();
    if inst.keyword != Keyword::Run {
        return out;
    }
    match inst.command() {
        Some(CommandForm::Shell(line)) if posix => {
            let only_markers = line.text().split_whitespace().all(|w| w.contains("<<"));
            // With heredocs, analyse the line together with the bodies and
            // terminators that follow it in the file, as the shell would see them
            // (a heredoc marker without its body is a syntax error).
            let line = if inst.heredocs.is_empty() {
                line.clone()
            } else {
                let mut full = line.clone();
                full.push(src, Span::new(line.full_span().end, inst.span.end));
                full
            };
            let rest =
                (!line.text().trim().is_empty() && !only_markers).then(|| analyze(line.text()));
            for h in &inst.heredocs {
                // A heredoc is a script when RUN has no command of its own (BuildKit
                // runs the body), or when it is the input of a shell command
                // (`RUN apt-get update && bash <<EOF`), and its shebang (if any)
                // names a POSIX shell. Otherwise it is data (`cat <<EOF > file`).
                let is_script = match &rest {
                    None => true,
                    Some(script) => script.commands.iter().any(|c| {
                        let feeds = c.redirects.iter().any(|r| {
                            r.op.ends_with("<<") || r.op.ends_with("<<-")
                        } && r.target.as_ref().is_some_and(|t| t.lossy.trim_matches(['\'', '"']) == h.name));
                        let shell = c.unwrapped().is_some_and(|(n, args)| {
                            is_shell_name(n) && !args.iter().any(|a| a.lossy.starts_with('-') && !a.lossy.starts_with("--") && a.lossy.contains('c'))
                        });
                        feeds && shell
                    }),
                };
                if !is_script || !shebang_is_shell(h.body.text()) {
                    continue;
                }
                out.push(RunScript {
                    script: analyze(h.body.text()),
                    map: Mapping::Line(h.body.clone()),
                });
            }
            if let Some(script) = rest {
                out.insert(
                    0,
                    RunScript {
                        script,
                        map: Mapping::Line(line),
                    },
                );
            }
        }
        Some(CommandForm::Exec { args, .. }) => {
            // ["sh", "-c", "script"], also with other options first
            // (["bash", "-o", "pipefail", "-c", "script"]): analyse the script.
            let c_flag = args
                .first()
                .filter(|a| is_shell_name(&a.value))
                .and_then(|_| {
                    args.iter().skip(1).position(|a| {
                        a.value.starts_with('-')
                            && !a.value.starts_with("--")
                            && a.value.ends_with('c')
                    })
                });
            if let Some(s) = c_flag.and_then(|i| args.get(i + 2)) {
                let inner = Span::new(s.span.start + 1, s.span.end.saturating_sub(1));
                let map = if inner.text(src) == s.value {
                    Mapping::Line(LogicalLine::from_source(src, inner))
                } else {
                    Mapping::Fixed(s.span)
                };
                out.push(RunScript {
                    script: analyze(&s.value),
                    map,
                });
            }
        }
        _ => {}
    }
    out
}

/// Whether a heredoc body has no shebang, or one naming a POSIX shell.
fn shebang_is_shell(body: &str) -> bool {
    let Some(first) = body.lines().next().and_then(|l| l.strip_prefix("#!")) else {
        return true;
    };
    let interp: Vec<&str> = first.split_whitespace().collect();
    let prog = match interp.as_slice() {
        [env, p, ..] if env.ends_with("/env") => *p,
        [p, ..] => *p,
        [] => "",
    };
    is_shell_name(prog)
}

fn is_shell_name(w: &str) -> bool {
    hullguard_dockerfile::model::is_posix_shell(w)
}

/// The commands of a RUN: from its scripts, or its exec-form argv.
pub fn commands(inst: &Instruction, scripts: &[RunScript]) -> Vec<Cmd> {
    let mut out = Vec::new();
    for (si, rs) in scripts.iter().enumerate() {
        for (ci, c) in rs.script.commands.iter().enumerate() {
            let Some((name, args)) = c.unwrapped() else {
                continue;
            };
            let via_sudo = c.name().is_some_and(|n| n == "sudo" || n == "doas");
            let name_span = c
                .words
                .iter()
                .find(|w| {
                    w.value
                        .as_deref()
                        .is_some_and(|v| v.rsplit('/').next() == Some(name))
                })
                .map_or(c.span, |w| w.span);
            out.push(Cmd {
                name: name.to_string(),
                args: args
                    .iter()
                    .map(|w| CmdArg {
                        value: w.lossy.clone(),
                        is_static: w.value.is_some(),
                        span: rs.map.span(w.span),
                    })
                    .collect(),
                span: rs.map.span(c.span),
                name_span: rs.map.span(name_span),
                via_sudo,
                origin: Some((si, ci)),
            });
        }
    }
    if let (Some(CommandForm::Exec { args, .. }), true) = (inst.command(), scripts.is_empty()) {
        if let Some(first) = args.first() {
            let name = first.value.rsplit('/').next().unwrap_or(&first.value);
            let (name, skip, via_sudo) = if name == "sudo" && args.len() > 1 {
                let n = args[1].value.rsplit('/').next().unwrap_or(&args[1].value);
                (n.to_string(), 2, true)
            } else {
                (name.to_string(), 1, false)
            };
            let span = first.span.cover(args[args.len() - 1].span);
            out.push(Cmd {
                name,
                args: args[skip..]
                    .iter()
                    .map(|a| CmdArg {
                        value: a.value.clone(),
                        is_static: true,
                        span: a.span,
                    })
                    .collect(),
                span,
                name_span: args[skip - 1].span,
                via_sudo,
                origin: None,
            });
        }
    }
    out
}
