//! Map (inline and distributed): its model, static checks and the iteration scheduler.

pub(crate) mod batch;
pub(crate) mod items;

use crate::engine::dataflow::*;
use crate::engine::*;
use crate::error::StatesError;
use crate::expr::jsonpath::Path;
use crate::expr::query::Query;
use crate::expr::size::{json_size, measure, plus, Bound, UNKNOWN};
use crate::expr::template::Template;
use crate::expr::vars;
use crate::model::*;
use crate::source::push_pointer;
use crate::validate::fields::*;
use crate::validate::*;
use serde_json::{json, Map, Value};
use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

impl<'a> Engine<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn run_map(
        &mut self,
        st: &State,
        spec: &MapSpec,
        input: Cow<Value>,
        input_bound: Bound,
        raw: &Value,
        depth: usize,
        entered_id: u64,
    ) -> Flow<(Value, Bound)> {
        let mut input = input;
        let mut taken = None;
        if st.jsonata && spec.item_reader.is_none() {
            taken = Some(self.jsonata_items(st, spec, raw, entered_id));
        } else if let Cow::Owned(v) = &mut input {
            taken = Self::take_map_items(spec, v);
        }
        // Each item is a subtree of the input (from a definite ItemsPath).
        let item_bound = match (&spec.item_reader, &spec.items_path) {
            _ if st.jsonata && spec.items.is_some() => UNKNOWN,
            (Some(_), _) => UNKNOWN,
            (None, None) => input_bound,
            (None, Some(p)) if p.is_definite() && !p.is_context() => input_bound,
            _ => UNKNOWN,
        };
        // What is left of the input once the items were taken: a null in their place.
        let input_bound = plus(input_bound, 4);
        let items: Cow<[Value]> = match taken {
            Some(r) => Cow::Owned(r?),
            None => self.map_items(st, spec, &input, raw, entered_id)?,
        };
        // With a JSONPath ItemSelector and no batching, each iteration's input is made as the
        // iteration starts: made all at once, 4,000 copies of an 8 KB input took 2.4 GB
        // before the first iteration ran.
        let lazy = !st.jsonata && spec.batcher.is_none() && spec.item_selector.is_some();
        let mut pending: Vec<Cow<Value>> = Vec::new();
        let mut inputs: Vec<(Value, Bound)> =
            Vec::with_capacity(if lazy { 0 } else { items.len() });
        match items {
            Cow::Owned(items) if st.jsonata => {
                let parts = spec.item_query.as_ref().map(|_| self.item_parts(raw));
                for (i, item) in items.into_iter().enumerate() {
                    let v = match (&spec.item_query, &parts) {
                        (Some(q), Some(parts)) => {
                            let v = self.jsonata_item(st, q, parts, i, item, entered_id)?;
                            let b = check_size(self.payload_limit, &v, UNKNOWN, "input", &st.name)?;
                            (v, b)
                        }
                        _ => (item, item_bound),
                    };
                    inputs.push(v);
                }
            }
            Cow::Owned(items) if lazy => pending.extend(items.into_iter().map(Cow::Owned)),
            Cow::Borrowed(items) if lazy => pending.extend(items.iter().map(Cow::Borrowed)),
            Cow::Owned(items) => {
                for (i, item) in items.into_iter().enumerate() {
                    inputs.push(self.map_item_input(
                        spec,
                        &input,
                        input_bound,
                        i,
                        Cow::Owned(item),
                        item_bound,
                    )?);
                }
            }
            Cow::Borrowed(items) => {
                for (i, item) in items.iter().enumerate() {
                    inputs.push(self.map_item_input(
                        spec,
                        &input,
                        input_bound,
                        i,
                        Cow::Borrowed(item),
                        item_bound,
                    )?);
                }
            }
        }
        if let Some(b) = &spec.batcher {
            let plain = inputs.into_iter().map(|(v, _)| v).collect();
            inputs = self
                .batch(st, b, plain, &input, raw, entered_id)?
                .into_iter()
                .map(|v| (v, UNKNOWN))
                .collect();
        }
        let input: &Value = &input;
        let total = if lazy { pending.len() } else { inputs.len() };
        let length = total;
        self.event_with("MapStateStarted", || {
            ("mapStateStartedEventDetails", json!({"length": length}))
        })?;
        let map_run_arn = format!(
            "arn:aws:states:{REGION}:{ACCOUNT}:mapRun:{}/{}:{}",
            self.state_machine_arn.rsplit(':').next().unwrap_or(""),
            spec.label.as_deref().unwrap_or(&st.name),
            hex_id(&mut self.rng)
        );
        if spec.distributed {
            let arn = map_run_arn.clone();
            self.event_with("MapRunStarted", || {
                ("mapRunStartedEventDetails", json!({"mapRunArn": arn}))
            })?;
        }
        let concurrency = self
            .amount_of(
                st,
                &spec.max_concurrency,
                raw,
                ("MaxConcurrency", "MaxConcurrencyPath"),
                entered_id,
            )?
            .map(|c| c as usize)
            .filter(|c| *c > 0)
            .unwrap_or(usize::MAX)
            .min(total.max(1));
        let tolerated_count = self.amount_of(
            st,
            &spec.tolerated_count,
            raw,
            ("ToleratedFailureCount", "ToleratedFailureCountPath"),
            entered_id,
        )?;
        let tolerated_pct = self.amount_of(
            st,
            &spec.tolerated_percentage,
            raw,
            (
                "ToleratedFailurePercentage",
                "ToleratedFailurePercentagePath",
            ),
            entered_id,
        )?;
        let start = self.now;
        // Free-at times of the concurrency slots, earliest first (only as many as items;
        // unlimited concurrency means every iteration starts at the Map's start).
        let limited = concurrency < total;
        let mut slots: BinaryHeap<Reverse<i64>> = BinaryHeap::new();
        if limited {
            slots.extend(std::iter::repeat_n(Reverse(start), concurrency));
        }
        let mut end = start;
        let mut results = Vec::with_capacity(total);
        let mut failures = 0usize;
        let mut paused = false;
        let name = st.name.as_str();
        let mut bounds = Vec::with_capacity(total);
        let mut combined = CombinedSize::new(self.payload_limit, spec.result_writer.is_none());
        let mut eager = inputs.into_iter();
        let mut pending = pending.into_iter();
        for index in 0..total {
            let next = match pending.next() {
                Some(item) if lazy => self
                    .map_item_input(spec, input, input_bound, index, item, item_bound)
                    .map(Some),
                _ => Ok(eager.next()),
            };
            let (item_input, item_input_bound) = match next {
                Ok(Some(x)) => x,
                Ok(None) => break,
                Err(e) => {
                    self.now = end;
                    self.event("MapStateFailed", None)?;
                    return Err(e.into());
                }
            };
            let free_at = if limited {
                slots.pop().map(|r| r.0).unwrap_or(start)
            } else {
                start
            };
            self.now = free_at;
            self.event_with("MapIterationStarted", || {
                (
                    "mapIterationStartedEventDetails",
                    json!({"name": name, "index": index}),
                )
            })?;
            if spec.distributed {
                self.detached += 1;
            }
            if self.vars_on {
                // A Distributed Map's child executions cannot read the parent's variables.
                vars::push(spec.distributed);
            }
            let r = self.run_machine(&spec.processor, item_input, item_input_bound, depth + 1);
            if self.vars_on {
                vars::pop();
            }
            if spec.distributed {
                self.detached -= 1;
            }
            if limited {
                slots.push(Reverse(self.now));
            }
            end = end.max(self.now);
            let n2 = name;
            match r {
                Ok((v, vb)) => {
                    bounds.push(vb);
                    self.event_with("MapIterationSucceeded", || {
                        (
                            "mapIterationSucceededEventDetails",
                            json!({"name": n2, "index": index}),
                        )
                    })?;
                    results.push(v);
                    if !combined.add(&results, vb) {
                        self.now = end;
                        self.event("MapStateFailed", None)?;
                        return Err(result_too_large(&st.name).into());
                    }
                }
                Err(Stop::Halt(Halt::Paused)) => {
                    paused = true;
                    results.push(Value::Null);
                    combined.add(&results, 4);
                }
                Err(Stop::Error(e)) => {
                    self.event_with("MapIterationFailed", || {
                        (
                            "mapIterationFailedEventDetails",
                            json!({"name": n2, "index": index}),
                        )
                    })?;
                    if !spec.distributed {
                        self.now = end;
                        self.event("MapStateFailed", None)?;
                        return Err(Stop::Error(e));
                    }
                    failures += 1;
                    let over_count = failures as f64 > tolerated_count.unwrap_or(0.0);
                    let over_pct = tolerated_pct
                        .is_none_or(|p| (failures as f64) * 100.0 / (total as f64) > p);
                    // With both set, exceeding either fails the run; with one, that one decides.
                    let exceeded = match (tolerated_count, tolerated_pct) {
                        (None, None) => true,
                        (Some(_), None) => over_count,
                        (None, Some(_)) => over_pct,
                        (Some(_), Some(_)) => over_count || over_pct,
                    };
                    if exceeded {
                        self.now = end;
                        let arn = map_run_arn.clone();
                        self.event_with("MapRunFailed", || {
                            ("mapRunFailedEventDetails", json!({"error": "States.ExceedToleratedFailureThreshold", "cause": format!("The tolerated failure threshold was exceeded ({arn})")}))
                        })?;
                        self.event("MapStateFailed", None)?;
                        return Err(StatesError::new(
                            "States.ExceedToleratedFailureThreshold",
                            format!(
                                "The Map state '{}' failed because {failures} of {total} items failed, more than the tolerated failure threshold",
                                st.name
                            ),
                        )
                        .into());
                    }
                    let failed = json!({"Error": e.error, "Cause": e.cause});
                    let fb = measure(&failed, self.payload_limit);
                    bounds.push(fb);
                    results.push(failed);
                    if !combined.add(&results, fb) {
                        self.now = end;
                        self.event("MapStateFailed", None)?;
                        return Err(result_too_large(&st.name).into());
                    }
                }
                Err(other) => return Err(other),
            }
        }
        self.now = end;
        if paused {
            return Err(Stop::Halt(Halt::Paused));
        }
        if spec.distributed {
            self.event("MapRunSucceeded", None)?;
        }
        self.event("MapStateSucceeded", None)?;
        if let Some(w) = &spec.result_writer {
            let params = match (&w.parameters, &w.arguments) {
                (Some(t), _) => t.evaluate(input, &self.context, &mut self.rng)?,
                (None, Some(q)) => {
                    self.map_object(st, q, raw, entered_id, "ResultWriter/Arguments")?
                }
                (None, None) => json!({}),
            };
            let bucket = params.get("Bucket").cloned().unwrap_or(Value::Null);
            let prefix = params.get("Prefix").and_then(Value::as_str).unwrap_or("");
            let id = hex_id(&mut self.rng);
            let key = if prefix.is_empty() {
                format!("{id}/manifest.json")
            } else {
                format!("{}/{id}/manifest.json", prefix.trim_end_matches('/'))
            };
            return Ok((
                json!({"MapRunArn": map_run_arn, "ResultWriterDetails": {"Bucket": bucket, "Key": key}}),
                UNKNOWN,
            ));
        }
        // A paused iteration left a null (and no bound): the bound then counts 4 for it.
        let bound = if bounds.len() == results.len() {
            array_bound(bounds)
        } else {
            UNKNOWN
        };
        Ok((Value::Array(results), bound))
    }
}

