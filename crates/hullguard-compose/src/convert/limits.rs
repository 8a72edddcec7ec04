//! Resource limits, ulimits, sysctls, restart policy and healthcheck, including
//! the `deploy:` section that `docker compose` applies outside swarm
//! (`deploy.resources` and `deploy.restart_policy`, in `pkg/compose/create.go`).

use super::read::{compose_int, kind_of, EntryValue};
use super::Cx;
use crate::node::{Node, Value};
use hullguard_container::{parse, At, Healthcheck, Restart, Setting, Ulimit};

/// A restart policy name as `docker compose` maps it to the engine's
/// (`mapRestartPolicyCondition`): compose's `restart:` and
/// `deploy.restart_policy.condition` share it, so `any` and `none` are accepted
/// in both. An empty condition is no policy at all.
fn restart_policy_name(condition: &str) -> Option<&'static str> {
    match condition {
        "" | "no" | "none" => Some("no"),
        "always" | "any" => Some("always"),
        "on-failure" => Some("on-failure"),
        "unless-stopped" => Some("unless-stopped"),
        _ => None,
    }
}

/// Parses `restart: on-failure:5`.
pub(super) fn parse_restart(s: &str) -> Result<Restart, String> {
    let (name, retries) = match s.trim().split_once(':') {
        Some((n, r)) => (n, Some(r)),
        None => (s.trim(), None),
    };
    let policy = restart_policy_name(name).ok_or_else(|| format!("unknown policy `{s}`"))?;
    let max_retries = match retries {
        None => None,
        Some(r) => {
            if policy != "on-failure" {
                return Err(format!(
                    "only `on-failure` takes a retry count, not `{name}`"
                ));
            }
            Some(compose_int(r)?)
        }
    };
    Ok(Restart {
        policy: policy.to_string(),
        max_retries,
    })
}

