//! A target's dead-letter queue: where a failed delivery's event goes, with the message
//! attributes EventBridge sets (<https://docs.aws.amazon.com/eventbridge/latest/userguide/rule-dlq.html>).
//! The simulator's failures (a missing state machine or bus, an input that is not JSON) are
//! the kind EventBridge does not retry, so the event goes there at once.

use crate::{EventBridge, LogEntry, Target};
use serde_json::{Map, Value};

impl EventBridge {
    /// Logs a failed delivery and, when the target has a dead-letter queue, sends the event
    /// there at once: the simulator's failures are the kind AWS does not retry.
    pub(crate) fn delivery_failed(
        &mut self,
        rule_arn: &str,
        target: &Target,
        event: &Value,
        entry: LogEntry,
    ) {
        let dead_letter = match (&entry, &target.dead_letter_arn) {
            (
                LogEntry::DeliveryFailed {
                    time,
                    rule,
                    error,
                    message,
                    ..
                },
                Some(queue),
            ) => {
                // ERROR_CODE as the rule-dlq page lists them.
                let code = match error.as_str() {
                    "StateMachineDoesNotExist" | "ResourceNotFoundException" => "NO_RESOURCE",
                    "InvalidExecutionInput" => "INVALID_JSON",
                    _ => "INVALID_PARAMETER",
                };
                let mut attributes = Map::new();
                for (key, value) in [
                    ("RULE_ARN", rule_arn),
                    ("TARGET_ARN", target.arn.as_str()),
                    ("ERROR_CODE", code),
                    ("ERROR_MESSAGE", message.as_str()),
                    ("RETRY_ATTEMPTS", "0"),
                ] {
                    attributes.insert(key.into(), Value::String(value.to_string()));
                }
                Some(LogEntry::SentToDeadLetterQueue {
                    time: time.clone(),
                    rule: rule.clone(),
                    target_id: target.id.clone(),
                    queue_arn: queue.clone(),
                    attributes,
                    event: event.clone(),
                })
            }
            _ => None,
        };
        self.log.push(entry);
        if let Some(sent) = dead_letter {
            self.log.push(sent);
        }
    }
}
