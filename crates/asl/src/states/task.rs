//! Task: the resource model, static checks, mocked invocation, task tokens and callbacks.

use crate::clock;
use crate::engine::dataflow::*;
use crate::engine::*;
use crate::error::StatesError;
use crate::expr::jsonpath::field;
use crate::expr::size::{Bound, UNKNOWN};
use crate::history::{self};
use crate::mock::Answer;
use crate::model::*;
use crate::source::push_pointer;
use crate::validate::*;
use serde_json::{json, Map, Value};
use std::borrow::Cow;

impl<'a> Engine<'a> {
    /// A Task that waits for a token gets a fresh one, which its Parameters or Arguments
    /// read from the context object (`$$.Task.Token`, `$states.context.Task.Token`). A `.sync`
    /// task has one in its context too (AWS lets it pass the token on, e.g. to a nested
    /// `StartExecution.sync:2`; issue 14, recorded from AWS), but does not wait for it, so
    /// only a waiting task's token is returned.
    #[inline(always)]
    pub(crate) fn issue_token(&mut self, st: &State) -> Option<String> {
        let Kind::Task(t) = &st.kind else {
            return None;
        };
        let waits = needs_token(t);
        if !waits && !is_sync(t) {
            return None;
        }
        let tok = format!("{}{}", hex_id(&mut self.rng), hex_id(&mut self.rng)).replace('-', "");
        if let Value::Object(c) = &mut self.context {
            c.insert("Task".into(), json!({"Token": tok}));
        }
        waits.then_some(tok)
    }

    /// The token is in the context object only while the parameters are evaluated.
    #[inline(always)]
    pub(crate) fn withdraw_token(&mut self, st: &State, token: &Option<String>) {
        if token.is_some() || matches!(&st.kind, Kind::Task(t) if is_sync(t)) {
            if let Value::Object(c) = &mut self.context {
                c.shift_remove("Task");
            }
        }
    }

