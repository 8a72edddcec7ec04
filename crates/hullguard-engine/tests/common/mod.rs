//! Test harness for tests against a real Docker engine (copy or `#[path]`-include
//! it from other crates' tests).
//!
//! - [`TestEngine::get`]: the engine at `DOCKER_HOST` or `/var/run/docker.sock`
//!   when one answers; else, as root with `dockerd` installed, a private
//!   dockerd (data root, exec root and socket in a temporary directory) that
//!   stops when the test process ends; else `None` on a developer machine
//!   ("skipping: no engine"), and a panic under `CI=true`.
//! - [`PrivateDaemon::start`]: more private engines (a daemon.json, a TCP
//!   listener with TLS ...), stopped on drop.
//! - [`import_busybox`]: a tiny image from the host's static busybox (no
//!   registry is reachable).
//! - [`Containers`]: containers labelled `hullguard-test=<run id>`, removed by
//!   [`Containers::cleanup`] or on drop.
//!
//! Tests never assume an empty engine and remove what they create.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use bollard::models::{ContainerCreateBody, HostConfig};
use bollard::query_parameters::{
    CreateContainerOptions, CreateImageOptions, RemoveContainerOptions, StartContainerOptions,
};
use futures_util::StreamExt;
use hullguard_engine::{connect, ConnectOptions, Engine};
use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Label put on everything the tests create; its value is [`run_id`].
pub const LABEL: &str = "hullguard-test";

/// The busybox image every test uses.
pub const BUSYBOX: &str = "hullguard-test/busybox:1";

/// How long a private dockerd may take to answer.
const DAEMON_START: Duration = Duration::from_secs(30);

/// Unique per test process: container names and labels carry it.
pub fn run_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        format!("{}-{:08x}", std::process::id(), nanos)
    })
}

/// Tests that change the engine hold this shared; a test that needs the engine
/// quiet (the read-only proof) holds it exclusively.
pub static ENGINE_LOCK: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

/// The engine the tests run against.
pub struct TestEngine {
    options: ConnectOptions,
    daemon: Option<PrivateDaemon>,
}

impl TestEngine {
    /// The shared test engine of this process (found or started once).
    pub async fn get() -> Option<&'static TestEngine> {
        static ENGINE: tokio::sync::OnceCell<Option<TestEngine>> =
            tokio::sync::OnceCell::const_new();
        ENGINE.get_or_init(find_or_start).await.as_ref()
    }

    /// How to reach it (environment included, so `connect` finds it).
    pub fn options(&self) -> ConnectOptions {
        self.options.clone()
    }

    /// A new connection (one per test: connections belong to the runtime of
    /// the test that opened them).
    pub async fn connect(&self) -> Engine {
        connect(&self.options)
            .await
            .unwrap_or_else(|e| panic!("the test engine stopped answering: {e}"))
    }

    /// The private dockerd, when the harness started one.
    pub fn daemon(&self) -> Option<&PrivateDaemon> {
        self.daemon.as_ref()
    }

    /// The unix socket path, when the engine is reached through one.
    pub fn socket(&self) -> Option<PathBuf> {
        let host = self
            .options
            .host
            .clone()
            .or_else(|| self.options.environment.get("DOCKER_HOST").cloned())
            .unwrap_or_else(|| hullguard_engine::DEFAULT_HOST.to_string());
        host.strip_prefix("unix://").map(PathBuf::from)
    }

    /// A container set for this engine (see [`Containers`]).
    pub fn containers(&self, engine: &Engine) -> Containers {
        Containers {
            docker: engine.docker().clone(),
            options: self.options.clone(),
            ids: Mutex::new(Vec::new()),
        }
    }
}

