//! Knowledge about command names: wrappers that run another command (`sudo`, `env`, ...),
//! shells and interpreters, and where `sh -c`, `su -c` and `eval` keep the string they run.

use crate::model::{word_basename, Word};

/// Shells whose `-c` string is written in a POSIX-like grammar that tree-sitter-bash parses.
const POSIX_SHELLS: &[&str] = &[
    "sh", "bash", "dash", "ash", "zsh", "ksh", "ksh93", "mksh", "pdksh", "yash", "posh", "rbash",
];

/// Other shells: they interpret what is piped into them, but their `-c` grammar differs.
const OTHER_SHELLS: &[&str] = &["fish", "csh", "tcsh"];

/// True for the basename of a command shell (`sh`, `bash`, `dash`, `ash`, `zsh`, `ksh`, `mksh`,
/// `yash`, `posh`, `rbash`, `fish`, `csh`, `tcsh`, ...).
pub fn is_shell_interpreter(name: &str) -> bool {
    POSIX_SHELLS.contains(&name) || OTHER_SHELLS.contains(&name)
}

/// True for a shell or a script interpreter that runs code it reads from standard input or a
/// file argument: the shells of [`is_shell_interpreter`] plus `python`, `python3`, `python3.12`,
/// `perl`, `ruby`, `node`, `nodejs`, `php`, `lua`, `tclsh`, `Rscript`, `pwsh`, ...
pub fn is_script_interpreter(name: &str) -> bool {
    if is_shell_interpreter(name) {
        return true;
    }
    const EXACT: &[&str] = &[
        "perl",
        "ruby",
        "node",
        "nodejs",
        "php",
        "lua",
        "luajit",
        "tclsh",
        "wish",
        "Rscript",
        "pwsh",
        "powershell",
        "deno",
        "bun",
        "irb",
        "jruby",
        "pypy",
        "pypy3",
    ];
    if EXACT.contains(&name) {
        return true;
    }
    // python, python3, python3.12, perl5.36, php8.2, lua5.4
    ["python", "perl", "php", "lua"].iter().any(|p| {
        name.strip_prefix(p)
            .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit() || c == '.'))
    })
}

/// What a wrapper accepts before the command it runs.
struct WrapperSpec {
    /// Short options that take an argument (attached or in the next word).
    short_args: &'static str,
    /// Long options that take an argument when written without `=`.
    long_args: &'static [&'static str],
    /// Short option letters after which no command runs (`command -v`, `sudo -l`).
    short_stop: &'static str,
    /// Long options after which no command runs or the command line cannot be followed.
    long_stop: &'static [&'static str],
    /// Skip `NAME=value` operands before the command (`env`, `sudo`).
    assignments: bool,
    /// Operands before the command (`timeout DURATION`, `gosu USER`, `chroot DIR`).
    operands: usize,
    /// Whether the wrapper takes options at all (`gosu`, `busybox` do not).
    options: bool,
}

const NO_ARGS: &[&str] = &[];

fn wrapper_spec(name: &str) -> Option<WrapperSpec> {
    let spec = |short_args, long_args, short_stop, long_stop| WrapperSpec {
        short_args,
        long_args,
        short_stop,
        long_stop,
        assignments: false,
        operands: 0,
        options: true,
    };
    Some(match name {
        // https://www.sudo.ws/docs/man/sudo.man/
        "sudo" => WrapperSpec {
            assignments: true,
            ..spec(
                "uUgChpDrRtT",
                &[
                    "--user",
                    "--other-user",
                    "--group",
                    "--close-from",
                    "--host",
                    "--prompt",
                    "--chdir",
                    "--role",
                    "--chroot",
                    "--type",
                    "--command-timeout",
                ],
                "elvkK",
                &["--edit", "--list", "--validate", "--version", "--help"],
            )
        },
        "doas" => spec("uC", NO_ARGS, "", NO_ARGS),
        "env" => WrapperSpec {
            assignments: true,
            ..spec(
                "uCP",
                &["--unset", "--chdir"],
                "S",
                &["--split-string", "--help", "--version"],
            )
        },
        "nohup" | "setsid" => spec("", NO_ARGS, "", &["--help", "--version"]),
        // `time` is both a bash keyword (-p) and GNU time (-f FORMAT, -o FILE).
        "time" => spec(
            "fo",
            &["--format", "--output"],
            "",
            &["--help", "--version"],
        ),
        "exec" => spec("a", NO_ARGS, "", NO_ARGS),
        "command" => spec("", NO_ARGS, "vV", NO_ARGS),
        "nice" => spec("n", &["--adjustment"], "", &["--help", "--version"]),
        "timeout" => WrapperSpec {
            operands: 1,
            ..spec(
                "sk",
                &["--signal", "--kill-after"],
                "",
                &["--help", "--version"],
            )
        },
        "xargs" => spec(
            "adEILnPs",
            &[
                "--arg-file",
                "--delimiter",
                "--max-args",
                "--max-procs",
                "--max-chars",
                "--process-slot-var",
            ],
            "",
            &["--help", "--version", "--show-limits"],
        ),
        "stdbuf" => spec(
            "ioe",
            &["--input", "--output", "--error"],
            "",
            &["--help", "--version"],
        ),
        "gosu" | "su-exec" => WrapperSpec {
            operands: 1,
            options: false,
            ..spec("", NO_ARGS, "", NO_ARGS)
        },
        "chroot" => WrapperSpec {
            operands: 1,
            ..spec(
                "",
                &["--userspec", "--groups"],
                "",
                &["--help", "--version"],
            )
        },
        "busybox" => WrapperSpec {
            options: false,
            ..spec("", NO_ARGS, "", NO_ARGS)
        },
        _ => return None,
    })
}

