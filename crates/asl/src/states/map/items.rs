//! Map items: ItemsPath/Items, ItemReader, ItemSelector and each iteration's input.

use crate::engine::dataflow::*;
use crate::engine::*;
use crate::error::{json_type, StatesError};
use crate::expr::jsonpath::PathStep;
use crate::expr::query::{Query, QueryCx};
use crate::expr::size::Bound;
use crate::mock::Answer;
use crate::model::*;
use crate::states::map::*;
use serde_json::{json, Value};
use std::borrow::Cow;
use stepbridge_jsonata::Converted;

impl<'a> Engine<'a> {
    pub(crate) fn map_items<'v>(
        &mut self,
        st: &State,
        spec: &MapSpec,
        input: &'v Value,
        raw: &Value,
        entered_id: u64,
    ) -> Flow<Cow<'v, [Value]>> {
        if let Some(reader) = &spec.item_reader {
            // JSONata: the reader's Arguments are evaluated (their failures fail the state)
            // before the items are read.
            if let Some(q) = &reader.arguments {
                self.map_object(st, q, raw, entered_id, "ItemReader/Arguments")?;
            }
            let mock = self.mocks.and_then(|m| m.states.get(&st.name));
            let Some(responses) = mock else {
                return Err(StatesError::new(
                    "States.ItemReaderFailed",
                    format!(
                        "No mocked response for the ItemReader ({}) of state '{}': map the state name to a response returning the items",
                        reader.resource, st.name
                    ),
                )
                .into());
            };
            let index = self.next_invocation(&st.name);
            let items = match responses.get(index).map(|r| r.answer.clone()) {
                Some(Answer::Return(Value::Array(a))) => a,
                Some(Answer::Return(other)) => {
                    return Err(StatesError::new(
                        "States.ItemReaderFailed",
                        format!(
                            "The mocked ItemReader response must be an array of items, not {other}"
                        ),
                    )
                    .into())
                }
                Some(Answer::Throw { error, cause }) => {
                    return Err(StatesError::new(error, cause).into())
                }
                None => Vec::new(),
            };
            let max = self.amount_of(
                st,
                &reader.max_items,
                raw,
                ("MaxItems", "MaxItemsPath"),
                entered_id,
            )?;
            let mut items = items;
            if let Some(max) = max.filter(|m| *m > 0.0) {
                items.truncate(max as usize);
            }
            return Ok(Cow::Owned(items));
        }
        let selected = match &spec.items_path {
            None => Cow::Borrowed(input),
            Some(p) => {
                if p.is_definite() && !p.is_context() {
                    Cow::Borrowed(
                        p.select_ref(input, &NO_CONTEXT)
                            .ok_or_else(|| path_error(p, "ItemsPath"))?,
                    )
                } else {
                    Cow::Owned(p.select(input, &self.context)?)
                }
            }
        };
        match selected {
            Cow::Borrowed(Value::Array(a)) => Ok(Cow::Borrowed(a.as_slice())),
            Cow::Owned(Value::Array(a)) => Ok(Cow::Owned(a)),
            other => Err(not_an_array(spec, &other).into()),
        }
    }

    /// The items of a Map whose effective input is owned and read by nothing else: taken
    /// out of it instead of copied. None when they cannot be (the caller borrows them).
    pub(crate) fn take_map_items(
        spec: &MapSpec,
        input: &mut Value,
    ) -> Option<Result<Vec<Value>, StatesError>> {
        if spec.item_reader.is_some() {
            return None;
        }
        let steps: &[PathStep] = match &spec.items_path {
            None => &[],
            Some(p) => p.definite_steps()?,
        };
        if let Some(sel) = &spec.item_selector {
            if !sel.reads_disjoint_from(steps) {
                return None;
            }
        }
        Some(match steps_take(input, steps) {
            Some(Value::Array(a)) => Ok(a),
            Some(other) => Err(not_an_array(spec, &other)),
            None => Err(match &spec.items_path {
                Some(p) => path_error(p, "ItemsPath"),
                None => StatesError::runtime("ItemsPath selected nothing"),
            }),
        })
    }

    /// One iteration's input: the item, or what ItemSelector makes of it.
    pub(crate) fn map_item_input(
        &mut self,
        spec: &MapSpec,
        input: &Value,
        input_bound: Bound,
        index: usize,
        item: Cow<'_, Value>,
        item_bound: Bound,
    ) -> Result<(Value, Bound), StatesError> {
        let Some(sel) = &spec.item_selector else {
            return Ok((item.into_owned(), item_bound));
        };
        let limit = self.payload_limit;
        if sel.can_evaluate_item(index, &item) {
            return sel.evaluate_item(
                input,
                input_bound,
                &self.context,
                index,
                item,
                &mut self.rng,
                limit,
            );
        }
        // $$.Map.Item exists only while ItemSelector is evaluated.
        if let Value::Object(c) = &mut self.context {
            c.insert(
                "Map".into(),
                json!({"Item": {"Index": index, "Value": item.into_owned()}}),
            );
        }
        let v = sel.evaluate_sized(input, input_bound, &self.context, &mut self.rng, limit);
        if let Value::Object(c) = &mut self.context {
            c.shift_remove("Map");
        }
        v
    }
}

