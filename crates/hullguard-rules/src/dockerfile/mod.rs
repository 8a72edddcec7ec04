//! Dockerfile rules, one per file. Each declares its metadata with
//! `declare_rule!` and implements [`DockerfileRule`].

use crate::engine::{InstCtx, Sink, StageCtx};
use hullguard_diagnostics::RuleInfo;

mod util;

mod add_instead_of_copy;
mod add_remote_without_checksum;
mod cd_instead_of_workdir;
mod copy_whole_stage_root;
mod deprecated_maintainer;
mod hardcoded_secret;
mod insecure_build_entitlement;
mod invalid_stage_reference;
mod latest_tag;
pub(crate) mod lone_package_update;
mod missing_healthcheck;
mod missing_no_install_recommends;
mod multiple_cmd_entrypoint;
mod non_numeric_user;
mod package_cache_not_cleaned;
mod password_at_build;
mod pipe_without_pipefail;
mod relative_workdir;
mod remote_script_execution;
mod root_user;
mod secret_env;
mod secret_file_copied;
mod sensitive_system_path;
mod setuid_setgid;
mod shell_form_cmd;
mod ssh_server;
mod sudo_usage;
mod tls_verification_disabled;
mod unpinned_base_image;
mod unpinned_packages;
mod untrusted_registry;
mod unverified_packages;
mod world_writable_permissions;

/// A Dockerfile rule: a fold over instructions, with a decision at the end of
/// each stage for rules that need to see the whole stage.
pub trait DockerfileRule: Sync {
    fn info(&self) -> &'static RuleInfo;
    fn check_instruction(&self, _cx: &InstCtx, _sink: &mut Sink) {}
    fn check_stage(&self, _cx: &StageCtx, _sink: &mut Sink) {}
}

/// Every Dockerfile rule.
pub static RULES: &[&dyn DockerfileRule] = &[
    &root_user::RootUser,
    &non_numeric_user::NonNumericUser,
    &latest_tag::LatestTag,
    &unpinned_base_image::UnpinnedBaseImage,
    &untrusted_registry::UntrustedRegistry,
    &secret_env::SecretEnv,
    &hardcoded_secret::HardcodedSecret,
    &secret_file_copied::SecretFileCopied,
    &add_instead_of_copy::AddInsteadOfCopy,
    &add_remote_without_checksum::AddRemoteWithoutChecksum,
    &remote_script_execution::RemoteScriptExecution,
    &tls_verification_disabled::TlsVerificationDisabled,
    &unverified_packages::UnverifiedPackages,
    &sudo_usage::SudoUsage,
    &password_at_build::PasswordAtBuild,
    &ssh_server::SshServer,
    &insecure_build_entitlement::InsecureBuildEntitlement,
    &world_writable_permissions::WorldWritablePermissions,
    &setuid_setgid::SetuidSetgid,
    &copy_whole_stage_root::CopyWholeStageRoot,
    &sensitive_system_path::SensitiveSystemPath,
    &missing_healthcheck::MissingHealthcheck,
    &multiple_cmd_entrypoint::MultipleCmdEntrypoint,
    &lone_package_update::LonePackageUpdate,
    &missing_no_install_recommends::MissingNoInstallRecommends,
    &pipe_without_pipefail::PipeWithoutPipefail,
    &shell_form_cmd::ShellFormCmd,
    &unpinned_packages::UnpinnedApt,
    &unpinned_packages::UnpinnedApk,
    &unpinned_packages::UnpinnedPip,
    &unpinned_packages::UnpinnedNpm,
    &unpinned_packages::UnpinnedGem,
    &unpinned_packages::UnpinnedGoInstall,
    &package_cache_not_cleaned::PackageCacheNotCleaned,
    &relative_workdir::RelativeWorkdir,
    &invalid_stage_reference::InvalidStageReference,
    &cd_instead_of_workdir::CdInsteadOfWorkdir,
    &deprecated_maintainer::DeprecatedMaintainer,
];
