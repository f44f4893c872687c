//! Events published by a workflow flow back to the bus: a state machine target whose
//! definition has an `arn:aws:states:::events:putEvents` task puts its entries on the bus
//! (https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html: the
//! request is PutEvents' `Entries`, `Detail` an object or JSON text; the execution ARN and
//! the state machine ARN are appended to each entry's `Resources`; a non-zero
//! `FailedEntryCount` is the error `EventBridge.FailedEntry`), and rules on them fire in
//! turn, with a loop guard. Also archives' RetentionDays and `replay-name` on the rules that
//! fire for replayed events.
//! https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateArchive.html
//! https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-replay-archived-event.html

use serde_json::{json, Value};
use stepbridge_bus::scenario::simulate;
use stepbridge_bus::workflow::{MAX_WORKFLOW_EVENTS, MAX_WORKFLOW_HOPS};

const SM: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:";
const LOG: &str = "arn:aws:logs:us-east-1:123456789012:log-group:/shipped";

fn entries_of<'a>(run: &'a Value, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    run["log"]
        .as_array()
        .unwrap()
        .iter()
        .filter(move |e| e["type"] == kind)
}

/// An order workflow that announces "Order Shipped" (JSONPath Parameters, Detail an
/// object, no EventBusName: the default bus) and "Audit" on the `audit` bus.
fn shipping_scenario() -> Value {
    json!({
        "buses": ["orders", "audit"],
        "stateMachines": [{"name": "Ship", "definition": {
            "StartAt": "Announce",
            "States": {"Announce": {
                "Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
                "Parameters": {"Entries": [
                    {"Source": "com.example.shipping", "DetailType": "Order Shipped",
                     "Detail": {"orderId.$": "$.order"}},
                    {"Source": "com.example.shipping", "DetailType": "Audit",
                     "Detail": "{\"what\": \"shipped\"}", "EventBusName": "audit",
                     "Resources": ["arn:aws:s3:::invoices"]}
                ]},
                "End": true}}}}],
        "rules": [
            {"Name": "placed", "EventBusName": "orders",
             "EventPattern": {"detail-type": ["Order Placed"]},
             "Targets": [{"Id": "ship", "Arn": format!("{SM}Ship"), "InputPath": "$.detail"}]},
            {"Name": "shipped", "EventPattern": {"detail-type": ["Order Shipped"]},
             "Targets": [{"Id": "log", "Arn": LOG}]},
            {"Name": "audited", "EventBusName": "audit", "EventPattern": {"source": ["com.example.shipping"]},
             "Targets": [{"Id": "log", "Arn": LOG}]}
        ],
        "steps": [{"putEvents": [{"Source": "com.example.orders", "DetailType": "Order Placed",
                                   "EventBusName": "orders", "Detail": "{\"order\": \"A-1\"}"}]}]
    })
}

#[test]
fn put_events_entries_of_a_workflow_go_onto_their_buses_and_fire_rules() {
    let run = simulate(&shipping_scenario());
    let executions = run["executions"].as_array().unwrap();
    assert_eq!(executions.len(), 1);
    let execution_arn = executions[0]["executionArn"].as_str().unwrap();
    assert!(executions[0]["seed"].is_u64());
    let published: Vec<&Value> = entries_of(&run, "eventAccepted")
        .filter(|e| e["fromExecution"] == execution_arn)
        .collect();
    assert_eq!(published.len(), 2, "{}", run["log"]);
    // The default bus when the entry names none, the named bus otherwise.
    assert_eq!(published[0]["bus"], "default");
    assert_eq!(published[1]["bus"], "audit");
    let shipped = &published[0]["event"];
    assert_eq!(shipped["detail"], json!({"orderId": "A-1"}));
    assert_eq!(shipped["detail-type"], "Order Shipped");
    // The execution's and the state machine's ARNs are appended to Resources.
    assert_eq!(
        shipped["resources"],
        json!([execution_arn, format!("{SM}Ship")])
    );
    assert_eq!(
        published[1]["event"]["resources"],
        json!(["arn:aws:s3:::invoices", execution_arn, format!("{SM}Ship")])
    );
    assert_eq!(published[1]["event"]["detail"], json!({"what": "shipped"}));
    // Rules on those events fire in turn.
    let fired: Vec<&str> = entries_of(&run, "ruleMatched")
        .map(|e| e["rule"].as_str().unwrap())
        .collect();
    assert_eq!(fired, ["placed", "shipped", "audited"]);
    let call: Vec<&Value> = entries_of(&run, "workflowPutEvents").collect();
    assert_eq!(call.len(), 1);
    assert_eq!(call[0]["state"], "Announce");
    assert_eq!(call[0]["entries"], 2);
    assert_eq!(call[0]["failedEntryCount"], 0);
    assert!(call[0].get("error").is_none());
}

