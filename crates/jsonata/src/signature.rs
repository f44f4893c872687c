//! Function signatures (`<s-n?:s>`): parsing and argument validation.
//!
//! The reference implementation compiles a signature into a regular expression over one-letter
//! type symbols of the supplied arguments; this module does the same matching with a small
//! backtracking matcher so the error codes (T0410, T0411, T0412) and the context-argument
//! substitution (`-`) behave identically.

use crate::error::{Error, Result};
use crate::value::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Modifier {
    One,
    Optional,
    OneOrMore,
}

#[derive(Debug, Clone)]
struct Param {
    /// Accepted type symbols.
    class: String,
    modifier: Modifier,
    /// `-`: use the context value when the argument is missing.
    context: bool,
    /// Class before the `-` modifier, used to test the context value.
    context_class: String,
    type_char: char,
    subtype: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Signature {
    params: Vec<Param>,
}

fn find_closing(chars: &[char], start: usize, open: char, close: char) -> Option<usize> {
    let mut depth = 1;
    let mut i = start;
    while i + 1 < chars.len() {
        i += 1;
        if chars[i] == open {
            depth += 1;
        } else if chars[i] == close {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

impl Signature {
    pub fn parse(sig: &str) -> Result<Signature> {
        let chars: Vec<char> = sig.chars().collect();
        let mut params: Vec<Param> = Vec::new();
        let mut i = 1; // skip '<'
        while i < chars.len() {
            let c = chars[i];
            if c == ':' {
                break;
            }
            let simple = |class: &str, t: char| Param {
                class: class.to_string(),
                modifier: Modifier::One,
                context: false,
                context_class: String::new(),
                type_char: t,
                subtype: None,
            };
            match c {
                's' | 'n' | 'b' | 'l' | 'o' => params.push(simple(&format!("{c}m"), c)),
                'a' => params.push(simple("asnblfom", 'a')),
                'f' => params.push(simple("f", 'f')),
                'j' => params.push(simple("asnblom", 'j')),
                'x' => params.push(simple("asnblfom", 'x')),
                'u' => params.push(simple("bnslm", 'u')),
                '-' | '?' | '+' => {
                    let Some(p) = params.last_mut() else {
                        return Err(Error::new("S0401").value(sig));
                    };
                    match c {
                        '-' => {
                            p.context = true;
                            p.context_class = p.class.clone();
                            p.modifier = Modifier::Optional;
                        }
                        '?' => p.modifier = Modifier::Optional,
                        _ => p.modifier = Modifier::OneOrMore,
                    }
                }
                '(' => {
                    let Some(end) = find_closing(&chars, i, '(', ')') else {
                        return Err(Error::new("S0401").value(sig));
                    };
                    let choice: String = chars[i + 1..end].iter().collect();
                    if choice.contains('<') {
                        return Err(Error::new("S0402").value(choice));
                    }
                    let mut p = simple(&format!("{choice}m"), '(');
                    p.class = format!("{choice}m");
                    params.push(p);
                    i = end;
                }
                '<' => {
                    let ok = matches!(params.last(), Some(p) if p.type_char == 'a' || p.type_char == 'f');
                    if !ok {
                        return Err(Error::new("S0401").value(sig));
                    }
                    let Some(end) = find_closing(&chars, i, '<', '>') else {
                        return Err(Error::new("S0401").value(sig));
                    };
                    let sub: String = chars[i + 1..end].iter().collect();
                    if let Some(p) = params.last_mut() {
                        p.subtype = Some(sub);
                    }
                    i = end;
                }
                '>' => break,
                _ => {}
            }
            i += 1;
        }
        Ok(Signature { params })
    }

    /// Parameters that must be supplied (used as the arity of built-ins passed as callbacks).
    pub fn required_count(&self) -> usize {
        self.params
            .iter()
            .filter(|p| p.modifier != Modifier::Optional)
            .count()
    }

    /// Checks the arguments against the signature, filling in the context value for `-`
    /// parameters and wrapping single values where an array is expected.
    pub fn validate(&self, args: &[Value], context: &Value) -> Result<Vec<Value>> {
        let syms: Vec<char> = args.iter().map(symbol).collect();
        let mut caps = vec![(0usize, 0usize); self.params.len()];
        let mut failed = vec![false; (self.params.len() + 1) * (syms.len() + 1)];
        if !full_match(&self.params, 0, &syms, 0, &mut caps, &mut failed) {
            return Err(self.validation_error(args, &syms));
        }
        let mut out = Vec::new();
        let mut arg_index = 0;
        for (pi, p) in self.params.iter().enumerate() {
            let (s, e) = caps[pi];
            if s == e {
                if p.context {
                    let cs = symbol(context);
                    if p.context_class.contains(cs) {
                        out.push(context.clone());
                    } else {
                        return Err(Error::new("T0411")
                            .index(arg_index + 1)
                            .value(crate::value::to_json_string(context, false)));
                    }
                } else {
                    out.push(args.get(arg_index).cloned().unwrap_or(Value::Undefined));
                    arg_index += 1;
                }
                continue;
            }
            for k in s..e {
                let single = syms[k];
                let arg = args.get(arg_index).cloned().unwrap_or(Value::Undefined);
                if p.type_char == 'a' && single != 'm' {
                    if let Some(sub) = &p.subtype {
                        let mut ok = true;
                        if single != 'a' {
                            let whole: String = syms[s..e].iter().collect();
                            if &whole != sub {
                                ok = false;
                            }
                        } else if let Value::Array(items, _) = &arg {
                            if let Some(first) = items.first() {
                                let t = symbol(first);
                                if !sub.starts_with(t) || items.iter().any(|v| symbol(v) != t) {
                                    ok = false;
                                }
                            }
                        }
                        if !ok {
                            return Err(Error::new("T0412")
                                .index(arg_index + 1)
                                .value(crate::value::to_json_string(&arg, false))
                                .value2(type_name(sub)));
                        }
                    }
                    // the function expects an array: make a single value one
                    if single != 'a' {
                        out.push(Value::array(vec![arg]));
                        arg_index += 1;
                        continue;
                    }
                }
                out.push(arg);
                arg_index += 1;
            }
        }
        Ok(out)
    }

    fn validation_error(&self, args: &[Value], syms: &[char]) -> Error {
        let mut good_to = 0;
        for i in 0..self.params.len() {
            let mut failed = vec![false; (i + 2) * (syms.len() + 1)];
            match prefix_match(&self.params[..=i], 0, syms, 0, &mut failed) {
                None => break,
                Some(end) => good_to = end,
            }
        }
        let bad = args.get(good_to).cloned().unwrap_or(Value::Undefined);
        Error::new("T0410")
            .index(good_to + 1)
            .value(crate::value::to_json_string(&bad, false))
    }
}

fn type_name(sub: &str) -> String {
    match sub.chars().next() {
        Some('s') => "strings".into(),
        Some('n') => "numbers".into(),
        Some('b') => "booleans".into(),
        Some('o') => "objects".into(),
        Some('f') => "functions".into(),
        Some('a') => "arrays".into(),
        Some('l') => "nulls".into(),
        _ => sub.to_string(),
    }
}

/// One-letter type symbol of a value, as used in signatures (`m` for missing).
pub fn symbol(v: &Value) -> char {
    match v {
        Value::Undefined => 'm',
        Value::Null => 'l',
        Value::Bool(_) => 'b',
        Value::Number(_) => 'n',
        Value::String(_) => 's',
        Value::Array(..) => 'a',
        Value::Object(_) => 'o',
        Value::Function(_) => 'f',
    }
}

/// Backtracking match of the parameter patterns against the argument symbols; `failed`
/// memoises dead ends so pathological signatures (many `+` parameters) stay polynomial.
fn full_match(
    params: &[Param],
    pi: usize,
    syms: &[char],
    si: usize,
    caps: &mut [(usize, usize)],
    failed: &mut [bool],
) -> bool {
    if pi == params.len() {
        return si == syms.len();
    }
    let memo = pi * (syms.len() + 1) + si;
    if failed[memo] {
        return false;
    }
    let ok = full_match_step(params, pi, syms, si, caps, failed);
    if !ok {
        failed[memo] = true;
    }
    ok
}

fn full_match_step(
    params: &[Param],
    pi: usize,
    syms: &[char],
    si: usize,
    caps: &mut [(usize, usize)],
    failed: &mut [bool],
) -> bool {
    let p = &params[pi];
    let mut max = 0;
    while si + max < syms.len() && p.class.contains(syms[si + max]) {
        max += 1;
        if p.modifier != Modifier::OneOrMore {
            break;
        }
    }
    let min = if p.modifier == Modifier::One || p.modifier == Modifier::OneOrMore {
        1
    } else {
        0
    };
    let mut n = max;
    loop {
        if n < min {
            return false;
        }
        caps[pi] = (si, si + n);
        if full_match(params, pi + 1, syms, si + n, caps, failed) {
            return true;
        }
        if n == 0 {
            return false;
        }
        n -= 1;
    }
}

fn prefix_match(
    params: &[Param],
    pi: usize,
    syms: &[char],
    si: usize,
    failed: &mut [bool],
) -> Option<usize> {
    if pi == params.len() {
        return Some(si);
    }
    let memo = pi * (syms.len() + 1) + si;
    if failed[memo] {
        return None;
    }
    let r = prefix_match_step(params, pi, syms, si, failed);
    if r.is_none() {
        failed[memo] = true;
    }
    r
}

fn prefix_match_step(
    params: &[Param],
    pi: usize,
    syms: &[char],
    si: usize,
    failed: &mut [bool],
) -> Option<usize> {
    let p = &params[pi];
    let mut max = 0;
    while si + max < syms.len() && p.class.contains(syms[si + max]) {
        max += 1;
        if p.modifier != Modifier::OneOrMore {
            break;
        }
    }
    let min = usize::from(p.modifier != Modifier::Optional);
    let mut n = max;
    loop {
        if n < min {
            return None;
        }
        if let Some(e) = prefix_match(params, pi + 1, syms, si + n, failed) {
            return Some(e);
        }
        if n == 0 {
            return None;
        }
        n -= 1;
    }
}
