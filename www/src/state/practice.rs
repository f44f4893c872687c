//! The Practice section: where the learner is (list, exercise, a shared answer), the
//! exercise on screen, the last grade, and the progress kept in the browser.
//!
//! Practice answers live here, apart from the state-machine and EventBridge workspace, so
//! opening or solving an exercise never touches what the user typed in the workbenches.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::rc::Rc;
use stepbridge_inspect::practice::{Answer, Exercise, ExerciseSummary, Grade};

/// The key progress autosaves under; the suffix is the document's version.
pub const PRACTICE_KEY: &str = "stepbridge.practice.v1";

/// Where the address's fragment points inside the Practice section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// `#practice`: the list.
    List,
    /// `#practice/<id>`.
    Exercise(String),
    /// `#practice/<id>/w1.…`: an exercise with a shared answer to decode.
    Shared(String, String),
}

impl Route {
    /// Reads a fragment (with or without `#`); None when it is not a practice address.
    pub fn parse(hash: &str) -> Option<Route> {
        let rest = hash.trim_start_matches('#').strip_prefix("practice")?;
        if rest.is_empty() || rest == "/" {
            return Some(Route::List);
        }
        let rest = rest.strip_prefix('/')?;
        let (id, payload) = match rest.split_once('/') {
            Some((id, payload)) => (id, Some(payload)),
            None => (rest, None),
        };
        let id = decode_id(id)?;
        Some(match payload {
            Some(p) if !p.is_empty() => Route::Shared(id, p.to_string()),
            _ => Route::Exercise(id),
        })
    }

    pub fn exercise(&self) -> Option<&str> {
        match self {
            Route::List => None,
            Route::Exercise(id) | Route::Shared(id, _) => Some(id),
        }
    }
}

/// Exercise ids are file names: letters, digits, `-` and `_` only, so that an id from an
/// address can never reach outside `exercises/`.
fn decode_id(id: &str) -> Option<String> {
    let ok = !id.is_empty()
        && id.len() <= 100
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    ok.then(|| id.to_string())
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    #[default]
    NotStarted,
    /// Checked at least once, never passed.
    Attempted,
    /// Passed every case once; stays solved.
    Solved,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::NotStarted => "not started",
            Status::Attempted => "attempted",
            Status::Solved => "solved",
        }
    }
}

/// One exercise's progress: the learner's answer exactly as typed, and how far they got.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ExerciseProgress {
    pub status: Status,
    /// None until the learner first edits; the starter is shown meanwhile.
    pub answer: Option<Answer>,
    /// How many hints are revealed.
    pub hints: usize,
    /// How many times Check was pressed.
    pub attempts: u32,
}

/// Everything the browser keeps for the Practice section.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Progress {
    pub exercises: BTreeMap<String, ExerciseProgress>,
}

impl Progress {
    pub fn of(&self, id: &str) -> ExerciseProgress {
        self.exercises.get(id).cloned().unwrap_or_default()
    }

    fn entry(&mut self, id: &str) -> &mut ExerciseProgress {
        self.exercises.entry(id.to_string()).or_default()
    }

    /// Reads saved progress; a damaged save is ignored rather than trusted.
    pub fn from_saved(text: &str) -> Option<Progress> {
        serde_json::from_str(text).ok()
    }

