//! Executions that pause for callbacks (`.waitForTaskToken`, activities) and resume with
//! SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat, as in
//! https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
//!
//! A resume replays the execution from its start with every callback received so far. The
//! run is deterministic (seeded ids and tokens, virtual clock), so the replay reaches the
//! same pause and continues past it; no interpreter state has to be kept between calls.

use crate::engine::{Callback, CallbackKind};
use crate::{run, RunOutcome, RunRequest};
use serde_json::Value;

pub struct Execution {
    request: RunRequest,
    outcome: RunOutcome,
    /// Redrives so far: seconds after the previous attempt ended (see [`crate::redrive`]).
    redrives: Vec<f64>,
}

impl Execution {
    pub fn start(request: RunRequest) -> Execution {
        let outcome = run(&request);
        Execution {
            request,
            outcome,
            redrives: Vec::new(),
        }
    }

    /// Replay the execution with every callback and redrive received so far.
    fn replay(&mut self) -> Result<&RunOutcome, String> {
        self.outcome = crate::redrive::run_with_redrives(&self.request, &self.redrives)?;
        Ok(&self.outcome)
    }

    /// RedriveExecution, right after the execution ended: restart a FAILED, TIMED_OUT or
    /// ABORTED Standard execution from the states that did not succeed (see
    /// [`crate::redrive`]). The outcome's `redriveCount` counts redrives.
    pub fn redrive(&mut self) -> Result<&RunOutcome, String> {
        self.redrive_after(0.0)
    }

    /// RedriveExecution `seconds` of virtual time after the execution ended (refused past
    /// AWS's 14-day window).
    pub fn redrive_after(&mut self, seconds: f64) -> Result<&RunOutcome, String> {
        let express = self.request.execution_type == crate::ExecutionType::Express;
        crate::redrive::check_redrivable(&self.outcome, express, seconds)?;
        self.redrives.push(seconds);
        if let Err(e) = crate::redrive::run_with_redrives(&self.request, &self.redrives)
            .map(|o| self.outcome = o)
        {
            self.redrives.pop();
            return Err(e);
        }
        Ok(&self.outcome)
    }

    /// An execution whose first run the host made itself (for example with a progress
    /// observer, see [`crate::StateMachine::execute_observed`]); callbacks replay from
    /// `request` as they do for [`Execution::start`].
    pub fn resume_from(request: RunRequest, outcome: RunOutcome) -> Execution {
        Execution {
            request,
            outcome,
            redrives: Vec::new(),
        }
    }

    pub fn outcome(&self) -> &RunOutcome {
        &self.outcome
    }

    fn waited(&self, token: &str) -> Result<f64, String> {
        self.outcome
            .task_tokens
            .iter()
            .find(|t| t.token == token)
            .map(|t| t.waited)
            .ok_or_else(|| {
                format!(
                    "TaskDoesNotExist: the execution is {} and does not wait on task token '{token}'",
                    self.outcome.status
                )
            })
    }

    fn resume(
        &mut self,
        token: &str,
        kind: CallbackKind,
        extra_seconds: f64,
    ) -> Result<&RunOutcome, String> {
        let waited = self.waited(token)?;
        self.request.callbacks.push(Callback {
            token: token.to_string(),
            kind,
            at: waited + extra_seconds.max(0.0),
        });
        self.replay()
    }

    pub fn send_task_success(&mut self, token: &str, output: Value) -> Result<&RunOutcome, String> {
        self.resume(token, CallbackKind::Success { output }, 0.0)
    }

    pub fn send_task_failure(
        &mut self,
        token: &str,
        error: &str,
        cause: &str,
    ) -> Result<&RunOutcome, String> {
        self.resume(
            token,
            CallbackKind::Failure {
                error: error.to_string(),
                cause: cause.to_string(),
            },
            0.0,
        )
    }

    pub fn send_task_heartbeat(&mut self, token: &str) -> Result<&RunOutcome, String> {
        self.resume(token, CallbackKind::Heartbeat, 0.0)
    }

    /// Let `seconds` of virtual time pass for every waiting task, so that TimeoutSeconds,
    /// HeartbeatSeconds and the execution timeout can fire.
    pub fn advance_time(&mut self, seconds: f64) -> Result<&RunOutcome, String> {
        if !(seconds.is_finite() && seconds >= 0.0) {
            return Err("seconds must be a non-negative number".into());
        }
        if self.outcome.task_tokens.is_empty() {
            return Err(format!(
                "The execution is {} and waits on no task",
                self.outcome.status
            ));
        }
        let tokens: Vec<(String, f64)> = self
            .outcome
            .task_tokens
            .iter()
            .map(|t| (t.token.clone(), t.waited))
            .collect();
        for (token, waited) in tokens {
            self.request.callbacks.push(Callback {
                token,
                kind: CallbackKind::Tick,
                at: waited + seconds,
            });
        }
        self.replay()
    }
}