    pub(crate) fn task_event_prefix(spec: &TaskSpec) -> &'static str {
        match spec.kind {
            ResourceKind::LambdaFunction => "LambdaFunction",
            ResourceKind::Activity => "Activity",
            _ => "Task",
        }
    }

    /// Call the task: a mock answer, a callback, or (unmocked) the effective input back.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn invoke(
        &mut self,
        st: &State,
        spec: &TaskSpec,
        params: Cow<Value>,
        params_bound: Bound,
        raw: &Value,
        token: Option<String>,
        trace: &mut Trace,
    ) -> Flow<(Value, Bound)> {
        let prefix = Self::task_event_prefix(spec);
        let names = event_names(prefix);
        let (rtype, rname) = if self.record {
            resource_parts(&spec.resource)
        } else {
            (String::new(), String::new())
        };
        let timeout = self.amount_of(
            st,
            &spec.timeout,
            raw,
            ("TimeoutSeconds", "TimeoutSecondsPath"),
            trace.entered_id,
        )?;
        let heartbeat = self.amount_of(
            st,
            &spec.heartbeat,
            raw,
            ("HeartbeatSeconds", "HeartbeatSecondsPath"),
            trace.entered_id,
        )?;
        let resource = &spec.resource;
        let (rtype2, rname2) = (&rtype, &rname);
        self.event_with(names.scheduled, || match prefix {
            "LambdaFunction" => (
                "lambdaFunctionScheduledEventDetails",
                json!({"resource": resource, "input": history::text(&params), "inputDetails": {"truncated": false},
                       "timeoutInSeconds": timeout.map(|t| t as u64)}),
            ),
            "Activity" => (
                "activityScheduledEventDetails",
                json!({"resource": resource, "input": history::text(&params), "inputDetails": {"truncated": false},
                       "timeoutInSeconds": timeout.map(|t| t as u64), "heartbeatInSeconds": heartbeat.map(|t| t as u64)}),
            ),
            _ => (
                "taskScheduledEventDetails",
                json!({"resourceType": rtype2, "resource": rname2, "region": REGION,
                       "parameters": history::text(&params), "timeoutInSeconds": timeout.map(|t| t as u64),
                       "heartbeatInSeconds": heartbeat.map(|t| t as u64)}),
            ),
        })?;
        let (rt, rn) = (&rtype, &rname);
        self.event_with(names.started, || match prefix {
            "LambdaFunction" => ("", Value::Null),
            "Activity" => (
                "activityStartedEventDetails",
                json!({"workerName": "stepbridge"}),
            ),
            _ => (
                "taskStartedEventDetails",
                json!({"resourceType": rt, "resource": rn}),
            ),
        })?;

        let (mock, slot) = self.mock_slot(st);
        // The result's size bound: an echoed input keeps the input's; answers are measured.
        let mut result_bound = UNKNOWN;
        let outcome: Result<Value, StatesError> = if let Some(responses) = mock {
            let index = self.next_in_slot(slot);
            match responses.get(index) {
                None => Err(StatesError::new(
                    "States.TaskFailed",
                    "The mocked response list is empty",
                )),
                Some(resp) => {
                    // Without TimeoutSeconds a task still times out after AWS's default.
                    let limit = min_opt(Some(timeout.unwrap_or(DEFAULT_TASK_TIMEOUT)), heartbeat);
                    if let Some(limit) = limit.filter(|l| resp.duration_seconds > *l) {
                        self.advance(limit)?;
                        let hb =
                            heartbeat.is_some_and(|h| h <= timeout.unwrap_or(DEFAULT_TASK_TIMEOUT));
                        Err(timeout_error(hb))
                    } else {
                        self.advance(resp.duration_seconds)?;
                        // Copy only the part of the answer that becomes the result.
                        match &resp.answer {
                            Answer::Return(v) => Ok(
                                match (&spec.kind, v.as_object().and_then(|m| field(m, "Payload")))
                                {
                                    // A Lambda ARN used directly: the mocked Invoke response's Payload.
                                    (ResourceKind::LambdaFunction, Some(p)) if v.is_object() => {
                                        p.clone()
                                    }
                                    _ => v.clone(),
                                },
                            ),
                            Answer::Throw { error, cause } => {
                                Err(StatesError::new(error.clone(), cause.clone()))
                            }
                        }
                    }
                }
            }
        } else if let Some(tok) = token {
            let (rt, rn) = (&rtype, &rname);
            self.event_with("TaskSubmitted", || {
                (
                    "taskSubmittedEventDetails",
                    json!({"resourceType": rt, "resource": rn, "output": "{}", "outputDetails": {"truncated": false}}),
                )
            })?;
            match self.await_callback(&st.name, &tok, timeout, heartbeat)? {
                Some(r) => r,
                None => return Err(Stop::Halt(Halt::Paused)),
            }
        } else {
            trace.unmocked = true;
            if self.detached == 0 && !self.unmocked.contains(&st.name) {
                self.unmocked.push(st.name.clone());
            }
            result_bound = params_bound;
            Ok(params.into_owned())
        };
        match outcome {
            Ok(v) => {
                let who = match spec.kind {
                    ResourceKind::LambdaFunction => spec.resource.as_str(),
                    _ => st.name.as_str(),
                };
                let result_bound = check_size(self.payload_limit, &v, result_bound, "result", who)?;
                let (rt, rn) = (&rtype, &rname);
                self.event_with(names.succeeded, || match prefix {
                    "LambdaFunction" => (
                        "lambdaFunctionSucceededEventDetails",
                        json!({"output": history::text(&v), "outputDetails": {"truncated": false}}),
                    ),
                    "Activity" => (
                        "activitySucceededEventDetails",
                        json!({"output": history::text(&v), "outputDetails": {"truncated": false}}),
                    ),
                    _ => (
                        "taskSucceededEventDetails",
                        json!({"resourceType": rt, "resource": rn, "output": history::text(&v), "outputDetails": {"truncated": false}}),
                    ),
                })?;
                Ok((v, result_bound))
            }
            Err(e) => {
                let timed_out = matches!(
                    e.error.as_str(),
                    "States.Timeout" | "States.HeartbeatTimeout"
                );
                let ty = if timed_out {
                    names.timed_out
                } else {
                    names.failed
                };
                let (rt, rn) = (&rtype, &rname);
                let (err, cause) = (&e.error, &e.cause);
                self.event_with(ty, || {
                    let key = match (prefix, timed_out) {
                        ("LambdaFunction", true) => "lambdaFunctionTimedOutEventDetails",
                        ("LambdaFunction", false) => "lambdaFunctionFailedEventDetails",
                        ("Activity", true) => "activityTimedOutEventDetails",
                        ("Activity", false) => "activityFailedEventDetails",
                        (_, true) => "taskTimedOutEventDetails",
                        _ => "taskFailedEventDetails",
                    };
                    let d = if prefix == "Task" {
                        history::failure_details(
                            err,
                            cause,
                            &[("resourceType", rt), ("resource", rn)],
                        )
                    } else {
                        history::failure_details(err, cause, &[])
                    };
                    (key, d)
                })?;
                Err(Stop::Error(e))
            }
        }
    }

    /// Replay the callbacks received for a token. None: still waiting.
    pub(crate) fn await_callback(
        &mut self,
        state: &str,
        token: &str,
        timeout: Option<f64>,
        heartbeat: Option<f64>,
    ) -> Flow<Option<Result<Value, StatesError>>> {
        let mut last_beat = 0.0f64;
        let mut waited = 0.0f64;
        let callbacks = self.callbacks;
        for cb in callbacks.iter().filter(|c| c.token == token) {
            let at = cb.at.max(waited);
            // Did a timeout fire before this callback arrived?
            let hb_deadline = heartbeat.map(|h| last_beat + h);
            let fired = [(timeout, false), (hb_deadline, true)]
                .into_iter()
                .filter_map(|(d, hb)| d.map(|d| (d, hb)))
                .filter(|(d, _)| at > *d)
                .min_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((d, hb)) = fired {
                self.advance(d)?;
                return Ok(Some(Err(timeout_error(hb))));
            }
            waited = at;
            match &cb.kind {
                CallbackKind::Heartbeat => last_beat = at,
                CallbackKind::Tick => {}
                CallbackKind::Success { output } => {
                    self.advance(at)?;
                    return Ok(Some(Ok(output.clone())));
                }
                CallbackKind::Failure { error, cause } => {
                    self.advance(at)?;
                    return Ok(Some(Err(StatesError::new(error.clone(), cause.clone()))));
                }
            }
        }
        if let Some(d) = self.deadline {
            // The execution's own timeout fires while waiting.
            if clock::add_seconds(self.now, waited) > d {
                self.now = d;
                return Err(Stop::Halt(Halt::TimedOut));
            }
        }
        self.pending.push(PendingToken {
            token: token.to_string(),
            state: state.to_string(),
            waited,
        });
        Ok(None)
    }
}

