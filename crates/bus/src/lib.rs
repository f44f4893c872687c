//! A simulated EventBridge bus, on the same virtual clock idea as the interpreter.
//! It joins the two halves of the product: a rule's state machine target starts an
//! execution in `stepbridge-asl` with the (transformed) event as input.
//!
//! The simulator is synchronous: `put_events` routes each accepted event through archives,
//! rules and targets before it returns, and `advance_to` fires scheduled rules in time order.
//! Everything observable goes into [`EventBridge::log`], which the playground shows.
//!
//! AWS pages reproduced (one test each in `tests/`):
//! - PutEvents: <https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html>,
//!   <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html>
//! - Events: <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events.html>
//! - Targets: <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html>
//! - Bus to bus: <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-bus-to-bus.html>
//! - Archive/replay: <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-replay-archived-event.html>

pub mod ids;
pub mod pipes;
pub mod put;
pub mod scenario;
pub mod schedule;
pub mod scheduler;
pub mod schema;
pub mod template;
pub mod transform;
pub mod workflow;

mod dead_letter;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use stepbridge_asl::{RunOutcome, RunRequest};
use stepbridge_events::pattern::Pattern;

use ids::IdGenerator;
use put::{PutEventsResult, PutEventsResultEntry};
use schedule::{format_time, Flavor, Schedule};
use transform::{InputTransformer, JsonPath, ReservedValues};

/// The most targets one rule may have.
pub const MAX_TARGETS_PER_RULE: usize = 5;
/// The most targets one PutTargets call may add.
pub const MAX_TARGETS_PER_CALL: usize = 10;
/// Scheduled fires processed by one clock advance before the simulator stops and says so.
pub const MAX_FIRES_PER_ADVANCE: usize = 10_000;

/// An API error, shaped like AWS's: the exception name and its message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BusError {
    pub error: String,
    pub message: String,
}

impl BusError {
    pub fn new(error: &str, message: impl Into<String>) -> Self {
        BusError {
            error: error.to_string(),
            message: message.into(),
        }
    }
    fn validation(message: impl Into<String>) -> Self {
        Self::new("ValidationException", message)
    }
    fn not_found(message: impl Into<String>) -> Self {
        Self::new("ResourceNotFoundException", message)
    }
}

impl std::fmt::Display for BusError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.message)
    }
}

impl std::error::Error for BusError {}

/// Account, Region, seed and the virtual clock's start.
#[derive(Debug, Clone)]
pub struct Config {
    pub account: String,
    pub region: String,
    pub seed: u64,
    pub start_time: DateTime<Utc>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            account: "123456789012".into(),
            region: "us-east-1".into(),
            seed: 0,
            start_time: Utc
                .with_ymd_and_hms(2024, 1, 1, 0, 0, 0)
                .single()
                .unwrap_or_default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RuleState {
    Enabled,
    Disabled,
}

/// What a target is sent.
#[derive(Debug, Clone, PartialEq)]
pub enum TargetInput {
    /// The matched event as it is.
    Event,
    /// `Input`: constant JSON text.
    Constant(String),
    /// `InputPath`: part of the event.
    Path(JsonPath),
    Transformer(InputTransformer),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub id: String,
    pub arn: String,
    pub input: TargetInput,
    /// DeadLetterConfig's SQS queue ARN.
    pub dead_letter_arn: Option<String>,
    pub retry_policy: RetryPolicy,
}

/// A target's RetryPolicy. The simulator's delivery failures are the kind AWS does not
/// retry (a missing resource, an input that is not JSON), so it is kept and described but
/// never spends attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RetryPolicy {
    pub maximum_retry_attempts: u32,
    pub maximum_event_age_in_seconds: u32,
}

