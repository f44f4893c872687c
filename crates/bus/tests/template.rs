#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Importing CloudFormation and SAM templates into the simulated system.
//! Intrinsic functions: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
//! Fn::Sub: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-sub.html
//! Pseudo parameters: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html
//! DefinitionSubstitutions: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-stepfunctions-statemachine.html

use serde_json::{json, Value};
use stepbridge_bus::scenario::simulate;
use stepbridge_bus::template::{import, ScenarioOptions, SystemImport, TargetKind};

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn order_system() -> SystemImport {
    import(&read("../../static/examples/order-system.template.yaml")).unwrap()
}

fn checkout() -> SystemImport {
    import(&read("tests/data/checkout.template.yaml")).unwrap()
}

fn definition(system: &SystemImport, logical_id: &str) -> Value {
    let m = system
        .state_machines
        .iter()
        .find(|m| m.logical_id == logical_id)
        .unwrap();
    serde_json::from_str(&m.definition).unwrap()
}

/// The order system's run with the order-processing mocks' happy path.
fn run_order_events(events: Value) -> Value {
    let system = order_system();
    let mocks: Value =
        serde_json::from_str(&read("../../static/examples/order-processing.mocks.json")).unwrap();
    let doc = system.scenario_with(&ScenarioOptions {
        events: events.as_array().unwrap().clone(),
        mock_config: Some(mocks),
        test_case: Some("HappyPath".into()),
    });
    simulate(&doc)
}

