//! stepbridge patch: a per-thread budget of backtracking steps.
//!
//! The classical backtracker spends one unit each time it backtracks. Once the budget is
//! spent every further match attempt fails at its first backtrack, so searches end quickly
//! with "no match"; the caller tells that apart from a real non-match with [`exhausted`].

use core::cell::Cell;

std::thread_local! {
    static LEFT: Cell<u64> = const { Cell::new(u64::MAX) };
    static EXHAUSTED: Cell<bool> = const { Cell::new(false) };
}

/// Sets the budget for the searches that follow on this thread and clears the exhausted flag.
pub fn set(steps: u64) {
    LEFT.with(|l| l.set(steps));
    EXHAUSTED.with(|e| e.set(false));
}

/// Backtracking steps left on this thread.
pub fn remaining() -> u64 {
    LEFT.with(Cell::get)
}

/// Whether a search ran out of budget since the last [`set`].
pub fn exhausted() -> bool {
    EXHAUSTED.with(Cell::get)
}

/// Spends one step; false when none is left (and marks the budget exhausted).
#[inline]
pub(crate) fn spend() -> bool {
    LEFT.with(|l| match l.get() {
        0 => {
            EXHAUSTED.with(|e| e.set(true));
            false
        }
        n => {
            l.set(n - 1);
            true
        }
    })
}
