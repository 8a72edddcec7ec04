//! Connection and collection against a real Docker engine: containers in
//! every state with their exec instances, a container removed mid-collection,
//! the read-only proof from the engine's event stream, endpoint precedence and
//! errors, TLS with client certificates, ssh:// through `docker system
//! dial-stdio`, and the snapshot file round trip.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use bollard::models::{ContainerCreateBody, HostConfig};
use common::{find_program, import_busybox, DaemonOptions, PrivateDaemon, BUSYBOX, ENGINE_LOCK};
use futures_util::StreamExt;
use hullguard_engine::{collect, connect, CollectOptions, ConnectOptions, Snapshot, SnapshotError};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn quick(host: Option<String>, env: &[(&str, &str)]) -> ConnectOptions {
    ConnectOptions {
        host,
        context: None,
        environment: env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        timeout: Duration::from_secs(10),
    }
}

fn container<'a>(snap: &'a Snapshot, id: &str) -> &'a hullguard_engine::ContainerSnapshot {
    snap.containers
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("container {id} is not in the snapshot"))
}

#[tokio::test]
async fn collect_sees_containers_in_every_state_with_their_execs() {
    let te = engine_or_skip!();
    let _shared = ENGINE_LOCK.read().await;
    let engine = te.connect().await;
    import_busybox(&engine, BUSYBOX).await;
    let cs = te.containers(&engine);
    let created = cs
        .create(
            "created-privileged",
            common::with_host_config(HostConfig {
                privileged: Some(true),
                ..Default::default()
            }),
        )
        .await;
    let running = cs.run("running", ContainerCreateBody::default()).await;
    let exited = cs
        .run_to_exit("exited", ContainerCreateBody::default())
        .await;
    let exec = cs
        .exec_detached(&running, &["sleep", "300"], Some("0"), false)
        .await;

    let snap = collect(&engine, &CollectOptions::default()).await.unwrap();

    let c = container(&snap, &created);
    assert_eq!(
        c.inspect.pointer("/State/Status"),
        Some(&Value::from("created"))
    );
    assert_eq!(
        c.inspect.pointer("/HostConfig/Privileged"),
        Some(&Value::Bool(true))
    );
    assert_eq!(c.name, common::Containers::name("created-privileged"));
    assert!(c.execs.is_empty());

    let r = container(&snap, &running);
    assert_eq!(
        r.inspect.pointer("/State/Running"),
        Some(&Value::Bool(true))
    );
    let e = r
        .execs
        .iter()
        .find(|e| e.get("ID") == Some(&Value::from(exec.as_str())))
        .unwrap_or_else(|| panic!("exec {exec} missing from {:?}", r.execs));
    assert_eq!(e.pointer("/ProcessConfig/user"), Some(&Value::from("0")));
    assert_eq!(
        e.pointer("/ProcessConfig/privileged"),
        Some(&Value::Bool(false))
    );
    assert_eq!(e.get("Running"), Some(&Value::Bool(true)));

    let x = container(&snap, &exited);
    assert_eq!(
        x.inspect.pointer("/State/Status"),
        Some(&Value::from("exited"))
    );

    // The rest of the engine, in raw form.
    assert!(snap.version.get("ApiVersion").is_some());
    assert!(snap.info.get("DockerRootDir").is_some());
    let image = snap
        .images
        .iter()
        .find(|i| {
            i.inspect
                .get("RepoTags")
                .and_then(Value::as_array)
                .is_some_and(|t| t.contains(&Value::from(BUSYBOX)))
        })
        .expect("the busybox image is in the snapshot");
    assert!(image.history.as_array().is_some_and(|h| !h.is_empty()));
    for name in ["bridge", "host", "none"] {
        assert!(
            snap.networks
                .iter()
                .any(|n| n.get("Name") == Some(&Value::from(name))),
            "network {name} is missing"
        );
    }
    assert_eq!(snap.format, hullguard_engine::SNAPSHOT_FORMAT);
    assert!(snap.endpoint.local);
    cs.cleanup().await;
}

