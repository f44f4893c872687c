//! What the playground shows about a state machine and its runs, computed from plain JSON
//! (the definition as a value, a `RunOutcome` as the engines serialise it) so that the
//! browser worker, the CLI and native tests share one implementation and none of it needs
//! a browser to be tested.

pub mod cli;
mod flow;
mod skeleton;
pub mod suggest;
pub mod vocab;
pub mod protocol;
pub mod compare;
pub mod graph;
pub mod trace;
pub mod share;
