//! Hardening a `docker run` command line: flags inserted before the image.

use crate::actions::{plan, Action, HardenOptions, Plan, TMP_TMPFS_OPTIONS};
use hullguard_container::ContainerSpec;
use hullguard_diagnostics::Span;
use hullguard_rules::CheckOptions;

/// The hardened command.
#[derive(Debug)]
pub struct RunHardening {
    /// The command line with the flags inserted (unchanged when nothing applies
    /// or the image word is not known).
    pub command: String,
    pub plan: Plan,
}

/// Flags for one action, shell-safe as written.
fn flags(action: &Action) -> Vec<String> {
    match action {
        Action::DropAllCapabilities => vec!["--cap-drop".into(), "ALL".into()],
        Action::NoNewPrivileges => vec!["--security-opt".into(), "no-new-privileges:true".into()],
        Action::ReadOnlyRoot { add_tmp } => {
            let mut v = vec!["--read-only".to_string()];
            if *add_tmp {
                v.push("--tmpfs".into());
                v.push(format!("/tmp:{TMP_TMPFS_OPTIONS}"));
            }
            v
        }
        Action::PidsLimit(n) => vec!["--pids-limit".into(), n.to_string()],
        Action::Memory(m) => vec!["--memory".into(), shell_word(m)],
        Action::Cpus(c) => vec!["--cpus".into(), shell_word(c)],
        Action::User(u) => vec!["--user".into(), shell_word(u)],
        Action::BindLocalhost => Vec::new(),
    }
}

fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ':' | ','))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Plans the flags for one command (`command` is its span in `text`, `image` the
/// span of the word the flags go before: the image, or a `--` that ends the
/// flags) and inserts them there.
pub fn harden_run(
    text: &str,
    command: Span,
    image: Option<Span>,
    spec: &ContainerSpec,
    check: &CheckOptions,
    opts: &HardenOptions,
) -> RunHardening {
    let opts = HardenOptions {
        bind_localhost: false,
        ..opts.clone()
    };
    let plan = plan(spec, &opts, check, &[], false);
    let original = text
        .get(command.start..command.end)
        .unwrap_or_default()
        .to_string();
    let Some(image) = image else {
        return RunHardening {
            command: original,
            plan,
        };
    };
    let (Some(head), Some(tail)) = (
        text.get(command.start..image.start),
        text.get(image.start..command.end),
    ) else {
        return RunHardening {
            command: original,
            plan,
        };
    };
    let mut added: Vec<String> = Vec::new();
    for pa in &plan.actions {
        added.extend(flags(&pa.action));
    }
    if added.is_empty() {
        return RunHardening {
            command: original,
            plan,
        };
    }
    let mut out = head.to_string();
    if !out.is_empty() && !out.ends_with(char::is_whitespace) {
        out.push(' ');
    }
    out.push_str(&added.join(" "));
    out.push(' ');
    out.push_str(tail);
    RunHardening { command: out, plan }
}
