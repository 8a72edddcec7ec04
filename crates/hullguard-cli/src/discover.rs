//! Finding the files to scan: explicit files whatever their name, directories
//! walked with the `ignore` crate (honours `.gitignore`, `.ignore`,
//! `.hullguardignore` and `--exclude`). Dockerfiles, compose projects (a compose
//! file with its `*.override.*` file, as `docker compose` loads them) and shell
//! scripts (for `docker run` command lines) are recognised by name, and scripts
//! also by their `#!` line.

use anyhow::{Context, Result};
use ignore::overrides::OverrideBuilder;
use ignore::WalkBuilder;
use std::path::{Path, PathBuf};

/// Whether a file name is a Dockerfile by convention.
pub fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    // Per-Dockerfile ignore files, templates and editor leftovers are not Dockerfiles.
    const NOT: [&str; 16] = [
        ".dockerignore",
        ".md",
        ".txt",
        ".template",
        ".tmpl",
        ".tpl",
        ".j2",
        ".jinja",
        ".jinja2",
        ".erb",
        ".in",
        ".mustache",
        ".bak",
        ".orig",
        ".swp",
        ".rej",
    ];
    if NOT.iter().any(|s| lower.ends_with(s)) {
        return false;
    }
    lower == "dockerfile"
        || lower == "containerfile"
        || lower.starts_with("dockerfile.")
        || lower.starts_with("containerfile.")
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile")
}

/// How a compose file name is used by `docker compose` without `-f`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ComposeName {
    /// `compose.yaml`, `docker-compose.yml` ...: loaded by default.
    Main,
    /// `compose.override.yaml` ...: merged over its main file.
    Override,
    /// `docker-compose.prod.yml`, `compose.dev.yaml`: used with `-f`, scanned on
    /// its own.
    Variant,
}

/// The default name family (`compose` or `docker-compose`) and role of a compose
/// file name.
fn compose_name(name: &str) -> Option<(&'static str, ComposeName)> {
    let lower = name.to_ascii_lowercase();
    let stem = lower
        .strip_suffix(".yaml")
        .or_else(|| lower.strip_suffix(".yml"))?;
    for family in ["docker-compose", "compose"] {
        if stem == family {
            return Some((family, ComposeName::Main));
        }
        if let Some(rest) = stem.strip_prefix(family).and_then(|r| r.strip_prefix('.')) {
            if rest == "override" {
                return Some((family, ComposeName::Override));
            }
            if !rest.is_empty() {
                return Some((family, ComposeName::Variant));
            }
        }
        // `docker-compose-dev.yml`, `compose_prod.yaml`: variants too.
        if let Some(rest) = stem
            .strip_prefix(family)
            .and_then(|r| r.strip_prefix(['-', '_']))
        {
            if !rest.is_empty() {
                return Some((family, ComposeName::Variant));
            }
        }
    }
    None
}

/// Whether a file name is a compose file by convention.
pub fn is_compose_name(name: &str) -> bool {
    compose_name(name).is_some()
}

/// What to scan.
#[derive(Debug, Clone)]
pub enum Input {
    Dockerfile(PathBuf),
    /// A compose project: files merged in order.
    Compose(Vec<PathBuf>),
    /// A shell script searched for `docker run` command lines.
    Script(PathBuf),
    Stdin(InputKind),
}

/// The kind of an input given by name only (standard input, `--stdin-filename`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Dockerfile,
    Compose,
    Script,
}

/// The kind of a file named explicitly: compose and scripts by name (and a
/// script by its `#!` line), anything else as a Dockerfile, whatever its name.
pub fn kind_of_named(path: &Path) -> InputKind {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let lower = name.to_ascii_lowercase();
    if is_dockerfile_name(&name) {
        InputKind::Dockerfile
    } else if is_compose_name(&name) || lower.ends_with(".yml") || lower.ends_with(".yaml") {
        InputKind::Compose
    } else if is_script_name(&lower) || (!name.contains('.') && has_shell_shebang(path)) {
        InputKind::Script
    } else {
        InputKind::Dockerfile
    }
}

fn is_script_name(lower: &str) -> bool {
    [".sh", ".bash", ".ksh", ".zsh", ".dash"]
        .iter()
        .any(|s| lower.ends_with(s))
}

/// Whether the file starts with a `#!` line naming a POSIX shell.
fn has_shell_shebang(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 256];
    let n = match std::fs::File::open(path).and_then(|mut f| f.read(&mut head)) {
        Ok(n) => n,
        Err(_) => return false,
    };
    let head = String::from_utf8_lossy(&head[..n]);
    hullguard_docker_run::is_shell_script("", &head)
}

/// Expands the command-line paths into inputs, in a stable order.
pub fn inputs(paths: &[PathBuf], excludes: &[String]) -> Result<Vec<Input>> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Input::Stdin(InputKind::Dockerfile));
            continue;
        }
        let meta =
            std::fs::metadata(p).with_context(|| format!("cannot read `{}`", p.display()))?;
        if !meta.is_dir() {
            out.push(match kind_of_named(p) {
                InputKind::Dockerfile => Input::Dockerfile(p.clone()),
                InputKind::Compose => Input::Compose(vec![p.clone()]),
                InputKind::Script => Input::Script(p.clone()),
            });
            continue;
        }
        let mut overrides = OverrideBuilder::new(p);
        for e in excludes {
            overrides
                .add(&format!("!{e}"))
                .with_context(|| format!("invalid --exclude glob `{e}`"))?;
        }
        let overrides = overrides.build().context("invalid --exclude globs")?;
        let mut found = Vec::new();
        let mut compose: Vec<(PathBuf, &'static str, ComposeName, PathBuf)> = Vec::new();
        let walker = WalkBuilder::new(p)
            .hidden(false)
            .require_git(false)
            .add_custom_ignore_filename(".hullguardignore")
            .overrides(overrides)
            .filter_entry(|e| e.file_name() != ".git")
            .build();
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    // An unreadable directory is an error the user must see.
                    return Err(anyhow::anyhow!(err))
                        .context(format!("while walking `{}`", p.display()));
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let lower = name.to_ascii_lowercase();
            if is_dockerfile_name(&name) {
                found.push(Input::Dockerfile(entry.into_path()));
            } else if let Some((family, role)) = compose_name(&name) {
                let path = entry.into_path();
                let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                compose.push((dir, family, role, path));
            } else if is_script_name(&lower)
                || (!name.contains('.') && has_shell_shebang(entry.path()))
            {
                found.push(Input::Script(entry.into_path()));
            }
        }
        found.extend(compose_projects(compose));
        found.sort_by(|a, b| input_key(a).cmp(input_key(b)));
        out.extend(found);
    }
    Ok(out)
}