pub(crate) struct TaskEvents {
    pub(crate) scheduled: &'static str,
    pub(crate) started: &'static str,
    pub(crate) succeeded: &'static str,
    pub(crate) failed: &'static str,
    pub(crate) timed_out: &'static str,
}

pub(crate) fn event_names(prefix: &str) -> TaskEvents {
    match prefix {
        "LambdaFunction" => TaskEvents {
            scheduled: "LambdaFunctionScheduled",
            started: "LambdaFunctionStarted",
            succeeded: "LambdaFunctionSucceeded",
            failed: "LambdaFunctionFailed",
            timed_out: "LambdaFunctionTimedOut",
        },
        "Activity" => TaskEvents {
            scheduled: "ActivityScheduled",
            started: "ActivityStarted",
            succeeded: "ActivitySucceeded",
            failed: "ActivityFailed",
            timed_out: "ActivityTimedOut",
        },
        _ => TaskEvents {
            scheduled: "TaskScheduled",
            started: "TaskStarted",
            succeeded: "TaskSucceeded",
            failed: "TaskFailed",
            timed_out: "TaskTimedOut",
        },
    }
}

pub(crate) fn takes_input_by_move(st: &State) -> bool {
    let dead_after = !st.jsonata
        && st.retry.is_empty()
        && st.catch.is_empty()
        && matches!(st.result_path, ResultPath::Replace)
        && matches!(st.input_path, IoPath::Identity);
    if !dead_after {
        return false;
    }
    let fixed = |a: &Option<Amount>| matches!(a, None | Some(Amount::Fixed(_)));
    match &st.kind {
        Kind::Task(spec) => fixed(&spec.timeout) && fixed(&spec.heartbeat),
        Kind::Parallel { .. } => true,
        // A Map reads its raw input for `...Path` amounts, ItemReader, ItemBatcher and
        // ResultWriter; without them its items can be taken out of the input.
        Kind::Map(spec) => {
            fixed(&spec.max_concurrency)
                && fixed(&spec.tolerated_count)
                && fixed(&spec.tolerated_percentage)
                && spec.item_reader.is_none()
                && spec.batcher.is_none()
                && spec.result_writer.is_none()
        }
        _ => false,
    }
}

