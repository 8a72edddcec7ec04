//! Reaching the engine the way the Docker CLI does: `--host`, `--context`,
//! `DOCKER_HOST` (with `DOCKER_TLS_VERIFY` / `DOCKER_CERT_PATH`),
//! `DOCKER_CONTEXT`, the CLI config's `currentContext`, then the default socket
//! (<https://docs.docker.com/engine/manage-resources/contexts/>,
//! <https://docs.docker.com/reference/cli/docker/#environment-variables>).
//!
//! [`Engine::get`] is the only raw request this crate makes, and it is a GET:
//! the audit is read-only by construction.

use crate::snapshot::Endpoint;
use crate::transport::{Connector, Target};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::io::Read as _;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio_rustls::rustls;

/// Default socket of the Docker CLI on Linux.
pub const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";

/// Largest response body accepted from the engine. The engine's answers are
/// hostile input; a list of 10,000 containers is about 20 MB.
pub const MAX_RESPONSE_BYTES: usize = 64 << 20;

/// Largest Docker CLI file read (config.json, meta.json, PEM files).
const MAX_CLI_FILE_BYTES: u64 = 1 << 20;

/// How to find the engine. `environment` is the process environment (passed in,
/// so that tests need not change the real one); the keys read are
/// `DOCKER_HOST`, `DOCKER_TLS_VERIFY`, `DOCKER_CERT_PATH`, `DOCKER_CONTEXT`,
/// `DOCKER_CONFIG`, `HOME`, and `PATH` (to find `ssh`).
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// `--host`.
    pub host: Option<String>,
    /// `--context`.
    pub context: Option<String>,
    pub environment: BTreeMap<String, String>,
    /// Per request, connection included.
    pub timeout: Duration,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            host: None,
            context: None,
            environment: BTreeMap::new(),
            timeout: Duration::from_secs(30),
        }
    }
}

impl ConnectOptions {
    /// Options from this process's environment, without flags.
    pub fn from_env() -> Self {
        ConnectOptions {
            environment: std::env::vars().collect(),
            ..ConnectOptions::default()
        }
    }

    fn env(&self, key: &str) -> Option<&str> {
        self.environment
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// Where the endpoint came from, for messages ("from DOCKER_HOST").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `--host`.
    HostFlag,
    /// `--context NAME`.
    ContextFlag(String),
    /// `DOCKER_HOST`.
    DockerHost,
    /// `DOCKER_CONTEXT=NAME`.
    DockerContext(String),
    /// `currentContext` in the Docker CLI config file.
    CurrentContext { name: String, config: PathBuf },
    /// Nothing was configured: the default socket.
    Default,
}

impl Origin {
    /// The Docker context the endpoint was read from, if any.
    pub fn context(&self) -> Option<&str> {
        match self {
            Origin::ContextFlag(n) | Origin::DockerContext(n) => Some(n),
            Origin::CurrentContext { name, .. } => Some(name),
            _ => None,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::HostFlag => write!(f, "--host"),
            Origin::ContextFlag(n) => write!(f, "context `{n}` (--context)"),
            Origin::DockerHost => write!(f, "DOCKER_HOST"),
            Origin::DockerContext(n) => write!(f, "context `{n}` (DOCKER_CONTEXT)"),
            Origin::CurrentContext { name, config } => {
                write!(
                    f,
                    "context `{name}` (currentContext in {})",
                    config.display()
                )
            }
            Origin::Default => write!(f, "the default"),
        }
    }
}

/// TLS material for a `tcp://` endpoint. Files that do not exist are `None`
/// (as the Docker CLI drops them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsFiles {
    pub ca: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    /// Where the files were looked for (for messages).
    pub dir: PathBuf,
}

/// A resolved endpoint, before any connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointConfig {
    /// Normalised: `unix:///path`, `tcp://host:port`, `ssh://[user@]host[:port]`.
    pub host: String,
    pub origin: Origin,
    /// `Some` for `tcp://` with TLS (DOCKER_TLS_VERIFY, or a context with TLS
    /// material).
    pub tls: Option<TlsFiles>,
}

/// Why no engine could be reached. Every variant names the endpoint or the
/// context and where it came from.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("--host and --context cannot be used together")]
    HostAndContext,
    #[error("Docker context `{name}` (from {origin}) does not exist: no {}", meta.display())]
    ContextNotFound {
        name: String,
        origin: Origin,
        meta: PathBuf,
    },
    #[error("cannot read Docker context `{name}` (from {origin}) in {}: {reason}", path.display())]
    ContextInvalid {
        name: String,
        origin: Origin,
        path: PathBuf,
        reason: String,
    },
    #[error("cannot read the Docker CLI config {}: {reason}", path.display())]
    Config { path: PathBuf, reason: String },
    #[error("invalid engine address `{host}` (from {origin}): {reason}")]
    InvalidHost {
        host: String,
        origin: Origin,
        reason: String,
    },
    #[error("engine address `{host}` (from {origin}) is not supported: {reason}")]
    Unsupported {
        host: String,
        origin: Origin,
        reason: String,
    },
    #[error("TLS for {host} (from {origin}): {reason}")]
    Tls {
        host: String,
        origin: Origin,
        reason: String,
    },
    #[error("cannot reach the Docker engine at {host} (from {origin}): {reason}")]
    Unreachable {
        host: String,
        origin: Origin,
        reason: String,
    },
}

