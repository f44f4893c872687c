//! Built-in examples, compiled in so the page works offline and from any static host.

pub struct Example {
    /// Shown in the example picker.
    pub title: &'static str,
    pub definition: &'static str,
    pub input: &'static str,
    pub mocks: &'static str,
    pub test_case: &'static str,
}

const ORDER_INPUT: &str = include_str!("../../static/examples/order-processing.input.json");
const ORDER_MOCKS: &str = include_str!("../../static/examples/order-processing.mocks.json");

/// The state machine examples, in picker order; the first is the one the page opens with.
/// Both order workflows share the input and mocks, so switching query language alone shows
/// what JSONata changes and what stays the same.
pub const STATE_MACHINES: &[Example] = &[
    Example {
        title: "Order processing (JSONPath)",
        definition: include_str!("../../static/examples/order-processing.asl.json"),
        input: ORDER_INPUT,
        mocks: ORDER_MOCKS,
        test_case: "HappyPath",
    },
    Example {
        title: "Order processing (JSONata, variables)",
        definition: include_str!("../../static/examples/order-processing-jsonata.asl.json"),
        input: ORDER_INPUT,
        mocks: ORDER_MOCKS,
        test_case: "HappyPath",
    },
];

pub const ORDER_PATTERN: &str = include_str!("../../static/examples/order-pattern.json");
pub const ORDER_EVENT: &str = include_str!("../../static/examples/order-event.json");