pub(crate) fn needs_token(t: &TaskSpec) -> bool {
    matches!(
        t.kind,
        ResourceKind::Service {
            pattern: Pattern::WaitForTaskToken,
            ..
        } | ResourceKind::Activity
    )
}

/// A `.sync` service integration (Run a Job): it has a task token but does not wait on it.
pub(crate) fn is_sync(t: &TaskSpec) -> bool {
    matches!(
        t.kind,
        ResourceKind::Service {
            pattern: Pattern::Sync,
            ..
        }
    )
}

/// A Task's TimeoutSeconds when the definition gives none: "If not provided, the default
/// value is 99999999" (https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html).
pub(crate) const DEFAULT_TASK_TIMEOUT: f64 = 99_999_999.0;

pub(crate) fn min_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

pub(crate) fn timeout_error(heartbeat: bool) -> StatesError {
    if heartbeat {
        StatesError::new(
            "States.HeartbeatTimeout",
            "The task did not send a heartbeat within HeartbeatSeconds",
        )
    } else {
        StatesError::new("States.Timeout", "The task ran longer than TimeoutSeconds")
    }
}

/// History's `resourceType`/`resource` split: `arn:aws:states:::lambda:invoke` → ("lambda", "invoke").
pub(crate) fn resource_parts(resource: &str) -> (String, String) {
    if let Some(rest) = resource.strip_prefix("arn:aws:states:::") {
        let (a, b) = rest.split_once(':').unwrap_or((rest, ""));
        return (a.to_string(), b.to_string());
    }
    let parts: Vec<&str> = resource.split(':').collect();
    if parts.len() >= 3 {
        return (parts[2].to_string(), parts[parts.len() - 1].to_string());
    }
    (String::new(), resource.to_string())
}

#[derive(Debug)]
pub struct TaskSpec {
    pub resource: String,
    pub kind: ResourceKind,
    pub timeout: Option<Amount>,
    pub heartbeat: Option<Amount>,
}

