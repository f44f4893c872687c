//! The run's work budget: a count of evaluation steps shared by everything a run evaluates.
//!
//! Each expression is bounded on its own (a JSONata evaluation by its step limit, a
//! JSONPath selection by [`crate::expr::jsonpath::MAX_SELECT_NODES`], an intrinsic by the
//! payload quota), but a definition that loops through a costly state thousands of times
//! would still keep the engine busy for hours before the 25,000-event history quota ends it.
//! AWS has no such limit (it bills the time instead), so the budget is this simulator's own:
//! expressions charge the steps they spend here, and the engine ends the run, naming the
//! budget, once the total reaches it. Kept per thread like the workflow variables, because
//! expressions are evaluated deep below the engine.

use std::cell::Cell;

/// Default steps per run: far above realistic workflows, and as many as one JSONata
/// evaluation may spend on its own; measured natively (release build), a run spending them
/// all takes about 1.5 s (JSONata spends about 7 million steps a second).
pub const DEFAULT_MAX_STEPS: u64 = 10_000_000;

thread_local! {
    static SPENT: Cell<u64> = const { Cell::new(0) };
    static LIMIT: Cell<u64> = const { Cell::new(DEFAULT_MAX_STEPS) };
}

/// Start a run with `limit` steps.
pub fn reset(limit: u64) {
    SPENT.with(|s| s.set(0));
    LIMIT.with(|l| l.set(limit.max(1)));
}

/// Record `steps` of work.
pub fn charge(steps: u64) {
    SPENT.with(|s| s.set(s.get().saturating_add(steps)));
}

/// Steps spent so far in this run.
pub fn spent() -> u64 {
    SPENT.with(Cell::get)
}

/// The run's budget.
pub fn limit() -> u64 {
    LIMIT.with(Cell::get)
}

/// Steps left (what a JSONata evaluation may spend at most).
pub fn remaining() -> u64 {
    limit().saturating_sub(spent())
}

/// Whether the run has used its whole budget.
pub fn exhausted() -> bool {
    spent() >= limit()
}

/// The cause a run ended by the budget reports.
pub fn exhausted_cause(state: &str) -> String {
    format!(
        "The run met its work budget of {} evaluation steps (maxSteps) in state '{state}' after {} steps; raise maxSteps to let it go on",
        limit(),
        spent()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_counts_and_saturates() {
        reset(10);
        charge(4);
        assert_eq!(remaining(), 6);
        assert!(!exhausted());
        charge(u64::MAX);
        assert!(exhausted());
        assert_eq!(remaining(), 0);
        reset(0);
        assert_eq!(limit(), 1);
    }
}
