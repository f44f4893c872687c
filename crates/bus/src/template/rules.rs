//! Rules, Scheduler schedules and Pipes, including the ones SAM generates from a state
//! machine's or function's `Events`.
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-rule.html>
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-scheduler-schedule.html>
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-pipes-pipe.html>
//! <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-statemachine-statemachineeventbridgerule.html>
//! <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-statemachine-statemachineschedulev2.html>

use super::intrinsics::{text_of, Misses, Physical};
use super::resources::{Context, Resource};
use super::{
    PipeImport, RuleImport, ScheduleImport, ScheduleTargetImport, TargetImport, TemplateError,
    ACCOUNT, REGION,
};
use serde_json::{json, Map, Value};

/// Resolves `map[key]`, noting misses as warnings under `owner.key`.
fn get(ctx: &mut Context, owner: &str, map: &Map<String, Value>, key: &str) -> Option<Value> {
    let raw = map.get(key)?;
    let mut misses = Misses::new();
    let v = ctx.resolver.resolve(raw, &mut misses);
    ctx.warn_misses(owner, key, &misses);
    v
}

fn get_text(ctx: &mut Context, owner: &str, map: &Map<String, Value>, key: &str) -> Option<String> {
    get(ctx, owner, map, key).map(|v| text_of(&v))
}

/// `Input` is JSON text; a template that writes an object gets it serialised as AWS would
/// reject it — we accept it and say so, since the intent is clear.
fn input_text(ctx: &mut Context, owner: &str, map: &Map<String, Value>) -> Option<String> {
    match get(ctx, owner, map, "Input")? {
        Value::String(s) => Some(s),
        other => {
            ctx.system.warnings.push(format!(
                "{owner}.Input is not a string; it was used as its JSON text"
            ));
            Some(other.to_string())
        }
    }
}

/// An EventBusName given as a name, a `Ref` (the name) or `Fn::GetAtt .Arn`, as a name.
fn bus_name(ctx: &Context, given: Option<String>) -> String {
    let given = given
        .filter(|g| !g.is_empty())
        .unwrap_or_else(|| "default".into());
    if let Some(b) = ctx.system.buses.iter().find(|b| b.arn == given) {
        return b.name.clone();
    }
    if let Some(p) = ctx
        .resolver
        .resources
        .values()
        .find(|p| p.resource_type == "AWS::Events::EventBus" && p.arn == given)
    {
        return p.name.clone();
    }
    let prefix = format!("arn:aws:events:{REGION}:{ACCOUNT}:event-bus/");
    given
        .strip_prefix(&prefix)
        .map(str::to_string)
        .unwrap_or(given)
}

fn rule_arn(bus: &str, name: &str) -> String {
    if bus == "default" {
        format!("arn:aws:events:{REGION}:{ACCOUNT}:rule/{name}")
    } else {
        format!("arn:aws:events:{REGION}:{ACCOUNT}:rule/{bus}/{name}")
    }
}

/// A rule's State: ENABLED unless DISABLED (the CloudTrail variant also matches events).
fn state(ctx: &mut Context, owner: &str, given: Option<String>) -> String {
    match given.as_deref() {
        None | Some("ENABLED") => "ENABLED".into(),
        Some("DISABLED") => "DISABLED".into(),
        Some(other) => {
            ctx.system
                .warnings
                .push(format!("{owner}.State {other} is simulated as ENABLED"));
            "ENABLED".into()
        }
    }
}

/// EventPattern as an object, or JSON text the template wrote as a string.
fn pattern(ctx: &mut Context, owner: &str, v: Option<Value>) -> Option<Value> {
    match v? {
        Value::String(s) => match serde_json::from_str::<Value>(&s) {
            Ok(p) => Some(p),
            Err(e) => {
                ctx.system.warnings.push(format!(
                    "{owner}.EventPattern is not valid JSON ({e}); kept as written"
                ));
                Some(Value::String(s))
            }
        },
        other => Some(other),
    }
}

fn target(
    ctx: &mut Context,
    owner: &str,
    t: &Map<String, Value>,
    arn: Option<String>,
    default_id: Option<String>,
) -> Result<TargetImport, TemplateError> {
    let id = get_text(ctx, owner, t, "Id")
        .or(default_id)
        .ok_or_else(|| TemplateError::resource(owner, "a rule target needs an Id"))?;
    let arn = arn
        .or_else(|| get_text(ctx, owner, t, "Arn"))
        .ok_or_else(|| TemplateError::resource(owner, format!("rule target {id} needs an Arn")))?;
    let (target_kind, target_logical_id) = ctx.target_of(&arn);
    Ok(TargetImport {
        input: input_text(ctx, owner, t),
        input_path: get_text(ctx, owner, t, "InputPath"),
        input_transformer: get(ctx, owner, t, "InputTransformer"),
        retry_policy: get(ctx, owner, t, "RetryPolicy"),
        dead_letter_config: get(ctx, owner, t, "DeadLetterConfig"),
        id,
        arn,
        target_kind,
        target_logical_id,
    })
}