/// Groups the compose files found in directories into projects, as `docker
/// compose` would load them without `-f`: in each directory, the first main file
/// of `compose.yaml`, `compose.yml`, `docker-compose.yaml`, `docker-compose.yml`
/// with its override file. Nothing is dropped: another main file in the same
/// directory (which `docker compose` would ignore), an override without its main
/// file, and variants such as `docker-compose.prod.yml` are scanned on their own.
fn compose_projects(mut files: Vec<(PathBuf, &'static str, ComposeName, PathBuf)>) -> Vec<Input> {
    const ORDER: [&str; 4] = [
        "compose.yaml",
        "compose.yml",
        "docker-compose.yaml",
        "docker-compose.yml",
    ];
    let rank = |p: &Path| {
        let n = p
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        ORDER.iter().position(|o| *o == n).unwrap_or(ORDER.len())
    };
    files.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(rank(&a.3).cmp(&rank(&b.3)))
            .then(a.3.cmp(&b.3))
    });
    let mut out = Vec::new();
    let mut i = 0;
    while i < files.len() {
        let dir = files[i].0.clone();
        let mut j = i;
        while j < files.len() && files[j].0 == dir {
            j += 1;
        }
        let group = &files[i..j];
        let mut used = vec![false; group.len()];
        // The default project of the directory.
        if let Some(m) = group.iter().position(|f| f.2 == ComposeName::Main) {
            used[m] = true;
            let mut project = vec![group[m].3.clone()];
            if let Some(o) = group
                .iter()
                .position(|f| f.2 == ComposeName::Override && f.1 == group[m].1)
            {
                used[o] = true;
                project.push(group[o].3.clone());
            }
            out.push(Input::Compose(project));
        }
        for (k, f) in group.iter().enumerate() {
            if !used[k] {
                out.push(Input::Compose(vec![f.3.clone()]));
            }
        }
        i = j;
    }
    out
}

fn input_key(i: &Input) -> &Path {
    match i {
        Input::Dockerfile(p) | Input::Script(p) => p,
        Input::Compose(files) => files.first().map_or(Path::new(""), PathBuf::as_path),
        Input::Stdin(_) => Path::new("-"),
    }
}

/// Display form of a path: as the user wrote it, without a leading `./`.
pub fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_names() {
        assert_eq!(
            compose_name("compose.yaml"),
            Some(("compose", ComposeName::Main))
        );
        assert_eq!(
            compose_name("Docker-Compose.override.YML"),
            Some(("docker-compose", ComposeName::Override))
        );
        assert_eq!(
            compose_name("docker-compose.prod.yml"),
            Some(("docker-compose", ComposeName::Variant))
        );
        assert_eq!(
            compose_name("docker-compose-dev.yml"),
            Some(("docker-compose", ComposeName::Variant))
        );
        assert_eq!(
            compose_name("compose_databases.yaml"),
            Some(("compose", ComposeName::Variant))
        );
        assert_eq!(compose_name("compose.json"), None);
        assert_eq!(compose_name("composer.yaml"), None);
        assert_eq!(compose_name("mycompose.yaml"), None);
        let d = PathBuf::from("d");
        let f = |n: &str, fam, role| (d.clone(), fam, role, d.join(n));
        let projects = compose_projects(vec![
            f("docker-compose.yml", "docker-compose", ComposeName::Main),
            f("compose.override.yaml", "compose", ComposeName::Override),
            f("compose.yaml", "compose", ComposeName::Main),
            f(
                "docker-compose.prod.yml",
                "docker-compose",
                ComposeName::Variant,
            ),
        ]);
        let names: Vec<Vec<String>> = projects
            .iter()
            .map(|p| match p {
                Input::Compose(files) => files
                    .iter()
                    .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
                    .collect(),
                _ => panic!("not compose"),
            })
            .collect();
        assert_eq!(
            names,
            vec![
                vec![
                    "compose.yaml".to_string(),
                    "compose.override.yaml".to_string()
                ],
                vec!["docker-compose.yml".to_string()],
                vec!["docker-compose.prod.yml".to_string()],
            ]
        );
    }

    #[test]
    fn names() {
        for n in [
            "Dockerfile",
            "dockerfile",
            "Dockerfile.dev",
            "api.Dockerfile",
            "x.dockerfile",
            "Containerfile",
            "Containerfile.prod",
        ] {
            assert!(is_dockerfile_name(n), "{n}");
        }
        for n in [
            "Dockerfile.dockerignore",
            "Dockerfile.md",
            "Dockerfile.template",
            "README",
            "docker-compose.yml",
            "Dockerfiles",
        ] {
            assert!(!is_dockerfile_name(n), "{n}");
        }
    }
}
