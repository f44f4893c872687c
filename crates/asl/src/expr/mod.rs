//! The expression layer: JSONPath, intrinsic functions, Parameters-style templates, JSONata
//! queries, workflow variables, payload sizes and Choice rules. Nothing here knows about
//! states; the states and the engine call in.

pub(crate) mod budget;
pub(crate) mod choice;
pub(crate) mod intrinsics;
pub(crate) mod jsonpath;
pub(crate) mod query;
pub(crate) mod size;
pub(crate) mod template;
pub(crate) mod vars;

#[cfg(test)]
mod tests;
