//! Finding the `hullguard.toml` that governs a scanned file, memoised per
//! directory because a scan may cover thousands of files in parallel.

use crate::config::Config;
use crate::error::ConfigError;
use crate::paths::resolve;
use hullguard_diagnostics::RuleInfo;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// File names looked for in each directory, in order of preference: when both
/// exist in one directory, `hullguard.toml` is used.
pub const CONFIG_FILE_NAMES: [&str; 2] = ["hullguard.toml", ".hullguard.toml"];

/// The nearest configuration file for `start`: looks in `start` itself when it is
/// a directory, else in its parent, then in every ancestor up to the file-system
/// root. Returns an absolute path.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = resolve(start);
    let mut dir = if start.is_dir() {
        start.as_path()
    } else {
        start.parent()?
    };
    loop {
        if let Some(found) = config_in(dir) {
            return Some(found);
        }
        dir = dir.parent()?;
    }
}

fn config_in(dir: &Path) -> Option<PathBuf> {
    CONFIG_FILE_NAMES
        .iter()
        .map(|name| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// The memo is only a cache: a panic elsewhere while it was locked leaves it
/// consistent (every insert is a single call), so a poisoned lock is reused.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Thread-safe memo from scanned file to its [`Config`].
///
/// Each directory is looked up on disk at most once (per race), each
/// configuration file is parsed at most once, and a broken file's error is
/// remembered too, so every file under it reports the same error cheaply.
#[derive(Debug)]
pub struct ConfigCache {
    rules: Vec<&'static RuleInfo>,
    /// `--config FILE`: used for every file, no discovery.
    explicit: Option<Arc<Config>>,
    /// Used for files with no configuration above them.
    default: Arc<Config>,
    /// Resolved directory → configuration file governing it (`None`: none).
    dirs: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// Configuration file → its parse result.
    files: Mutex<HashMap<PathBuf, Result<Arc<Config>, ConfigError>>>,
}

impl ConfigCache {
    /// Discovers configurations upward from each file; configurations are
    /// validated against `rules`.
    pub fn new(rules: &[&'static RuleInfo]) -> ConfigCache {
        ConfigCache {
            rules: rules.to_vec(),
            explicit: None,
            default: Arc::new(Config::default_config()),
            dirs: Mutex::new(HashMap::new()),
            files: Mutex::new(HashMap::new()),
        }
    }

    /// Uses `config` for every file (`--config FILE`).
    pub fn with_config(config: Config) -> ConfigCache {
        ConfigCache {
            explicit: Some(Arc::new(config)),
            ..ConfigCache::new(&[])
        }
    }

    /// Loads `path` and uses it for every file (`--config FILE`).
    pub fn explicit(path: &Path, rules: &[&'static RuleInfo]) -> Result<ConfigCache, ConfigError> {
        Ok(ConfigCache::with_config(Config::load(path, rules)?))
    }

    /// The configuration governing `file` (a file or a directory to scan).
    pub fn get(&self, file: &Path) -> Result<Arc<Config>, ConfigError> {
        if let Some(config) = &self.explicit {
            return Ok(Arc::clone(config));
        }
        match self.config_file_for(file) {
            Some(config_file) => self.load(&config_file),
            None => Ok(Arc::clone(&self.default)),
        }
    }

    /// Walks up from `file`'s directory, stopping at the first directory already
    /// memoised, and memoises every directory it passed.
    fn config_file_for(&self, file: &Path) -> Option<PathBuf> {
        let start = resolve(file);
        let first = if start.is_dir() {
            start.as_path()
        } else {
            start.parent()?
        };
        let mut visited: Vec<&Path> = Vec::new();
        let mut dir = Some(first);
        let found = loop {
            let Some(current) = dir else {
                break None;
            };
            if let Some(known) = lock(&self.dirs).get(current) {
                break known.clone();
            }
            visited.push(current);
            if let Some(found) = config_in(current) {
                break Some(found);
            }
            dir = current.parent();
        };
        let mut dirs = lock(&self.dirs);
        for path in visited {
            dirs.entry(path.to_path_buf())
                .or_insert_with(|| found.clone());
        }
        found
    }

    fn load(&self, config_file: &Path) -> Result<Arc<Config>, ConfigError> {
        if let Some(known) = lock(&self.files).get(config_file) {
            return known.clone();
        }
        // Parsed without the lock so other threads keep going; if two threads
        // race, the first result stored is the one everybody uses.
        let loaded = Config::load(config_file, &self.rules).map(Arc::new);
        lock(&self.files)
            .entry(config_file.to_path_buf())
            .or_insert(loaded)
            .clone()
    }
}