#[test]
fn jsonata_arguments_publish_too() {
    let mut doc = shipping_scenario();
    doc["stateMachines"][0]["definition"] = json!({
        "QueryLanguage": "JSONata",
        "StartAt": "Announce",
        "States": {"Announce": {
            "Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
            "Arguments": {"Entries": [{"Source": "com.example.shipping", "DetailType": "Order Shipped",
                                       "Detail": {"orderId": "{% $states.input.order %}"}}]},
            "End": true}}});
    let run = simulate(&doc);
    let published: Vec<&Value> = entries_of(&run, "eventAccepted")
        .filter(|e| e.get("fromExecution").is_some())
        .collect();
    assert_eq!(published.len(), 1);
    assert_eq!(published[0]["event"]["detail"], json!({"orderId": "A-1"}));
}

#[test]
fn a_refused_entry_is_eventbridge_failed_entry_and_a_failed_task_puts_nothing() {
    let mut doc = shipping_scenario();
    doc["stateMachines"][0]["definition"]["States"]["Announce"]["Parameters"]["Entries"][1]
        ["EventBusName"] = json!("no-such-bus");
    let run = simulate(&doc);
    let call: Vec<&Value> = entries_of(&run, "workflowPutEvents").collect();
    assert_eq!(call[0]["failedEntryCount"], 1);
    assert_eq!(call[0]["error"], "EventBridge.FailedEntry");
    assert!(call[0]["message"]
        .as_str()
        .unwrap()
        .contains("ResourceNotFoundException"));
    // The good entry still went through, as PutEvents takes entries one by one.
    assert_eq!(
        entries_of(&run, "eventAccepted")
            .filter(|e| e.get("fromExecution").is_some())
            .count(),
        1
    );

    // A mocked failure of the task: the call failed, nothing is published.
    let mut doc = shipping_scenario();
    doc["stateMachines"][0]["mockConfig"] = json!({
        "StateMachines": {"Ship": {"TestCases": {"Down": {"Announce": "Fails"}}}},
        "MockedResponses": {"Fails": {"0": {"Throw": {"Error": "EventBridge.EventBridgeException", "Cause": "down"}}}}
    });
    doc["stateMachines"][0]["testCase"] = json!("Down");
    let run = simulate(&doc);
    assert_eq!(run["executions"][0]["outcome"]["status"], "FAILED");
    assert_eq!(entries_of(&run, "workflowPutEvents").count(), 0);
    assert_eq!(
        entries_of(&run, "eventAccepted")
            .filter(|e| e.get("fromExecution").is_some())
            .count(),
        0
    );
}

#[test]
fn a_workflow_that_triggers_itself_is_stopped_with_a_message() {
    // The rule matches the very event the workflow publishes: an endless loop on AWS.
    let doc = json!({
        "stateMachines": [{"name": "Echo", "definition": {
            "StartAt": "Again",
            "States": {"Again": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
                "Parameters": {"Entries": [{"Source": "loop", "DetailType": "Tick", "Detail": {}}]},
                "End": true}}}}],
        "rules": [{"Name": "tick", "EventPattern": {"source": ["loop"]},
                   "Targets": [{"Id": "echo", "Arn": format!("{SM}Echo")}]}],
        "steps": [{"putEvents": [{"Source": "loop", "DetailType": "Tick", "Detail": "{}"}]}]
    });
    let run = simulate(&doc);
    let stopped: Vec<&Value> = entries_of(&run, "workflowEventsStopped").collect();
    assert_eq!(stopped.len(), 1);
    let message = stopped[0]["message"].as_str().unwrap();
    assert!(
        message.contains(&MAX_WORKFLOW_HOPS.to_string()),
        "{message}"
    );
    assert_eq!(stopped[0]["state"], "Again");
    // The outside event plus one per hop.
    assert_eq!(
        run["executions"].as_array().unwrap().len(),
        MAX_WORKFLOW_HOPS + 1
    );
}

