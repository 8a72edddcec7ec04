//! Paths and the files a service refers to (Dockerfiles, env files): lexical
//! path resolution as compose-go does it, and bounded reads. A compose file is
//! hostile input: it may name a FIFO, a device, or a huge file, so only regular
//! files are read, each up to [`MAX_FILE`] bytes, and a project reads at most
//! [`MAX_TOTAL`] bytes in all.

use hullguard_diagnostics::SourceFile;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Largest Dockerfile or env file read for a service.
pub(super) const MAX_FILE: u64 = 4 * 1024 * 1024;

/// Total bytes read for one project, so that thousands of services naming
/// distinct large files cannot make a scan read gigabytes.
pub(super) const MAX_TOTAL: u64 = 64 * 1024 * 1024;

/// Bytes of Dockerfile and env file text one project may analyse, counting each
/// analysis (a file analysed for many services counts many times).
pub(super) const MAX_WORK: u64 = 256 * 1024 * 1024;

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ReadError {
    Missing,
    NotAFile,
    TooLarge,
    BudgetExhausted,
    WorkExhausted,
    Io(String),
}

impl ReadError {
    pub(super) fn describe(&self) -> String {
        match self {
            ReadError::Missing => "not found".to_string(),
            ReadError::NotAFile => "not a regular file".to_string(),
            ReadError::TooLarge => format!("larger than {} MiB, not read", MAX_FILE >> 20),
            ReadError::BudgetExhausted => format!(
                "not read: the project's files exceed {} MiB in all",
                MAX_TOTAL >> 20
            ),
            ReadError::WorkExhausted => format!(
                "not analysed: the project's files exceed {} MiB of analysis",
                MAX_WORK >> 20
            ),
            ReadError::Io(e) => format!("cannot be read: {e}"),
        }
    }
}

/// Files read while converting one project, each read once.
#[derive(Default)]
pub(super) struct FileCache {
    files: HashMap<PathBuf, Result<Arc<SourceFile>, ReadError>>,
    /// Parsed Dockerfiles, by path.
    pub(super) dockerfiles: HashMap<PathBuf, Arc<hullguard_dockerfile::Dockerfile>>,
    /// Analyses of a Dockerfile, by path, build arguments and target.
    pub(super) analyses: HashMap<AnalysisKey, Result<super::build::Analysis, String>>,
    spent: u64,
    work: u64,
}

/// A Dockerfile, its build arguments and its target.
pub(super) type AnalysisKey = (PathBuf, BTreeMap<String, String>, Option<String>);

impl FileCache {
    /// Charges `bytes` of analysis work; `false` once the budget is spent.
    pub(super) fn spend(&mut self, bytes: usize) -> bool {
        let next = self.work.saturating_add(bytes as u64);
        if next > MAX_WORK {
            return false;
        }
        self.work = next;
        true
    }

    /// Reads `path` (shown to the user as `display`), or returns why not.
    pub(super) fn read(
        &mut self,
        path: &Path,
        display: &str,
    ) -> Result<Arc<SourceFile>, ReadError> {
        if let Some(r) = self.files.get(path) {
            return r.clone();
        }
        let r = self.read_uncached(path, display);
        self.files.insert(path.to_path_buf(), r.clone());
        r
    }

    fn read_uncached(&mut self, path: &Path, display: &str) -> Result<Arc<SourceFile>, ReadError> {
        // Check before opening: opening a FIFO for reading blocks until a writer
        // appears.
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ReadError::Missing),
            Err(e) => return Err(ReadError::Io(e.to_string())),
        };
        if !meta.is_file() {
            return Err(ReadError::NotAFile);
        }
        if meta.len() > MAX_FILE {
            return Err(ReadError::TooLarge);
        }
        if self.spent.saturating_add(meta.len()) > MAX_TOTAL {
            return Err(ReadError::BudgetExhausted);
        }
        let file = std::fs::File::open(path).map_err(|e| ReadError::Io(e.to_string()))?;
        // The file may have grown (or been swapped) since the check: the read
        // itself is bounded too.
        let mut bytes = Vec::new();
        file.take(MAX_FILE + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| ReadError::Io(e.to_string()))?;
        if bytes.len() as u64 > MAX_FILE {
            return Err(ReadError::TooLarge);
        }
        self.spent = self.spent.saturating_add(bytes.len() as u64);
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        Ok(SourceFile::new(display, text))
    }
}

pub(super) use crate::loader::paths::clean;

