//! DF008: a secret file copied into the image.

use super::DockerfileRule;
use crate::engine::{InstCtx, Sink};
use hullguard_diagnostics::RuleInfo;
use hullguard_dockerfile::{Args, Keyword};

declare_rule! {
    /// ## What it does
    /// Checks the sources of `COPY` and `ADD` for files that hold credentials: SSH
    /// private keys (`id_rsa`, `id_ed25519` ...), TLS and signing keys (`*.key`,
    /// `*.pem`, `*.p12`, `*.pfx`, `*.jks`), `.env` files, package-manager and tool
    /// credentials (`.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`,
    /// `.docker/config.json`, `.aws/credentials`, `.kube/config`), cloud service
    /// account files (`credentials.json`, `service-account*.json`), `.htpasswd`,
    /// also through a glob that starts with such a name (`.env*`, `id_rsa*`).
    /// Public material is told apart by its name: CA certificates and chains
    /// (`ca-bundle.pem`, `fullchain.pem`, `truststore.jks`) and public or GPG keys
    /// (`repo.gpg.key`, `*.pub`) are not reported.
    /// Copies from another build stage are not checked (the file never left the build).
    ///
    /// ## Why is this bad?
    /// A file copied into a layer stays in the image forever, even if a later `RUN rm`
    /// deletes it: anyone who can pull the image can extract it from the layer.
    /// CIS Docker Benchmark 4.10.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY .npmrc /root/.npmrc
    /// RUN npm ci && rm /root/.npmrc
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.8.0, 4.10
    /// - [Build secrets](https://docs.docker.com/build/building/secrets/)
    pub static SECRET_FILE_COPIED = {
        code: "DF008",
        name: "secret-file-copied",
        severity: High,
        default_enabled: true,
        cis: ["4.10"],
        summary: "a secret file copied into the image",
        fixable: false,
    }
}

pub struct SecretFileCopied;

/// Whether a path names a file that usually holds a credential.
pub(crate) fn secret_file(path: &str) -> Option<&'static str> {
    let p = path.trim_end_matches('/').to_ascii_lowercase();
    let base = p.rsplit('/').next().unwrap_or(&p);
    // `COPY .env* ./` and `COPY id_rsa* ...` copy the file the glob starts with.
    let glob_prefix = base
        .strip_suffix('*')
        .filter(|b| !b.is_empty() && !b.contains(['*', '?', '[']));
    if let Some(kind) = glob_prefix.and_then(secret_file) {
        return Some(kind);
    }
    if base.ends_with(".pub")
        || base.ends_with(".example")
        || base.ends_with(".sample")
        || base.ends_with(".template")
        || base.ends_with(".dist")
    {
        return None;
    }
    let exact: [(&str, &str); 14] = [
        ("id_rsa", "SSH private key"),
        ("id_dsa", "SSH private key"),
        ("id_ecdsa", "SSH private key"),
        ("id_ed25519", "SSH private key"),
        (".env", "environment file"),
        (".npmrc", "npm credentials"),
        (".pypirc", "PyPI credentials"),
        (".netrc", "netrc credentials"),
        (".git-credentials", "git credentials"),
        ("credentials.json", "service credentials"),
        (".htpasswd", "password file"),
        (".dockercfg", "registry credentials"),
        ("kubeconfig", "Kubernetes credentials"),
        (".pgpass", "PostgreSQL password file"),
    ];
    if let Some((_, kind)) = exact.iter().find(|(n, _)| *n == base) {
        return Some(kind);
    }
    if base.starts_with(".env.") && !base.ends_with(".example") {
        return Some("environment file");
    }
    if p.ends_with(".docker/config.json") {
        return Some("registry credentials");
    }
    if p.ends_with(".aws/credentials") {
        return Some("AWS credentials");
    }
    if p.ends_with(".kube/config") {
        return Some("Kubernetes credentials");
    }
    if base.starts_with("service-account") && base.ends_with(".json")
        || base.starts_with("serviceaccount") && base.ends_with(".json")
    {
        return Some("service account key");
    }
    // Key material is told apart from public files by the words of the name:
    // `privkey.pem` is a key, `ca-bundle.pem` a certificate, `repo.gpg.key` a
    // public signing key, `truststore.jks` public CA certificates.
    let words: Vec<&str> = base
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |list: &[&str]| words.iter().any(|w| list.contains(w));
    let named_private = has(&["private", "privkey", "priv", "secret"]);
    let keyish = named_private || has(&["key"]);
    let public = has(&["pub", "public", "gpg", "pgp", "asc", "armor", "keyring"]);
    let certificate = has(&[
        "ca",
        "cacert",
        "cacerts",
        "cert",
        "certs",
        "certificate",
        "chain",
        "fullchain",
        "bundle",
        "root",
        "intermediate",
        "trust",
        "truststore",
    ]);
    let ext_in = |exts: &[&str]| exts.iter().any(|e| base.ends_with(e));
    if public && !named_private && ext_in(&[".key", ".pem"]) {
        return None;
    }
    if certificate && !keyish && ext_in(&[".pem", ".jks", ".p12", ".pfx", ".keystore"]) {
        return None;
    }
    for (ext, kind) in [
        (".key", "private key"),
        (".pem", "PEM key or certificate"),
        (".p12", "PKCS#12 keystore"),
        (".pfx", "PKCS#12 keystore"),
        (".jks", "Java keystore"),
        (".keystore", "keystore"),
        (".kdbx", "password database"),
        (".ppk", "PuTTY private key"),
    ] {
        if base.ends_with(ext) && base.len() > ext.len() {
            return Some(kind);
        }
    }
    None
}

impl DockerfileRule for SecretFileCopied {
    fn info(&self) -> &'static RuleInfo {
        &SECRET_FILE_COPIED
    }

    fn check_instruction(&self, cx: &InstCtx, sink: &mut Sink) {
        if !matches!(cx.inst.keyword, Keyword::Copy | Keyword::Add)
            || cx.inst.flag("from").is_some()
        {
            return;
        }
        let Args::Paths { sources, dest } = &cx.inst.args else {
            return;
        };
        // `COPY signing.key /etc/keys/vendor.pub`: the destination says it is a
        // public key.
        let public_dest = dest.as_ref().is_some_and(|d| {
            let d = cx.scope.expand(&d.text).value.to_ascii_lowercase();
            d.ends_with(".pub") || d.contains("public") || d.contains("pubkey")
        });
        if public_dest {
            return;
        }
        for s in sources {
            if s.text.starts_with("<<") || s.text.contains("://") {
                continue;
            }
            let v = cx.scope.expand(&s.text).value;
            if let Some(kind) = secret_file(&v) {
                sink.report(
                    &SECRET_FILE_COPIED,
                    s.span,
                    format!("{kind} `{v}` is copied into the image"),
                )
                .set_help(
                    "mount it only for the step that needs it: `RUN --mount=type=secret,...`",
                );
            }
        }
    }
}