/// Index into `words` of the command that really runs once wrappers are skipped.
/// `None` only when `words` is empty.
pub(crate) fn unwrap_index(words: &[Word]) -> Option<usize> {
    let mut i = 0;
    // Each round moves strictly forward, so this terminates; the bound is belt and braces.
    for _ in 0..words.len() {
        let name = words.get(i).and_then(word_basename)?;
        if name == "runuser" {
            match runuser_command(words, i + 1) {
                Some(next) => {
                    i = next;
                    continue;
                }
                None => return Some(i),
            }
        }
        let Some(spec) = wrapper_spec(name) else {
            return Some(i);
        };
        match skip_wrapper(words, i + 1, &spec) {
            Some(next) if next < words.len() => i = next,
            _ => return Some(i),
        }
    }
    Some(i)
}

/// `runuser [options] -u USER [[--] COMMAND [ARGS]]` runs COMMAND directly (util-linux);
/// without `-u` it behaves like `su` and runs a shell, with `-c` a shell string.
fn runuser_command(words: &[Word], mut j: usize) -> Option<usize> {
    let mut user = false;
    while let Some(w) = words.get(j) {
        let a = w.lossy.as_str();
        match a {
            "--" => {
                j += 1;
                break;
            }
            "-u" | "--user" => {
                user = true;
                j += 2;
            }
            "-g"
            | "-G"
            | "-w"
            | "-s"
            | "--group"
            | "--supp-group"
            | "--shell"
            | "--whitelist-environment" => j += 2,
            "-c" | "--command" | "--session-command" => return None,
            _ if a.starts_with("--user=") => {
                user = true;
                j += 1;
            }
            _ if a.starts_with("--command=") => return None,
            _ if a.starts_with('-') => j += 1,
            _ => break,
        }
    }
    (user && j < words.len()).then_some(j)
}

/// Skips a wrapper's options and operands starting at `j`; `None` when the wrapper does not
/// run a command we can follow.
fn skip_wrapper(words: &[Word], mut j: usize, spec: &WrapperSpec) -> Option<usize> {
    if spec.options {
        while let Some(w) = words.get(j) {
            let a = w.lossy.as_str();
            if a == "--" {
                j += 1;
                break;
            }
            if let Some(long) = a.strip_prefix("--") {
                let (opt, has_value) = match long.split_once('=') {
                    Some((o, _)) => (o, true),
                    None => (long, false),
                };
                let opt_full = format!("--{opt}");
                if spec.long_stop.contains(&opt_full.as_str()) {
                    return None;
                }
                j += 1;
                if !has_value && spec.long_args.contains(&opt_full.as_str()) {
                    j += 1;
                }
                continue;
            }
            if a == "-" {
                // `env -` is `env -i`; elsewhere a lone dash is an operand.
                j += 1;
                continue;
            }
            let Some(cluster) = a.strip_prefix('-') else {
                break;
            };
            j += 1;
            for (pos, c) in cluster.char_indices() {
                if spec.short_stop.contains(c) {
                    return None;
                }
                if spec.short_args.contains(c) {
                    if pos + c.len_utf8() == cluster.len() {
                        j += 1;
                    }
                    break;
                }
            }
        }
    }
    if spec.assignments {
        while words.get(j).is_some_and(is_assignment_word) {
            j += 1;
        }
    }
    j += spec.operands;
    Some(j)
}