    pub fn to_saved(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The text boxes of an answer; each kind of exercise uses some of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AnswerField {
    Definition,
    Mocks,
    ExecutionType,
    Pattern,
    InputPathsMap,
    InputTemplate,
    Expression,
    Timezone,
    Prediction,
    Choice,
}

impl AnswerField {
    pub fn get(self, answer: &Answer) -> &str {
        match self {
            AnswerField::Definition => &answer.definition,
            AnswerField::Mocks => &answer.mocks,
            AnswerField::ExecutionType => &answer.execution_type,
            AnswerField::Pattern => &answer.pattern,
            AnswerField::InputPathsMap => &answer.input_paths_map,
            AnswerField::InputTemplate => &answer.input_template,
            AnswerField::Expression => &answer.expression,
            AnswerField::Timezone => &answer.timezone,
            AnswerField::Prediction => &answer.prediction,
            AnswerField::Choice => &answer.choice,
        }
    }

    fn slot(self, answer: &mut Answer) -> &mut String {
        match self {
            AnswerField::Definition => &mut answer.definition,
            AnswerField::Mocks => &mut answer.mocks,
            AnswerField::ExecutionType => &mut answer.execution_type,
            AnswerField::Pattern => &mut answer.pattern,
            AnswerField::InputPathsMap => &mut answer.input_paths_map,
            AnswerField::InputTemplate => &mut answer.input_template,
            AnswerField::Expression => &mut answer.expression,
            AnswerField::Timezone => &mut answer.timezone,
            AnswerField::Prediction => &mut answer.prediction,
            AnswerField::Choice => &mut answer.choice,
        }
    }

    /// The name tests and the page use for the field's control (`data-testid`).
    pub fn test_id(self) -> &'static str {
        match self {
            AnswerField::Definition => "practice-definition",
            AnswerField::Mocks => "practice-mocks",
            AnswerField::ExecutionType => "practice-execution-type",
            AnswerField::Pattern => "practice-pattern",
            AnswerField::InputPathsMap => "practice-input-paths-map",
            AnswerField::InputTemplate => "practice-input-template",
            AnswerField::Expression => "practice-expression",
            AnswerField::Timezone => "practice-timezone",
            AnswerField::Prediction => "practice-prediction",
            AnswerField::Choice => "practice-choice",
        }
    }
}

/// A shared answer being looked at; the learner's own stays saved until they adopt it.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedAnswer {
    pub exercise: String,
    pub answer: Answer,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PracticeState {
    /// None: the workbenches are on screen.
    pub route: Option<Route>,
    pub index: Option<Rc<Vec<ExerciseSummary>>>,
    /// Why the list or the exercise could not be loaded.
    pub load_error: Option<String>,
    /// The exercise on screen, once fetched.
    pub exercise: Option<Rc<Exercise>>,
    pub progress: Progress,
    /// The last grade and the exercise it is for.
    pub grade: Option<(String, Rc<Grade>)>,
    pub shared: Option<SharedAnswer>,
    /// A `#practice/<id>/w1.…` payload waiting for the engines to decode it.
    pub pending_link: Option<(String, String)>,
    /// The link made by Share, with the exercise it is for, until closed.
    pub share_link: Option<Rc<str>>,
    /// Whether the worked solution is shown.
    pub solution_shown: bool,
    /// The workbench views show the run of a Predict exercise's machine (case name).
    pub run_case: Option<String>,
    /// How many grades have arrived, so a view (and a test) tells a new one from the last.
    pub graded: u64,
}

impl PracticeState {
    pub fn with_progress(progress: Progress) -> PracticeState {
        PracticeState {
            progress,
            ..PracticeState::default()
        }
    }

    /// The id of the exercise the address points at.
    pub fn current_id(&self) -> Option<&str> {
        self.route.as_ref().and_then(Route::exercise)
    }

    /// The exercise on screen when it is the one the address points at.
    pub fn current(&self) -> Option<&Rc<Exercise>> {
        let id = self.current_id()?;
        self.exercise.as_ref().filter(|e| e.id == id)
    }

    /// What the editors show for an exercise: the learner's saved answer, else the starter.
    pub fn answer_of(&self, exercise: &Exercise) -> Answer {
        self.progress
            .exercises
            .get(&exercise.id)
            .and_then(|p| p.answer.clone())
            .unwrap_or_else(|| exercise.starter.clone())
    }

    /// The shared answer on screen, when one is open for this exercise.
    pub fn shared_for(&self, id: &str) -> Option<&Answer> {
        self.shared
            .as_ref()
            .filter(|s| s.exercise == id)
            .map(|s| &s.answer)
    }