impl Cx<'_> {
    /// `mem_limit`, `memswap_limit`, `mem_reservation`, `cpus`, `cpu_*`,
    /// `cpuset`, `pids_limit`, then `deploy.resources` over them.
    pub(super) fn resources(&mut self, svc: &Node) {
        if let Some(n) = svc.get("mem_limit") {
            self.spec.memory = self.bytes("mem_limit", n);
        }
        if let Some(n) = svc.get("memswap_limit") {
            self.spec.memory_swap = self.bytes("memswap_limit", n);
        }
        if let Some(n) = svc.get("mem_reservation") {
            self.spec.memory_reservation = self.bytes("mem_reservation", n);
        }
        if let Some(n) = svc.get("cpus") {
            self.spec.nano_cpus = self.parsed("cpus", n, parse::parse_cpus);
        }
        if let Some(n) = svc.get("cpu_shares") {
            self.spec.cpu_shares = self.int("cpu_shares", n);
        }
        if let Some(n) = svc.get("cpu_quota") {
            self.spec.cpu_quota = self.int("cpu_quota", n);
        }
        if let Some(n) = svc.get("cpu_period") {
            self.spec.cpu_period = self.int("cpu_period", n);
        }
        if let Some(n) = svc.get("cpuset") {
            self.spec.cpuset_cpus = self.string("cpuset", n);
        }
        if let Some(n) = svc.get("pids_limit") {
            self.spec.pids_limit = self.int("pids_limit", n);
        }
        let Some(deploy) = svc.get("deploy") else {
            return;
        };
        if let Value::Unknown(_) = deploy.value {
            // The whole section is unknown, and with it every limit it may set.
            let at = deploy.location();
            self.spec.memory = Setting::Unknown(at.clone());
            self.spec.nano_cpus = Setting::Unknown(at.clone());
            self.spec.pids_limit = Setting::Unknown(at.clone());
            self.spec.memory_reservation = Setting::Unknown(at);
            return;
        }
        let Some(res) = deploy.get("resources") else {
            return;
        };
        let keep_nonzero =
            |s: Setting<i64>| !matches!(s, Setting::Unset | Setting::Set(At { value: 0, .. }));
        if let Some(limits) = res.get("limits") {
            // `setLimits`: a zero limit leaves the service key's value; pids only
            // count when positive.
            if let Some(n) = limits.get("memory") {
                let s = self.bytes("deploy.resources.limits.memory", n);
                if keep_nonzero(s.clone()) {
                    self.spec.memory = s;
                }
            }
            if let Some(n) = limits.get("cpus") {
                let s = self.parsed("deploy.resources.limits.cpus", n, parse::parse_cpus);
                if keep_nonzero(s.clone()) {
                    self.spec.nano_cpus = s;
                }
            }
            if let Some(n) = limits.get("pids") {
                let s = self.int("deploy.resources.limits.pids", n);
                if !matches!(s, Setting::Unset) && !matches!(&s, Setting::Set(a) if a.value <= 0) {
                    self.spec.pids_limit = s;
                }
            }
        }
        if let Some(res) = res.get("reservations") {
            // CPU reservations are a swarm feature; only memory applies.
            if let Some(n) = res.get("memory") {
                let s = self.bytes("deploy.resources.reservations.memory", n);
                if keep_nonzero(s.clone()) {
                    self.spec.memory_reservation = s;
                }
            }
        }
    }

    /// `ulimits:` entries: `nofile: 1024` (both limits) or `{soft, hard}`.
    pub(super) fn ulimits(&mut self, node: &Node) {
        for (k, v) in self.mapping("ulimits", node) {
            let Some(name) = k.as_str() else {
                self.unresolved("ulimits", k.location());
                continue;
            };
            let key = format!("ulimits.{name}");
            let limits = match &v.value {
                Value::Map(_) => {
                    let soft = v.get("soft").map(|n| self.int(&format!("{key}.soft"), n));
                    let hard = v.get("hard").map(|n| self.int(&format!("{key}.hard"), n));
                    match (soft, hard) {
                        (Some(Setting::Set(s)), Some(Setting::Set(h))) => Some((s.value, h.value)),
                        (Some(Setting::Unknown(_)), _) | (_, Some(Setting::Unknown(_))) => None,
                        _ => {
                            self.problem(
                                v.location(),
                                format!("`{key}` needs both `soft` and `hard`"),
                            );
                            None
                        }
                    }
                }
                _ => match self.int(&key, v) {
                    Setting::Set(a) => Some((a.value, a.value)),
                    Setting::Unset => continue,
                    Setting::Unknown(_) => None,
                },
            };
            match limits {
                Some((soft, hard)) => self.spec.ulimits.push(At::new(
                    Ulimit {
                        name: name.to_string(),
                        soft,
                        hard,
                    },
                    v.location(),
                )),
                None => self.unresolved("ulimits", v.location()),
            }
        }
    }

    /// `sysctls:` as a mapping or a list of `KEY=VALUE`.
    pub(super) fn sysctls(&mut self, node: &Node) {
        for e in self.entries("sysctls", node) {
            let value = match e.value {
                EntryValue::Text(v) => v,
                EntryValue::Missing => String::new(),
                EntryValue::Unknown => {
                    self.unresolved("sysctls", e.at);
                    continue;
                }
            };
            self.spec.sysctls.push(At::new((e.name, value), e.at));
        }
    }

    /// `deploy.restart_policy`, which replaces `restart:` (`getRestartPolicy`).
    pub(super) fn deploy_restart(&mut self, deploy: &Node) {
        if deploy.is_unknown() {
            self.spec.restart = Setting::Unknown(deploy.location());
            return;
        }
        let Some(rp) = deploy.get("restart_policy") else {
            return;
        };
        match &rp.value {
            Value::Null => return,
            Value::Map(_) => {}
            Value::Unknown(_) => {
                self.spec.restart = Setting::Unknown(rp.location());
                return;
            }
            _ => {
                self.problem(
                    rp.location(),
                    format!(
                        "`deploy.restart_policy` must be a mapping, not {}",
                        kind_of(rp)
                    ),
                );
                self.spec.restart = Setting::Unknown(rp.location());
                return;
            }
        }
        // An absent condition reaches the engine as an empty policy name: no
        // restart (`docker compose` does not apply the swarm default `any`).
        let condition = match rp.get("condition") {
            None => Setting::Unset,
            Some(n) => self.parsed("deploy.restart_policy.condition", n, |s| {
                restart_policy_name(s)
                    .map(str::to_string)
                    .ok_or_else(|| format!("unknown condition `{s}`"))
            }),
        };
        let attempts = match rp.get("max_attempts") {
            None => Setting::Unset,
            Some(n) => self.int("deploy.restart_policy.max_attempts", n),
        };
        let policy = match condition {
            Setting::Unknown(_) => None,
            Setting::Unset => Some("no".to_string()),
            Setting::Set(a) => Some(a.value),
        };
        let max_retries = match attempts {
            Setting::Unknown(_) => None,
            Setting::Unset => Some(None),
            Setting::Set(a) => Some(Some(a.value)),
        };
        self.spec.restart = match (policy, max_retries) {
            (Some(policy), Some(max_retries)) => Setting::set(
                Restart {
                    policy,
                    max_retries,
                },
                rp.location(),
            ),
            _ => Setting::Unknown(rp.location()),
        };
    }

    /// `healthcheck:`. Without a `test` (and not disabled) the image's own test
    /// applies with the given timings, so the setting stays unset: the
    /// effective healthcheck is the image's.
    pub(super) fn healthcheck(&mut self, node: &Node) {
        match &node.value {
            Value::Null => return,
            Value::Map(_) => {}
            Value::Unknown(_) => {
                self.spec.healthcheck = Setting::Unknown(node.location());
                return;
            }
            _ => {
                self.problem(
                    node.location(),
                    format!("`healthcheck` must be a mapping, not {}", kind_of(node)),
                );
                self.spec.healthcheck = Setting::Unknown(node.location());
                return;
            }
        }
        if let Some(d) = node.get("disable") {
            match self.boolean("healthcheck.disable", d) {
                Setting::Set(a) if a.value => {
                    // `ToMobyHealthCheck`: disabled is the test `["NONE"]`.
                    self.spec.healthcheck = Setting::set(
                        Healthcheck {
                            disabled: true,
                            test: vec!["NONE".to_string()],
                        },
                        a.at,
                    );
                    return;
                }
                Setting::Unknown(at) => {
                    self.spec.healthcheck = Setting::Unknown(at);
                    return;
                }
                _ => {}
            }
        }
        let Some(t) = node.get("test") else {
            return;
        };
        let test = match &t.value {
            Value::Null => return,
            Value::Unknown(_) => {
                self.spec.healthcheck = Setting::Unknown(t.location());
                return;
            }
            // A string is a shell command (`HealthCheckTest.DecodeMapstructure`).
            Value::Scalar(s) => vec!["CMD-SHELL".to_string(), s.text.clone()],
            Value::Seq(items) => {
                let mut test = Vec::with_capacity(items.len());
                for item in items {
                    match item.as_str() {
                        Some(s) => test.push(s.to_string()),
                        None => {
                            if !item.is_unknown() {
                                self.problem(
                                    item.location(),
                                    format!(
                                        "`healthcheck.test` items must be strings, not {}",
                                        kind_of(item)
                                    ),
                                );
                            }
                            self.spec.healthcheck = Setting::Unknown(t.location());
                            return;
                        }
                    }
                }
                test
            }
            Value::Map(_) => {
                self.problem(
                    t.location(),
                    "`healthcheck.test` must be a string or a list, not a mapping",
                );
                self.spec.healthcheck = Setting::Unknown(t.location());
                return;
            }
        };
        let Some(first) = test.first() else {
            // An empty test inherits the image's.
            return;
        };
        let disabled = match first.as_str() {
            "NONE" => true,
            "CMD" | "CMD-SHELL" => false,
            other => {
                self.problem(
                    t.location(),
                    format!("`healthcheck.test` must start with `CMD`, `CMD-SHELL` or `NONE`, not `{other}`"),
                );
                self.spec.healthcheck = Setting::Unknown(t.location());
                return;
            }
        };
        self.spec.healthcheck = Setting::set(Healthcheck { disabled, test }, t.location());
    }
}
