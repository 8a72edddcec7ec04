//! Mounts: `volumes:` in short and long syntax, with named volumes looked up in
//! the top-level `volumes:` (their driver and driver options, which may bind a
//! host directory), `tmpfs:`, and `use_api_socket`.
//!
//! Host paths follow compose-go's rules: a short-syntax source starting with
//! `.`, `/` or `~` (or a Windows drive or `\\`) is a bind, relative paths
//! resolve against the service's directory, and `~` against `HOME` when the
//! project environment has it.

use super::files::{clean_unix, resolve};
use super::read::{compose_bool, kind_of, Read};
use super::Cx;
use crate::node::{Node, Value};
use hullguard_container::{parse, At, Mount, MountKind, Setting};

/// The options the shared short-syntax parser knows; compose ignores the rest.
const KNOWN_VOLUME_OPTIONS: &[&str] = hullguard_container::parse::VOLUME_OPTIONS;

/// Parses a short volume spec as compose does. [`parse::parse_volume_spec`] is
/// the engine's reading; compose (`format.ParseVolume`) differs in two ways that
/// matter: a spec of one or two characters is a target, and unknown options are
/// ignored rather than refused. The ignored options are returned.
fn parse_compose_volume(spec: &str) -> Result<(Mount, Vec<String>), String> {
    if spec.is_empty() {
        return Err("invalid empty volume spec".to_string());
    }
    if spec.len() <= 2 {
        return Ok((Mount::new(MountKind::Volume, spec), Vec::new()));
    }
    match parse::parse_volume_spec(spec) {
        Ok(m) => Ok((m, Vec::new())),
        Err(e) => {
            // Retry without the options the parser refused, when the spec has
            // three parts; any other error stands.
            let Some((head, opts)) = spec.rsplit_once(':') else {
                return Err(e);
            };
            let (known, unknown): (Vec<&str>, Vec<&str>) = opts
                .split(',')
                .partition(|o| KNOWN_VOLUME_OPTIONS.contains(o));
            if unknown.is_empty() || unknown.iter().any(|o| o.is_empty() || o.contains('/')) {
                return Err(e);
            }
            let retry = if known.is_empty() {
                head.to_string()
            } else {
                format!("{head}:{}", known.join(","))
            };
            match parse::parse_volume_spec(&retry) {
                // `head` alone must still be `SRC:DST`: otherwise the last part
                // was the target, not options.
                Ok(m) if head.contains(':') => {
                    Ok((m, unknown.into_iter().map(str::to_string).collect()))
                }
                _ => Err(e),
            }
        }
    }
}

impl<'a> Cx<'a> {
    /// `volumes:` items.
    pub(super) fn volumes(&mut self, node: &Node) {
        for item in self.items("volumes", node, false) {
            match &item.value {
                Value::Scalar(s) => self.short_volume(item, &s.text),
                Value::Map(_) => self.long_volume(item),
                _ => {
                    self.problem(
                        item.location(),
                        format!(
                            "a volume must be a string or a mapping, not {}",
                            kind_of(item)
                        ),
                    );
                    self.unresolved("volumes", item.location());
                }
            }
        }
    }

    fn short_volume(&mut self, item: &Node, spec: &str) {
        let at = item.location();
        let (mut m, ignored) = match parse_compose_volume(spec) {
            Ok(r) => r,
            Err(e) => {
                self.problem(at.clone(), e);
                self.unresolved("volumes", at);
                return;
            }
        };
        for o in ignored {
            self.problem(
                at.clone(),
                format!("unknown volume option `{o}` (compose ignores it)"),
            );
        }
        m.target = clean_unix(&m.target);
        match m.kind {
            MountKind::Bind => {
                m.host_path = m.source.as_deref().map(|s| self.host_path(s));
            }
            MountKind::Volume if m.source.is_some() => self.named_volume(&mut m, item),
            _ => {}
        }
        self.spec.mounts.push(At::new(m, at));
    }

    /// A bind source as the engine receives it.
    fn host_path(&self, source: &str) -> String {
        resolve(&self.service.dir, source, self.home())
    }