#[derive(Debug)]
pub struct MapSpec {
    pub items_path: Option<Path>,
    pub item_selector: Option<Template>,
    pub processor: Machine,
    pub distributed: bool,
    pub max_concurrency: Option<Amount>,
    pub tolerated_count: Option<Amount>,
    pub tolerated_percentage: Option<Amount>,
    pub item_reader: Option<ItemReader>,
    pub batcher: Option<Batcher>,
    pub result_writer: Option<ResultWriter>,
    pub label: Option<String>,
    /// JSONata `Items` (default: the state input, which must be an array).
    pub items: Option<Query>,
    /// JSONata `ItemSelector`.
    pub item_query: Option<Query>,
}

#[derive(Debug)]
pub struct ItemReader {
    pub resource: String,
    #[allow(dead_code)] // compiled so a bad template is refused at load; no reader runs here
    pub parameters: Option<Template>,
    /// JSONata `Arguments` (in place of `Parameters`).
    pub arguments: Option<Query>,
    pub max_items: Option<Amount>,
}

#[derive(Debug)]
pub struct ResultWriter {
    pub parameters: Option<Template>,
    /// JSONata `Arguments` (in place of `Parameters`).
    pub arguments: Option<Query>,
}

#[derive(Debug)]
pub struct Batcher {
    pub max_items: Option<Amount>,
    pub max_bytes: Option<Amount>,
    pub batch_input: Option<Template>,
    /// JSONata `BatchInput`: a value whose `{% %}` strings are expressions.
    pub batch_query: Option<Query>,
}