    pub fn grade_for(&self, id: &str) -> Option<&Rc<Grade>> {
        self.grade
            .as_ref()
            .filter(|(of, _)| of == id)
            .map(|(_, g)| g)
    }
}

pub enum PracticeAction {
    /// The address changed (None: back to the workbenches).
    Route(Option<Route>),
    Index(Vec<ExerciseSummary>),
    Exercise(Box<Exercise>),
    LoadFailed(String),
    Edit(AnswerField, String),
    /// Put the starter back (the user agreed).
    Reset,
    /// Replace the answer with the worked solution (the user agreed, or nothing was lost).
    LoadSolution,
    /// Check was pressed for the exercise on screen.
    Checked,
    /// The engines' verdict on an answer to `exercise`.
    Graded(String, Box<Grade>),
    RevealHint,
    ShowSolution,
    /// A shared answer decoded from a link.
    SharedOpened(Box<SharedAnswer>),
    /// Take the shared answer as the learner's own (the user agreed).
    AdoptShared,
    CloseShared,
    ShareLink(String),
    CloseShareLink,
    /// The workbench views now show a run of the exercise's machine for this case.
    RunShown(String),
}

/// The Practice part of the reducer.
pub fn apply_practice(state: &mut PracticeState, action: PracticeAction) {
    match action {
        PracticeAction::Route(route) => {
            if route.as_ref().and_then(Route::exercise) != state.current_id() {
                state.solution_shown = false;
                state.run_case = None;
            }
            if let Some(Route::Shared(id, payload)) = &route {
                state.pending_link = Some((id.clone(), payload.clone()));
            }
            if route.is_none() {
                state.shared = None;
            }
            state.load_error = None;
            state.route = route;
        }
        PracticeAction::Index(index) => state.index = Some(Rc::new(index)),
        PracticeAction::Exercise(exercise) => {
            state.load_error = None;
            state.exercise = Some(Rc::new(*exercise));
        }
        PracticeAction::LoadFailed(message) => state.load_error = Some(message),
        PracticeAction::Edit(field, text) => {
            let Some(exercise) = state.current().cloned() else {
                return;
            };
            let mut answer = state.answer_of(&exercise);
            *field.slot(&mut answer) = text;
            state.progress.entry(&exercise.id).answer = Some(answer);
        }
        PracticeAction::Reset => {
            if let Some(exercise) = state.current().cloned() {
                state.progress.entry(&exercise.id).answer = Some(exercise.starter.clone());
            }
        }
        PracticeAction::LoadSolution => {
            if let Some(exercise) = state.current().cloned() {
                state.progress.entry(&exercise.id).answer = Some(exercise.solution.clone());
            }
        }
        PracticeAction::Checked => {
            if let Some(id) = state.current_id().map(str::to_string) {
                state.progress.entry(&id).attempts += 1;
            }
        }
        PracticeAction::Graded(id, grade) => {
            let entry = state.progress.entry(&id);
            entry.status = match (entry.status, grade.passed) {
                (_, true) | (Status::Solved, _) => Status::Solved,
                _ => Status::Attempted,
            };
            state.grade = Some((id, Rc::new(*grade)));
            state.graded += 1;
        }
        PracticeAction::RevealHint => {
            if let Some(exercise) = state.current().cloned() {
                let entry = state.progress.entry(&exercise.id);
                entry.hints = (entry.hints + 1).min(exercise.hints.len());
            }
        }
        PracticeAction::ShowSolution => {
            // Offered only after a first attempt.
            if let Some(id) = state.current_id() {
                state.solution_shown = state.progress.of(id).attempts > 0;
            }
        }
        PracticeAction::SharedOpened(shared) => {
            state.pending_link = None;
            state.shared = Some(*shared);
        }
        PracticeAction::AdoptShared => {
            if let Some(shared) = state.shared.take() {
                state.progress.entry(&shared.exercise).answer = Some(shared.answer);
            }
        }
        PracticeAction::CloseShared => state.shared = None,
        PracticeAction::ShareLink(link) => state.share_link = Some(link.into()),
        PracticeAction::CloseShareLink => state.share_link = None,
        PracticeAction::RunShown(case) => state.run_case = Some(case),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stepbridge_inspect::practice::ExerciseKind;

    fn exercise() -> Exercise {
        Exercise {
            id: "p1".into(),
            kind: Some(ExerciseKind::Pattern),
            starter: Answer {
                pattern: "{}".into(),
                ..Answer::default()
            },
            solution: Answer {
                pattern: "{\"source\": [\"shop\"]}".into(),
                ..Answer::default()
            },
            hints: vec!["one".into(), "two".into()],
            ..Exercise::default()
        }
    }

    fn opened() -> PracticeState {
        let mut state = PracticeState::default();
        apply_practice(
            &mut state,
            PracticeAction::Route(Route::parse("#practice/p1")),
        );
        apply_practice(&mut state, PracticeAction::Exercise(Box::new(exercise())));
        state
    }

    #[test]
    fn addresses_name_the_list_an_exercise_or_a_shared_answer() {
        assert_eq!(Route::parse("#practice"), Some(Route::List));
        assert_eq!(Route::parse("#practice/"), Some(Route::List));
        assert_eq!(
            Route::parse("#practice/retry-backoff"),
            Some(Route::Exercise("retry-backoff".into()))
        );
        assert_eq!(
            Route::parse("#practice/a_b/w1.xyz"),
            Some(Route::Shared("a_b".into(), "w1.xyz".into()))
        );
        assert_eq!(Route::parse("#w1.abc"), None);
        assert_eq!(Route::parse("#practiced"), None);
        assert_eq!(Route::parse("#practice/../x"), None, "ids stay file names");
    }

    #[test]
    fn the_starter_shows_until_the_first_edit_and_edits_are_verbatim() {
        let mut state = opened();
        let ex = exercise();
        assert_eq!(state.answer_of(&ex).pattern, "{}");
        apply_practice(
            &mut state,
            PracticeAction::Edit(AnswerField::Pattern, " { \"a\" :".into()),
        );
        assert_eq!(state.answer_of(&ex).pattern, " { \"a\" :");
        let saved = Progress::from_saved(&state.progress.to_saved()).unwrap();
        assert_eq!(saved, state.progress);
        apply_practice(&mut state, PracticeAction::Reset);
        assert_eq!(state.answer_of(&ex).pattern, "{}");
    }

    #[test]
    fn a_grade_makes_the_status_and_solved_stays_solved() {
        let mut state = opened();
        assert_eq!(state.progress.of("p1").status, Status::NotStarted);
        apply_practice(&mut state, PracticeAction::Checked);
        apply_practice(
            &mut state,
            PracticeAction::Graded("p1".into(), Box::default()),
        );
        assert_eq!(state.progress.of("p1").status, Status::Attempted);
        let passed = Grade {
            passed: true,
            ..Grade::default()
        };
        apply_practice(
            &mut state,
            PracticeAction::Graded("p1".into(), Box::new(passed)),
        );
        assert_eq!(state.progress.of("p1").status, Status::Solved);
        apply_practice(
            &mut state,
            PracticeAction::Graded("p1".into(), Box::default()),
        );
        assert_eq!(state.progress.of("p1").status, Status::Solved);
        assert_eq!(state.progress.of("p1").attempts, 1);
    }

    #[test]
    fn hints_come_one_at_a_time_and_the_solution_only_after_an_attempt() {
        let mut state = opened();
        apply_practice(&mut state, PracticeAction::ShowSolution);
        assert!(!state.solution_shown);
        for _ in 0..3 {
            apply_practice(&mut state, PracticeAction::RevealHint);
        }
        assert_eq!(state.progress.of("p1").hints, 2, "no more than there are");
        apply_practice(&mut state, PracticeAction::Checked);
        apply_practice(&mut state, PracticeAction::ShowSolution);
        assert!(state.solution_shown);
        apply_practice(&mut state, PracticeAction::LoadSolution);
        assert_eq!(state.answer_of(&exercise()), exercise().solution);
    }

    #[test]
    fn a_shared_answer_is_shown_without_replacing_the_learners_own() {
        let mut state = opened();
        apply_practice(
            &mut state,
            PracticeAction::Edit(AnswerField::Pattern, "mine".into()),
        );
        let theirs = Answer {
            pattern: "theirs".into(),
            ..Answer::default()
        };
        apply_practice(
            &mut state,
            PracticeAction::SharedOpened(Box::new(SharedAnswer {
                exercise: "p1".into(),
                answer: theirs.clone(),
            })),
        );
        assert_eq!(state.shared_for("p1"), Some(&theirs));
        assert_eq!(state.answer_of(&exercise()).pattern, "mine");
        apply_practice(&mut state, PracticeAction::AdoptShared);
        assert_eq!(state.answer_of(&exercise()).pattern, "theirs");
        assert_eq!(state.shared, None);
    }
}
