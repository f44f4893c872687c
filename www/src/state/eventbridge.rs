//! The EventBridge workbench's part of the state: the text the user typed for each tool
//! (autosaved with the rest of the workspace) and the engine's last answer per tool.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::rc::Rc;
use stepbridge_inspect::protocol::EbTool;

pub const ORDER_BUS_SCENARIO: &str =
    include_str!("../../../static/examples/order-bus.scenario.json");
pub const ORDER_PIPE: &str = include_str!("../../../static/examples/order-pipe.json");
pub const ORDER_SYSTEM_TEMPLATE: &str =
    include_str!("../../../static/examples/order-system.template.yaml");
pub const ORDER_SYSTEM_EVENTS: &str =
    include_str!("../../../static/examples/order-system.events.json");

const DEFAULT_PATHS_MAP: &str = r#"{
  "order": "$.detail.orderId",
  "tier": "$.detail.customer.tier"
}"#;
const DEFAULT_TEMPLATE: &str = r#"{
  "message": "Order <order> from a <tier> customer",
  "rule": <aws.events.rule-name>,
  "received": <aws.events.event.ingestion-time>
}"#;

/// What the user typed into the EventBridge tools; kept at the workspace's top level (the
/// workspace flattens it), so each editor's text is a key of the autosave.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EbWorkspace {
    /// The events the pattern is tested against, each as typed.
    pub events: Vec<String>,
    /// The event the input transformer previews.
    pub selected_event: usize,
    pub rule_name: String,
    pub paths_map: String,
    pub input_template: String,
    pub schedule_expression: String,
    pub schedule_timezone: String,
    pub schedule_from: String,
    /// FlexibleTimeWindow MaximumWindowInMinutes; 0 is OFF.
    pub flexible_minutes: u32,
    pub scenario: String,
    pub template: String,
    pub template_events: String,
    pub template_mocks: String,
    pub template_test_case: String,
    /// An EventBridge Pipes document.
    pub pipe: String,
}

impl Default for EbWorkspace {
    fn default() -> Self {
        EbWorkspace {
            events: vec![super::ORDER_EVENT.into()],
            selected_event: 0,
            rule_name: "order-notifications".into(),
            paths_map: DEFAULT_PATHS_MAP.into(),
            input_template: DEFAULT_TEMPLATE.into(),
            schedule_expression: "cron(0 9 ? * MON-FRI *)".into(),
            schedule_timezone: "Europe/Paris".into(),
            schedule_from: "2026-01-01T00:00:00Z".into(),
            flexible_minutes: 0,
            scenario: ORDER_BUS_SCENARIO.into(),
            template: ORDER_SYSTEM_TEMPLATE.into(),
            template_events: ORDER_SYSTEM_EVENTS.into(),
            template_mocks: super::ORDER_MOCKS.into(),
            template_test_case: "HappyPath".into(),
            pipe: ORDER_PIPE.into(),
        }
    }
}

/// The single-text fields of [`EbWorkspace`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EbField {
    RuleName,
    PathsMap,
    InputTemplate,
    ScheduleExpression,
    ScheduleTimezone,
    ScheduleFrom,
    Scenario,
    Template,
    TemplateEvents,
    TemplateMocks,
    TemplateTestCase,
    Pipe,
}

impl EbWorkspace {
    #[cfg(test)]
    pub fn get(&self, field: EbField) -> &str {
        match field {
            EbField::RuleName => &self.rule_name,
            EbField::PathsMap => &self.paths_map,
            EbField::InputTemplate => &self.input_template,
            EbField::ScheduleExpression => &self.schedule_expression,
            EbField::ScheduleTimezone => &self.schedule_timezone,
            EbField::ScheduleFrom => &self.schedule_from,
            EbField::Scenario => &self.scenario,
            EbField::Template => &self.template,
            EbField::TemplateEvents => &self.template_events,
            EbField::TemplateMocks => &self.template_mocks,
            EbField::TemplateTestCase => &self.template_test_case,
            EbField::Pipe => &self.pipe,
        }
    }

    fn slot(&mut self, field: EbField) -> &mut String {
        match field {
            EbField::RuleName => &mut self.rule_name,
            EbField::PathsMap => &mut self.paths_map,
            EbField::InputTemplate => &mut self.input_template,
            EbField::ScheduleExpression => &mut self.schedule_expression,
            EbField::ScheduleTimezone => &mut self.schedule_timezone,
            EbField::ScheduleFrom => &mut self.schedule_from,
            EbField::Scenario => &mut self.scenario,
            EbField::Template => &mut self.template,
            EbField::TemplateEvents => &mut self.template_events,
            EbField::TemplateMocks => &mut self.template_mocks,
            EbField::TemplateTestCase => &mut self.template_test_case,
            EbField::Pipe => &mut self.pipe,
        }
    }

    /// The event the transformer previews: the selected one, or the first.
    pub fn selected(&self) -> &str {
        self.events
            .get(self.selected_event)
            .or_else(|| self.events.first())
            .map_or("", String::as_str)
    }
}