#[test]
fn order_system_is_imported_with_its_parts() {
    let s = order_system();
    assert_eq!(s.format, "yaml");
    assert_eq!(s.state_machines.len(), 1);
    let m = &s.state_machines[0];
    assert_eq!(m.name, "order-processing");
    assert_eq!(
        m.arn,
        "arn:aws:states:us-east-1:123456789012:stateMachine:order-processing"
    );
    assert_eq!(
        m.substitutions_applied,
        ["ValidateOrderFunctionArn", "Environment"]
    );
    assert!(m.unresolved.is_empty(), "{:?}", m.unresolved);
    assert_eq!(m.functions, ["ValidateOrderFunction"]);
    let d = definition(&s, "OrderWorkflow");
    assert_eq!(
        d["States"]["ValidateOrder"]["Parameters"]["FunctionName"],
        "arn:aws:lambda:us-east-1:123456789012:function:validate-order"
    );
    assert!(d["Comment"]
        .as_str()
        .unwrap()
        .starts_with("Order processing (dev)"));
    // The definition is the one of the standalone example, apart from the Comment.
    let mut example: Value =
        serde_json::from_str(&read("../../static/examples/order-processing.asl.json")).unwrap();
    example["Comment"] = d["Comment"].clone();
    assert_eq!(d, example);

    assert_eq!(s.buses.len(), 1);
    assert_eq!(s.buses[0].name, "orders-dev");
    assert_eq!(
        s.buses[0].arn,
        "arn:aws:events:us-east-1:123456789012:event-bus/orders-dev"
    );

    assert_eq!(s.rules.len(), 2);
    let placed = &s.rules[0];
    assert_eq!(placed.name, "order-placed-pending");
    assert_eq!(placed.event_bus_name, "orders-dev");
    assert_eq!(
        placed.arn,
        "arn:aws:events:us-east-1:123456789012:rule/orders-dev/order-placed-pending"
    );
    assert_eq!(
        placed.event_pattern,
        Some(
            json!({"source": ["com.example.orders"], "detail-type": ["Order Placed"],
                    "detail": {"status": ["pending"]}})
        )
    );
    let t = &placed.targets[0];
    assert_eq!(t.arn, m.arn);
    assert_eq!(t.target_kind, TargetKind::StateMachine);
    assert_eq!(t.target_logical_id.as_deref(), Some("OrderWorkflow"));
    assert_eq!(t.input_path.as_deref(), Some("$.detail"));
    assert_eq!(
        t.retry_policy,
        Some(json!({"MaximumRetryAttempts": 4, "MaximumEventAgeInSeconds": 3600}))
    );
    assert_eq!(
        t.dead_letter_config,
        Some(json!({"Arn": "arn:aws:sqs:us-east-1:123456789012:OrderEventsDeadLetterQueue"}))
    );
    // SAM generates a rule for the function's EventBridgeRule event.
    let shipped = &s.rules[1];
    assert_eq!(shipped.logical_id, "NotifyCustomerFunctionOrderShipped");
    assert_eq!(
        shipped.defined_by.as_deref(),
        Some("NotifyCustomerFunction.Events.OrderShipped")
    );
    assert_eq!(
        shipped.targets[0].id,
        "NotifyCustomerFunctionOrderShippedLambdaTarget"
    );
    assert_eq!(shipped.targets[0].target_kind, TargetKind::Function);
    assert_eq!(shipped.event_bus_name, "orders-dev");

    assert_eq!(s.schedules.len(), 1);
    let nightly = &s.schedules[0];
    assert_eq!(nightly.schedule_expression, "cron(0 2 * * ? *)");
    assert_eq!(
        nightly.schedule_expression_timezone.as_deref(),
        Some("Europe/Paris")
    );
    assert_eq!(
        nightly.flexible_time_window,
        Some(json!({"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15}))
    );
    assert_eq!(nightly.target.arn, m.arn);
    assert_eq!(
        nightly.arn,
        "arn:aws:scheduler:us-east-1:123456789012:schedule/default/nightly-order-reconciliation"
    );

    let functions: Vec<_> = s
        .functions
        .iter()
        .map(|f| (f.name.as_str(), f.arn.as_str()))
        .collect();
    assert_eq!(
        functions,
        [
            (
                "validate-order",
                "arn:aws:lambda:us-east-1:123456789012:function:validate-order"
            ),
            (
                "notify-customer",
                "arn:aws:lambda:us-east-1:123456789012:function:notify-customer"
            ),
        ]
    );
    let ignored: Vec<_> = s
        .ignored
        .iter()
        .map(|i| (i.logical_id.as_str(), i.resource_type.as_str()))
        .collect();
    assert_eq!(
        ignored,
        [
            ("OrdersTable", "AWS::DynamoDB::Table"),
            ("OrderEventsDeadLetterQueue", "AWS::SQS::Queue"),
            ("OrderWorkflowRole", "AWS::IAM::Role"),
            ("EventsInvokeRole", "AWS::IAM::Role"),
            ("SchedulerRole", "AWS::IAM::Role"),
        ]
    );
    assert!(s.ignored.iter().all(|i| !i.reason.is_empty()));
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn pending_order_placed_event_runs_the_workflow_to_success() {
    let events: Value =
        serde_json::from_str(&read("../../static/examples/order-system.events.json")).unwrap();
    let out = run_order_events(events);
    assert!(
        out["setup"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s.get("error").is_none()),
        "{}",
        out["setup"]
    );
    let executions = out["executions"].as_array().unwrap();
    assert_eq!(executions.len(), 1, "{}", out["log"]);
    let e = &executions[0];
    assert_eq!(e["outcome"]["status"], "SUCCEEDED", "{}", e["outcome"]);
    // The seed reaches JavaScript (facade, page): it must be a safe integer there.
    assert!(e["seed"].as_u64().unwrap() < 1 << 53, "{}", e["seed"]);
    assert_eq!(
        e["stateMachineArn"],
        "arn:aws:states:us-east-1:123456789012:stateMachine:order-processing"
    );
    // InputPath $.detail: the workflow got the order, not the envelope.
    assert_eq!(e["input"]["orderId"], "A-1001");
    assert_eq!(
        e["outcome"]["output"],
        json!({"orderId": "A-1001", "status": "SHIPPED", "receipt": "receipt-A-1001", "itemCount": 2})
    );
}

#[test]
fn order_placed_event_not_pending_starts_nothing() {
    let out = run_order_events(json!([{
        "Source": "com.example.orders", "DetailType": "Order Placed", "EventBusName": "orders-dev",
        "Detail": "{\"orderId\": \"A-1002\", \"status\": \"cancelled\", \"items\": []}"
    }]));
    assert_eq!(
        out["steps"][0]["result"]["FailedEntryCount"], 0,
        "{}",
        out["steps"]
    );
    assert_eq!(out["executions"], json!([]));
    assert!(out["log"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["type"] == "eventAccepted"));
    assert!(!out["log"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["type"] == "ruleMatched"));
}

#[test]
fn order_shipped_event_reaches_the_sam_function_rule() {
    let out = run_order_events(json!([{
        "Source": "com.example.orders", "DetailType": "Order Shipped", "EventBusName": "orders-dev",
        "Detail": "{\"orderId\": \"A-1001\"}"
    }]));
    let invoked: Vec<_> = out["log"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["type"] == "targetInvoked")
        .collect();
    assert_eq!(invoked.len(), 1, "{}", out["log"]);
    assert_eq!(
        invoked[0]["arn"],
        "arn:aws:lambda:us-east-1:123456789012:function:notify-customer"
    );
    assert_eq!(out["executions"], json!([]));
}

#[test]
fn json_template_imports_like_the_yaml_one() {
    let yaml = order_system();
    let json = import(&read("tests/data/order-system.template.json")).unwrap();
    assert_eq!(json.format, "json");
    let mut a = serde_json::to_value(&yaml).unwrap();
    let mut b = serde_json::to_value(&json).unwrap();
    a["format"] = Value::Null;
    b["format"] = Value::Null;
    assert_eq!(a, b);
}

#[test]
fn definition_string_sub_with_pseudo_parameters_getatt_and_substitutions() {
    let s = checkout();
    let m = s
        .state_machines
        .iter()
        .find(|m| m.logical_id == "Checkout")
        .unwrap();
    assert_eq!(m.name, "checkout-test");
    assert_eq!(
        m.arn,
        "arn:aws:states:us-east-1:123456789012:stateMachine:checkout-test"
    );
    // `${!TableName}` survives Fn::Sub as `${TableName}`, which DefinitionSubstitutions fills;
    // the unused key is not reported as applied.
    assert_eq!(m.substitutions_applied, ["TableName"]);
    assert!(m.unresolved.is_empty(), "{:?}", m.unresolved);
    assert_eq!(m.functions, ["ChargeFunction"]);
    let d = definition(&s, "Checkout");
    assert_eq!(
        d["Comment"],
        "Checkout in us-east-1 for account 123456789012 (aws, stack playground)"
    );
    assert_eq!(
        d["States"]["Charge"]["Parameters"]["FunctionName"],
        "arn:aws:lambda:us-east-1:123456789012:function:charge-test"
    );
    assert_eq!(d["States"]["Save"]["Parameters"]["TableName"], "carts");
    // The definition as the bus runs it is valid ASL.
    assert!(stepbridge_asl::validate(&m.definition).is_empty());
}

#[test]
fn sub_list_form_with_variables_inside_join_and_unresolved_placeholders() {
    let s = checkout();
    let m = s
        .state_machines
        .iter()
        .find(|m| m.logical_id == "Fulfil")
        .unwrap();
    // No StateMachineName: the logical id names it.
    assert_eq!(m.name, "Fulfil");
    assert_eq!(
        m.arn,
        "arn:aws:states:us-east-1:123456789012:stateMachine:Fulfil"
    );
    let d = definition(&s, "Fulfil");
    assert_eq!(
        d["States"]["Ship"]["Result"],
        // Carrier from !If on a false condition, First from !Select of a list parameter.
        json!({"carrier": "test-carrier", "stage": "test", "region": "eu-west-1", "missing": "${Nowhere}"})
    );
    assert_eq!(m.unresolved, ["${Nowhere}"]);
}

#[test]
fn rule_targets_resolve_ref_and_getatt_to_machines_and_buses() {
    let s = checkout();
    let rule = s
        .rules
        .iter()
        .find(|r| r.logical_id == "CheckoutRule")
        .unwrap();
    assert_eq!(rule.name, "CheckoutRule");
    assert_eq!(rule.event_bus_name, "default");
    assert_eq!(rule.state, "DISABLED");
    // An EventPattern written as JSON text becomes the object.
    assert_eq!(
        rule.event_pattern,
        Some(json!({"source": ["shop"], "detail-type": ["Checkout"]}))
    );
    assert_eq!(
        rule.targets[0].arn,
        "arn:aws:states:us-east-1:123456789012:stateMachine:checkout-test"
    );
    assert_eq!(
        rule.targets[0].target_logical_id.as_deref(),
        Some("Checkout")
    );
    assert_eq!(
        rule.targets[0].input_transformer,
        Some(json!({"InputPathsMap": {"id": "$.detail.id"}, "InputTemplate": "{\"id\": <id>}"}))
    );
    assert_eq!(
        rule.targets[1].arn,
        "arn:aws:events:us-east-1:123456789012:event-bus/audit"
    );
    assert_eq!(rule.targets[1].target_kind, TargetKind::EventBus);
    assert_eq!(
        rule.targets[1].target_logical_id.as_deref(),
        Some("AuditBus")
    );

    let audit = s
        .rules
        .iter()
        .find(|r| r.logical_id == "AuditRule")
        .unwrap();
    // EventBusName given as the bus ARN (GetAtt .Arn) is the bus's name.
    assert_eq!(audit.event_bus_name, "audit");
    assert_eq!(
        audit.arn,
        "arn:aws:events:us-east-1:123456789012:rule/audit/audit-all"
    );
    assert_eq!(
        audit.targets[0].arn,
        "arn:aws:states:us-east-1:123456789012:stateMachine:Fulfil"
    );
    // GetAtt .Name and Ref of a bus both give its name.
    assert_eq!(
        audit.targets[0].input.as_deref(),
        Some("{\"bus\": \"audit\", \"second\": \"audit\"}")
    );
}

#[test]
fn imported_rules_run_through_the_scenario() {
    let s = checkout();
    let mut doc = s.scenario();
    doc["steps"] = json!([{"putEvents": [{"Source": "shop", "DetailType": "Checkout", "Detail": "{\"id\": 7}", "EventBusName": "audit"}]}]);
    let out = simulate(&doc);
    assert!(
        out["setup"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s.get("error").is_none()),
        "{}",
        out["setup"]
    );
    let executions = out["executions"].as_array().unwrap();
    assert_eq!(executions.len(), 1);
    assert_eq!(
        executions[0]["stateMachineArn"],
        "arn:aws:states:us-east-1:123456789012:stateMachine:Fulfil"
    );
    assert_eq!(
        executions[0]["input"],
        json!({"bus": "audit", "second": "audit"})
    );
    assert_eq!(executions[0]["outcome"]["status"], "SUCCEEDED");
    // The Legacy state machine (DefinitionUri) is not set up; the others are.
    let names: Vec<_> = doc["stateMachines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].clone())
        .collect();
    assert_eq!(names, [json!("checkout-test"), json!("Fulfil")]);
}

#[test]
fn definition_uri_is_reported_and_sam_schedules_generated() {
    let s = checkout();
    let m = s
        .state_machines
        .iter()
        .find(|m| m.logical_id == "Legacy")
        .unwrap();
    assert_eq!(m.definition, "");
    assert_eq!(
        m.definition_uri,
        Some(json!("s3://my-bucket/legacy.asl.json"))
    );
    assert!(
        s.warnings
            .iter()
            .any(|w| w.starts_with("Legacy:") && w.contains("cannot read")),
        "{:?}",
        s.warnings
    );

    let v2 = s
        .schedules
        .iter()
        .find(|x| x.logical_id == "LegacyNightly")
        .unwrap();
    assert_eq!(v2.defined_by.as_deref(), Some("Legacy.Events.Nightly"));
    assert_eq!(v2.schedule_expression, "rate(1 day)");
    assert_eq!(
        v2.schedule_expression_timezone.as_deref(),
        Some("Europe/Paris")
    );
    assert_eq!(v2.flexible_time_window, Some(json!({"Mode": "OFF"})));
    assert_eq!(
        v2.target.arn,
        "arn:aws:states:us-east-1:123456789012:stateMachine:Legacy"
    );
    assert_eq!(
        v2.target.input.as_deref(),
        Some("{\"from\": \"scheduler\"}")
    );

    let hourly = s
        .rules
        .iter()
        .find(|r| r.logical_id == "LegacyHourly")
        .unwrap();
    assert_eq!(hourly.schedule_expression.as_deref(), Some("rate(1 hour)"));
    assert_eq!(hourly.state, "DISABLED");
    assert_eq!(hourly.targets[0].id, "LegacyHourlyStepFunctionsTarget");
}

#[test]
fn pipes_are_kept_with_their_parameters() {
    let s = checkout();
    assert_eq!(s.pipes.len(), 1);
    let p = &s.pipes[0];
    assert_eq!(p.name, "cart-changes");
    assert_eq!(
        p.arn,
        "arn:aws:pipes:us-east-1:123456789012:pipe/cart-changes"
    );
    assert_eq!(
        p.source,
        "arn:aws:dynamodb:us-east-1:123456789012:table/carts/stream/2024-01-01T00:00:00.000"
    );
    assert_eq!(
        p.filter_criteria,
        Some(json!({"Filters": [{"Pattern": "{\"eventName\": [\"INSERT\"]}"}]}))
    );
    assert_eq!(
        p.source_parameters["DynamoDBStreamParameters"]["BatchSize"],
        10
    );
    assert_eq!(
        p.enrichment.as_deref(),
        Some("arn:aws:lambda:us-east-1:123456789012:function:charge-test")
    );
    assert_eq!(
        p.target,
        "arn:aws:states:us-east-1:123456789012:stateMachine:checkout-test"
    );
    assert_eq!(
        p.target_parameters["StepFunctionStateMachineParameters"]["InvocationType"],
        "FIRE_AND_FORGET"
    );
    assert_eq!(p.desired_state, "RUNNING");
}

#[test]
fn unsupported_resources_are_listed_and_parameters_reported() {
    let s = checkout();
    let ignored: Vec<_> = s
        .ignored
        .iter()
        .map(|i| (i.logical_id.as_str(), i.resource_type.as_str()))
        .collect();
    assert_eq!(
        ignored,
        [
            ("CartTable", "AWS::DynamoDB::Table"),
            ("FunctionRole", "AWS::IAM::Role"),
            ("ErrorsAlarm", "AWS::CloudWatch::Alarm"),
            ("AlertTopic", "AWS::SNS::Topic"),
            ("ProdOnlyBus", "AWS::Events::EventBus"),
        ]
    );
    let prod_only = s
        .ignored
        .iter()
        .find(|i| i.logical_id == "ProdOnlyBus")
        .unwrap();
    assert!(prod_only.reason.contains("IsProd"));
    assert!(s.buses.iter().all(|b| b.name != "prod-only"));
    // A parameter without Default is reported, and so is the Ref that needed it.
    let email = s
        .parameters
        .iter()
        .find(|p| p.name == "AlarmEmail")
        .unwrap();
    assert_eq!(email.value, None);
    assert!(s.warnings.iter().any(|w| w.contains("AlarmEmail")));
    let regions = s.parameters.iter().find(|p| p.name == "Regions").unwrap();
    assert_eq!(regions.value, Some(json!(["eu-west-1", "us-east-1"])));
}

#[test]
fn yaml_short_form_tags_become_long_forms() {
    let text = "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition:\n        StartAt: P\n        States:\n          P:\n            Type: Pass\n            Result:\n              ref: !Ref AWS::Region\n              att: !GetAtt M.Name\n              join: !Join [\"-\", [a, !Ref AWS::AccountId]]\n              select: !Select [\"1\", [x, y]]\n              split: !Split [\",\", \"p,q\"]\n              if: !If [Nope, a, b]\n              azs: !GetAZs \"\"\n              sub: !Sub \"${!Literal} ${AWS::Region}\"\n            End: true\n";
    let s = import(text).unwrap();
    let d = definition(&s, "M");
    assert_eq!(
        d["States"]["P"]["Result"],
        json!({"ref": "us-east-1", "att": "M", "join": "a-123456789012", "select": "y",
               "split": ["p", "q"], "if": "a", "azs": ["us-east-1a", "us-east-1b", "us-east-1c"],
               "sub": "${Literal} us-east-1"})
    );
    // !If on a condition the template does not define takes the first branch and says so.
    // A literal `${Literal}` left in a definition is listed too: no DefinitionSubstitutions
    // key fills it, so Step Functions would see the text as is.
    assert_eq!(
        s.state_machines[0].unresolved,
        ["Condition Nope", "${Literal}"]
    );
}

#[test]
fn errors_name_the_place() {
    let e = import(
        "Resources:\n  A:\n    Type: AWS::Events::EventBus\n    Properties: {Name: [unclosed\n",
    )
    .unwrap_err();
    assert!(e.line.is_some() && e.column.is_some(), "{e:?}");
    let e = import("Resources:\n  A:\n    Type: AWS::Events::EventBus\n    Properties:\n      Name: !Frobnicate x\n").unwrap_err();
    assert_eq!((e.line, e.column), (Some(5), Some(13)), "{e:?}");
    assert!(e.message.contains("!Frobnicate"));
    let e = import("{\"Resources\": {\"A\": {\"Type\": }}}").unwrap_err();
    assert_eq!(e.line, Some(1));
    let e = import("Resources:\n  Broken:\n    Properties: {}\n").unwrap_err();
    assert_eq!(e.resource.as_deref(), Some("Broken"));
    let e = import("Resources:\n  R:\n    Type: AWS::Events::Rule\n    Properties:\n      EventPattern: {source: [a]}\n      Targets: [{Id: t}]\n").unwrap_err();
    assert_eq!(e.resource.as_deref(), Some("R"));
    assert!(e.message.contains("Arn"), "{e}");
    let e = import("Description: no resources\n").unwrap_err();
    assert!(e.message.contains("Resources"));
}

#[test]
fn rule_getatt_arn_names_its_custom_bus() {
    let text = "Resources:\n  Bus:\n    Type: AWS::Events::EventBus\n    Properties: {Name: orders}\n  R:\n    Type: AWS::Events::Rule\n    Properties:\n      EventBusName: !Ref Bus\n      EventPattern: {source: [a]}\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition: {StartAt: P, States: {P: {Type: Pass, Result: !GetAtt R.Arn, End: true}}}\n";
    let s = import(text).unwrap();
    let d = definition(&s, "M");
    assert_eq!(
        d["States"]["P"]["Result"],
        "arn:aws:events:us-east-1:123456789012:rule/orders/R"
    );
    assert_eq!(
        s.rules[0].arn,
        "arn:aws:events:us-east-1:123456789012:rule/orders/R"
    );
}

#[test]
fn hostile_templates_end_with_an_answer() {
    // Conditions that refer to each other forever, and deeply nested intrinsics.
    let text = "Conditions:\n  A: !Not [!Condition B]\n  B: !Not [!Condition A]\nResources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition: {StartAt: P, States: {P: {Type: Pass, Result: !If [A, x, y], End: true}}}\n";
    let s = import(text).unwrap();
    assert_eq!(definition(&s, "M")["States"]["P"]["Result"], "x");
    let mut nested = String::from("Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: ");
    for _ in 0..150 {
        nested.push_str("!Join [\"\", [");
    }
    nested.push('x');
    for _ in 0..150 {
        nested.push_str("]]");
    }
    nested.push('\n');
    let result = import(&nested);
    assert!(result.is_ok() || result.unwrap_err().line.is_some());
    // An alias bomb stops at the node budget instead of expanding.
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        bomb.push_str(&format!(
            "{}: &{} [*{}, *{}, *{}, *{}, *{}, *{}, *{}, *{}, *{}, *{}]\n",
            (b'a' + i) as char,
            (b'a' + i) as char,
            (b'a' + i - 1) as char,
            (b'a' + i - 1) as char,
            (b'a' + i - 1) as char,
            (b'a' + i - 1) as char,
            (b'a' + i - 1) as char,
            (b'a' + i - 1) as char,
            (b'a' + i - 1) as char,
            (b'a' + i - 1) as char,
            (b'a' + i - 1) as char,
            (b'a' + i - 1) as char
        ));
    }
    let e = import(&bomb).unwrap_err();
    assert!(e.message.contains("too large"), "{e}");
}

#[test]
fn a_yaml_flow_mapping_is_not_mistaken_for_json() {
    let s = import("{Resources: {Bus: {Type: AWS::Events::EventBus, Properties: {Name: !Sub \"b-${AWS::Region}\"}}}}").unwrap();
    assert_eq!(s.format, "yaml");
    assert_eq!(s.buses[0].name, "b-us-east-1");
}

#[test]
fn imported_schedules_fire_on_the_virtual_clock() {
    // The order system's Scheduler schedule: 02:00 Europe/Paris is 01:00 UTC in January.
    let system = order_system();
    let mocks: Value =
        serde_json::from_str(&read("../../static/examples/order-processing.mocks.json")).unwrap();
    let mut doc = system.scenario_with(&ScenarioOptions {
        mock_config: Some(mocks),
        test_case: Some("HappyPath".into()),
        ..ScenarioOptions::default()
    });
    doc["steps"] = json!([{"advanceTo": "2024-01-01T12:00:00Z"}]);
    let out = simulate(&doc);
    let executions = out["executions"].as_array().unwrap();
    assert_eq!(executions.len(), 1, "{}", out["log"]);
    assert_eq!(executions[0]["startTime"], "2024-01-01T01:00:00Z");
    assert_eq!(executions[0]["input"]["orderId"], "RECON-1");
    assert_eq!(executions[0]["outcome"]["status"], "SUCCEEDED");

    // A CloudFormation rule with a ScheduleExpression, on the default bus.
    let text = "Resources:\n  Tick:\n    Type: AWS::Events::Rule\n    Properties:\n      ScheduleExpression: rate(5 minutes)\n      Targets:\n        - {Id: m, Arn: !Ref M, Input: '{\"tick\": true}'}\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition: {StartAt: P, States: {P: {Type: Pass, End: true}}}\n";
    let s = import(text).unwrap();
    assert_eq!(
        s.rules[0].schedule_expression.as_deref(),
        Some("rate(5 minutes)")
    );
    let mut doc = s.scenario();
    doc["steps"] = json!([{"advanceSeconds": 600}]);
    let out = simulate(&doc);
    let executions = out["executions"].as_array().unwrap();
    assert_eq!(executions.len(), 2, "{}", out["log"]);
    assert_eq!(executions[1]["outcome"]["output"], json!({"tick": true}));
}
