//! SW006: the swarm's managers are not auto-locked.

use super::{AuditCtx, AuditRule, AuditSink};
use hullguard_diagnostics::RuleInfo;
use serde_json::Value;

declare_rule! {
    /// ## What it does
    /// Reports a swarm whose managers are not auto-locked
    /// (`Spec.EncryptionConfig.AutoLockManagers` is not true in `docker swarm
    /// inspect`; `docker swarm init --autolock`). Read on a manager; a
    /// worker cannot see the swarm's spec.
    ///
    /// ## Why is this bad?
    /// The raft log on each manager holds the swarm's secrets and its CA key,
    /// encrypted with a key stored next to it on disk. Without auto-lock,
    /// anyone who copies a manager's disk (a backup, a stolen volume) decrypts
    /// them all; with it, a restarted manager needs the unlock key, kept
    /// elsewhere. CIS 7.5.
    ///
    /// ## Example
    /// `docker info` shows `Autolock Managers: false`.
    ///
    /// ## How to fix
    /// `docker swarm update --autolock=true`, store the unlock key in a safe
    /// place (a password manager, a vault), and unlock managers after restarts
    /// (`docker swarm unlock`).
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 7.5
    /// - [Lock your swarm](https://docs.docker.com/engine/swarm/swarm_manager_locking/)
    pub static SWARM_AUTOLOCK_DISABLED = {
        code: "SW006",
        name: "swarm-autolock-disabled",
        severity: Medium,
        default_enabled: true,
        cis: ["7.5"],
        summary: "the swarm's managers are not auto-locked",
        fixable: false,
    }
}

pub struct SwarmAutolockDisabled;

const POINTER: &str = "/Spec/EncryptionConfig/AutoLockManagers";

impl AuditRule for SwarmAutolockDisabled {
    fn info(&self) -> &'static RuleInfo {
        &SWARM_AUTOLOCK_DISABLED
    }

    fn check(&self, cx: &AuditCtx, sink: &mut AuditSink) {
        let Some(sw) = &cx.snap.swarm else {
            if cx.swarm_active {
                sink.skipped(&SWARM_AUTOLOCK_DISABLED, super::NO_SWARM);
            }
            return;
        };
        if sw.swarm.is_null() {
            sink.skipped(&SWARM_AUTOLOCK_DISABLED, super::SWARM_WORKER);
            return;
        }
        if sw.swarm.pointer(POINTER).and_then(Value::as_bool) == Some(true) {
            return;
        }
        let at = if sw.swarm.pointer(POINTER).is_some() {
            POINTER
        } else {
            ""
        };
        sink.report(
            &SWARM_AUTOLOCK_DISABLED,
            cx.swarm_at(at),
            "",
            "the swarm's managers are not auto-locked: a copy of a manager's disk reveals its secrets",
        )
        .set_help("run `docker swarm update --autolock=true` and keep the unlock key somewhere safe");
    }
}
