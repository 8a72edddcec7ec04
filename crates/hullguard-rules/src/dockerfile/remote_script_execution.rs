//! DF011: code downloaded and run without verification (`curl ... | sh`).

use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::RuleInfo;
use hullguard_shell::{is_script_interpreter, Context, Script, SimpleCommand};

declare_rule! {
    /// ## What it does
    /// Finds downloads that are executed without being verified:
    /// - piped into an interpreter: `curl -fsSL URL | sh`, `wget -qO- URL | sudo bash`,
    ///   `curl URL | python3 -`, also through `tee` and other stages;
    /// - substituted into one: `sh -c "$(curl -fsSL URL)"`, `eval "$(wget -O- URL)"`,
    ///   `bash <(curl -s URL)`, `. <(wget -O- URL)`, `python3 -c "$(curl URL)"`;
    /// - downloaded to a file (`curl -o`, `curl -O`, `curl URL > f`, `wget`, `wget -O`)
    ///   that the same `RUN` then executes (`curl -o i.sh URL && sh i.sh`) with no
    ///   checksum or signature check (`sha256sum -c`, `gpg --verify`, `cosign
    ///   verify-blob`, `minisign -V` ...) in between; importing or de-armouring a key
    ///   is not a check.
    ///
    /// A download passed as data to a program (`bash install.sh "$(curl URL)"`,
    /// `VERSION=$(curl URL)`) or piped into one that does not run it (`tar`, `gpg
    /// --dearmor`, `jq`, `python3 -m json.tool`) is not reported.
    ///
    /// The analysis uses a real shell parser, so quoting, `sudo`/`env` wrappers,
    /// subshells, `sh -c '...'` strings and heredoc scripts are understood.
    ///
    /// ## Why is this bad?
    /// Whoever controls the server, the DNS or the network path at build time runs
    /// arbitrary code in your build, as root, and the result ships in your image. A
    /// truncated download can also run half a script. CIS Docker Benchmark 4.12
    /// asks for signed artifacts to be validated.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://get.example.com/install.sh | sh
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN curl -fsSLo /tmp/install.sh https://get.example.com/install.sh \
    ///  && echo "<sha256>  /tmp/install.sh" | sha256sum -c - \
    ///  && sh /tmp/install.sh
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 4.12
    pub static REMOTE_SCRIPT_EXECUTION = {
        code: "DF011",
        name: "remote-script-execution",
        severity: High,
        default_enabled: true,
        cis: ["4.12"],
        summary: "downloaded code run without verification",
        fixable: false,
    }
}

pub struct RemoteScriptExecution;

const DOWNLOADERS: [&str; 6] = ["curl", "wget", "fetch", "aria2c", "http", "httpie"];
/// Whether a command checks a file's checksum or signature. Checksum tools count
/// whatever their arguments (`sha256sum f | grep -q <sum>` compares too); signature
/// tools only when verifying (`gpg --import` or `--dearmor` verifies nothing).
fn verifies(c: &SimpleCommand) -> bool {
    let Some((n, args)) = c.unwrapped() else {
        return false;
    };
    let has = |flags: &[&str]| args.iter().any(|a| flags.contains(&a.lossy.as_str()));
    match n {
        "sha256sum" | "sha512sum" | "sha384sum" | "sha224sum" | "sha1sum" | "shasum" | "md5sum"
        | "b2sum" | "gpgv" | "gpgv2" => true,
        "gpg" | "gpg2" => has(&["--verify", "--verify-files"]),
        "cosign" => args.first().is_some_and(|a| a.lossy.starts_with("verify")),
        "minisign" | "signify" => has(&["-V", "-C"]),
        "rpm" => has(&["-K", "--checksig"]),
        "openssl" => args
            .first()
            .is_some_and(|a| matches!(a.lossy.as_str(), "dgst" | "sha256" | "sha512")),
        _ => false,
    }
}

fn is_downloader(c: &SimpleCommand) -> bool {
    c.unwrapped().is_some_and(|(n, _)| DOWNLOADERS.contains(&n))
}

/// The command runs code: an interpreter reading stdin or `-c`/`-e` code, `eval`,
/// or `.`/`source`.
fn runs_code(c: &SimpleCommand) -> bool {
    match c.unwrapped() {
        Some((n, _)) => is_script_interpreter(n) || matches!(n, "eval" | "." | "source"),
        None => false,
    }
}