/// Print why a test does nothing, and return `None`, on a machine without an
/// engine (never under CI: `get` panics there).
#[macro_export]
macro_rules! engine_or_skip {
    () => {
        match common::TestEngine::get().await {
            Some(e) => e,
            None => {
                eprintln!("skipping: no engine");
                return;
            }
        }
    };
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

async fn find_or_start() -> Option<TestEngine> {
    let mut env: BTreeMap<String, String> = std::env::vars().collect();
    // The CLI context of the developer is not the test's business.
    env.remove("DOCKER_CONTEXT");
    let quick = |host: Option<String>, env: &BTreeMap<String, String>| ConnectOptions {
        host,
        context: None,
        environment: env.clone(),
        timeout: Duration::from_secs(10),
    };
    if env.get("DOCKER_HOST").is_some_and(|h| !h.is_empty()) {
        let o = quick(None, &env);
        if connect(&o).await.is_ok() {
            return Some(TestEngine {
                options: o,
                daemon: None,
            });
        }
        eprintln!("note: DOCKER_HOST does not answer; trying the default socket");
    }
    env.remove("DOCKER_HOST");
    env.remove("DOCKER_TLS_VERIFY");
    let o = quick(Some(hullguard_engine::DEFAULT_HOST.to_string()), &env);
    if connect(&o).await.is_ok() {
        return Some(TestEngine {
            options: o,
            daemon: None,
        });
    }
    let why = if !is_root() {
        "not running as root, so no private dockerd can be started".to_string()
    } else if find_program("dockerd").is_none() {
        "dockerd is not installed (apt-get install docker.io)".to_string()
    } else {
        let started =
            tokio::task::spawn_blocking(|| PrivateDaemon::start(DaemonOptions::default()))
                .await
                .unwrap();
        match started {
            Ok(daemon) => {
                let o = quick(Some(daemon.host()), &env);
                match connect(&o).await {
                    Ok(_) => {
                        return Some(TestEngine {
                            options: o,
                            daemon: Some(daemon),
                        })
                    }
                    Err(e) => format!("the private dockerd does not answer: {e}"),
                }
            }
            Err(e) => e,
        }
    };
    if in_ci() {
        panic!("CI=true and no Docker engine: {why}");
    }
    eprintln!("note: no engine: {why}");
    None
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// `name` on PATH or in the sbin directories (root's PATH may lack them).
pub fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin"].map(PathBuf::from))
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// How to start a private dockerd.
#[derive(Debug, Clone, Default)]
pub struct DaemonOptions {
    /// daemon.json content (must not set data-root, exec-root, pidfile or
    /// hosts: the harness passes those as flags).
    pub config: Option<serde_json::Value>,
    /// More dockerd flags (`-H tcp://127.0.0.1:PORT`, `--tlsverify` ...).
    pub extra_args: Vec<String>,
    /// No iptables changes (`--iptables=false --ip-masq=false`), for a
    /// daemon that only answers the API. Whatever this says, the daemon's
    /// default bridge is a bridge of its own (`hgbr…`, created here, passed
    /// as `--bridge`, deleted with the daemon): never `docker0`, which
    /// another dockerd on the machine may use. (`--bridge=none` is no way
    /// out: dockerd then deletes `docker0`.)
    pub isolated_network: bool,
}

/// A dockerd the harness started. A watchdog shell stops it and removes its
/// directory when the test process exits, however it exits; `Drop` stops it
/// earlier.
pub struct PrivateDaemon {
    pub dir: PathBuf,
    pub socket: PathBuf,
    pub pidfile: PathBuf,
    pub config_file: PathBuf,
    pub log: PathBuf,
    watchdog: Mutex<Option<Child>>,
}

const WATCHDOG: &str = r#"
parent=$1; dir=$2; br=$3; shift 3
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
export PATH
dockerd "$@" >>"$dir/dockerd.log" 2>&1 &
d=$!
echo "$d" >"$dir/dockerd.wpid"
while kill -0 "$parent" 2>/dev/null && kill -0 "$d" 2>/dev/null; do sleep 0.5; done
if kill -0 "$d" 2>/dev/null; then
  kill -TERM "$d" 2>/dev/null
  i=0
  while kill -0 "$d" 2>/dev/null && [ "$i" -lt 150 ]; do sleep 0.1; i=$((i+1)); done
  kill -KILL "$d" 2>/dev/null
fi
wait "$d" 2>/dev/null
if [ -f "$dir/exec/containerd/containerd.pid" ]; then
  kill -KILL "$(cat "$dir/exec/containerd/containerd.pid")" 2>/dev/null
fi
grep -F " $dir/" /proc/self/mountinfo | awk '{print $5}' | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
# Keep the end of the log beside the removed directory, for the error message.
tail -n 40 "$dir/dockerd.log" >"$dir.log" 2>/dev/null
rm -rf "$dir"
if [ "$br" != "-" ]; then
  ip link del "$br" 2>/dev/null
  for t in nat filter; do
    iptables -t "$t" -S 2>/dev/null | grep -F -- "$br" | sed 's/^-A /-D /' | while read -r rule; do
      eval "iptables -t $t $rule" 2>/dev/null
    done
  done
fi
"#;

/// A bridge of the daemon's own, `hgbr<8 hex>` with a /24 in 10.213.0.0/16;
/// `None` when `ip` is missing or refuses.
fn own_bridge() -> Option<String> {
    let ip = find_program("ip")?;
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0)
        ^ std::process::id().rotate_left(16);
    let name = format!("hgbr{seed:08x}");
    let subnet = (seed >> 8) & 0xff;
    let run = |args: &[&str]| {
        Command::new(&ip)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let address = format!("10.213.{subnet}.1/24");
    if run(&["link", "add", "name", &name, "type", "bridge"])
        && run(&["addr", "add", &address, "dev", &name])
        && run(&["link", "set", &name, "up"])
    {
        Some(name)
    } else {
        run(&["link", "del", &name]);
        None
    }
}

impl PrivateDaemon {
    /// Start a dockerd and wait until it answers (at most 30 s). Daemons of
    /// one test process start one at a time: dockerds that set up their
    /// iptables chains at the same moment race (`DOCKER-ISOLATION-STAGE-2: No
    /// chain` seen in CI), and a start that fails is tried twice more.
    pub fn start(opts: DaemonOptions) -> Result<PrivateDaemon, String> {
        static STARTING: Mutex<()> = Mutex::new(());
        let _one_at_a_time = STARTING.lock().unwrap_or_else(|p| p.into_inner());
        let mut last = String::new();
        for attempt in 0..3 {
            if attempt > 0 {
                eprintln!("note: a private dockerd did not start, trying again: {last}");
                std::thread::sleep(Duration::from_secs(1));
            }
            match PrivateDaemon::start_once(&opts) {
                Ok(d) => return Ok(d),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    fn start_once(opts: &DaemonOptions) -> Result<PrivateDaemon, String> {
        if find_program("dockerd").is_none() {
            return Err("dockerd is not installed".into());
        }
        // Short paths: unix socket paths are limited to 108 bytes.
        let dir = tempfile::Builder::new()
            .prefix("hg-dockerd-")
            .tempdir_in("/tmp")
            .map_err(|e| format!("cannot create a temporary directory: {e}"))?
            .keep();
        let socket = dir.join("docker.sock");
        let pidfile = dir.join("docker.pid");
        let config_file = dir.join("daemon.json");
        let log = dir.join("dockerd.log");
        let config = opts.config.clone().unwrap_or_else(|| serde_json::json!({}));
        std::fs::write(&config_file, config.to_string())
            .map_err(|e| format!("cannot write daemon.json: {e}"))?;
        let mut args: Vec<String> = vec![
            format!("--data-root={}", dir.join("root").display()),
            format!("--exec-root={}", dir.join("exec").display()),
            format!("--pidfile={}", pidfile.display()),
            // Always our own file: the developer's /etc/docker/daemon.json
            // (with "hosts", say) must not stop the private daemon.
            format!("--config-file={}", config_file.display()),
            format!("--host=unix://{}", socket.display()),
        ];
        if opts.isolated_network {
            args.extend(["--iptables=false", "--ip-masq=false"].map(String::from));
        }
        let bridge = own_bridge();
        match &bridge {
            Some(name) => args.push(format!("--bridge={name}")),
            None if Path::new("/sys/class/net/docker0").exists() => {
                eprintln!(
                    "note: `ip` cannot create a bridge: the private dockerd shares docker0 \
                     with another daemon"
                );
            }
            None => {}
        }
        args.extend(opts.extra_args.iter().cloned());
        let setsid = find_program("setsid");
        let mut cmd = match &setsid {
            // Its own session: Ctrl-C on the test run must not kill the daemon
            // before the watchdog has cleaned up.
            Some(s) => {
                let mut c = Command::new(s);
                c.arg("sh");
                c
            }
            None => Command::new("sh"),
        };
        let child = cmd
            .arg("-c")
            .arg(WATCHDOG)
            .arg("hullguard-watchdog")
            .arg(std::process::id().to_string())
            .arg(&dir)
            .arg(bridge.as_deref().unwrap_or("-"))
            .args(&args)
            // Nothing inherited: cargo waits for the test's pipes to close.
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                if let Some(b) = &bridge {
                    let _ = Command::new("ip").args(["link", "del", b]).status();
                }
                format!("cannot start dockerd: {e}")
            })?;
        let daemon = PrivateDaemon {
            dir,
            socket,
            pidfile,
            config_file,
            log,
            watchdog: Mutex::new(Some(child)),
        };
        let deadline = Instant::now() + DAEMON_START;
        while Instant::now() < deadline {
            if ping_unix(&daemon.socket) {
                return Ok(daemon);
            }
            if daemon.exited() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let tail = daemon.log_tail();
        Err(format!(
            "the private dockerd did not answer within 30 s; its log ends:\n{tail}"
        ))
    }

    /// `unix://<socket>`.
    pub fn host(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    /// The last lines of dockerd's log.
    pub fn log_tail(&self) -> String {
        // After dockerd exited, the watchdog removed the directory and kept the
        // log's end in `<dir>.log`; give it a moment to write it.
        let mut text = std::fs::read_to_string(&self.log).unwrap_or_default();
        if text.is_empty() {
            let kept = self.dir.with_extension("log");
            for _ in 0..20 {
                text = std::fs::read_to_string(&kept).unwrap_or_default();
                if !text.is_empty() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    fn exited(&self) -> bool {
        let mut guard = self.watchdog.lock().unwrap();
        match guard.as_mut() {
            Some(c) => c.try_wait().ok().flatten().is_some(),
            None => true,
        }
    }

    /// Stop dockerd (SIGTERM through its pidfile) and wait for the watchdog
    /// to clean up.
    pub fn stop(&self) {
        let Some(mut child) = self.watchdog.lock().unwrap().take() else {
            return;
        };
        let pid = std::fs::read_to_string(self.dir.join("dockerd.wpid"))
            .or_else(|_| std::fs::read_to_string(&self.pidfile))
            .unwrap_or_default();
        let pid = pid.trim();
        if !pid.is_empty() {
            let _ = Command::new("kill").arg("-TERM").arg(pid).status();
        }
        let _ = child.wait();
    }
}

impl Drop for PrivateDaemon {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `GET /_ping` over a unix socket, without a runtime.
pub fn ping_unix(socket: &Path) -> bool {
    let Ok(mut s) = std::os::unix::net::UnixStream::connect(socket) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut answer = String::new();
    let _ = s.take(4096).read_to_string(&mut answer);
    answer.starts_with("HTTP/1.") && answer.lines().next().is_some_and(|l| l.contains(" 200 "))
}

/// The root filesystem of the busybox image: the host's static busybox as
/// `bin/busybox`, applet links, and minimal passwd/group files.
pub fn busybox_tar() -> Vec<u8> {
    let busybox = ["/bin/busybox", "/usr/bin/busybox"]
        .iter()
        .map(Path::new)
        .find(|p| p.is_file())
        .expect("busybox is not installed (apt-get install busybox-static)");
    let bytes = std::fs::read(busybox).unwrap();
    let mut tar = tar::Builder::new(Vec::new());
    let mut dir = |path: &str| {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Directory);
        h.set_mode(0o755);
        h.set_size(0);
        h.set_mtime(0);
        h.set_cksum();
        tar.append_data(&mut h, path, std::io::empty()).unwrap();
    };
    dir("bin/");
    dir("etc/");
    dir("tmp/");
    let mut file = |path: &str, mode: u32, data: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_mode(mode);
        h.set_size(data.len() as u64);
        h.set_mtime(0);
        h.set_cksum();
        tar.append_data(&mut h, path, data).unwrap();
    };
    file("bin/busybox", 0o755, &bytes);
    file(
        "etc/passwd",
        0o644,
        b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
    );
    file("etc/group", 0o644, b"root:x:0:\nnogroup:x:65534:\n");
    for applet in [
        "sh", "sleep", "true", "false", "cat", "echo", "id", "ls", "env", "ps", "mkdir", "rm",
        "touch", "chmod", "top",
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Symlink);
        h.set_mode(0o777);
        h.set_size(0);
        h.set_mtime(0);
        tar.append_link(&mut h, format!("bin/{applet}"), "busybox")
            .unwrap();
    }
    tar.into_inner().unwrap()
}

/// Import the busybox image as `tag` (`repo:tag`) unless it exists; returns
/// its ID. The image is shared by every test and left in place (it is
/// created once, with a fixed name).
pub async fn import_busybox(engine: &Engine, tag: &str) -> String {
    static LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _guard = LOCK.lock().await;
    let docker = engine.docker();
    if let Ok(image) = docker.inspect_image(tag).await {
        return image.id.unwrap_or_default();
    }
    let (repo, version) = tag.rsplit_once(':').unwrap_or((tag, "latest"));
    let options = CreateImageOptions {
        from_src: Some("-".into()),
        repo: Some(repo.into()),
        tag: Some(version.into()),
        ..Default::default()
    };
    let body = bollard::body_full(busybox_tar().into());
    let mut stream = docker.create_image(Some(options), Some(body), None);
    while let Some(item) = stream.next().await {
        let item = item.unwrap_or_else(|e| panic!("cannot import busybox as {tag}: {e}"));
        if let Some(err) = item.error_detail {
            panic!("cannot import busybox as {tag}: {err:?}");
        }
    }
    docker
        .inspect_image(tag)
        .await
        .unwrap_or_else(|e| panic!("{tag} was imported but cannot be inspected: {e}"))
        .id
        .unwrap_or_default()
}

/// Containers created by one test: named `hg-<run id>-<name>`, labelled
/// `hullguard-test=<run id>`, removed (forced, with anonymous volumes) by
/// [`Containers::cleanup`] or, if the test panicked first, on drop.
pub struct Containers {
    docker: bollard::Docker,
    options: ConnectOptions,
    ids: Mutex<Vec<String>>,
}

impl Containers {
    /// The full name a container of this run gets.
    pub fn name(name: &str) -> String {
        format!("hg-{}-{name}", run_id())
    }

    /// Create a container (image defaults to [`BUSYBOX`], command to
    /// `sleep 300`); returns its ID.
    pub async fn create(&self, name: &str, mut body: ContainerCreateBody) -> String {
        if body.image.is_none() {
            body.image = Some(BUSYBOX.into());
        }
        if body.cmd.is_none() {
            body.cmd = Some(vec!["sleep".into(), "300".into()]);
        }
        let mut labels: HashMap<String, String> = body.labels.take().unwrap_or_default();
        labels.insert(LABEL.into(), run_id().into());
        body.labels = Some(labels);
        let options = CreateContainerOptions {
            name: Some(Containers::name(name)),
            ..Default::default()
        };
        let id = self
            .docker
            .create_container(Some(options), body)
            .await
            .unwrap_or_else(|e| panic!("cannot create container {name}: {e}"))
            .id;
        self.ids.lock().unwrap().push(id.clone());
        id
    }

    /// Create and start.
    pub async fn run(&self, name: &str, body: ContainerCreateBody) -> String {
        let id = self.create(name, body).await;
        self.docker
            .start_container(&id, None::<StartContainerOptions>)
            .await
            .unwrap_or_else(|e| panic!("cannot start container {name}: {e}"));
        id
    }

    /// Run a command that exits, and wait until the container has exited.
    pub async fn run_to_exit(&self, name: &str, mut body: ContainerCreateBody) -> String {
        if body.cmd.is_none() {
            body.cmd = Some(vec!["true".into()]);
        }
        let id = self.run(name, body).await;
        let mut wait = self
            .docker
            .wait_container(&id, None::<bollard::query_parameters::WaitContainerOptions>);
        while let Some(r) = wait.next().await {
            // A non-zero exit is an Err in bollard; exited is all we need.
            let _ = r;
        }
        id
    }

    /// Start a detached exec instance (`docker exec -d`); returns its ID.
    pub async fn exec_detached(
        &self,
        id: &str,
        cmd: &[&str],
        user: Option<&str>,
        privileged: bool,
    ) -> String {
        let exec = self
            .docker
            .create_exec(
                id,
                bollard::exec::CreateExecOptions {
                    cmd: Some(cmd.iter().map(|s| s.to_string()).collect()),
                    user: user.map(str::to_string),
                    privileged: Some(privileged),
                    ..Default::default()
                },
            )
            .await
            .unwrap_or_else(|e| panic!("cannot create an exec instance: {e}"))
            .id;
        self.docker
            .start_exec(
                &exec,
                Some(bollard::exec::StartExecOptions {
                    detach: true,
                    ..Default::default()
                }),
            )
            .await
            .unwrap_or_else(|e| panic!("cannot start the exec instance: {e}"));
        exec
    }

    /// Remove one container now (and forget it).
    pub async fn remove(&self, id: &str) {
        remove(&self.docker, id).await;
        self.ids.lock().unwrap().retain(|x| x != id);
    }

    /// Remove every container of this set.
    pub async fn cleanup(&self) {
        let ids: Vec<String> = std::mem::take(&mut *self.ids.lock().unwrap());
        futures_util::future::join_all(ids.iter().map(|id| remove(&self.docker, id))).await;
    }
}

async fn remove(docker: &bollard::Docker, id: &str) {
    let options = RemoveContainerOptions {
        force: true,
        v: true,
        ..Default::default()
    };
    match docker.remove_container(id, Some(options)).await {
        Ok(()) => {}
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => {}
        Err(e) => eprintln!("note: cannot remove test container {id}: {e}"),
    }
}

impl Drop for Containers {
    fn drop(&mut self) {
        let ids: Vec<String> = std::mem::take(&mut *self.ids.lock().unwrap());
        if ids.is_empty() {
            return;
        }
        // The test's runtime may be gone or busy panicking: a thread with its
        // own runtime and connection.
        let options = self.options.clone();
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(engine) = connect(&options).await {
                    for id in &ids {
                        remove(engine.docker(), id).await;
                    }
                }
            });
        })
        .join();
    }
}

/// A container body with a host configuration.
pub fn with_host_config(host_config: HostConfig) -> ContainerCreateBody {
    ContainerCreateBody {
        host_config: Some(host_config),
        ..Default::default()
    }
}