impl Default for RetryPolicy {
    /// 185 attempts over 24 hours, AWS's defaults.
    fn default() -> Self {
        RetryPolicy {
            maximum_retry_attempts: 185,
            maximum_event_age_in_seconds: 86_400,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DeadLetterConfigSpec {
    pub arn: String,
}

/// A PutTargets target as the API spells it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TargetSpec {
    pub id: String,
    pub arn: String,
    pub input: Option<String>,
    pub input_path: Option<String>,
    pub input_transformer: Option<InputTransformerSpec>,
    pub dead_letter_config: Option<DeadLetterConfigSpec>,
    /// Fields as given (validated in PutTargets, with AWS's ranges).
    pub retry_policy: Option<Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct InputTransformerSpec {
    pub input_paths_map: Value,
    pub input_template: String,
}

/// A PutRule request as the API spells it. `EventPattern` may be JSON text or an object.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RuleSpec {
    pub name: String,
    pub event_bus_name: Option<String>,
    pub event_pattern: Option<Value>,
    pub schedule_expression: Option<String>,
    pub state: Option<RuleState>,
}

#[derive(Debug, Clone)]
struct Rule {
    name: String,
    bus: String,
    arn: String,
    pattern: Option<Pattern>,
    /// The pattern as written, for `describe`.
    pattern_text: Option<String>,
    schedule: Option<Schedule>,
    state: RuleState,
    targets: Vec<Target>,
    /// When the rule was created (rate schedules count from here).
    created: DateTime<Utc>,
    next_fire: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
struct Bus {
    name: String,
    arn: String,
}

#[derive(Debug, Clone)]
struct Archive {
    name: String,
    arn: String,
    bus: String,
    pattern: Option<Pattern>,
    pattern_text: Option<String>,
    /// RetentionDays; 0 keeps events indefinitely.
    retention_days: u32,
    events: Vec<ArchivedEvent>,
}

#[derive(Debug, Clone)]
struct ArchivedEvent {
    /// The event's own `time`: replays select and order by it.
    time: DateTime<Utc>,
    /// When the archive received it: retention counts from here.
    archived: DateTime<Utc>,
    event: Value,
}

#[derive(Debug, Clone)]
struct StateMachine {
    arn: String,
    name: String,
    definition: String,
    /// Step Functions Local mock config and test case its executions run with (Lambda
    /// tasks of an imported template have no real function behind them).
    mocks: Option<(String, Option<String>)>,
}

/// One execution started by a state machine target.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Execution {
    pub execution_arn: String,
    pub state_machine_arn: String,
    pub rule_arn: String,
    pub target_id: String,
    pub event_id: String,
    pub start_time: String,
    pub input: Value,
    /// The seed the execution ran with, so the run can be repeated exactly elsewhere.
    pub seed: u64,
    pub outcome: RunOutcome,
}

/// What happened, in order. Serialised with a `type` tag for the UI.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum LogEntry {
    #[serde(rename_all = "camelCase")]
    EventAccepted {
        time: String,
        bus: String,
        event_id: String,
        event: Value,
        /// The execution whose `events:putEvents` task published the event.
        #[serde(skip_serializing_if = "Option::is_none")]
        from_execution: Option<String>,
    },
    #[serde(rename_all = "camelCase")]
    EventArchived {
        time: String,
        archive: String,
        event_id: String,
    },
    #[serde(rename_all = "camelCase")]
    RuleMatched {
        time: String,
        bus: String,
        rule: String,
        event_id: String,
        /// The replay the event came from (its `replay-name`).
        #[serde(skip_serializing_if = "Option::is_none")]
        replay_name: Option<String>,
    },
    #[serde(rename_all = "camelCase")]
    ScheduleFired {
        time: String,
        rule: String,
        event_id: String,
        event: Value,
    },
    /// An EventBridge Scheduler schedule came due.
    #[serde(rename_all = "camelCase")]
    SchedulerFired {
        time: String,
        schedule: String,
        arn: String,
    },
    /// A log (or other recorded) target received its input.
    #[serde(rename_all = "camelCase")]
    TargetInvoked {
        time: String,
        rule: String,
        target_id: String,
        arn: String,
        /// The ARN's service (`logs` for a CloudWatch Logs group, `sqs`, `lambda`, ...).
        service: String,
        input: String,
    },
    #[serde(rename_all = "camelCase")]
    EventForwarded {
        time: String,
        rule: String,
        target_id: String,
        from_bus: String,
        to_bus: String,
        event_id: String,
    },
    #[serde(rename_all = "camelCase")]
    ExecutionStarted {
        time: String,
        rule: String,
        target_id: String,
        execution_arn: String,
        status: stepbridge_asl::RunStatus,
    },
    #[serde(rename_all = "camelCase")]
    DeliveryFailed {
        time: String,
        rule: String,
        target_id: String,
        arn: String,
        error: String,
        message: String,
    },
    /// A failed delivery's event sent to the target's dead-letter queue, with the message
    /// attributes EventBridge sets.
    #[serde(rename_all = "camelCase")]
    SentToDeadLetterQueue {
        time: String,
        rule: String,
        target_id: String,
        queue_arn: String,
        attributes: Map<String, Value>,
        event: Value,
    },
    #[serde(rename_all = "camelCase")]
    EventReplayed {
        time: String,
        replay: String,
        bus: String,
        event_id: String,
    },
    #[serde(rename_all = "camelCase")]
    ReplayCompleted {
        time: String,
        replay: String,
        archive: String,
        events_replayed: usize,
    },
    #[serde(rename_all = "camelCase")]
    FiresTruncated { time: String, limit: usize },
    /// An execution's `events:putEvents` task sent its entries to the bus (see
    /// [`workflow`]); `error` is `EventBridge.FailedEntry` when some were refused (the task
    /// fails with it on AWS), or the request's own fault.
    #[serde(rename_all = "camelCase")]
    WorkflowPutEvents {
        time: String,
        execution_arn: String,
        state: String,
        entries: usize,
        failed_entry_count: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// The simulator stopped following events published by workflows (a loop guard).
    #[serde(rename_all = "camelCase")]
    WorkflowEventsStopped {
        time: String,
        execution_arn: String,
        state: String,
        message: String,
    },
}

/// A StartReplay request as the API spells it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ReplaySpec {
    pub replay_name: String,
    /// Archive ARN (or name).
    pub event_source_arn: String,
    pub event_start_time: Value,
    pub event_end_time: Value,
    pub destination: ReplayDestination,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ReplayDestination {
    pub arn: String,
    pub filter_arns: Vec<String>,
}

/// The rule (or Scheduler schedule) a delivery is made for.
#[derive(Debug, Clone)]
struct Sender {
    name: String,
    arn: String,
    /// The bus the rule is on; empty for a Scheduler schedule.
    bus: String,
}

/// How an event reached a bus; decides which hops are still allowed.
#[derive(Debug, Clone, Default)]
struct Origin {
    /// Set when the event came from another bus through a bus target.
    forwarded_from: Option<String>,
    /// Set for replayed events: the rule ARNs allowed to fire (empty = all).
    replay: Option<Vec<String>>,
    /// How many workflow publications led to this event (0: put from outside).
    workflow_hops: usize,
}

fn valid_name(name: &str, max: usize, extra: &[char]) -> bool {
    !name.is_empty()
        && name.len() <= max
        && name.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') || extra.contains(&c)
        })
}

/// The simulated service: buses, rules, archives and the state machines targets can start.
#[derive(Debug, Clone)]
pub struct EventBridge {
    config: Config,
    clock: DateTime<Utc>,
    /// `clock` as event text, cached: every log entry carries it.
    clock_cache: std::cell::RefCell<(DateTime<Utc>, String)>,
    ids: IdGenerator,
    buses: Vec<Bus>,
    rules: Vec<Rule>,
    archives: Vec<Archive>,
    replays: Vec<String>,
    schedules: Vec<scheduler::SchedulerSchedule>,
    state_machines: Vec<StateMachine>,
    executions: Vec<Execution>,
    /// Events workflows published so far (bounded by [`workflow::MAX_WORKFLOW_EVENTS`]).
    workflow_events: usize,
    log: Vec<LogEntry>,
}