/// A proxy in front of the engine's socket that removes `victim` just before
/// forwarding its inspect request: the container vanishes between the list
/// and the inspect, deterministically.
async fn removing_proxy(
    listen: PathBuf,
    upstream: PathBuf,
    victim: String,
    docker: bollard::Docker,
    writes: Arc<std::sync::Mutex<Vec<String>>>,
) -> tokio::task::JoinHandle<()> {
    use hyper::service::service_fn;
    use hyper_util::rt::TokioIo;
    let listener = tokio::net::UnixListener::bind(&listen).unwrap();
    let removed = Arc::new(AtomicBool::new(false));
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let (upstream, victim, docker, removed, writes) = (
                upstream.clone(),
                victim.clone(),
                docker.clone(),
                Arc::clone(&removed),
                Arc::clone(&writes),
            );
            tokio::spawn(async move {
                let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let (upstream, victim, docker, removed, seen_writes) = (
                        upstream.clone(),
                        victim.clone(),
                        docker.clone(),
                        Arc::clone(&removed),
                        Arc::clone(&writes),
                    );
                    async move {
                        if req.method() != hyper::Method::GET {
                            seen_writes.lock().unwrap().push(format!(
                                "{} {}",
                                req.method(),
                                req.uri()
                            ));
                        }
                        if req
                            .uri()
                            .path()
                            .ends_with(&format!("/containers/{victim}/json"))
                            && !removed.swap(true, Ordering::SeqCst)
                        {
                            docker
                                .remove_container(
                                    &victim,
                                    Some(bollard::query_parameters::RemoveContainerOptions {
                                        force: true,
                                        ..Default::default()
                                    }),
                                )
                                .await
                                .unwrap();
                        }
                        let stream = tokio::net::UnixStream::connect(&upstream).await?;
                        let (mut send, conn) =
                            hyper::client::conn::http1::handshake(TokioIo::new(stream))
                                .await
                                .map_err(std::io::Error::other)?;
                        tokio::spawn(conn);
                        send.send_request(req).await.map_err(std::io::Error::other)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    })
}

#[tokio::test]
async fn a_container_removed_mid_collection_is_a_note() {
    let te = engine_or_skip!();
    let Some(socket) = te.socket() else {
        eprintln!("skipping: the test engine is not on a unix socket");
        return;
    };
    let _shared = ENGINE_LOCK.read().await;
    let engine = te.connect().await;
    import_busybox(&engine, BUSYBOX).await;
    let cs = te.containers(&engine);
    let victim = cs.create("vanishing", ContainerCreateBody::default()).await;
    let kept = cs.create("kept", ContainerCreateBody::default()).await;

    let dir = tempfile::tempdir().unwrap();
    let proxy_socket = dir.path().join("proxy.sock");
    let writes = Arc::new(std::sync::Mutex::new(Vec::new()));
    let proxy = removing_proxy(
        proxy_socket.clone(),
        socket,
        victim.clone(),
        engine.docker().clone(),
        Arc::clone(&writes),
    )
    .await;
    let through_proxy = connect(&quick(
        Some(format!("unix://{}", proxy_socket.display())),
        &[],
    ))
    .await
    .unwrap();
    let snap = collect(
        &through_proxy,
        &CollectOptions {
            host_facts: false,
            ..CollectOptions::default()
        },
    )
    .await
    .unwrap();
    proxy.abort();
    // Every request the collection sent went through the proxy: only GETs.
    assert!(
        writes.lock().unwrap().is_empty(),
        "{:?}",
        writes.lock().unwrap()
    );

    assert!(snap.containers.iter().all(|c| c.id != victim));
    assert!(snap.containers.iter().any(|c| c.id == kept));
    let short = &victim[..12];
    assert!(
        snap.notes
            .iter()
            .any(|n| n.contains(short) && n.contains("removed during the audit")),
        "{:?}",
        snap.notes
    );
    cs.cleanup().await;
}

fn unix_time() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

#[tokio::test]
async fn collection_sends_no_request_that_changes_the_engine() {
    let te = engine_or_skip!();
    // Nothing else of this test process touches the engine meanwhile.
    let _exclusive = ENGINE_LOCK.write().await;
    let engine = te.connect().await;
    import_busybox(&engine, BUSYBOX).await;
    let cs = te.containers(&engine);
    let running = cs
        .run("quiet-running", ContainerCreateBody::default())
        .await;
    cs.exec_detached(&running, &["sleep", "300"], None, false)
        .await;
    cs.create("quiet-created", ContainerCreateBody::default())
        .await;
    // Let the events of the set-up fall before the window.
    tokio::time::sleep(Duration::from_millis(200)).await;

    let since = unix_time();
    let snap = collect(&engine, &CollectOptions::default()).await.unwrap();
    assert!(snap.containers.iter().any(|c| c.id == running));
    let until = unix_time() + 0.05;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let events: Vec<_> = engine
        .docker()
        .events(Some(bollard::query_parameters::EventsOptions {
            since: Some(format!("{since:.9}")),
            until: Some(format!("{until:.9}")),
            filters: None,
        }))
        .collect()
        .await;
    let events: Vec<_> = events.into_iter().map(|e| e.unwrap()).collect();
    assert!(
        events.is_empty(),
        "the collection caused engine events: {events:#?}"
    );

    // The same query does see a change: the empty answer above is not an
    // artefact of the window or of the query.
    let since = unix_time();
    let probe = cs
        .create("quiet-probe", ContainerCreateBody::default())
        .await;
    let until = unix_time() + 0.05;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let events: Vec<_> = engine
        .docker()
        .events(Some(bollard::query_parameters::EventsOptions {
            since: Some(format!("{since:.9}")),
            until: Some(format!("{until:.9}")),
            filters: None,
        }))
        .collect()
        .await;
    assert!(
        events
            .iter()
            .flatten()
            .any(|e| e.action.as_deref() == Some("create")
                && e.actor.as_ref().and_then(|a| a.id.as_deref()) == Some(probe.as_str())),
        "the probe's create event was not seen: {events:#?}"
    );
    cs.cleanup().await;
}

#[tokio::test]
async fn connect_errors_name_the_endpoint_and_its_origin() {
    let dead = "unix:///nonexistent/hullguard/docker.sock";
    let msg = connect(&quick(Some(dead.into()), &[]))
        .await
        .unwrap_err()
        .to_string();
    assert!(msg.contains(dead) && msg.contains("--host"), "{msg}");

    let msg = connect(&quick(None, &[("DOCKER_HOST", dead)]))
        .await
        .unwrap_err()
        .to_string();
    assert!(msg.contains(dead) && msg.contains("DOCKER_HOST"), "{msg}");

    let config = tempfile::tempdir().unwrap();
    write_context(config.path(), "gone", dead);
    let msg = connect(&quick(
        None,
        &[
            ("DOCKER_CONFIG", config.path().to_str().unwrap()),
            ("DOCKER_CONTEXT", "gone"),
        ],
    ))
    .await
    .unwrap_err()
    .to_string();
    assert!(
        msg.contains(dead) && msg.contains("context `gone`"),
        "{msg}"
    );

    // A closed TCP port: refused, and said so.
    let port = free_port();
    let msg = connect(&quick(Some(format!("tcp://127.0.0.1:{port}")), &[]))
        .await
        .unwrap_err()
        .to_string();
    assert!(msg.contains(&format!("tcp://127.0.0.1:{port}")), "{msg}");
    assert!(msg.to_lowercase().contains("refused"), "{msg}");

    if !Path::new("/var/run/docker.sock").exists() {
        let home = tempfile::tempdir().unwrap();
        let msg = connect(&quick(None, &[("HOME", home.path().to_str().unwrap())]))
            .await
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("unix:///var/run/docker.sock") && msg.contains("the default"),
            "{msg}"
        );
    }
}

