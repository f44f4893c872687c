//! Built-in examples, compiled in so the page works offline and from any static host.

pub struct Example {
    pub definition: &'static str,
    pub input: &'static str,
    pub mocks: &'static str,
    pub test_case: &'static str,
}

pub const ORDER_PROCESSING: Example = Example {
    definition: include_str!("../../static/examples/order-processing.asl.json"),
    input: include_str!("../../static/examples/order-processing.input.json"),
    mocks: include_str!("../../static/examples/order-processing.mocks.json"),
    test_case: "HappyPath",
};

pub const ORDER_PATTERN: &str = include_str!("../../static/examples/order-pattern.json");
pub const ORDER_EVENT: &str = include_str!("../../static/examples/order-event.json");
