//! Compose projects: the YAML with source positions, interpolation, the merge of
//! several files, `extends`, `include` and profiles, and the conversion of each
//! service into a [`ContainerSpec`](hullguard_container::ContainerSpec).

pub mod convert;
pub mod env;
pub mod interpolate;
pub mod loader;
pub mod node;
pub mod project;
pub mod yaml;