/// A context in a Docker CLI config directory, as `docker context create`
/// writes it.
fn write_context(config: &Path, name: &str, host: &str) {
    use std::fmt::Write;
    let digest = {
        // sha256(name), computed by the CLI's store: use the system tool to
        // stay independent of the code under test.
        let out = std::process::Command::new("sha256sum")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                use std::io::Write as _;
                c.stdin.take().unwrap().write_all(name.as_bytes())?;
                c.wait_with_output()
            })
            .unwrap();
        String::from_utf8(out.stdout).unwrap()[..64].to_string()
    };
    let dir = config.join("contexts/meta").join(&digest);
    std::fs::create_dir_all(&dir).unwrap();
    let mut meta = String::new();
    write!(
        meta,
        "{}",
        serde_json::json!({
            "Name": name,
            "Metadata": {"Description": "hullguard test"},
            "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": false}}
        })
    )
    .unwrap();
    std::fs::write(dir.join("meta.json"), meta).unwrap();
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn host_context_and_docker_host_precedence_on_a_real_engine() {
    let te = engine_or_skip!();
    let Some(socket) = te.socket() else {
        eprintln!("skipping: the test engine is not on a unix socket");
        return;
    };
    let good = format!("unix://{}", socket.display());
    let dead = "unix:///nonexistent/hullguard/dead.sock";
    let config = tempfile::tempdir().unwrap();
    let cfg = config.path().to_str().unwrap().to_string();
    write_context(config.path(), "hg-live", &good);
    write_context(config.path(), "hg-dead", dead);
    std::fs::write(
        config.path().join("config.json"),
        r#"{"currentContext": "hg-live", "auths": {}}"#,
    )
    .unwrap();

    // currentContext alone.
    let e = connect(&quick(None, &[("DOCKER_CONFIG", &cfg)]))
        .await
        .unwrap();
    assert_eq!(e.endpoint().host, good);
    assert_eq!(e.endpoint().context.as_deref(), Some("hg-live"));

    // DOCKER_CONTEXT beats currentContext.
    let msg = connect(&quick(
        None,
        &[("DOCKER_CONFIG", &cfg), ("DOCKER_CONTEXT", "hg-dead")],
    ))
    .await
    .unwrap_err()
    .to_string();
    assert!(msg.contains("context `hg-dead` (DOCKER_CONTEXT)"), "{msg}");

    // DOCKER_HOST beats DOCKER_CONTEXT.
    let e = connect(&quick(
        None,
        &[
            ("DOCKER_CONFIG", &cfg),
            ("DOCKER_CONTEXT", "hg-dead"),
            ("DOCKER_HOST", &good),
        ],
    ))
    .await
    .unwrap();
    assert_eq!(e.endpoint().context, None);

    // --context beats DOCKER_HOST.
    let mut o = quick(None, &[("DOCKER_CONFIG", &cfg), ("DOCKER_HOST", dead)]);
    o.context = Some("hg-live".into());
    let e = connect(&o).await.unwrap();
    assert_eq!(e.endpoint().context.as_deref(), Some("hg-live"));

    // --host beats everything.
    let o = quick(
        Some(good.clone()),
        &[
            ("DOCKER_CONFIG", &cfg),
            ("DOCKER_HOST", dead),
            ("DOCKER_CONTEXT", "hg-dead"),
        ],
    );
    let e = connect(&o).await.unwrap();
    assert_eq!(e.endpoint().host, good);
    assert!(e.api_version().is_some());
}

