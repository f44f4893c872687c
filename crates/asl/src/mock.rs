//! Step Functions Local's MockConfigFile: test cases that map state names to mocked
//! responses, each a list of `Return`/`Throw` answers keyed by invocation ranges
//! (`"0"`, `"1-2"`). Format: https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html
//!
//! One extension, for the virtual clock: an answer may carry `"DurationSeconds": n`, the
//! simulated time the call takes, so a Task's TimeoutSeconds/HeartbeatSeconds can fire.

use serde_json::Value;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Return(Value),
    Throw { error: String, cause: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub answer: Answer,
    pub duration_seconds: f64,
}

/// The answers for one state, in invocation order.
#[derive(Debug, Clone, Default)]
pub struct Responses {
    /// (first, last) invocation index (inclusive) and the answer.
    ranges: Vec<(u64, u64, Response)>,
}

impl Responses {
    /// The answer for the `n`th invocation (0-based). Past the last defined invocation the
    /// last answer keeps being given, so a retried state never runs out of answers.
    pub fn get(&self, n: u64) -> Option<&Response> {
        // Ranges are sorted by their first index (see `load`): binary search, as a Map over
        // thousands of items may consult thousands of ranges.
        let i = self.ranges.partition_point(|(a, _, _)| *a <= n);
        if i > 0 {
            let (_, b, r) = &self.ranges[i - 1];
            if n <= *b {
                return Some(r);
            }
        }
        self.ranges
            .iter()
            .max_by_key(|(_, b, _)| *b)
            .map(|(_, _, r)| r)
    }
}

/// The mocks of one test case: state name → its answers.
#[derive(Debug, Clone, Default)]
pub struct TestCase {
    pub states: HashMap<String, Responses>,
}

