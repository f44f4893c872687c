//! One module per state kind, each holding the kind's model, its static checks
//! (`impl Validator`) and its execution (`impl Engine`). The shared machinery lives in
//! [`crate::engine`] (the loop, data flow, retry and catch, JSONata glue), [`crate::model`]
//! (the compiled machine) and [`crate::validate`] (scopes, names, field tables).

pub(crate) mod choice;
pub(crate) mod map;
pub(crate) mod parallel;
pub(crate) mod pass;
pub(crate) mod task;
pub(crate) mod terminal;
pub(crate) mod wait;
