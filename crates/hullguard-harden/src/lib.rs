//! `hullguard harden`: write the fix.
//!
//! A hardening *action* adds one setting that is missing (it never reverses a
//! setting the user wrote: an explicit `read_only: false` is a decision, listed as
//! remaining work). An action is proposed only when it closes at least one
//! finding: the rules are run on the spec as it is and on the spec with the
//! action applied, and the findings that disappear are the ones the action
//! closes (named in the override's comments). The rules decide, not a table kept
//! in sync by hand.
//!
//! The output is a compose override file ([`harden_compose`]) or `docker run`
//! flags ([`harden_run`]).

mod actions;
mod compose;
mod run;
mod users;

pub use actions::{Action, HardenOptions, Plan, PlannedAction};
pub use compose::{harden_compose, ComposeHardening};
pub use run::{harden_run, RunHardening};
pub use users::created_users;
