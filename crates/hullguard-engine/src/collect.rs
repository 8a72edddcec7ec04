//! One read-only pass over the engine: the lists first, then every object's
//! inspect document, concurrently under one bound. Only GET requests, through
//! [`Engine::get`]; an object that vanishes between list and inspect is a
//! note, not an error.

use crate::connect::{Engine, RequestError};
use crate::snapshot::{ContainerSnapshot, ImageSnapshot, Snapshot, SwarmSnapshot, SNAPSHOT_FORMAT};
use futures_util::future::join_all;
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;
use tokio::sync::Semaphore;

/// How to collect.
#[derive(Debug, Clone)]
pub struct CollectOptions {
    /// Requests in flight at once (at least 1).
    pub concurrency: usize,
    /// Read host facts when the engine is local.
    pub host_facts: bool,
    /// Counters a caller may show while collecting (containers, images and
    /// networks inspected, out of how many).
    pub progress: Option<Arc<Progress>>,
}

/// How far a collection is: objects inspected out of the objects listed.
#[derive(Debug, Default)]
pub struct Progress {
    pub done: AtomicUsize,
    pub total: AtomicUsize,
}

impl Default for CollectOptions {
    fn default() -> Self {
        CollectOptions {
            concurrency: 16,
            host_facts: true,
            progress: None,
        }
    }
}

/// The snapshot could not be taken: a document the audit cannot do without
/// was refused, or the engine stopped answering.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("cannot collect {what} from the engine at {host}: {source}")]
    Request {
        what: String,
        host: String,
        #[source]
        source: RequestError,
    },
}

/// Exec instances inspected per container at most (the engine's answer is
/// hostile input; a normal container has a handful).
const MAX_EXECS_PER_CONTAINER: usize = 256;

/// Take a snapshot of the engine (and of its host when local).
pub async fn collect(engine: &Engine, opts: &CollectOptions) -> Result<Snapshot, CollectError> {
    let taken_at = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    let c = Collector {
        engine,
        permits: Semaphore::new(opts.concurrency.max(1)),
        notes: Arc::new(Mutex::new(Vec::new())),
        progress: opts.progress.clone(),
    };

    let (version, info, containers, images, networks, volumes, plugins) = futures_util::join!(
        c.get("/version"),
        c.get("/info"),
        c.get("/containers/json?all=1"),
        c.get("/images/json"),
        c.get("/networks"),
        c.get("/volumes"),
        c.get("/plugins"),
    );
    let version = c.required("the version", version)?;
    let info = c.required("the engine information", info)?;
    let containers = c.required("the container list", containers)?;
    let images = c.required("the image list", images)?;
    let networks = c.required("the network list", networks)?;
    let volumes = c
        .optional("the volume list", volumes)?
        .unwrap_or(Value::Null);
    let plugins = c
        .optional("the plugin list", plugins)?
        .unwrap_or(Value::Null);

    let container_ids = c.ids(&containers, "container");
    let image_ids = c.ids(&images, "image");
    let network_ids = c.ids(&networks, "network");

    let host_task = async {
        if opts.host_facts && engine.endpoint().local {
            Some(crate::host::collect_host_facts(&info, engine.endpoint()).await)
        } else {
            None
        }
    };
    if let Some(p) = &c.progress {
        p.total.store(
            container_ids.len() + image_ids.len() + network_ids.len(),
            Ordering::Relaxed,
        );
    }
    let (containers, images, networks, swarm, host) = futures_util::join!(
        join_all(container_ids.iter().map(|id| c.counted(c.container(id)))),
        join_all(image_ids.iter().map(|id| c.counted(c.image(id)))),
        join_all(network_ids.iter().map(|id| c.counted(c.network(id)))),
        c.swarm(&info),
        host_task,
    );

    let mut snapshot = Snapshot {
        format: SNAPSHOT_FORMAT,
        taken_at,
        endpoint: engine.endpoint().clone(),
        version,
        info,
        containers: flatten(containers)?,
        images: flatten(images)?,
        networks: flatten(networks)?,
        volumes: match volumes {
            Value::Object(mut map) => {
                if let Some(Value::Array(warnings)) = map.remove("Warnings") {
                    for w in warnings.iter().filter_map(Value::as_str) {
                        c.note(format!("the engine warned while listing volumes: {w}"));
                    }
                }
                array(map.remove("Volumes").unwrap_or(Value::Null))
            }
            other => array(other),
        },
        plugins: array(plugins),
        swarm: swarm?,
        host: None,
        notes: Vec::new(),
    };
    if let Some((facts, notes)) = host {
        snapshot.host = Some(facts);
        for n in notes {
            c.note(n);
        }
    }
    snapshot.notes = std::mem::take(&mut *c.notes.lock().unwrap_or_else(PoisonError::into_inner));
    Ok(snapshot)
}