    fn long_volume(&mut self, item: &Node) {
        let at = item.location();
        // Fields that decide what is mounted where: unknown, the mount is too.
        let text = |cx: &mut Cx<'_>, key: &str| -> Result<Option<String>, ()> {
            match item
                .get(key)
                .map(|n| cx.scalar(&format!("volumes.{key}"), n))
            {
                None | Some(Read::Absent) => Ok(None),
                Some(Read::Text(t, _)) => Ok(Some(t.to_string())),
                Some(Read::Unknown(_)) => Err(()),
            }
        };
        let (Ok(kind), Ok(source), Ok(target)) = (
            text(self, "type"),
            text(self, "source"),
            text(self, "target"),
        ) else {
            self.unresolved("volumes", at);
            return;
        };
        let Some(kind) = kind else {
            self.problem(at.clone(), "volume without a `type`");
            self.unresolved("volumes", at);
            return;
        };
        let kind = MountKind::parse(&kind);
        let Some(target) = target.filter(|t| !t.is_empty()) else {
            self.problem(at.clone(), "volume without a `target`");
            self.unresolved("volumes", at);
            return;
        };
        let mut m = Mount::new(kind.clone(), clean_unix(&target));
        m.source = source.filter(|s| !s.is_empty());
        // Modifiers: unknown, the mount is kept with the engine default and the
        // list marked as not completely read.
        let mut partial = false;
        if let Some(n) = item.get("read_only") {
            match self.boolean("volumes.read_only", n) {
                Setting::Set(a) => m.read_only = a.value,
                Setting::Unknown(_) => partial = true,
                Setting::Unset => {}
            }
        }
        match kind {
            MountKind::Bind => {
                let Some(src) = m.source.clone() else {
                    self.problem(at.clone(), "bind mount without a `source`");
                    self.unresolved("volumes", at);
                    return;
                };
                m.host_path = Some(self.host_path(&src));
                if let Some(b) = item.get("bind") {
                    for (k, v) in self.mapping("volumes", b) {
                        let field = match k.as_str() {
                            Some("propagation") => &mut m.propagation,
                            Some("selinux") => &mut m.selinux,
                            _ => continue,
                        };
                        match self.scalar("volumes.bind", v) {
                            Read::Text(t, _) => *field = Some(t.to_string()),
                            Read::Unknown(_) => partial = true,
                            Read::Absent => {}
                        }
                    }
                }
            }
            MountKind::Volume if m.source.is_some() => self.named_volume(&mut m, item),
            MountKind::Tmpfs => {
                if let Some(t) = item.get("tmpfs") {
                    for (k, v) in self.mapping("volumes", t) {
                        let Some(name @ ("size" | "mode")) = k.as_str() else {
                            continue;
                        };
                        match self.scalar("volumes.tmpfs", v) {
                            Read::Text(t, _) => m.tmpfs_options.push(format!("{name}={t}")),
                            Read::Unknown(_) => partial = true,
                            Read::Absent => {}
                        }
                    }
                }
            }
            _ => {}
        }
        if partial {
            self.unresolved("volumes", at.clone());
        }
        self.spec.mounts.push(At::new(m, at));
    }

    /// Fills a named volume's driver, options and host path from the top-level
    /// `volumes:`. An external volume's options are not in the project: its
    /// host path stays unknown (`None`).
    fn named_volume(&mut self, m: &mut Mount, item: &Node) {
        let Some(name) = m.source.clone() else {
            return;
        };
        let project: &'a crate::project::Project = self.project;
        let top = match &project.volumes {
            Some(top) if top.is_unknown() => {
                self.unresolved("volumes", item.location());
                return;
            }
            Some(top) => top,
            // The v1 format creates named volumes on first use.
            None if project.legacy_v1 => return,
            None => {
                self.problem(item.location(), format!("undefined volume `{name}`"));
                return;
            }
        };
        let Some(def) = top.get(&name) else {
            if !project.legacy_v1 {
                self.problem(item.location(), format!("undefined volume `{name}`"));
            }
            return;
        };
        match &def.value {
            Value::Null => return,
            Value::Map(_) => {}
            Value::Unknown(_) => {
                self.unresolved("volumes", item.location());
                return;
            }
            _ => {
                self.problem(
                    def.location(),
                    format!("volume `{name}` must be a mapping, not {}", kind_of(def)),
                );
                self.unresolved("volumes", item.location());
                return;
            }
        }
        let mut unknown = false;
        if let Some(d) = def.get("driver") {
            match self.scalar("volumes.driver", d) {
                Read::Text(t, _) => m.volume_driver = Some(t.to_string()),
                Read::Unknown(_) => unknown = true,
                Read::Absent => {}
            }
        }
        if let Some(opts) = def.get("driver_opts") {
            for (k, v) in self.mapping("volumes", opts) {
                match (k.as_str(), &v.value) {
                    (Some(k), Value::Scalar(s)) => {
                        m.volume_options.push((k.to_string(), s.text.clone()))
                    }
                    (_, Value::Null) => {}
                    _ => unknown = true,
                }
            }
        }
        let external = match def.get("external") {
            None => false,
            Some(e) => match &e.value {
                // `external: {name: x}` (deprecated) is external too.
                Value::Map(_) => true,
                Value::Scalar(s) => match compose_bool(&s.text) {
                    Some(b) => b,
                    None => {
                        self.problem(
                            e.location(),
                            format!("`volumes.{name}.external`: `{}` is not a boolean", s.text),
                        );
                        unknown = true;
                        false
                    }
                },
                Value::Null => false,
                _ => {
                    unknown = true;
                    false
                }
            },
        };
        if unknown {
            self.unresolved("volumes", item.location());
            return;
        }
        let local = m.volume_driver.as_deref().is_none_or(|d| d == "local");
        if !external && local {
            // A relative bind device resolves against the project directory
            // (compose-go `volumeDriverOpts`).
            m.host_path = parse::local_volume_host_path(&m.volume_options)
                .map(|p| resolve(&project.dir, &p, self.home()));
        }
    }

    /// `tmpfs:` as a string or a list of `PATH[:OPTIONS]`.
    pub(super) fn tmpfs(&mut self, node: &Node) {
        for (spec, at) in self.strings("tmpfs", node, true) {
            let (path, opts) = match spec.split_once(':') {
                Some((p, o)) => (p, o),
                None => (spec.as_str(), ""),
            };
            let mut m = Mount::new(MountKind::Tmpfs, clean_unix(path));
            m.tmpfs_options = opts
                .split(',')
                .filter(|o| !o.is_empty())
                .map(str::to_string)
                .collect();
            self.spec.mounts.push(At::new(m, at));
        }
    }

    /// `use_api_socket: true` bind-mounts the engine's socket into the container.
    pub(super) fn use_api_socket(&mut self, node: &Node) {
        match self.boolean("use_api_socket", node) {
            Setting::Set(a) if a.value => {
                const SOCKET: &str = "/var/run/docker.sock";
                let mut m = Mount::new(MountKind::Bind, SOCKET);
                m.source = Some(SOCKET.to_string());
                m.host_path = Some(SOCKET.to_string());
                self.spec.mounts.push(At::new(m, a.at));
            }
            Setting::Unknown(at) => self.unresolved("volumes", at),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_short_volumes() {
        let ok = |s: &str| parse_compose_volume(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        let (m, ignored) = ok("/a:/b:ro,weird");
        assert!(m.read_only);
        assert_eq!(ignored, vec!["weird".to_string()]);
        let (m, ignored) = ok("/a:/b:weird");
        assert_eq!((m.source.as_deref(), m.target.as_str()), (Some("/a"), "/b"));
        assert_eq!(ignored, vec!["weird".to_string()]);
        let (m, _) = ok("/x");
        assert_eq!(
            (m.kind, m.source, m.target.as_str()),
            (MountKind::Volume, None, "/x")
        );
        assert!(parse_compose_volume("a:b:c:d").is_err());
        assert!(parse_compose_volume("").is_err());
    }
}