impl Builder {
    pub(crate) fn map(
        &mut self,
        obj: &Map<String, Value>,
        at: &str,
        depth: usize,
        jsonata: bool,
    ) -> Option<MapSpec> {
        let (proc_key, proc) = match (obj.get("ItemProcessor"), obj.get("Iterator")) {
            (Some(p), _) => ("ItemProcessor", p),
            (None, Some(p)) => ("Iterator", p),
            (None, None) => {
                self.err(
                    at,
                    "A Map state needs 'ItemProcessor' (or the older 'Iterator')",
                );
                return None;
            }
        };
        let distributed = proc
            .get("ProcessorConfig")
            .and_then(|c| c.get("Mode"))
            .and_then(Value::as_str)
            == Some("DISTRIBUTED");
        let processor =
            self.machine(proc, &format!("{at}/{proc_key}"), depth + 1, false, jsonata)?;
        let item_selector = match (obj.get("ItemSelector"), obj.get("Parameters")) {
            _ if jsonata => None,
            (Some(_), _) => self.template(obj, "ItemSelector", at),
            (None, Some(_)) => self.template(obj, "Parameters", at),
            _ => None,
        };
        let items_path = match obj.get("ItemsPath") {
            None => None,
            Some(v) => self.path(&format!("{at}/ItemsPath"), v),
        };
        let item_reader = match obj.get("ItemReader") {
            None => None,
            Some(r) => {
                let here = format!("{at}/ItemReader");
                let Some(robj) = r.as_object() else {
                    self.err(&here, "ItemReader must be an object");
                    return None;
                };
                let resource = robj
                    .get("Resource")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                if resource.is_empty() {
                    self.err(&format!("{here}/Resource"), "ItemReader needs a 'Resource'");
                }
                let max_items = match robj.get("ReaderConfig").and_then(Value::as_object) {
                    Some(rc) => {
                        let at = format!("{here}/ReaderConfig");
                        self.amount(rc, "MaxItems", &at, true, jsonata)
                    }
                    None => None,
                };
                // JSONata: Arguments replaces Parameters.
                // <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html>
                let (parameters, arguments) = if jsonata {
                    (
                        None,
                        self.query(robj, "Arguments", &here, "ItemReader/Arguments"),
                    )
                } else {
                    (self.template(robj, "Parameters", &here), None)
                };
                Some(ItemReader {
                    resource,
                    parameters,
                    arguments,
                    max_items,
                })
            }
        };
        let batcher = match obj.get("ItemBatcher").and_then(Value::as_object) {
            None => None,
            Some(bo) => {
                let here = format!("{at}/ItemBatcher");
                // JSONata: the amounts may be expressions giving integers, and BatchInput
                // may hold expressions anywhere in it.
                // <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html>
                Some(Batcher {
                    max_items: self.amount(bo, "MaxItemsPerBatch", &here, true, jsonata),
                    max_bytes: self.amount(bo, "MaxInputBytesPerBatch", &here, true, jsonata),
                    batch_input: if jsonata {
                        None
                    } else {
                        self.template(bo, "BatchInput", &here)
                    },
                    batch_query: if jsonata {
                        self.query(bo, "BatchInput", &here, "ItemBatcher/BatchInput")
                    } else {
                        None
                    },
                })
            }
        };
        let result_writer = obj.get("ResultWriter").and_then(Value::as_object).map(|w| {
            let here = format!("{at}/ResultWriter");
            // <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html>
            if jsonata {
                ResultWriter {
                    parameters: None,
                    arguments: self.query(w, "Arguments", &here, "ResultWriter/Arguments"),
                }
            } else {
                ResultWriter {
                    parameters: self.template(w, "Parameters", &here),
                    arguments: None,
                }
            }
        });
        let amount =
            |b: &mut Builder, key: &str, integer: bool| b.amount(obj, key, at, integer, jsonata);
        Some(MapSpec {
            items_path,
            item_selector,
            processor,
            distributed,
            max_concurrency: amount(self, "MaxConcurrency", true),
            tolerated_count: amount(self, "ToleratedFailureCount", true),
            tolerated_percentage: amount(self, "ToleratedFailurePercentage", false),
            item_reader,
            batcher,
            result_writer,
            label: obj.get("Label").and_then(Value::as_str).map(str::to_string),
            items: if jsonata {
                self.query(obj, "Items", at, "Items")
            } else {
                None
            },
            item_query: if jsonata {
                self.query(obj, "ItemSelector", at, "ItemSelector")
            } else {
                None
            },
        })
    }
}

