//! DF030–DF035: packages installed without a version pin, one rule per package
//! manager (so that each can be turned on or off on its own).

use super::util::install_operands;
use super::DockerfileRule;
use crate::cmd::{Cmd, CmdArg};
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::RuleInfo;

declare_rule! {
    /// ## What it does
    /// Finds `apt-get install` / `apt install` packages without a version
    /// (`curl` instead of `curl=8.5.0-2`).
    ///
    /// ## Why is this bad?
    /// Unpinned packages make builds unreproducible. This rule is **off by default**:
    /// Debian and Ubuntu archives are signed and curated, security updates arrive
    /// under the same name, and pinned versions disappear from the mirrors, which
    /// breaks builds and discourages patching. Turn it on where reproducibility
    /// matters more (`extend-select = ["DF030"]`).
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get install -y --no-install-recommends curl=8.5.0-2ubuntu10.6
    /// ```
    ///
    /// ## References
    /// - [apt-get best practices](https://docs.docker.com/build/building/best-practices/#apt-get)
    pub static UNPINNED_APT = {
        code: "DF030",
        name: "unpinned-apt-packages",
        severity: Low,
        default_enabled: false,
        cis: [],
        summary: "apt packages installed without a version",
        fixable: false,
    }
}

declare_rule! {
    /// ## What it does
    /// Finds `apk add` packages without a version (`curl` instead of `curl=8.11.1-r0`).
    ///
    /// ## Why is this bad?
    /// Unpinned packages make builds unreproducible. **Off by default** for the same
    /// reasons as `unpinned-apt-packages`: Alpine's repositories are signed, and old
    /// versions are removed from them, so exact pins break builds. Pinning to a
    /// branch (`curl~8.11`) is a middle ground.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ## References
    /// - [Alpine package management](https://wiki.alpinelinux.org/wiki/Alpine_Package_Keeper)
    pub static UNPINNED_APK = {
        code: "DF031",
        name: "unpinned-apk-packages",
        severity: Low,
        default_enabled: false,
        cis: [],
        summary: "apk packages installed without a version",
        fixable: false,
    }
}

declare_rule! {
    /// ## What it does
    /// Finds `pip install` (also `pip3`, `python -m pip`, `uv pip`) of packages without
    /// an exact version (`requests`, `requests>=2` or `requests==2.*` instead of
    /// `requests==2.32.3`).
    /// Requirements files (`-r`), local paths and wheels are not reported, nor are
    /// `pip`, `setuptools` and `wheel` themselves, nor names pinned by a constraints
    /// file (`-c constraints.txt`).
    ///
    /// ## Why is this bad?
    /// PyPI publishes whatever the package owner (or someone who stole their token)
    /// uploads, and `pip install name` takes the newest. A malicious release, or a
    /// typosquat that later adds a version, is installed and its setup code run at
    /// build time. Exact pins (ideally with `--require-hashes`) make the build take
    /// only what you reviewed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install flask
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN pip install --no-cache-dir flask==3.1.0
    /// ```
    ///
    /// ## References
    /// - [pip secure installs](https://pip.pypa.io/en/stable/topics/secure-installs/)
    pub static UNPINNED_PIP = {
        code: "DF032",
        name: "unpinned-pip-packages",
        severity: Low,
        default_enabled: true,
        cis: [],
        summary: "pip packages installed without an exact version",
        fixable: false,
    }
}

declare_rule! {
    /// ## What it does
    /// Finds `npm install <pkg>` / `npm i`, `yarn add`, `yarn global add`, `pnpm add`
    /// of packages without an exact version (`express`, `express@^4` or `express@4`
    /// instead of `express@4.21.2`).
    /// Installs from the lockfile (`npm ci`, `npm install` with no package) are fine.
    ///
    /// ## Why is this bad?
    /// npm packages run install scripts at build time; taking the newest version of a
    /// package (and its ranges) is how compromised releases spread. Exact versions
    /// with a lockfile make the build take only what you reviewed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN npm install -g pm2
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN npm install -g pm2@5.4.3
    /// ```
    ///
    /// ## References
    /// - [npm ci](https://docs.npmjs.com/cli/commands/npm-ci)
    pub static UNPINNED_NPM = {
        code: "DF033",
        name: "unpinned-npm-packages",
        severity: Low,
        default_enabled: true,
        cis: [],
        summary: "npm packages installed without an exact version",
        fixable: false,
    }
}

declare_rule! {
    /// ## What it does
    /// Finds `gem install <gem>` without `-v`/`--version` (or `gem:version`).
    ///
    /// ## Why is this bad?
    /// Gems can run native extension builds at install time; taking the newest
    /// release means taking whatever was last published.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN gem install bundler
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN gem install bundler -v 2.5.23
    /// ```
    ///
    /// ## References
    /// - [gem install](https://guides.rubygems.org/command-reference/#gem-install)
    pub static UNPINNED_GEM = {
        code: "DF034",
        name: "unpinned-gem-packages",
        severity: Low,
        default_enabled: true,
        cis: [],
        summary: "gems installed without a version",
        fixable: false,
    }
}

declare_rule! {
    /// ## What it does
    /// Finds `go install pkg@latest` (also `@master`, `@main`, `@HEAD`, `@upgrade`,
    /// `@patch`) and `go get pkg` without a version. `go install pkg` without a
    /// version is not reported: it builds the version pinned in `go.mod`.
    ///
    /// ## Why is this bad?
    /// `@latest` resolves to whatever the module's newest tag or commit is at build
    /// time. The Go checksum database protects against tampering with a given
    /// version, not against a malicious new one.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN go install github.com/go-delve/delve/cmd/dlv@latest
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN go install github.com/go-delve/delve/cmd/dlv@v1.24.0
    /// ```
    ///
    /// ## References
    /// - [go install](https://go.dev/ref/mod#go-install)
    pub static UNPINNED_GO_INSTALL = {
        code: "DF035",
        name: "unpinned-go-install",
        severity: Low,
        default_enabled: true,
        cis: [],
        summary: "`go install` of `@latest` or an unversioned module",
        fixable: false,
    }
}

