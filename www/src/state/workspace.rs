//! What the user typed, kept verbatim, and its autosave in the browser.

use super::eventbridge::EbWorkspace;
use serde::{Deserialize, Serialize};
use stepbridge_inspect::share::SharedWorkspace;

/// The text boxes of both workbenches and the settings that make a run reproducible.
/// Nothing in the app rewrites these behind the user's back: only their own edits, or an
/// example, file or link they agreed to load.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Workspace {
    pub definition: String,
    pub input: String,
    pub mocks: String,
    pub test_case: String,
    pub pattern: String,
    pub event: String,
    pub seed: u64,
    /// RFC 3339; empty means the engine's default start of the virtual clock.
    pub start_time: String,
    /// "EXPRESS" runs an Express workflow; empty or "STANDARD" a Standard one.
    pub execution_type: String,
    /// The EventBridge workbench's text, at the top level of the saved document.
    #[serde(flatten)]
    pub eb: super::eventbridge::EbWorkspace,
}

pub const ORDER_DEFINITION: &str =
    include_str!("../../../static/examples/order-processing.asl.json");
pub const ORDER_INPUT: &str = include_str!("../../../static/examples/order-processing.input.json");
pub const ORDER_MOCKS: &str = include_str!("../../../static/examples/order-processing.mocks.json");
pub const ORDER_PATTERN: &str = include_str!("../../../static/examples/order-pattern.json");
pub const ORDER_EVENT: &str = include_str!("../../../static/examples/order-event.json");

impl Default for Workspace {
    /// The order workflow: the page opens on a working example without a fetch.
    fn default() -> Self {
        Workspace {
            definition: ORDER_DEFINITION.into(),
            input: ORDER_INPUT.into(),
            mocks: ORDER_MOCKS.into(),
            test_case: "HappyPath".into(),
            pattern: ORDER_PATTERN.into(),
            event: ORDER_EVENT.into(),
            seed: 0,
            start_time: String::new(),
            execution_type: String::new(),
            eb: super::eventbridge::EbWorkspace::default(),
        }
    }
}

/// Which text box an edit or a loaded file goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Definition,
    Input,
    Mocks,
    TestCase,
    ExecutionType,
    Pattern,
    /// The one event of the former single-event bench; the EventBridge tab keeps a list
    /// (`EbWorkspace::events`), but saved workspaces and links still carry this text.
    #[allow(dead_code)]
    Event,
    StartTime,
}

impl Field {
    pub fn label(self) -> &'static str {
        match self {
            Field::Definition => "Definition",
            Field::Input => "Input",
            Field::Mocks => "Mocks",
            Field::TestCase => "Test case",
            Field::ExecutionType => "Execution type",
            Field::Pattern => "Event pattern",
            Field::Event => "Event",
            Field::StartTime => "Start time",
        }
    }
}

impl Workspace {
    pub fn get(&self, field: Field) -> &str {
        match field {
            Field::Definition => &self.definition,
            Field::Input => &self.input,
            Field::Mocks => &self.mocks,
            Field::TestCase => &self.test_case,
            Field::ExecutionType => &self.execution_type,
            Field::Pattern => &self.pattern,
            Field::Event => &self.event,
            Field::StartTime => &self.start_time,
        }
    }

    pub fn set(&mut self, field: Field, text: String) {
        *match field {
            Field::Definition => &mut self.definition,
            Field::Input => &mut self.input,
            Field::Mocks => &mut self.mocks,
            Field::TestCase => &mut self.test_case,
            Field::ExecutionType => &mut self.execution_type,
            Field::Pattern => &mut self.pattern,
            Field::Event => &mut self.event,
            Field::StartTime => &mut self.start_time,
        } = text;
    }

    /// Test case names of the mock file, for the picker; empty while it is not usable.
    pub fn test_cases(&self) -> Vec<String> {
        let Ok(mocks) = serde_json::from_str::<serde_json::Value>(&self.mocks) else {
            return Vec::new();
        };
        let Some(machines) = mocks.get("StateMachines").and_then(|m| m.as_object()) else {
            return Vec::new();
        };
        machines
            .values()
            .filter_map(|m| m.get("TestCases").and_then(|c| c.as_object()))
            .flat_map(|cases| cases.keys().cloned())
            .collect()
    }
}

