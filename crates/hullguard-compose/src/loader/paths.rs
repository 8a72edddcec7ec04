//! Relative paths of a service definition that comes from another directory
//! (an `extends` of a file elsewhere, an `include`d project) are made absolute
//! against that directory, as compose-go's `paths.ResolveRelativePaths` does
//! before it merges them, so that `Service::dir` stays right for everything
//! else. Also the target of a short volume spec, as compose-go's
//! `format.ParseVolume` reads it (used to spot duplicate mounts).

use crate::node::{Node, Value};
use std::path::{Component, Path, PathBuf};

/// Lexical `filepath.Clean` of a path: `.` dropped, `..` folded where possible.
pub(crate) fn clean(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// Whether a path written in a compose file is absolute (Unix, a Windows drive,
/// a UNC path) or relative to the home directory: such paths are left alone.
fn is_absolute_like(s: &str) -> bool {
    if s.starts_with('/') || s.starts_with('\\') || s.starts_with('~') {
        return true;
    }
    let mut chars = s.chars();
    matches!(
        (chars.next(), chars.next(), chars.next()),
        (Some(d), Some(':'), Some('/' | '\\')) if d.is_ascii_alphabetic()
    )
}

/// `text` made absolute against `dir`, if it is a relative path.
fn rebase_text(text: &str, dir: &Path) -> Option<String> {
    if text.is_empty() || is_absolute_like(text) {
        return None;
    }
    Some(clean(&dir.join(text)).to_string_lossy().into_owned())
}

fn rebase_scalar(node: &mut Node, dir: &Path) {
    if let Value::Scalar(s) = &mut node.value {
        if let Some(new) = rebase_text(&s.text, dir) {
            s.text = new;
        }
    }
}

/// compose-go `absContextPath`: URLs, git references and `service:` contexts
/// are not paths.
fn rebase_context(node: &mut Node, dir: &Path) {
    if let Value::Scalar(s) = &mut node.value {
        let t = s.text.as_str();
        let remote = t.contains("://")
            || t.starts_with("service:")
            || [
                "https://",
                "http://",
                "git://",
                "ssh://",
                "github.com/",
                "git@",
            ]
            .iter()
            .any(|p| t.starts_with(p));
        if !remote {
            if let Some(new) = rebase_text(t, dir) {
                s.text = new;
            }
        }
    }
}

fn map_entries_mut(node: &mut Node) -> Option<&mut Vec<(Node, Node)>> {
    match &mut node.value {
        Value::Map(m) => Some(m),
        _ => None,
    }
}

fn get_mut<'n>(node: &'n mut Node, key: &str) -> Option<&'n mut Node> {
    map_entries_mut(node)?
        .iter_mut()
        .find(|(k, _)| k.as_str() == Some(key))
        .map(|(_, v)| v)
}

