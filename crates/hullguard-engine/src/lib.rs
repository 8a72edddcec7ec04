//! The live Docker engine, seen read-only: how to reach it ([`connect`]), a
//! [`Snapshot`] of everything the audit needs ([`collect`], one bounded
//! concurrent pass of GET requests, plus [`host`] facts when the engine is
//! local), saved or loaded as JSON (`hullguard audit --save` / `--from`), so
//! that rules run on plain data and rule tests run on recorded snapshots.

pub mod collect;
pub mod connect;
pub mod host;
mod transport;

pub use collect::{collect, CollectError, CollectOptions, Progress};
pub use connect::{
    connect, connect_to, resolve_endpoint, ConnectError, ConnectOptions, EndpointConfig, Engine,
    Origin, RequestError, TlsFiles, DEFAULT_HOST, MAX_RESPONSE_BYTES,
};
/// The snapshot model (its own crate, so rules need not build the client).
pub use hullguard_snapshot as snapshot;
pub use hullguard_snapshot::*;

/// bollard, as this crate uses it (for [`Engine::docker`]'s types).
pub use bollard;
