//! Helpers shared by the container rules: naming the object in messages, help in
//! the words of the source (compose key, `docker run` flag, API field), host path
//! normalisation and matching, image references.

use super::ContainerSink;
use hullguard_container::{ContainerSpec, NsMode, Setting, SourceKind};
use hullguard_diagnostics::RuleInfo;

/// The object a message is about: ``service `web` ``, ``container `db` ``, and
/// for a `docker run` line without `--name`, the command itself
/// (`` `docker run nginx` ``).
pub(crate) fn subject(spec: &ContainerSpec) -> String {
    let name = spec.name.trim();
    match spec.source {
        _ if name.is_empty() => "the container".to_string(),
        SourceKind::DockerRun if name.contains(' ') => format!("`{name}`"),
        SourceKind::DockerRun => format!("container `{name}`"),
        _ => format!("{} `{name}`", spec.kind),
    }
}

/// Help text in the words of the spec's source.
pub(crate) fn help(spec: &ContainerSpec, compose: &str, run: &str, api: &str) -> String {
    match spec.source {
        SourceKind::Compose => compose,
        SourceKind::DockerRun => run,
        SourceKind::Api => api,
    }
    .to_string()
}

/// Whether any of the list settings `fields` could not be read completely (then
/// a rule about something missing from them must not fire). `*` in
/// `spec.unresolved` (a `docker run` word that may hold any flags) makes every
/// list unresolved.
pub(crate) fn any_unresolved(spec: &ContainerSpec, fields: &[&str]) -> bool {
    spec.is_unresolved("*") || fields.iter().any(|f| spec.is_unresolved(f))
}

/// Lexically normalises an absolute host path: `//` and `/./` collapse, `..`
/// removes the previous segment (never above `/`), a trailing `/` goes.
/// `~` and `~/...` (a home directory) are kept with their `~`. `None` for paths
/// that are relative to a project (`./data`, `data`) or not Unix paths
/// (`C:\data`): they cannot name a host system directory.
pub fn normalize_host_path(path: &str) -> Option<String> {
    let p = path.trim();
    let (prefix, rest) = if p == "~" {
        ("~", "")
    } else if let Some(r) = p.strip_prefix("~/") {
        ("~", r)
    } else if p.starts_with('/') {
        ("", p)
    } else {
        return None;
    };
    let mut segs: Vec<&str> = Vec::new();
    for s in rest.split('/') {
        match s {
            "" | "." => {}
            ".." => {
                segs.pop();
            }
            s => segs.push(s),
        }
    }
    let joined = segs.join("/");
    Some(match (prefix, joined.is_empty()) {
        ("~", true) => "~".to_string(),
        ("~", false) => format!("~/{joined}"),
        _ => format!("/{joined}"),
    })
}

/// The segments of a normalised path (`/` has none; `~` is a segment).
pub(crate) fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

/// Whether `pattern` (segments, `*` matching any one segment) is a prefix of
/// `path`: the path is the pattern's directory or inside it.
pub(crate) fn is_within(path: &[&str], pattern: &[&str]) -> bool {
    pattern.len() <= path.len() && pattern.iter().zip(path).all(|(p, s)| seg_eq(p, s))
}

/// Whether `path` is a strict ancestor of `pattern`: mounting it exposes what the
/// pattern names.
pub(crate) fn contains(path: &[&str], pattern: &[&str]) -> bool {
    path.len() < pattern.len() && path.iter().zip(pattern).all(|(s, p)| seg_eq(p, s))
}

fn seg_eq(pattern: &str, seg: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    if let Some(prefix) = pattern.strip_suffix('*') {
        return seg.starts_with(prefix);
    }
    pattern == seg
}

/// Whether a host path is accepted by `allowed_host_paths`: it is one of them or
/// inside one.
pub(crate) fn host_path_allowed(path: &str, allowed: &[String]) -> bool {
    let Some(p) = normalize_host_path(path) else {
        return false;
    };
    let ps = segments(&p);
    allowed.iter().any(|a| match normalize_host_path(a) {
        Some(a) => is_within(&ps, &segments(&a)),
        None => false,
    })
}

/// An image reference split as the engine reads it:
/// `[registry[:port]/]repository[:tag][@digest]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImageRef<'a> {
    pub repository: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