/// Whether an interpreter in a pipeline reads its program from stdin (not from a
/// `-c` string or a script file).
fn reads_program_from_stdin(c: &SimpleCommand) -> bool {
    let Some((name, args)) = c.unwrapped() else {
        return false;
    };
    if matches!(name, "eval" | "." | "source") {
        return false;
    }
    for a in args {
        let v = a.lossy.as_str();
        if v == "-" || v == "--" || v == "/dev/stdin" {
            return true;
        }
        if v == "-s" {
            return true;
        }
        if v.starts_with('-') {
            // `sh -c '...'`, `python -c`, `perl -e`, `node -e` take code from the argument.
            let flags = v.trim_start_matches('-');
            if !v.starts_with("--")
                && (flags.contains('c') || flags.contains('e') && !is_shell(name))
            {
                return false;
            }
            if matches!(v, "-m" | "--version" | "-V" | "--help") {
                return false;
            }
            continue;
        }
        // The first operand is a script file.
        return false;
    }
    true
}

fn is_shell(n: &str) -> bool {
    hullguard_shell::is_shell_interpreter(n)
}

fn report(cx: &InstCtx, sink: &mut Sink, map: &crate::cmd::Mapping, dl: &SimpleCommand, how: &str) {
    let name = dl.unwrapped().map_or("download", |(n, _)| n);
    sink.report(
        &REMOTE_SCRIPT_EXECUTION,
        map.span(dl.span),
        format!("`{name}` output is {how} without verification"),
    )
    .set_help("download to a file, verify its checksum or signature, then run it");
    let _ = cx;
}

/// The file a downloader writes (`curl -o F`, `wget -O F`, `--output F`).
fn output_file(c: &SimpleCommand) -> Option<String> {
    let (name, args) = c.unwrapped()?;
    let mut it = args.iter().peekable();
    while let Some(a) = it.next() {
        let v = a.lossy.as_str();
        let flag_takes = match name {
            "curl" => {
                matches!(v, "-o" | "--output")
                    || (v.starts_with('-')
                        && !v.starts_with("--")
                        && v.ends_with('o')
                        && v.len() > 2)
            }
            "wget" => {
                matches!(v, "-O" | "--output-document")
                    || (v.starts_with('-')
                        && !v.starts_with("--")
                        && v.ends_with('O')
                        && v.len() > 2)
            }
            _ => false,
        };
        if flag_takes {
            return it.next().map(|w| w.lossy.clone()).filter(|f| f != "-");
        }
        if let Some(f) = v
            .strip_prefix("--output=")
            .or_else(|| v.strip_prefix("--output-document="))
        {
            return (f != "-").then(|| f.to_string());
        }
        if name == "curl" && v.starts_with("-o") && v.len() > 2 && !v.starts_with("--") {
            return Some(v[2..].to_string()).filter(|f| f != "-");
        }
        if name == "wget" && v.starts_with("-O") && v.len() > 2 {
            return Some(v[2..].to_string()).filter(|f| f != "-");
        }
    }
    None
}

/// The file a download is saved to: [`output_file`], a redirection of its output
/// (`curl URL > f`), or the last path segment of the URL for `curl -O` /
/// `--remote-name` and for `wget` without `-O`.
fn saved_file(c: &SimpleCommand) -> Option<String> {
    if let Some(f) = output_file(c) {
        return Some(f);
    }
    let redirected = c.redirects.iter().find_map(|r| {
        matches!(r.op.as_str(), ">" | ">>" | "1>" | "1>>" | ">|")
            .then(|| r.target.as_ref().map(|t| t.lossy.clone()))
            .flatten()
    });
    if let Some(f) = redirected {
        return Some(f);
    }
    let (name, args) = c.unwrapped()?;
    let short_has = |v: &str, letter: char| {
        v.starts_with('-') && !v.starts_with("--") && v[1..].contains(letter)
    };
    let remote_name = match name {
        "curl" => args.iter().any(|a| {
            let v = a.lossy.as_str();
            matches!(v, "--remote-name" | "--remote-name-all") || short_has(v, 'O')
        }),
        "wget" => !args.iter().any(|a| {
            let v = a.lossy.as_str();
            v.starts_with("--output-document") || short_has(v, 'O')
        }),
        _ => false,
    };
    if !remote_name {
        return None;
    }
    let url = args.iter().find(|a| a.lossy.contains("://"))?;
    let path = url.lossy.split(['?', '#']).next().unwrap_or("");
    let base = path.rsplit('/').next().unwrap_or("");
    (!base.is_empty() && !path.ends_with("://")).then(|| base.to_string())
}