/// Parse a mock file and pick the test case.
///
/// `state_machine`: the entry of `StateMachines` to use; None picks the only one (an error
/// when there are several). `test_case`: required when the file has any.
pub fn load(
    text: &str,
    state_machine: Option<&str>,
    test_case: Option<&str>,
) -> Result<TestCase, String> {
    let doc: Value = serde_json::from_str(text)
        .map_err(|e| format!("The mock config is not valid JSON: {e}"))?;
    let machines = doc
        .get("StateMachines")
        .and_then(Value::as_object)
        .ok_or("The mock config needs a 'StateMachines' object")?;
    let responses = doc
        .get("MockedResponses")
        .and_then(Value::as_object)
        .ok_or("The mock config needs a 'MockedResponses' object")?;
    let machine = match state_machine {
        Some(name) => machines.get(name).ok_or_else(|| {
            format!(
                "The mock config has no state machine '{name}' (it has: {})",
                machines.keys().cloned().collect::<Vec<_>>().join(", ")
            )
        })?,
        None => {
            if machines.len() != 1 {
                return Err(format!(
                    "The mock config names {} state machines ({}); pick one with --state-machine",
                    machines.len(),
                    machines.keys().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
            machines
                .values()
                .next()
                .ok_or("The mock config names no state machine")?
        }
    };
    let cases = machine
        .get("TestCases")
        .and_then(Value::as_object)
        .ok_or("The state machine entry of the mock config needs 'TestCases'")?;
    let Some(case_name) = test_case else {
        return Err(format!(
            "A test case is required with a mock config (it has: {})",
            cases.keys().cloned().collect::<Vec<_>>().join(", ")
        ));
    };
    let case = match cases.get(case_name) {
        Some(Value::Object(case)) => case,
        Some(other) => {
            return Err(format!(
                "Test case '{case_name}' must be an object mapping state names to mocked responses, not {}",
                crate::error::json_type(other)
            ))
        }
        None => {
            return Err(format!(
                "The mock config has no test case '{case_name}' (it has: {})",
                cases.keys().cloned().collect::<Vec<_>>().join(", ")
            ))
        }
    };
    let mut out = TestCase::default();
    for (state, response_name) in case {
        let response_name = response_name.as_str().ok_or_else(|| {
            format!(
                "Test case '{case_name}': the mock of state '{state}' must name a mocked response"
            )
        })?;
        let answers = responses
            .get(response_name)
            .and_then(Value::as_object)
            .ok_or_else(|| {
                format!("MockedResponses has no entry '{response_name}' (used by state '{state}')")
            })?;
        let mut ranges = Vec::new();
        for (key, answer) in answers {
            let (a, b) = parse_range(key)
                .ok_or_else(|| format!("MockedResponses.{response_name}: '{key}' is not an invocation index or range like \"0\" or \"1-2\""))?;
            ranges.push((
                a,
                b,
                parse_answer(answer)
                    .map_err(|e| format!("MockedResponses.{response_name}.{key}: {e}"))?,
            ));
        }
        if ranges.is_empty() {
            return Err(format!(
                "MockedResponses.{response_name} defines no response"
            ));
        }
        ranges.sort_by_key(|(a, b, _)| (*a, *b));
        // Two ranges claiming one invocation would make the answer depend on the order of
        // the keys; refused, naming both.
        for pair in ranges.windows(2) {
            let ((a1, b1, _), (a2, b2, _)) = (&pair[0], &pair[1]);
            if a2 <= b1 {
                return Err(format!(
                    "MockedResponses.{response_name}: the invocation ranges '{}' and '{}' overlap; each invocation may have one answer",
                    range_text(*a1, *b1),
                    range_text(*a2, *b2)
                ));
            }
        }
        out.states.insert(state.clone(), Responses { ranges });
    }
    Ok(out)
}

fn range_text(a: u64, b: u64) -> String {
    if a == b {
        a.to_string()
    } else {
        format!("{a}-{b}")
    }
}

fn parse_range(key: &str) -> Option<(u64, u64)> {
    let (a, b) = match key.split_once('-') {
        Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
        None => {
            let n = key.trim().parse().ok()?;
            (n, n)
        }
    };
    (a <= b).then_some((a, b))
}

fn parse_answer(v: &Value) -> Result<Response, String> {
    let duration_seconds = match v.get("DurationSeconds") {
        None => 0.0,
        Some(d) => d
            .as_f64()
            .filter(|d| *d >= 0.0 && d.is_finite())
            .ok_or("DurationSeconds must be a non-negative number")?,
    };
    let answer = match (v.get("Return"), v.get("Throw")) {
        (Some(r), None) => Answer::Return(r.clone()),
        (None, Some(t)) => Answer::Throw {
            // AWS accepts a Throw without an Error and records the failure without an error
            // field; the empty name stands for that.
            error: match t.get("Error") {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(_) => return Err("a Throw's 'Error' must be a string".into()),
            },
            cause: match t.get("Cause") {
                None => String::new(),
                Some(Value::String(c)) => c.clone(),
                Some(other) => {
                    return Err(format!(
                        "Throw's 'Cause' must be a string, not {} (write the text AWS would report, e.g. JSON as a string)",
                        crate::error::json_type(other)
                    ))
                }
            },
        },
        _ => return Err("a mocked response needs exactly one of 'Return' or 'Throw'".into()),
    };
    Ok(Response {
        answer,
        duration_seconds,
    })
}

impl TestCase {
    /// Mocked state names that no state of the definition has (a typo, or a mock file
    /// written for another version of the workflow): these mocks would never answer.
    pub fn unknown_states(&self, known: &std::collections::HashSet<&str>) -> Vec<String> {
        let mut v: Vec<String> = self
            .states
            .keys()
            .filter(|k| !known.contains(k.as_str()))
            .cloned()
            .collect();
        v.sort();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"{
      "StateMachines": {"M": {"TestCases": {"Happy": {"A": "R"}}}},
      "MockedResponses": {"R": {
        "0": {"Throw": {"Error": "E", "Cause": "c"}},
        "1-2": {"Return": {"x": 1}, "DurationSeconds": 5}
      }}
    }"#;

    #[test]
    fn ranges_pick_answers_and_the_last_repeats() {
        let case = load(FILE, None, Some("Happy")).expect("loads");
        let r = &case.states["A"];
        assert!(matches!(
            r.get(0).map(|x| &x.answer),
            Some(Answer::Throw { .. })
        ));
        assert_eq!(r.get(2).map(|x| x.duration_seconds), Some(5.0));
        assert!(matches!(
            r.get(9).map(|x| &x.answer),
            Some(Answer::Return(_))
        ));
    }

    /// A Throw may leave out its Error (AWS then records a failure with no error name); an
    /// Error that is not a string is still refused.
    /// https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html
    #[test]
    fn throw_without_error_loads() {
        let file = r#"{
          "StateMachines": {"M": {"TestCases": {"T": {"A": "R"}}}},
          "MockedResponses": {"R": {"0": {"Throw": {"Cause": "only a cause"}}}}
        }"#;
        let case = load(file, None, Some("T")).expect("loads");
        match case.states["A"].get(0).map(|x| &x.answer) {
            Some(Answer::Throw { error, cause }) => {
                assert_eq!(error, "");
                assert_eq!(cause, "only a cause");
            }
            other => panic!("{other:?}"),
        }
        let bad = file.replace(r#"{"Cause""#, r#"{"Error": 5, "Cause""#);
        assert!(load(&bad, None, Some("T")).is_err());
    }

    #[test]
    fn errors_name_what_is_missing() {
        assert!(load(FILE, Some("Other"), Some("Happy"))
            .unwrap_err()
            .contains("'Other'"));
        assert!(load(FILE, None, Some("Nope"))
            .unwrap_err()
            .contains("Happy"));
        assert!(load("{", None, None).is_err());
    }

    fn one(responses: &str) -> String {
        let text = format!(
            r#"{{"StateMachines": {{"M": {{"TestCases": {{"T": {{"A": "R"}}}}}}}}, "MockedResponses": {{"R": {responses}}}}}"#
        );
        load(&text, None, Some("T")).unwrap_err()
    }

    #[test]
    fn lenient_mock_files_are_refused_with_the_place() {
        // Reproducers 14 and 17 of issue 14 (hostile inputs).
        let e = one(r#"{"0": {"Throw": {"Error": "E", "Cause": {"a": 1}}}}"#);
        assert!(
            e.contains("MockedResponses.R.0") && e.contains("'Cause' must be a string, not object"),
            "{e}"
        );
        let e = one(r#"{"0-5": {"Throw": {"Error": "E"}}, "0": {"Return": 1}}"#);
        assert!(
            e.contains("MockedResponses.R") && e.contains("'0' and '0-5' overlap"),
            "{e}"
        );
        let e = load(
            r#"{"StateMachines": {"M": {"TestCases": {"HappyPath": "x"}}}, "MockedResponses": {}}"#,
            None,
            Some("HappyPath"),
        )
        .unwrap_err();
        assert!(
            e.contains("Test case 'HappyPath' must be an object") && e.contains("not string"),
            "{e}"
        );
        // Adjacent ranges do not overlap.
        let text = r#"{"StateMachines": {"M": {"TestCases": {"T": {"A": "R"}}}}, "MockedResponses": {"R": {"0-1": {"Return": 1}, "2": {"Return": 2}}}}"#;
        assert!(load(text, None, Some("T")).is_ok());
    }
}
