//! "Open in the state-machine workbench": an execution a rule target started, loaded into
//! the state-machine workbench (definition, the input the target received, mocks, seed and
//! start time, so the run there is the same execution) and run, so the graph, table,
//! events and step views show its trace.
//!
//! The workbench's text is the user's: when it differs from what was last loaded, they are
//! asked first (as for an example), and the replaced workspace stays one click away
//! ("Restore my work").

use super::{pretty, text_of};
use crate::browser;
use crate::components::app::run_request;
use crate::components::Ctx;
use crate::state::{to_saved, Action, Kind, Workspace, PREVIOUS_KEY};
use serde_json::Value;

/// The workspace that runs `execution` of `run` in the workbench, keeping the rest.
pub fn workspace_for(run: &Value, execution: &Value, keep: &Workspace) -> Option<Workspace> {
    let arn = text_of(execution, "stateMachineArn");
    let name = arn.rsplit(':').next()?;
    let machine = run.get("machines")?.get(name)?;
    Some(Workspace {
        definition: text_of(machine, "definition").to_string(),
        input: pretty(execution.get("input").unwrap_or(&Value::Null)),
        mocks: text_of(machine, "mocks").to_string(),
        test_case: text_of(machine, "testCase").to_string(),
        seed: execution.get("seed").and_then(Value::as_u64).unwrap_or(0),
        start_time: text_of(execution, "startTime").to_string(),
        execution_type: String::new(),
        ..keep.clone()
    })
}

/// Whether loading would replace state-machine text the user changed.
fn would_lose_text(current: &Workspace, baseline: Option<&Workspace>) -> bool {
    let default = Workspace::default();
    let base = baseline.unwrap_or(&default);
    current.definition != base.definition
        || current.input != base.input
        || current.mocks != base.mocks
        || current.test_case != base.test_case
}

pub fn open(ctx: &Ctx, run: &Value, execution: &Value) {
    let state = &ctx.state;
    let Some(ws) = workspace_for(run, execution, &state.workspace) else {
        ctx.dispatch(Action::Notice(Some(
            "This execution's state machine is not in the scenario any more; press Put events again."
                .into(),
        )));
        return;
    };
    let name = text_of(execution, "executionArn")
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .to_string();
    if would_lose_text(&state.workspace, state.baseline.as_deref())
        && !browser::confirm(&format!(
            "Replace your state machine, input and mocks with execution {name}? \
             (Your current work can be restored with one click.)"
        ))
    {
        return;
    }
    browser::storage_set(PREVIOUS_KEY, &to_saved(&state.workspace));
    ctx.dispatch(Action::Load(Box::new(ws.clone())));
    ctx.ask(Kind::Run, run_request(&ws));
    if let Some(section) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("section.editors-col").ok().flatten())
    {
        section.scroll_into_view();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_workspace_takes_the_machine_and_the_execution_and_keeps_the_rest() {
        let run = json!({"machines": {"Ship": {"definition": "{\n  \"StartAt\": \"A\"\n}", "mocks": "{}", "testCase": "Ok"}}});
        let execution = json!({"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Ship",
                               "input": {"order": 1}, "seed": 42, "startTime": "2026-01-01T09:00:00Z"});
        let mut keep = Workspace::default();
        keep.eb.scenario = "mine".into();
        let ws = workspace_for(&run, &execution, &keep).unwrap();
        assert_eq!(ws.definition, "{\n  \"StartAt\": \"A\"\n}");
        assert_eq!(ws.input, "{\n  \"order\": 1\n}");
        assert_eq!((ws.seed, ws.test_case.as_str()), (42, "Ok"));
        assert_eq!(ws.start_time, "2026-01-01T09:00:00Z");
        assert_eq!(ws.eb.scenario, "mine", "the EventBridge text stays");
        assert!(!would_lose_text(&Workspace::default(), None));
        assert!(would_lose_text(&ws, None));
        assert!(!would_lose_text(&ws, Some(&ws)));
    }
}