/// Makes the relative paths of one service definition absolute against `dir`:
/// build context and additional contexts, env and label files, bind mount
/// sources, `develop.watch` paths.
pub(crate) fn rebase_service(service: &mut Node, dir: &Path) {
    if let Some(build) = get_mut(service, "build") {
        match &mut build.value {
            Value::Scalar(_) => rebase_context(build, dir),
            Value::Map(_) => {
                if let Some(ctx) = get_mut(build, "context") {
                    rebase_context(ctx, dir);
                }
                if let Some(extra) = get_mut(build, "additional_contexts") {
                    match &mut extra.value {
                        Value::Map(entries) => {
                            for (_, v) in entries.iter_mut() {
                                rebase_context(v, dir);
                            }
                        }
                        Value::Seq(items) => {
                            for item in items.iter_mut() {
                                rebase_key_value(item, dir);
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    for key in ["env_file", "label_file"] {
        if let Some(files) = get_mut(service, key) {
            match &mut files.value {
                Value::Scalar(_) => rebase_scalar(files, dir),
                Value::Seq(items) => {
                    for item in items.iter_mut() {
                        match &item.value {
                            Value::Scalar(_) => rebase_scalar(item, dir),
                            Value::Map(_) => {
                                if let Some(p) = get_mut(item, "path") {
                                    rebase_scalar(p, dir);
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
    }
    if let Some(Value::Seq(items)) = get_mut(service, "volumes").map(|v| &mut v.value) {
        for item in items.iter_mut() {
            rebase_volume(item, dir);
        }
    }
    if let Some(watch) = get_mut(service, "develop").and_then(|d| get_mut(d, "watch")) {
        if let Value::Seq(items) = &mut watch.value {
            for item in items.iter_mut() {
                if let Some(p) = get_mut(item, "path") {
                    rebase_scalar(p, dir);
                }
            }
        }
    }
}

/// `name=path` (list form of `additional_contexts`).
fn rebase_key_value(node: &mut Node, dir: &Path) {
    if let Value::Scalar(s) = &mut node.value {
        if let Some((k, v)) = s.text.split_once('=') {
            let remote = v.contains("://") || v.starts_with("service:");
            if let (false, Some(new)) = (remote, rebase_text(v, dir)) {
                s.text = format!("{k}={new}");
            }
        }
    }
}

fn rebase_volume(node: &mut Node, dir: &Path) {
    match &mut node.value {
        Value::Scalar(s) => {
            let Some((Some((start, end)), _)) = volume_fields(&s.text) else {
                return;
            };
            let source = s.text.get(start..end).unwrap_or("");
            // Only a bind source is a path (compose-go `isFilePath`); `.`-relative
            // ones are the ones that move.
            if !source.starts_with('.') {
                return;
            }
            if let Some(new) = rebase_text(source, dir) {
                let rest = s.text.get(end..).unwrap_or("");
                s.text = format!("{new}{rest}");
            }
        }
        Value::Map(_) => {
            let is_bind = node.get("type").and_then(Node::as_str) == Some("bind");
            if is_bind {
                if let Some(src) = get_mut(node, "source") {
                    rebase_scalar(src, dir);
                }
            }
        }
        _ => {}
    }
}

/// Makes the relative paths of a whole included model absolute: its services,
/// and the `file:` of secrets and configs and the bind `device` of local volumes.
pub(crate) fn rebase_model(root: &mut Node, dir: &Path) {
    if let Some(services) = get_mut(root, "services").and_then(map_entries_mut) {
        for (_, service) in services.iter_mut() {
            rebase_service(service, dir);
        }
    }
    for key in ["secrets", "configs"] {
        if let Some(entries) = get_mut(root, key).and_then(map_entries_mut) {
            for (_, v) in entries.iter_mut() {
                if let Some(file) = get_mut(v, "file") {
                    rebase_scalar(file, dir);
                }
            }
        }
    }
    if let Some(volumes) = get_mut(root, "volumes").and_then(map_entries_mut) {
        for (_, v) in volumes.iter_mut() {
            let local = v.get("driver").and_then(Node::as_str) == Some("local");
            let Some(opts) = get_mut(v, "driver_opts") else {
                continue;
            };
            let bind = opts.get("o").and_then(Node::as_str) == Some("bind");
            if local && bind {
                if let Some(device) = get_mut(opts, "device") {
                    rebase_scalar(device, dir);
                }
            }
        }
    }
}

type Range = (usize, usize);

/// Source and target byte ranges of a short volume spec, as compose-go's
/// `format.ParseVolume` splits it (a drive letter `C:` and a `:` inside
/// `${...}` do not split; a spec of one or two characters is a target).
/// `None` where compose-go reports an error.
fn volume_fields(spec: &str) -> Option<(Option<Range>, Option<Range>)> {
    if spec.is_empty() {
        return None;
    }
    if spec.len() <= 2 {
        return Some((None, Some((0, spec.len()))));
    }
    let bytes = spec.as_bytes();
    let mut source: Option<Range> = None;
    let mut target: Option<Range> = None;
    let mut start = 0;
    let mut buffered = 0usize;
    let mut first_char: Option<char> = None;
    let mut in_var = 0usize;
    for (i, c) in spec
        .char_indices()
        .chain(std::iter::once((spec.len(), '\0')))
    {
        let at_end = i == spec.len();
        let entering = !at_end && c == '$' && bytes.get(i + 1) == Some(&b'{');
        let leaving = !at_end && c == '}' && in_var > 0;
        if entering || leaving {
            if entering {
                in_var += 1;
            } else {
                in_var -= 1;
            }
            buffered += 1;
            first_char.get_or_insert(c);
            continue;
        }
        let drive = c == ':' && buffered == 1 && first_char.is_some_and(char::is_alphabetic);
        if drive {
            buffered += 1;
            continue;
        }
        if (c == ':' || at_end) && in_var == 0 {
            if buffered == 0 {
                return None;
            }
            let field = (start, i);
            if source.is_none() && at_end {
                target = Some(field);
            } else if source.is_none() {
                source = Some(field);
            } else if target.is_none() {
                target = Some(field);
            } else if !at_end {
                return None;
            }
            start = i + c.len_utf8();
            buffered = 0;
            first_char = None;
            continue;
        }
        // At the end inside an unterminated `${`, compose-go drops the field.
        buffered += 1;
        first_char.get_or_insert(c);
    }
    Some((source, target))
}

/// The container path of a short volume spec (`SRC:DST[:OPTS]` or `DST`); empty
/// when compose-go finds none.
pub(crate) fn volume_target(spec: &str) -> Option<String> {
    let (_, target) = volume_fields(spec)?;
    Some(
        target
            .and_then(|(s, e)| spec.get(s..e))
            .unwrap_or("")
            .to_string(),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn volume_targets_like_compose_go() {
        assert_eq!(volume_target("/data").as_deref(), Some("/data"));
        assert_eq!(volume_target("./a:/b:ro").as_deref(), Some("/b"));
        assert_eq!(volume_target("C:\\x:/b").as_deref(), Some("/b"));
        assert_eq!(volume_target("${A:-/x}:/b").as_deref(), Some("/b"));
        assert_eq!(volume_target("ab::c"), None);
        assert_eq!(volume_target("ab:cd:ef:gh"), None);
        assert_eq!(volume_target("ab:c:d:e").as_deref(), Some("c:d"));
        // A one-letter first field is a drive letter to compose-go, even here.
        assert_eq!(volume_target("a:b:c:d").as_deref(), Some("c:d"));
        assert_eq!(volume_target("a::b").as_deref(), Some("b"));
        assert_eq!(volume_target("ab").as_deref(), Some("ab"));
    }

    #[test]
    fn clean_folds_dots() {
        assert_eq!(clean(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        assert_eq!(clean(Path::new("/../a")), PathBuf::from("/a"));
        assert_eq!(clean(Path::new("a/../../b")), PathBuf::from("../b"));
    }

    #[test]
    fn rebase_only_relative_sources() {
        let dir = Path::new("/base");
        assert_eq!(rebase_text("./x", dir).as_deref(), Some("/base/x"));
        assert_eq!(rebase_text("../x", dir).as_deref(), Some("/x"));
        assert_eq!(rebase_text("/abs", dir), None);
        assert_eq!(rebase_text("~/x", dir), None);
        assert_eq!(rebase_text("C:\\x", dir), None);
    }
}
