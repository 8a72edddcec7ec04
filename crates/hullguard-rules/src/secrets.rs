//! What a secret looks like: names of variables that hold one, and value formats
//! (private keys, cloud and VCS tokens, credentials in URLs, high-entropy strings).
//! Shared by the Dockerfile rules and, later, the container environment rules.

use regex::Regex;
use std::sync::OnceLock;

/// A secret found in a text: byte range and what kind it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretMatch {
    pub start: usize,
    pub end: usize,
    pub kind: &'static str,
}

struct Pattern {
    kind: &'static str,
    re: Regex,
}

fn patterns() -> &'static [Pattern] {
    static P: OnceLock<Vec<Pattern>> = OnceLock::new();
    P.get_or_init(|| {
        let table: [(&str, &str); 20] = [
            ("private key", r"-----BEGIN (?:RSA |DSA |EC |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----"),
            ("AWS access key ID", r"\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b"),
            ("GitHub token", r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}\b"),
            ("GitHub fine-grained token", r"\bgithub_pat_[A-Za-z0-9_]{60,255}\b"),
            ("GitLab token", r"\bglpat-[A-Za-z0-9_\-]{20,}\b"),
            ("Slack token", r"\bxox[abposr]-[A-Za-z0-9\-]{10,}\b"),
            ("Slack webhook", r"https://hooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+"),
            ("Google API key", r"\bAIza[0-9A-Za-z_\-]{35}\b"),
            ("Stripe secret key", r"\b(?:sk|rk)_live_[0-9a-zA-Z]{24,}\b"),
            ("npm token", r"\bnpm_[A-Za-z0-9]{36}\b"),
            ("PyPI token", r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,}\b"),
            ("Docker Hub token", r"\bdckr_pat_[A-Za-z0-9_\-]{27,}\b"),
            ("SendGrid API key", r"\bSG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}\b"),
            ("OpenAI API key", r"\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_\-]{20,}T3BlbkFJ[A-Za-z0-9_\-]{20,}\b"),
            ("Anthropic API key", r"\bsk-ant-[A-Za-z0-9_\-]{32,}\b"),
            ("Azure storage key", r"AccountKey=[A-Za-z0-9+/]{86}=="),
            ("JSON web token", r"\beyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}"),
            ("Twilio API key", r"\bSK[0-9a-f]{32}\b"),
            ("Hugging Face token", r"\bhf_[A-Za-z0-9]{34,}\b"),
            ("Shopify token", r"\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b"),
        ];
        table
            .iter()
            .filter_map(|(kind, re)| Regex::new(re).ok().map(|re| Pattern { kind, re }))
            .collect()
    })
}

fn url_credentials() -> &'static Regex {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r"\b[a-zA-Z][a-zA-Z0-9+.\-]{1,20}://([^/\s:@'\x22]+):([^/\s@'\x22]+)@[^\s/'\x22]+",
        )
        .ok()
    })
    .as_ref()
    .unwrap_or_else(|| unreachable_regex())
}

/// A regex that never matches; used only if a constant pattern failed to compile
/// (a bug caught by the tests, never a panic in production).
fn unreachable_regex() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"[^\s\S]")
            .unwrap_or_else(|_| Regex::new("$^").unwrap_or_else(|_| unreachable!()))
    })
}

/// Finds secret values in `text`: token formats, private keys, credentials in
/// URLs (unless the password is a variable reference or a placeholder), and
/// matches of `extra` patterns.
pub fn find_secrets(text: &str, extra: &[Regex]) -> Vec<SecretMatch> {
    let mut out = Vec::new();
    for p in patterns() {
        for m in p.re.find_iter(text) {
            out.push(SecretMatch {
                start: m.start(),
                end: m.end(),
                kind: p.kind,
            });
        }
    }
    for c in url_credentials().captures_iter(text) {
        let (Some(all), Some(pw)) = (c.get(0), c.get(2)) else {
            continue;
        };
        if is_placeholder(pw.as_str()) {
            continue;
        }
        out.push(SecretMatch {
            start: all.start(),
            end: all.end(),
            kind: "credentials in a URL",
        });
    }
    for re in extra {
        for m in re.find_iter(text) {
            if m.start() < m.end() {
                out.push(SecretMatch {
                    start: m.start(),
                    end: m.end(),
                    kind: "configured secret pattern",
                });
            }
        }
    }
    out.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    // Drop matches nested in an earlier one.
    let mut last_end = 0;
    out.retain(|m| {
        let keep = m.start >= last_end;
        if keep {
            last_end = m.end;
        }
        keep
    });
    out
}

