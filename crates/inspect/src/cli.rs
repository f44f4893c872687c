//! "Copy as AWS CLI": the commands that run what is on screen in a real account, so a user
//! can check our answer against AWS. Option names from the AWS CLI reference:
//! https://docs.aws.amazon.com/cli/latest/reference/stepfunctions/create-state-machine.html,
//! https://docs.aws.amazon.com/cli/latest/reference/stepfunctions/start-execution.html and
//! https://docs.aws.amazon.com/cli/latest/reference/stepfunctions/test-state.html
//! (`--definition`, `--role-arn`, `--input`, `--inspection-level`).

use serde::Serialize;
use serde_json::Value;

/// A placeholder account, as in AWS's own examples; the user substitutes theirs.
pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CliCommands {
    /// The file `createStateMachine` reads the definition from (`file://` it): the page
    /// offers the definition, as JSON, under this name.
    pub definition_file: String,
    pub create_state_machine: String,
    pub start_execution: String,
    /// Present when a state is selected and found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_state: Option<String>,
}

/// `definition_text` is the definition as JSON (a YAML definition should be converted
/// first: AWS accepts only JSON); `input_text` the execution input (empty means `{}`);
/// `state` the state selected for `test-state`; `name` the state machine's name.
pub fn aws_cli(
    definition_text: &str,
    input_text: &str,
    state: Option<&str>,
    name: &str,
) -> CliCommands {
    let definition: Option<Value> = serde_json::from_str(definition_text).ok();
    let input = compact(input_text);
    let role = format!("arn:aws:iam::{ACCOUNT}:role/StepFunctionsExecutionRole");
    let definition_file = format!("{}.asl.json", file_stem(name));
    let create_state_machine = format!(
        "aws stepfunctions create-state-machine --name {} --definition {} --role-arn {}",
        shell_quote(name),
        shell_quote(&format!("file://{definition_file}")),
        shell_quote(&role)
    );
    let arn = format!("arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{name}");
    let start_execution = format!(
        "aws stepfunctions start-execution --state-machine-arn {} --input {}",
        shell_quote(&arn),
        shell_quote(&input)
    );
    let test_state = match (definition, state) {
        (Some(def), Some(state)) => state_definition(&def, state).map(|st| {
            format!(
                "aws stepfunctions test-state --definition {} --role-arn {} --input {} --inspection-level DEBUG",
                shell_quote(&st.to_string()),
                shell_quote(&role),
                shell_quote(&input)
            )
        }),
        _ => None,
    };
    CliCommands {
        definition_file,
        create_state_machine,
        start_execution,
        test_state,
    }
}

/// The input as compact JSON when it parses (else as typed, trimmed).
/// `aws events test-event-pattern` for one event and `aws events put-rule` creating the rule
/// with that pattern (on `bus` when it is not the default bus), one command a line.
/// <https://docs.aws.amazon.com/cli/latest/reference/events/test-event-pattern.html>
pub fn event_pattern_cli(pattern: &str, event: &str, rule_name: &str, bus: Option<&str>) -> String {
    let pattern = compact(pattern);
    let test = format!(
        "aws events test-event-pattern --event-pattern {} --event {}",
        shell_quote(&pattern),
        shell_quote(&compact(event))
    );
    let name = if rule_name.trim().is_empty() {
        "my-rule"
    } else {
        rule_name.trim()
    };
    let mut put = format!(
        "aws events put-rule --name {} --event-pattern {}",
        shell_quote(name),
        shell_quote(&pattern)
    );
    if let Some(bus) = bus.filter(|b| !b.is_empty() && *b != "default") {
        put.push_str(&format!(" --event-bus-name {}", shell_quote(bus)));
    }
    format!("{test}\n{put}\n")
}

fn compact(text: &str) -> String {
    if text.trim().is_empty() {
        return "{}".into();
    }
    serde_json::from_str::<Value>(text)
        .map(|v| v.to_string())
        .unwrap_or_else(|_| text.trim().to_string())
}

fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if stem.is_empty() {
        "state-machine".into()
    } else {
        stem
    }
}

/// One POSIX shell word: bare when only safe characters, else single-quoted with each `'`
/// written as `'\''` (a single-quoted string cannot hold a quote itself).
pub fn shell_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The named state's definition, found at any depth, as TestState takes it: the state
/// alone, with the query language it inherits made explicit.
fn state_definition(machine: &Value, name: &str) -> Option<Value> {
    fn find<'a>(
        m: &'a Value,
        name: &str,
        lang: Option<&'a str>,
    ) -> Option<(&'a Value, Option<&'a str>)> {
        let lang = m.get("QueryLanguage").and_then(Value::as_str).or(lang);
        let states = m.get("States")?.as_object()?;
        if let Some(st) = states.get(name) {
            return Some((st, lang));
        }
        states.values().find_map(|st| {
            let nested = st
                .get("Branches")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .chain(st.get("ItemProcessor").or_else(|| st.get("Iterator")));
            let lang = st.get("QueryLanguage").and_then(Value::as_str).or(lang);
            nested.into_iter().find_map(|b| find(b, name, lang))
        })
    }
    let (st, lang) = find(machine, name, None)?;
    let mut st = st.clone();
    if let (Some(obj), Some("JSONata")) = (st.as_object_mut(), lang) {
        obj.entry("QueryLanguage")
            .or_insert_with(|| Value::from("JSONata"));
    }
    Some(st)
}
