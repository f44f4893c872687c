//! Map ItemBatcher: grouping items into batches.

use crate::engine::*;
use crate::error::StatesError;
use crate::expr::size::json_size;
use crate::model::*;
use crate::states::map::*;
use serde_json::{Map, Value};

impl<'a> Engine<'a> {
    pub(crate) fn batch(
        &mut self,
        st: &State,
        b: &Batcher,
        items: Vec<Value>,
        input: &Value,
        raw: &Value,
        entered_id: u64,
    ) -> Flow<Vec<Value>> {
        // A limit of 0 is no limit.
        let mut limit = |a: &Option<Amount>, fields| {
            let n = self.amount_of(st, a, raw, fields, entered_id)?;
            Ok::<_, StatesError>(n.map(|n| n as usize).filter(|n| *n > 0))
        };
        let max_items = limit(&b.max_items, ("MaxItemsPerBatch", "MaxItemsPerBatchPath"))?;
        let max_bytes = limit(
            &b.max_bytes,
            ("MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"),
        )?;
        let batch_input = match (&b.batch_input, &b.batch_query) {
            (Some(t), _) => Some(t.evaluate(input, &self.context, &mut self.rng)?),
            (None, Some(q)) => Some(self.eval_query(st, q, raw, entered_id)?),
            (None, None) => None,
        };
        let mut batches = Vec::new();
        let mut cur: Vec<Value> = Vec::new();
        let mut cur_bytes = 0usize;
        for item in items {
            let size = json_size(&item, usize::MAX);
            let full_items = max_items.is_some_and(|m| cur.len() >= m);
            let full_bytes = max_bytes.is_some_and(|m| !cur.is_empty() && cur_bytes + size > m);
            if full_items || full_bytes {
                batches.push(std::mem::take(&mut cur));
                cur_bytes = 0;
            }
            cur_bytes += size + 1;
            cur.push(item);
        }
        if !cur.is_empty() {
            batches.push(cur);
        }
        Ok(batches
            .into_iter()
            .map(|items| {
                let mut o = Map::new();
                if let Some(bi) = &batch_input {
                    o.insert("BatchInput".into(), bi.clone());
                }
                o.insert("Items".into(), Value::Array(items));
                Value::Object(o)
            })
            .collect())
    }
}