/// A value that is not a literal secret: a variable reference, a shell
/// substitution, empty, or an obvious placeholder.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim().trim_matches(['"', '\'']);
    if v.is_empty() || v.contains('$') || v.starts_with('<') || v.starts_with('{') {
        return true;
    }
    let l = v.to_ascii_lowercase();
    matches!(
        l.as_str(),
        "true"
            | "false"
            | "yes"
            | "no"
            | "none"
            | "null"
            | "nil"
            | "0"
            | "1"
            | "on"
            | "off"
            | "x"
            | "xxx"
            | "xxxx"
            | "***"
            | "****"
            | "redacted"
            | "placeholder"
            | "dummy"
            | "example"
            | "unset"
            | "undefined"
            | "empty"
            | "required"
            | "optional"
            | "disabled"
            | "enabled"
    ) || l.starts_with("/run/secrets/")
        || l.starts_with("file:")
        || (l.starts_with('/') && !l.contains(' '))
        || is_file_name(&l)
        || is_repeated_char(&l)
}

/// `00000000`, `xxxxxxxx`, `********`: a filler, not a secret.
fn is_repeated_char(v: &str) -> bool {
    let mut chars = v.chars();
    match chars.next() {
        Some(first) => v.len() >= 4 && chars.all(|c| c == first),
        None => false,
    }
}

/// A bare file name (`reset-password.sh`, `db.key`): the value names where a
/// secret is, not the secret itself.
fn is_file_name(v: &str) -> bool {
    const EXTENSIONS: [&str; 18] = [
        "sh",
        "py",
        "rb",
        "js",
        "txt",
        "json",
        "yaml",
        "yml",
        "conf",
        "cfg",
        "ini",
        "xml",
        "properties",
        "key",
        "pem",
        "crt",
        "env",
        "toml",
    ];
    match v.rsplit_once('.') {
        Some((stem, ext)) => {
            !stem.is_empty()
                && EXTENSIONS.contains(&ext)
                && stem
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-./".contains(c))
        }
        None => false,
    }
}

/// A public key identifier: a 16- or 40-hex-digit key ID or fingerprint,
/// optionally `0x`-prefixed or grouped with spaces (as in `SWIFT_SIGNING_KEY`,
/// `NODE_KEYS`). Such values are public; they select which key verifies a
/// download.
pub fn is_key_fingerprint(value: &str) -> bool {
    let v = value.trim().trim_matches(['"', '\'']);
    let v = v
        .strip_prefix("0x")
        .or_else(|| v.strip_prefix("0X"))
        .unwrap_or(v);
    let hex: String = v.chars().filter(|c| !c.is_whitespace()).collect();
    (hex.len() == 16 || hex.len() == 40) && hex.chars().all(|c| c.is_ascii_hexdigit())
}

