//! The normalised runtime configuration of one container ([`ContainerSpec`]), the
//! centre of hullguard's architecture (`DESIGN.md`): compose services, `docker run`
//! command lines and Engine API documents are all turned into it, and the container
//! rules are written once against it.
//!
//! Every value remembers where it came from ([`At`]): a byte span in a file, or a
//! JSON pointer into an API document. A setting that is present but could not be
//! interpreted (an unresolved `${VAR}`, a value of the wrong type) is
//! [`Setting::Unknown`], never guessed: rules neither fire on it nor treat it as
//! missing.

pub mod api;
pub mod parse;
mod spec;

pub use spec::*;