/// A failed GET.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error("GET {path}: not found: {message}")]
    NotFound { path: String, message: String },
    #[error("GET {path}: the engine answered HTTP {status}: {message}")]
    Status {
        path: String,
        status: u16,
        message: String,
    },
    #[error("GET {path}: no answer within {}s", timeout.as_secs_f32())]
    Timeout { path: String, timeout: Duration },
    #[error("GET {path}: {reason}")]
    Transport { path: String, reason: String },
    #[error("GET {path}: the answer is larger than {limit} bytes")]
    TooLarge { path: String, limit: usize },
    #[error("GET {path}: the answer is not JSON: {source}")]
    Json {
        path: String,
        source: serde_json::Error,
    },
    #[error("GET {path}: not a valid request path")]
    InvalidPath { path: String },
}

impl RequestError {
    /// The object does not exist (any more).
    pub fn is_not_found(&self) -> bool {
        matches!(self, RequestError::NotFound { .. })
    }

    /// The engine answered (an HTTP status), as opposed to a broken connection.
    pub fn is_engine_answer(&self) -> bool {
        matches!(
            self,
            RequestError::NotFound { .. }
                | RequestError::Status { .. }
                | RequestError::TooLarge { .. }
                | RequestError::Json { .. }
        )
    }
}

/// A connected engine: raw read-only GETs for the audit, and bollard's typed
/// client on the same connection for callers that need more.
pub struct Engine {
    endpoint: Endpoint,
    origin: Origin,
    /// `1.41`: the engine's own API version, used as the path prefix so that
    /// documents come in the engine's richest form.
    api_version: Option<String>,
    http: Http,
    docker: bollard::Docker,
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("endpoint", &self.endpoint)
            .field("origin", &self.origin)
            .field("api_version", &self.api_version)
            .finish_non_exhaustive()
    }
}

impl Engine {
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The engine's API version (`1.41`), from `GET /version`.
    pub fn api_version(&self) -> Option<&str> {
        self.api_version.as_deref()
    }

    /// bollard's typed client, connected the same way and speaking the
    /// engine's API version (at most bollard's own). What it sends is the
    /// caller's business: the audit never uses it.
    pub fn docker(&self) -> &bollard::Docker {
        &self.docker
    }

    pub fn timeout(&self) -> Duration {
        self.http.timeout
    }

    /// `GET /v{api}{path_and_query}` as raw JSON, the body bounded by
    /// [`MAX_RESPONSE_BYTES`] and the whole exchange by the timeout.
    pub async fn get(&self, path_and_query: &str) -> Result<Value, RequestError> {
        let body = self
            .http
            .get_bytes(path_and_query, self.api_version.as_deref())
            .await?;
        serde_json::from_slice(&body).map_err(|source| RequestError::Json {
            path: path_and_query.to_string(),
            source,
        })
    }
}

/// The pooled HTTP client and how to word its errors.
struct Http {
    client: Client<Connector, Empty<Bytes>>,
    timeout: Duration,
    /// TLS without a client certificate: the likely cause of a refused
    /// handshake, worth saying.
    tls_without_cert: bool,
}

impl Http {
    async fn get_bytes(&self, path: &str, api: Option<&str>) -> Result<Bytes, RequestError> {
        let (status, body) = self.exchange(path, api).await?;
        if status == 200 {
            return Ok(body);
        }
        let message = error_message(&body);
        Err(if status == 404 {
            RequestError::NotFound {
                path: path.to_string(),
                message,
            }
        } else {
            RequestError::Status {
                path: path.to_string(),
                status,
                message,
            }
        })
    }

    async fn exchange(&self, path: &str, api: Option<&str>) -> Result<(u16, Bytes), RequestError> {
        if !path.starts_with('/') || path.contains(['#', ' ', '\r', '\n']) {
            return Err(RequestError::InvalidPath {
                path: path.to_string(),
            });
        }
        let uri = match api {
            Some(v) => format!("http://docker/v{v}{path}"),
            None => format!("http://docker{path}"),
        };
        let request = http::Request::get(uri)
            .header(http::header::USER_AGENT, USER_AGENT)
            .body(Empty::<Bytes>::new())
            .map_err(|_| RequestError::InvalidPath {
                path: path.to_string(),
            })?;
        let work = async {
            let response =
                self.client
                    .request(request)
                    .await
                    .map_err(|e| RequestError::Transport {
                        path: path.to_string(),
                        reason: self.explain(&e),
                    })?;
            let status = response.status().as_u16();
            let body = Limited::new(response.into_body(), MAX_RESPONSE_BYTES)
                .collect()
                .await
                .map_err(|e| {
                    if e.is::<http_body_util::LengthLimitError>() {
                        RequestError::TooLarge {
                            path: path.to_string(),
                            limit: MAX_RESPONSE_BYTES,
                        }
                    } else {
                        RequestError::Transport {
                            path: path.to_string(),
                            reason: self.explain(e.as_ref()),
                        }
                    }
                })?
                .to_bytes();
            Ok((status, body))
        };
        match tokio::time::timeout(self.timeout, work).await {
            Ok(result) => result,
            Err(_) => Err(RequestError::Timeout {
                path: path.to_string(),
                timeout: self.timeout,
            }),
        }
    }

