//! The live Docker engine, seen read-only: how to reach it ([`connect`], being
//! written), and a [`Snapshot`] of everything the audit needs, collected in one
//! pass and saved or loaded as JSON (`hullguard audit --save` / `--from`), so
//! that rules run on plain data and rule tests run on recorded snapshots.

pub mod snapshot;

pub use snapshot::*;
