//! DF018: files made writable by everyone.

use super::DockerfileRule;
use crate::cmd::{Cmd, CmdArg};
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::RuleInfo;
use hullguard_dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Finds permissions that let any user write: `chmod 777`, `666`, `0777`, `o+w`,
    /// `a+w`, `a=rwx`, `ugo+rwx` (also with `-R`), and `COPY`/`ADD --chmod=777`.
    /// Sticky directories (`1777`, `+t`, as for `/tmp`) are not reported.
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

/// The mode argument of a `chmod` (skipping options) and its effect.
pub(crate) fn chmod_mode(c: &Cmd) -> Option<(&CmdArg, ModeEffect)> {
    if c.name != "chmod" {
        return None;
    }
    let mode = c.args.iter().find(|a| {
        !(a.value.starts_with("--")
            || (a.value.starts_with('-')
                && a.value[1..].chars().all(|ch| "RfvcH".contains(ch))
                && a.value.len() > 1))
    })?;
    Some((mode, mode_effect(&mode.value)?))
}

impl DockerfileRule for WorldWritablePermissions {
    fn info(&self) -> &'static RuleInfo {
        &WORLD_WRITABLE_PERMISSIONS
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        if matches!(cx.inst.keyword, Keyword::Copy | Keyword::Add) {
            if let Some(f) = cx.inst.flag("chmod") {
                if let Some(e) = f.value.as_deref().and_then(mode_effect) {
                    if e.other_write && !e.sticky {
                        sink.report(
                            &WORLD_WRITABLE_PERMISSIONS,
                            f.span,
                            format!(
                                "`--chmod={}` makes the files writable by every user",
                                f.value.as_deref().unwrap_or("")
                            ),
                        );
                    }
                }
            }
            return;
        }
        for c in cx.cmds {
            if let Some((mode, e)) = chmod_mode(c) {
                if e.other_write && !e.sticky {
                    let recursive = if c.has_flag(&["-R", "--recursive"]) {
                        " recursively"
                    } else {
                        ""
                    };
                    sink.report(&WORLD_WRITABLE_PERMISSIONS, mode.span, format!("`chmod {}` makes files writable by every user{recursive}", mode.value))
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