/// Cleans a container path (always `/`-separated), as Go's `path.Clean`:
/// compose cleans volume targets so `/data/` and `/data` are the same mount.
pub(super) fn clean_unix(path: &str) -> String {
    if path.is_empty() || !path.starts_with('/') {
        // Relative or Windows targets: keep as written.
        return path.to_string();
    }
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Expands a leading `~` with `home`, as compose-go's `ExpandUser` does; kept
/// as written when the home directory is not known.
pub(super) fn expand_user(path: &str, home: Option<&str>) -> String {
    match (path.strip_prefix('~'), home) {
        (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with('/') => {
            format!("{home}{rest}")
        }
        _ => path.to_string(),
    }
}

/// Whether a path is absolute for either a Unix daemon or a Windows client:
/// compose leaves such paths alone.
pub(super) fn is_abs(path: &str) -> bool {
    let b = path.as_bytes();
    path.starts_with('/')
        || path.starts_with("\\\\")
        || (b.len() >= 3
            && b[0].is_ascii_alphabetic()
            && b[1] == b':'
            && matches!(b[2], b'\\' | b'/'))
}

/// Resolves a host path against `base` (compose-go `maybeUnixPath`): `~`
/// expanded, relative paths joined to `base`, the result cleaned.
pub(super) fn resolve(base: &Path, path: &str, home: Option<&str>) -> String {
    let p = expand_user(path, home);
    if p.starts_with('~') {
        // Home unknown: a path under some user's home, kept as written.
        return p;
    }
    if is_abs(&p) {
        if p.starts_with('/') {
            return clean(Path::new(&p)).to_string_lossy().into_owned();
        }
        return p;
    }
    clean(&base.join(&p)).to_string_lossy().into_owned()
}

/// `path` relative to `base`, lexically (`..` where needed). `None` when one is
/// absolute and the other is not.
pub(super) fn relative_to(base: &Path, path: &Path) -> Option<PathBuf> {
    let base = clean(base);
    let path = clean(path);
    if base.is_absolute() != path.is_absolute() {
        return None;
    }
    let (b, p) = (norm(&base), norm(&path));
    let common = b.iter().zip(&p).take_while(|(x, y)| x == y).count();
    if b[common..]
        .iter()
        .any(|c| matches!(c, Component::ParentDir))
    {
        // `base` climbs above where `path` is: no lexical answer.
        return None;
    }
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &p[common..] {
        out.push(c.as_os_str());
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    Some(out)
}

fn norm(p: &Path) -> Vec<Component<'_>> {
    p.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

/// How to show a file next to a compose file: the compose file's path as the
/// user gave it, with the compose file's directory (`dir`, where relative
/// paths resolve) swapped for the file's own path relative to it.
pub(super) fn display_path(compose_display: &str, dir: &Path, file: &Path) -> String {
    match relative_to(dir, file) {
        Some(rel) => {
            let parent = Path::new(compose_display)
                .parent()
                .unwrap_or_else(|| Path::new(""));
            clean(&parent.join(rel)).to_string_lossy().into_owned()
        }
        None => file.to_string_lossy().into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning() {
        assert_eq!(clean(Path::new("/a/./b/../c//d")), PathBuf::from("/a/c/d"));
        assert_eq!(clean(Path::new("/../..")), PathBuf::from("/"));
        assert_eq!(clean(Path::new("a/../..")), PathBuf::from(".."));
        assert_eq!(clean_unix("/data/"), "/data");
        assert_eq!(clean_unix("/a/../../b/."), "/b");
        assert_eq!(clean_unix("//"), "/");
    }

    #[test]
    fn resolving() {
        let base = Path::new("/p/app");
        assert_eq!(resolve(base, "./data", None), "/p/app/data");
        assert_eq!(resolve(base, "../../..", None), "/");
        assert_eq!(resolve(base, ".", None), "/p/app");
        assert_eq!(resolve(base, "~/x", None), "~/x");
        assert_eq!(resolve(base, "~/x", Some("/home/u")), "/home/u/x");
        assert_eq!(
            resolve(base, "/var/run//docker.sock", None),
            "/var/run/docker.sock"
        );
        assert_eq!(resolve(base, r"C:\data", None), r"C:\data");
    }

    #[test]
    fn relative_paths() {
        let r = relative_to(Path::new("/p"), Path::new("/p/api/Dockerfile"));
        assert_eq!(r, Some(PathBuf::from("api/Dockerfile")));
        let r = relative_to(Path::new("/p/a"), Path::new("/p/b/Dockerfile"));
        assert_eq!(r, Some(PathBuf::from("../b/Dockerfile")));
        assert_eq!(relative_to(Path::new("p"), Path::new("/p")), None);
        assert_eq!(
            display_path(
                "proj/compose.yaml",
                Path::new("/w/proj"),
                Path::new("/w/proj/api/Dockerfile")
            ),
            "proj/api/Dockerfile"
        );
        assert_eq!(
            display_path(
                "compose.yaml",
                Path::new("/w/proj"),
                Path::new("/w/proj/Dockerfile")
            ),
            "Dockerfile"
        );
    }
}
