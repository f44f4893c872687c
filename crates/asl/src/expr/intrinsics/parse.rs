//! The intrinsic function parser and its static checks.

use super::*;
use crate::error::json_type;
use crate::expr::jsonpath::Path;
use serde_json::{Number, Value};

pub(crate) struct P<'a> {
    pub(crate) s: &'a str,
    pub(crate) b: &'a [u8],
    pub(crate) pos: usize,
}

impl P<'_> {
    pub(crate) fn ws(&mut self) {
        while matches!(self.b.get(self.pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    pub(crate) fn at(&self) -> String {
        if self.pos >= self.b.len() {
            "at the end".to_string()
        } else {
            format!("at position {}", self.pos + 1)
        }
    }

    pub(crate) fn call(&mut self, depth: usize) -> Result<Intrinsic, String> {
        if depth > MAX_NESTING {
            return Err(format!(
                "intrinsic functions may be nested at most {MAX_NESTING} deep"
            ));
        }
        let start = self.pos;
        while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == b'.' || c == b'_')
        {
            self.pos += 1;
        }
        let name = &self.s[start..self.pos];
        let function = Function::from_name(name).ok_or_else(|| {
            if name.is_empty() {
                format!("a function name is expected {}", self.at())
            } else {
                format!("'{name}' is not an intrinsic function")
            }
        })?;
        self.ws();
        if self.peek() != Some(b'(') {
            return Err(format!("'(' is expected after {name} {}", self.at()));
        }
        self.pos += 1;
        let mut args = Vec::new();
        self.ws();
        if self.peek() == Some(b')') {
            self.pos += 1;
        } else {
            loop {
                self.ws();
                args.push(self.arg(depth)?);
                self.ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b')') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(format!("',' or ')' is expected {}", self.at())),
                }
            }
        }
        let (min, max) = function.arity();
        if args.len() < min || args.len() > max {
            return Err(arity_text(function, args.len()));
        }
        let call = Intrinsic {
            function,
            args,
            text: self.s[start..self.pos].to_string(),
        };
        static_check(&call)?;
        Ok(call)
    }

    pub(crate) fn arg(&mut self, depth: usize) -> Result<Arg, String> {
        match self.peek() {
            Some(b'\'') => Ok(Arg::Literal(Value::String(self.string()?))),
            Some(b'$') => {
                let start = self.pos;
                let mut in_quote: Option<u8> = None;
                let mut bracket = 0i32;
                let mut paren = 0i32;
                while let Some(c) = self.peek() {
                    if let Some(q) = in_quote {
                        if c == b'\\' {
                            self.pos += 1;
                        } else if c == q {
                            in_quote = None;
                        }
                    } else {
                        match c {
                            b'\'' | b'"' => in_quote = Some(c),
                            b'[' => bracket += 1,
                            b']' => bracket -= 1,
                            b'(' => paren += 1,
                            b')' if paren > 0 => paren -= 1,
                            b')' | b',' if bracket <= 0 => break,
                            _ => {}
                        }
                    }
                    self.pos += 1;
                }
                let end = self.pos.min(self.b.len());
                let text = self.s[start..end].trim_end();
                Path::parse(text).map(Arg::Path)
            }
            Some(b'S') => Ok(Arg::Call(self.call(depth + 1)?)),
            Some(b'-' | b'0'..=b'9') => {
                let start = self.pos;
                self.pos += 1;
                while matches!(
                    self.peek(),
                    Some(b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                ) {
                    self.pos += 1;
                }
                let t = &self.s[start..self.pos];
                serde_json::from_str::<Number>(t)
                    .map(|n| Arg::Literal(Value::Number(n)))
                    .map_err(|_| format!("'{t}' is not a valid number"))
            }
            _ => {
                for (word, v) in [
                    ("true", Value::Bool(true)),
                    ("false", Value::Bool(false)),
                    ("null", Value::Null),
                ] {
                    if self.s[self.pos..].starts_with(word) {
                        self.pos += word.len();
                        return Ok(Arg::Literal(v));
                    }
                }
                Err(format!(
                    "an argument (a 'string', number, true, false, null, a path or a call) is expected {}",
                    self.at()
                ))
            }
        }
    }

    /// A single-quoted literal. Escapes `\'`, `\\` are resolved here; `\{` and `\}` are kept
    /// (as `\{`, `\}`) so that States.Format can tell literal braces from placeholders.
    pub(crate) fn string(&mut self) -> Result<String, String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.s[self.pos..].chars().next() else {
                return Err("an unterminated string literal".to_string());
            };
            self.pos += c.len_utf8();
            match c {
                '\'' => return Ok(out),
                '\\' => {
                    let Some(n) = self.s[self.pos..].chars().next() else {
                        return Err("an unterminated escape in a string literal".to_string());
                    };
                    self.pos += n.len_utf8();
                    match n {
                        '\'' => out.push('\''),
                        '\\' => out.push_str("\\\\"),
                        '{' => out.push_str("\\{"),
                        '}' => out.push_str("\\}"),
                        other => {
                            out.push('\\');
                            out.push(other);
                        }
                    }
                }
                other => out.push(other),
            }
        }
    }
}