#[test]
fn fan_out_is_bounded_by_the_event_count() {
    // Ten events per execution, each matching the rule again: tenfold growth per hop,
    // stopped by the count of published events long before the hop limit.
    let entries: Vec<Value> = (0..10)
        .map(|i| json!({"Source": "fan", "DetailType": "Tick", "Detail": {"i": i}}))
        .collect();
    let targets = json!([{"Id": "fan", "Arn": format!("{SM}Fan")}]);
    let doc = json!({
        "stateMachines": [{"name": "Fan", "definition": {
            "StartAt": "Out",
            "States": {"Out": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
                "Parameters": {"Entries": entries}, "End": true}}}}],
        "rules": [{"Name": "fan", "EventPattern": {"source": ["fan"]}, "Targets": targets}],
        "steps": [{"putEvents": [{"Source": "fan", "DetailType": "Tick", "Detail": "{}"}]}]
    });
    let run = simulate(&doc);
    let published = entries_of(&run, "eventAccepted")
        .filter(|e| e.get("fromExecution").is_some())
        .count();
    assert!(published <= MAX_WORKFLOW_EVENTS, "{published}");
    assert!(published >= MAX_WORKFLOW_EVENTS - 10, "{published}");
    let stopped: Vec<&str> = entries_of(&run, "workflowEventsStopped")
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert!(stopped
        .iter()
        .any(|m| m.contains(&format!("the most it follows is {MAX_WORKFLOW_EVENTS}"))));
}

#[test]
fn archive_retention_drops_old_events_from_replays_and_rules_see_replay_name() {
    let doc = json!({
        "startTime": "2024-01-01T00:00:00Z",
        "rules": [{"Name": "all", "EventPattern": {"source": ["shop"]},
                   "Targets": [{"Id": "log", "Arn": LOG}]}],
        "archives": [
            {"ArchiveName": "week", "EventSourceArn": "default", "RetentionDays": 7,
             "EventPattern": {"detail-type": ["Order"]}},
            {"ArchiveName": "forever", "EventSourceArn": "default"}
        ],
        "steps": [
            {"putEvents": [{"Source": "shop", "DetailType": "Order", "Detail": "{}"},
                           {"Source": "shop", "DetailType": "Refund", "Detail": "{}"}]},
            {"advanceSeconds": 8 * 86_400},
            {"startReplay": {"ReplayName": "late", "EventSourceArn": "week",
                             "EventStartTime": "2024-01-01T00:00:00Z", "EventEndTime": "2024-01-02T00:00:00Z",
                             "Destination": {"Arn": "arn:aws:events:us-east-1:123456789012:event-bus/default"}}},
            {"startReplay": {"ReplayName": "kept", "EventSourceArn": "forever",
                             "EventStartTime": "2024-01-01T00:00:00Z", "EventEndTime": "2024-01-02T00:00:00Z",
                             "Destination": {"Arn": "arn:aws:events:us-east-1:123456789012:event-bus/default"}}}
        ]
    });
    let run = simulate(&doc);
    assert_eq!(
        run["steps"][2]["result"]["eventsReplayed"], 0,
        "{}",
        run["steps"]
    );
    assert_eq!(run["steps"][3]["result"]["eventsReplayed"], 2);
    let archives = run["state"]["archives"].as_array().unwrap();
    assert_eq!(archives[0]["RetentionDays"], 7);
    assert_eq!(archives[0]["EventCount"], 0);
    assert_eq!(archives[0]["EventPattern"], r#"{"detail-type":["Order"]}"#);
    assert_eq!(archives[1]["EventCount"], 2);
    // Only the pattern's events were archived in "week".
    let archived: Vec<&str> = entries_of(&run, "eventArchived")
        .map(|e| e["archive"].as_str().unwrap())
        .collect();
    assert_eq!(archived, ["week", "forever", "forever"]);
    // The rule fired for the replayed events, and says which replay they came from.
    let replayed: Vec<&Value> = entries_of(&run, "ruleMatched")
        .filter(|e| e.get("replayName").is_some())
        .collect();
    assert_eq!(replayed.len(), 2);
    assert!(replayed.iter().all(|e| e["replayName"] == "kept"));
    let bad = simulate(
        &json!({"archives": [{"ArchiveName": "x", "EventSourceArn": "default", "RetentionDays": -1}]}),
    );
    assert_eq!(bad["setup"][0]["error"], "ValidationException");
}