pub(crate) fn rule(
    ctx: &mut Context,
    r: &Resource,
    physical: &Physical,
) -> Result<(), TemplateError> {
    let owner = r.logical_id;
    let given_bus = get_text(ctx, owner, r.properties, "EventBusName");
    let bus = bus_name(ctx, given_bus);
    let event_pattern = get(ctx, owner, r.properties, "EventPattern");
    let event_pattern = pattern(ctx, owner, event_pattern);
    let schedule_expression = get_text(ctx, owner, r.properties, "ScheduleExpression");
    if event_pattern.is_none() && schedule_expression.is_none() {
        return Err(TemplateError::resource(
            owner,
            "an AWS::Events::Rule needs an EventPattern or a ScheduleExpression",
        ));
    }
    let given_state = get_text(ctx, owner, r.properties, "State");
    let state = state(ctx, owner, given_state);
    let mut targets = Vec::new();
    if let Some(list) = get(ctx, owner, r.properties, "Targets") {
        let Value::Array(list) = list else {
            return Err(TemplateError::resource(owner, "Targets must be a list"));
        };
        for t in &list {
            let t = t
                .as_object()
                .ok_or_else(|| TemplateError::resource(owner, "each target must be an object"))?;
            targets.push(target(ctx, owner, t, None, None)?);
        }
    }
    ctx.system.rules.push(RuleImport {
        logical_id: owner.to_string(),
        defined_by: None,
        arn: rule_arn(&bus, &physical.name),
        name: physical.name.clone(),
        event_bus_name: bus,
        event_pattern,
        schedule_expression,
        state,
        targets,
    });
    Ok(())
}

pub(crate) fn schedule(
    ctx: &mut Context,
    r: &Resource,
    physical: &Physical,
) -> Result<(), TemplateError> {
    let owner = r.logical_id;
    let t = r
        .properties
        .get("Target")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            TemplateError::resource(owner, "an AWS::Scheduler::Schedule needs a Target")
        })?;
    let arn = get_text(ctx, owner, t, "Arn")
        .ok_or_else(|| TemplateError::resource(owner, "the schedule's Target needs an Arn"))?;
    let (target_kind, target_logical_id) = ctx.target_of(&arn);
    let target = ScheduleTargetImport {
        input: input_text(ctx, owner, t),
        event_bridge_parameters: get(ctx, owner, t, "EventBridgeParameters"),
        retry_policy: get(ctx, owner, t, "RetryPolicy"),
        dead_letter_config: get(ctx, owner, t, "DeadLetterConfig"),
        arn,
        target_kind,
        target_logical_id,
    };
    let schedule_expression =
        get_text(ctx, owner, r.properties, "ScheduleExpression").ok_or_else(|| {
            TemplateError::resource(
                owner,
                "an AWS::Scheduler::Schedule needs a ScheduleExpression",
            )
        })?;
    let given_state = get_text(ctx, owner, r.properties, "State");
    let item = ScheduleImport {
        logical_id: owner.to_string(),
        defined_by: None,
        name: physical.name.clone(),
        arn: physical.arn.clone(),
        group_name: get_text(ctx, owner, r.properties, "GroupName"),
        schedule_expression,
        schedule_expression_timezone: get_text(
            ctx,
            owner,
            r.properties,
            "ScheduleExpressionTimezone",
        ),
        flexible_time_window: get(ctx, owner, r.properties, "FlexibleTimeWindow"),
        start_date: get(ctx, owner, r.properties, "StartDate"),
        end_date: get(ctx, owner, r.properties, "EndDate"),
        state: state(ctx, owner, given_state),
        target,
    };
    ctx.system.schedules.push(item);
    Ok(())
}

pub(crate) fn pipe(
    ctx: &mut Context,
    r: &Resource,
    physical: &Physical,
) -> Result<(), TemplateError> {
    let owner = r.logical_id;
    let source = get_text(ctx, owner, r.properties, "Source")
        .ok_or_else(|| TemplateError::resource(owner, "an AWS::Pipes::Pipe needs a Source"))?;
    let target = get_text(ctx, owner, r.properties, "Target")
        .ok_or_else(|| TemplateError::resource(owner, "an AWS::Pipes::Pipe needs a Target"))?;
    let source_parameters = get(ctx, owner, r.properties, "SourceParameters").unwrap_or(json!({}));
    let item = PipeImport {
        logical_id: owner.to_string(),
        name: physical.name.clone(),
        arn: physical.arn.clone(),
        filter_criteria: source_parameters.get("FilterCriteria").cloned(),
        source,
        source_parameters,
        enrichment: get_text(ctx, owner, r.properties, "Enrichment"),
        enrichment_parameters: get(ctx, owner, r.properties, "EnrichmentParameters")
            .unwrap_or(json!({})),
        target,
        target_parameters: get(ctx, owner, r.properties, "TargetParameters").unwrap_or(json!({})),
        desired_state: get_text(ctx, owner, r.properties, "DesiredState")
            .unwrap_or_else(|| "RUNNING".into()),
    };
    ctx.system.pipes.push(item);
    Ok(())
}

