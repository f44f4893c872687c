//! Rebuild the state visits from the execution history.
//!
//! The history is flat; nesting is recovered with a stack of frames: the top level, and one
//! frame per running Parallel (pushed at `ParallelStateStarted`, popped at
//! `ParallelStateSucceeded`/`Failed`) or Map (`MapStateStarted` … `MapStateSucceeded`/
//! `Failed`). A `...StateEntered` opens a visit in the top frame; task and container
//! events attach to the frame's open visit. Branch events carry no branch index, so a
//! Parallel's branch is the first branch, from the current one on, that has a state of
//! that name (branches run one after the other on the virtual clock).

use super::time::parse_ms;
use serde_json::{Map, Value};

#[derive(Debug, Clone, Default)]
pub(crate) struct Attempt {
    pub start_ms: i64,
    pub start_event: u64,
    /// When the attempt failed, with what.
    pub failed_ms: Option<i64>,
    pub failed_event: Option<u64>,
    pub error: Option<(String, String)>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct WalkVisit {
    pub node: String,
    pub name: String,
    pub kind: String,
    /// The state's definition, when it was found.
    pub def: Option<Value>,
    pub start_ms: i64,
    pub end_ms: i64,
    pub first_event: u64,
    pub last_event: u64,
    pub parent: Option<usize>,
    pub iteration: Option<usize>,
    pub branch: Option<usize>,
    pub attempts: Vec<Attempt>,
    pub exited: bool,
    /// The last open task attempt was submitted and waits for a token.
    pub submitted: bool,
    /// A failure not tied to an attempt (EvaluationFailed).
    pub error: Option<(String, String)>,
    pub assigned: Option<Map<String, Value>>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Iteration {
    pub index: usize,
    pub status: String,
    pub first_visit: Option<usize>,
    pub last_visit: Option<usize>,
}

/// What a Map visit's frame saw.
#[derive(Debug, Clone, Default)]
pub(crate) struct WalkMap {
    pub visit: usize,
    pub length: Option<u64>,
    pub iterations: Vec<Iteration>,
    pub run_error: Option<(String, String)>,
}

pub(crate) struct Walk {
    pub visits: Vec<WalkVisit>,
    pub maps: Vec<WalkMap>,
    pub start_ms: i64,
    pub end_ms: i64,
}

enum FrameKind {
    Root,
    Parallel,
    Map(usize),
}

struct Frame {
    kind: FrameKind,
    /// The container visit (None for the top level).
    visit: Option<usize>,
    /// Machines a state of this frame can belong to (branches, or the one processor).
    machines: Vec<Value>,
    /// Node id prefix of the container ("" at the top level).
    node: String,
    branch: Option<usize>,
    iteration: Option<usize>,
    open: Option<usize>,
}

fn details<'a>(event: &'a Value, key: &str) -> Option<&'a Value> {
    event.get(key)
}

fn error_of(event: &Value) -> Option<(String, String)> {
    let obj = event.as_object()?;
    let d = obj
        .iter()
        .find(|(k, _)| k.ends_with("EventDetails"))
        .map(|(_, v)| v)?;
    let text = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    Some((text("error"), text("cause")))
}

fn is_attempt_start(ty: &str) -> bool {
    matches!(
        ty,
        "TaskScheduled" | "LambdaFunctionScheduled" | "ActivityScheduled"
    )
}

fn is_attempt_failure(ty: &str) -> bool {
    ty.ends_with("Failed") && !ty.ends_with("StateFailed") && !ty.starts_with("Map")
        || ty.ends_with("TimedOut") && !ty.starts_with("Execution")
        || ty.ends_with("StartFailed")
        || ty.ends_with("SubmitFailed")
}

