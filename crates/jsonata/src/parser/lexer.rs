//! The tokenizer: JSONata source text to tokens, with the binding powers the Pratt parser
//! uses (the reference implementation's lexer and `operators` table).

use crate::error::{Error, Result};

/// Nesting limit for the parser, so hostile input cannot overflow the stack.
pub(crate) const MAX_PARSE_DEPTH: usize = 400;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Op(&'static str),
    Name(String),
    Var(String),
    Str(String),
    Num(f64),
    True,
    False,
    Null,
    Regex(String, String),
    End,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    /// Offset just after the token (as the reference implementation reports).
    pub(crate) pos: usize,
}

impl Token {
    pub(crate) fn text(&self) -> String {
        match &self.tok {
            Tok::Op(o) => o.to_string(),
            Tok::Name(n) => n.clone(),
            Tok::Var(v) => v.clone(),
            Tok::Str(s) => s.clone(),
            Tok::Num(n) => crate::value::number_to_string(*n),
            Tok::True => "true".into(),
            Tok::False => "false".into(),
            Tok::Null => "null".into(),
            Tok::Regex(p, _) => p.clone(),
            Tok::End => "(end)".into(),
        }
    }
}

pub(crate) const SINGLE_OPS: &[(char, &str)] = &[
    ('.', "."),
    ('[', "["),
    (']', "]"),
    ('{', "{"),
    ('}', "}"),
    ('(', "("),
    (')', ")"),
    (',', ","),
    ('@', "@"),
    ('#', "#"),
    (';', ";"),
    (':', ":"),
    ('?', "?"),
    ('+', "+"),
    ('-', "-"),
    ('*', "*"),
    ('/', "/"),
    ('%', "%"),
    ('|', "|"),
    ('=', "="),
    ('<', "<"),
    ('>', ">"),
    ('^', "^"),
    ('&', "&"),
    ('!', "!"),
    ('~', "~"),
];

pub(crate) fn single_op(c: char) -> Option<&'static str> {
    SINGLE_OPS.iter().find(|(ch, _)| *ch == c).map(|(_, s)| *s)
}