/// The rules and schedules SAM generates from `Events`, each named after the resource and
/// the event id (`OrderWorkflowOrderPlaced`), targeting `target_arn`.
pub(crate) fn sam_events(
    ctx: &mut Context,
    r: &Resource,
    target_arn: &str,
) -> Result<(), TemplateError> {
    let Some(events) = r.properties.get("Events") else {
        return Ok(());
    };
    let events = events.as_object().ok_or_else(|| {
        TemplateError::resource(
            r.logical_id,
            "Events must be an object of event id to event",
        )
    })?;
    let suffix = if r.resource_type == "AWS::Serverless::StateMachine" {
        "StepFunctionsTarget"
    } else {
        "LambdaTarget"
    };
    for (event_id, event) in events {
        let owner = format!("{}.Events.{event_id}", r.logical_id);
        let generated = format!("{}{event_id}", r.logical_id);
        let kind = event
            .get("Type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let empty = Map::new();
        let props = event
            .get("Properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        match kind {
            "EventBridgeRule" | "CloudWatchEvent" | "Schedule" => {
                let is_schedule = kind == "Schedule";
                let name = get_text(ctx, &owner, props, if is_schedule { "Name" } else { "RuleName" })
                    .unwrap_or_else(|| generated.clone());
                let given_bus = get_text(ctx, &owner, props, "EventBusName");
                let bus = bus_name(ctx, given_bus);
                let event_pattern = get(ctx, &owner, props, "Pattern");
                let event_pattern = pattern(ctx, &owner, event_pattern);
                let schedule_expression = get_text(ctx, &owner, props, "Schedule");
                if is_schedule && schedule_expression.is_none() {
                    return Err(TemplateError::resource(r.logical_id, format!("event {event_id} of type Schedule needs a Schedule expression")));
                }
                let mut given_state = get_text(ctx, &owner, props, "State");
                if given_state.is_none() && get(ctx, &owner, props, "Enabled") == Some(Value::Bool(false)) {
                    given_state = Some("DISABLED".into());
                }
                let state = state(ctx, &owner, given_state);
                let t = props.get("Target").and_then(Value::as_object).cloned().unwrap_or_default();
                let mut spec = props.clone();
                if let Some(id) = t.get("Id") {
                    spec.insert("Id".into(), id.clone());
                }
                let target = target(ctx, &owner, &spec, Some(target_arn.to_string()), Some(format!("{generated}{suffix}")))?;
                ctx.system.rules.push(RuleImport {
                    logical_id: generated.clone(),
                    defined_by: Some(owner.clone()),
                    arn: rule_arn(&bus, &name),
                    name,
                    event_bus_name: bus,
                    event_pattern: if is_schedule { None } else { event_pattern },
                    schedule_expression: if is_schedule { schedule_expression } else { None },
                    state,
                    targets: vec![target],
                });
            }
            "ScheduleV2" => {
                let name = get_text(ctx, &owner, props, "Name").unwrap_or_else(|| generated.clone());
                let group = get_text(ctx, &owner, props, "GroupName");
                let schedule_expression = get_text(ctx, &owner, props, "ScheduleExpression")
                    .ok_or_else(|| TemplateError::resource(r.logical_id, format!("event {event_id} of type ScheduleV2 needs a ScheduleExpression")))?;
                let (target_kind, target_logical_id) = ctx.target_of(target_arn);
                let given_state = get_text(ctx, &owner, props, "State");
                let item = ScheduleImport {
                    logical_id: generated.clone(),
                    defined_by: Some(owner.clone()),
                    arn: format!(
                        "arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/{}/{name}",
                        group.as_deref().unwrap_or("default")
                    ),
                    name,
                    group_name: group,
                    schedule_expression,
                    schedule_expression_timezone: get_text(ctx, &owner, props, "ScheduleExpressionTimezone"),
                    flexible_time_window: Some(
                        get(ctx, &owner, props, "FlexibleTimeWindow").unwrap_or(json!({"Mode": "OFF"})),
                    ),
                    start_date: get(ctx, &owner, props, "StartDate"),
                    end_date: get(ctx, &owner, props, "EndDate"),
                    state: state(ctx, &owner, given_state),
                    target: ScheduleTargetImport {
                        arn: target_arn.to_string(),
                        input: input_text(ctx, &owner, props),
                        event_bridge_parameters: None,
                        retry_policy: get(ctx, &owner, props, "RetryPolicy"),
                        dead_letter_config: get(ctx, &owner, props, "DeadLetterConfig"),
                        target_kind,
                        target_logical_id,
                    },
                };
                ctx.system.schedules.push(item);
            }
            other => ctx.system.warnings.push(format!(
                "{owner}: event source type {other} is not simulated (only EventBridgeRule, CloudWatchEvent, Schedule and ScheduleV2 are)"
            )),
        }
    }
    Ok(())
}
