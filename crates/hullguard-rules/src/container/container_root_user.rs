//! CT002: the container's processes run as root.

use super::util::{help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_container::{ContainerSpec, Setting};
use hullguard_diagnostics::{RuleInfo, Severity};

declare_rule! {
    /// ## What it does
    /// Reports a container whose processes run as root:
    /// - the container sets a root user: `0`, `root`, `0:0`, `root:wheel`
    ///   (`user:`, `--user`/`-u`, `Config.User`);
    /// - it sets no user and its image sets none either, or sets root (known when
    ///   the image is built from a Dockerfile hullguard read, or was inspected);
    /// - it sets no user and hullguard does not know the image's user: reported at
    ///   low severity, as a possibility, since most images run as root.
    ///
    /// A user that is an unresolved variable (`user: ${RUN_AS}`, `USER ${RUNAS}`)
    /// is not reported. A compose service built from a Dockerfile whose stages set
    /// no `USER` on top of an external base image is reported at low severity too:
    /// the base image's user decides, and most base images run as root.
    ///
    /// ## Why is this bad?
    /// Root in a container is root on the host's kernel, held back only by
    /// namespaces, capabilities and the LSM profile. Any of the escape routes the
    /// other rules report (a mounted socket, a writable host path, an added
    /// capability, a kernel bug) becomes a root compromise of the host; as an
    /// unprivileged user most of them are closed. CIS Docker Benchmark 4.1.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.3
    ///     user: root
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.3
    ///     user: "10001:10001"
    /// ```
    ///
    /// ## How to fix
    /// Set a non-root user: `user: "10001:10001"` in compose, `--user 10001:10001`
    /// on `docker run`, or `USER` in the image's Dockerfile. Files the application
    /// writes must belong to that user (or use a volume it owns).
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 4.1
    /// - [`docker run --user`](https://docs.docker.com/engine/containers/run/#user)
    /// - [Compose `user`](https://docs.docker.com/reference/compose-file/services/#user)
    pub static CONTAINER_ROOT_USER = {
        code: "CT002",
        name: "container-root-user",
        severity: High,
        default_enabled: true,
        cis: ["4.1"],
        summary: "the container runs as root",
        fixable: false,
    }
}

pub struct ContainerRootUser;

/// Whether a user value names root: `root`, `0`, `00`, with or without a group,
/// and Windows' `ContainerAdministrator`.
pub(crate) fn names_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or("").trim();
    hullguard_container::is_root_user(user)
        || name.eq_ignore_ascii_case("ContainerAdministrator")
        || (!name.is_empty()
            && name.chars().all(|c| c.is_ascii_digit())
            && name.trim_start_matches('0').is_empty())
}

fn fix_help(spec: &ContainerSpec) -> String {
    help(
        spec,
        "set a non-root `user:` (e.g. `user: \"10001:10001\"`) or a `USER` in the image",
        "run with `--user 10001:10001` (a non-root user) or set a `USER` in the image",
        "set `Config.User` to a non-root user or set a `USER` in the image",
    )
}

impl ContainerRule for ContainerRootUser {
    fn info(&self) -> &'static RuleInfo {
        &CONTAINER_ROOT_USER
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        match &spec.user {
            Setting::Unknown(_) => return,
            Setting::Set(u) if !u.value.trim().is_empty() => {
                if names_root(&u.value) {
                    sink.report(
                        &CONTAINER_ROOT_USER,
                        &u.at,
                        &u.value,
                        format!("{} runs as root (user `{}`)", subject(spec), u.value.trim()),
                    )
                    .set_help(fix_help(spec));
                }
                return;
            }
            _ => {}
        }
        // No user on the container: the image decides.
        match &spec.image_defaults {
            Some(img) => match &img.user {
                // The Dockerfile sets no USER on top of an external base image:
                // the base image decides, and it is not known.
                Setting::Unknown(_) if img.user_from_external_base() => {
                    let base = img.external_base.as_deref().unwrap_or("the base image");
                    sink.report(
                        &CONTAINER_ROOT_USER,
                        &spec.at,
                        "unknown-base",
                        format!(
                            "{} may run as root: it sets no user, its image (`{}`) sets no `USER`, and the user of its base `{base}` is unknown",
                            subject(spec),
                            img.source
                        ),
                    )
                    .set_severity(Severity::Low)
                    .set_help(fix_help(spec));
                }
                Setting::Unknown(_) => {}
                Setting::Set(u) if !u.value.trim().is_empty() => {
                    if names_root(&u.value) {
                        sink.report(
                            &CONTAINER_ROOT_USER,
                            &spec.at,
                            "image",
                            format!(
                                "{} runs as root: it sets no user and its image (`{}`) sets `USER {}`",
                                subject(spec),
                                img.source,
                                u.value.trim()
                            ),
                        )
                        .set_help(fix_help(spec));
                    }
                }
                _ => {
                    sink.report(
                        &CONTAINER_ROOT_USER,
                        &spec.at,
                        "image",
                        format!(
                            "{} runs as root: neither it nor its image (`{}`) sets a user",
                            subject(spec),
                            img.source
                        ),
                    )
                    .set_help(fix_help(spec));
                }
            },
            None => {
                let image = match spec.image.get() {
                    Some(i) => format!("`{i}`"),
                    None => "the image".to_string(),
                };
                sink.report(
                    &CONTAINER_ROOT_USER,
                    &spec.at,
                    "unknown-image",
                    format!(
                        "{} may run as root: it sets no user and the user of {image} is unknown",
                        subject(spec)
                    ),
                )
                .set_severity(Severity::Low)
                .set_help(fix_help(spec));
            }
        }
    }
}
