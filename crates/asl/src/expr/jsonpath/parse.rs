//! The JSONPath parser.

use super::*;
use serde_json::{Number, Value};

pub(crate) struct Parser<'a> {
    pub(crate) src: &'a str,
    pub(crate) bytes: &'a [u8],
    pub(crate) pos: usize,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(src: &'a str) -> Self {
        Parser {
            src,
            bytes: src.as_bytes(),
            pos: 0,
        }
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// A variable name right after the root `$`: a Unicode ID_Start character, then
    /// ID_Continue characters, as AWS defines variable names.
    /// <https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html#variable-name-syntax>
    pub(crate) fn variable_name(&mut self) -> Option<String> {
        let start = self.pos;
        let mut chars = self.src[start..].chars();
        if !chars.next().is_some_and(unicode_ident::is_xid_start) {
            return None;
        }
        let rest: usize = chars
            .take_while(|c| unicode_ident::is_xid_continue(*c))
            .map(char::len_utf8)
            .sum();
        let first = self.src[start..].chars().next().map_or(0, char::len_utf8);
        self.pos = start + first + rest;
        Some(self.src[start..self.pos].to_string())
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    pub(crate) fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c as u8) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub(crate) fn eat_str(&mut self, s: &str) -> bool {
        if self.src[self.pos..].starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    pub(crate) fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    pub(crate) fn rest_preview(&self) -> String {
        self.src[self.pos..].chars().take(12).collect()
    }

    pub(crate) fn err<T>(&self, what: &str) -> Result<T, String> {
        if self.at_end() {
            Err(format!("{what} at the end of the path"))
        } else {
            Err(format!(
                "{what} at position {} (near '{}')",
                self.pos + 1,
                self.rest_preview()
            ))
        }
    }

    /// Steps after the root. `in_filter` stops at characters that end an operand.
    pub(crate) fn segments(
        &mut self,
        depth: usize,
        in_filter: bool,
    ) -> Result<Vec<Segment>, String> {
        let mut segs = Vec::new();
        loop {
            if segs.len() > MAX_SEGMENTS {
                return self.err(&format!("a path may have at most {MAX_SEGMENTS} steps"));
            }
            match self.peek() {
                Some(b'.') => {
                    self.pos += 1;
                    let descendant = self.eat('.');
                    if self.peek() == Some(b'[') {
                        // Jayway reads `.[` as `[` (`$.[0]`, `$.Snapshots.[0].State`,
                        // `$.[*].['bucket', 'key']`), and AWS's own samples use it.
                        self.pos += 1;
                        let selector = self.bracket(depth)?;
                        segs.push(Segment {
                            descendant,
                            selector,
                        });
                    } else if self.eat('*') {
                        segs.push(Segment {
                            descendant,
                            selector: Selector::Wildcard,
                        });
                    } else {
                        let name = self.dot_name(in_filter);
                        if name.is_empty() {
                            return self.err("a property name is expected");
                        }
                        segs.push(Segment {
                            descendant,
                            selector: Selector::Name(name),
                        });
                    }
                }
                Some(b'[') => {
                    self.pos += 1;
                    let selector = self.bracket(depth)?;
                    segs.push(Segment {
                        descendant: false,
                        selector,
                    });
                }
                _ => return Ok(segs),
            }
        }
    }

    pub(crate) fn dot_name(&mut self, in_filter: bool) -> String {
        let start = self.pos;
        while let Some(c) = self.peek() {
            let stop = match c {
                b'.' | b'[' => true,
                b' ' | b'\t' | b'\n' | b'\r' => true,
                b')' | b'=' | b'!' | b'<' | b'>' | b'&' | b'|' | b',' | b']' => in_filter,
                _ => false,
            };
            if stop {
                break;
            }
            self.pos += 1;
        }
        self.src[start..self.pos].to_string()
    }

    /// After `[`: names, indexes, wildcard, slice, union, filter or script index, then `]`.
    pub(crate) fn bracket(&mut self, depth: usize) -> Result<Selector, String> {
        self.skip_ws();
        let sel = match self.peek() {
            Some(b'*') => {
                self.pos += 1;
                Selector::Wildcard
            }
            Some(b'\'' | b'"') => {
                let mut names = vec![self.quoted()?];
                loop {
                    self.skip_ws();
                    if !self.eat(',') {
                        break;
                    }
                    self.skip_ws();
                    names.push(self.quoted()?);
                }
                if names.len() == 1 {
                    Selector::Name(names.pop().unwrap_or_default())
                } else {
                    Selector::Names(names)
                }
            }
            Some(b'?') => {
                self.pos += 1;
                self.skip_ws();
                if !self.eat('(') {
                    return self.err("'(' is expected after '?'");
                }
                let e = self.expr(depth + 1)?;
                self.skip_ws();
                if !self.eat(')') {
                    return self.err("')' is expected to close the filter");
                }
                Selector::Filter(Box::new(e))
            }
            Some(b'(') => {
                self.pos += 1;
                self.skip_ws();
                if !self.eat_str("@.length") {
                    return self.err("only '(@.length-N)' is supported as a script index");
                }
                self.skip_ws();
                let n = if self.eat('-') {
                    self.skip_ws();
                    self.integer()?
                } else if self.eat('+') {
                    self.skip_ws();
                    self.integer()?.checked_neg().unwrap_or(i64::MAX)
                } else {
                    0
                };
                self.skip_ws();
                if !self.eat(')') {
                    return self.err("')' is expected");
                }
                Selector::LengthMinus(n)
            }
            Some(b'-' | b'0'..=b'9' | b':') => self.index_or_slice()?,
            _ => return self.err("an index, name, '*' or filter is expected in brackets"),
        };
        self.skip_ws();
        if !self.eat(']') {
            return self.err("']' is expected");
        }
        Ok(sel)
    }

    pub(crate) fn index_or_slice(&mut self) -> Result<Selector, String> {
        let first = self.opt_integer()?;
        self.skip_ws();
        if self.eat(':') {
            self.skip_ws();
            let end = self.opt_integer()?;
            self.skip_ws();
            let step = if self.eat(':') {
                self.skip_ws();
                self.opt_integer()?.unwrap_or(1)
            } else {
                1
            };
            if step == 0 {
                return self.err("a slice step cannot be 0");
            }
            return Ok(Selector::Slice(first, end, step));
        }
        let Some(first) = first else {
            return self.err("an index is expected");
        };
        let mut idx = vec![first];
        loop {
            self.skip_ws();
            if !self.eat(',') {
                break;
            }
            self.skip_ws();
            idx.push(self.integer()?);
        }
        Ok(if idx.len() == 1 {
            Selector::Index(first)
        } else {
            Selector::Indexes(idx)
        })
    }

    pub(crate) fn opt_integer(&mut self) -> Result<Option<i64>, String> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => self.integer().map(Some),
            _ => Ok(None),
        }
    }

    pub(crate) fn integer(&mut self) -> Result<i64, String> {
        let start = self.pos;
        self.eat('-');
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.src[start..self.pos]
            .parse::<i64>()
            .or_else(|_| self.err("an integer is expected"))
    }

    pub(crate) fn quoted(&mut self) -> Result<String, String> {
        let Some(q) = self.peek() else {
            return self.err("a quoted name is expected");
        };
        if q != b'\'' && q != b'"' {
            return self.err("a quoted name is expected");
        }
        self.pos += 1;
        let mut s = String::new();
        loop {
            let Some(c) = self.src[self.pos..].chars().next() else {
                return self.err("an unterminated quoted name");
            };
            self.pos += c.len_utf8();
            if c as u32 == q as u32 {
                return Ok(s);
            }
            if c == '\\' {
                let Some(n) = self.src[self.pos..].chars().next() else {
                    return self.err("an unterminated escape");
                };
                self.pos += n.len_utf8();
                s.push(n);
            } else {
                s.push(c);
            }
        }
    }

    pub(crate) fn expr(&mut self, depth: usize) -> Result<Expr, String> {
        if depth > MAX_FILTER_DEPTH {
            return self.err("the filter is nested too deeply");
        }
        let mut terms = vec![self.and_expr(depth)?];
        loop {
            self.skip_ws();
            if self.eat_str("||") {
                terms.push(self.and_expr(depth)?);
            } else if terms.len() == 1 {
                return Ok(terms.pop().unwrap_or(Expr::Or(Vec::new())));
            } else {
                return Ok(Expr::Or(terms));
            }
        }
    }

    pub(crate) fn and_expr(&mut self, depth: usize) -> Result<Expr, String> {
        let mut terms = vec![self.unary(depth)?];
        loop {
            self.skip_ws();
            if self.eat_str("&&") {
                terms.push(self.unary(depth)?);
            } else if terms.len() == 1 {
                return Ok(terms.pop().unwrap_or(Expr::And(Vec::new())));
            } else {
                return Ok(Expr::And(terms));
            }
        }
    }

    pub(crate) fn unary(&mut self, depth: usize) -> Result<Expr, String> {
        self.skip_ws();
        if depth > MAX_FILTER_DEPTH {
            return self.err("the filter is nested too deeply");
        }
        if self.peek() == Some(b'!') && self.bytes.get(self.pos + 1) != Some(&b'=') {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.unary(depth + 1)?)));
        }
        if self.eat('(') {
            let e = self.expr(depth + 1)?;
            self.skip_ws();
            if !self.eat(')') {
                return self.err("')' is expected");
            }
            return Ok(e);
        }
        let left = self.operand(depth)?;
        self.skip_ws();
        let op = if self.eat_str("==") {
            CmpOp::Eq
        } else if self.eat_str("!=") {
            CmpOp::Ne
        } else if self.eat_str("<=") {
            CmpOp::Le
        } else if self.eat_str(">=") {
            CmpOp::Ge
        } else if self.eat('<') {
            CmpOp::Lt
        } else if self.eat('>') {
            CmpOp::Gt
        } else if self.eat_str("nin ") {
            CmpOp::Nin
        } else if self.eat_str("in ") {
            CmpOp::In
        } else {
            return Ok(Expr::Exists(left));
        };
        self.skip_ws();
        let right = self.operand(depth)?;
        Ok(Expr::Cmp(left, op, right))
    }

    pub(crate) fn operand(&mut self, depth: usize) -> Result<Operand, String> {
        self.skip_ws();
        match self.peek() {
            Some(b'@') => {
                self.pos += 1;
                Ok(Operand::Current(self.segments(depth + 1, true)?))
            }
            Some(b'$') => {
                self.pos += 1;
                Ok(Operand::Root(self.segments(depth + 1, true)?))
            }
            Some(b'\'' | b'"') => Ok(Operand::Literal(Value::String(self.quoted()?))),
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    if self.eat(']') {
                        break;
                    }
                    match self.operand(depth)? {
                        Operand::Literal(v) => items.push(v),
                        _ => return self.err("only literals may appear in a list"),
                    }
                    self.skip_ws();
                    if !self.eat(',') {
                        self.skip_ws();
                        if !self.eat(']') {
                            return self.err("']' is expected to close the list");
                        }
                        break;
                    }
                }
                Ok(Operand::Literal(Value::Array(items)))
            }
            Some(b'-' | b'0'..=b'9') => {
                let start = self.pos;
                self.pos += 1;
                while matches!(
                    self.peek(),
                    Some(b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                ) {
                    self.pos += 1;
                }
                let txt = &self.src[start..self.pos];
                match serde_json::from_str::<Number>(txt) {
                    Ok(n) => Ok(Operand::Literal(Value::Number(n))),
                    Err(_) => {
                        self.pos = start;
                        self.err("a number is expected")
                    }
                }
            }
            _ => {
                if self.eat_str("true") {
                    Ok(Operand::Literal(Value::Bool(true)))
                } else if self.eat_str("false") {
                    Ok(Operand::Literal(Value::Bool(false)))
                } else if self.eat_str("null") {
                    Ok(Operand::Literal(Value::Null))
                } else {
                    // An unquoted word (`@.Name==Receipt`): accepted, as AWS accepts it; see
                    // `Operand::Unquoted` for how it evaluates.
                    let start = self.pos;
                    while let Some(c) = self.src[self.pos..].chars().next() {
                        if c.is_alphanumeric() || c == '_' {
                            self.pos += c.len_utf8();
                        } else {
                            break;
                        }
                    }
                    if self.pos == start {
                        return self.err("a value, '@' or '$' path is expected");
                    }
                    Ok(Operand::Unquoted(self.src[start..self.pos].to_string()))
                }
            }
        }
    }
}