pub(crate) fn parse_image(reference: &str) -> ImageRef<'_> {
    let r = reference.trim();
    let (name, digest) = match r.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (r, None),
    };
    // A `:` after the last `/` is a tag; before it, a registry port.
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    let (repository, tag) = match name[last_slash..].rfind(':') {
        Some(i) => (&name[..last_slash + i], Some(&name[last_slash + i + 1..])),
        None => (name, None),
    };
    ImageRef {
        repository,
        tag,
        digest,
    }
}

/// Whether an image value is an image id (`sha256:...`, or the bare hex id an
/// inspect document may hold): content-addressed, so pinned.
pub(crate) fn is_image_id(reference: &str) -> bool {
    let r = reference.trim();
    let hex = r.strip_prefix("sha256:").unwrap_or(r);
    (r.starts_with("sha256:") || hex.len() == 64)
        && !hex.is_empty()
        && hex.chars().all(|c| c.is_ascii_hexdigit())
}

/// Formats a port range (`80`, `8000-8010`).
pub(crate) fn port_range((a, b): (u16, u16)) -> String {
    if a == b {
        a.to_string()
    } else {
        format!("{a}-{b}")
    }
}

/// One namespace as the sources name it, for the host-namespace rules.
pub(crate) struct Namespace {
    /// `network`, `PID` ...
    pub label: &'static str,
    pub compose_key: &'static str,
    pub run_flag: &'static str,
    pub api_field: &'static str,
}

/// Reports `setting` when it is the host's namespace.
pub(crate) fn report_host_namespace(
    rule: &'static RuleInfo,
    spec: &ContainerSpec,
    setting: &Setting<NsMode>,
    ns: &Namespace,
    consequence: &str,
    sink: &mut ContainerSink,
) {
    let Some(mode) = setting.known() else {
        return;
    };
    if !mode.value.is_host() {
        return;
    }
    sink.report(
        rule,
        &mode.at,
        "host",
        format!(
            "{} shares the host's {} namespace: {consequence}",
            subject(spec),
            ns.label
        ),
    )
    .set_help(help(
        spec,
        &format!("remove `{}: host`", ns.compose_key),
        &format!("remove `{} host`", ns.run_flag),
        &format!(
            "leave `HostConfig.{}` empty (the container's own namespace)",
            ns.api_field
        ),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(normalize_host_path("/").as_deref(), Some("/"));
        assert_eq!(normalize_host_path("//").as_deref(), Some("/"));
        assert_eq!(normalize_host_path("/etc/").as_deref(), Some("/etc"));
        assert_eq!(
            normalize_host_path("//etc//./docker/").as_deref(),
            Some("/etc/docker")
        );
        assert_eq!(normalize_host_path("/srv/../etc").as_deref(), Some("/etc"));
        assert_eq!(normalize_host_path("/../../").as_deref(), Some("/"));
        assert_eq!(
            normalize_host_path("/var/run/.").as_deref(),
            Some("/var/run")
        );
        assert_eq!(normalize_host_path("~").as_deref(), Some("~"));
        assert_eq!(normalize_host_path("~/").as_deref(), Some("~"));
        assert_eq!(normalize_host_path("~/.ssh/").as_deref(), Some("~/.ssh"));
        assert_eq!(normalize_host_path("./data"), None);
        assert_eq!(normalize_host_path("data"), None);
        assert_eq!(normalize_host_path(r"C:\data"), None);
        assert!(host_path_allowed(
            "/var/lib/docker/containers/x",
            &["/var/lib/docker/containers/".into()]
        ));
        assert!(!host_path_allowed(
            "/var/lib/docker",
            &["/var/lib/docker/containers".into()]
        ));
        assert!(is_within(
            &segments("/home/bob/.ssh/id"),
            &["home", "*", ".ssh"]
        ));
        assert!(contains(&segments("/var"), &["var", "run", "docker.sock"]));
        assert!(!contains(
            &segments("/var/run/docker.sock"),
            &["var", "run", "docker.sock"]
        ));
    }

    #[test]
    fn images() {
        let i = parse_image("registry:5000/team/app:1.2@sha256:abc");
        assert_eq!(i.repository, "registry:5000/team/app");
        assert_eq!(i.tag, Some("1.2"));
        assert_eq!(i.digest, Some("sha256:abc"));
        let i = parse_image("registry:5000/app");
        assert_eq!((i.repository, i.tag), ("registry:5000/app", None));
        assert_eq!(parse_image("nginx").tag, None);
        assert!(is_image_id("sha256:0123abcd"));
        assert!(!is_image_id("nginx:latest"));
    }
}
