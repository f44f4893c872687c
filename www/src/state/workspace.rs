//! What the user typed, kept verbatim, and its autosave in the browser.

use serde::{Deserialize, Serialize};

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
        let mut ws = Workspace::default();
        ws.input = "{ \"odd\":   spacing  ".into();
        ws.seed = 42;
        assert_eq!(from_saved(&to_saved(&ws)), Some(ws));
        assert_eq!(from_saved("{garbage"), None);
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
