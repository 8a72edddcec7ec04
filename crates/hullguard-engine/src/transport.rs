//! The byte stream to an engine: a unix socket, plain TCP, TCP with rustls, or
//! `ssh HOST docker system dial-stdio` (what the Docker CLI runs for `ssh://`),
//! wrapped as a connector for hyper's pooled HTTP/1.1 client.
//!
//! Our own connector (rather than bollard's) lets the raw GETs of the audit and
//! bollard's typed client share one connection path, one TLS configuration and
//! one timeout, and lets us bound every response body.

use hyper::rt::{Read, ReadBufCursor, Write};
use hyper::Uri;
use hyper_util::client::legacy::connect::{Connected, Connection};
use hyper_util::rt::TokioIo;
use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpStream, UnixStream};
use tokio::process::{Child, ChildStdin, ChildStdout};
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::ClientConfig;
use tokio_rustls::TlsConnector;

/// Where the bytes go.
pub(crate) enum Target {
    Unix(PathBuf),
    Tcp {
        host: String,
        port: u16,
    },
    Tls {
        host: String,
        port: u16,
        config: Arc<ClientConfig>,
        server_name: ServerName<'static>,
    },
    /// `program args...`; its stdin and stdout are the connection.
    Ssh {
        program: PathBuf,
        args: Vec<String>,
    },
}

/// hyper-util connector: every new connection is opened to the one target,
/// whatever the request URI says (it is always `http://docker/...`).
#[derive(Clone)]
pub(crate) struct Connector {
    target: Arc<Target>,
    timeout: Duration,
}

impl Connector {
    pub(crate) fn new(target: Target, timeout: Duration) -> Self {
        Connector {
            target: Arc::new(target),
            timeout,
        }
    }
}

impl tower_service::Service<Uri> for Connector {
    type Response = Conn;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<Conn>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _uri: Uri) -> Self::Future {
        let target = Arc::clone(&self.target);
        let timeout = self.timeout;
        Box::pin(async move {
            match tokio::time::timeout(timeout, open(&target)).await {
                Ok(io) => io.map(|io| Conn(TokioIo::new(io))),
                Err(_) => Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("no connection after {}s", timeout.as_secs_f32()),
                )),
            }
        })
    }
}

async fn open(target: &Target) -> io::Result<Io> {
    match target {
        Target::Unix(path) => UnixStream::connect(path).await.map(Io::Unix),
        Target::Tcp { host, port } => {
            let tcp = TcpStream::connect((host.as_str(), *port)).await?;
            // Requests are small and answered at once: do not wait for Nagle.
            tcp.set_nodelay(true)?;
            Ok(Io::Tcp(tcp))
        }
        Target::Tls {
            host,
            port,
            config,
            server_name,
        } => {
            let tcp = TcpStream::connect((host.as_str(), *port)).await?;
            tcp.set_nodelay(true)?;
            let tls = TlsConnector::from(Arc::clone(config))
                .connect(server_name.clone(), tcp)
                .await?;
            Ok(Io::Tls(Box::new(tls)))
        }
        Target::Ssh { program, args } => {
            let mut child = tokio::process::Command::new(program)
                .args(args)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                // A library never prints: ssh's own messages are dropped, and
                // the error says how to see them.
                .stderr(std::process::Stdio::null())
                .kill_on_drop(true)
                .spawn()
                .map_err(|e| {
                    io::Error::new(e.kind(), format!("cannot run `{}`: {e}", program.display()))
                })?;
            let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
                return Err(io::Error::other("ssh started without pipes"));
            };
            Ok(Io::Ssh(Box::new(SshIo {
                _child: child,
                stdin,
                stdout,
            })))
        }
    }
}

/// The child process of an `ssh://` connection; dropping it kills ssh.
pub(crate) struct SshIo {
    _child: Child,
    stdin: ChildStdin,
    stdout: ChildStdout,
}

pub(crate) enum Io {
    Unix(UnixStream),
    Tcp(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
    Ssh(Box<SshIo>),
}

impl AsyncRead for Io {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Io::Unix(s) => Pin::new(s).poll_read(cx, buf),
            Io::Tcp(s) => Pin::new(s).poll_read(cx, buf),
            Io::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
            Io::Ssh(s) => Pin::new(&mut s.stdout).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Io {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Io::Unix(s) => Pin::new(s).poll_write(cx, buf),
            Io::Tcp(s) => Pin::new(s).poll_write(cx, buf),
            Io::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
            Io::Ssh(s) => Pin::new(&mut s.stdin).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Io::Unix(s) => Pin::new(s).poll_flush(cx),
            Io::Tcp(s) => Pin::new(s).poll_flush(cx),
            Io::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
            Io::Ssh(s) => Pin::new(&mut s.stdin).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Io::Unix(s) => Pin::new(s).poll_shutdown(cx),
            Io::Tcp(s) => Pin::new(s).poll_shutdown(cx),
            Io::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
            Io::Ssh(s) => Pin::new(&mut s.stdin).poll_shutdown(cx),
        }
    }
}

/// hyper's view of a connection (hyper-util's `Connection` cannot be
/// implemented on `TokioIo` itself: both are foreign).
pub(crate) struct Conn(TokioIo<Io>);

impl Connection for Conn {
    fn connected(&self) -> Connected {
        Connected::new()
    }
}

impl Read for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_read(cx, buf)
    }
}

impl Write for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
    }
}
