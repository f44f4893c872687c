//! What the playground shows about a state machine and its runs, computed from plain JSON
//! (the definition as a value, a `RunOutcome` as the engines serialise it) so that the
//! browser worker, the CLI and native tests share one implementation and none of it needs
//! a browser to be tested.

pub mod cli;
pub mod compare;
mod flow;
pub mod graph;
pub mod practice;
pub mod protocol;
pub mod share;
mod skeleton;
pub mod suggest;
pub mod trace;
pub mod visits;
pub mod vocab;