    /// The error chain in one line, with a hint where TLS without a client
    /// certificate is the likely cause.
    fn explain(&self, e: &(dyn std::error::Error + 'static)) -> String {
        let text = chain(e);
        if text.contains("invalid peer certificate") {
            return format!("{text} (the engine's certificate is not signed by the CA in ca.pem)");
        }
        if self.tls_without_cert {
            let lower = text.to_ascii_lowercase();
            if lower.contains("certificate") || lower.contains("closed") || lower.contains("alert")
            {
                return format!(
                    "{text} (no client certificate was sent: cert.pem and key.pem are missing)"
                );
            }
        }
        text
    }
}

const USER_AGENT: &str = concat!("hullguard/", env!("CARGO_PKG_VERSION"));

/// `{"message": "..."}` of an engine error, or the start of the body.
fn error_message(body: &[u8]) -> String {
    if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
        if let Some(Value::String(m)) = map.get("message") {
            return truncate(m, 500);
        }
    }
    truncate(String::from_utf8_lossy(body).trim(), 500)
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// `a: b: c` from an error and its sources, without repeating a message that
/// a wrapper already includes.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = next {
        let text = err.to_string();
        // hyper-util's wrappers say nothing the cause does not.
        let noise = text.starts_with("client error (")
            || text == "operation was canceled"
            || parts.iter().any(|p| p.contains(&text));
        if !noise {
            parts.push(text);
        }
        next = err.source();
    }
    if parts.is_empty() {
        return e.to_string();
    }
    parts.join(": ")
}

/// Which endpoint the options select, without connecting.
pub fn resolve_endpoint(opts: &ConnectOptions) -> Result<EndpointConfig, ConnectError> {
    if let Some(host) = opts.host.as_deref().filter(|h| !h.is_empty()) {
        // The Docker CLI refuses both flags rather than pick one.
        if opts.context.as_deref().is_some_and(|c| !c.is_empty()) {
            return Err(ConnectError::HostAndContext);
        }
        return from_environment_tls(opts, host, Origin::HostFlag);
    }
    let (name, origin) = if let Some(name) = opts.context.as_deref().filter(|c| !c.is_empty()) {
        (name.to_string(), Origin::ContextFlag(name.to_string()))
    } else if let Some(host) = opts.env("DOCKER_HOST") {
        return from_environment_tls(opts, host, Origin::DockerHost);
    } else if let Some(name) = opts.env("DOCKER_CONTEXT") {
        (name.to_string(), Origin::DockerContext(name.to_string()))
    } else if let Some((name, config)) = current_context(opts)? {
        (name.clone(), Origin::CurrentContext { name, config })
    } else {
        return from_environment_tls(opts, DEFAULT_HOST, Origin::Default);
    };
    if name == "default" {
        // The built-in context: DOCKER_HOST or the default socket.
        return match opts.env("DOCKER_HOST") {
            Some(host) => from_environment_tls(opts, host, Origin::DockerHost),
            None => from_environment_tls(opts, DEFAULT_HOST, Origin::Default),
        };
    }
    from_context(opts, &name, origin)
}

/// `$DOCKER_CONFIG`, else `$HOME/.docker`.
fn config_dir(opts: &ConnectOptions) -> Option<PathBuf> {
    if let Some(dir) = opts.env("DOCKER_CONFIG") {
        return Some(PathBuf::from(dir));
    }
    opts.env("HOME").map(|h| Path::new(h).join(".docker"))
}