pub(crate) fn walk(definition: &Value, history: &[Value]) -> Walk {
    let mut visits: Vec<WalkVisit> = Vec::new();
    let mut maps: Vec<WalkMap> = Vec::new();
    let mut stack = vec![Frame {
        kind: FrameKind::Root,
        visit: None,
        machines: vec![definition.clone()],
        node: String::new(),
        branch: None,
        iteration: None,
        open: None,
    }];
    let start_ms = history
        .first()
        .and_then(|e| e.get("timestamp"))
        .and_then(Value::as_str)
        .and_then(parse_ms)
        .unwrap_or(0);
    let mut end_ms = start_ms;
    for event in history {
        let ty = event.get("type").and_then(Value::as_str).unwrap_or("");
        let id = event.get("id").and_then(Value::as_u64).unwrap_or(0);
        let ms = event
            .get("timestamp")
            .and_then(Value::as_str)
            .and_then(parse_ms)
            .unwrap_or(end_ms);
        end_ms = end_ms.max(ms);
        let mut touch = true;
        if ty.ends_with("StateEntered") {
            let name = details(event, "stateEnteredEventDetails")
                .and_then(|d| d.get("name"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let kind = ty.strip_suffix("StateEntered").unwrap_or("").to_string();
            let Some(frame) = stack.last_mut() else {
                continue;
            };
            let (machine, def) = find_state(frame, &name);
            let branch = match frame.kind {
                FrameKind::Parallel => {
                    frame.branch = machine.or(frame.branch);
                    frame.branch
                }
                _ => None,
            };
            let prefix = match frame.kind {
                FrameKind::Root => String::new(),
                FrameKind::Parallel => format!("{}/{}/", frame.node, branch.unwrap_or(0)),
                FrameKind::Map(_) => format!("{}/", frame.node),
            };
            let index = visits.len();
            visits.push(WalkVisit {
                node: format!("{prefix}{name}"),
                name,
                kind,
                def,
                start_ms: ms,
                end_ms: ms,
                first_event: id,
                last_event: id,
                parent: frame.visit,
                iteration: frame.iteration,
                branch,
                ..WalkVisit::default()
            });
            frame.open = Some(index);
            // Every Map iteration this visit runs inside spans it.
            for f in stack.iter() {
                if let (FrameKind::Map(m), Some(it)) = (&f.kind, f.iteration) {
                    if let Some(rec) = maps[*m].iterations.iter_mut().rev().find(|r| r.index == it)
                    {
                        rec.first_visit.get_or_insert(index);
                        rec.last_visit = Some(index);
                    }
                }
            }
        } else if ty.ends_with("StateExited") {
            if let Some(v) = open_visit(&stack) {
                touch_visits(&mut visits, &stack, id, ms);
                touch = false;
                if let Some(frame) = stack.last_mut() {
                    // Nothing attaches to a visit once it has exited.
                    frame.open = None;
                }
                let visit = &mut visits[v];
                visit.exited = true;
                visit.assigned = details(event, "stateExitedEventDetails")
                    .and_then(|d| d.get("assignedVariables"))
                    .and_then(Value::as_object)
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| {
                                let parsed = v
                                    .as_str()
                                    .and_then(|t| serde_json::from_str(t).ok())
                                    .unwrap_or_else(|| v.clone());
                                (k.clone(), parsed)
                            })
                            .collect()
                    });
            }
        } else if ty == "ParallelStateStarted" || ty == "MapStateStarted" {
            if let Some(v) = open_visit(&stack) {
                visits[v].attempts.push(Attempt {
                    start_ms: ms,
                    start_event: id,
                    ..Attempt::default()
                });
                touch_visits(&mut visits, &stack, id, ms);
                touch = false;
                let def = visits[v].def.clone().unwrap_or(Value::Null);
                let node = visits[v].node.clone();
                let kind = if ty == "MapStateStarted" {
                    let length = details(event, "mapStateStartedEventDetails")
                        .and_then(|d| d.get("length"))
                        .and_then(Value::as_u64);
                    // A retried Map starts over: keep the latest attempt's iterations.
                    let m = match maps.iter().position(|m| m.visit == v) {
                        Some(m) => {
                            maps[m] = WalkMap {
                                visit: v,
                                length,
                                ..WalkMap::default()
                            };
                            m
                        }
                        None => {
                            maps.push(WalkMap {
                                visit: v,
                                length,
                                ..WalkMap::default()
                            });
                            maps.len() - 1
                        }
                    };
                    FrameKind::Map(m)
                } else {
                    FrameKind::Parallel
                };
                let machines = match kind {
                    FrameKind::Map(_) => vec![def
                        .get("ItemProcessor")
                        .or_else(|| def.get("Iterator"))
                        .cloned()
                        .unwrap_or(Value::Null)],
                    _ => def
                        .get("Branches")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default(),
                };
                stack.push(Frame {
                    kind,
                    visit: Some(v),
                    machines,
                    node,
                    branch: None,
                    iteration: None,
                    open: None,
                });
            }
        } else if matches!(
            ty,
            "ParallelStateSucceeded"
                | "ParallelStateFailed"
                | "MapStateSucceeded"
                | "MapStateFailed"
                | "ParallelStateAborted"
                | "MapStateAborted"
        ) {
            if stack.len() > 1 {
                stack.pop();
            }
            if ty.ends_with("Failed") {
                if let Some(a) = open_visit(&stack).and_then(|v| visits[v].attempts.last_mut()) {
                    a.failed_ms = Some(ms);
                    a.failed_event = Some(id);
                }
            }
        } else if ty == "MapIterationStarted" {
            let index = details(event, "mapIterationStartedEventDetails")
                .and_then(|d| d.get("index"))
                .and_then(Value::as_u64)
                .unwrap_or(0) as usize;
            if let Some(frame) = stack.last_mut() {
                if let FrameKind::Map(m) = frame.kind {
                    frame.iteration = Some(index);
                    frame.open = None;
                    maps[m].iterations.push(Iteration {
                        index,
                        status: "Running".into(),
                        ..Iteration::default()
                    });
                }
            }
        } else if let Some(status) = ty.strip_prefix("MapIteration") {
            if let Some(frame) = stack.last_mut() {
                if let FrameKind::Map(m) = frame.kind {
                    let index = frame.iteration;
                    if let Some(rec) = maps[m]
                        .iterations
                        .iter_mut()
                        .rev()
                        .find(|r| Some(r.index) == index)
                    {
                        rec.status = status.to_string();
                    }
                    frame.open = None;
                    frame.iteration = None;
                }
            }
        } else if ty == "MapRunFailed" {
            if let Some(FrameKind::Map(m)) = stack.last().map(|f| &f.kind) {
                maps[*m].run_error = error_of(event);
            }
        } else if ty == "EvaluationFailed" {
            if let Some(v) = open_visit(&stack) {
                visits[v].error = error_of(event);
            }
        } else if ty.starts_with("Execution") && ty != "ExecutionStarted" {
            touch = false;
        } else if is_attempt_start(ty) {
            if let Some(v) = open_visit(&stack) {
                visits[v].submitted = false;
                visits[v].attempts.push(Attempt {
                    start_ms: ms,
                    start_event: id,
                    ..Attempt::default()
                });
            }
        } else if ty == "TaskSubmitted" {
            if let Some(v) = open_visit(&stack) {
                visits[v].submitted = true;
            }
        } else if is_attempt_failure(ty) {
            if let Some(v) = open_visit(&stack) {
                let visit = &mut visits[v];
                visit.submitted = false;
                if visit
                    .attempts
                    .last()
                    .is_none_or(|a| a.failed_event.is_some())
                {
                    // A failure before anything was scheduled (e.g. its Parameters).
                    visit.attempts.push(Attempt {
                        start_ms: ms,
                        start_event: id,
                        ..Attempt::default()
                    });
                }
                if let Some(a) = visit.attempts.last_mut() {
                    a.failed_ms = Some(ms);
                    a.failed_event = Some(id);
                    a.error = error_of(event);
                }
            }
        }
        if touch {
            touch_visits(&mut visits, &stack, id, ms);
        }
    }
    Walk {
        visits,
        maps,
        start_ms,
        end_ms,
    }
}

fn open_visit(stack: &[Frame]) -> Option<usize> {
    stack.last().and_then(|f| f.open)
}

/// An event extends the open visit of every frame (a container spans its content).
fn touch_visits(visits: &mut [WalkVisit], stack: &[Frame], id: u64, ms: i64) {
    for f in stack {
        if let Some(v) = f.open {
            let visit = &mut visits[v];
            visit.last_event = visit.last_event.max(id);
            visit.end_ms = visit.end_ms.max(ms);
        }
    }
}

/// Which of the frame's machines holds `name` (for a Parallel, the first from the current
/// branch on), and the state's definition.
fn find_state(frame: &Frame, name: &str) -> (Option<usize>, Option<Value>) {
    let from = frame.branch.unwrap_or(0);
    let order = (from..frame.machines.len()).chain(0..from.min(frame.machines.len()));
    for i in order {
        if let Some(st) = frame.machines[i].get("States").and_then(|s| s.get(name)) {
            return (Some(i), Some(st.clone()));
        }
    }
    (None, None)
}