impl Validator<'_> {
    pub(crate) fn map_state(
        &mut self,
        sp: &str,
        obj: &Map<String, Value>,
        lang: Lang,
        depth: usize,
    ) {
        let proc_key = match (obj.get("ItemProcessor"), obj.get("Iterator")) {
            (Some(_), Some(_)) => {
                self.err(
                    sp,
                    "There should only be one of the following fields: [ItemProcessor, Iterator]. Keep ItemProcessor (Iterator is its older name).".into(),
                );
                Some("ItemProcessor")
            }
            (Some(_), None) => Some("ItemProcessor"),
            (None, Some(_)) => Some("Iterator"),
            (None, None) => {
                self.err(sp, "A Map state needs 'ItemProcessor' (or the older 'Iterator') with StartAt and States.".into());
                None
            }
        };
        let mut distributed = false;
        if let Some(k) = proc_key {
            let pp = push_pointer(sp, k);
            match obj.get(k).and_then(Value::as_object) {
                Some(m) => {
                    if let Some(cfg) = m.get("ProcessorConfig") {
                        distributed =
                            self.processor_config(&push_pointer(&pp, "ProcessorConfig"), cfg);
                    }
                    self.scope(m, &pp, ScopeKind::Processor, lang, depth + 1);
                }
                None => self.err(
                    &pp,
                    format!("{k} must be an object with StartAt and States"),
                ),
            }
        }
        if obj.contains_key("ItemSelector") && obj.contains_key("Parameters") {
            self.err(
                &push_pointer(sp, "Parameters"),
                "There should only be one of the following fields: [ItemSelector, Parameters]. Use ItemSelector (Parameters is its older name).".into(),
            );
        }
        if let Some(p) = obj.get("ItemsPath") {
            if lang == Lang::JsonPath {
                self.path_field(sp, "ItemsPath", p, true, false);
            }
        }
        self.number_or_path(sp, obj, "MaxConcurrency", lang, 0, None);
        self.number_or_path(sp, obj, "ToleratedFailureCount", lang, 0, None);
        self.number_or_path(sp, obj, "ToleratedFailurePercentage", lang, 0, Some(100.0));
        if let Some(l) = obj.get("Label") {
            let p = push_pointer(sp, "Label");
            match l {
                Value::String(s) if s.chars().count() > MAX_LABEL => {
                    self.code("INVALID_LABEL_NAME", &p, format!("Label must be at most {MAX_LABEL} characters"))
                }
                Value::String(s) if s.chars().any(|c| c.is_whitespace() || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(c)) => self.code(
                    "INVALID_LABEL_NAME",
                    &p,
                    "Label must not contain white space, brackets, wildcards or special characters".into(),
                ),
                Value::String(_) => {}
                other => self.err(&p, format!("Label must be a string, not {}", type_name(other))),
            }
        }
        for f in ["ItemReader", "ItemBatcher", "ResultWriter"] {
            if let Some(v) = obj.get(f) {
                let p = push_pointer(sp, f);
                if !v.is_object() {
                    self.err(&p, format!("{f} must be an object, not {}", type_name(v)));
                } else if !distributed {
                    self.err(
                        &p,
                        format!("{f} is only supported by a distributed Map. Set ItemProcessor.ProcessorConfig.Mode to \"DISTRIBUTED\", or remove {f}."),
                    );
                }
            }
        }
        // In JSONata, ItemReader and ResultWriter take Arguments where JSONPath has
        // Parameters, and the `...Path` amounts give way to expressions.
        // <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html>
        // <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html>
        for f in ["ItemReader", "ResultWriter"] {
            if let Some(Value::Object(m)) = obj.get(f) {
                let fp = push_pointer(sp, f);
                let (wrong, right) = match lang {
                    Lang::Jsonata => ("Parameters", "Arguments"),
                    Lang::JsonPath => ("Arguments", "Parameters"),
                };
                if m.contains_key(wrong) {
                    let (is, not) = match lang {
                        Lang::Jsonata => ("JSONata", "JSONPath"),
                        Lang::JsonPath => ("JSONPath", "JSONata"),
                    };
                    self.err(
                        &push_pointer(&fp, wrong),
                        format!("The QueryLanguage is set to '{is}', but field '{wrong}' of {f} is only supported for the '{not}' QueryLanguage. Use '{right}'."),
                    );
                }
                if lang == Lang::Jsonata {
                    if let Some(Value::Object(rc)) = m.get("ReaderConfig") {
                        if rc.contains_key("MaxItemsPath") {
                            self.err(
                                &push_pointer(&push_pointer(&fp, "ReaderConfig"), "MaxItemsPath"),
                                "The QueryLanguage is set to 'JSONata', but field 'MaxItemsPath' is only supported for the 'JSONPath' QueryLanguage. Give MaxItems a JSONata expression instead.".into(),
                            );
                        }
                    }
                }
            }
        }
        if let Some(Value::Object(b)) = obj.get("ItemBatcher") {
            let bp = push_pointer(sp, "ItemBatcher");
            for (k, v) in b {
                let p = push_pointer(&bp, k);
                match k.as_str() {
                    "MaxItemsPerBatch" | "MaxInputBytesPerBatch" => {
                        let expr = lang == Lang::Jsonata && v.as_str().is_some_and(is_jsonata_expr);
                        if !expr && as_int(v).is_none_or(|n| n < 0) {
                            self.err(
                                &p,
                                format!(
                                    "{k} must be a whole number, 0 or more{}",
                                    if lang == Lang::Jsonata {
                                        ", or a JSONata expression giving one"
                                    } else {
                                        ""
                                    }
                                ),
                            );
                        }
                    }
                    "MaxItemsPerBatchPath" | "MaxInputBytesPerBatchPath"
                        if lang == Lang::Jsonata =>
                    {
                        self.err(&p, format!("The QueryLanguage is set to 'JSONata', but field '{k}' is only supported for the 'JSONPath' QueryLanguage. Give {} a JSONata expression instead.", k.trim_end_matches("Path")));
                    }
                    "MaxItemsPerBatchPath" | "MaxInputBytesPerBatchPath" => {
                        self.reference_path(&p, k, v)
                    }
                    "BatchInput" => {}
                    _ => self.err(&p, format!("Field '{k}' is not supported in ItemBatcher")),
                }
            }
        }
    }

    /// Returns whether the Map is distributed.
    pub(crate) fn processor_config(&mut self, p: &str, cfg: &Value) -> bool {
        let Some(m) = cfg.as_object() else {
            self.err(
                p,
                format!("ProcessorConfig must be an object, not {}", type_name(cfg)),
            );
            return false;
        };
        let mut distributed = false;
        for (k, v) in m {
            let fp = push_pointer(p, k);
            match k.as_str() {
                "Mode" => match v.as_str() {
                    Some("INLINE") => {}
                    Some("DISTRIBUTED") => distributed = true,
                    _ => self.err(&fp, format!("Mode must be \"INLINE\" or \"DISTRIBUTED\", not {}", show(v))),
                },
                "ExecutionType" => {
                    if !matches!(v.as_str(), Some("STANDARD" | "EXPRESS")) {
                        self.err(&fp, format!("ExecutionType must be \"STANDARD\" or \"EXPRESS\", not {}", show(v)));
                    }
                }
                _ => self.err(&fp, format!("Field '{k}' is not supported in ProcessorConfig (allowed: Mode, ExecutionType)")),
            }
        }
        if distributed && !m.contains_key("ExecutionType") {
            self.err(
                p,
                "A DISTRIBUTED ProcessorConfig needs ExecutionType \"STANDARD\" or \"EXPRESS\"; add it.".into(),
            );
        }
        distributed
    }
}