fn flatten<T>(results: Vec<Result<Option<T>, CollectError>>) -> Result<Vec<T>, CollectError> {
    let mut out = Vec::with_capacity(results.len());
    for r in results {
        if let Some(item) = r? {
            out.push(item);
        }
    }
    Ok(out)
}

fn array(v: Value) -> Vec<Value> {
    match v {
        Value::Array(items) => items,
        _ => Vec::new(),
    }
}

/// An object ID from the engine as a path segment: IDs and names are
/// `[A-Za-z0-9][A-Za-z0-9_.:-]*`; anything else (`..`, `/`, `?`) would steer
/// the request elsewhere, so it is refused.
fn segment(id: &str) -> Option<&str> {
    let ok = !id.is_empty()
        && id.len() <= 256
        && id.as_bytes()[0].is_ascii_alphanumeric()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.:-".contains(&b));
    ok.then_some(id)
}

struct Collector<'a> {
    engine: &'a Engine,
    permits: Semaphore,
    notes: Arc<Mutex<Vec<String>>>,
    progress: Option<Arc<Progress>>,
}

/// What to do with a failed per-object request.
enum Failure {
    /// Gone, refused or unreadable: note it and go on.
    Note(String),
    /// The engine stopped answering: the snapshot would be misleading.
    Fatal(CollectError),
}

impl Collector<'_> {
    /// Awaits one object's collection and counts it as done.
    async fn counted<T>(&self, f: impl std::future::Future<Output = T>) -> T {
        let out = f.await;
        if let Some(p) = &self.progress {
            p.done.fetch_add(1, Ordering::Relaxed);
        }
        out
    }

    async fn get(&self, path: &str) -> Result<Value, RequestError> {
        // The semaphore is never closed, so acquire cannot fail; were it to,
        // going on without a permit only loses the bound, not correctness.
        let _permit = self.permits.acquire().await.ok();
        self.engine.get(path).await
    }

    fn note(&self, note: String) {
        self.notes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(note);
    }

    fn fatal(&self, what: impl Into<String>, source: RequestError) -> CollectError {
        CollectError::Request {
            what: what.into(),
            host: self.engine.endpoint().host.clone(),
            source,
        }
    }

    fn required(&self, what: &str, r: Result<Value, RequestError>) -> Result<Value, CollectError> {
        r.map_err(|e| self.fatal(what, e))
    }

    /// A document the audit can do without when the engine refuses it (an
    /// engine without plugin support, say), but not when it stopped answering.
    fn optional(
        &self,
        what: &str,
        r: Result<Value, RequestError>,
    ) -> Result<Option<Value>, CollectError> {
        match r {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_engine_answer() => {
                self.note(format!("cannot collect {what}: {e}"));
                Ok(None)
            }
            Err(e) => Err(self.fatal(what, e)),
        }
    }

    fn classify(&self, what: &str, e: RequestError) -> Failure {
        match e {
            RequestError::NotFound { .. } => {
                Failure::Note(format!("{what} was removed during the audit; skipped"))
            }
            RequestError::Transport { .. } => Failure::Fatal(self.fatal(what.to_string(), e)),
            // A timeout on one object (a container whose lock is held by a
            // stuck operation) should not sink the whole audit.
            e => Failure::Note(format!("cannot inspect {what}: {e}")),
        }
    }

    /// Per-object GET: `Ok(None)` after noting a failure that is not fatal.
    async fn object(&self, what: &str, path: &str) -> Result<Option<Value>, CollectError> {
        match self.get(path).await {
            Ok(v) => Ok(Some(v)),
            Err(e) => match self.classify(what, e) {
                Failure::Note(n) => {
                    self.note(n);
                    Ok(None)
                }
                Failure::Fatal(f) => Err(f),
            },
        }
    }

    /// The `Id`s of a list answer, in order; malformed entries are noted.
    fn ids(&self, list: &Value, kind: &str) -> Vec<String> {
        let Some(items) = list.as_array() else {
            self.note(format!(
                "the {kind} list is not an array; no {kind}s collected"
            ));
            return Vec::new();
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item.get("Id").and_then(Value::as_str).and_then(segment) {
                Some(id) => out.push(id.to_string()),
                None => self.note(format!(
                    "a {kind} with a missing or invalid ID was skipped: {}",
                    truncate_json(item)
                )),
            }
        }
        out
    }

    async fn container(&self, id: &str) -> Result<Option<ContainerSnapshot>, CollectError> {
        let what = format!("container {}", short(id));
        let Some(inspect) = self
            .object(&what, &format!("/containers/{id}/json"))
            .await?
        else {
            return Ok(None);
        };
        let name = inspect
            .get("Name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim_start_matches('/')
            .to_string();
        let running = inspect
            .pointer("/State/Running")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let mut execs = Vec::new();
        if running {
            let exec_ids: Vec<&str> = inspect
                .get("ExecIDs")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if exec_ids.len() > MAX_EXECS_PER_CONTAINER {
                self.note(format!(
                    "{what} has {} exec instances; only the first {MAX_EXECS_PER_CONTAINER} were inspected",
                    exec_ids.len()
                ));
            }
            let found = join_all(
                exec_ids
                    .iter()
                    .take(MAX_EXECS_PER_CONTAINER)
                    .map(|exec| self.exec(&what, exec)),
            )
            .await;
            for e in found {
                if let Some(v) = e? {
                    execs.push(v);
                }
            }
        }
        Ok(Some(ContainerSnapshot {
            id: id.to_string(),
            name,
            inspect,
            execs,
        }))
    }

    async fn exec(&self, container: &str, exec: &str) -> Result<Option<Value>, CollectError> {
        let Some(id) = segment(exec) else {
            self.note(format!(
                "{container}: an exec instance with an invalid ID was skipped"
            ));
            return Ok(None);
        };
        let what = format!("exec instance {} of {container}", short(id));
        self.object(&what, &format!("/exec/{id}/json")).await
    }

    async fn image(&self, id: &str) -> Result<Option<ImageSnapshot>, CollectError> {
        let what = format!("image {}", short(id));
        let (inspect_path, history_path) = (
            format!("/images/{id}/json"),
            format!("/images/{id}/history"),
        );
        let history_what = format!("the history of {what}");
        let (inspect, history) = futures_util::join!(
            self.object(&what, &inspect_path),
            self.object(&history_what, &history_path),
        );
        let Some(inspect) = inspect? else {
            return Ok(None);
        };
        Ok(Some(ImageSnapshot {
            id: id.to_string(),
            inspect,
            history: history?.unwrap_or(Value::Null),
        }))
    }

    async fn network(&self, id: &str) -> Result<Option<Value>, CollectError> {
        self.object(
            &format!("network {}", short(id)),
            &format!("/networks/{id}"),
        )
        .await
    }

    /// Swarm documents when this engine is in an active swarm; the cluster
    /// lists exist on managers only.
    async fn swarm(&self, info: &Value) -> Result<Option<SwarmSnapshot>, CollectError> {
        let state = info
            .pointer("/Swarm/LocalNodeState")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if state != "active" {
            return Ok(None);
        }
        let manager = info
            .pointer("/Swarm/ControlAvailable")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if !manager {
            self.note(
                "this engine is a swarm worker: swarm, node, service, task, secret and config \
                 documents are only available on a manager"
                    .to_string(),
            );
            return Ok(Some(SwarmSnapshot::default()));
        }
        let (swarm, nodes, services, tasks, secrets, configs) = futures_util::join!(
            self.get("/swarm"),
            self.get("/nodes"),
            self.get("/services"),
            self.get("/tasks"),
            self.get("/secrets"),
            self.get("/configs"),
        );
        Ok(Some(SwarmSnapshot {
            swarm: self.optional("the swarm", swarm)?.unwrap_or(Value::Null),
            nodes: array(
                self.optional("the swarm nodes", nodes)?
                    .unwrap_or(Value::Null),
            ),
            services: array(
                self.optional("the swarm services", services)?
                    .unwrap_or(Value::Null),
            ),
            tasks: array(
                self.optional("the swarm tasks", tasks)?
                    .unwrap_or(Value::Null),
            ),
            secrets: array(
                self.optional("the swarm secrets", secrets)?
                    .unwrap_or(Value::Null),
            ),
            configs: array(
                self.optional("the swarm configs", configs)?
                    .unwrap_or(Value::Null),
            ),
        }))
    }
}

