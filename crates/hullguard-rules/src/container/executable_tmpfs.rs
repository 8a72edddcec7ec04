//! CT016: a tmpfs mount that allows executables or setuid programs.

use super::util::{help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_container::MountKind;
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Reports a tmpfs mount whose options re-enable executables (`exec`) or setuid
    /// programs (`suid`): `tmpfs: ["/tmp:exec"]`, `--tmpfs /run:rw,exec,suid`,
    /// `HostConfig.Tmpfs: {"/tmp": "exec"}`.
    ///
    /// The engine mounts every tmpfs with `noexec,nosuid,nodev` and appends the
    /// options given, the last of `exec`/`noexec` (and `suid`/`nosuid`) winning
    /// (moby `daemon/oci_linux.go`, `mount.MergeTmpfsOptions`). So a tmpfs without
    /// options is safe, and only an explicit `exec` or `suid` that is not cancelled
    /// by a later `noexec`/`nosuid` is reported.
    ///
    /// ## Why is this bad?
    /// Writable, executable scratch space is where an attacker drops and runs a
    /// payload, the usual next step after a remote code execution, and the reason
    /// a read-only root filesystem (CIS 5.13) pairs with `noexec` tmpfs mounts. A
    /// `suid` tmpfs lets a setuid binary placed there escalate inside the
    /// container.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1
    ///     read_only: true
    ///     tmpfs: ["/tmp:exec,mode=1777"]
    /// ```
    ///
    /// ## How to fix
    /// Remove `exec` and `suid` from the tmpfs options. If the application really
    /// executes files from the tmpfs (some JIT runtimes do), keep `exec` on that
    /// one mount only and `nosuid` everywhere.
    ///
    /// ## References
    /// - [tmpfs mounts](https://docs.docker.com/engine/storage/tmpfs/)
    /// - [`docker run --tmpfs`](https://docs.docker.com/reference/cli/docker/container/run/#tmpfs)
    pub static EXECUTABLE_TMPFS = {
        code: "CT016",
        name: "executable-tmpfs",
        severity: Low,
        default_enabled: true,
        cis: [],
        summary: "a tmpfs mount allows executables or setuid programs",
        fixable: false,
    }
}

pub struct ExecutableTmpfs;

/// Whether `on` wins over `off` in `options` (the last one written wins; the
/// engine's default, before the user's options, is `off`).
fn enabled(options: &[String], on: &str, off: &str) -> bool {
    options
        .iter()
        .rev()
        .map(|o| o.trim())
        .find(|o| *o == on || *o == off)
        == Some(on)
}

impl ContainerRule for ExecutableTmpfs {
    fn info(&self) -> &'static RuleInfo {
        &EXECUTABLE_TMPFS
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        for m in &spec.mounts {
            if m.value.kind != MountKind::Tmpfs {
                continue;
            }
            let opts = &m.value.tmpfs_options;
            let what: Vec<&str> = [("exec", "noexec"), ("suid", "nosuid")]
                .into_iter()
                .filter(|(on, off)| enabled(opts, on, off))
                .map(|(on, _)| on)
                .collect();
            if what.is_empty() {
                continue;
            }
            sink.report(
                &EXECUTABLE_TMPFS,
                &m.at,
                &format!("{}\u{1f}{}", m.value.target, what.join(",")),
                format!(
                    "{} mounts tmpfs `{}` with `{}`",
                    subject(spec),
                    m.value.target,
                    what.join("`, `")
                ),
            )
            .set_help(help(
                spec,
                "remove `exec`/`suid` from the tmpfs options (the engine defaults to `noexec,nosuid`)",
                "remove `exec`/`suid` from the `--tmpfs` options (the engine defaults to `noexec,nosuid`)",
                "remove `exec`/`suid` from the tmpfs options (the engine defaults to `noexec,nosuid`)",
            ));
        }
    }
}
