//! The 18 intrinsic functions (`States.Format(...)` and friends).
//! Owner: the "expressions" work. CONTRACT used by the executor:
//!
//! - `Intrinsic::parse(text) -> Result<Intrinsic, String>` (nested calls, escapes, paths).
//! - `Intrinsic::evaluate(&self, input, context, rng: &mut crate::rng::Rng)
//!    -> Result<Value, StatesError>` (`States.IntrinsicFailure` on bad arguments).
