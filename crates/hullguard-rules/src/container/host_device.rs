//! CT028: host devices exposed to the container.

use super::util::{help, subject};
use super::{ContainerCtx, ContainerRule, ContainerSink};
use hullguard_diagnostics::{RuleInfo, Severity};

declare_rule! {
    /// ## What it does
    /// Reports host devices given to a container (`devices:`, `--device`,
    /// `HostConfig.Devices`) and device cgroup rules that let it use devices it
    /// creates itself (`device_cgroup_rules:`, `--device-cgroup-rule`,
    /// `HostConfig.DeviceCgroupRules`), graded by what the device gives:
    ///
    /// | device | severity |
    /// |---|---|
    /// | `/dev/mem`, `/dev/kmem`, `/dev/port` (physical and kernel memory, I/O ports) | critical |
    /// | `/dev/kmsg`, `/dev/cpu/*/msr` (kernel log, CPU registers) | high |
    /// | block devices: `/dev/sd*`, `/dev/nvme*`, `/dev/vd*`, `/dev/xvd*`, `/dev/hd*`, `/dev/dm-*`, `/dev/loop*`, `/dev/md*`, `/dev/mmcblk*`, `/dev/mapper/*`, `/dev/disk/*` | high when writable, medium read-only |
    /// | any other device (`/dev/dri`, `/dev/ttyUSB0`, `/dev/net/tun`, `/dev/fuse`) | low |
    ///
    /// Device cgroup rules that grant read or write: a rule for every device
    /// (`a`, `a *:* rwm`, `b *:* rw`, `c *:* rwm`) or for the memory devices
    /// (`c 1:* rw`) is critical, every block device of one major (`b 8:* rw`)
    /// high, anything else low. Rules that grant only `m` (mknod) add nothing to
    /// the engine's defaults (`c *:* m`, `b *:* m`) and are not reported.
    ///
    /// ## Why is this bad?
    /// A device is a direct line to the host's kernel or hardware, outside every
    /// namespace: a block device is the host's disk (mount it and read or change
    /// any file), `/dev/mem` is the host's memory. A wildcard cgroup rule lets a
    /// container with the default `MKNOD` capability create and open any device
    /// node. CIS Docker Benchmark 5.18.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   disk-tool:
    ///     image: example/disk-tool:1
    ///     devices: ["/dev/sda:/dev/sda"]
    /// ```
    ///
    /// ## How to fix
    /// Remove the device, or give the narrowest one with the narrowest
    /// permissions (`/dev/sdb1:/dev/xvdc:r`); replace wildcard cgroup rules with
    /// rules for the specific major and minor numbers needed.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 5.18
    /// - [`docker run --device`](https://docs.docker.com/reference/cli/docker/container/run/#device)
    /// - [`--device-cgroup-rule`](https://docs.docker.com/reference/cli/docker/container/run/#device-cgroup-rule)
    pub static HOST_DEVICE = {
        code: "CT028",
        name: "host-device",
        severity: Medium,
        default_enabled: true,
        cis: ["5.18"],
        summary: "a host device is exposed to the container",
        fixable: false,
    }
}

pub struct HostDevice;

const BLOCK_PREFIXES: &[&str] = &[
    "/dev/sd",
    "/dev/nvme",
    "/dev/vd",
    "/dev/xvd",
    "/dev/hd",
    "/dev/dm-",
    "/dev/loop",
    "/dev/md",
    "/dev/mmcblk",
    "/dev/mapper/",
    "/dev/disk/",
];

/// Severity and description of a host device path.
fn classify_device(path: &str, permissions: &str) -> (Severity, &'static str) {
    let p = path.trim().trim_end_matches('/');
    match p {
        "/dev/mem" => return (Severity::Critical, "physical memory"),
        "/dev/kmem" => return (Severity::Critical, "kernel memory"),
        "/dev/port" => return (Severity::Critical, "I/O ports"),
        "/dev/kmsg" => return (Severity::High, "the kernel log"),
        _ => {}
    }
    if p.starts_with("/dev/cpu/") && p.ends_with("/msr") {
        return (Severity::High, "CPU model-specific registers");
    }
    if BLOCK_PREFIXES.iter().any(|b| p.starts_with(b)) {
        return if permissions.contains('w') {
            (Severity::High, "a host block device, writable")
        } else {
            (Severity::Medium, "a host block device")
        };
    }
    (Severity::Low, "a host device")
}