impl<'a> Engine<'a> {
    /// A JSONata Map's items: `Items` (an array or an expression giving one), or the input.
    pub(crate) fn jsonata_items(
        &mut self,
        st: &State,
        spec: &MapSpec,
        raw: &Value,
        entered_id: u64,
    ) -> Result<Vec<Value>, StatesError> {
        let Some(q) = &spec.items else {
            return match raw {
                Value::Array(a) => Ok(a.clone()),
                other => Err(StatesError::runtime(format!(
                    "The state input, which a Map without the field 'Items' iterates over, is not an array: it was '{}' for value: {other}",
                    json_type(other)
                ))),
            };
        };
        let states = self.states_value(raw, None);
        let mut cx = self.query_cx(st, &states, entered_id);
        q.evaluate_as(&mut cx, "Items", "'array'", |v| match v {
            Value::Array(a) => Ok(a),
            other => Err(other),
        })
    }

    /// The Map's input and the context object's members, converted for JSONata once per
    /// Map rather than once per item (the input holds every item).
    pub(crate) fn item_parts(&self, raw: &Value) -> ItemParts {
        let context = match &self.context {
            Value::Object(m) => m
                .iter()
                .map(|(k, v)| (k.clone(), Converted::new(v)))
                .collect(),
            _ => Vec::new(),
        };
        ItemParts {
            input: Converted::new(raw),
            context,
        }
    }

    /// A JSONata ItemSelector for one item: `$states.context.Map.Item.Index/Value` exist
    /// while it is evaluated.
    pub(crate) fn jsonata_item(
        &mut self,
        st: &State,
        q: &Query,
        parts: &ItemParts,
        index: usize,
        item: Value,
        entered_id: u64,
    ) -> Result<Value, StatesError> {
        let map = Converted::new(&json!({"Item": {"Index": index, "Value": item}}));
        let context = Converted::object(
            parts
                .context
                .iter()
                .cloned()
                .chain(std::iter::once(("Map".to_string(), map))),
        );
        let states = Converted::object([
            ("input".to_string(), parts.input.clone()),
            ("context".to_string(), context),
        ]);
        let mut cx = QueryCx::new(self.now as f64, &mut self.rng, &st.name, entered_id);
        cx.set_converted_states(&states);
        q.evaluate(&mut cx)
    }
}

/// See [`Engine::item_parts`].
pub(crate) struct ItemParts {
    pub(crate) input: Converted,
    pub(crate) context: Vec<(String, Converted)>,
}

/// The cause of an ItemsPath selecting something other than an array. AWS's own words for
/// it are not known (nothing recorded, nor documented): these follow the wording AWS uses
/// for a JSONata Items expression of the wrong type (see `expr::query::type_error`), with
/// the path in place of the expression. (AWS's ItemsPath page now also describes iterating
/// over an object's key-value pairs, without the pairs' shape; an object is refused here.)
/// <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemspath.html>
fn not_an_array(spec: &MapSpec, v: &Value) -> StatesError {
    let path = spec.items_path.as_ref().map_or("$", |p| p.as_str());
    StatesError::runtime(format!(
        "The JSONPath '{path}' specified for the field 'ItemsPath' returned an unexpected result type. Expected 'array', but was '{}' for value: {v}",
        json_type(v)
    ))
}