/// The workspace as a link or file carries it, with the view that was on screen.
pub fn to_shared(ws: &Workspace, view: &str, step: Option<usize>) -> SharedWorkspace {
    SharedWorkspace {
        definition: ws.definition.clone(),
        input: ws.input.clone(),
        mocks: ws.mocks.clone(),
        test_case: ws.test_case.clone(),
        seed: ws.seed,
        start_time: ws.start_time.clone(),
        execution_type: ws.execution_type.clone(),
        pattern: ws.pattern.clone(),
        event: ws.event.clone(),
        events: if ws.eb.events == EbWorkspace::default().events {
            Vec::new()
        } else {
            ws.eb.events.clone()
        },
        bus: eb_changes(&ws.eb),
        workbench: "state-machine".into(),
        view: view.into(),
        step: step.map(|s| s as u64),
        ..SharedWorkspace::default()
    }
}

/// What a link or file restores into the editors (verbatim).
pub fn from_shared(shared: &SharedWorkspace) -> Workspace {
    Workspace {
        definition: shared.definition.clone(),
        input: shared.input.clone(),
        mocks: shared.mocks.clone(),
        test_case: shared.test_case.clone(),
        pattern: shared.pattern.clone(),
        event: shared.event.clone(),
        seed: shared.seed,
        start_time: shared.start_time.clone(),
        execution_type: shared.execution_type.clone(),
        eb: eb_from_shared(shared),
    }
}

/// The EventBridge workbench's fields that differ from a fresh page's, so that a link of a
/// state machine does not carry the default examples of every other tool.
fn eb_changes(eb: &EbWorkspace) -> Option<serde_json::Value> {
    let (serde_json::Value::Object(now), serde_json::Value::Object(fresh)) = (
        serde_json::to_value(eb).ok()?,
        serde_json::to_value(EbWorkspace::default()).ok()?,
    ) else {
        return None;
    };
    let changed: serde_json::Map<String, serde_json::Value> = now
        .into_iter()
        .filter(|(k, v)| k != "events" && fresh.get(k) != Some(v))
        .collect();
    (!changed.is_empty()).then_some(serde_json::Value::Object(changed))
}

fn eb_from_shared(shared: &SharedWorkspace) -> EbWorkspace {
    let mut value = serde_json::to_value(EbWorkspace::default()).unwrap_or_default();
    if let (Some(serde_json::Value::Object(changes)), serde_json::Value::Object(base)) =
        (&shared.bus, &mut value)
    {
        for (k, v) in changes {
            if base.contains_key(k) {
                base.insert(k.clone(), v.clone());
            }
        }
    }
    let mut eb: EbWorkspace = serde_json::from_value(value).unwrap_or_default();
    if !shared.events.is_empty() {
        eb.events = shared.events.clone();
    }
    eb
}

/// The key the workspace autosaves under; the suffix is the document's version.
pub const AUTOSAVE_KEY: &str = "stepbridge.workspace.v1";
/// Where the workspace a loaded example or link replaced is kept, for one-click restore.
pub const PREVIOUS_KEY: &str = "stepbridge.workspace.previous.v1";

/// Reads a saved workspace; a damaged save is ignored rather than trusted.
pub fn from_saved(text: &str) -> Option<Workspace> {
    serde_json::from_str(text).ok()
}

pub fn to_saved(ws: &Workspace) -> String {
    serde_json::to_string(ws).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_workspace_comes_back_verbatim() {
        let ws = Workspace {
            input: "{ \"odd\":   spacing  ".into(),
            seed: 42,
            ..Workspace::default()
        };
        assert_eq!(from_saved(&to_saved(&ws)), Some(ws));
        assert_eq!(from_saved("{garbage"), None);
    }

    #[test]
    fn a_shared_workspace_restores_every_field() {
        let ws = Workspace {
            seed: 9,
            start_time: "2025-01-01T00:00:00Z".into(),
            input: "  {\"a\": 1}\n".into(),
            ..Workspace::default()
        };
        let shared = to_shared(&ws, "events", Some(3));
        assert_eq!(shared.view, "events");
        assert_eq!(shared.bus, None, "unchanged tools stay out of the link");
        assert!(shared.events.is_empty());
        assert_eq!(shared.step, Some(3));
        assert_eq!(from_shared(&shared), ws);
    }

    #[test]
    fn changed_eventbridge_text_travels_in_the_link() {
        let mut ws = Workspace::default();
        ws.eb.rule_name = "mine".into();
        ws.eb.events = vec!["{}".into(), "{\"a\": 1}".into()];
        let shared = to_shared(&ws, "graph", None);
        assert_eq!(shared.bus, Some(serde_json::json!({"ruleName": "mine"})));
        assert_eq!(from_shared(&shared), ws);
    }

    #[test]
    fn test_cases_come_from_the_mock_file() {
        let ws = Workspace::default();
        assert!(ws.test_cases().contains(&"HappyPath".to_string()));
        let broken = Workspace {
            mocks: "{".into(),
            ..Workspace::default()
        };
        assert!(broken.test_cases().is_empty());
    }
}
