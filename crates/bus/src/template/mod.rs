//! A CloudFormation or SAM template, as it would be deployed, turned into the playground's
//! event-driven system: state machines, buses, rules, Scheduler schedules and Pipes, plus the
//! Lambda functions a workflow calls (kept as named mock targets). Everything else in the
//! template is listed in [`SystemImport::ignored`] so nothing disappears silently.
//!
//! The stack is imagined deployed in us-east-1, account 123456789012, stack name
//! `playground` — the same account and Region the simulated bus uses, so the ARNs built here
//! are the ones its rules and targets resolve.
//! Template anatomy: <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html>

mod intrinsics;
mod machines;
mod resources;
mod rules;
mod yaml;

use serde::Serialize;
use serde_json::{json, Value};

/// The Region pseudo parameter's value.
pub const REGION: &str = "us-east-1";
/// The AccountId pseudo parameter's value.
pub const ACCOUNT: &str = "123456789012";
/// The StackName pseudo parameter's value.
pub const STACK_NAME: &str = "playground";

/// Why a template could not be read: where (line and column of the text, or the resource).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateError {
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The logical id of the resource the error is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
}

impl TemplateError {
    pub(crate) fn at(message: String, line: usize, column: usize) -> Self {
        TemplateError {
            message,
            line: Some(line),
            column: Some(column),
            resource: None,
        }
    }
    pub(crate) fn document(message: impl Into<String>) -> Self {
        TemplateError {
            message: message.into(),
            line: None,
            column: None,
            resource: None,
        }
    }
    pub(crate) fn resource(logical_id: &str, message: impl Into<String>) -> Self {
        TemplateError {
            message: format!("Resource {logical_id}: {}", message.into()),
            line: None,
            column: None,
            resource: Some(logical_id.to_string()),
        }
    }
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for TemplateError {}

/// The system a template describes.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SystemImport {
    /// `json` or `yaml`.
    pub format: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Template parameters and the value `Ref` gives them (their Default).
    pub parameters: Vec<ParameterValue>,
    pub state_machines: Vec<StateMachineImport>,
    pub buses: Vec<BusImport>,
    /// Rules in the PutRule/PutTargets shape the scenario document takes.
    pub rules: Vec<RuleImport>,
    /// Scheduler schedules in the CreateSchedule shape the scenario document takes.
    pub schedules: Vec<ScheduleImport>,
    pub pipes: Vec<PipeImport>,
    pub functions: Vec<FunctionImport>,
    pub ignored: Vec<IgnoredResource>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParameterValue {
    pub name: String,
    /// `None` when the parameter has no Default (a deploy would ask for it).
    pub value: Option<Value>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StateMachineImport {
    pub logical_id: String,
    /// `AWS::StepFunctions::StateMachine` or `AWS::Serverless::StateMachine`.
    #[serde(rename = "type")]
    pub resource_type: String,
    pub name: String,
    pub arn: String,
    /// The definition as the service would store it, pretty JSON when it parses; empty when
    /// the template only points at it (see `definition_uri`).
    pub definition: String,
    /// DefinitionSubstitutions keys that replaced a `${key}` placeholder.
    pub substitutions_applied: Vec<String>,
    /// What could not be resolved: `${name}` placeholders left in the definition, and
    /// `Ref`/`Fn::GetAtt` of things the template does not hold.
    pub unresolved: Vec<String>,
    /// A SAM DefinitionUri (S3 location or local file) the playground cannot read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub definition_uri: Option<Value>,
    /// Logical ids of the template's Lambda functions the definition calls (mocked).
    pub functions: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BusImport {
    pub logical_id: String,
    pub name: String,
    pub arn: String,
}

/// What a target ARN points at, for the UI to draw the edge and open the right view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TargetKind {
    StateMachine,
    EventBus,
    Function,
    Other,
}

/// A rule target in the PutTargets shape, with where its ARN came from.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TargetImport {
    pub id: String,
    pub arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_transformer: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_policy: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dead_letter_config: Option<Value>,
    pub target_kind: TargetKind,
    /// The template resource the ARN resolved to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_logical_id: Option<String>,
}

/// A rule in the PutRule shape (plus Targets), which `scenario::simulate` accepts as is.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RuleImport {
    pub logical_id: String,
    /// For a rule SAM generates from an `Events` entry: `Resource.Events.EventId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defined_by: Option<String>,
    pub name: String,
    pub arn: String,
    pub event_bus_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_pattern: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule_expression: Option<String>,
    /// ENABLED or DISABLED.
    pub state: String,
    pub targets: Vec<TargetImport>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScheduleTargetImport {
    pub arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_bridge_parameters: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_policy: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dead_letter_config: Option<Value>,
    pub target_kind: TargetKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_logical_id: Option<String>,
}

/// A schedule in the CreateSchedule shape, which `scenario::simulate` accepts as is.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScheduleImport {
    pub logical_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defined_by: Option<String>,
    pub name: String,
    pub arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
    pub schedule_expression: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule_expression_timezone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flexible_time_window: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<Value>,
    /// ENABLED or DISABLED.
    pub state: String,
    pub target: ScheduleTargetImport,
}