fn current_context(opts: &ConnectOptions) -> Result<Option<(String, PathBuf)>, ConnectError> {
    let Some(dir) = config_dir(opts) else {
        return Ok(None);
    };
    let path = dir.join("config.json");
    let text = match read_small(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(ConnectError::Config {
                path,
                reason: e.to_string(),
            })
        }
    };
    let value: Value = serde_json::from_str(&text).map_err(|e| ConnectError::Config {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    Ok(value
        .get("currentContext")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(|s| (s.to_string(), path)))
}

/// The context store names a context's directory by the SHA-256 of its name
/// (docker/cli `store.contextdirOf`).
fn context_digest(name: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, name.as_bytes());
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

fn from_context(
    opts: &ConnectOptions,
    name: &str,
    origin: Origin,
) -> Result<EndpointConfig, ConnectError> {
    let Some(dir) = config_dir(opts) else {
        return Err(ConnectError::ContextInvalid {
            name: name.to_string(),
            origin,
            path: PathBuf::from("~/.docker"),
            reason: "neither DOCKER_CONFIG nor HOME is set".into(),
        });
    };
    let digest = context_digest(name);
    let meta = dir.join("contexts/meta").join(&digest).join("meta.json");
    let invalid = |path: &Path, reason: String| ConnectError::ContextInvalid {
        name: name.to_string(),
        origin: origin.clone(),
        path: path.to_path_buf(),
        reason,
    };
    let text = match read_small(&meta) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ConnectError::ContextNotFound {
                name: name.to_string(),
                origin,
                meta,
            })
        }
        Err(e) => return Err(invalid(&meta, e.to_string())),
    };
    let value: Value = serde_json::from_str(&text).map_err(|e| invalid(&meta, e.to_string()))?;
    let endpoint = value.pointer("/Endpoints/docker");
    let Some(host) = endpoint
        .and_then(|e| e.get("Host"))
        .and_then(Value::as_str)
        .filter(|h| !h.is_empty())
    else {
        return Err(invalid(&meta, "no Endpoints.docker.Host".into()));
    };
    if endpoint
        .and_then(|e| e.get("SkipTLSVerify"))
        .and_then(Value::as_bool)
        .unwrap_or(false)
    {
        return Err(ConnectError::Unsupported {
            host: host.to_string(),
            origin,
            reason: "the context skips TLS verification (SkipTLSVerify); hullguard only \
                     connects to engines whose certificate it can verify"
                .into(),
        });
    }
    let tls_dir = dir.join("contexts/tls").join(&digest).join("docker");
    let files = tls_files(&tls_dir);
    let has_tls = files.ca.is_some() || files.cert.is_some() || files.key.is_some();
    let parsed = parse_host(host, &origin, has_tls)?;
    let tls = (has_tls && parsed.starts_with("tcp://")).then_some(files);
    Ok(EndpointConfig {
        host: parsed,
        origin,
        tls,
    })
}

fn tls_files(dir: &Path) -> TlsFiles {
    let existing = |name: &str| {
        let p = dir.join(name);
        p.is_file().then_some(p)
    };
    TlsFiles {
        ca: existing("ca.pem"),
        cert: existing("cert.pem"),
        key: existing("key.pem"),
        dir: dir.to_path_buf(),
    }
}

/// An address from a flag or `DOCKER_HOST`: TLS from `DOCKER_TLS_VERIFY`
/// (any non-empty value, as the Docker CLI reads it) with the files in
/// `DOCKER_CERT_PATH` (default: the config directory).
fn from_environment_tls(
    opts: &ConnectOptions,
    host: &str,
    origin: Origin,
) -> Result<EndpointConfig, ConnectError> {
    let verify = opts.env("DOCKER_TLS_VERIFY").is_some();
    let parsed = parse_host(host, &origin, verify)?;
    let tls = if verify && parsed.starts_with("tcp://") {
        let dir = opts
            .env("DOCKER_CERT_PATH")
            .map(PathBuf::from)
            .or_else(|| config_dir(opts))
            .unwrap_or_else(|| PathBuf::from(".docker"));
        Some(tls_files(&dir))
    } else {
        None
    };
    Ok(EndpointConfig {
        host: parsed,
        origin,
        tls,
    })
}

/// Normalise an engine address. Plain `host:port` is TCP, as in the CLI.
fn parse_host(host: &str, origin: &Origin, tls: bool) -> Result<String, ConnectError> {
    let host = host.trim();
    let invalid = |reason: &str| ConnectError::InvalidHost {
        host: host.to_string(),
        origin: origin.clone(),
        reason: reason.to_string(),
    };
    let (scheme, rest) = host.split_once("://").unwrap_or(("tcp", host));
    match scheme {
        "unix" => {
            if !rest.starts_with('/') {
                return Err(invalid("a unix socket needs an absolute path"));
            }
            Ok(format!("unix://{rest}"))
        }
        "tcp" | "http" => {
            let authority = rest.strip_suffix('/').unwrap_or(rest);
            if authority.contains('/') {
                return Err(ConnectError::Unsupported {
                    host: host.to_string(),
                    origin: origin.clone(),
                    reason: "a path after the address (an API behind a proxy path)".into(),
                });
            }
            let (name, port) = split_host_port(authority).ok_or_else(|| {
                invalid("expected tcp://HOST[:PORT] with a host name or IP address")
            })?;
            let port = port.unwrap_or(if tls { 2376 } else { 2375 });
            Ok(format!("tcp://{}:{port}", bracket(&name)))
        }
        "ssh" => {
            let (user, authority) = match rest.rsplit_once('@') {
                Some((u, a)) => (Some(u), a),
                None => (None, rest),
            };
            if let Some(u) = user {
                if u.is_empty()
                    || u.starts_with('-')
                    || !u
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
                {
                    return Err(invalid("the ssh user name has unexpected characters"));
                }
            }
            let authority = authority.strip_suffix('/').unwrap_or(authority);
            if authority.contains('/') {
                return Err(ConnectError::Unsupported {
                    host: host.to_string(),
                    origin: origin.clone(),
                    reason: "a path after the ssh address".into(),
                });
            }
            let (name, port) = split_host_port(authority)
                .ok_or_else(|| invalid("expected ssh://[USER@]HOST[:PORT]"))?;
            let mut out = String::from("ssh://");
            if let Some(u) = user {
                out.push_str(u);
                out.push('@');
            }
            out.push_str(&bracket(&name));
            if let Some(p) = port {
                out.push_str(&format!(":{p}"));
            }
            Ok(out)
        }
        // npipe:// (Windows), fd:// (systemd socket activation, daemon side
        // only), https:// and anything else.
        _ => Err(ConnectError::Unsupported {
            host: host.to_string(),
            origin: origin.clone(),
            reason: "use unix://, tcp:// (with DOCKER_TLS_VERIFY for TLS) or ssh://".into(),
        }),
    }
}