/// CA, server and client certificates (PEM) in `dir`: `ca.pem`,
/// `server-cert.pem`, `server-key.pem`, `cert.pem`, `key.pem`.
fn make_certs(dir: &Path) {
    use rcgen::{
        BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose,
        IsCa, KeyPair, KeyUsagePurpose,
    };
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "hullguard test CA");
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    std::fs::write(dir.join("ca.pem"), ca.pem()).unwrap();

    let server_key = KeyPair::generate().unwrap();
    let mut server =
        CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
    server
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_cert = server.signed_by(&server_key, &ca).unwrap();
    std::fs::write(dir.join("server-cert.pem"), server_cert.pem()).unwrap();
    std::fs::write(dir.join("server-key.pem"), server_key.serialize_pem()).unwrap();

    let client_key = KeyPair::generate().unwrap();
    let mut client = CertificateParams::new(Vec::<String>::new()).unwrap();
    client
        .distinguished_name
        .push(DnType::CommonName, "hullguard client");
    client.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client_cert = client.signed_by(&client_key, &ca).unwrap();
    std::fs::write(dir.join("cert.pem"), client_cert.pem()).unwrap();
    std::fs::write(dir.join("key.pem"), client_key.serialize_pem()).unwrap();
}

/// A second engine is needed: only when the harness may start daemons.
fn can_start_daemons() -> bool {
    let root = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false);
    let ok = root && find_program("dockerd").is_some();
    if !ok && std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true: this test starts its own dockerd and needs root and dockerd");
    }
    ok
}

