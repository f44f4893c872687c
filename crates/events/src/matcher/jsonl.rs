//! JSON-lines streams of events: counting per rule, chunk by chunk, with bounded memory.

use super::{EventError, RuleSet, Scratch};
use serde::Serialize;

/// The longest line taken as one event, in bytes. EventBridge refuses a PutEvents entry over
/// 256 KB, so no real event is longer; the cap also keeps an endless line (a stream with no
/// newline) from being buffered without bound.
pub const MAX_EVENT_LINE: usize = 256 * 1024;

/// The UTF-8 byte order mark some editors write at the start of a file; it is not part of
/// the first event.
const BOM: &[u8] = b"\xEF\xBB\xBF";

fn too_long(line: usize) -> LineError {
    LineError {
        line,
        error: EventError {
            message: format!(
                "event is longer than {} KB (EventBridge's limit for an event is 256 KB)",
                MAX_EVENT_LINE / 1024
            ),
            offset: MAX_EVENT_LINE,
            line: 1,
            column: (MAX_EVENT_LINE + 1) as u32,
        },
    }
}

/// A bad line of a JSON-lines file: its 1-based number and the fault within it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineError {
    pub line: usize,
    pub error: EventError,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, column {}: invalid event: {}",
            self.line, self.error.column, self.error.message
        )
    }
}

impl std::error::Error for LineError {}

/// Why counting a stream stopped: it could not be read, or a line is not a valid event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamError {
    Io(String),
    Line(LineError),
}

/// Counting state carried across the chunks of a JSON-lines stream: feed it chunks cut
/// anywhere (a line split between chunks is kept until its end arrives), then finish.
/// After an invalid line every `feed` and `finish` returns that line's error again, so a
/// caller that goes on feeding cannot read counts of part of a stream as the whole; `reset`
/// starts a new stream.
#[derive(Debug, Default)]
pub struct JsonlCounter {
    counts: Counts,
    scratch: Scratch,
    hits: Vec<usize>,
    line_no: usize,
    /// The start of a line whose end has not arrived yet (at most [`MAX_EVENT_LINE`]).
    tail: Vec<u8>,
    /// The stream's first invalid line, repeated until `reset`.
    failed: Option<LineError>,
}

impl JsonlCounter {
    pub fn new(set: &RuleSet) -> Self {
        JsonlCounter {
            counts: Counts {
                counts: vec![0; set.len()],
                events: 0,
            },
            ..JsonlCounter::default()
        }
    }

    /// Counts the complete lines of `chunk` (with the pending start of a line before it).
    pub fn feed(&mut self, set: &RuleSet, chunk: &[u8]) -> Result<(), LineError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let outcome = self.feed_chunk(set, chunk);
        if let Err(e) = &outcome {
            self.failed = Some(e.clone());
        }
        outcome
    }

    /// Forgets the stream fed so far (its counts, pending line and error).
    pub fn reset(&mut self, set: &RuleSet) {
        *self = JsonlCounter::new(set);
    }

    fn feed_chunk(&mut self, set: &RuleSet, chunk: &[u8]) -> Result<(), LineError> {
        let Some(last) = memchr::memrchr(b'\n', chunk) else {
            if self.tail.len() + chunk.len() > MAX_EVENT_LINE {
                return Err(too_long(self.line_no + 1));
            }
            self.tail.extend_from_slice(chunk);
            return Ok(());
        };
        let (complete, rest) = chunk.split_at(last + 1);
        if self.tail.is_empty() {
            self.lines(set, complete)?;
        } else {
            let first = memchr::memchr(b'\n', complete).map_or(complete.len(), |k| k + 1);
            if self.tail.len() + first - 1 > MAX_EVENT_LINE {
                return Err(too_long(self.line_no + 1));
            }
            let mut line = std::mem::take(&mut self.tail);
            line.extend_from_slice(&complete[..first]);
            let outcome = self.lines(set, &line);
            line.clear();
            self.tail = line;
            outcome?;
            self.lines(set, &complete[first..])?;
        }
        if rest.len() > MAX_EVENT_LINE {
            return Err(too_long(self.line_no + 1));
        }
        self.tail.extend_from_slice(rest);
        Ok(())
    }

    /// Counts the last line (which needs no newline) and returns the totals; the counter
    /// starts over afterwards.
    pub fn finish(&mut self, set: &RuleSet) -> Result<Counts, LineError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let tail = std::mem::take(&mut self.tail);
        if let Err(e) = self.lines(set, &tail) {
            self.failed = Some(e.clone());
            return Err(e);
        }
        let done = std::mem::replace(
            &mut self.counts,
            Counts {
                counts: vec![0; set.len()],
                events: 0,
            },
        );
        self.line_no = 0;
        Ok(done)
    }

    /// Counts the lines of `data` (the last one need not end with a newline).
    fn lines(&mut self, set: &RuleSet, data: &[u8]) -> Result<(), LineError> {
        let mut start = 0usize;
        while start < data.len() {
            self.line_no += 1;
            let end = memchr::memchr(b'\n', &data[start..])
                .map(|k| start + k)
                .unwrap_or(data.len());
            let mut line = &data[start..end];
            start = end + 1;
            if self.line_no == 1 {
                line = line.strip_prefix(BOM).unwrap_or(line);
            }
            if line.len() > MAX_EVENT_LINE {
                return Err(too_long(self.line_no));
            }
            if line.iter().all(|c| matches!(c, b' ' | b'\t' | b'\r')) {
                continue;
            }
            self.counts.events += 1;
            let line_no = self.line_no;
            set.matching_with(line, &mut self.scratch, &mut self.hits)
                .map_err(|error| LineError {
                    line: line_no,
                    error,
                })?;
            for &rule in &self.hits {
                self.counts.counts[rule] += 1;
            }
        }
        Ok(())
    }
}

/// Per-rule match counts over many events.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Counts {
    /// Indexed like the rules.
    pub counts: Vec<u64>,
    /// Events seen (blank lines are not events).
    pub events: u64,
}

impl RuleSet {
    /// Counts, per rule, the events of a JSON-lines buffer it matches. Blank lines are
    /// skipped; the first malformed line stops the count, since a CI run over a corrupt
    /// file should fail rather than report numbers for part of it.
    #[inline(never)]
    pub fn count_jsonl(&self, data: &[u8]) -> Result<Counts, LineError> {
        let mut counter = JsonlCounter::new(self);
        counter.lines(self, data)?;
        Ok(counter.counts)
    }

    /// Like [`RuleSet::count_jsonl`] over a reader, in chunks of `chunk` bytes, so a
    /// large file is neither held in memory whole nor copied more than once.
    pub fn count_jsonl_reader(
        &self,
        mut reader: impl std::io::Read,
        chunk: usize,
    ) -> Result<Counts, StreamError> {
        let mut counter = JsonlCounter::new(self);
        let mut buf = vec![0u8; chunk.max(1 << 12)];
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => return counter.finish(self).map_err(StreamError::Line),
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(StreamError::Io(e.to_string())),
            };
            counter.feed(self, &buf[..n]).map_err(StreamError::Line)?;
        }
    }

    /// The counts as `{"rule name": count, ...}` in rule order.
    pub fn counts_json(&self, counts: &Counts) -> serde_json::Value {
        let mut map = serde_json::Map::with_capacity(self.len());
        for (name, &n) in self.names.iter().zip(&counts.counts) {
            map.insert(name.clone(), n.into());
        }
        serde_json::Value::Object(map)
    }
}
