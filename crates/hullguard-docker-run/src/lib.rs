//! `docker run`, `docker create` and `docker container run|create` command lines (and
//! their `podman` twins), as given to `hullguard check` or found in shell scripts,
//! turned into [`ContainerSpec`]s.
//!
//! Scripts are parsed by [`hullguard_shell`] (tree-sitter-bash), so a command is found
//! wherever the shell would run it: after `sudo`, `env`, `exec` or `command`, in
//! functions, `if`/`while` bodies, pipelines, `$(...)`, and `sh -c '...'` strings. Its
//! words are then read as the Docker CLI reads its arguments (see `command.rs`): global
//! options before the subcommand, `--flag=value` / `--flag value`, boolean flags with an
//! optional `=true|false`, combined shorthands (`-itd`, `-p80:80`), `--`, and the first
//! word that is not a flag as the image, everything after it being the container's
//! command.
//! An unknown flag is reported and read as a boolean (its arity is unknown; the CLI
//! would refuse the command anyway).
//!
//! ## Words only known at run time
//!
//! A value that is not static (`$VAR`, `$(...)`, a glob or a brace expansion) is never
//! guessed: a scalar flag becomes [`Setting::Unknown`](hullguard_container::Setting::Unknown), a list flag (`--cap-drop`, `-v`,
//! `-p` ...) pushes its field name on [`ContainerSpec::unresolved`]. `-e "NAME=$VALUE"`
//! still records the variable `NAME` with an unknown value.
//!
//! A dynamic word in flag position (`$OPTS`, `"$@"`, `-$X`) may hold any flags. It is
//! reported as a [`Problem`], and the spec is marked with [`mark_hidden_flags`]: every
//! list field in [`LIST_FIELDS`] is unresolved (plus the pseudo-field
//! [`HIDDEN_FLAGS`]), and every scalar setting still unset at the end is
//! [`Setting::Unknown`](hullguard_container::Setting::Unknown), so no rule reports something missing that the word may
//! supply. Settings written as static flags stay known, even before the word (`--memory
//! 1g $OPTS` keeps the limit), because the CLI's "later wins" could only matter if the
//! variable repeated the flag. Whether such a word is the image instead is undecidable,
//! so it is judged from its shape (in this order):
//!
//! 1. a list expansion (`"$@"`, `"${ARGS[@]}"`, `$*`) holds flags;
//! 2. static `/` or `:` after the expansion (`$REGISTRY/app`, `${NAME}:1.2`) is an image;
//! 3. a parameter named like options (`OPTS`, `DOCKER_ARGS`, `EXTRA_FLAGS`, `PARAMS`)
//!    holds flags; one named like an image (`IMAGE`, `APP_IMG`, `REPO`) is the image;
//! 4. otherwise the last word is the image (flags alone would leave the CLI without
//!    one), and any earlier word holds flags.
//!
//! A word that starts with static text (`myapp:$TAG`) is the image; one that starts
//! with `--name=` is that flag with a run-time value.
//!
//! ```
//! use hullguard_docker_run::{find_in_script, SourceFile};
//!
//! let file = SourceFile::new("deploy.sh", "sudo docker run -d --privileged -v /:/host alpine");
//! let scan = find_in_script(&file);
//! let run = &scan.commands[0];
//! assert_eq!(run.spec.privileged.get(), Some(&true));
//! assert_eq!(run.spec.mounts[0].value.host_path.as_deref(), Some("/"));
//! assert_eq!(run.image.map(|s| s.text(&file.text)), Some("alpine"));
//! ```

mod apply;
mod command;
mod flags;
mod quote;
mod script;
mod words;

use hullguard_container::At;
pub use hullguard_container::{ContainerSpec, Problem};
pub use hullguard_diagnostics::{Location, SourceFile, Span};

pub use quote::quote_argv;
pub use script::{find_in_script, is_shell_script};

/// One `docker run` / `docker create` command.
#[derive(Debug, Clone)]
pub struct RunCommand {
    /// [`SourceKind::DockerRun`](hullguard_container::SourceKind::DockerRun), kind
    /// `command`, named after `--name` or else `docker run IMAGE`; `spec.at` is the
    /// `docker` (or `podman`) word.
    pub spec: ContainerSpec,
    /// The whole command in the file, wrappers (`sudo ...`) included.
    pub span: Span,
    /// The IMAGE word, when found and written verbatim in the file (hardening flags are
    /// inserted before it, or before [`flags_end`](Self::flags_end) when that is set).
    /// `None` inside a `sh -c "..."` string that had to be unescaped, where words have no
    /// exact position.
    pub image: Option<Span>,
    /// The `--` word that ends the flags (`docker run --rm -- alpine`), when written:
    /// flags inserted after it would be read as the image and its command.
    pub flags_end: Option<Span>,
    /// Bad flag values, unknown flags, dynamic words that may hide flags, a missing
    /// image.
    pub problems: Vec<Problem>,
}

/// The `docker run` commands of one script.
#[derive(Debug, Clone, Default)]
pub struct ScriptScan {
    pub commands: Vec<RunCommand>,
    /// Problems of the script as a whole: an analysis that was refused or cut short
    /// (too large, too deep), or a syntax error in a script that mentions docker or
    /// podman (commands near it may be missed).
    pub problems: Vec<Problem>,
}

/// The list fields of [`ContainerSpec`], as named in [`ContainerSpec::unresolved`].
pub const LIST_FIELDS: &[&str] = &[
    "group_add",
    "cap_add",
    "cap_drop",
    "networks",
    "mounts",
    "selinux",
    "other_security_opts",
    "ulimits",
    "devices",
    "device_cgroup_rules",
    "ports",
    "sysctls",
    "env",
    "env_files",
    "secrets",
];

/// The [`ContainerSpec::unresolved`] entry that says a word may have held any flags.
pub const HIDDEN_FLAGS: &str = "*";

/// Marks a spec whose command line has a word that may hold any flags: every list
/// field is unresolved, [`HIDDEN_FLAGS`] is recorded, and every scalar setting still
/// unset becomes [`Setting::Unknown`](hullguard_container::Setting::Unknown) at `at`.
pub fn mark_hidden_flags(spec: &mut ContainerSpec, at: &Location) {
    for field in LIST_FIELDS.iter().copied().chain([HIDDEN_FLAGS]) {
        if !spec.unresolved.iter().any(|u| u.value == field) {
            spec.unresolved.push(At::new(field, at.clone()));
        }
    }
    spec.mark_unset_unknown(at);
}