#[tokio::test]
async fn tls_with_client_certificates_and_without() {
    if !can_start_daemons() {
        eprintln!("skipping: cannot start a private dockerd (needs root and dockerd)");
        return;
    }
    let certs = tempfile::tempdir().unwrap();
    make_certs(certs.path());
    let port = free_port();
    let p = |name: &str| certs.path().join(name).display().to_string();
    let daemon = tokio::task::spawn_blocking({
        let args = vec![
            format!("--host=tcp://127.0.0.1:{port}"),
            "--tlsverify".to_string(),
            format!("--tlscacert={}", p("ca.pem")),
            format!("--tlscert={}", p("server-cert.pem")),
            format!("--tlskey={}", p("server-key.pem")),
        ];
        move || {
            PrivateDaemon::start(DaemonOptions {
                extra_args: args,
                isolated_network: true,
                ..DaemonOptions::default()
            })
        }
    })
    .await
    .unwrap()
    .unwrap_or_else(|e| panic!("{e}"));
    let host = format!("tcp://127.0.0.1:{port}");
    let cert_path = certs.path().to_str().unwrap();

    let engine = connect(&quick(
        None,
        &[
            ("DOCKER_HOST", &host),
            ("DOCKER_TLS_VERIFY", "1"),
            ("DOCKER_CERT_PATH", cert_path),
        ],
    ))
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", daemon.log_tail()));
    assert!(engine.endpoint().tls);
    assert!(engine.endpoint().local);
    let snap = collect(&engine, &CollectOptions::default()).await.unwrap();
    assert!(snap.version.get("ApiVersion").is_some());
    // Local over loopback: host facts found this very daemon and its TLS files.
    let host_facts = snap
        .host
        .as_ref()
        .expect("host facts for a loopback engine");
    let args = host_facts.dockerd_args.as_ref().expect("dockerd found");
    assert!(args.iter().any(|a| a == "--tlsverify"), "{args:?}");
    let key = host_facts
        .files
        .iter()
        .find(|f| f.role.as_deref() == Some("tls-key"))
        .expect("the server key is named");
    assert!(key.exists && key.content.is_none() && key.mode.is_some());
    // bollard rides on the same TLS connection.
    let version = engine.docker().version().await.unwrap();
    assert!(version.api_version.is_some());

    // Without the client certificate: refused, and the message says why.
    let ca_only = tempfile::tempdir().unwrap();
    std::fs::copy(certs.path().join("ca.pem"), ca_only.path().join("ca.pem")).unwrap();
    let msg = connect(&quick(
        None,
        &[
            ("DOCKER_HOST", &host),
            ("DOCKER_TLS_VERIFY", "1"),
            ("DOCKER_CERT_PATH", ca_only.path().to_str().unwrap()),
        ],
    ))
    .await
    .unwrap_err()
    .to_string();
    assert!(msg.contains(&host) && msg.contains("DOCKER_HOST"), "{msg}");
    assert!(msg.contains("no client certificate"), "{msg}");

    // A server certificate from another CA: not trusted.
    let other = tempfile::tempdir().unwrap();
    make_certs(other.path());
    let msg = connect(&quick(
        None,
        &[
            ("DOCKER_HOST", &host),
            ("DOCKER_TLS_VERIFY", "1"),
            ("DOCKER_CERT_PATH", other.path().to_str().unwrap()),
        ],
    ))
    .await
    .unwrap_err()
    .to_string();
    assert!(msg.to_lowercase().contains("certificate"), "{msg}");

    // Plain HTTP to a TLS port: the engine's own answer is shown.
    let msg = connect(&quick(Some(host.clone()), &[]))
        .await
        .unwrap_err()
        .to_string();
    assert!(msg.contains(&host), "{msg}");
    drop(daemon);
}

