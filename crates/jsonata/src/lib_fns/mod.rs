//! Pure helper functions behind JSONata's built-in function library.
//!
//! These mirror jsonata-js 2.0 (the implementation AWS Step Functions runs), quirks included,
//! because workflows written against AWS must format, parse and match exactly as they do there.
//! Everything here takes plain Rust values: argument validation (T04xx codes) and the
//! "undefined in, undefined out" rule belong to the evaluator that calls these functions.
//! Nothing here reads the clock or a random source, so it builds unchanged for wasm32.

mod datetime;
mod integer;
mod numbers;
mod regex;
mod strings;
mod url;

#[cfg(test)]
mod suite_cases;
#[cfg(test)]
mod tests;

pub use datetime::{from_millis, to_millis};
pub use integer::{format_integer, parse_integer};
pub use numbers::{
    format_base, format_number, number_to_string, parse_number, round_half_even, round_precision15,
    string_of_number, to_fixed, to_precision,
};
pub use regex::{
    contains_regex, expand_replacement, match_regex, replace_regex, replace_str, split_regex,
    split_str, JsRegex, RegexMatch,
};
pub use strings::{
    js_length, js_pad, js_substring, js_trim, substring_after, substring_before, utf16_len,
};
pub use url::{
    base64_decode, base64_encode, decode_url, decode_url_component, encode_url,
    encode_url_component,
};

/// A failure reported with jsonata-js's error code, so the evaluator can surface the same
/// `code` AWS shows (e.g. `D3080`) and add the position of the call itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FnError {
    /// jsonata-js error code, e.g. "D3110".
    pub code: &'static str,
    /// Human-readable explanation.
    pub message: String,
}

impl FnError {
    pub(crate) fn new(code: &'static str, message: impl Into<String>) -> Self {
        FnError {
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for FnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for FnError {}

/// Result of a library function.
pub type FnResult<T> = Result<T, FnError>;
