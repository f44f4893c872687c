use super::*;
use crate::worker::Session;
use stepbridge_inspect::protocol::Request;

fn answer_of(response: Response, want: EbTool) -> Value {
    match response {
        Response::EventBridge { tool, answer } if tool == want => answer,
        other => panic!("expected an {want:?} answer, got {other:?}"),
    }
}

fn ask(request: Request, tool: EbTool) -> Value {
    answer_of(Session::default().handle(request), tool)
}

const EC2_EVENT: &str = r#"{
  "version": "0", "id": "7bf73129-1428-4cd3-a780-95db273d1602",
  "detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2",
  "account": "123456789012", "time": "2015-11-11T21:29:54Z", "region": "us-east-1",
  "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
  "detail": {"instance-id": "i-abcd1111", "state": "pending"}
}"#;

// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_TestEventPattern.html
#[test]
fn one_pattern_is_explained_against_each_event() {
    let stopped = EC2_EVENT.replace("\"pending\"", "\"stopped\"");
    let answer = ask(
        Request::TestPatterns {
            pattern: r#"{"source": ["aws.ec2"], "detail": {"state": ["pending"]}}"#.into(),
            events: vec![EC2_EVENT.into(), stopped, "{not json".into()],
        },
        EbTool::Patterns,
    );
    assert!(answer["pattern"].is_null());
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["result"], true);
    assert_eq!(results[1]["result"], false);
    let failed = &results[1]["explanation"]["failed"];
    assert_eq!(failed["path"], "detail.state");
    assert_eq!(failed["event_values"][0], "stopped");
    // The deciding field is placed in the event text: `"state"` is on line 6.
    let places = results[1]["locations"].as_array().unwrap();
    let state = places.iter().find(|p| p["path"] == "detail.state").unwrap();
    assert_eq!(state["line"], 6);
    assert!(
        results[2]["error"].is_string(),
        "a broken event reports its own fault"
    );
}

#[test]
fn an_invalid_pattern_is_reported_once_with_its_place() {
    let answer = ask(
        Request::TestPatterns {
            pattern: "{\n  \"source\": \"aws.ec2\"\n}".into(),
            events: vec![EC2_EVENT.into()],
        },
        EbTool::Patterns,
    );
    assert_eq!(answer["pattern"]["error"], "InvalidEventPatternException");
    assert_eq!(answer["pattern"]["line"], 2);
    assert!(answer["results"].as_array().unwrap().is_empty());
}

// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
#[test]
fn a_transformer_preview_fills_paths_and_predefined_variables() {
    let answer = ask(
        Request::Transform {
            paths_map: r#"{"instance": "$.detail.instance-id", "state": "$.detail.state"}"#.into(),
            template: r#"{"id": <instance>, "state": <state>, "rule": <aws.events.rule-name>, "at": <aws.events.event.ingestion-time>}"#.into(),
            event: EC2_EVENT.into(),
            rule_name: "ec2-changes".into(),
        },
        EbTool::Transform,
    );
    assert_eq!(answer["json"], true, "{answer}");
    let output: Value = serde_json::from_str(answer["output"].as_str().unwrap()).unwrap();
    assert_eq!(
        output,
        json!({"id": "i-abcd1111", "state": "pending", "rule": "ec2-changes", "at": "2015-11-11T21:29:54Z"})
    );
    // The whole event, as a plain-text template would carry it.
    let whole = ask(
        Request::Transform {
            paths_map: String::new(),
            template: "<aws.events.event.json>".into(),
            event: EC2_EVENT.into(),
            rule_name: String::new(),
        },
        EbTool::Transform,
    );
    let event: Value = serde_json::from_str(whole["output"].as_str().unwrap()).unwrap();
    assert_eq!(event["detail"]["state"], "pending");
}

#[test]
fn transformer_errors_are_placed_in_their_editor() {
    let reserved = ask(
        Request::Transform {
            paths_map: "{\n  \"ok\": \"$.id\",\n  \"aws.events.rule-name\": \"$.id\"\n}".into(),
            template: "<ok>".into(),
            event: EC2_EVENT.into(),
            rule_name: String::new(),
        },
        EbTool::Transform,
    );
    assert_eq!(reserved["error"]["editor"], "pathsMap", "{reserved}");
    assert_eq!(reserved["error"]["line"], 3);
    let key = ask(
        Request::Transform {
            paths_map: r#"{"state": "$.detail.state"}"#.into(),
            template: "{\n  <state>: 1\n}".into(),
            event: EC2_EVENT.into(),
            rule_name: String::new(),
        },
        EbTool::Transform,
    );
    assert_eq!(key["error"]["editor"], "template", "{key}");
    assert_eq!(key["error"]["line"], 2);
    assert_eq!(key["error"]["column"], 3);
    let event = ask(
        Request::Transform {
            paths_map: String::new(),
            template: "x".into(),
            event: "{".into(),
            rule_name: String::new(),
        },
        EbTool::Transform,
    );
    assert_eq!(event["error"]["editor"], "event");
}