/// Literal strings keep `\{`, `\}` and `\\` escapes for States.Format; every other use wants
/// the plain text.
pub(crate) fn unescape_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some(n @ ('{' | '}' | '\\')) => out.push(n),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Checks that need no input: literal argument types and counts, Format placeholders.
/// Also rewrites escaped literals for functions other than Format's template.
pub(crate) fn static_check(call: &Intrinsic) -> Result<(), String> {
    let f = call.function;
    let lit = |i: usize| match call.args.get(i) {
        Some(Arg::Literal(v)) => Some(v),
        _ => None,
    };
    let must_int = |i: usize, what: &str| -> Result<(), String> {
        match lit(i) {
            Some(Value::Number(n))
                if n.is_i64() || n.as_f64().is_some_and(|x| x.fract() == 0.0) =>
            {
                Ok(())
            }
            Some(v) => Err(format!(
                "the {what} of {} must be an integer, got {}",
                f.name(),
                json_type(v)
            )),
            None => Ok(()),
        }
    };
    let must_str = |i: usize, what: &str| -> Result<(), String> {
        match lit(i) {
            Some(Value::String(_)) | None => Ok(()),
            Some(v) => Err(format!(
                "the {what} of {} must be a string, got {}",
                f.name(),
                json_type(v)
            )),
        }
    };
    match f {
        Function::Format => {
            must_str(0, "first argument")?;
            if let Some(Value::String(t)) = lit(0) {
                let n = count_placeholders(t);
                if n != call.args.len() - 1 {
                    return Err(format!(
                        "the format string has {n} '{{}}' placeholder(s) but {} argument(s) follow it",
                        call.args.len() - 1
                    ));
                }
            }
        }
        Function::ArrayPartition => must_int(1, "chunk size")?,
        Function::ArrayRange => {
            must_int(0, "start")?;
            must_int(1, "end")?;
            must_int(2, "step")?;
        }
        Function::ArrayGetItem => must_int(1, "index")?,
        Function::MathRandom => {
            must_int(0, "start")?;
            must_int(1, "end")?;
            must_int(2, "seed")?;
        }
        Function::Hash => {
            must_str(1, "algorithm")?;
            if let Some(Value::String(a)) = lit(1) {
                if !matches!(a.as_str(), "MD5" | "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512") {
                    return Err(format!(
                        "the hash algorithm '{a}' is not supported; use one of MD5, SHA-1, SHA-256, SHA-384, SHA-512"
                    ));
                }
            }
        }
        Function::JsonMerge => match lit(2) {
            Some(Value::Bool(false)) | None => {}
            Some(_) => {
                return Err(
                    "the third argument of States.JsonMerge must be false (deep merging is not supported)"
                        .to_string(),
                )
            }
        },
        Function::StringToJson
        | Function::Base64Encode
        | Function::Base64Decode
        | Function::StringSplit => must_str(0, "first argument")?,
        _ => {}
    }
    if matches!(f, Function::StringSplit) {
        must_str(1, "delimiter")?;
    }
    Ok(())
}

pub(crate) fn count_placeholders(t: &str) -> usize {
    let mut n = 0;
    let mut it = t.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\\' {
            it.next();
        } else if c == '{' && it.peek() == Some(&'}') {
            it.next();
            n += 1;
        }
    }
    n
}

impl Intrinsic {
    /// Literal strings are stored with Format escapes; all functions except Format's first
    /// argument see plain text. Done once at parse time by [`finish`].
    pub(crate) fn finish(mut self) -> Intrinsic {
        let f = self.function;
        for (i, a) in self.args.iter_mut().enumerate() {
            match a {
                Arg::Literal(Value::String(s)) if !(f == Function::Format && i == 0) => {
                    *s = unescape_literal(s);
                }
                Arg::Call(c) => {
                    *c = std::mem::replace(
                        c,
                        Intrinsic {
                            function: Function::Uuid,
                            args: Vec::new(),
                            text: String::new(),
                        },
                    )
                    .finish();
                }
                _ => {}
            }
        }
        self
    }
}

impl Intrinsic {
    pub(crate) fn parse_raw(text: &str) -> Result<Intrinsic, String> {
        let mut p = P {
            s: text,
            b: text.as_bytes(),
            pos: 0,
        };
        p.ws();
        let call = p
            .call(1)
            .map_err(|e| format!("Invalid intrinsic function '{text}': {e}"))?;
        p.ws();
        if p.pos < p.b.len() {
            return Err(format!(
                "Invalid intrinsic function '{text}': unexpected text after the call at position {}",
                p.pos + 1
            ));
        }
        Ok(call)
    }
}