/// The tabs of the EventBridge section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum EbTab {
    #[default]
    Patterns,
    Transform,
    Schedule,
    Bus,
    Template,
    Pipes,
}

impl EbTab {
    pub const ALL: [EbTab; 6] = [
        EbTab::Patterns,
        EbTab::Transform,
        EbTab::Schedule,
        EbTab::Bus,
        EbTab::Template,
        EbTab::Pipes,
    ];

    pub fn label(self) -> &'static str {
        match self {
            EbTab::Patterns => "Patterns",
            EbTab::Transform => "Input transformer",
            EbTab::Schedule => "Scheduler",
            EbTab::Bus => "Bus",
            EbTab::Template => "Import a template",
            EbTab::Pipes => "Pipes",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            EbTab::Patterns => "patterns",
            EbTab::Transform => "transform",
            EbTab::Schedule => "schedule",
            EbTab::Bus => "bus",
            EbTab::Template => "template",
            EbTab::Pipes => "pipes",
        }
    }
}

/// The engine's last answer per tool, and the open tab.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EbState {
    pub tab: EbTab,
    pub patterns: Option<Rc<Value>>,
    pub transform: Option<Rc<Value>>,
    pub schedule: Option<Rc<Value>>,
    pub bus: Option<Rc<Value>>,
    pub template: Option<Rc<Value>>,
    pub pipes: Option<Rc<Value>>,
}

impl EbState {
    pub(super) fn set(&mut self, tool: EbTool, answer: Value) {
        let slot = match tool {
            EbTool::Patterns => &mut self.patterns,
            EbTool::Transform => &mut self.transform,
            EbTool::Schedule => &mut self.schedule,
            EbTool::Bus => &mut self.bus,
            EbTool::Template => &mut self.template,
            EbTool::Pipes => &mut self.pipes,
        };
        *slot = Some(Rc::new(answer));
    }
}

pub enum EbAction {
    Edit(EbField, String),
    EditEvent(usize, String),
    AddEvent(String),
    RemoveEvent(usize),
    /// Replace the list (a pasted array or JSON lines, split).
    SetEvents(Vec<String>),
    SelectEvent(usize),
    SetFlexibleMinutes(u32),
    Tab(EbTab),
}

/// Applies one EventBridge action to the workspace and the section's state.
pub(super) fn apply(ws: &mut EbWorkspace, eb: &mut EbState, action: EbAction) {
    match action {
        EbAction::Edit(field, text) => *ws.slot(field) = text,
        EbAction::EditEvent(i, text) => {
            if let Some(event) = ws.events.get_mut(i) {
                *event = text;
            }
        }
        EbAction::AddEvent(text) => ws.events.push(text),
        EbAction::RemoveEvent(i) => {
            if i < ws.events.len() {
                ws.events.remove(i);
                if ws.selected_event >= ws.events.len() {
                    ws.selected_event = ws.events.len().saturating_sub(1);
                }
            }
        }
        EbAction::SetEvents(events) => {
            ws.events = events;
            ws.selected_event = 0;
        }
        EbAction::SelectEvent(i) => ws.selected_event = i.min(ws.events.len().saturating_sub(1)),
        EbAction::SetFlexibleMinutes(m) => ws.flexible_minutes = m,
        EbAction::Tab(tab) => eb.tab = tab,
    }
}

/// Splits pasted text into events: a JSON array gives its elements, JSON lines one event a
/// line; anything else stays one event as typed (its fault is then shown on it).
pub fn split_events(text: &str) -> Vec<String> {
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_default();
    if let Ok(Value::Array(items)) = serde_json::from_str::<Value>(text) {
        return items.iter().map(pretty).collect();
    }
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.len() > 1 {
        let parsed: Option<Vec<Value>> =
            lines.iter().map(|l| serde_json::from_str(l).ok()).collect();
        if let Some(values) = parsed {
            return values.iter().map(pretty).collect();
        }
    }
    if text.trim().is_empty() {
        Vec::new()
    } else {
        vec![text.to_string()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_arrays_and_json_lines_become_one_event_each() {
        assert_eq!(split_events(r#"[{"a": 1}, {"b": 2}]"#).len(), 2);
        let lines = split_events("{\"a\": 1}\n\n{\"b\": 2}\n{\"c\": 3}\n");
        assert_eq!(lines.len(), 3);
        assert!(lines[2].contains("\"c\": 3"));
        assert_eq!(split_events("{not json"), vec!["{not json".to_string()]);
        assert!(split_events("  ").is_empty());
    }

    #[test]
    fn removing_the_selected_event_selects_the_last_left() {
        let mut ws = EbWorkspace {
            events: vec!["1".into(), "2".into()],
            selected_event: 1,
            ..EbWorkspace::default()
        };
        let mut eb = EbState::default();
        apply(&mut ws, &mut eb, EbAction::RemoveEvent(1));
        assert_eq!(ws.selected_event, 0);
        assert_eq!(ws.selected(), "1");
        apply(
            &mut ws,
            &mut eb,
            EbAction::Edit(EbField::RuleName, "r".into()),
        );
        assert_eq!(ws.get(EbField::RuleName), "r");
    }
}
