//! Finding the files to scan: explicit files whatever their name, directories
//! walked with the `ignore` crate (honours `.gitignore`, `.ignore`,
//! `.hullguardignore` and `--exclude`).

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

/// What to scan.
pub enum Input {
    File(PathBuf),
    Stdin,
}

/// Expands the command-line paths into inputs, in a stable order.
pub fn inputs(paths: &[PathBuf], excludes: &[String]) -> Result<Vec<Input>> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Input::Stdin);
            continue;
        }
        let meta =
            std::fs::metadata(p).with_context(|| format!("cannot read `{}`", p.display()))?;
        if !meta.is_dir() {
            out.push(Input::File(p.clone()));
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
            let name = entry.file_name().to_string_lossy();
            if is_dockerfile_name(&name) {
                found.push(entry.into_path());
            }
        }
        found.sort();
        out.extend(found.into_iter().map(Input::File));
    }
    Ok(out)
}

/// Display form of a path: as the user wrote it, without a leading `./`.
pub fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

#[cfg(test)]
mod tests {
    use super::is_dockerfile_name;

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