fn bracket(name: &str) -> String {
    if name.contains(':') {
        format!("[{name}]")
    } else {
        name.to_string()
    }
}

/// `host`, `host:port`, `[v6]`, `[v6]:port`; the host must be a plausible DNS
/// name or IP address (it ends up on an ssh command line).
fn split_host_port(authority: &str) -> Option<(String, Option<u16>)> {
    let (name, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (name, after) = rest.split_once(']')?;
        name.parse::<std::net::Ipv6Addr>().ok()?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?.parse::<u16>().ok()?),
        };
        (name.to_string(), port)
    } else {
        match authority.split_once(':') {
            Some((n, p)) => (n.to_string(), Some(p.parse::<u16>().ok()?)),
            None => (authority.to_string(), None),
        }
    };
    let plausible = !name.is_empty()
        && !name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-_:".contains(c));
    plausible.then_some((name, port))
}

/// Read a small file of the Docker CLI (bounded: these are user files, and the
/// audit may run as root).
fn read_small(path: &Path) -> std::io::Result<String> {
    let file = std::fs::File::open(path)?;
    let mut text = String::new();
    file.take(MAX_CLI_FILE_BYTES + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > MAX_CLI_FILE_BYTES {
        return Err(std::io::Error::other(format!(
            "larger than {MAX_CLI_FILE_BYTES} bytes"
        )));
    }
    Ok(text)
}

fn read_small_bytes(path: &Path) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_CLI_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_CLI_FILE_BYTES {
        return Err(std::io::Error::other(format!(
            "larger than {MAX_CLI_FILE_BYTES} bytes"
        )));
    }
    Ok(bytes)
}

/// Connect to the engine the options select, and ping it.
pub async fn connect(opts: &ConnectOptions) -> Result<Engine, ConnectError> {
    let config = resolve_endpoint(opts)?;
    connect_to(opts, config).await
}

