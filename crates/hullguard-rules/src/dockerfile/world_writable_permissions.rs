//! DF018: files made writable by everyone.

use super::util::arg_value;
use super::DockerfileRule;
use crate::cmd::{Cmd, CmdArg};
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::{RuleInfo, Span};
use hullguard_dockerfile::model::Scope;
use hullguard_dockerfile::{Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Finds permissions that let any user write: `chmod 777`, `666`, `0777`, `o+w`,
    /// `a+w`, `a=rwx`, `ugo+rwx` (also with `-R`, through `xargs` or
    /// `find ... -exec chmod`), `mkdir -m 777`, `install -m 666`, and
    /// `COPY`/`ADD --chmod=777`. Modes in `ARG`/`ENV` variables are resolved. Sticky
    /// directories (`1777`, `+t`, as for `/tmp`) are not reported.
    ///
    /// ## Why is this bad?
    /// In a container, world-writable files let any process — whatever user it runs
    /// as — replace binaries, scripts or configuration that a more privileged process
    /// later executes or trusts. It is the usual way a foothold as a low-privilege
    /// user turns into code execution as root. Recursive `chmod 777` is almost always
    /// a workaround for a user or group mistake.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN chmod -R 777 /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN chown -R app:app /app/data && chmod -R u+rwX,go-w /app
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 4.8 (permissions) and 5.13 (read-only root filesystem)
    pub static WORLD_WRITABLE_PERMISSIONS = {
        code: "DF018",
        name: "world-writable-permissions",
        severity: Medium,
        default_enabled: true,
        cis: [],
        summary: "files made writable by every user",
        fixable: false,
    }
}

pub struct WorldWritablePermissions;

/// What a chmod mode grants.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ModeEffect {
    pub other_write: bool,
    pub setuid: bool,
    pub setgid: bool,
    pub sticky: bool,
}

/// Parses a numeric (`4755`) or symbolic (`u+s,o+w`) mode.
pub(crate) fn mode_effect(mode: &str) -> Option<ModeEffect> {
    let mut e = ModeEffect::default();
    if !mode.is_empty() && mode.len() <= 5 && mode.chars().all(|c| ('0'..='7').contains(&c)) {
        let v = u32::from_str_radix(mode, 8).ok()?;
        e.other_write = v & 0o002 != 0;
        e.setuid = v & 0o4000 != 0;
        e.setgid = v & 0o2000 != 0;
        e.sticky = v & 0o1000 != 0;
        return Some(e);
    }
    let mut any = false;
    for clause in mode.split(',') {
        let who_end = clause.find(['+', '-', '=']).unwrap_or(clause.len());
        let who = &clause[..who_end];
        if !who.chars().all(|c| "ugoa".contains(c)) || who_end == clause.len() {
            return None;
        }
        any = true;
        // A clause may chain ops: `u+s-x`.
        let mut rest = &clause[who_end..];
        while let Some(op) = rest.chars().next() {
            let perms_end = rest[1..]
                .find(['+', '-', '='])
                .map_or(rest.len(), |i| i + 1);
            let perms = &rest[1..perms_end];
            if !perms.chars().all(|c| "rwxXstugo".contains(c)) {
                return None;
            }
            if op == '+' || op == '=' {
                let others = who.contains('o') || who.contains('a');
                if perms.contains('w') && others {
                    e.other_write = true;
                }
                if perms.contains('s') {
                    if who.is_empty() || who.contains('u') || who.contains('a') {
                        e.setuid = true;
                    }
                    if who.is_empty() || who.contains('g') || who.contains('a') {
                        e.setgid = true;
                    }
                }
                if perms.contains('t') {
                    e.sticky = true;
                }
            }
            rest = &rest[perms_end..];
        }
    }
    any.then_some(e)
}

/// A permission change made by a command: `chmod MODE` (also through `xargs` or
/// `find ... -exec chmod MODE`), `install -m MODE`, `mkdir -m MODE`.
pub(crate) struct ModeChange<'a> {
    /// `chmod`, `install -m` or `mkdir -m`.
    pub tool: &'static str,
    pub arg: &'a CmdArg,
    /// The mode, variables resolved.
    pub mode: String,
    pub effect: ModeEffect,
    pub recursive: bool,
    /// Only directories get the mode (`mkdir`, `install -d`, `find -type d`).
    pub dirs_only: bool,
    /// The static paths that get the mode.
    pub targets: Vec<&'a str>,
}

fn is_chmod_option(v: &str) -> bool {
    v.starts_with("--")
        || (v.len() > 1 && v.starts_with('-') && v[1..].chars().all(|ch| "RfvcH".contains(ch)))
}