impl EventBridge {
    pub fn new(config: Config) -> Self {
        let mut bridge = EventBridge {
            clock: config.start_time,
            clock_cache: std::cell::RefCell::new((
                config.start_time,
                format_time(config.start_time),
            )),
            ids: IdGenerator::new(config.seed),
            buses: Vec::new(),
            rules: Vec::new(),
            archives: Vec::new(),
            replays: Vec::new(),
            schedules: Vec::new(),
            state_machines: Vec::new(),
            executions: Vec::new(),
            workflow_events: 0,
            log: Vec::new(),
            config,
        };
        let arn = bridge.bus_arn("default");
        bridge.buses.push(Bus {
            name: "default".into(),
            arn,
        });
        bridge
    }

    fn clock_text(&self) -> String {
        let mut cache = self.clock_cache.borrow_mut();
        if cache.0 != self.clock {
            *cache = (self.clock, format_time(self.clock));
        }
        cache.1.clone()
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock
    }

    pub fn log(&self) -> &[LogEntry] {
        &self.log
    }

    /// Everything configured and where the clock stands, for the playground's side panel.
    pub fn describe(&self) -> Value {
        let time = |t: Option<DateTime<Utc>>| t.map(format_time);
        json!({
            "clock": self.clock_text(),
            "buses": self.buses.iter().map(|b| json!({"Name": b.name, "Arn": b.arn})).collect::<Vec<_>>(),
            "rules": self.rules.iter().map(|r| json!({
                "Name": r.name,
                "Arn": r.arn,
                "EventBusName": r.bus,
                "State": r.state,
                "EventPattern": r.pattern_text,
                "ScheduleExpression": r.schedule.as_ref().map(|s| s.source.clone()),
                "NextFire": time(r.next_fire.filter(|_| r.state == RuleState::Enabled)),
                "Targets": r.targets.iter().map(|t| {
                    let mut described = json!({"Id": t.id, "Arn": t.arn, "RetryPolicy": t.retry_policy});
                    if let Some(dlq) = &t.dead_letter_arn {
                        described["DeadLetterConfig"] = json!({"Arn": dlq});
                    }
                    described
                }).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "archives": self.archives.iter().map(|a| json!({
                "ArchiveName": a.name,
                "ArchiveArn": a.arn,
                "EventSourceArn": self.bus_arn(&a.bus),
                "EventPattern": a.pattern_text,
                "RetentionDays": a.retention_days,
                "EventCount": a.events.iter().filter(|e| self.retained(a, e)).count(),
            })).collect::<Vec<_>>(),
            "schedules": self.schedules.iter().map(|s| s.describe()).collect::<Vec<_>>(),
            "stateMachines": self.state_machines.iter().map(|m| json!({"name": m.name, "arn": m.arn})).collect::<Vec<_>>(),
            "replays": self.replays,
        })
    }

    /// Hands over the log so far and starts a new one, for callers that stream it (a long
    /// simulation need not keep every entry in memory).
    pub fn take_log(&mut self) -> Vec<LogEntry> {
        std::mem::take(&mut self.log)
    }

    pub fn executions(&self) -> &[Execution] {
        &self.executions
    }

    fn arn_prefix(&self, service: &str) -> String {
        format!(
            "arn:aws:{service}:{}:{}",
            self.config.region, self.config.account
        )
    }

    pub fn bus_arn(&self, name: &str) -> String {
        format!("{}:event-bus/{name}", self.arn_prefix("events"))
    }

    pub fn rule_arn(&self, bus: &str, name: &str) -> String {
        if bus == "default" {
            format!("{}:rule/{name}", self.arn_prefix("events"))
        } else {
            format!("{}:rule/{bus}/{name}", self.arn_prefix("events"))
        }
    }

    /// Resolves a bus given by name or ARN to its name, if it exists.
    fn resolve_bus(&self, name_or_arn: &str) -> Option<String> {
        let name = if name_or_arn.starts_with("arn:") {
            self.buses
                .iter()
                .find(|b| b.arn == name_or_arn)
                .map(|b| b.name.as_str())?
        } else {
            name_or_arn
        };
        self.buses
            .iter()
            .find(|b| b.name == name)
            .map(|b| b.name.clone())
    }

    fn bus_name_arg(&self, name: Option<&str>) -> Result<String, BusError> {
        let given = name.filter(|n| !n.is_empty()).unwrap_or("default");
        self.resolve_bus(given)
            .ok_or_else(|| BusError::not_found(format!("Event bus {given} does not exist.")))
    }

    /// CreateEventBus for a custom bus.
    pub fn create_event_bus(&mut self, name: &str) -> Result<String, BusError> {
        if !valid_name(name, 256, &['/']) {
            return Err(BusError::validation(format!(
                "Event bus name '{name}' is not valid: use 1-256 characters from letters, digits, '.', '-', '_' and '/'"
            )));
        }
        if name.starts_with("aws.") {
            return Err(BusError::validation(format!(
                "Event bus name '{name}' is not valid: names starting with 'aws.' belong to partner event sources"
            )));
        }
        if self.buses.iter().any(|b| b.name == name) {
            return Err(BusError::new(
                "ResourceAlreadyExistsException",
                format!("Event bus {name} already exists."),
            ));
        }
        let arn = self.bus_arn(name);
        self.buses.push(Bus {
            name: name.to_string(),
            arn: arn.clone(),
        });
        Ok(arn)
    }

    /// Registers a state machine a target can name by ARN.
    pub fn create_state_machine(
        &mut self,
        name: &str,
        definition: &str,
    ) -> Result<String, BusError> {
        if !valid_name(name, 80, &[]) {
            return Err(BusError::validation(format!(
                "State machine name '{name}' is not valid: use 1-80 letters, digits, '.', '-' or '_'"
            )));
        }
        let arn = format!("{}:stateMachine:{name}", self.arn_prefix("states"));
        self.state_machines.retain(|m| m.name != name);
        self.state_machines.push(StateMachine {
            arn: arn.clone(),
            name: name.to_string(),
            definition: definition.to_string(),
            mocks: None,
        });
        Ok(arn)
    }

    /// Makes the executions of a registered state machine answer its tasks from a
    /// Step Functions Local mock config (JSON text) and test case.
    pub fn set_state_machine_mocks(
        &mut self,
        name: &str,
        mock_config: String,
        test_case: Option<String>,
    ) -> Result<(), BusError> {
        let machine = self
            .state_machines
            .iter_mut()
            .find(|m| m.name == name)
            .ok_or_else(|| BusError::not_found(format!("State machine {name} does not exist.")))?;
        machine.mocks = Some((mock_config, test_case));
        Ok(())
    }

    /// PutRule: creates or updates a rule; returns its ARN.
    pub fn put_rule(&mut self, spec: &RuleSpec) -> Result<String, BusError> {
        if !valid_name(&spec.name, 64, &[]) {
            return Err(BusError::validation(format!(
                "Rule name '{}' is not valid: use 1-64 letters, digits, '.', '-' or '_'",
                spec.name
            )));
        }
        let bus = self.bus_name_arg(spec.event_bus_name.as_deref())?;
        let pattern_text = match &spec.event_pattern {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => Some(other.to_string()),
        };
        let pattern = match &pattern_text {
            None => None,
            Some(text) => {
                Some(Pattern::parse(text).map_err(|e| BusError::new(&e.error, e.message))?)
            }
        };
        let schedule = match spec.schedule_expression.as_deref() {
            None | Some("") => None,
            Some(expr) => {
                if bus != "default" {
                    return Err(BusError::validation(
                        "ScheduleExpression is supported only on the default event bus.",
                    ));
                }
                Some(
                    schedule::parse(expr, None, Flavor::Rule)
                        .map_err(|e| BusError::new(&e.error, e.message))?,
                )
            }
        };
        if pattern.is_none() && schedule.is_none() {
            return Err(BusError::validation(
                "Parameter(s) EventPattern or ScheduleExpression must be specified.",
            ));
        }
        let state = spec.state.unwrap_or(RuleState::Enabled);
        let arn = self.rule_arn(&bus, &spec.name);
        let now = self.clock;
        let next_fire = schedule.as_ref().and_then(|s| s.next_after(now, now));
        if let Some(rule) = self
            .rules
            .iter_mut()
            .find(|r| r.bus == bus && r.name == spec.name)
        {
            let schedule_changed =
                rule.schedule.as_ref().map(|s| &s.source) != schedule.as_ref().map(|s| &s.source);
            rule.pattern = pattern;
            rule.pattern_text = pattern_text;
            if schedule_changed {
                rule.created = now;
                rule.next_fire = next_fire;
            }
            rule.schedule = schedule;
            rule.state = state;
        } else {
            self.rules.push(Rule {
                name: spec.name.clone(),
                bus,
                arn: arn.clone(),
                pattern,
                pattern_text,
                schedule,
                state,
                targets: Vec::new(),
                created: now,
                next_fire,
            });
        }
        Ok(arn)
    }

    fn find_rule_index(&self, bus: Option<&str>, name: &str) -> Result<usize, BusError> {
        let bus = self.bus_name_arg(bus)?;
        self.rules
            .iter()
            .position(|r| r.bus == bus && r.name == name)
            .ok_or_else(|| {
                BusError::not_found(format!("Rule {name} does not exist on EventBus {bus}."))
            })
    }

    /// EnableRule / DisableRule.
    pub fn set_rule_state(
        &mut self,
        bus: Option<&str>,
        name: &str,
        state: RuleState,
    ) -> Result<(), BusError> {
        let index = self.find_rule_index(bus, name)?;
        let now = self.clock;
        let rule = &mut self.rules[index];
        if rule.state == RuleState::Disabled && state == RuleState::Enabled {
            // A re-enabled schedule resumes from now rather than firing for the paused time.
            rule.next_fire = rule
                .schedule
                .as_ref()
                .and_then(|s| s.next_after(now, rule.created));
        }
        rule.state = state;
        Ok(())
    }

    fn build_target(spec: &TargetSpec) -> Result<Target, String> {
        if !valid_name(&spec.id, 64, &[]) {
            return Err(format!(
                "Target Id '{}' is not valid: use 1-64 letters, digits, '.', '-' or '_'",
                spec.id
            ));
        }
        if !spec.arn.starts_with("arn:") {
            return Err(format!("Target Arn '{}' is not an ARN", spec.arn));
        }
        let given = [
            spec.input.is_some(),
            spec.input_path.is_some(),
            spec.input_transformer.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if given > 1 {
            return Err(format!(
                "Target {} sets more than one of Input, InputPath and InputTransformer; give at most one",
                spec.id
            ));
        }
        let input = if let Some(text) = &spec.input {
            serde_json::from_str::<Value>(text)
                .map_err(|e| format!("Input for target {} is not valid JSON text: {e}", spec.id))?;
            TargetInput::Constant(text.clone())
        } else if let Some(path) = &spec.input_path {
            TargetInput::Path(
                JsonPath::parse(path)
                    .map_err(|e| format!("InputPath for target {}: {e}", spec.id))?,
            )
        } else if let Some(t) = &spec.input_transformer {
            TargetInput::Transformer(
                InputTransformer::new(&t.input_paths_map, &t.input_template)
                    .map_err(|e| format!("InputTransformer for target {}: {e}", spec.id))?,
            )
        } else {
            TargetInput::Event
        };
        let dead_letter_arn = match &spec.dead_letter_config {
            None => None,
            Some(dlq) if dlq.arn.starts_with("arn:aws:sqs:") => Some(dlq.arn.clone()),
            Some(dlq) => {
                return Err(format!(
                    "DeadLetterConfig of target {}: '{}' is not an Amazon SQS queue ARN (arn:aws:sqs:region:account:queue)",
                    spec.id, dlq.arn
                ))
            }
        };
        let retry_policy = match &spec.retry_policy {
            None | Some(Value::Null) => RetryPolicy::default(),
            Some(given) => {
                let mut policy = RetryPolicy::default();
                let field = |key: &str, low: u64, high: u64| -> Result<Option<u32>, String> {
                    match given.get(key) {
                        None | Some(Value::Null) => Ok(None),
                        Some(v) => v
                            .as_u64()
                            .filter(|n| (low..=high).contains(n))
                            .and_then(|n| u32::try_from(n).ok())
                            .map(Some)
                            .ok_or_else(|| {
                                let lower = format!("{}{}", key[..1].to_lowercase(), &key[1..]);
                                format!(
                                    "1 validation error detected: Value '{v}' at 'retryPolicy.{lower}' failed to satisfy constraint: Member must have value between {low} and {high}"
                                )
                            }),
                    }
                };
                if let Some(n) = field("MaximumRetryAttempts", 0, 185)? {
                    policy.maximum_retry_attempts = n;
                }
                if let Some(n) = field("MaximumEventAgeInSeconds", 60, 86_400)? {
                    policy.maximum_event_age_in_seconds = n;
                }
                policy
            }
        };
        Ok(Target {
            id: spec.id.clone(),
            arn: spec.arn.clone(),
            input,
            dead_letter_arn,
            retry_policy,
        })
    }

    /// PutTargets: adds or replaces targets (by Id). Invalid targets fail alone, as AWS
    /// reports them in FailedEntries; exceeding five targets fails the whole call.
    pub fn put_targets(
        &mut self,
        bus: Option<&str>,
        rule: &str,
        targets: &[TargetSpec],
    ) -> Result<Value, BusError> {
        let index = self.find_rule_index(bus, rule)?;
        if targets.is_empty() || targets.len() > MAX_TARGETS_PER_CALL {
            return Err(BusError::validation(format!(
                "1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length between 1 and {MAX_TARGETS_PER_CALL} (it has {})",
                targets.len()
            )));
        }
        let existing = &self.rules[index].targets;
        let mut ids: Vec<&str> = existing.iter().map(|t| t.id.as_str()).collect();
        for t in targets {
            if !ids.contains(&t.id.as_str()) {
                ids.push(&t.id);
            }
        }
        if ids.len() > MAX_TARGETS_PER_RULE {
            return Err(BusError::new(
                "LimitExceededException",
                format!(
                    "The requested resource exceeds the maximum number allowed: rule {rule} would have {} targets, at most {MAX_TARGETS_PER_RULE} are allowed.",
                    ids.len()
                ),
            ));
        }
        let mut failed = Vec::new();
        for spec in targets {
            match Self::build_target(spec) {
                Ok(target) => {
                    let list = &mut self.rules[index].targets;
                    if let Some(slot) = list.iter_mut().find(|t| t.id == target.id) {
                        *slot = target;
                    } else {
                        list.push(target);
                    }
                }
                Err(message) => failed.push(json!({
                    "TargetId": spec.id,
                    "ErrorCode": "ValidationException",
                    "ErrorMessage": message,
                })),
            }
        }
        Ok(json!({"FailedEntryCount": failed.len(), "FailedEntries": failed}))
    }

    /// DeleteRule. As in AWS, a rule that still has targets must lose them first.
    pub fn delete_rule(&mut self, bus: Option<&str>, name: &str) -> Result<(), BusError> {
        let index = self.find_rule_index(bus, name)?;
        if !self.rules[index].targets.is_empty() {
            return Err(BusError::validation(
                "Rule can't be deleted since it has targets.",
            ));
        }
        self.rules.remove(index);
        Ok(())
    }

    /// RemoveTargets by Id.
    pub fn remove_targets(
        &mut self,
        bus: Option<&str>,
        rule: &str,
        ids: &[String],
    ) -> Result<(), BusError> {
        let index = self.find_rule_index(bus, rule)?;
        self.rules[index].targets.retain(|t| !ids.contains(&t.id));
        Ok(())
    }

    /// CreateArchive on a bus (by name or ARN), with an optional pattern.
    pub fn create_archive(
        &mut self,
        name: &str,
        source: &str,
        pattern: Option<&Value>,
    ) -> Result<String, BusError> {
        if !valid_name(name, 48, &[]) {
            return Err(BusError::validation(format!(
                "Archive name '{name}' is not valid: use 1-48 letters, digits, '.', '-' or '_'"
            )));
        }
        if self.archives.iter().any(|a| a.name == name) {
            return Err(BusError::new(
                "ResourceAlreadyExistsException",
                format!("Archive {name} already exists."),
            ));
        }
        let bus = self
            .resolve_bus(source)
            .ok_or_else(|| BusError::not_found(format!("Event bus {source} does not exist.")))?;
        let pattern_text = match pattern {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => Some(other.to_string()),
        };
        let pattern = match &pattern_text {
            None => None,
            Some(text) => {
                Some(Pattern::parse(text).map_err(|e| BusError::new(&e.error, e.message))?)
            }
        };
        let arn = format!("{}:archive/{name}", self.arn_prefix("events"));
        self.archives.push(Archive {
            name: name.to_string(),
            arn: arn.clone(),
            bus,
            pattern,
            pattern_text,
            retention_days: 0,
            events: Vec::new(),
        });
        Ok(arn)
    }

    /// An archive's RetentionDays (0, the default, keeps events indefinitely): an event
    /// leaves the archive that many days after it arrived, and a replay no longer finds it.
    pub fn set_archive_retention(&mut self, name: &str, days: u32) -> Result<(), BusError> {
        let archive = self
            .archives
            .iter_mut()
            .find(|a| a.name == name)
            .ok_or_else(|| BusError::not_found(format!("Archive {name} does not exist.")))?;
        archive.retention_days = days;
        Ok(())
    }

    /// Whether an archived event is still within its archive's retention.
    fn retained(&self, archive: &Archive, event: &ArchivedEvent) -> bool {
        archive.retention_days == 0
            || Duration::try_days(i64::from(archive.retention_days))
                .and_then(|k| event.archived.checked_add_signed(k))
                .is_none_or(|until| until > self.clock)
    }

    /// Drops the events whose retention has run out at the current clock.
    fn expire_archived(&mut self) {
        let now = self.clock;
        for archive in self.archives.iter_mut().filter(|a| a.retention_days > 0) {
            let keep = Duration::try_days(i64::from(archive.retention_days));
            archive.events.retain(|e| {
                keep.and_then(|k| e.archived.checked_add_signed(k))
                    .is_none_or(|until| until > now)
            });
        }
    }

    /// PutEvents. A malformed request fails whole (ValidationException); a bad entry fails
    /// alone with its ErrorCode, and the others go through.
    pub fn put_events(&mut self, entries: &[Value]) -> Result<PutEventsResult, BusError> {
        let (result, accepted) = self.accept_entries(entries)?;
        self.route_accepted(accepted, &Origin::default(), None);
        Ok(result)
    }

    /// PutEvents' validation: the result AWS returns and the events it accepted, each with
    /// its bus, not yet routed.
    fn accept_entries(
        &mut self,
        entries: &[Value],
    ) -> Result<(PutEventsResult, Vec<(String, Value)>), BusError> {
        if entries.is_empty() {
            return Err(BusError::validation(
                "1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1",
            ));
        }
        if entries.len() > put::MAX_ENTRIES {
            return Err(BusError::validation(format!(
                "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to {} (it has {})",
                put::MAX_ENTRIES,
                entries.len()
            )));
        }
        let total: usize = entries.iter().map(put::entry_size).sum();
        if total > put::MAX_REQUEST_SIZE {
            return Err(BusError::validation(format!(
                "Total size of the entries in the request is over the limit ({total} bytes; the limit is {} bytes).",
                put::MAX_REQUEST_SIZE
            )));
        }
        let mut results = Vec::with_capacity(entries.len());
        let mut accepted = Vec::new();
        for entry in entries {
            let outcome = put::validate_entry(entry).and_then(|valid| {
                if valid.source.starts_with("aws.") {
                    return Err(put::EntryError {
                        code: "NotAuthorizedForSourceException",
                        message: "Not authorized for the source.".into(),
                    });
                }
                match self.resolve_bus(&valid.event_bus_name) {
                    Some(bus) => Ok((valid, bus)),
                    None => Err(put::EntryError {
                        code: "ResourceNotFoundException",
                        message: format!("Event bus {} does not exist.", valid.event_bus_name),
                    }),
                }
            });
            match outcome {
                Ok((valid, bus)) => {
                    let id = self.ids.uuid();
                    let time = valid.time.unwrap_or(self.clock);
                    let event = json!({
                        "version": "0",
                        "id": id,
                        "detail-type": valid.detail_type,
                        "source": valid.source,
                        "account": self.config.account,
                        "time": format_time(time),
                        "region": self.config.region,
                        "resources": valid.resources,
                        "detail": Value::Object(valid.detail),
                    });
                    results.push(PutEventsResultEntry {
                        event_id: Some(id),
                        error_code: None,
                        error_message: None,
                    });
                    accepted.push((bus, event));
                }
                Err(e) => results.push(PutEventsResultEntry {
                    event_id: None,
                    error_code: Some(e.code.to_string()),
                    error_message: Some(e.message),
                }),
            }
        }
        let failed = results.iter().filter(|r| r.error_code.is_some()).count();
        Ok((
            PutEventsResult {
                failed_entry_count: failed,
                entries: results,
            },
            accepted,
        ))
    }

    fn route_accepted(
        &mut self,
        accepted: Vec<(String, Value)>,
        origin: &Origin,
        from_execution: Option<&str>,
    ) {
        for (bus, event) in accepted {
            let id = event["id"].as_str().unwrap_or_default().to_string();
            self.log.push(LogEntry::EventAccepted {
                time: self.clock_text(),
                bus: bus.clone(),
                event_id: id,
                event: event.clone(),
                from_execution: from_execution.map(str::to_string),
            });
            self.dispatch(&bus, &event, origin);
        }
    }

    /// Archives, then fires every enabled rule on the bus that matches.
    fn dispatch(&mut self, bus: &str, event: &Value, origin: &Origin) {
        let now = self.clock_text();
        let event_id = event["id"].as_str().unwrap_or_default().to_string();
        // Replayed events are not archived again (archives implicitly require that
        // `replay-name` is absent).
        if origin.replay.is_none() && event.get("replay-name").is_none() {
            let event_time = event
                .get("time")
                .and_then(put::parse_time)
                .unwrap_or(self.clock);
            let archived = self.clock;
            for archive in self.archives.iter_mut().filter(|a| a.bus == bus) {
                if archive.pattern.as_ref().is_none_or(|p| p.matches(event)) {
                    archive.events.push(ArchivedEvent {
                        time: event_time,
                        archived,
                        event: event.clone(),
                    });
                    self.log.push(LogEntry::EventArchived {
                        time: now.clone(),
                        archive: archive.name.clone(),
                        event_id: event_id.clone(),
                    });
                }
            }
        }
        let matching: Vec<usize> = self
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.bus == bus
                    && r.state == RuleState::Enabled
                    && origin
                        .replay
                        .as_ref()
                        .is_none_or(|allowed| allowed.is_empty() || allowed.contains(&r.arn))
                    && r.pattern.as_ref().is_some_and(|p| p.matches(event))
            })
            .map(|(i, _)| i)
            .collect();
        for index in matching {
            self.log.push(LogEntry::RuleMatched {
                time: now.clone(),
                bus: bus.to_string(),
                rule: self.rules[index].name.clone(),
                event_id: event_id.clone(),
                replay_name: event
                    .get("replay-name")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            });
            let targets = self.rules[index].targets.clone();
            let sender = self.sender(index);
            for target in &targets {
                self.deliver(&sender, target, event, origin);
            }
        }
    }

    fn sender(&self, rule: usize) -> Sender {
        let r = &self.rules[rule];
        Sender {
            name: r.name.clone(),
            arn: r.arn.clone(),
            bus: r.bus.clone(),
        }
    }

    fn target_input(&self, sender: &Sender, target: &Target, event: &Value) -> String {
        match &target.input {
            TargetInput::Event => event.to_string(),
            TargetInput::Constant(text) => text.clone(),
            TargetInput::Path(path) => path.select(event).unwrap_or(Value::Null).to_string(),
            TargetInput::Transformer(t) => {
                let ingestion = self.clock_text();
                t.apply(
                    event,
                    &ReservedValues {
                        rule_arn: &sender.arn,
                        rule_name: &sender.name,
                        ingestion_time: &ingestion,
                        event,
                    },
                )
            }
        }
    }

    fn deliver(&mut self, sender: &Sender, target: &Target, event: &Value, origin: &Origin) {
        let now = self.clock_text();
        let rule_name = sender.name.clone();
        let rule_arn = sender.arn.clone();
        let event_id = event["id"].as_str().unwrap_or_default().to_string();
        let fail = |error: &str, message: String| LogEntry::DeliveryFailed {
            time: now.clone(),
            rule: rule_name.clone(),
            target_id: target.id.clone(),
            arn: target.arn.clone(),
            error: error.to_string(),
            message,
        };
        let events_bus_prefix = format!("{}:event-bus/", self.arn_prefix("events"));
        if target.arn.starts_with(&self.arn_prefix("states"))
            && target.arn.contains(":stateMachine:")
        {
            let Some(machine) = self
                .state_machines
                .iter()
                .find(|m| m.arn == target.arn)
                .cloned()
            else {
                self.delivery_failed(
                    &sender.arn,
                    target,
                    event,
                    fail(
                        "StateMachineDoesNotExist",
                        format!("State Machine Does Not Exist: '{}'", target.arn),
                    ),
                );
                return;
            };
            let input = self.target_input(sender, target, event);
            let Ok(input_value) = serde_json::from_str::<Value>(&input) else {
                self.delivery_failed(&sender.arn, target, event, fail(
                    "InvalidExecutionInput",
                    format!("Invalid State Machine Execution Input: the target input is not JSON: {input}"),
                ));
                return;
            };
            let execution_name = self.ids.uuid();
            let execution_arn = format!(
                "{}:execution:{}:{execution_name}",
                self.arn_prefix("states"),
                machine.name
            );
            // 53 bits: the seed is shown to JavaScript (the facade, the page), whose numbers
            // hold integers exactly only up to 2^53.
            let seed = self.ids.next_u64() >> 11;
            let request = RunRequest {
                definition: machine.definition.clone(),
                input: input.clone(),
                seed,
                start_time: Some(
                    self.clock
                        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                ),
                state_machine: Some(machine.name.clone()),
                mock_config: machine.mocks.as_ref().map(|m| m.0.clone()),
                test_case: machine.mocks.as_ref().and_then(|m| m.1.clone()),
                ..RunRequest::default()
            };
            let outcome = stepbridge_asl::run(&request);
            self.log.push(LogEntry::ExecutionStarted {
                time: now.clone(),
                rule: rule_name.clone(),
                target_id: target.id.clone(),
                execution_arn: execution_arn.clone(),
                status: outcome.status,
            });
            // What the execution's `events:putEvents` tasks sent goes onto the bus after it.
            let calls = workflow::put_events_calls(&outcome.history);
            self.executions.push(Execution {
                execution_arn: execution_arn.clone(),
                state_machine_arn: machine.arn.clone(),
                rule_arn,
                target_id: target.id.clone(),
                event_id,
                start_time: now.clone(),
                input: input_value,
                seed,
                outcome,
            });
            self.publish_from_workflow(&execution_arn, &machine.arn, calls, origin);
        } else if let Some(to_bus) = target.arn.strip_prefix(&events_bus_prefix) {
            let from_bus = sender.bus.clone();
            if let Some(first) = &origin.forwarded_from {
                self.delivery_failed(&sender.arn, target, event, fail(
                    "ThirdBusNotAllowed",
                    format!(
                        "EventBridge can't route events received from a sender event bus ({first}) to a third event bus ({to_bus})"
                    ),
                ));
                return;
            }
            let Some(to_bus) = self.resolve_bus(to_bus) else {
                self.delivery_failed(
                    &sender.arn,
                    target,
                    event,
                    fail(
                        "ResourceNotFoundException",
                        format!("Event bus {to_bus} does not exist."),
                    ),
                );
                return;
            };
            self.log.push(LogEntry::EventForwarded {
                time: now.clone(),
                rule: rule_name.clone(),
                target_id: target.id.clone(),
                from_bus: from_bus.clone(),
                to_bus: to_bus.clone(),
                event_id,
            });
            let next = Origin {
                forwarded_from: Some(from_bus),
                replay: None,
                workflow_hops: origin.workflow_hops,
            };
            self.dispatch(&to_bus, event, &next);
        } else {
            let input = self.target_input(sender, target, event);
            self.log.push(LogEntry::TargetInvoked {
                time: now,
                rule: rule_name,
                target_id: target.id.clone(),
                arn: target.arn.clone(),
                service: target.arn.split(':').nth(2).unwrap_or_default().to_string(),
                input,
            });
        }
    }

    /// StartReplay: sends the archive's events whose time lies in [start, end) back to the
    /// bus they came from, with `replay-name` set, to all rules or the listed ones.
    pub fn start_replay(&mut self, spec: &ReplaySpec) -> Result<usize, BusError> {
        if !valid_name(&spec.replay_name, 64, &[]) {
            return Err(BusError::validation(format!(
                "Replay name '{}' is not valid: use 1-64 letters, digits, '.', '-' or '_'",
                spec.replay_name
            )));
        }
        if self.replays.contains(&spec.replay_name) {
            return Err(BusError::new(
                "ResourceAlreadyExistsException",
                format!("Replay {} already exists.", spec.replay_name),
            ));
        }
        let archive_index = self
            .archives
            .iter()
            .position(|a| a.arn == spec.event_source_arn || a.name == spec.event_source_arn)
            .ok_or_else(|| {
                BusError::not_found(format!("Archive {} does not exist.", spec.event_source_arn))
            })?;
        let start = put::parse_time(&spec.event_start_time).ok_or_else(|| {
            BusError::validation(
                "Parameter EventStartTime is not valid: give an RFC 3339 time or epoch seconds.",
            )
        })?;
        let end = put::parse_time(&spec.event_end_time).ok_or_else(|| {
            BusError::validation(
                "Parameter EventEndTime is not valid: give an RFC 3339 time or epoch seconds.",
            )
        })?;
        if end <= start {
            return Err(BusError::validation(
                "Parameter EventEndTime is not valid. Reason: EventEndTime must be after EventStartTime.",
            ));
        }
        let archive_bus = self.archives[archive_index].bus.clone();
        let destination = self.resolve_bus(&spec.destination.arn);
        if destination.as_deref() != Some(archive_bus.as_str()) {
            return Err(BusError::validation(format!(
                "Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted: the archive records bus {archive_bus}."
            )));
        }
        for filter in &spec.destination.filter_arns {
            if !self
                .rules
                .iter()
                .any(|r| &r.arn == filter && r.bus == archive_bus)
            {
                return Err(BusError::validation(format!(
                    "Parameter Destination.FilterArns is not valid. Reason: {filter} is not a rule on event bus {archive_bus}."
                )));
            }
        }
        self.replays.push(spec.replay_name.clone());
        self.expire_archived();
        let mut selected: Vec<(DateTime<Utc>, Value)> = self.archives[archive_index]
            .events
            .iter()
            .filter(|e| e.time >= start && e.time < end)
            .map(|e| (e.time, e.event.clone()))
            .collect();
        // Replays go by the time in the event, not arrival order.
        selected.sort_by_key(|(t, _)| *t);
        let origin = Origin {
            forwarded_from: None,
            replay: Some(spec.destination.filter_arns.clone()),
            workflow_hops: 0,
        };
        let count = selected.len();
        for (_, mut event) in selected {
            if let Value::Object(map) = &mut event {
                map.insert(
                    "replay-name".into(),
                    Value::String(spec.replay_name.clone()),
                );
            }
            self.log.push(LogEntry::EventReplayed {
                time: self.clock_text(),
                replay: spec.replay_name.clone(),
                bus: archive_bus.clone(),
                event_id: event["id"].as_str().unwrap_or_default().to_string(),
            });
            self.dispatch(&archive_bus, &event, &origin);
        }
        self.log.push(LogEntry::ReplayCompleted {
            time: self.clock_text(),
            replay: spec.replay_name.clone(),
            archive: self.archives[archive_index].name.clone(),
            events_replayed: count,
        });
        Ok(count)
    }

    /// Moves the clock forward, firing scheduled rules at their times, in time order.
    pub fn advance(&mut self, by: Duration) -> usize {
        match self.clock.checked_add_signed(by) {
            Some(t) => self.advance_to(t),
            None => 0,
        }
    }

    /// Moves the clock to `until` (never backwards); returns how many scheduled events fired.
    /// After [`MAX_FIRES_PER_ADVANCE`] fires the clock stops at the last one (and the log
    /// says so), so a runaway schedule cannot hang the playground.
    pub fn advance_to(&mut self, until: DateTime<Utc>) -> usize {
        let mut fired = 0;
        loop {
            let rule_due = self
                .rules
                .iter()
                .enumerate()
                .filter(|(_, r)| r.state == RuleState::Enabled)
                .filter_map(|(i, r)| r.next_fire.map(|t| (t, 0u8, i)));
            let schedule_due = self
                .schedules
                .iter()
                .enumerate()
                .filter(|(_, s)| s.enabled)
                .filter_map(|(i, s)| s.next_fire.map(|t| (t, 1u8, i)));
            // Earliest first; at the same minute rules go before Scheduler schedules, each in
            // creation order, so runs are reproducible.
            let next = rule_due
                .chain(schedule_due)
                .filter(|(t, _, _)| *t <= until)
                .min();
            let Some((when, kind, index)) = next else {
                break;
            };
            if fired >= MAX_FIRES_PER_ADVANCE {
                // Stop the clock at the last fire so a further advance picks up where this
                // one left off instead of silently skipping the remaining fires.
                self.log.push(LogEntry::FiresTruncated {
                    time: self.clock_text(),
                    limit: MAX_FIRES_PER_ADVANCE,
                });
                return fired;
            }
            if when < self.clock {
                // A fire time left behind while the rule or schedule was disabled (or
                // updated): resume from the present rather than firing in the past.
                let now = self.clock;
                if kind == 0 {
                    let rule = &mut self.rules[index];
                    rule.next_fire = rule
                        .schedule
                        .as_ref()
                        .and_then(|s| s.next_after(now, rule.created));
                } else {
                    self.resume_scheduler_schedule(index, now);
                }
                continue;
            }
            self.clock = when;
            fired += 1;
            if kind == 0 {
                self.fire_schedule(index, when);
                let rule = &mut self.rules[index];
                rule.next_fire = rule
                    .schedule
                    .as_ref()
                    .and_then(|s| s.next_after(when, rule.created));
            } else {
                self.fire_scheduler_schedule(index, when);
            }
        }
        self.clock = self.clock.max(until);
        fired
    }

    fn fire_schedule(&mut self, index: usize, when: DateTime<Utc>) {
        let id = self.ids.uuid();
        let rule_arn = self.rules[index].arn.clone();
        let event = json!({
            "version": "0",
            "id": id,
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": self.config.account,
            "time": format_time(when),
            "region": self.config.region,
            "resources": [rule_arn],
            "detail": Value::Object(Map::new()),
        });
        self.log.push(LogEntry::ScheduleFired {
            time: format_time(when),
            rule: self.rules[index].name.clone(),
            event_id: id,
            event: event.clone(),
        });
        let targets = self.rules[index].targets.clone();
        let sender = self.sender(index);
        for target in &targets {
            self.deliver(&sender, target, &event, &Origin::default());
        }
    }

    /// The next fire times of a scheduled rule, from the current clock.
    pub fn next_fire_times(
        &self,
        bus: Option<&str>,
        rule: &str,
        count: usize,
    ) -> Result<Vec<String>, BusError> {
        let index = self.find_rule_index(bus, rule)?;
        let rule = &self.rules[index];
        let schedule = rule.schedule.as_ref().ok_or_else(|| {
            BusError::validation(format!("Rule {} has no ScheduleExpression.", rule.name))
        })?;
        Ok(schedule
            .next_fire_times(self.clock, rule.created, count)
            .into_iter()
            .map(format_time)
            .collect())
    }
}