pub struct UnpinnedApt;
pub struct UnpinnedApk;
pub struct UnpinnedPip;
pub struct UnpinnedNpm;
pub struct UnpinnedGem;
pub struct UnpinnedGoInstall;

fn is_local(v: &str) -> bool {
    v.starts_with('.')
        || v.starts_with('/')
        || v.starts_with('~')
        || v.contains("://")
        || v.starts_with("git+")
        || v.starts_with("file:")
        || [
            ".whl", ".tar.gz", ".zip", ".deb", ".apk", ".rpm", ".tgz", ".gem",
        ]
        .iter()
        .any(|e| v.ends_with(e))
}

fn unpinned<'a>(cx: &InstCtx<'a>, mgr: &str) -> Vec<(&'a Cmd, &'a CmdArg)> {
    let mut out = Vec::new();
    for c in cx.cmds {
        let Some((m, ops)) = install_operands(c) else {
            continue;
        };
        if m != mgr {
            continue;
        }
        for a in ops {
            let v = a.value.as_str();
            if !a.is_static || v.is_empty() || is_local(v) {
                continue;
            }
            let pinned = match mgr {
                "apt" => v.contains('=') || v.contains('/'),
                "apk" => v.contains('=') || v.contains('~') || v.contains('<') || v.contains('>'),
                "pip" if c.has_flag(&["-c", "--constraint"]) => true,
                "pip" => {
                    let name = v
                        .split(['=', '<', '>', '!', '~', '[', ';', '@'])
                        .next()
                        .unwrap_or(v)
                        .to_ascii_lowercase();
                    // `==1.2.*` is a range, not a pin.
                    matches!(name.as_str(), "pip" | "setuptools" | "wheel")
                        || (v.contains("==") && !v.contains('*'))
                        || v.contains('@')
                }
                "npm" => npm_pinned(v),
                "gem" => c.has_flag(&["-v", "--version"]) || v.contains(':'),
                _ => true,
            };
            if !pinned {
                out.push((c, a));
            }
        }
    }
    out
}

fn npm_pinned(v: &str) -> bool {
    let body = v.strip_prefix('@').unwrap_or(v);
    let Some((_, ver)) = body.rsplit_once('@') else {
        return false;
    };
    // An exact semver `1.2.3` (with an optional `-pre` / `+build`); `4`, `4.21`,
    // `4.x` and `^4.21.0` are ranges.
    let core = ver.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        && ver
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-+".contains(c))
}

fn report(cx: &InstCtx, sink: &mut Sink, rule: &'static RuleInfo, mgr: &str, what: &str) {
    for (c, a) in unpinned(cx, mgr) {
        sink.report(
            rule,
            a.span,
            format!("`{}` is installed by `{}` without {what}", a.value, c.name),
        );
    }
}

impl DockerfileRule for UnpinnedApt {
    fn info(&self) -> &'static RuleInfo {
        &UNPINNED_APT
    }
    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        report(cx, sink, &UNPINNED_APT, "apt", "a version (`name=version`)");
    }
}

impl DockerfileRule for UnpinnedApk {
    fn info(&self) -> &'static RuleInfo {
        &UNPINNED_APK
    }
    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        report(cx, sink, &UNPINNED_APK, "apk", "a version (`name=version`)");
    }
}

impl DockerfileRule for UnpinnedPip {
    fn info(&self) -> &'static RuleInfo {
        &UNPINNED_PIP
    }
    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        report(
            cx,
            sink,
            &UNPINNED_PIP,
            "pip",
            "an exact version (`name==version`)",
        );
    }
}

impl DockerfileRule for UnpinnedNpm {
    fn info(&self) -> &'static RuleInfo {
        &UNPINNED_NPM
    }
    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        report(
            cx,
            sink,
            &UNPINNED_NPM,
            "npm",
            "an exact version (`name@version`)",
        );
    }
}

impl DockerfileRule for UnpinnedGem {
    fn info(&self) -> &'static RuleInfo {
        &UNPINNED_GEM
    }
    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        report(cx, sink, &UNPINNED_GEM, "gem", "a version (`-v`)");
    }
}

impl DockerfileRule for UnpinnedGoInstall {
    fn info(&self) -> &'static RuleInfo {
        &UNPINNED_GO_INSTALL
    }
    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        for c in cx.cmds {
            if c.name != "go" || !matches!(c.subcommand(), Some("install" | "get")) {
                continue;
            }
            for a in c.operands().skip(1) {
                let v = a.value.as_str();
                if !a.is_static || v.starts_with('.') || v.starts_with('/') || !v.contains('/') {
                    continue;
                }
                let version = v.rsplit_once('@').map(|(_, ver)| ver);
                match version {
                    // `go install pkg` builds the version required by the go.mod of
                    // the working directory (and fails outside a module).
                    None if c.subcommand() == Some("install") => {}
                    None => {
                        sink.report(
                            &UNPINNED_GO_INSTALL,
                            a.span,
                            format!("`go get {v}` has no version"),
                        );
                    }
                    Some(ver @ ("latest" | "master" | "main" | "HEAD" | "upgrade" | "patch")) => {
                        sink.report(
                            &UNPINNED_GO_INSTALL,
                            a.span,
                            format!("`{v}` takes the moving version `{ver}`"),
                        );
                    }
                    Some(_) => {}
                }
            }
        }
    }
}