// https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
// https://docs.aws.amazon.com/scheduler/latest/APIReference/API_FlexibleTimeWindow.html
#[test]
fn fire_times_follow_the_zone_and_carry_the_flexible_window() {
    let answer = ask(
        Request::FireTimes {
            expression: "cron(0 9 * * ? *)".into(),
            timezone: "Europe/Paris".into(),
            from: "2024-07-01T00:00:00Z".into(),
            count: 3,
            flexible_minutes: 15,
        },
        EbTool::Schedule,
    );
    assert_eq!(
        answer["times"],
        json!([
            "2024-07-01T07:00:00Z",
            "2024-07-02T07:00:00Z",
            "2024-07-03T07:00:00Z"
        ]),
        "{answer}"
    );
    assert_eq!(answer["windowEnds"][0], "2024-07-01T07:15:00Z");
    let bad = ask(
        Request::FireTimes {
            expression: "rate(0 minutes)".into(),
            timezone: String::new(),
            from: "2024-07-01T00:00:00Z".into(),
            count: 3,
            flexible_minutes: 0,
        },
        EbTool::Schedule,
    );
    assert_eq!(bad["error"], "ValidationException", "{bad}");
    let window = ask(
        Request::FireTimes {
            expression: "rate(1 hour)".into(),
            timezone: String::new(),
            from: "2024-07-01T00:00:00Z".into(),
            count: 1,
            flexible_minutes: 1441,
        },
        EbTool::Schedule,
    );
    assert_eq!(window["field"], "flexibleTimeWindow");
}

#[test]
fn a_bus_scenario_starts_the_state_machine_target() {
    let scenario = json!({
        "buses": ["orders"],
        "stateMachines": [{"name": "Fulfil", "definition": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}],
        "rules": [{"Name": "new-orders", "EventBusName": "orders", "EventPattern": {"source": ["shop"]},
                   "Targets": [{"Id": "sfn", "Arn": "arn:aws:states:us-east-1:123456789012:stateMachine:Fulfil"}]}],
        "steps": [{"putEvents": [{"Source": "shop", "DetailType": "Order", "Detail": "{\"id\": 1}", "EventBusName": "orders"}]}]
    });
    let answer = ask(
        Request::SimulateBus {
            scenario: scenario.to_string(),
        },
        EbTool::Bus,
    );
    let executions = answer["executions"].as_array().unwrap();
    assert_eq!(executions.len(), 1, "{answer}");
    assert_eq!(executions[0]["outcome"]["status"], "SUCCEEDED", "{answer}");
    assert!(
        executions[0]["outcome"]["history"].is_null(),
        "histories stay in the engine"
    );
    assert_eq!(executions[0]["outcome"]["historyEvents"], 4);
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-schemas-infer.html
    let schema = &answer["schemas"][0];
    assert_eq!(schema["name"], "shop@Order", "{}", answer["schemas"]);
    assert!(schema["typescript"].as_str().unwrap().contains("export"));
    let broken = ask(
        Request::SimulateBus {
            scenario: "{\n  \"buses\": [,]\n}".into(),
        },
        EbTool::Bus,
    );
    assert_eq!(broken["error"], "InvalidScenario");
    assert_eq!(broken["line"], 2);
}

#[test]
fn the_order_system_template_imports_and_runs_with_its_mocks() {
    let template = include_str!("../../../../../static/examples/order-system.template.yaml");
    let events = include_str!("../../../../../static/examples/order-system.events.json");
    let mocks = include_str!("../../../../../static/examples/order-processing.mocks.json");
    let answer = ask(
        Request::ImportTemplate {
            template: template.into(),
            events: events.into(),
            mocks: mocks.into(),
            test_case: "HappyPath".into(),
        },
        EbTool::Template,
    );
    let system = &answer["system"];
    assert!(
        !system["stateMachines"].as_array().unwrap().is_empty(),
        "{answer}"
    );
    assert!(!system["rules"].as_array().unwrap().is_empty());
    assert!(!system["ignored"].as_array().unwrap().is_empty());
    let executions = answer["run"]["executions"].as_array().unwrap();
    assert_eq!(executions.len(), 1, "{}", answer["run"]);
    assert_eq!(
        executions[0]["outcome"]["status"], "SUCCEEDED",
        "{}",
        answer["run"]
    );
    let broken = ask(
        Request::ImportTemplate {
            template: "Resources: [".into(),
            events: String::new(),
            mocks: String::new(),
            test_case: String::new(),
        },
        EbTool::Template,
    );
    assert_eq!(broken["editor"], "template");
    assert!(broken["error"]["message"].is_string());
}

// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-filtering.html
#[test]
fn a_pipe_reports_each_record_path_and_filters_by_body() {
    let document = include_str!("../../../../../static/examples/order-pipe.json");
    let answer = ask(
        Request::RunPipe {
            document: document.into(),
        },
        EbTool::Pipes,
    );
    assert_eq!(answer["summary"]["records"], 3, "{answer}");
    assert_eq!(answer["summary"]["filteredOut"], 1, "{answer}");
    let records = answer["records"].as_array().unwrap();
    assert_eq!(records[1]["filter"]["passed"], false);
    assert!(!records[1]["filter"]["reasons"]
        .as_array()
        .unwrap()
        .is_empty());
    let broken = ask(
        Request::RunPipe {
            document: "{\n  \"Name\": }".into(),
        },
        EbTool::Pipes,
    );
    assert_eq!(broken["line"], 2);
    let invalid = ask(
        Request::RunPipe {
            document:
                "{\"Source\": \"arn:aws:sqs:us-east-1:123456789012:q\", \"SourceRecords\": 3}"
                    .into(),
        },
        EbTool::Pipes,
    );
    assert_eq!(invalid["error"], "ValidationException", "{invalid}");
}

/// The system view opens an execution in the state-machine workbench from what the answer
/// carries: the machine's definition and mocks (narrowed to its own entry), and the
/// execution's input, seed and start time. Run there, it gives the same execution.
#[test]
fn an_execution_opens_in_the_workbench_and_runs_the_same_there() {
    let scenario = json!({
        "startTime": "2026-01-01T09:00:00Z",
        "stateMachines": [{"name": "Charge",
            "definition": {"StartAt": "Pay", "States": {
                "Pay": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                        "Parameters": {"FunctionName": "pay", "Payload.$": "$"}, "Next": "Done"},
                "Done": {"Type": "Pass", "Parameters": {"id.$": "States.UUID()", "paid.$": "$.Payload"}, "End": true}}},
            "mockConfig": {
                "StateMachines": {
                    "Charge": {"TestCases": {"Ok": {"Pay": "Paid"}}},
                    "Other": {"TestCases": {"Ok": {"X": "Paid"}}}},
                "MockedResponses": {"Paid": {"0": {"Return": {"Payload": {"ok": true}}}}}},
            "testCase": "Ok"}],
        "rules": [{"Name": "charge", "EventPattern": {"source": ["shop"]},
                   "Targets": [{"Id": "sfn", "Arn": "arn:aws:states:us-east-1:123456789012:stateMachine:Charge",
                                "InputPath": "$.detail"}]}],
        "steps": [{"putEvents": [{"Source": "shop", "DetailType": "Order", "Detail": "{\"total\": 5}"}]}]
    });
    let answer = ask(
        Request::SimulateBus {
            scenario: scenario.to_string(),
        },
        EbTool::Bus,
    );
    let execution = &answer["executions"][0];
    assert_eq!(execution["outcome"]["status"], "SUCCEEDED", "{answer}");
    let machine = &answer["machines"]["Charge"];
    let definition = machine["definition"].as_str().unwrap();
    assert!(
        definition.contains("\n  \"StartAt\""),
        "pretty for the editor"
    );
    let mocks: Value = serde_json::from_str(machine["mocks"].as_str().unwrap()).unwrap();
    assert_eq!(
        mocks["StateMachines"].as_object().unwrap().len(),
        1,
        "only the machine's own entry: {mocks}"
    );
    assert_eq!(machine["testCase"], "Ok");
    let mut session = Session::default();
    let report = match session.handle(Request::Run(stepbridge_inspect::protocol::RunSettings {
        definition: definition.into(),
        input: execution["input"].to_string(),
        mocks: machine["mocks"].as_str().unwrap().into(),
        test_case: "Ok".into(),
        seed: execution["seed"].as_u64().unwrap(),
        start_time: execution["startTime"].as_str().unwrap().into(),
        execution_type: String::new(),
    })) {
        Response::RunFinished(report) => report,
        other => panic!("expected a run, got {other:?}"),
    };
    assert_eq!(report.status, "SUCCEEDED");
    assert_eq!(
        report.history_events as u64,
        execution["outcome"]["historyEvents"].as_u64().unwrap()
    );
    // Same seed and clock: the same UUID in the output.
    let output: Value = serde_json::from_str(report.output.as_deref().unwrap()).unwrap();
    assert_eq!(output, execution["outcome"]["output"]);
}