/// Severity and description of a device cgroup rule, `None` when it grants
/// nothing beyond the engine's defaults.
fn classify_rule(rule: &str) -> Option<(Severity, String)> {
    let mut parts = rule.split_whitespace();
    let ty = parts.next()?;
    let (major, minor) = match parts.next() {
        Some(mm) => mm.split_once(':').unwrap_or((mm, "*")),
        None => ("*", "*"),
    };
    let perms = parts.next().unwrap_or("rwm");
    if !(perms.contains('r') || perms.contains('w')) {
        return None;
    }
    let kind = match ty {
        "a" => "every device",
        "b" => "block devices",
        "c" => "character devices",
        _ => return None,
    };
    if ty == "a" || major == "*" {
        return Some((Severity::Critical, format!("allows {kind} (`{perms}`)")));
    }
    if ty == "c" && major == "1" && matches!(minor, "*" | "1" | "2" | "4") {
        return Some((
            Severity::Critical,
            "allows the host memory devices (`/dev/mem`)".to_string(),
        ));
    }
    if ty == "b" && minor == "*" {
        return Some((
            Severity::High,
            format!("allows every block device of major {major} (`{perms}`)"),
        ));
    }
    Some((
        Severity::Low,
        format!("allows device {ty} {major}:{minor} (`{perms}`)"),
    ))
}

impl ContainerRule for HostDevice {
    fn info(&self) -> &'static RuleInfo {
        &HOST_DEVICE
    }

    fn check(&self, cx: &ContainerCtx, sink: &mut ContainerSink) {
        let spec = cx.spec;
        let fix = help(
            spec,
            "remove the device or give the narrowest device and permissions (`/dev/x:/dev/x:r`)",
            "remove `--device` or give the narrowest device and permissions (`--device /dev/x:/dev/x:r`)",
            "remove the entry from `HostConfig.Devices` or narrow its `CgroupPermissions`",
        );
        for d in &spec.devices {
            let (severity, what) = classify_device(&d.value.host, &d.value.permissions);
            sink.report(
                &HOST_DEVICE,
                &d.at,
                d.value.host.trim(),
                format!(
                    "{} gets host device `{}`: {what}",
                    subject(spec),
                    d.value.host.trim()
                ),
            )
            .set_severity(severity)
            .set_help(fix.clone());
        }
        for r in &spec.device_cgroup_rules {
            let Some((severity, what)) = classify_rule(&r.value) else {
                continue;
            };
            let rule = r.value.split_whitespace().collect::<Vec<_>>().join(" ");
            sink.report(
                &HOST_DEVICE,
                &r.at,
                &rule,
                format!(
                    "{} has device cgroup rule `{rule}`, which {what}",
                    subject(spec)
                ),
            )
            .set_severity(severity)
            .set_help(help(
                spec,
                "remove the rule or name the exact major:minor numbers needed",
                "remove `--device-cgroup-rule` or name the exact major:minor numbers needed",
                "remove the entry from `HostConfig.DeviceCgroupRules` or name exact numbers",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        let sev = |r: &str| classify_rule(r).map(|(s, _)| s);
        assert_eq!(sev("a *:* rwm"), Some(Severity::Critical));
        assert_eq!(sev("a"), Some(Severity::Critical));
        assert_eq!(sev("c *:* rwm"), Some(Severity::Critical));
        assert_eq!(sev("c *:* m"), None);
        assert_eq!(sev("b *:* m"), None);
        assert_eq!(sev("c 1:1 rw"), Some(Severity::Critical));
        assert_eq!(sev("b 8:* rw"), Some(Severity::High));
        assert_eq!(sev("c 189:* rmw"), Some(Severity::Low));
        assert_eq!(classify_device("/dev/nvme0n1", "r").0, Severity::Medium);
        assert_eq!(classify_device("/dev/sda", "rwm").0, Severity::High);
        assert_eq!(classify_device("/dev/dri", "rwm").0, Severity::Low);
    }
}
