//! Tests of the expression layer through its internal API (paths, intrinsics, templates,
//! Choice rules), property tests across it, and the payload-size bounds.

mod choice;
mod intrinsics;
mod jsonpath;
mod payload_bounds;
mod props;
mod template;