/// The permission changes of one command; modes that are variables are resolved
/// with `scope`.
pub(crate) fn mode_changes<'a>(c: &'a Cmd, scope: &Scope) -> Vec<ModeChange<'a>> {
    let mut out = Vec::new();
    let (tool, args, dirs_only): (&'static str, &[CmdArg], bool) = match c.name.as_str() {
        "chmod" => ("chmod", &c.args, false),
        "find" => {
            let Some(i) = c.args.windows(2).position(|w| {
                matches!(w[0].value.as_str(), "-exec" | "-execdir" | "-ok" | "-okdir")
                    && w[1].value.rsplit('/').next() == Some("chmod")
            }) else {
                return out;
            };
            let rest = &c.args[i + 2..];
            let end = rest
                .iter()
                .position(|a| a.value == ";" || a.value == "+")
                .unwrap_or(rest.len());
            let dirs = c
                .args
                .windows(2)
                .any(|w| w[0].value == "-type" && w[1].value == "d");
            ("chmod", &rest[..end], dirs)
        }
        "install" => ("install -m", &c.args, c.has_flag(&["-d", "--directory"])),
        "mkdir" => ("mkdir -m", &c.args, true),
        _ => return out,
    };
    let mut mode: Option<(&CmdArg, String)> = None;
    let mut targets = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let v = a.value.as_str();
        i += 1;
        if tool == "chmod" {
            if mode.is_none() && is_chmod_option(v) {
                continue;
            }
            if mode.is_none() {
                mode = arg_value(a, scope).map(|m| (a, m));
                if mode.is_none() {
                    return out;
                }
                continue;
            }
        } else {
            // install / mkdir: `-m MODE`, `-pm MODE`, `-m0755`, `--mode=MODE`.
            if let Some(m) = v.strip_prefix("--mode=") {
                mode = Some((a, m.to_string()));
                continue;
            }
            if v == "--mode" || (v.starts_with('-') && !v.starts_with("--") && v.ends_with('m')) {
                if let Some(n) = args.get(i) {
                    mode = arg_value(n, scope).map(|m| (n, m));
                    i += 1;
                }
                continue;
            }
            if let Some(m) = v.strip_prefix("-m").filter(|m| !m.is_empty()) {
                mode = Some((a, m.to_string()));
                continue;
            }
            if matches!(
                v,
                "-o" | "-g" | "-t" | "--owner" | "--group" | "--target-directory"
            ) {
                i += 1;
                continue;
            }
            if v.starts_with('-') {
                continue;
            }
        }
        if a.is_static && !v.starts_with('-') {
            targets.push(v);
        }
    }
    if let Some((arg, m)) = mode {
        if let Some(effect) = mode_effect(&m) {
            out.push(ModeChange {
                tool,
                arg,
                mode: m,
                effect,
                recursive: tool == "chmod" && c.has_flag(&["-R", "--recursive"]),
                dirs_only,
                targets,
            });
        }
    }
    out
}

/// The `--chmod` of `COPY`/`ADD`, variables resolved, and its effect.
pub(crate) fn copy_chmod(inst: &Instruction, scope: &Scope) -> Option<(Span, String, ModeEffect)> {
    let f = inst.flag("chmod")?;
    let v = scope.expand(f.value.as_deref()?).resolved()?.to_string();
    let e = mode_effect(&v)?;
    Some((f.span, v, e))
}

impl DockerfileRule for WorldWritablePermissions {
    fn info(&self) -> &'static RuleInfo {
        &WORLD_WRITABLE_PERMISSIONS
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        if matches!(cx.inst.keyword, Keyword::Copy | Keyword::Add) {
            if let Some((span, v, e)) = copy_chmod(cx.inst, cx.scope) {
                if e.other_write && !e.sticky {
                    sink.report(
                        &WORLD_WRITABLE_PERMISSIONS,
                        span,
                        format!("`--chmod={v}` makes the files writable by every user"),
                    );
                }
            }
            return;
        }
        for c in cx.cmds {
            for m in mode_changes(c, cx.scope) {
                if m.effect.other_write && !m.effect.sticky {
                    let recursive = if m.recursive { " recursively" } else { "" };
                    sink.report(&WORLD_WRITABLE_PERMISSIONS, m.arg.span, format!("`{} {}` makes files writable by every user{recursive}", m.tool, m.mode))
                        .set_help("give ownership to the user that needs to write instead (`chown`), and drop `o+w`");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::mode_effect;

    #[test]
    fn modes() {
        assert!(mode_effect("777").unwrap().other_write);
        assert!(mode_effect("0666").unwrap().other_write);
        assert!(!mode_effect("755").unwrap().other_write);
        assert!(mode_effect("1777").unwrap().sticky);
        assert!(mode_effect("4755").unwrap().setuid);
        assert!(mode_effect("2755").unwrap().setgid);
        assert!(mode_effect("a+w").unwrap().other_write);
        assert!(mode_effect("u+rwx,o+w").unwrap().other_write);
        assert!(!mode_effect("u+w").unwrap().other_write);
        assert!(mode_effect("u+s").unwrap().setuid);
        assert!(!mode_effect("u-s").unwrap().setuid);
        assert!(mode_effect("g+s").unwrap().setgid);
        assert!(mode_effect("+x").is_some());
        assert!(mode_effect("/app").is_none());
    }
}
