//! Stack-depth protection for deep recursion.
//!
//! JSONata programs recurse (non-tail recursive lambdas, deeply nested data), and the
//! evaluator is a recursive tree walker. Natively the stack is grown on demand (`stacker`),
//! so only the configured depth limit applies. On wasm32 the stack cannot grow, so the
//! evaluator measures how much stack it has used (by the address of a local) and fails with
//! U1001 before the 1 MiB default wasm stack runs out.

/// Runs `f`, first making sure a comfortable amount of stack is available (native only).
#[cfg(not(target_arch = "wasm32"))]
#[inline(always)]
pub fn guarded<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(256 * 1024, 4 * 1024 * 1024, f)
}

#[cfg(target_arch = "wasm32")]
#[inline(always)]
pub fn guarded<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// Approximate current stack position.
#[inline(never)]
pub fn position() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// Stack a wasm32 evaluation may use before failing with U1001.
#[cfg(target_arch = "wasm32")]
pub const WASM_STACK_BUDGET: usize = 640 * 1024;

/// Whether the stack used since `base` exceeds the budget (never on native builds, whose
/// stack grows on demand).
#[inline(always)]
pub fn exhausted(base: usize) -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        base.saturating_sub(position()) > WASM_STACK_BUDGET
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = base;
        false
    }
}
