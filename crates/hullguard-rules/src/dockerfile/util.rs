//! Helpers shared by several Dockerfile rules.

use crate::cmd::Cmd;

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

/// Package managers' install commands: `(manager, packages)`.
/// `python -m pip install x` is handled as `pip install x`.
pub fn install_operands(cmd: &Cmd) -> Option<(&'static str, Vec<&crate::cmd::CmdArg>)> {
    let (name, args): (&str, &[crate::cmd::CmdArg]) = if cmd.name.starts_with("python")
        && cmd.args.len() > 2
        && cmd.args[0].value == "-m"
        && matches!(cmd.args[1].value.as_str(), "pip" | "pip3")
    {
        ("pip", &cmd.args[2..])
    } else {
        (cmd.name.as_str(), &cmd.args)
    };
    let sub = args
        .iter()
        .find(|a| !a.value.starts_with('-'))
        .map(|a| a.value.as_str());
    let (mgr, subs): (&'static str, &[&str]) = match name {
        "apt-get" | "apt" | "aptitude" => ("apt", &["install"]),
        "apk" => ("apk", &["add"]),
        "yum" | "dnf" | "microdnf" | "tdnf" => ("yum", &["install"]),
        "zypper" => ("zypper", &["install", "in"]),
        "pip" | "pip3" | "pip2" | "uv" => ("pip", &["install"]),
        "npm" | "pnpm" => ("npm", &["install", "i", "add"]),
        "yarn" => ("npm", &["add"]),
        "gem" => ("gem", &["install"]),
        _ => return None,
    };
    let sub = sub?;
    if !subs.contains(&sub) {
        return None;
    }
    let mut seen_sub = false;
    let mut skip_next = false;
    let mut ops = Vec::new();
    for a in args {
        if skip_next {
            skip_next = false;
            continue;
        }
        if !seen_sub {
            if a.value == sub {
                seen_sub = true;
            }
            continue;
        }
        if a.value.starts_with('-') {
            // Options that take a separate value.
            if matches!(
                a.value.as_str(),
                "-r" | "--requirement"
                    | "-c"
                    | "--constraint"
                    | "-e"
                    | "--editable"
                    | "-t"
                    | "--target"
                    | "-i"
                    | "--index-url"
                    | "--extra-index-url"
                    | "--trusted-host"
                    | "-f"
                    | "--find-links"
                    | "-o"
                    | "-v"
                    | "--version"
                    | "--repo"
                    | "-X"
                    | "--repository"
                    | "--prefix"
                    | "--root"
                    | "--virtual"
                    | "-t="
                    | "--registry"
            ) {
                skip_next = true;
            }
            continue;
        }
        ops.push(a);
    }
    Some((mgr, ops))
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