pub(crate) fn tokenize(src: &str, v206: bool) -> Result<Vec<Token>> {
    let chars: Vec<char> = src.chars().collect();
    let n = chars.len();
    let mut i = 0;
    let mut out: Vec<Token> = Vec::new();
    loop {
        // whitespace and comments
        while i < n {
            let c = chars[i];
            if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\u{b}' {
                i += 1;
            } else if c == '/' && i + 1 < n && chars[i + 1] == '*' {
                let start = i;
                i += 2;
                loop {
                    if i + 1 >= n {
                        return Err(Error::new("S0106").at(start));
                    }
                    if chars[i] == '*' && chars[i + 1] == '/' {
                        i += 2;
                        break;
                    }
                    i += 1;
                }
            } else {
                break;
            }
        }
        if i >= n {
            out.push(Token {
                tok: Tok::End,
                pos: i,
            });
            return Ok(out);
        }
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        // A '/' starts a regex when it cannot be a division: at the start, or after an operator
        // that does not close an operand.
        if c == '/' {
            let prefix = match out.last() {
                None => true,
                Some(Token {
                    tok: Tok::Op(o), ..
                }) => !matches!(*o, ")" | "]" | "}"),
                _ => false,
            };
            if prefix {
                i += 1;
                let start = i;
                let mut depth: i32 = 0;
                let mut found = None;
                while i < n {
                    let ch = chars[i];
                    if ch == '/' && depth == 0 {
                        let mut bs = 0;
                        while i > bs && chars[i - bs - 1] == '\\' {
                            bs += 1;
                        }
                        if bs % 2 == 0 {
                            found = Some(i);
                            break;
                        }
                    }
                    let escaped = i > 0 && chars[i - 1] == '\\';
                    if matches!(ch, '(' | '[' | '{') && !escaped {
                        depth += 1;
                    }
                    if matches!(ch, ')' | ']' | '}') && !escaped {
                        depth -= 1;
                    }
                    i += 1;
                }
                let Some(end) = found else {
                    return Err(Error::new("S0302").at(i));
                };
                let pattern: String = chars[start..end].iter().collect();
                if pattern.is_empty() {
                    return Err(Error::new("S0301").at(end));
                }
                i = end + 1;
                let fstart = i;
                while i < n && (chars[i] == 'i' || chars[i] == 'm') {
                    i += 1;
                }
                let flags: String = chars[fstart..i].iter().collect();
                out.push(Token {
                    tok: Tok::Regex(pattern, flags),
                    pos: i,
                });
                continue;
            }
        }
        let two = |a: char, b: char| c == a && next == Some(b);
        let double = if two('.', '.') {
            Some("..")
        } else if two(':', '=') {
            Some(":=")
        } else if two('!', '=') {
            Some("!=")
        } else if two('>', '=') {
            Some(">=")
        } else if two('<', '=') {
            Some("<=")
        } else if two('*', '*') {
            Some("**")
        } else if two('~', '>') {
            Some("~>")
        } else if two('?', ':') && !v206 {
            Some("?:")
        } else if two('?', '?') && !v206 {
            Some("??")
        } else {
            None
        };
        if let Some(op) = double {
            i += 2;
            out.push(Token {
                tok: Tok::Op(op),
                pos: i,
            });
            continue;
        }
        if let Some(op) = single_op(c) {
            i += 1;
            if op == "!" || op == "~" {
                return Err(Error::new("S0204").at(i).token(op));
            }
            out.push(Token {
                tok: Tok::Op(op),
                pos: i,
            });
            continue;
        }
        if c == '"' || c == '\'' {
            let quote = c;
            i += 1;
            let mut s = String::new();
            loop {
                if i >= n {
                    return Err(Error::new("S0101").at(i));
                }
                let ch = chars[i];
                if ch == '\\' {
                    i += 1;
                    let Some(&e) = chars.get(i) else {
                        return Err(Error::new("S0101").at(i));
                    };
                    match e {
                        '"' => s.push('"'),
                        '\\' => s.push('\\'),
                        '/' => s.push('/'),
                        'b' => s.push('\u{8}'),
                        'f' => s.push('\u{c}'),
                        'n' => s.push('\n'),
                        'r' => s.push('\r'),
                        't' => s.push('\t'),
                        'u' => {
                            let hex: String = chars.iter().skip(i + 1).take(4).collect();
                            if hex.len() == 4 && hex.chars().all(|h| h.is_ascii_hexdigit()) {
                                let code = u32::from_str_radix(&hex, 16).unwrap_or(0xfffd);
                                i += 4;
                                // Combine UTF-16 surrogate pairs written as two escapes.
                                if (0xd800..0xdc00).contains(&code)
                                    && chars.get(i + 1) == Some(&'\\')
                                    && chars.get(i + 2) == Some(&'u')
                                {
                                    let hex2: String = chars.iter().skip(i + 3).take(4).collect();
                                    if let Ok(low) = u32::from_str_radix(&hex2, 16) {
                                        if (0xdc00..0xe000).contains(&low) {
                                            let cp =
                                                0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
                                            s.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
                                            i += 6;
                                            i += 1;
                                            continue;
                                        }
                                    }
                                }
                                s.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                            } else {
                                return Err(Error::new("S0104").at(i));
                            }
                        }
                        other => {
                            return Err(Error::new("S0103").at(i).token(other.to_string()));
                        }
                    }
                    i += 1;
                } else if ch == quote {
                    i += 1;
                    break;
                } else {
                    s.push(ch);
                    i += 1;
                }
            }
            out.push(Token {
                tok: Tok::Str(s),
                pos: i,
            });
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            if c == '0' {
                i += 1;
            } else {
                while i < n && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            if i + 1 < n && chars[i] == '.' && chars[i + 1].is_ascii_digit() {
                i += 1;
                while i < n && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            if i < n && (chars[i] == 'e' || chars[i] == 'E') {
                let mut j = i + 1;
                if j < n && (chars[j] == '+' || chars[j] == '-') {
                    j += 1;
                }
                if j < n && chars[j].is_ascii_digit() {
                    while j < n && chars[j].is_ascii_digit() {
                        j += 1;
                    }
                    i = j;
                }
            }
            let text: String = chars[start..i].iter().collect();
            let v: f64 = text.parse().unwrap_or(f64::NAN);
            if !v.is_finite() {
                return Err(Error::new("S0102").at(i).token(text));
            }
            out.push(Token {
                tok: Tok::Num(v),
                pos: i,
            });
            continue;
        }
        if c == '`' {
            i += 1;
            let start = i;
            while i < n && chars[i] != '`' {
                i += 1;
            }
            if i >= n {
                return Err(Error::new("S0105").at(i));
            }
            let name: String = chars[start..i].iter().collect();
            i += 1;
            out.push(Token {
                tok: Tok::Name(name),
                pos: i,
            });
            continue;
        }
        // names and variables run until whitespace or an operator character
        let start = i;
        let mut j = i;
        while j < n {
            let ch = chars[j];
            if matches!(ch, ' ' | '\t' | '\n' | '\r' | '\u{b}') || single_op(ch).is_some() {
                break;
            }
            j += 1;
        }
        i = j;
        if c == '$' {
            let name: String = chars[start + 1..j].iter().collect();
            out.push(Token {
                tok: Tok::Var(name),
                pos: i,
            });
        } else {
            let name: String = chars[start..j].iter().collect();
            let tok = match name.as_str() {
                "and" => Tok::Op("and"),
                "or" => Tok::Op("or"),
                "in" => Tok::Op("in"),
                "true" => Tok::True,
                "false" => Tok::False,
                "null" => Tok::Null,
                _ => Tok::Name(name),
            };
            out.push(Token { tok, pos: i });
        }
    }
}

/// Left binding power of an infix operator token.
pub(crate) fn lbp(tok: &Tok) -> u32 {
    match tok {
        Tok::Op(o) => match *o {
            "." => 75,
            "[" | "(" | "@" | "#" => 80,
            "{" => 70,
            "?" => 20,
            "+" | "-" | "&" => 50,
            "*" | "/" | "%" => 60,
            "=" | "<" | ">" | "^" | "!=" | "<=" | ">=" | "~>" | "?:" | "??" | "in" => 40,
            "and" => 30,
            "or" => 25,
            ":=" => 10,
            _ => 0,
        },
        _ => 0,
    }
}
