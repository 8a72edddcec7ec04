//! Helpers shared by several Dockerfile rules.

use crate::cmd::{Cmd, CmdArg};
use crate::engine::InstCtx;
use hullguard_dockerfile::model::{Model, Scope, Stage};
use hullguard_dockerfile::{Args, Keyword, Word};

/// A parsed image reference `[registry/]path[:tag][@digest]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// Registry host, `docker.io` when none is written.
    pub registry: String,
    /// Repository path, with `library/` for official Docker Hub images.
    pub path: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    pub fn parse(reference: &str) -> ImageRef {
        let (rest, digest) = match reference.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (reference, None),
        };
        let (name, tag) = match rest.rfind(':') {
            Some(i) if !rest[i + 1..].contains('/') => {
                (&rest[..i], Some(rest[i + 1..].to_string()))
            }
            _ => (rest, None),
        };
        let (registry, path) = match name.split_once('/') {
            Some((first, p))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (first.to_ascii_lowercase(), p.to_string())
            }
            _ => ("docker.io".to_string(), name.to_string()),
        };
        let path = if registry == "docker.io" && !path.contains('/') {
            format!("library/{path}")
        } else {
            path
        };
        ImageRef {
            registry,
            path,
            tag,
            digest,
        }
    }

    /// `registry/path` for allowlist matching.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.registry, self.path)
    }
}

/// The program a command really drives and its arguments: `python3 -m pip ...`
/// and `uv pip ...` are `pip ...`; anything else is itself.
pub fn effective(cmd: &Cmd) -> (&str, &[CmdArg]) {
    let a = &cmd.args;
    if cmd.name.starts_with("python")
        && a.len() >= 2
        && a[0].value == "-m"
        && matches!(a[1].value.as_str(), "pip" | "pip3")
    {
        ("pip", &a[2..])
    } else if cmd.name == "uv" && a.first().is_some_and(|x| x.value == "pip") {
        ("pip", &a[1..])
    } else {
        (cmd.name.as_str(), a)
    }
}

/// Options of a package manager that take their value as the next argument
/// (`apt-get -o X=Y install`, `apk add --virtual .deps`, `pip install -r f`).
fn value_options(name: &str) -> &'static [&'static str] {
    match name {
        "apt-get" | "apt" | "aptitude" => &[
            "-o",
            "--option",
            "-c",
            "--config-file",
            "-t",
            "--target-release",
            "--default-release",
        ],
        "apk" => &[
            "-X",
            "--repository",
            "-p",
            "--root",
            "--arch",
            "--cache-dir",
            "--keys-dir",
            "--repositories-file",
            "-t",
            "--virtual",
        ],
        "yum" | "dnf" | "microdnf" | "tdnf" => &[
            "-c",
            "--config",
            "--installroot",
            "--releasever",
            "--setopt",
            "-x",
            "--exclude",
            "--enablerepo",
            "--disablerepo",
            "--repo",
            "--repoid",
            "--forcearch",
            "--downloaddir",
            "--destdir",
        ],
        "zypper" => &[
            "--root", "-R", "--config", "-c", "-r", "--repo", "--from", "-t", "--type",
        ],
        "pip" | "pip3" | "pip2" => &[
            "-r",
            "--requirement",
            "-c",
            "--constraint",
            "-e",
            "--editable",
            "-t",
            "--target",
            "-i",
            "--index-url",
            "--extra-index-url",
            "--trusted-host",
            "-f",
            "--find-links",
            "--prefix",
            "--root",
            "--platform",
            "--python-version",
            "--implementation",
            "--abi",
            "--src",
            "--cache-dir",
            "--log",
            "--proxy",
            "--retries",
            "--timeout",
            "--progress-bar",
            "-C",
            "--config-settings",
            "--no-binary",
            "--only-binary",
            "--upgrade-strategy",
            "-p",
            "--python",
        ],
        "npm" | "pnpm" | "yarn" => &[
            "--prefix",
            "--registry",
            "--cache",
            "--loglevel",
            "-w",
            "--workspace",
            "--omit",
            "--include",
            "--tag",
            "--userconfig",
            "--filter",
            "-C",
            "--dir",
            "--cwd",
            "--network-timeout",
            "--mutex",
        ],
        "gem" => &[
            "-v",
            "--version",
            "-i",
            "--install-dir",
            "-n",
            "--bindir",
            "-s",
            "--source",
            "-P",
            "--trust-policy",
            "--platform",
        ],
        _ => &[],
    }
}

/// Index in `args` of the first operand, skipping options and their values.
fn first_operand(args: &[CmdArg], opts: &[&str]) -> Option<usize> {
    let mut i = 0;
    while i < args.len() {
        let v = args[i].value.as_str();
        if !v.starts_with('-') {
            return Some(i);
        }
        i += if opts.contains(&v) { 2 } else { 1 };
    }
    None
}

