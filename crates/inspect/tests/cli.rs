#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! "Copy as AWS CLI": the commands, and shell quoting proven by a real POSIX shell.

use serde_json::{json, Value};
use stepbridge_inspect::cli::{aws_cli, shell_quote};

/// What `sh` makes of a word: the shell's own word splitting and unquoting.
fn shell_words(command: &str) -> Vec<String> {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "for w in {command}; do printf '%s\\0' \"$w\"; done"
        ))
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .split('\0')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn option(words: &[String], name: &str) -> String {
    let i = words
        .iter()
        .position(|w| w == name)
        .unwrap_or_else(|| panic!("{name} in {words:?}"));
    words[i + 1].clone()
}

const DEFINITION: &str = r#"{
  "QueryLanguage": "JSONata",
  "StartAt": "Fan",
  "States": {
    "Fan": {"Type": "Parallel", "Branches": [
      {"StartAt": "Greet", "States": {"Greet": {"Type": "Pass", "Output": {"msg": "{% 'it''s ' & $states.input.name %}"}, "End": true}}}
    ], "End": true}
  }
}"#;

#[test]
fn commands_quote_json_with_quotes_for_the_shell() {
    let input = r#"{"name": "O'Brien \"Bob\"", "note": "$HOME `x` \\ !"}"#;
    let cmds = aws_cli(DEFINITION, input, Some("Greet"), "orders");
    assert_eq!(cmds.definition_file, "orders.asl.json");
    assert_eq!(
        cmds.create_state_machine,
        "aws stepfunctions create-state-machine --name orders --definition file://orders.asl.json --role-arn arn:aws:iam::123456789012:role/StepFunctionsExecutionRole"
    );
    let words = shell_words(&cmds.start_execution);
    assert_eq!(&words[..3], ["aws", "stepfunctions", "start-execution"]);
    assert_eq!(
        option(&words, "--state-machine-arn"),
        "arn:aws:states:us-east-1:123456789012:stateMachine:orders"
    );
    let sent: Value = serde_json::from_str(&option(&words, "--input")).unwrap();
    assert_eq!(sent, serde_json::from_str::<Value>(input).unwrap());

    // test-state: the nested state alone, with the inherited query language.
    let test = cmds.test_state.unwrap();
    let words = shell_words(&test);
    assert_eq!(&words[..3], ["aws", "stepfunctions", "test-state"]);
    let state: Value = serde_json::from_str(&option(&words, "--definition")).unwrap();
    assert_eq!(state["Type"], json!("Pass"));
    assert_eq!(state["QueryLanguage"], json!("JSONata"));
    assert_eq!(option(&words, "--inspection-level"), "DEBUG");
    assert!(option(&words, "--role-arn").starts_with("arn:aws:iam::"));
    assert_eq!(
        serde_json::from_str::<Value>(&option(&words, "--input")).unwrap(),
        sent
    );
}

#[test]
fn unknown_state_and_empty_input() {
    let cmds = aws_cli(DEFINITION, "  ", Some("Nope"), "my machine");
    assert!(cmds.test_state.is_none());
    assert!(cmds.start_execution.ends_with("--input '{}'"));
    assert_eq!(cmds.definition_file, "my-machine.asl.json");
    assert_eq!(
        option(&shell_words(&cmds.create_state_machine), "--name"),
        "my machine"
    );
    assert_eq!(shell_quote("it's"), r"'it'\''s'");
    assert_eq!(shell_quote("plain-word"), "plain-word");
}

// https://docs.aws.amazon.com/cli/latest/reference/events/test-event-pattern.html
// https://docs.aws.amazon.com/cli/latest/reference/events/put-rule.html
#[test]
fn event_pattern_commands_quote_the_json_for_a_posix_shell() {
    let pattern = "{\n  \"detail\": {\"note\": [\"it's\"]}\n}";
    let text = stepbridge_inspect::cli::event_pattern_cli(
        pattern,
        "{\"id\": 1}",
        "orders rule",
        Some("orders"),
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        r#"aws events test-event-pattern --event-pattern '{"detail":{"note":["it'\''s"]}}' --event '{"id":1}'"#
    );
    assert_eq!(
        lines[1],
        r#"aws events put-rule --name 'orders rule' --event-pattern '{"detail":{"note":["it'\''s"]}}' --event-bus-name orders"#
    );
    let default_bus = stepbridge_inspect::cli::event_pattern_cli("{}", "", "r", Some("default"));
    assert!(!default_bus.contains("--event-bus-name"));
}
