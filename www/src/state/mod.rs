//! All UI state lives in one reducer, so every change is an [`Action`] and easy to follow.
//!
//! The reducer is pure: talking to the engine worker happens in components, which
//! dispatch what they sent ([`Action::Sent`]) and what came back ([`Action::Reply`]).
//! A reply whose id is not the one awaited for its kind is stale and dropped.

mod eventbridge;
pub mod json_edit;
mod practice;
mod workspace;

pub use eventbridge::{split_events, EbAction, EbField, EbState, EbTab};
pub use practice::*;
pub use workspace::*;

use serde_json::Value;
use std::rc::Rc;
use stepbridge_inspect::protocol::{Diag, EbTool, EventFilter, Response, RunReport};
use stepbridge_inspect::visits::VisitPage;
use yew::Reducible;

/// The three ways to look at a run, as in the AWS console, and the EventBridge bench.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    Graph,
    Table,
    Events,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Theme {
    /// Follow the system's preference.
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn parse(text: &str) -> Theme {
        match text {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }

    /// The next theme of the toggle: system → light → dark → system.
    pub fn next(self) -> Theme {
        match self {
            Theme::System => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::System,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Default)]
pub enum EngineState {
    #[default]
    Loading,
    Ready(String),
    Failed(String),
}

/// The kinds of request whose latest reply is awaited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Validate,
    Run,
    Events,
    /// A page of the table view's state visits.
    Visits,
    Step,
    Pattern,
    Text,
    Share,
    /// One of the EventBridge workbench's tools.
    Eb(EbTool),
    /// Practice: grading an answer, decoding a shared answer, making a share link.
    Grade,
    PracticeLink,
    PracticeShare,
}

/// A run under way.
#[derive(Clone, Debug, PartialEq)]
pub struct Running {
    pub events: u64,
    pub state: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diagnostics {
    pub definition: Rc<Vec<Diag>>,
    pub input: Rc<Vec<Diag>>,
    pub mocks: Rc<Vec<Diag>>,
}

impl Diagnostics {
    pub fn of(&self, field: Field) -> Rc<Vec<Diag>> {
        match field {
            Field::Definition => self.definition.clone(),
            Field::Input => self.input.clone(),
            Field::Mocks => self.mocks.clone(),
            _ => Rc::new(Vec::new()),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct EventsPage {
    pub from: usize,
    pub total: usize,
    pub events: Rc<Vec<Value>>,
}

/// A request to move an editor's cursor; `seq` makes a repeated jump to the same place a
/// new request.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Goto {
    pub field: Field,
    pub line: u32,
    pub column: u32,
    pub seq: u64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct AppState {
    pub workspace: Workspace,
    pub engine: EngineState,
    pub running: Option<Running>,
    awaited: Vec<(Kind, u64)>,
    pub diagnostics: Diagnostics,
    pub state_names: Rc<Vec<String>>,
    /// The definition's laid-out graph, from the last validation or run.
    pub graph: Option<Rc<Value>>,
    pub report: Option<Rc<RunReport>>,
    pub pinned: Option<Rc<RunReport>>,
    pub view: View,
    /// The selected state visit (index into the run's visits).
    pub step: Option<usize>,
    pub step_detail: Option<(usize, Rc<Value>)>,
    pub events: Option<EventsPage>,
    pub events_filter: EventFilter,
    /// The last page of state visits the table view asked for.
    pub visits: Option<Rc<VisitPage>>,
    pub theme: Theme,
    /// A message from the worker or the page (not an engine result), shown until dismissed.
    pub notice: Option<String>,
    pub pattern_answer: Option<Rc<Value>>,
    /// Text the worker produced on request (suggested input, mocks, CLI commands).
    pub text: Option<(String, Rc<str>)>,
    pub goto: Option<Goto>,
    /// A replaced workspace is kept and can be restored with one click.
    pub can_restore: bool,
    /// The workspace as last loaded (an example); None when it came from an autosave, a
    /// link or a file. Loading another example asks first unless nothing changed since.
    pub baseline: Option<Rc<Workspace>>,
    pub gallery: Rc<Vec<GalleryEntry>>,
    /// How many runs have finished, so a view (and a test) tells a new result from the last.
    pub finished_runs: u64,
    /// A share link made on request, shown with its length until closed.
    pub shared: Option<Rc<str>>,
    /// A link or file was opened: run it once, as its author saw it.
    pub auto_run: bool,
    /// Embedded in another page (`?embed`): read-only, no page chrome, no autosave.
    pub embed: Option<Embed>,
    /// The editors' completion tables, from the worker (state names come with validation).
    pub completions: Option<Rc<Value>>,
    /// The EventBridge section: its tab and the engine's answers.
    pub eb: EbState,
    /// The Practice section (its answers are kept apart from `workspace`).
    pub practice: PracticeState,
    /// The workbench's graph while the views show a Practice run, put back on leaving.
    workbench_graph: Option<Rc<Value>>,
}

/// The options of the embed mode, from the page's query string.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Embed {
    /// Play the run's trace step by step on its own.
    pub play: bool,
    /// A gallery example to show (`example=<id>`) when no link is given.
    pub example: Option<String>,
}

impl View {
    pub fn as_str(self) -> &'static str {
        match self {
            View::Graph => "graph",
            View::Table => "table",
            View::Events => "events",
        }
    }

    pub fn parse(text: &str) -> Option<View> {
        match text {
            "graph" => Some(View::Graph),
            "table" => Some(View::Table),
            "events" => Some(View::Events),
            _ => None,
        }
    }
}

/// One example of `examples/gallery.json`.
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GalleryEntry {
    pub id: String,
    pub title: String,
    pub explanation: String,
    pub definition: String,
    pub input: String,
    #[serde(default)]
    pub mocks: Option<String>,
    #[serde(default)]
    pub test_case: Option<String>,
}

pub enum Action {
    Edit(Field, String),
    /// Replace the whole workspace (an example, a file) after the user agreed; the old one
    /// is kept for [`Action::Restore`].
    Load(Box<Workspace>),
    Restore(Box<Workspace>),
    SetSeed(u64),
    EngineFailed(String),
    Sent(Kind, u64),
    Reply(u64, Response),
    /// The user stopped the run; the worker was terminated.
    Cancelled,
    SelectView(View),
    SelectStep(Option<usize>),
    /// Previous (-1) or next (+1) state visit.
    StepBy(i64),
    FilterEvents(EventFilter),
    SetTheme(Theme),
    Goto(Field, u32, u32),
    Pin,
    Unpin,
    Notice(Option<String>),
    CloseText,
    Gallery(Vec<GalleryEntry>),
    CloseShare,
    AutoRunDone,
    /// Load a workspace and run it once (an embedded example).
    LoadAndRun(Box<Workspace>),
    Eb(EbAction),
    Practice(PracticeAction),
}

impl AppState {
    pub fn with_workspace(workspace: Workspace, theme: Theme, can_restore: bool) -> AppState {
        AppState {
            workspace,
            theme,
            can_restore,
            ..AppState::default()
        }
    }

    /// Whether replacing the workspace would throw away text the user wrote.
    pub fn has_own_edits(&self) -> bool {
        self.baseline.as_deref() != Some(&self.workspace)
    }

    /// The number of steps to walk through in the last run.
    pub fn step_count(&self) -> usize {
        self.report.as_ref().map_or(0, |r| r.state_visits)
    }

    /// Whether a request of this kind is under way.
    pub fn awaiting(&self, kind: Kind) -> bool {
        self.awaited.iter().any(|(k, _)| *k == kind)
    }

    fn awaits(&self, kind: Kind, id: u64) -> bool {
        self.awaited.iter().any(|(k, i)| *k == kind && *i == id)
    }

    fn settle(&mut self, kind: Kind) {
        self.awaited.retain(|(k, _)| *k != kind);
    }

    fn kind_of(&self, id: u64) -> Option<Kind> {
        self.awaited.iter().find(|(_, i)| *i == id).map(|(k, _)| *k)
    }

    fn on_reply(&mut self, id: u64, response: Response) {
        match response {
            Response::Ready {
                version,
                completions,
            } => {
                self.engine = EngineState::Ready(version);
                self.completions = Some(Rc::new(completions));
            }
            Response::Validated {
                definition,
                input,
                mocks,
                graph,
                state_names,
            } if self.awaits(Kind::Validate, id) => {
                self.settle(Kind::Validate);
                self.diagnostics = Diagnostics {
                    definition: Rc::new(definition),
                    input: Rc::new(input),
                    mocks: Rc::new(mocks),
                };
                if let Some(graph) = graph {
                    self.graph = Some(Rc::new(graph));
                }
                self.state_names = Rc::new(state_names);
            }
            Response::Progress { events, state } if self.awaits(Kind::Run, id) => {
                self.running = Some(Running { events, state });
            }
            Response::RunFinished(report) if self.awaits(Kind::Run, id) => {
                self.settle(Kind::Run);
                self.running = None;
                if !report.graph.is_null() {
                    self.graph = Some(Rc::new(report.graph.clone()));
                }
                let visits = report.state_visits;
                self.report = Some(Rc::new(*report));
                self.finished_runs += 1;
                self.events = None;
                self.visits = None;
                self.step_detail = None;
                self.step = self.step.filter(|s| *s < visits);
            }
            Response::EventsPage {
                from,
                total,
                events,
            } if self.awaits(Kind::Events, id) => {
                self.settle(Kind::Events);
                self.events = Some(EventsPage {
                    from,
                    total,
                    events: Rc::new(events),
                });
            }
            Response::VisitsPage(page) if self.awaits(Kind::Visits, id) => {
                self.settle(Kind::Visits);
                self.visits = Some(Rc::new(*page));
            }
            Response::StepDetail { visit, detail } if self.awaits(Kind::Step, id) => {
                self.settle(Kind::Step);
                self.step_detail = Some((visit, Rc::new(detail)));
            }
            Response::Pattern { answer } if self.awaits(Kind::Pattern, id) => {
                self.settle(Kind::Pattern);
                self.pattern_answer = Some(Rc::new(answer));
            }
            Response::Text { purpose, text } if self.awaits(Kind::Text, id) => {
                self.settle(Kind::Text);
                self.text = Some((purpose, text.into()));
            }
            Response::EventBridge { tool, answer } if self.awaits(Kind::Eb(tool), id) => {
                self.settle(Kind::Eb(tool));
                self.eb.set(tool, answer);
            }
            Response::Graded { exercise, grade } if self.awaits(Kind::Grade, id) => {
                self.settle(Kind::Grade);
                practice::apply_practice(
                    &mut self.practice,
                    PracticeAction::Graded(exercise, grade),
                );
            }
            Response::WorkspaceOpened { workspace } if self.awaits(Kind::PracticeLink, id) => {
                self.settle(Kind::PracticeLink);
                let pending = self.practice.pending_link.take();
                match (workspace.practice, pending) {
                    (Some(shared), Some((id, _))) if shared.exercise == id => {
                        let shared = SharedAnswer {
                            exercise: shared.exercise,
                            answer: shared.answer,
                        };
                        practice::apply_practice(
                            &mut self.practice,
                            PracticeAction::SharedOpened(Box::new(shared)),
                        );
                    }
                    _ => self.notice = Some(
                        "This link carries no answer to this exercise; your own answer is shown."
                            .into(),
                    ),
                }
            }
            Response::WorkspaceRefused { message, .. } if self.awaits(Kind::PracticeLink, id) => {
                self.settle(Kind::PracticeLink);
                self.practice.pending_link = None;
                self.notice = Some(format!(
                    "The shared answer could not be opened: {message} Your own answer is unchanged."
                ));
            }
            Response::Shared { fragment } if self.awaits(Kind::PracticeShare, id) => {
                self.settle(Kind::PracticeShare);
                if let Some(id) = self.practice.current_id().map(str::to_string) {
                    let payload = fragment.trim_start_matches('#');
                    practice::apply_practice(
                        &mut self.practice,
                        PracticeAction::ShareLink(format!("#practice/{id}/{payload}")),
                    );
                }
            }
            Response::Pinned { .. } => {}
            Response::Shared { fragment } if self.awaits(Kind::Share, id) => {
                self.settle(Kind::Share);
                self.shared = Some(fragment.into());
            }
            Response::WorkspaceOpened { workspace } if self.awaits(Kind::Share, id) => {
                self.settle(Kind::Share);
                self.workspace = from_shared(&workspace);
                self.baseline = None;
                self.can_restore = self.embed.is_none();
                self.report = None;
                self.events = None;
                self.step_detail = None;
                if let Some(view) = View::parse(&workspace.view) {
                    self.view = view;
                }
                self.step = workspace.step.map(|s| s as usize);
                self.auto_run = true;
            }
            Response::WorkspaceRefused { reason, message } if self.awaits(Kind::Share, id) => {
                self.settle(Kind::Share);
                let what = match reason.as_str() {
                    "notOurs" => "this is not a stepbridge link or workspace file",
                    "newerVersion" => "it comes from a newer version of stepbridge",
                    "truncated" => "it is cut short (was the whole link copied?)",
                    "tooLarge" => "it is too large",
                    _ => "it is damaged",
                };
                self.notice = Some(format!(
                    "The shared workspace could not be opened: {what}. {message} Your own work is unchanged."
                ));
            }
            Response::Error { message } => {
                if let Some(kind) = self.kind_of(id) {
                    self.settle(kind);
                    if kind == Kind::Run {
                        self.running = None;
                    }
                }
                self.notice = Some(message);
            }
            // A reply nobody waits for any more: a newer request superseded it.
            _ => {}
        }
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Edit(field, text) => next.workspace.set(field, text),
            Action::Load(workspace) => {
                next.baseline = Some(Rc::new((*workspace).clone()));
                next.workspace = *workspace;
                next.report = None;
                next.step = None;
                next.step_detail = None;
                next.events = None;
                next.visits = None;
                next.can_restore = true;
            }
            Action::Restore(workspace) => {
                next.workspace = *workspace;
                next.can_restore = false;
            }
            Action::SetSeed(seed) => next.workspace.seed = seed,
            Action::EngineFailed(message) => {
                next.engine = EngineState::Failed(message);
                next.running = None;
            }
            Action::Sent(kind, id) => {
                next.settle(kind);
                next.awaited.push((kind, id));
                if kind == Kind::Run {
                    next.running = Some(Running {
                        events: 0,
                        state: String::new(),
                    });
                    next.notice = None;
                }
            }
            Action::Reply(id, response) => next.on_reply(id, response),
            Action::Cancelled => {
                next.running = None;
                next.awaited.clear();
                next.notice = Some("Run cancelled: the engine was stopped and restarted.".into());
            }
            Action::SelectView(view) => next.view = view,
            Action::SelectStep(step) => {
                next.step = step.filter(|s| *s < next.step_count());
            }
            Action::StepBy(delta) => {
                let count = next.step_count();
                if count > 0 {
                    let current = next.step.map_or(-1, |s| s as i64);
                    let target = (current + delta).clamp(0, count as i64 - 1);
                    next.step = Some(target as usize);
                }
            }
            Action::FilterEvents(filter) => {
                next.events_filter = filter;
                next.events = None;
            }
            Action::SetTheme(theme) => next.theme = theme,
            Action::Goto(field, line, column) => {
                let seq = next.goto.map_or(1, |g| g.seq + 1);
                next.goto = Some(Goto {
                    field,
                    line,
                    column,
                    seq,
                });
            }
            Action::Pin => next.pinned = next.report.clone(),
            Action::Unpin => next.pinned = None,
            Action::Notice(notice) => next.notice = notice,
            Action::CloseText => next.text = None,
            Action::Gallery(entries) => next.gallery = Rc::new(entries),
            Action::CloseShare => next.shared = None,
            Action::AutoRunDone => next.auto_run = false,
            Action::LoadAndRun(workspace) => {
                next.baseline = Some(Rc::new((*workspace).clone()));
                next.workspace = *workspace;
                next.report = None;
                next.auto_run = true;
            }
            Action::Eb(action) => eventbridge::apply(&mut next.workspace.eb, &mut next.eb, action),
            Action::Practice(action) => {
                // Leaving Practice after showing an exercise's run: that run is not the
                // workbench's, so its views start empty (the editors were never touched).
                if matches!(action, PracticeAction::Route(None)) && next.practice.run_case.is_some()
                {
                    next.practice.run_case = None;
                    next.report = None;
                    next.step = None;
                    next.step_detail = None;
                    next.events = None;
                    next.graph = next.workbench_graph.take();
                }
                if matches!(action, PracticeAction::RunShown(_)) && next.practice.run_case.is_none()
                {
                    next.workbench_graph = next.graph.clone();
                }
                practice::apply_practice(&mut next.practice, action)
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reduce(state: AppState, action: Action) -> AppState {
        (*Rc::new(state).reduce(action)).clone()
    }

    fn finished(visits: usize) -> Response {
        Response::RunFinished(Box::new(RunReport {
            status: "SUCCEEDED".into(),
            state_visits: visits,
            ..RunReport::default()
        }))
    }

    #[test]
    fn only_the_awaited_run_reply_is_taken() {
        let state = reduce(AppState::default(), Action::Sent(Kind::Run, 1));
        let state = reduce(state, Action::Sent(Kind::Run, 2));
        assert!(state.running.is_some());
        let state = reduce(state, Action::Reply(1, finished(3)));
        assert!(
            state.report.is_none(),
            "a superseded run's reply is dropped"
        );
        let state = reduce(state, Action::Reply(2, finished(3)));
        assert_eq!(state.report.as_ref().unwrap().status, "SUCCEEDED");
        assert!(state.running.is_none());
    }

    #[test]
    fn stepping_stays_inside_the_run() {
        let state = reduce(AppState::default(), Action::Sent(Kind::Run, 1));
        let state = reduce(state, Action::Reply(1, finished(3)));
        let state = reduce(state, Action::StepBy(1));
        assert_eq!(state.step, Some(0));
        let state = reduce(state, Action::StepBy(5));
        assert_eq!(state.step, Some(2));
        let state = reduce(state, Action::StepBy(-1));
        assert_eq!(state.step, Some(1));
        let state = reduce(state, Action::SelectStep(Some(99)));
        assert_eq!(state.step, None);
    }

    #[test]
    fn cancel_forgets_what_was_awaited_and_says_so() {
        let state = reduce(AppState::default(), Action::Sent(Kind::Run, 4));
        let state = reduce(state, Action::Cancelled);
        assert!(state.running.is_none());
        let state = reduce(state, Action::Reply(4, finished(1)));
        assert!(state.report.is_none());
        assert!(state.notice.unwrap().contains("cancelled"));
    }

    #[test]
    fn loading_keeps_the_old_workspace_restorable_and_edits_are_verbatim() {
        let mut state = AppState::default();
        state = reduce(state, Action::Edit(Field::Input, "  {\"x\":1 ".into()));
        assert_eq!(state.workspace.input, "  {\"x\":1 ");
        let other = Workspace {
            definition: "{}".into(),
            ..Workspace::default()
        };
        state = reduce(state, Action::Load(Box::new(other)));
        assert!(state.can_restore);
        assert_eq!(state.workspace.definition, "{}");
        assert!(!state.has_own_edits());
        let state = reduce(state, Action::Edit(Field::Definition, "{ }".into()));
        assert!(state.has_own_edits());
    }

    #[test]
    fn an_error_reply_ends_the_run_and_shows_the_message() {
        let state = reduce(AppState::default(), Action::Sent(Kind::Run, 9));
        let state = reduce(
            state,
            Action::Reply(
                9,
                Response::Error {
                    message: "boom".into(),
                },
            ),
        );
        assert!(state.running.is_none());
        assert_eq!(state.notice.as_deref(), Some("boom"));
    }

    #[test]
    fn an_opened_link_replaces_the_workspace_restorably_and_runs_once() {
        let state = reduce(AppState::default(), Action::Sent(Kind::Share, 5));
        let shared = stepbridge_inspect::share::SharedWorkspace {
            definition: "{\"StartAt\": \"X\"}".into(),
            view: "events".into(),
            step: Some(2),
            ..Default::default()
        };
        let state = reduce(
            state,
            Action::Reply(
                5,
                Response::WorkspaceOpened {
                    workspace: Box::new(shared),
                },
            ),
        );
        assert_eq!(state.workspace.definition, "{\"StartAt\": \"X\"}");
        assert_eq!(state.view, View::Events);
        assert_eq!(state.step, Some(2));
        assert!(state.auto_run && state.can_restore);
    }

    #[test]
    fn a_refused_link_keeps_the_work_and_says_why() {
        let mut state = AppState::default();
        state.workspace.input = "mine".into();
        let state = reduce(state, Action::Sent(Kind::Share, 6));
        let state = reduce(
            state,
            Action::Reply(
                6,
                Response::WorkspaceRefused {
                    reason: "truncated".into(),
                    message: "The link ends early.".into(),
                },
            ),
        );
        assert_eq!(state.workspace.input, "mine");
        let notice = state.notice.unwrap();
        assert!(
            notice.contains("cut short") && notice.contains("unchanged"),
            "{notice}"
        );
    }

    #[test]
    fn practice_grades_and_runs_leave_the_workspace_alone() {
        let mut state = AppState::default();
        state.workspace.definition = "mine".into();
        state.graph = Some(Rc::new(serde_json::json!({"mine": true})));
        let before = state.workspace.clone();
        let state = reduce(
            state,
            Action::Practice(PracticeAction::Route(Route::parse("#practice/p1"))),
        );
        let state = reduce(state, Action::Sent(Kind::Grade, 3));
        assert!(state.awaiting(Kind::Grade));
        let grade = stepbridge_inspect::practice::Grade {
            passed: true,
            ..Default::default()
        };
        let state = reduce(
            state,
            Action::Reply(
                3,
                Response::Graded {
                    exercise: "p1".into(),
                    grade: Box::new(grade),
                },
            ),
        );
        assert!(!state.awaiting(Kind::Grade));
        assert_eq!(state.practice.progress.of("p1").status, Status::Solved);
        // A Predict run shown in the views is not the workbench's: leaving Practice empties
        // the views and puts the workbench's graph back.
        let state = reduce(
            state,
            Action::Practice(PracticeAction::RunShown("case".into())),
        );
        let state = reduce(state, Action::Sent(Kind::Run, 4));
        let state = reduce(state, Action::Reply(4, finished(2)));
        assert!(state.report.is_some());
        let state = reduce(state, Action::Practice(PracticeAction::Route(None)));
        assert!(state.report.is_none());
        assert_eq!(
            state.graph,
            Some(Rc::new(serde_json::json!({"mine": true})))
        );
        assert_eq!(state.workspace, before);
    }

    #[test]
    fn a_shared_practice_link_is_decoded_into_practice_not_the_workspace() {
        let state = reduce(
            AppState::default(),
            Action::Practice(PracticeAction::Route(Route::parse("#practice/p1/w1.abc"))),
        );
        assert_eq!(
            state.practice.pending_link,
            Some(("p1".into(), "w1.abc".into()))
        );
        let state = reduce(state, Action::Sent(Kind::PracticeLink, 8));
        let shared = stepbridge_inspect::share::SharedWorkspace {
            definition: "not for the workbench".into(),
            practice: Some(stepbridge_inspect::share::SharedPractice {
                exercise: "p1".into(),
                answer: stepbridge_inspect::practice::Answer {
                    pattern: "theirs".into(),
                    ..Default::default()
                },
            }),
            ..Default::default()
        };
        let state = reduce(
            state,
            Action::Reply(
                8,
                Response::WorkspaceOpened {
                    workspace: Box::new(shared),
                },
            ),
        );
        assert_eq!(state.workspace, Workspace::default());
        assert_eq!(
            state.practice.shared_for("p1").map(|a| a.pattern.as_str()),
            Some("theirs")
        );
    }

    #[test]
    fn the_theme_toggle_cycles() {
        assert_eq!(Theme::System.next().next().next(), Theme::System);
        assert_eq!(Theme::parse(Theme::Dark.as_str()), Theme::Dark);
    }
}
