//! What a run would cost on AWS, as an estimate at published on-demand prices.
//!
//! Prices: AWS Step Functions pricing, https://aws.amazon.com/step-functions/pricing/
//! (US East (N. Virginia); read 2026-12-03):
//! - Standard workflows: $0.025 per 1,000 state transitions (a free tier of 4,000
//!   transitions a month exists and is not applied here).
//! - Express workflows: $1.00 per million requests, and duration at $0.00001667 per
//!   GB-second ($0.06 per GB-hour, the first tier), with duration rounded up to the next
//!   100 ms and memory billed in 64 MB chunks. The memory an Express run uses depends on
//!   its definition and payloads; the estimate takes the smallest chunk, 64 MB.
//!
//! State transitions are counted as AWS bills them: "a state transition each time a step
//! of your workflow is executed", "each retry will be charged as an additional state
//! transition" (the pricing page above); an Inline Map's iterations are not charged as
//! such (the states inside them are steps), a Distributed Map is charged one transition per
//! child workflow execution ("Transitions",
//! https://docs.aws.amazon.com/step-functions/latest/dg/concepts-transitions.html).

use super::Visit;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// The price list in one place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Prices {
    pub region: Cow<'static, str>,
    pub source: Cow<'static, str>,
    /// When the prices were read.
    pub date: Cow<'static, str>,
    pub standard_per_transition_usd: f64,
    pub express_per_request_usd: f64,
    pub express_per_gb_second_usd: f64,
    pub express_memory_mb: f64,
    pub express_duration_step_ms: i64,
}

pub const PRICES: Prices = Prices {
    region: Cow::Borrowed("us-east-1"),
    source: Cow::Borrowed("https://aws.amazon.com/step-functions/pricing/"),
    date: Cow::Borrowed("2026-12-03"),
    standard_per_transition_usd: 0.025 / 1000.0,
    express_per_request_usd: 1.0 / 1_000_000.0,
    express_per_gb_second_usd: 0.06 / 3600.0,
    express_memory_mb: 64.0,
    express_duration_step_ms: 100,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cost {
    pub standard_usd: f64,
    pub express_usd: f64,
    /// The duration an Express run is billed for (rounded up to 100 ms).
    pub express_billed_ms: i64,
    pub express_memory_mb: f64,
    /// Express workflows run for at most five minutes; a longer run could not be one.
    pub express_within_limits: bool,
    pub prices: Prices,
}

/// One per visit (every state entered, inline Map iterations' states included), one more
/// per retry, one per Distributed Map child execution.
pub(crate) fn state_transitions(visits: &[Visit], distributed_children: u64) -> u64 {
    let retries: usize = visits.iter().map(|v| v.attempts.saturating_sub(1)).sum();
    (visits.len() + retries) as u64 + distributed_children
}

pub(crate) fn estimate(transitions: u64, duration_ms: i64) -> Cost {
    let p = PRICES;
    let step = p.express_duration_step_ms;
    let billed = (duration_ms.max(0) + step - 1) / step * step;
    let billed = billed.max(step);
    let gb_seconds = billed as f64 / 1000.0 * p.express_memory_mb / 1024.0;
    Cost {
        standard_usd: transitions as f64 * p.standard_per_transition_usd,
        express_usd: p.express_per_request_usd + gb_seconds * p.express_per_gb_second_usd,
        express_billed_ms: billed,
        express_memory_mb: p.express_memory_mb,
        express_within_limits: duration_ms <= 5 * 60 * 1000,
        prices: p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_follow_the_published_examples() {
        // The pricing page's Express example: 10 s at 64 MB is 0.625 GB-s.
        let c = estimate(0, 10_000);
        assert_eq!(c.express_billed_ms, 10_000);
        let duration = 0.625 * 0.06 / 3600.0;
        assert!((c.express_usd - (1e-6 + duration)).abs() < 1e-15);
        // 1,000 transitions cost $0.025.
        assert!((estimate(1000, 0).standard_usd - 0.025).abs() < 1e-12);
        // Rounded up to the next 100 ms, and never below it.
        assert_eq!(estimate(1, 101).express_billed_ms, 200);
        assert_eq!(estimate(1, 0).express_billed_ms, 100);
        assert!(!estimate(1, 300_001).express_within_limits);
    }
}