/// Connect to an already resolved endpoint, and ping it.
pub async fn connect_to(
    opts: &ConnectOptions,
    config: EndpointConfig,
) -> Result<Engine, ConnectError> {
    let timeout = if opts.timeout.is_zero() {
        ConnectOptions::default().timeout
    } else {
        opts.timeout
    };
    let EndpointConfig { host, origin, tls } = config;
    let unreachable = |reason: String| ConnectError::Unreachable {
        host: host.clone(),
        origin: origin.clone(),
        reason,
    };
    let mut client_cert = false;
    let (target, local) = if let Some(path) = host.strip_prefix("unix://") {
        let path = PathBuf::from(path);
        if !path.exists() {
            return Err(unreachable(format!("{} does not exist", path.display())));
        }
        (Target::Unix(path), true)
    } else if let Some(authority) = host.strip_prefix("tcp://") {
        let (name, port) = split_host_port(authority)
            .and_then(|(n, p)| Some((n, p?)))
            .ok_or_else(|| unreachable("invalid address".into()))?;
        let local = is_loopback(&name);
        match &tls {
            None => (Target::Tcp { host: name, port }, local),
            Some(files) => {
                let tls_error = |reason: String| ConnectError::Tls {
                    host: host.clone(),
                    origin: origin.clone(),
                    reason,
                };
                let (config, with_cert) = tls_config(files).map_err(tls_error)?;
                client_cert = with_cert;
                let server_name = match name.parse::<IpAddr>() {
                    Ok(ip) => rustls::pki_types::ServerName::IpAddress(ip.into()),
                    Err(_) => rustls::pki_types::ServerName::try_from(name.clone())
                        .map_err(|e| tls_error(format!("server name `{name}`: {e}")))?,
                };
                (
                    Target::Tls {
                        host: name,
                        port,
                        config: Arc::new(config),
                        server_name,
                    },
                    local,
                )
            }
        }
    } else if let Some(rest) = host.strip_prefix("ssh://") {
        (ssh_target(opts, rest, timeout, &host, &origin)?, false)
    } else {
        return Err(ConnectError::Unsupported {
            host: host.clone(),
            origin,
            reason: "unknown scheme".into(),
        });
    };

    let connector = Connector::new(target, timeout);
    let http = Http {
        client: Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(15))
            .build(connector.clone()),
        timeout,
        tls_without_cert: tls.is_some() && !client_cert,
    };
    let ping = match http.exchange("/_ping", None).await {
        Ok((200, _)) => Ok(()),
        Ok((status, body)) => Err(format!(
            "the ping was answered with HTTP {status}: {}",
            error_message(&body)
        )),
        Err(RequestError::Transport { reason, .. }) => Err(reason),
        Err(e) => Err(e.to_string()),
    };
    ping.map_err(unreachable)?;
    // Unversioned: every engine answers it, in its own version.
    let version = http
        .get_bytes("/version", None)
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    let version: Value = serde_json::from_slice(&version)
        .map_err(|e| unreachable(format!("GET /version is not JSON: {e}")))?;
    let api_version = version
        .get("ApiVersion")
        .and_then(Value::as_str)
        .and_then(valid_api_version);
    let docker = bollard_client(connector, timeout, api_version.as_deref())
        .map_err(|e| unreachable(format!("bollard: {e}")))?;
    Ok(Engine {
        endpoint: Endpoint {
            host: host.clone(),
            context: origin.context().map(str::to_string),
            tls: tls.is_some(),
            local,
        },
        origin: origin.clone(),
        api_version,
        http,
        docker,
    })
}

/// `1.41` → itself; anything else (the engine's answer is hostile input and
/// ends up in request paths) → `None`, and requests go unversioned.
fn valid_api_version(v: &str) -> Option<String> {
    let (major, minor) = v.split_once('.')?;
    let ok = |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    (ok(major) && ok(minor)).then(|| v.to_string())
}

fn is_loopback(name: &str) -> bool {
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

/// bollard on our connector, at the engine's API version (never above what
/// bollard knows).
fn bollard_client(
    connector: Connector,
    timeout: Duration,
    api: Option<&str>,
) -> Result<bollard::Docker, bollard::errors::Error> {
    let ours = api.and_then(|v| {
        let (a, b) = v.split_once('.')?;
        Some(bollard::ClientVersion {
            major_version: a.parse().ok()?,
            minor_version: b.parse().ok()?,
        })
    });
    let version = match ours {
        Some(v) if v < *bollard::API_DEFAULT_VERSION => v,
        _ => *bollard::API_DEFAULT_VERSION,
    };
    let client = Arc::new(
        Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(15))
            .build(connector),
    );
    let transport = move |request: bollard::BollardRequest| {
        let client = Arc::clone(&client);
        async move {
            client
                .request(request)
                .await
                .map_err(|e| bollard::errors::Error::IOError {
                    err: std::io::Error::other(chain(&e)),
                })
        }
    };
    bollard::Docker::connect_with_custom_transport(
        transport,
        Some("http://docker"),
        timeout.as_secs().max(1),
        &version,
    )
}

/// rustls client configuration from the Docker CLI's files: the CA is
/// required (no system roots: Docker engines use private CAs), the client
/// certificate is offered when both cert.pem and key.pem exist.
fn tls_config(files: &TlsFiles) -> Result<(rustls::ClientConfig, bool), String> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let Some(ca) = &files.ca else {
        return Err(format!(
            "no CA certificate: {} does not exist",
            files.dir.join("ca.pem").display()
        ));
    };
    let mut roots = rustls::RootCertStore::empty();
    let ca_bytes = read_small_bytes(ca).map_err(|e| format!("{}: {e}", ca.display()))?;
    let ca_certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&ca_bytes)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: not a PEM certificate: {e}", ca.display()))?;
    let (added, _ignored) = roots.add_parsable_certificates(ca_certs);
    if added == 0 {
        return Err(format!("{}: no usable CA certificate", ca.display()));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots);
    match (&files.cert, &files.key) {
        (Some(cert), Some(key)) => {
            let cert_bytes =
                read_small_bytes(cert).map_err(|e| format!("{}: {e}", cert.display()))?;
            let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&cert_bytes)
                .collect::<Result<_, _>>()
                .map_err(|e| format!("{}: not a PEM certificate: {e}", cert.display()))?;
            let key_bytes = read_small_bytes(key).map_err(|e| format!("{}: {e}", key.display()))?;
            let key_der = PrivateKeyDer::from_pem_slice(&key_bytes)
                .map_err(|e| format!("{}: not a PEM private key: {e}", key.display()))?;
            let config = builder
                .with_client_auth_cert(chain, key_der)
                .map_err(|e| format!("{} and {}: {e}", cert.display(), key.display()))?;
            Ok((config, true))
        }
        _ => Ok((builder.with_no_client_auth(), false)),
    }
}