/// Whether the word `k` of `owner` (which holds a substitution) is the program the
/// interpreter runs: the code of `-c`/`-e`, the script operand (`bash <(curl ..)`),
/// the file of `.`/`source`, or anything given to `eval`. `bash script.sh "$(curl
/// ..)"` only passes data.
fn substitution_is_program(owner: &SimpleCommand, k: usize) -> bool {
    let Some((name, args)) = owner.unwrapped() else {
        return false;
    };
    let Some(k) = k.checked_sub(owner.words.len() - args.len()) else {
        return false;
    };
    match name {
        "eval" => return true,
        "." | "source" => return k == 0,
        _ => {}
    }
    for (i, a) in args.iter().enumerate() {
        let v = a.lossy.as_str();
        if v == "--" {
            continue;
        }
        if v.starts_with('-') && v.len() > 1 {
            let flags = v.trim_start_matches('-');
            if !v.starts_with("--") {
                if flags.ends_with('c') || flags.ends_with('e') && !is_shell(name) {
                    return i + 1 == k;
                }
                if is_shell(name) && flags.contains('s') {
                    // The program comes from stdin; the rest are its arguments.
                    return false;
                }
            }
            if i == k {
                return false;
            }
            continue;
        }
        return i == k;
    }
    false
}

fn check_script(cx: &InstCtx, sink: &mut Sink, s: &Script, map: &crate::cmd::Mapping) {
    let mut reported = vec![false; s.commands.len()];
    // Pipelines: a downloader stage followed by an interpreter stage.
    for (pi, p) in s.pipelines.iter().enumerate() {
        let stages = s.pipeline_stage_commands(pi);
        for (k, stage) in stages.iter().enumerate() {
            for dl in stage
                .iter()
                .filter(|c| is_downloader(c) && output_file(c).is_none())
            {
                let later = stages[k + 1..]
                    .iter()
                    .flatten()
                    .find(|c| runs_code(c) && reads_program_from_stdin(c));
                if let Some(interp) = later {
                    let idx = p.stages[k]
                        .iter()
                        .copied()
                        .find(|i| std::ptr::eq(&s.commands[*i], *dl));
                    if let Some(i) = idx {
                        if reported[i] {
                            continue;
                        }
                        reported[i] = true;
                    }
                    let n = interp.unwrapped().map_or("an interpreter", |(n, _)| n);
                    report(cx, sink, map, dl, &format!("piped into `{n}`"));
                }
            }
        }
    }
    // Substitutions: `sh -c "$(curl ...)"`, `bash <(curl ...)`.
    for (i, c) in s.commands.iter().enumerate() {
        if reported[i] || !is_downloader(c) {
            continue;
        }
        for ctx in c.context.iter().rev() {
            let (owner, how) = match ctx {
                Context::CommandSubstitution { owner: Some(o) } => (*o, "substituted into"),
                Context::ProcessSubstitution {
                    owner: Some(o),
                    input: true,
                } => (*o, "fed by process substitution to"),
                _ => continue,
            };
            let Some(oc) = s.commands.get(owner) else {
                continue;
            };
            let word = oc
                .words
                .iter()
                .position(|w| w.span.start <= c.span.start && c.span.end <= w.span.end);
            if runs_code(oc) && word.is_some_and(|k| substitution_is_program(oc, k)) {
                let n = oc.unwrapped().map_or("an interpreter", |(n, _)| n);
                reported[i] = true;
                report(cx, sink, map, c, &format!("{how} `{n}`"));
                break;
            }
        }
    }
    // Download to a file, then run it, with no verification in between.
    for (i, c) in s.commands.iter().enumerate() {
        if reported[i] || !is_downloader(c) {
            continue;
        }
        let Some(file) = saved_file(c) else { continue };
        let base = file.rsplit('/').next().unwrap_or(&file).to_string();
        let mut verified = false;
        for later in &s.commands[i + 1..] {
            let Some((_, args)) = later.unwrapped() else {
                continue;
            };
            if verifies(later) {
                verified = true;
            }
            let mentions = |v: &str| {
                v == file || (!base.is_empty() && (v == base || v.ends_with(&format!("/{base}"))))
            };
            let executes = (runs_code(later)
                && args
                    .iter()
                    .find(|a| !a.lossy.starts_with('-'))
                    .is_some_and(|a| mentions(&a.lossy)))
                || later
                    .words
                    .first()
                    .is_some_and(|w| mentions(&w.lossy) && (w.lossy.contains('/')));
            if executes && !verified {
                reported[i] = true;
                let direct = later.words.first().is_some_and(|w| mentions(&w.lossy));
                let how = match later.unwrapped() {
                    Some((n, _)) if !direct => format!("saved to `{file}` and run by `{n}`"),
                    _ => format!("saved to `{file}` and executed"),
                };
                report(cx, sink, map, c, &how);
                break;
            }
        }
    }
}

impl DockerfileRule for RemoteScriptExecution {
    fn info(&self) -> &'static RuleInfo {
        &REMOTE_SCRIPT_EXECUTION
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        for rs in cx.scripts {
            check_script(cx, sink, &rs.script, &rs.map);
        }
    }
}