/// `NAME=value` as an operand of `env` or `sudo`.
fn is_assignment_word(w: &Word) -> bool {
    match w.lossy.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && !name.starts_with(|c: char| c.is_ascii_digit())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        None => false,
    }
}

/// The argument of a command that holds a script to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ShellStringArg {
    /// `words[index]`, after dropping `strip` bytes of its value (`--command=`).
    Word { index: usize, strip: usize },
    /// `eval a b c`: the words from `start` to the end, joined with spaces.
    Eval { start: usize },
}

/// Finds the string that `sh -c`, `bash -ec`, `su user -c`, `runuser -c` or `eval` runs.
pub(crate) fn shell_string_arg(words: &[Word]) -> Option<ShellStringArg> {
    let i = unwrap_index(words)?;
    let name = words.get(i).and_then(word_basename)?;
    if POSIX_SHELLS.contains(&name) {
        return posix_shell_c(words, i + 1);
    }
    match name {
        "su" | "runuser" => su_c(words, i + 1),
        "eval" if i + 1 < words.len() => Some(ShellStringArg::Eval { start: i + 1 }),
        _ => None,
    }
}

/// `sh [-abefhmnuvx] [-o opt] [+o opt] [-O shopt] [--long] -c STRING [name [args]]`.
/// Combined flags such as `-ec`, `-xc`, `-lc`, `-euxc` count.
fn posix_shell_c(words: &[Word], mut j: usize) -> Option<ShellStringArg> {
    let mut c = false;
    while let Some(w) = words.get(j) {
        let a = w.lossy.as_str();
        if a == "--" || a == "-" {
            j += 1;
            break;
        }
        if a.starts_with("--") {
            j += 1;
            if a == "--rcfile" || a == "--init-file" {
                j += 1;
            }
            continue;
        }
        let Some(cluster) = a.strip_prefix('-').or_else(|| a.strip_prefix('+')) else {
            break;
        };
        if cluster.is_empty() {
            break;
        }
        if a.starts_with('-') && cluster.contains('c') {
            c = true;
        }
        // `-o pipefail`, `+o errexit`, `-O extglob` take the next word.
        j += 1 + cluster.chars().filter(|&ch| ch == 'o' || ch == 'O').count();
    }
    (c && j < words.len()).then_some(ShellStringArg::Word { index: j, strip: 0 })
}

/// `su [options] [-] [user] [-c COMMAND]` and `runuser` (util-linux); options may follow the
/// user name.
fn su_c(words: &[Word], mut j: usize) -> Option<ShellStringArg> {
    while let Some(w) = words.get(j) {
        let a = w.lossy.as_str();
        if a == "--" {
            return None;
        }
        if a == "-c" || a == "--command" || a == "--session-command" {
            return (j + 1 < words.len()).then_some(ShellStringArg::Word {
                index: j + 1,
                strip: 0,
            });
        }
        for prefix in ["--command=", "--session-command="] {
            if a.starts_with(prefix) {
                return Some(ShellStringArg::Word {
                    index: j,
                    strip: prefix.len(),
                });
            }
        }
        j += 1;
        if a.starts_with("--") {
            if matches!(
                a,
                "--shell" | "--group" | "--supp-group" | "--whitelist-environment" | "--user"
            ) {
                j += 1;
            }
            continue;
        }
        let Some(cluster) = a.strip_prefix('-') else {
            continue; // the user name
        };
        for (pos, ch) in cluster.char_indices() {
            let last = pos + ch.len_utf8() == cluster.len();
            match ch {
                'c' if last => {
                    return (j < words.len())
                        .then_some(ShellStringArg::Word { index: j, strip: 0 });
                }
                'c' => {
                    return Some(ShellStringArg::Word {
                        index: j - 1,
                        strip: 1 + pos + 1,
                    });
                }
                's' | 'g' | 'G' | 'w' | 'u' => {
                    if last {
                        j += 1;
                    }
                    break;
                }
                _ => {}
            }
        }
    }
    None
}