/// `ssh [-l USER] [-p PORT] -- HOST docker system dial-stdio`, as the Docker
/// CLI's connection helper runs it; `ssh` from the given PATH.
fn ssh_target(
    opts: &ConnectOptions,
    rest: &str,
    timeout: Duration,
    host: &str,
    origin: &Origin,
) -> Result<Target, ConnectError> {
    let (user, authority) = match rest.rsplit_once('@') {
        Some((u, a)) => (Some(u), a),
        None => (None, rest),
    };
    let (name, port) = split_host_port(authority).ok_or_else(|| ConnectError::InvalidHost {
        host: host.to_string(),
        origin: origin.clone(),
        reason: "expected ssh://[USER@]HOST[:PORT]".into(),
    })?;
    let path = opts
        .env("PATH")
        .map(str::to_string)
        .or_else(|| std::env::var("PATH").ok())
        .unwrap_or_default();
    let program = std::env::split_paths(&path)
        .map(|d| d.join("ssh"))
        .find(|p| p.is_file())
        .ok_or_else(|| ConnectError::Unsupported {
            host: host.to_string(),
            origin: origin.clone(),
            reason: "ssh:// needs the `ssh` client on PATH".into(),
        })?;
    let mut args = vec![
        "-o".to_string(),
        format!("ConnectTimeout={}", timeout.as_secs().max(1)),
        "-T".to_string(),
    ];
    if let Some(u) = user {
        args.extend(["-l".to_string(), u.to_string()]);
    }
    if let Some(p) = port {
        args.extend(["-p".to_string(), p.to_string()]);
    }
    args.extend([
        "--".to_string(),
        name,
        "docker".to_string(),
        "system".to_string(),
        "dial-stdio".to_string(),
    ]);
    Ok(Target::Ssh { program, args })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn opts(env: &[(&str, &str)]) -> ConnectOptions {
        ConnectOptions {
            environment: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..ConnectOptions::default()
        }
    }

    fn write_context(config: &Path, name: &str, host: &str) {
        let dir = config.join("contexts/meta").join(context_digest(name));
        std::fs::create_dir_all(&dir).unwrap();
        let meta = serde_json::json!({
            "Name": name,
            "Metadata": {},
            "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": false}}
        });
        std::fs::write(dir.join("meta.json"), meta.to_string()).unwrap();
    }

    #[test]
    fn digest_matches_the_docker_cli_store() {
        // `docker context create foo` stores it under this directory.
        assert_eq!(
            context_digest("foo"),
            "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
        );
    }

    #[test]
    fn default_is_the_default_socket() {
        let e = resolve_endpoint(&opts(&[])).unwrap();
        assert_eq!(e.host, DEFAULT_HOST);
        assert_eq!(e.origin, Origin::Default);
        assert!(e.tls.is_none());
    }

    #[test]
    fn precedence_follows_the_docker_cli() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().to_str().unwrap();
        write_context(dir.path(), "cur", "unix:///cur.sock");
        write_context(dir.path(), "envctx", "unix:///envctx.sock");
        write_context(dir.path(), "flagctx", "tcp://10.0.0.1");
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"currentContext": "cur"}"#,
        )
        .unwrap();

        let mut o = opts(&[("DOCKER_CONFIG", cfg)]);
        let e = resolve_endpoint(&o).unwrap();
        assert_eq!(e.host, "unix:///cur.sock");
        assert!(matches!(e.origin, Origin::CurrentContext { ref name, .. } if name == "cur"));

        o.environment
            .insert("DOCKER_CONTEXT".into(), "envctx".into());
        let e = resolve_endpoint(&o).unwrap();
        assert_eq!(e.host, "unix:///envctx.sock");
        assert_eq!(e.origin, Origin::DockerContext("envctx".into()));

        o.environment
            .insert("DOCKER_HOST".into(), "unix:///env.sock".into());
        let e = resolve_endpoint(&o).unwrap();
        assert_eq!(e.host, "unix:///env.sock");
        assert_eq!(e.origin, Origin::DockerHost);

        o.context = Some("flagctx".into());
        let e = resolve_endpoint(&o).unwrap();
        assert_eq!(e.host, "tcp://10.0.0.1:2375");
        assert_eq!(e.origin, Origin::ContextFlag("flagctx".into()));

        o.context = None;
        o.host = Some("unix:///flag.sock".into());
        let e = resolve_endpoint(&o).unwrap();
        assert_eq!(e.host, "unix:///flag.sock");
        assert_eq!(e.origin, Origin::HostFlag);

        o.context = Some("flagctx".into());
        assert!(matches!(
            resolve_endpoint(&o),
            Err(ConnectError::HostAndContext)
        ));
    }

    #[test]
    fn the_default_context_is_docker_host_or_the_socket() {
        let o = ConnectOptions {
            context: Some("default".into()),
            ..opts(&[("DOCKER_HOST", "tcp://127.0.0.1:1")])
        };
        assert_eq!(resolve_endpoint(&o).unwrap().host, "tcp://127.0.0.1:1");
        let o = ConnectOptions {
            context: Some("default".into()),
            ..opts(&[])
        };
        assert_eq!(resolve_endpoint(&o).unwrap().host, DEFAULT_HOST);
    }

    #[test]
    fn a_missing_context_names_itself_and_its_origin() {
        let dir = tempfile::tempdir().unwrap();
        let o = opts(&[
            ("DOCKER_CONFIG", dir.path().to_str().unwrap()),
            ("DOCKER_CONTEXT", "nope"),
        ]);
        let msg = resolve_endpoint(&o).unwrap_err().to_string();
        assert!(msg.contains("`nope`"), "{msg}");
        assert!(msg.contains("DOCKER_CONTEXT"), "{msg}");
    }

    #[test]
    fn context_tls_material_turns_tls_on() {
        let dir = tempfile::tempdir().unwrap();
        write_context(dir.path(), "remote", "tcp://192.0.2.1");
        let tls = dir
            .path()
            .join("contexts/tls")
            .join(context_digest("remote"))
            .join("docker");
        std::fs::create_dir_all(&tls).unwrap();
        std::fs::write(tls.join("ca.pem"), "x").unwrap();
        let o = ConnectOptions {
            context: Some("remote".into()),
            ..opts(&[("DOCKER_CONFIG", dir.path().to_str().unwrap())])
        };
        let e = resolve_endpoint(&o).unwrap();
        assert_eq!(e.host, "tcp://192.0.2.1:2376");
        let files = e.tls.unwrap();
        assert_eq!(files.ca, Some(tls.join("ca.pem")));
        assert_eq!(files.cert, None);
    }

    #[test]
    fn skip_tls_verify_contexts_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let meta = dir.path().join("contexts/meta").join(context_digest("lax"));
        std::fs::create_dir_all(&meta).unwrap();
        std::fs::write(
            meta.join("meta.json"),
            r#"{"Name":"lax","Endpoints":{"docker":{"Host":"tcp://h:2376","SkipTLSVerify":true}}}"#,
        )
        .unwrap();
        let o = ConnectOptions {
            context: Some("lax".into()),
            ..opts(&[("DOCKER_CONFIG", dir.path().to_str().unwrap())])
        };
        let msg = resolve_endpoint(&o).unwrap_err().to_string();
        assert!(msg.contains("SkipTLSVerify"), "{msg}");
    }

    #[test]
    fn docker_tls_verify_selects_tls_and_port_2376() {
        let o = opts(&[
            ("DOCKER_HOST", "tcp://example.com"),
            ("DOCKER_TLS_VERIFY", "1"),
            ("DOCKER_CERT_PATH", "/nonexistent/certs"),
        ]);
        let e = resolve_endpoint(&o).unwrap();
        assert_eq!(e.host, "tcp://example.com:2376");
        assert_eq!(e.tls.unwrap().dir, PathBuf::from("/nonexistent/certs"));
    }

    #[test]
    fn addresses_are_normalised_or_refused() {
        let o = Origin::HostFlag;
        assert_eq!(
            parse_host("tcp://[::1]:2375", &o, false).unwrap(),
            "tcp://[::1]:2375"
        );
        assert_eq!(
            parse_host("localhost:1234", &o, false).unwrap(),
            "tcp://localhost:1234"
        );
        assert_eq!(
            parse_host("ssh://me@host.example:2222", &o, false).unwrap(),
            "ssh://me@host.example:2222"
        );
        for bad in [
            "unix://relative.sock",
            "tcp://host:notaport",
            "ssh://-oProxyCommand=x",
            "ssh://user@-host",
            "tcp://",
        ] {
            assert!(parse_host(bad, &o, false).is_err(), "{bad}");
        }
        let msg = parse_host("npipe:////./pipe/docker_engine", &o, false)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("not supported"), "{msg}");
    }

    #[test]
    fn api_versions_from_the_engine_are_validated() {
        assert_eq!(valid_api_version("1.41").as_deref(), Some("1.41"));
        assert_eq!(valid_api_version("1.41/../x"), None);
        assert_eq!(valid_api_version(""), None);
    }

    #[tokio::test]
    async fn a_missing_socket_is_named_with_its_origin() {
        let o = ConnectOptions {
            host: Some("unix:///nonexistent/hullguard.sock".into()),
            ..opts(&[])
        };
        let msg = connect(&o).await.unwrap_err().to_string();
        assert!(msg.contains("unix:///nonexistent/hullguard.sock"), "{msg}");
        assert!(msg.contains("--host"), "{msg}");
    }
}