#[tokio::test]
async fn ssh_endpoints_run_docker_system_dial_stdio() {
    let te = engine_or_skip!();
    let (Some(socket), Some(docker_cli)) = (te.socket(), find_program("docker")) else {
        eprintln!("skipping: needs a unix-socket engine and the docker CLI");
        return;
    };
    // A stand-in `ssh` that records its arguments and dials the local engine
    // the way the remote `docker system dial-stdio` would.
    let bin = tempfile::tempdir().unwrap();
    let log = bin.path().join("args");
    let script = format!(
        "#!/bin/sh\necho \"$@\" >> '{}'\nexec '{}' -H 'unix://{}' system dial-stdio\n",
        log.display(),
        docker_cli.display(),
        socket.display()
    );
    let ssh = bin.path().join("ssh");
    std::fs::write(&ssh, script).unwrap();
    std::fs::set_permissions(&ssh, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = bin.path().to_str().unwrap();

    let engine = connect(&quick(
        Some("ssh://auditor@engine.example:2222".into()),
        &[("PATH", path)],
    ))
    .await
    .unwrap();
    assert!(!engine.endpoint().local);
    let snap = collect(&engine, &CollectOptions::default()).await.unwrap();
    assert!(snap.info.get("ID").is_some());
    assert!(snap.host.is_none(), "no host facts for a remote engine");
    let args = std::fs::read_to_string(&log).unwrap();
    let first = args.lines().next().unwrap();
    assert!(
        first.ends_with("-l auditor -p 2222 -- engine.example docker system dial-stdio"),
        "{first}"
    );

    let msg = connect(&quick(
        Some("ssh://engine.example".into()),
        &[("PATH", "/nonexistent")],
    ))
    .await
    .unwrap_err()
    .to_string();
    assert!(msg.contains("ssh") && msg.contains("PATH"), "{msg}");
}

#[tokio::test]
async fn a_real_snapshot_survives_save_and_load() {
    let te = engine_or_skip!();
    let _shared = ENGINE_LOCK.read().await;
    let engine = te.connect().await;
    import_busybox(&engine, BUSYBOX).await;
    let cs = te.containers(&engine);
    cs.create("saved", ContainerCreateBody::default()).await;
    let snap = collect(&engine, &CollectOptions::default()).await.unwrap();
    cs.cleanup().await;

    let mut bytes = Vec::new();
    snap.to_writer(&mut bytes).unwrap();
    let back = Snapshot::from_reader(bytes.as_slice()).unwrap();
    assert_eq!(
        serde_json::to_value(&back).unwrap(),
        serde_json::to_value(&snap).unwrap()
    );

    let mut doc: Value = serde_json::from_slice(&bytes).unwrap();
    doc["format"] = Value::from(99);
    let err = Snapshot::from_reader(doc.to_string().as_bytes()).unwrap_err();
    assert!(
        matches!(err, SnapshotError::Format { found: 99, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("format 99"), "{err}");

    let err = Snapshot::from_reader(&b"{\"containers\": []}"[..]).unwrap_err();
    assert!(
        err.to_string().contains("not a hullguard snapshot"),
        "{err}"
    );

    let err = Snapshot::from_reader_with_limit(bytes.as_slice(), 100).unwrap_err();
    assert!(
        matches!(err, SnapshotError::TooLarge { limit: 100 }),
        "{err}"
    );
}

#[tokio::test]
async fn host_facts_describe_the_private_daemon() {
    let te = engine_or_skip!();
    let Some(daemon) = te.daemon() else {
        eprintln!("skipping: the test engine was not started by the harness");
        return;
    };
    let engine = te.connect().await;
    let snap = collect(&engine, &CollectOptions::default()).await.unwrap();
    let h = snap.host.as_ref().expect("host facts for a local engine");
    let args = h
        .dockerd_args
        .as_ref()
        .expect("the private dockerd was found");
    let socket = daemon.socket.display().to_string();
    assert!(args.iter().any(|a| a.contains(&socket)), "{args:?}");
    let dj = h.daemon_json.as_ref().unwrap();
    assert_eq!(Path::new(&dj.path), daemon.config_file);
    assert_eq!(dj.content.as_deref().map(str::trim), Some("{}"));
    let by_path: BTreeMap<&str, &hullguard_engine::FileFact> =
        h.files.iter().map(|f| (f.path.as_str(), f)).collect();
    let sock = by_path[socket.as_str()];
    assert_eq!(sock.kind.as_deref(), Some("socket"));
    assert_eq!(sock.uid, Some(0));
    let root = snap.info["DockerRootDir"].as_str().unwrap();
    assert_eq!(by_path[root].kind.as_deref(), Some("dir"));
    assert_eq!(h.docker_root_is_mount, Some(false));
    assert!(
        h.containerd_args.is_some(),
        "the managed containerd was found"
    );
}