/// An EventBridge Pipe, its parameters kept as the template gives them.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PipeImport {
    pub logical_id: String,
    pub name: String,
    pub arn: String,
    pub source: String,
    pub source_parameters: Value,
    /// `SourceParameters.FilterCriteria`, lifted out because the UI edits it.
    pub filter_criteria: Option<Value>,
    pub enrichment: Option<String>,
    pub enrichment_parameters: Value,
    pub target: String,
    pub target_parameters: Value,
    /// RUNNING (default) or STOPPED.
    pub desired_state: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionImport {
    pub logical_id: String,
    #[serde(rename = "type")]
    pub resource_type: String,
    pub name: String,
    pub arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handler: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IgnoredResource {
    pub logical_id: String,
    #[serde(rename = "type")]
    pub resource_type: String,
    pub reason: String,
}

/// Reads a CloudFormation or SAM template (JSON, or YAML with short-form tags).
pub fn import(text: &str) -> Result<SystemImport, TemplateError> {
    let (doc, format) = yaml::parse(text)?;
    let mut system = resources::build(&doc)?;
    system.format = format.to_string();
    Ok(system)
}

/// How [`SystemImport::scenario_with`] runs the system.
#[derive(Debug, Clone, Default)]
pub struct ScenarioOptions {
    /// PutEvents entries sent in one step.
    pub events: Vec<Value>,
    /// A Step Functions Local mock config; state machines it names answer their tasks from it.
    pub mock_config: Option<Value>,
    pub test_case: Option<String>,
}

impl SystemImport {
    /// A scenario document (see [`crate::scenario`]) that sets the system up, with no steps:
    /// the caller appends `putEvents` or clock steps. State machines without a definition
    /// (an unreadable DefinitionUri) are left out; their targets then report that the state
    /// machine does not exist, as AWS would.
    pub fn scenario(&self) -> Value {
        let machines: Vec<Value> = self
            .state_machines
            .iter()
            .filter(|m| !m.definition.is_empty())
            .map(|m| json!({"name": m.name, "definition": m.definition}))
            .collect();
        json!({
            "account": ACCOUNT,
            "region": REGION,
            "buses": self.buses.iter().map(|b| b.name.clone()).collect::<Vec<_>>(),
            "stateMachines": machines,
            "rules": serde_json::to_value(&self.rules).unwrap_or(Value::Null),
            "schedules": serde_json::to_value(&self.schedules).unwrap_or(Value::Null),
            "steps": [],
        })
    }

    /// [`Self::scenario`] with mocks attached and the events put in one step.
    pub fn scenario_with(&self, options: &ScenarioOptions) -> Value {
        let mut doc = self.scenario();
        if let (Some(mocks), Some(Value::Array(machines))) =
            (&options.mock_config, doc.get_mut("stateMachines"))
        {
            let named = mocks.get("StateMachines").and_then(Value::as_object);
            for machine in machines.iter_mut() {
                let name = machine["name"].as_str().unwrap_or_default();
                if named.is_some_and(|n| n.contains_key(name)) {
                    machine["mockConfig"] = mocks.clone();
                    if let Some(case) = &options.test_case {
                        machine["testCase"] = Value::from(case.clone());
                    }
                }
            }
        }
        if !options.events.is_empty() {
            doc["steps"] = json!([{"putEvents": options.events}]);
        }
        doc
    }
}