/// `sha256:0123456789ab` → `0123456789ab`, as the Docker CLI shows IDs.
fn short(id: &str) -> &str {
    let id = id.strip_prefix("sha256:").unwrap_or(id);
    if id.len() > 12 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        &id[..12]
    } else {
        id
    }
}

fn truncate_json(v: &Value) -> String {
    let s = v.to_string();
    if s.len() <= 200 {
        return s;
    }
    let mut end = 200;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_would_steer_the_request_are_refused() {
        assert_eq!(segment("abc123"), Some("abc123"));
        assert_eq!(segment("sha256:abc"), Some("sha256:abc"));
        for bad in [
            "", "..", "../swarm", "a/b", "a?x=1", "a b", ".hidden", "a%2f",
        ] {
            assert_eq!(segment(bad), None, "{bad}");
        }
    }

    /// Callers may spawn a collection (`--watch`) or share the engine.
    #[allow(dead_code)]
    fn collection_is_send(engine: &Engine, opts: &CollectOptions) {
        fn send<T: Send>(_: &T) {}
        fn send_sync<T: Send + Sync>() {}
        send(&collect(engine, opts));
        send_sync::<Engine>();
    }

    #[test]
    fn short_ids_are_shown_like_the_cli() {
        assert_eq!(short("sha256:0123456789abcdef"), "0123456789ab");
        assert_eq!(short("my-network"), "my-network");
    }
}