/// How a Resource ARN is invoked, which decides the result shape and history event names.
#[derive(Debug, Clone, PartialEq)]
pub enum ResourceKind {
    /// `arn:aws:lambda:...:function:NAME` used directly: the result is the Invoke `Payload`.
    LambdaFunction,
    /// `arn:aws:states:::SERVICE:ACTION[.sync|.waitForTaskToken]`.
    Service {
        service: String,
        action: String,
        pattern: Pattern,
    },
    /// `arn:aws:states:REGION:ACCOUNT:activity:NAME`: a worker answers with the task token.
    Activity,
    /// Anything else: executed like a request/response integration.
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pattern {
    RequestResponse,
    Sync,
    WaitForTaskToken,
}

impl Builder {
    pub(crate) fn task(
        &mut self,
        obj: &Map<String, Value>,
        at: &str,
        jsonata: bool,
    ) -> Option<TaskSpec> {
        let Some(resource) = obj.get("Resource").and_then(Value::as_str) else {
            self.err(
                &format!("{at}/Resource"),
                "A Task needs a 'Resource' ARN string",
            );
            return None;
        };
        Some(TaskSpec {
            resource: resource.to_string(),
            kind: classify_resource(resource),
            timeout: self.amount(obj, "TimeoutSeconds", at, true, jsonata),
            heartbeat: self.amount(obj, "HeartbeatSeconds", at, true, jsonata),
        })
    }
}

/// Sort a Resource ARN into the invocation styles Step Functions distinguishes.
pub fn classify_resource(resource: &str) -> ResourceKind {
    if let Some(rest) = resource.strip_prefix("arn:aws:states:::") {
        let (service, action) = rest.split_once(':').unwrap_or((rest, ""));
        let (action, pattern) = if let Some(a) = action.strip_suffix(".waitForTaskToken") {
            (a, Pattern::WaitForTaskToken)
        } else if let Some(pos) = action.find(".sync") {
            (&action[..pos], Pattern::Sync)
        } else {
            (action, Pattern::RequestResponse)
        };
        return ResourceKind::Service {
            service: service.to_string(),
            action: action.to_string(),
            pattern,
        };
    }
    let parts: Vec<&str> = resource.split(':').collect();
    if parts.len() >= 7 && parts[0] == "arn" && parts[2] == "lambda" && parts[5] == "function" {
        return ResourceKind::LambdaFunction;
    }
    if parts.len() >= 7 && parts[0] == "arn" && parts[2] == "states" && parts[5] == "activity" {
        return ResourceKind::Activity;
    }
    ResourceKind::Other
}

impl Validator<'_> {
    pub(crate) fn task(&mut self, sp: &str, obj: &Map<String, Value>, lang: Lang) {
        match obj.get("Resource") {
            Some(Value::String(r)) => {
                if !r.starts_with("arn:") && !r.contains("${") {
                    self.code(
                        "INVALID_RESOURCE",
                        &push_pointer(sp, "Resource"),
                        format!("Resource \"{r}\" is not an ARN. Use a Lambda function ARN, an activity ARN, or an arn:aws:states:::service:api integration."),
                    );
                }
            }
            Some(other) => self.err(&push_pointer(sp, "Resource"), format!("Resource must be a string (an ARN), not {}", type_name(other))),
            None => self.err(sp, "A Task state needs 'Resource'. Add the ARN of the function, activity or service integration to call.".into()),
        }
        self.number_or_path(sp, obj, "TimeoutSeconds", lang, 1, None);
        self.number_or_path(sp, obj, "HeartbeatSeconds", lang, 1, None);
        if let (Some(t), Some(h)) = (
            obj.get("TimeoutSeconds").and_then(as_int),
            obj.get("HeartbeatSeconds").and_then(as_int),
        ) {
            if h >= t {
                self.err(
                    &push_pointer(sp, "HeartbeatSeconds"),
                    format!("HeartbeatSeconds ({h}) must be smaller than TimeoutSeconds ({t})."),
                );
            }
        }
        if let Some(c) = obj.get("Credentials") {
            if !c.is_object() {
                self.err(
                    &push_pointer(sp, "Credentials"),
                    "Credentials must be an object (e.g. {\"RoleArn\": \"...\"})".into(),
                );
            }
        }
    }
}
