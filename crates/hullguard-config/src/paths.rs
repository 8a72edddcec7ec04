//! Path normalisation shared by config discovery, per-path ignores and
//! baselines: users write `./a/Dockerfile`, `a/Dockerfile` or an absolute path,
//! possibly through a symlink, and all of them must name the same file.

use std::path::{Component, Path, PathBuf};

/// An absolute, lexically clean form of `path` whose directories are resolved
/// through symlinks as far as the file system allows.
///
/// The last component is kept as written: a symlinked `legacy/Dockerfile` stays
/// in `legacy/` for per-path globs, as in `.gitignore`. Of the directories, the
/// longest existing ancestor is canonicalised and the rest is appended, so a
/// file that does not exist yet (a baseline about to be written) still agrees
/// with existing ones (`/tmp/x` and `/private/tmp/x` on macOS). Without a
/// current directory the path is only cleaned.
pub(crate) fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let clean = lexical_clean(&absolute);
    match (clean.parent(), clean.file_name()) {
        (Some(dir), Some(name)) => {
            let mut out = canonicalize_existing(dir);
            out.push(name);
            out
        }
        _ => canonicalize_existing(&clean),
    }
}

/// `path` with its longest existing ancestor canonicalised.
fn canonicalize_existing(path: &Path) -> PathBuf {
    let mut existing = path;
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            let mut out = strip_verbatim(canonical);
            out.extend(rest.iter().rev());
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                existing = parent;
            }
            _ => return path.to_path_buf(),
        }
    }
}

/// Removes `.` and folds `..` into its parent without touching the file system.
/// Only used after canonicalisation failed, so symlinks cannot be crossed wrongly
/// for paths that exist.
fn lexical_clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `canonicalize` on Windows returns `\\?\C:\...`; keep the ordinary form so it
/// compares equal to paths that were only made absolute.
fn strip_verbatim(path: PathBuf) -> PathBuf {
    #[cfg(windows)]
    {
        if let Some(s) = path.to_str() {
            if let Some(rest) = s.strip_prefix(r"\\?\") {
                if !rest.starts_with("UNC\\") {
                    return PathBuf::from(rest);
                }
            }
        }
    }
    path
}

/// `path` relative to the directory `base`, both already [`resolve`]d, with `/`
/// separators. Walks up with `..` when `path` is outside `base`; returns `None`
/// when there is no relative form (different Windows drives).
pub(crate) fn relative_to(path: &Path, base: &Path) -> Option<String> {
    let path_parts: Vec<Component<'_>> = path.components().collect();
    let base_parts: Vec<Component<'_>> = base.components().collect();
    // Both must share the root (and prefix on Windows) to be relatable.
    match (path_parts.first(), base_parts.first()) {
        (Some(a), Some(b)) if a == b => {}
        _ => return None,
    }
    let common = path_parts
        .iter()
        .zip(&base_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = Vec::new();
    for _ in common..base_parts.len() {
        parts.push("..".to_owned());
    }
    for component in &path_parts[common..] {
        parts.push(component.as_os_str().to_string_lossy().into_owned());
    }
    Some(parts.join("/"))
}

/// `path` with `/` separators and without a leading `./`: the fallback key when
/// no relative form exists.
pub(crate) fn slash_path(path: &Path) -> String {
    let cleaned: PathBuf = path
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    let text = cleaned.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        text.into_owned()
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_inside_and_outside() {
        let base = Path::new("/repo/ci");
        assert_eq!(
            relative_to(Path::new("/repo/ci/a/Dockerfile"), base).as_deref(),
            Some("a/Dockerfile")
        );
        assert_eq!(
            relative_to(Path::new("/repo/src/Dockerfile"), base).as_deref(),
            Some("../src/Dockerfile")
        );
        assert_eq!(
            relative_to(Path::new("/repo/ci"), base).as_deref(),
            Some("")
        );
    }

    #[test]
    fn lexical_clean_folds_dots() {
        assert_eq!(
            lexical_clean(Path::new("/a/./b/../c")),
            PathBuf::from("/a/c")
        );
    }

    #[cfg(unix)]
    #[test]
    fn slash_path_keeps_root() {
        assert_eq!(slash_path(Path::new("./a/b")), "a/b");
        assert_eq!(slash_path(Path::new("/a/b")), "/a/b");
    }
}