/// The subcommand of a package manager or other tool (`install` in
/// `apt-get -o Dpkg::Options::=--force-confold install x`, `add` in
/// `yarn global add x`), options and their values skipped.
pub fn subcommand(cmd: &Cmd) -> Option<&str> {
    let (name, args) = effective(cmd);
    subcommand_at(name, args).map(|i| args[i].value.as_str())
}

fn subcommand_at(name: &str, args: &[CmdArg]) -> Option<usize> {
    let opts = value_options(name);
    let i = first_operand(args, opts)?;
    if name == "yarn" && args[i].value == "global" {
        return first_operand(&args[i + 1..], opts).map(|j| i + 1 + j);
    }
    Some(i)
}

/// Package managers' install commands: `(manager, packages)`.
/// `python -m pip install x` and `uv pip install x` are handled as `pip install x`.
pub fn install_operands(cmd: &Cmd) -> Option<(&'static str, Vec<&CmdArg>)> {
    let (name, args) = effective(cmd);
    let (mgr, subs): (&'static str, &[&str]) = match name {
        "apt-get" | "apt" | "aptitude" => ("apt", &["install"]),
        "apk" => ("apk", &["add"]),
        "yum" | "dnf" | "microdnf" | "tdnf" => ("yum", &["install"]),
        "zypper" => ("zypper", &["install", "in"]),
        "pip" | "pip3" | "pip2" => ("pip", &["install"]),
        "npm" | "pnpm" => ("npm", &["install", "i", "add"]),
        "yarn" => ("npm", &["add"]),
        "gem" => ("gem", &["install"]),
        _ => return None,
    };
    let i = subcommand_at(name, args)?;
    if !subs.contains(&args[i].value.as_str()) {
        return None;
    }
    let opts = value_options(name);
    let mut ops = Vec::new();
    let mut skip_next = false;
    for a in &args[i + 1..] {
        if skip_next {
            skip_next = false;
            continue;
        }
        if a.value.starts_with('-') {
            skip_next = opts.contains(&a.value.as_str());
            continue;
        }
        ops.push(a);
    }
    Some((mgr, ops))
}

/// The value of a command argument: its static text, or its `$VAR`/`${VAR}`
/// references resolved with the `ARG`/`ENV` values in scope (they are the step's
/// environment). `None` when a command substitution or an unknown variable is in it.
pub fn arg_value(a: &CmdArg, scope: &Scope) -> Option<String> {
    if a.is_static {
        return Some(a.value.clone());
    }
    if a.value.contains("$(") || a.value.contains('`') {
        return None;
    }
    scope.expand(&a.value).resolved().map(str::to_string)
}

/// Whether a stage ends up in the built image: it is the target, or the target is
/// built `FROM` it (directly or through other stages). Stages only copied from
/// (`COPY --from`) leave their packages, ports and commands behind.
pub fn in_final_image(model: &Model, stage: usize) -> bool {
    let mut cur = model.target;
    while let Some(s) = cur {
        if s == stage {
            return true;
        }
        cur = model.stages.get(s).and_then(|st| st.parent);
    }
    false
}

/// For a `FROM` that names an external image (not an earlier stage, not
/// `scratch`, not inside `ONBUILD`): its stage and the image word.
pub fn external_base<'a>(cx: &InstCtx<'a>) -> Option<(&'a Stage, &'a Word)> {
    if cx.inst.keyword != Keyword::From || cx.onbuild {
        return None;
    }
    let (Some(stage), Args::From { image, .. }) = (cx.stage, &cx.inst.args) else {
        return None;
    };
    (stage.parent.is_none() && !stage.scratch).then_some((stage, image))
}

/// Lower-cased path normalised for prefix checks: no trailing `/`, no `/./`.
pub fn norm_path(p: &str) -> String {
    let mut out = String::new();
    for part in p.split('/') {
        if part.is_empty() || part == "." {
            continue;
        }
        out.push('/');
        out.push_str(part);
    }
    if out.is_empty() {
        "/".to_string()
    } else {
        out
    }
}

/// Whether `path` is `base` or under it.
pub fn under(path: &str, base: &str) -> bool {
    let p = norm_path(path);
    p == base || p.starts_with(&format!("{base}/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_refs() {
        let r = ImageRef::parse("nginx");
        assert_eq!(
            (r.registry.as_str(), r.path.as_str(), r.tag.as_deref()),
            ("docker.io", "library/nginx", None)
        );
        let r = ImageRef::parse("localhost:5000/a/b:1.2@sha256:abc");
        assert_eq!(r.registry, "localhost:5000");
        assert_eq!(r.tag.as_deref(), Some("1.2"));
        assert_eq!(r.digest.as_deref(), Some("sha256:abc"));
        assert_eq!(
            ImageRef::parse("gcr.io/distroless/static:nonroot").full_name(),
            "gcr.io/distroless/static"
        );
        assert_eq!(norm_path("/proc/./self/"), "/proc/self");
        assert!(under("/sys/fs", "/sys"));
        assert!(!under("/system", "/sys"));
    }
}