/// AWS's wording for a state whose result passes the payload quota.
fn result_too_large(state: &str) -> StatesError {
    StatesError::new(
        "States.DataLimitExceeded",
        format!("The state/task '{state}' returned a result with a size exceeding the maximum number of bytes service limit."),
    )
}

/// The size of a Map's combined result as iterations finish, so a Map whose result passes
/// the payload quota fails as soon as it does (States.DataLimitExceeded) instead of holding
/// thousands of large results first. Items are counted by their size bounds; when the sum
/// of bounds passes the quota, the items not yet measured are measured exactly (each once),
/// so only a result that really is too large fails.
struct CombinedSize {
    limit: usize,
    on: bool,
    /// Upper bound of the array's size so far (brackets and commas included).
    total: usize,
    /// Items before this index are counted by their exact size.
    exact_upto: usize,
    sizes: Vec<usize>,
}

impl CombinedSize {
    fn new(limit: usize, on: bool) -> Self {
        CombinedSize {
            limit,
            on: on && limit != usize::MAX,
            total: 1,
            exact_upto: 0,
            sizes: Vec::new(),
        }
    }

    /// Count the last of `results` (bounded by `bound`); false once the array is too large.
    fn add(&mut self, results: &[Value], bound: usize) -> bool {
        if !self.on {
            return true;
        }
        let Some(last) = results.last() else {
            return true;
        };
        let b = if bound > self.limit {
            json_size(last, self.limit.saturating_add(1))
        } else {
            bound
        };
        self.sizes.push(b);
        self.total = self.total.saturating_add(b).saturating_add(1);
        if self.total <= self.limit {
            return true;
        }
        let from = self.exact_upto.min(results.len());
        for (size, item) in self.sizes[from..].iter_mut().zip(&results[from..]) {
            let exact = json_size(item, self.limit.saturating_add(1));
            self.total = self.total.saturating_sub(*size).saturating_add(exact);
            *size = exact;
        }
        self.exact_upto = self.sizes.len();
        self.total <= self.limit
    }
}