/// Whether a variable name says it holds a secret, with care for well-known
/// non-secrets (`GPG_KEY` fingerprints, `PASSWORD_MIN_LENGTH`, `*_FILE` paths ...).
pub fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    let parts: Vec<&str> = n
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        return false;
    }
    // Settings about a secret rather than the secret: `PASSWORD_MIN_LENGTH`,
    // `POSTGRES_HOST_AUTH_METHOD`, `TOKEN_EXPIRY_SECONDS`, `API_KEY_HEADER` ...
    const NOT_SECRET_SUFFIX: &[&str] = &[
        "FILE",
        "PATH",
        "DIR",
        "LENGTH",
        "LEN",
        "MIN",
        "MAX",
        "POLICY",
        "ENABLED",
        "DISABLED",
        "HOST",
        "PORT",
        "USER",
        "USERNAME",
        "NAME",
        "ID",
        "VERSION",
        "SHA",
        "SHA256",
        "SHA512",
        "CHECKSUM",
        "HASH",
        "URL",
        "URI",
        "TYPE",
        "MODE",
        "TTL",
        "TIMEOUT",
        "EXPIRY",
        "ALGORITHM",
        "METHOD",
        "ENDPOINT",
        "HEADER",
        "PREFIX",
        "SECONDS",
        "LIFETIME",
        "EXPIRATION",
        "REALM",
        "ROLE",
        "ROLES",
        "PROVIDER",
        "BACKEND",
        "SCHEME",
        "STRATEGY",
        "SCOPE",
        "SCOPES",
        "AUDIENCE",
        "ISSUER",
        "REQUIRED",
        "LEVEL",
    ];
    const NOT_SECRET_EXACT: [&str; 12] = [
        "GPG_KEY",
        "GPG_KEYS",
        "PGP_KEY",
        "PGP_KEYS",
        "KEY_SERVER",
        "KEYSERVER",
        "GPG_KEYSERVER",
        "SIGNING_KEY_FINGERPRINT",
        "AUTH_METHOD",
        "AUTH_PROVIDER",
        "TOKEN_ENDPOINT",
        "SECRET_KEY_BASE_DUMMY",
    ];
    if NOT_SECRET_EXACT.contains(&n.as_str()) {
        return false;
    }
    let last = parts[parts.len() - 1];
    if NOT_SECRET_SUFFIX.contains(&last)
        || last.ends_with("FINGERPRINT")
        || last.ends_with("KEYRING")
    {
        return false;
    }
    if parts
        .iter()
        .any(|p| *p == "GPG" || *p == "PGP" || *p == "PUBLIC" || *p == "PUB")
    {
        return false;
    }
    let joined = parts.join("_");
    const SECRET_WORDS: [&str; 14] = [
        "PASSWORD",
        "PASSWD",
        "PASS",
        "PWD",
        "SECRET",
        "TOKEN",
        "APIKEY",
        "PRIVATEKEY",
        "CREDENTIALS",
        "CREDENTIAL",
        "CREDS",
        "AUTH",
        "PASSPHRASE",
        "ACCESSKEY",
    ];
    if parts.iter().any(|p| SECRET_WORDS.contains(p)) {
        // `PWD` alone is the working directory.
        return !(parts == ["PWD"] || parts == ["OLDPWD"]);
    }
    // Words run together: `PGPASSWORD`, `NGROK_AUTHTOKEN`, `CLIENTSECRET`.
    const SECRET_ENDINGS: [&str; 5] = ["PASSWORD", "PASSWD", "TOKEN", "SECRET", "APIKEY"];
    if parts.iter().any(|p| {
        SECRET_ENDINGS
            .iter()
            .any(|e| p.len() > e.len() && p.ends_with(e))
    }) {
        return true;
    }
    const SECRET_PHRASES: [&str; 8] = [
        "API_KEY",
        "PRIVATE_KEY",
        "ACCESS_KEY",
        "SECRET_KEY",
        "CLIENT_SECRET",
        "ENCRYPTION_KEY",
        "MASTER_KEY",
        "SIGNING_KEY",
    ];
    SECRET_PHRASES.iter().any(|p| joined.contains(p))
}

/// Shannon entropy in bits per character.
pub fn entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut n = 0u32;
    for b in s.bytes() {
        counts[b as usize] += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    let n = f64::from(n);
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|c| {
            let p = f64::from(*c) / n;
            -p * p.log2()
        })
        .sum()
}

/// A long random-looking token (for values of secret-named variables and
/// password flags).
pub fn looks_random(s: &str) -> bool {
    let s = s.trim_matches(['"', '\'']);
    s.len() >= 16
        && !s.contains(char::is_whitespace)
        && entropy(s) >= 3.5
        && s.chars().any(|c| c.is_ascii_digit())
        && s.chars().any(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for n in [
            "DB_PASSWORD",
            "api_key",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "NPM_AUTH_TOKEN",
            "SECRET",
            "MYSQL_ROOT_PASSWORD",
            "client-secret",
            "PGPASSWORD",
            "NGROK_AUTHTOKEN",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in [
            "GPG_KEY",
            "PASSWORD_MIN_LENGTH",
            "DB_PASSWORD_FILE",
            "TOKEN_URL",
            "PWD",
            "PATH",
            "KEYCLOAK_VERSION",
            "NODE_VERSION",
            "AWS_ACCESS_KEY_ID",
            "SECRET_PATH",
            "PUBLIC_KEY",
            "HOST",
            "POSTGRES_HOST_AUTH_METHOD",
            "JWT_TOKEN_LIFETIME",
        ] {
            assert!(!is_secret_name(n), "{n}");
        }
    }

    #[test]
    fn values() {
        let t = "x AKIAIOSFODNN7EXAMPLE y ghp_0123456789abcdefghijABCDEFGHIJ012345 https://bob:hunter2@example.com/x";
        let m = find_secrets(t, &[]);
        let kinds: Vec<_> = m.iter().map(|m| m.kind).collect();
        assert_eq!(
            kinds,
            ["AWS access key ID", "GitHub token", "credentials in a URL"]
        );
        assert!(find_secrets("https://user:${PASS}@example.com", &[]).is_empty());
        assert!(find_secrets("-----BEGIN PUBLIC KEY-----", &[]).is_empty());
        assert_eq!(
            find_secrets("-----BEGIN OPENSSH PRIVATE KEY-----", &[]).len(),
            1
        );
        assert!(looks_random("aZ3kP9qL2mN8xV4tR7"));
        assert!(!looks_random("password"));
        assert!(unreachable_regex().find("anything").is_none());
    }
}
