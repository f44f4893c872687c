//! EventBridge Scheduler schedules on the same virtual clock as rules: `rate`, `cron` and
//! one-time `at` expressions evaluated in a time zone, between an optional start and end.
//! https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
//! https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html
//!
//! A schedule invokes its target with the target's `Input` (no event envelope), except an
//! event bus target, which receives an event built from `EventBridgeParameters`
//! (DetailType, Source) with the Input as its detail.

use crate::schedule::{self, format_time, Flavor, Schedule};
use crate::{valid_name, BusError, EventBridge, LogEntry, Origin, Sender, Target, TargetInput};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

/// A CreateSchedule request as the API spells it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ScheduleSpec {
    pub name: String,
    pub group_name: Option<String>,
    pub schedule_expression: String,
    pub schedule_expression_timezone: Option<String>,
    pub start_date: Option<Value>,
    pub end_date: Option<Value>,
    /// ENABLED (default) or DISABLED.
    pub state: Option<String>,
    pub target: ScheduleTargetSpec,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ScheduleTargetSpec {
    pub arn: String,
    pub input: Option<String>,
    pub event_bridge_parameters: Option<EventBridgeParameters>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EventBridgeParameters {
    pub detail_type: String,
    pub source: String,
}

#[derive(Debug, Clone)]
pub(crate) struct SchedulerSchedule {
    name: String,
    arn: String,
    schedule: Schedule,
    anchor: DateTime<Utc>,
    end: Option<DateTime<Utc>>,
    target: ScheduleTargetSpec,
    pub(crate) enabled: bool,
    pub(crate) next_fire: Option<DateTime<Utc>>,
}

impl SchedulerSchedule {
    pub(crate) fn describe(&self) -> Value {
        json!({
            "Name": self.name,
            "Arn": self.arn,
            "ScheduleExpression": self.schedule.source,
            "ScheduleExpressionTimezone": self.schedule.zone.name(),
            "State": if self.enabled { "ENABLED" } else { "DISABLED" },
            "NextFire": self.next_fire.filter(|_| self.enabled).map(format_time),
            "Target": {"Arn": self.target.arn},
        })
    }

    fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        // Nothing before the start date; nothing after the end date.
        let from = if after < self.anchor
            && !matches!(self.schedule.kind, schedule::ScheduleKind::Rate { .. })
        {
            self.anchor
                .checked_sub_signed(chrono::Duration::seconds(1))
                .unwrap_or(self.anchor)
        } else {
            after
        };
        let next = self.schedule.next_after(from, self.anchor)?;
        match self.end {
            Some(end) if next > end => None,
            _ => Some(next),
        }
    }
}

impl EventBridge {
    /// CreateSchedule. Returns the schedule ARN.
    pub fn create_schedule(&mut self, spec: &ScheduleSpec) -> Result<String, BusError> {
        if !valid_name(&spec.name, 64, &[]) {
            return Err(BusError::validation(format!(
                "Schedule name '{}' is not valid: use 1-64 letters, digits, '.', '-' or '_'",
                spec.name
            )));
        }
        let group = spec.group_name.as_deref().unwrap_or("default");
        if self
            .schedules
            .iter()
            .any(|s| s.name == spec.name && s.arn.ends_with(&format!("/{group}/{}", spec.name)))
        {
            return Err(BusError::new(
                "ConflictException",
                format!("Schedule {} already exists.", spec.name),
            ));
        }
        let parsed = schedule::parse(
            &spec.schedule_expression,
            spec.schedule_expression_timezone.as_deref(),
            Flavor::Scheduler,
        )
        .map_err(|e| BusError::new(&e.error, e.message))?;
        let parse_date =
            |value: &Option<Value>, what: &str| -> Result<Option<DateTime<Utc>>, BusError> {
                match value {
                    None | Some(Value::Null) => Ok(None),
                    Some(v) => crate::put::parse_time(v).map(Some).ok_or_else(|| {
                        BusError::validation(format!(
                            "{what} must be an RFC 3339 time or epoch seconds."
                        ))
                    }),
                }
            };
        let start = parse_date(&spec.start_date, "StartDate")?;
        let end = parse_date(&spec.end_date, "EndDate")?;
        if let (Some(s), Some(e)) = (start, end) {
            if e <= s {
                return Err(BusError::validation(
                    "The EndDate must be after the StartDate.",
                ));
            }
        }
        if !spec.target.arn.starts_with("arn:") {
            return Err(BusError::validation(format!(
                "Target Arn '{}' is not an ARN.",
                spec.target.arn
            )));
        }
        let enabled = match spec.state.as_deref() {
            None | Some("ENABLED") => true,
            Some("DISABLED") => false,
            Some(other) => {
                return Err(BusError::validation(format!(
                    "State '{other}' is not valid: use ENABLED or DISABLED."
                )))
            }
        };
        let arn = format!(
            "{}:schedule/{group}/{}",
            self.arn_prefix("scheduler"),
            spec.name
        );
        let mut entry = SchedulerSchedule {
            name: spec.name.clone(),
            arn: arn.clone(),
            schedule: parsed,
            anchor: start.unwrap_or(self.clock).max(self.clock),
            end,
            target: spec.target.clone(),
            enabled,
            next_fire: None,
        };
        // A rate schedule starts at once (or at its start date): include that instant.
        let just_before = entry
            .anchor
            .checked_sub_signed(chrono::Duration::seconds(1))
            .unwrap_or(entry.anchor);
        entry.next_fire = entry.next_after(just_before);
        self.schedules.push(entry);
        Ok(arn)
    }

    pub(crate) fn resume_scheduler_schedule(&mut self, index: usize, now: DateTime<Utc>) {
        let entry = &mut self.schedules[index];
        entry.next_fire = entry.next_after(now);
    }

    pub(crate) fn fire_scheduler_schedule(&mut self, index: usize, when: DateTime<Utc>) {
        let entry = self.schedules[index].clone();
        self.schedules[index].next_fire = entry.next_after(when);
        self.log.push(LogEntry::SchedulerFired {
            time: format_time(when),
            schedule: entry.name.clone(),
            arn: entry.arn.clone(),
        });
        let sender = Sender {
            name: entry.name.clone(),
            arn: entry.arn.clone(),
            bus: String::new(),
        };
        let input = entry
            .target
            .input
            .clone()
            .unwrap_or_else(|| "{}".to_string());
        let bus_prefix = format!("{}:event-bus/", self.arn_prefix("events"));
        if let Some(bus) = entry.target.arn.strip_prefix(&bus_prefix) {
            let params = entry
                .target
                .event_bridge_parameters
                .clone()
                .unwrap_or_default();
            let result = self.put_events(&[json!({
                "Source": params.source,
                "DetailType": params.detail_type,
                "Detail": input,
                "EventBusName": bus,
            })]);
            let failure = match result {
                Ok(r) => r.entries.into_iter().find_map(|e| {
                    e.error_code
                        .map(|c| (c, e.error_message.unwrap_or_default()))
                }),
                Err(e) => Some((e.error, e.message)),
            };
            if let Some((error, message)) = failure {
                self.log.push(LogEntry::DeliveryFailed {
                    time: format_time(when),
                    rule: entry.name,
                    target_id: "target".into(),
                    arn: entry.target.arn,
                    error,
                    message,
                });
            }
            return;
        }
        let target = Target {
            id: "target".into(),
            arn: entry.target.arn.clone(),
            input: TargetInput::Constant(input),
            dead_letter_arn: None,
            retry_policy: crate::RetryPolicy::default(),
        };
        self.deliver(&sender, &target, &Value::Null, &Origin::default());
    }
}
