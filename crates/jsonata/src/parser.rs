//! Tokenizer, Pratt parser and AST post-processing.
//!
//! The structure follows the reference implementation (jsonata-js) closely on purpose: the
//! binding powers, the shape of the post-processed AST (paths as step lists, stages, tuple
//! flags, parent-slot resolution) and the error codes are what the official test suite and AWS
//! behaviour depend on, so divergence here would show up as subtle semantic differences.

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::signature::Signature;

/// Nesting limit for the parser, so hostile input cannot overflow the stack.
const MAX_PARSE_DEPTH: usize = 400;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
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
struct Token {
    tok: Tok,
    /// Offset just after the token (as the reference implementation reports).
    pos: usize,
}

impl Token {
    fn text(&self) -> String {
        match &self.tok {
            Tok::Op(o) => o.to_string(),
            Tok::Name(n) => n.clone(),
            Tok::Var(v) => v.clone(),
            Tok::Str(s) => s.clone(),
            Tok::Num(n) => crate::functions::num_to_string(*n),
            Tok::True => "true".into(),
            Tok::False => "false".into(),
            Tok::Null => "null".into(),
            Tok::Regex(p, _) => p.clone(),
            Tok::End => "(end)".into(),
        }
    }
}

const SINGLE_OPS: &[(char, &str)] = &[
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

fn single_op(c: char) -> Option<&'static str> {
    SINGLE_OPS.iter().find(|(ch, _)| *ch == c).map(|(_, s)| *s)
}

fn tokenize(src: &str, v206: bool) -> Result<Vec<Token>> {
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
fn lbp(tok: &Tok) -> u32 {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Concat,
    And,
    Or,
    In,
    Range,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "%",
            BinOp::Eq => "=",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Concat => "&",
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::In => "in",
            BinOp::Range => "..",
        }
    }

    fn from_op(op: &str) -> Option<BinOp> {
        Some(match op {
            "+" => BinOp::Add,
            "-" => BinOp::Sub,
            "*" => BinOp::Mul,
            "/" => BinOp::Div,
            "%" => BinOp::Mod,
            "=" => BinOp::Eq,
            "!=" => BinOp::Ne,
            "<" => BinOp::Lt,
            "<=" => BinOp::Le,
            ">" => BinOp::Gt,
            ">=" => BinOp::Ge,
            "&" => BinOp::Concat,
            "and" => BinOp::And,
            "or" => BinOp::Or,
            "in" => BinOp::In,
            _ => return None,
        })
    }
}

#[derive(Debug)]
pub struct LambdaDef {
    pub params: Vec<String>,
    pub signature: Option<Signature>,
    pub body: Node,
    /// A tail-call thunk: the body is a single function call to be trampolined.
    pub thunk: bool,
}

#[derive(Debug)]
pub struct TransformDef {
    pub pattern: Node,
    pub update: Node,
    pub delete: Option<Node>,
}

#[derive(Debug)]
pub struct SortTerm {
    pub descending: bool,
    pub expr: Node,
}

#[derive(Debug)]
pub enum Stage {
    Filter(Box<Node>),
    Index(String),
}

#[derive(Debug)]
pub struct GroupBy {
    pub pairs: Vec<(Node, Node)>,
    pub position: usize,
}

#[derive(Debug)]
pub enum NodeKind {
    Path(Vec<Node>),
    Binary(BinOp, Box<Node>, Box<Node>),
    Negate(Box<Node>),
    ArrayCons(Vec<Node>),
    ObjectCons(Vec<(Node, Node)>),
    Name(String),
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
    Wildcard,
    Descendant,
    /// Parent operator; before finalisation holds a slot id, afterwards its label.
    Parent(usize, String),
    Condition(Box<Node>, Box<Node>, Option<Box<Node>>),
    Block(Vec<Node>),
    Bind(String, Box<Node>),
    Regex(String, String),
    Call {
        procedure: Box<Node>,
        args: Vec<Node>,
        partial: bool,
    },
    Placeholder,
    Variable(String),
    Lambda(Arc<LambdaDef>),
    Apply(Box<Node>, Box<Node>),
    Transform(Arc<TransformDef>),
    Sort(Vec<SortTerm>),
    // raw forms, removed by post-processing
    RawDot(Box<Node>, Box<Node>),
    RawPredicate(Box<Node>, Box<Node>),
    RawGroup(Box<Node>, Vec<(Node, Node)>),
    RawSort(Box<Node>, Vec<SortTerm>),
    RawFocus(Box<Node>, String),
    RawIndex(Box<Node>, String),
    RawLambda(Vec<Node>, Option<Signature>, Box<Node>),
    RawTransform(Box<Node>, Box<Node>, Option<Box<Node>>),
    /// `and`/`or`/`in` used where an operand was expected
    RawOpName(String),
}

#[derive(Debug)]
pub struct Node {
    pub kind: NodeKind,
    pub position: usize,
    pub keep_array: bool,
    /// Filters applied to a non-path expression (`expr[pred]`).
    pub predicate: Vec<Stage>,
    /// Filters / index bindings applied per step inside a path.
    pub stages: Vec<Stage>,
    pub group: Option<Box<GroupBy>>,
    pub focus: Option<String>,
    pub index: Option<String>,
    pub tuple: bool,
    /// Slot id (then label) of the ancestor this step must record for `%`.
    pub ancestor: Option<usize>,
    pub ancestor_label: Option<String>,
    pub seeking_parent: Vec<usize>,
    pub consarray: bool,
    pub keep_singleton_array: bool,
}

impl Node {
    fn new(kind: NodeKind, position: usize) -> Node {
        Node {
            kind,
            position,
            keep_array: false,
            predicate: Vec::new(),
            stages: Vec::new(),
            group: None,
            focus: None,
            index: None,
            tuple: false,
            ancestor: None,
            ancestor_label: None,
            seeking_parent: Vec::new(),
            consarray: false,
            keep_singleton_array: false,
        }
    }

    fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Path(_) => "path",
            NodeKind::Binary(..) => "binary",
            NodeKind::Negate(_) | NodeKind::ArrayCons(_) | NodeKind::ObjectCons(_) => "unary",
            NodeKind::Name(_) => "name",
            NodeKind::Str(_) => "string",
            NodeKind::Num(_) => "number",
            NodeKind::Bool(_) | NodeKind::Null => "value",
            NodeKind::Wildcard => "wildcard",
            NodeKind::Descendant => "descendant",
            NodeKind::Parent(..) => "parent",
            NodeKind::Condition(..) => "condition",
            NodeKind::Block(_) => "block",
            NodeKind::Bind(..) => "bind",
            NodeKind::Regex(..) => "regex",
            NodeKind::Call { partial: true, .. } => "partial",
            NodeKind::Call { .. } => "function",
            NodeKind::Placeholder => "operator",
            NodeKind::Variable(_) => "variable",
            NodeKind::Lambda(_) | NodeKind::RawLambda(..) => "lambda",
            NodeKind::Apply(..) => "apply",
            NodeKind::Transform(_) | NodeKind::RawTransform(..) => "transform",
            NodeKind::Sort(_) => "sort",
            _ => "binary",
        }
    }
}

struct Slot {
    label: String,
    level: i64,
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    slots: Vec<Slot>,
}

/// Parses and post-processes an expression.
pub fn parse(src: &str) -> Result<Node> {
    parse_with(src, false)
}

/// Parses with the JSONata 2.0.6 grammar when `v206` is set: without the `?:` and `??`
/// operators (added in 2.1.0), as AWS Step Functions runs it.
pub fn parse_with(src: &str, v206: bool) -> Result<Node> {
    let tokens = tokenize(src, v206)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
        slots: Vec::new(),
    };
    let raw = p.expression(0)?;
    let cur = p.peek().clone();
    if cur.tok != Tok::End {
        return Err(Error::new("S0201").at(cur.pos).token(cur.text()));
    }
    let mut ast = p.process(raw)?;
    // a parent reference that no step could resolve
    if matches!(ast.kind, NodeKind::Parent(..)) || !ast.seeking_parent.is_empty() {
        return Err(Error::new("S0217").at(ast.position).token(ast.type_name()));
    }
    p.finalize(&mut ast);
    Ok(ast)
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn next(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(&self.peek().tok, Tok::Op(o) if *o == op)
    }

    fn expect(&mut self, op: &str) -> Result<Token> {
        let t = self.peek().clone();
        match &t.tok {
            Tok::Op(o) if *o == op => Ok(self.next()),
            Tok::End => Err(Error::new("S0203").at(t.pos).token(t.text()).value(op)),
            _ => Err(Error::new("S0202").at(t.pos).token(t.text()).value(op)),
        }
    }

    fn expression(&mut self, rbp: u32) -> Result<Node> {
        self.depth += 1;
        if self.depth > MAX_PARSE_DEPTH {
            return Err(Error::new("S0201")
                .at(self.peek().pos)
                .token(self.peek().text())
                .message("Expression is nested too deeply"));
        }
        let left = crate::stack::guarded(|| -> Result<Node> {
            let t = self.next();
            let mut left = self.nud(t)?;
            while rbp < lbp(&self.peek().tok) {
                let t = self.next();
                left = self.led(t, left)?;
            }
            Ok(left)
        })?;
        self.depth -= 1;
        Ok(left)
    }

    fn object_pairs(&mut self) -> Result<Vec<(Node, Node)>> {
        let mut pairs = Vec::new();
        if !self.is_op("}") {
            loop {
                let k = self.expression(0)?;
                self.expect(":")?;
                let v = self.expression(0)?;
                pairs.push((k, v));
                if !self.is_op(",") {
                    break;
                }
                self.next();
            }
        }
        self.expect("}")?;
        Ok(pairs)
    }

    fn nud(&mut self, t: Token) -> Result<Node> {
        let pos = t.pos;
        Ok(match t.tok {
            Tok::Name(n) => Node::new(NodeKind::Name(n), pos),
            Tok::Var(v) => Node::new(NodeKind::Variable(v), pos),
            Tok::Str(s) => Node::new(NodeKind::Str(s), pos),
            Tok::Num(n) => Node::new(NodeKind::Num(n), pos),
            Tok::True => Node::new(NodeKind::Bool(true), pos),
            Tok::False => Node::new(NodeKind::Bool(false), pos),
            Tok::Null => Node::new(NodeKind::Null, pos),
            Tok::Regex(p, f) => Node::new(NodeKind::Regex(p, f), pos),
            Tok::End => return Err(Error::new("S0207").at(pos).token("(end)")),
            Tok::Op(op) => match op {
                "and" | "or" | "in" => Node::new(NodeKind::RawOpName(op.to_string()), pos),
                "-" => {
                    let e = self.expression(70)?;
                    Node::new(NodeKind::Negate(Box::new(e)), pos)
                }
                "*" => Node::new(NodeKind::Wildcard, pos),
                "**" => Node::new(NodeKind::Descendant, pos),
                "%" => Node::new(NodeKind::Parent(usize::MAX, String::new()), pos),
                "(" => {
                    let mut items = Vec::new();
                    while !self.is_op(")") {
                        items.push(self.expression(0)?);
                        if !self.is_op(";") {
                            break;
                        }
                        self.next();
                    }
                    self.expect(")")?;
                    Node::new(NodeKind::Block(items), pos)
                }
                "[" => {
                    let mut items = Vec::new();
                    if !self.is_op("]") {
                        loop {
                            let mut item = self.expression(0)?;
                            if self.is_op("..") {
                                let rp = self.next().pos;
                                let rhs = self.expression(0)?;
                                item = Node::new(
                                    NodeKind::Binary(BinOp::Range, Box::new(item), Box::new(rhs)),
                                    rp,
                                );
                            }
                            items.push(item);
                            if !self.is_op(",") {
                                break;
                            }
                            self.next();
                        }
                    }
                    self.expect("]")?;
                    Node::new(NodeKind::ArrayCons(items), pos)
                }
                "{" => {
                    let pairs = self.object_pairs()?;
                    Node::new(NodeKind::ObjectCons(pairs), pos)
                }
                "|" => {
                    let pattern = self.expression(0)?;
                    self.expect("|")?;
                    let update = self.expression(0)?;
                    let mut delete = None;
                    if self.is_op(",") {
                        self.next();
                        delete = Some(Box::new(self.expression(0)?));
                    }
                    self.expect("|")?;
                    Node::new(
                        NodeKind::RawTransform(Box::new(pattern), Box::new(update), delete),
                        pos,
                    )
                }
                _ => return Err(Error::new("S0211").at(pos).token(op)),
            },
        })
    }

    fn led(&mut self, t: Token, left: Node) -> Result<Node> {
        let pos = t.pos;
        let Tok::Op(op) = t.tok else {
            return Err(Error::new("S0201").at(pos).token(t.text()));
        };
        if let Some(b) = BinOp::from_op(op) {
            let rhs = self.expression(lbp(&Tok::Op(op)))?;
            return Ok(Node::new(
                NodeKind::Binary(b, Box::new(left), Box::new(rhs)),
                pos,
            ));
        }
        Ok(match op {
            "." => {
                let rhs = self.expression(75)?;
                Node::new(NodeKind::RawDot(Box::new(left), Box::new(rhs)), pos)
            }
            "[" => {
                if self.is_op("]") {
                    self.next();
                    let mut left = left;
                    mark_keep_array(&mut left);
                    return Ok(left);
                }
                let rhs = self.expression(0)?;
                self.expect("]")?;
                Node::new(NodeKind::RawPredicate(Box::new(left), Box::new(rhs)), pos)
            }
            "{" => {
                let pairs = self.object_pairs()?;
                Node::new(NodeKind::RawGroup(Box::new(left), pairs), pos)
            }
            "(" => {
                let mut args = Vec::new();
                let mut partial = false;
                if !self.is_op(")") {
                    loop {
                        if self.is_op("?") {
                            let p = self.next().pos;
                            partial = true;
                            args.push(Node::new(NodeKind::Placeholder, p));
                        } else {
                            args.push(self.expression(0)?);
                        }
                        if !self.is_op(",") {
                            break;
                        }
                        self.next();
                    }
                }
                self.expect(")")?;
                let is_lambda =
                    matches!(&left.kind, NodeKind::Name(n) if n == "function" || n == "\u{3bb}");
                if is_lambda {
                    for (i, a) in args.iter().enumerate() {
                        if !matches!(a.kind, NodeKind::Variable(_)) {
                            return Err(Error::new("S0208")
                                .at(a.position)
                                .value((i + 1).to_string()));
                        }
                    }
                    let mut signature = None;
                    if self.is_op("<") {
                        let sig_pos = self.peek().pos;
                        let mut depth = 1;
                        let mut sig = String::from("<");
                        self.next();
                        while depth > 0 {
                            let t = self.peek().clone();
                            if matches!(t.tok, Tok::End) || t.tok == Tok::Op("{") {
                                break;
                            }
                            self.next();
                            if t.tok == Tok::Op(">") {
                                depth -= 1;
                            } else if t.tok == Tok::Op("<") {
                                depth += 1;
                            }
                            sig.push_str(&t.text());
                        }
                        if depth > 0 {
                            self.expect(">")?;
                        }
                        signature =
                            Some(Signature::parse(&sig).map_err(|e| e.locate(sig_pos, None))?);
                    }
                    self.expect("{")?;
                    let body = self.expression(0)?;
                    self.expect("}")?;
                    Node::new(NodeKind::RawLambda(args, signature, Box::new(body)), pos)
                } else {
                    Node::new(
                        NodeKind::Call {
                            procedure: Box::new(left),
                            args,
                            partial,
                        },
                        pos,
                    )
                }
            }
            "?" => {
                let then = self.expression(0)?;
                let mut els = None;
                if self.is_op(":") {
                    self.next();
                    els = Some(Box::new(self.expression(0)?));
                }
                Node::new(
                    NodeKind::Condition(Box::new(left), Box::new(then), els),
                    pos,
                )
            }
            "?:" => {
                let els = self.expression(0)?;
                // `a ?: b` is `a ? a : b`; the left side is evaluated twice, which is harmless
                // as expressions have no side effects.
                let cond = clone_raw(&left);
                Node::new(
                    NodeKind::Condition(Box::new(cond), Box::new(left), Some(Box::new(els))),
                    pos,
                )
            }
            "??" => {
                let els = self.expression(0)?;
                let cond = Node::new(
                    NodeKind::Call {
                        procedure: Box::new(Node::new(NodeKind::Variable("exists".into()), pos)),
                        args: vec![clone_raw(&left)],
                        partial: false,
                    },
                    pos,
                );
                Node::new(
                    NodeKind::Condition(Box::new(cond), Box::new(left), Some(Box::new(els))),
                    pos,
                )
            }
            ":=" => {
                let NodeKind::Variable(name) = &left.kind else {
                    return Err(Error::new("S0212").at(pos).token(":="));
                };
                let name = name.clone();
                let rhs = self.expression(9)?;
                Node::new(NodeKind::Bind(name, Box::new(rhs)), pos)
            }
            "~>" => {
                let rhs = self.expression(40)?;
                Node::new(NodeKind::Apply(Box::new(left), Box::new(rhs)), pos)
            }
            "^" => {
                self.expect("(")?;
                let mut terms = Vec::new();
                loop {
                    let mut descending = false;
                    if self.is_op("<") {
                        self.next();
                    } else if self.is_op(">") {
                        descending = true;
                        self.next();
                    }
                    let expr = self.expression(0)?;
                    terms.push(SortTerm { descending, expr });
                    if !self.is_op(",") {
                        break;
                    }
                    self.next();
                }
                self.expect(")")?;
                Node::new(NodeKind::RawSort(Box::new(left), terms), pos)
            }
            "@" | "#" => {
                let rhs = self.expression(80)?;
                let NodeKind::Variable(name) = rhs.kind else {
                    return Err(Error::new("S0214").at(rhs.position).token(op));
                };
                if op == "@" {
                    Node::new(NodeKind::RawFocus(Box::new(left), name), pos)
                } else {
                    Node::new(NodeKind::RawIndex(Box::new(left), name), pos)
                }
            }
            _ => return Err(Error::new("S0201").at(pos).token(op)),
        })
    }

    // ---------------------------------------------------------------- post-processing

    fn new_slot(&mut self) -> usize {
        let id = self.slots.len();
        self.slots.push(Slot {
            label: format!("!{id}"),
            level: 1,
        });
        id
    }

    fn push_ancestry(result: &mut Node, value: &mut Node) {
        let mut slots = std::mem::take(&mut value.seeking_parent);
        if let NodeKind::Parent(id, _) = value.kind {
            slots.push(id);
        }
        result.seeking_parent.extend(slots.iter().copied());
        // keep the value's own record too (the reference shares the array)
        if !matches!(value.kind, NodeKind::Parent(..)) {
            value.seeking_parent = slots;
        }
    }

    fn seek_parent(&mut self, node: &mut Node, slot: usize) -> Result<usize> {
        match &mut node.kind {
            NodeKind::Name(_) | NodeKind::Wildcard => {
                self.slots[slot].level -= 1;
                if self.slots[slot].level == 0 {
                    if let Some(existing) = node.ancestor {
                        self.slots[slot].label = self.slots[existing].label.clone();
                    }
                    node.ancestor = Some(slot);
                    node.tuple = true;
                }
            }
            NodeKind::Parent(..) => {
                self.slots[slot].level += 1;
            }
            NodeKind::Block(exprs) => {
                if !exprs.is_empty() {
                    let last = exprs.len() - 1;
                    let s = self.seek_parent(&mut exprs[last], slot)?;
                    node.tuple = true;
                    return Ok(s);
                }
            }
            NodeKind::Path(steps) => {
                let mut index = steps.len() as i64 - 1;
                let mut s = slot;
                if index >= 0 {
                    s = self.seek_parent(&mut steps[index as usize], s)?;
                    index -= 1;
                }
                while self.slots[s].level > 0 && index >= 0 {
                    s = self.seek_parent(&mut steps[index as usize], s)?;
                    index -= 1;
                }
                node.tuple = true;
                return Ok(s);
            }
            _ => {
                return Err(Error::new("S0217")
                    .at(node.position)
                    .token(node.type_name()));
            }
        }
        Ok(slot)
    }

    fn resolve_ancestry(&mut self, path: &mut Node) -> Result<()> {
        let NodeKind::Path(steps) = &mut path.kind else {
            return Ok(());
        };
        let Some(last) = steps.last() else {
            return Ok(());
        };
        let mut slots = last.seeking_parent.clone();
        if let NodeKind::Parent(id, _) = last.kind {
            slots.push(id);
        }
        let mut extra = Vec::new();
        for slot in slots {
            let mut index = steps.len() as i64 - 2;
            let mut s = slot;
            while self.slots[s].level > 0 {
                if index < 0 {
                    extra.push(s);
                    break;
                }
                let mut si = index as usize;
                index -= 1;
                while index >= 0
                    && steps[si].focus.is_some()
                    && steps[index as usize].focus.is_some()
                {
                    si = index as usize;
                    index -= 1;
                }
                s = self.seek_parent(&mut steps[si], s)?;
            }
        }
        path.seeking_parent.extend(extra);
        Ok(())
    }

    fn process(&mut self, expr: Node) -> Result<Node> {
        self.depth += 1;
        if self.depth > MAX_PARSE_DEPTH * 2 {
            return Err(Error::new("S0201")
                .at(expr.position)
                .message("Expression is nested too deeply"));
        }
        let r = crate::stack::guarded(|| self.process_inner(expr));
        self.depth -= 1;
        r
    }

    fn process_inner(&mut self, expr: Node) -> Result<Node> {
        let pos = expr.position;
        let keep_array = expr.keep_array;
        let mut result = match expr.kind {
            NodeKind::RawDot(lhs, rhs) => {
                let lstep = self.process(*lhs)?;
                let mut result = if matches!(lstep.kind, NodeKind::Path(_)) {
                    lstep
                } else {
                    let mut seeking = Vec::new();
                    if let NodeKind::Parent(id, _) = lstep.kind {
                        seeking.push(id);
                    }
                    let mut p = Node::new(NodeKind::Path(vec![lstep]), pos);
                    p.seeking_parent = seeking;
                    p
                };
                let rest = self.process(*rhs)?;
                let NodeKind::Path(steps) = &mut result.kind else {
                    return Err(internal_error(pos));
                };
                match rest.kind {
                    NodeKind::Path(more) => {
                        steps.extend(more);
                    }
                    _ => {
                        let mut rest = rest;
                        if !rest.predicate.is_empty() {
                            rest.stages = std::mem::take(&mut rest.predicate);
                        }
                        steps.push(rest);
                    }
                }
                for step in steps.iter_mut() {
                    match &step.kind {
                        NodeKind::Num(n) => {
                            return Err(Error::new("S0213")
                                .at(step.position)
                                .value(crate::functions::num_to_string(*n)));
                        }
                        NodeKind::Bool(b) => {
                            return Err(Error::new("S0213").at(step.position).value(b.to_string()));
                        }
                        NodeKind::Null => {
                            return Err(Error::new("S0213").at(step.position).value("null"));
                        }
                        NodeKind::Str(s) => {
                            step.kind = NodeKind::Name(s.clone());
                        }
                        _ => {}
                    }
                }
                let any_keep = steps.iter().any(|s| s.keep_array);
                if let Some(first) = steps.first_mut() {
                    if matches!(first.kind, NodeKind::ArrayCons(_)) {
                        first.consarray = true;
                    }
                }
                if let Some(last) = steps.last_mut() {
                    if matches!(last.kind, NodeKind::ArrayCons(_)) {
                        last.consarray = true;
                    }
                }
                if any_keep {
                    result.keep_singleton_array = true;
                }
                self.resolve_ancestry(&mut result)?;
                result
            }
            NodeKind::RawPredicate(lhs, rhs) => {
                let mut result = self.process(*lhs)?;
                let mut predicate = self.process(*rhs)?;
                let is_path = matches!(result.kind, NodeKind::Path(_));
                let step: &mut Node = match &mut result.kind {
                    NodeKind::Path(steps) if !steps.is_empty() => {
                        let l = steps.len() - 1;
                        &mut steps[l]
                    }
                    _ => &mut result,
                };
                if step.group.is_some() {
                    return Err(Error::new("S0209").at(pos));
                }
                if !predicate.seeking_parent.is_empty() {
                    let slots = predicate.seeking_parent.clone();
                    for slot in slots {
                        if self.slots[slot].level == 1 {
                            self.seek_parent(step, slot)?;
                        } else {
                            self.slots[slot].level -= 1;
                        }
                    }
                    Self::push_ancestry(step, &mut predicate);
                }
                if is_path {
                    step.stages.push(Stage::Filter(Box::new(predicate)));
                } else {
                    step.predicate.push(Stage::Filter(Box::new(predicate)));
                }
                result
            }
            NodeKind::RawGroup(lhs, pairs) => {
                let mut result = self.process(*lhs)?;
                if result.group.is_some() {
                    return Err(Error::new("S0210").at(pos));
                }
                let mut ps = Vec::new();
                for (k, v) in pairs {
                    ps.push((self.process(k)?, self.process(v)?));
                }
                result.group = Some(Box::new(GroupBy {
                    pairs: ps,
                    position: pos,
                }));
                result
            }
            NodeKind::RawSort(lhs, terms) => {
                let result = self.process(*lhs)?;
                let mut result = if matches!(result.kind, NodeKind::Path(_)) {
                    result
                } else {
                    Node::new(NodeKind::Path(vec![result]), pos)
                };
                let mut sort = Node::new(NodeKind::Sort(Vec::new()), pos);
                let mut ts = Vec::new();
                for t in terms {
                    let mut e = self.process(t.expr)?;
                    Self::push_ancestry(&mut sort, &mut e);
                    ts.push(SortTerm {
                        descending: t.descending,
                        expr: e,
                    });
                }
                sort.kind = NodeKind::Sort(ts);
                if let NodeKind::Path(steps) = &mut result.kind {
                    steps.push(sort);
                }
                self.resolve_ancestry(&mut result)?;
                result
            }
            NodeKind::Bind(name, rhs) => {
                let mut r = self.process(*rhs)?;
                let mut result = Node::new(NodeKind::Null, pos);
                Self::push_ancestry(&mut result, &mut r);
                result.kind = NodeKind::Bind(name, Box::new(r));
                result
            }
            NodeKind::RawFocus(lhs, var) => {
                let mut result = self.process(*lhs)?;
                let step: &mut Node = match &mut result.kind {
                    NodeKind::Path(steps) if !steps.is_empty() => {
                        let l = steps.len() - 1;
                        &mut steps[l]
                    }
                    _ => &mut result,
                };
                if !step.stages.is_empty() || !step.predicate.is_empty() {
                    return Err(Error::new("S0215").at(pos).token("@"));
                }
                if matches!(step.kind, NodeKind::Sort(_)) {
                    return Err(Error::new("S0216").at(pos).token("@"));
                }
                if keep_array {
                    step.keep_array = true;
                }
                step.focus = Some(var);
                step.tuple = true;
                result
            }
            NodeKind::RawIndex(lhs, var) => {
                let result = self.process(*lhs)?;
                let mut result = if matches!(result.kind, NodeKind::Path(_)) {
                    result
                } else {
                    let mut r = result;
                    if !r.predicate.is_empty() {
                        r.stages = std::mem::take(&mut r.predicate);
                    }
                    Node::new(NodeKind::Path(vec![r]), pos)
                };
                if let NodeKind::Path(steps) = &mut result.kind {
                    if let Some(step) = steps.last_mut() {
                        if step.stages.is_empty() {
                            step.index = Some(var);
                        } else {
                            step.stages.push(Stage::Index(var));
                        }
                        step.tuple = true;
                    }
                }
                result
            }
            NodeKind::Apply(lhs, rhs) => {
                let l = self.process(*lhs)?;
                let r = self.process(*rhs)?;
                let ka = l.keep_array || r.keep_array;
                let mut n = Node::new(NodeKind::Apply(Box::new(l), Box::new(r)), pos);
                n.keep_array = ka;
                n
            }
            NodeKind::Binary(op, lhs, rhs) => {
                let mut l = self.process(*lhs)?;
                let mut r = self.process(*rhs)?;
                let mut result = Node::new(NodeKind::Null, pos);
                Self::push_ancestry(&mut result, &mut l);
                Self::push_ancestry(&mut result, &mut r);
                result.kind = NodeKind::Binary(op, Box::new(l), Box::new(r));
                result
            }
            NodeKind::ArrayCons(items) => {
                let mut result = Node::new(NodeKind::Null, pos);
                let mut out = Vec::new();
                for item in items {
                    let mut v = self.process(item)?;
                    Self::push_ancestry(&mut result, &mut v);
                    out.push(v);
                }
                result.kind = NodeKind::ArrayCons(out);
                result
            }
            NodeKind::ObjectCons(pairs) => {
                let mut result = Node::new(NodeKind::Null, pos);
                let mut out = Vec::new();
                for (k, v) in pairs {
                    let mut k = self.process(k)?;
                    Self::push_ancestry(&mut result, &mut k);
                    let mut v = self.process(v)?;
                    Self::push_ancestry(&mut result, &mut v);
                    out.push((k, v));
                }
                result.kind = NodeKind::ObjectCons(out);
                result
            }
            NodeKind::Negate(e) => {
                let mut e = self.process(*e)?;
                if let NodeKind::Num(n) = e.kind {
                    e.kind = NodeKind::Num(-n);
                    e
                } else {
                    let mut result = Node::new(NodeKind::Null, pos);
                    Self::push_ancestry(&mut result, &mut e);
                    result.kind = NodeKind::Negate(Box::new(e));
                    result
                }
            }
            NodeKind::Call {
                procedure,
                args,
                partial,
            } => {
                let mut result = Node::new(NodeKind::Null, pos);
                let mut out = Vec::new();
                for a in args {
                    let mut a = self.process(a)?;
                    Self::push_ancestry(&mut result, &mut a);
                    out.push(a);
                }
                let procedure = self.process(*procedure)?;
                result.kind = NodeKind::Call {
                    procedure: Box::new(procedure),
                    args: out,
                    partial,
                };
                result
            }
            NodeKind::RawLambda(args, signature, body) => {
                let params = args
                    .into_iter()
                    .map(|a| match a.kind {
                        NodeKind::Variable(v) => v,
                        _ => String::new(),
                    })
                    .collect();
                let body = self.process(*body)?;
                let body = tail_call_optimize(body);
                Node::new(
                    NodeKind::Lambda(Arc::new(LambdaDef {
                        params,
                        signature,
                        body,
                        thunk: false,
                    })),
                    pos,
                )
            }
            NodeKind::Condition(c, t, e) => {
                let mut result = Node::new(NodeKind::Null, pos);
                let mut c = self.process(*c)?;
                Self::push_ancestry(&mut result, &mut c);
                let mut t = self.process(*t)?;
                Self::push_ancestry(&mut result, &mut t);
                let e = match e {
                    Some(e) => {
                        let mut e = self.process(*e)?;
                        Self::push_ancestry(&mut result, &mut e);
                        Some(Box::new(e))
                    }
                    None => None,
                };
                result.kind = NodeKind::Condition(Box::new(c), Box::new(t), e);
                result
            }
            NodeKind::RawTransform(p, u, d) => {
                let pattern = self.process(*p)?;
                let update = self.process(*u)?;
                let delete = match d {
                    Some(d) => Some(self.process(*d)?),
                    None => None,
                };
                Node::new(
                    NodeKind::Transform(Arc::new(TransformDef {
                        pattern,
                        update,
                        delete,
                    })),
                    pos,
                )
            }
            NodeKind::Block(items) => {
                let mut result = Node::new(NodeKind::Null, pos);
                let mut out = Vec::new();
                let mut cons = false;
                for item in items {
                    let mut part = self.process(item)?;
                    Self::push_ancestry(&mut result, &mut part);
                    if part.consarray
                        || matches!(&part.kind, NodeKind::Path(s) if s.first().map(|f| f.consarray).unwrap_or(false))
                    {
                        cons = true;
                    }
                    out.push(part);
                }
                result.kind = NodeKind::Block(out);
                result.consarray = cons;
                result
            }
            NodeKind::Name(n) => {
                let mut step = Node::new(NodeKind::Name(n), pos);
                step.keep_array = keep_array;
                let mut p = Node::new(NodeKind::Path(vec![step]), pos);
                if keep_array {
                    p.keep_singleton_array = true;
                }
                p
            }
            NodeKind::RawOpName(n) => {
                let mut step = Node::new(NodeKind::Name(n), pos);
                step.keep_array = keep_array;
                let mut p = Node::new(NodeKind::Path(vec![step]), pos);
                if keep_array {
                    p.keep_singleton_array = true;
                }
                p
            }
            NodeKind::Parent(..) => {
                let id = self.new_slot();
                Node::new(NodeKind::Parent(id, String::new()), pos)
            }
            other => Node::new(other, pos),
        };
        if keep_array {
            result.keep_array = true;
        }
        Ok(result)
    }

    /// Replaces slot ids by their final labels (slots may be relabelled during processing).
    fn finalize(&self, node: &mut Node) {
        if let Some(a) = node.ancestor {
            node.ancestor_label = self.slots.get(a).map(|s| s.label.clone());
        }
        if let NodeKind::Parent(id, label) = &mut node.kind {
            if let Some(s) = self.slots.get(*id) {
                *label = s.label.clone();
            }
        }
        for st in node.predicate.iter_mut().chain(node.stages.iter_mut()) {
            if let Stage::Filter(n) = st {
                self.finalize(n);
            }
        }
        if let Some(g) = &mut node.group {
            for (k, v) in g.pairs.iter_mut() {
                self.finalize(k);
                self.finalize(v);
            }
        }
        match &mut node.kind {
            NodeKind::Path(v) | NodeKind::ArrayCons(v) | NodeKind::Block(v) => {
                for n in v {
                    self.finalize(n);
                }
            }
            NodeKind::Binary(_, a, b) | NodeKind::Apply(a, b) => {
                self.finalize(a);
                self.finalize(b);
            }
            NodeKind::Negate(a) | NodeKind::Bind(_, a) => self.finalize(a),
            NodeKind::ObjectCons(pairs) => {
                for (k, v) in pairs {
                    self.finalize(k);
                    self.finalize(v);
                }
            }
            NodeKind::Condition(c, t, e) => {
                self.finalize(c);
                self.finalize(t);
                if let Some(e) = e {
                    self.finalize(e);
                }
            }
            NodeKind::Call {
                procedure, args, ..
            } => {
                self.finalize(procedure);
                for a in args {
                    self.finalize(a);
                }
            }
            NodeKind::Lambda(def) => {
                if let Some(d) = Arc::get_mut(def) {
                    self.finalize(&mut d.body);
                }
            }
            NodeKind::Transform(def) => {
                if let Some(d) = Arc::get_mut(def) {
                    self.finalize(&mut d.pattern);
                    self.finalize(&mut d.update);
                    if let Some(x) = &mut d.delete {
                        self.finalize(x);
                    }
                }
            }
            NodeKind::Sort(terms) => {
                for t in terms {
                    self.finalize(&mut t.expr);
                }
            }
            _ => {}
        }
    }
}

fn internal_error(pos: usize) -> Error {
    Error::new("S0201")
        .at(pos)
        .message("internal parser error: expected a path")
}

/// `expr[]` marks the innermost step of a predicate chain to keep singleton arrays.
fn mark_keep_array(node: &mut Node) {
    match &mut node.kind {
        NodeKind::RawPredicate(lhs, _) => mark_keep_array(lhs),
        _ => node.keep_array = true,
    }
}

/// Copies an unprocessed node (used where the reference shares one subtree in two places).
fn clone_raw(n: &Node) -> Node {
    let kind = match &n.kind {
        NodeKind::Path(v) => NodeKind::Path(v.iter().map(clone_raw).collect()),
        NodeKind::Binary(op, a, b) => {
            NodeKind::Binary(*op, Box::new(clone_raw(a)), Box::new(clone_raw(b)))
        }
        NodeKind::Negate(a) => NodeKind::Negate(Box::new(clone_raw(a))),
        NodeKind::ArrayCons(v) => NodeKind::ArrayCons(v.iter().map(clone_raw).collect()),
        NodeKind::ObjectCons(p) => NodeKind::ObjectCons(
            p.iter()
                .map(|(k, v)| (clone_raw(k), clone_raw(v)))
                .collect(),
        ),
        NodeKind::Name(s) => NodeKind::Name(s.clone()),
        NodeKind::Str(s) => NodeKind::Str(s.clone()),
        NodeKind::Num(x) => NodeKind::Num(*x),
        NodeKind::Bool(b) => NodeKind::Bool(*b),
        NodeKind::Null => NodeKind::Null,
        NodeKind::Wildcard => NodeKind::Wildcard,
        NodeKind::Descendant => NodeKind::Descendant,
        NodeKind::Parent(a, b) => NodeKind::Parent(*a, b.clone()),
        NodeKind::Condition(c, t, e) => NodeKind::Condition(
            Box::new(clone_raw(c)),
            Box::new(clone_raw(t)),
            e.as_ref().map(|e| Box::new(clone_raw(e))),
        ),
        NodeKind::Block(v) => NodeKind::Block(v.iter().map(clone_raw).collect()),
        NodeKind::Bind(s, a) => NodeKind::Bind(s.clone(), Box::new(clone_raw(a))),
        NodeKind::Regex(p, f) => NodeKind::Regex(p.clone(), f.clone()),
        NodeKind::Call {
            procedure,
            args,
            partial,
        } => NodeKind::Call {
            procedure: Box::new(clone_raw(procedure)),
            args: args.iter().map(clone_raw).collect(),
            partial: *partial,
        },
        NodeKind::Placeholder => NodeKind::Placeholder,
        NodeKind::Variable(s) => NodeKind::Variable(s.clone()),
        NodeKind::Lambda(d) => NodeKind::Lambda(d.clone()),
        NodeKind::Apply(a, b) => NodeKind::Apply(Box::new(clone_raw(a)), Box::new(clone_raw(b))),
        NodeKind::Transform(d) => NodeKind::Transform(d.clone()),
        NodeKind::Sort(_) => NodeKind::Null,
        NodeKind::RawDot(a, b) => NodeKind::RawDot(Box::new(clone_raw(a)), Box::new(clone_raw(b))),
        NodeKind::RawPredicate(a, b) => {
            NodeKind::RawPredicate(Box::new(clone_raw(a)), Box::new(clone_raw(b)))
        }
        NodeKind::RawGroup(a, p) => NodeKind::RawGroup(
            Box::new(clone_raw(a)),
            p.iter()
                .map(|(k, v)| (clone_raw(k), clone_raw(v)))
                .collect(),
        ),
        NodeKind::RawSort(a, terms) => NodeKind::RawSort(
            Box::new(clone_raw(a)),
            terms
                .iter()
                .map(|t| SortTerm {
                    descending: t.descending,
                    expr: clone_raw(&t.expr),
                })
                .collect(),
        ),
        NodeKind::RawFocus(a, s) => NodeKind::RawFocus(Box::new(clone_raw(a)), s.clone()),
        NodeKind::RawIndex(a, s) => NodeKind::RawIndex(Box::new(clone_raw(a)), s.clone()),
        NodeKind::RawLambda(args, sig, body) => NodeKind::RawLambda(
            args.iter().map(clone_raw).collect(),
            sig.clone(),
            Box::new(clone_raw(body)),
        ),
        NodeKind::RawTransform(p, u, d) => NodeKind::RawTransform(
            Box::new(clone_raw(p)),
            Box::new(clone_raw(u)),
            d.as_ref().map(|d| Box::new(clone_raw(d))),
        ),
        NodeKind::RawOpName(s) => NodeKind::RawOpName(s.clone()),
    };
    let mut out = Node::new(kind, n.position);
    out.keep_array = n.keep_array;
    out
}

/// Wraps tail-position function calls in thunks so the evaluator can trampoline them.
fn tail_call_optimize(expr: Node) -> Node {
    match expr.kind {
        NodeKind::Call { partial: false, .. }
            if expr.predicate.is_empty() && expr.group.is_none() && !expr.keep_array =>
        {
            let pos = expr.position;
            Node::new(
                NodeKind::Lambda(Arc::new(LambdaDef {
                    params: Vec::new(),
                    signature: None,
                    body: expr,
                    thunk: true,
                })),
                pos,
            )
        }
        NodeKind::Condition(c, t, e) => {
            let mut n = Node {
                kind: NodeKind::Null,
                ..expr
            };
            n.kind = NodeKind::Condition(
                c,
                Box::new(tail_call_optimize(*t)),
                e.map(|e| Box::new(tail_call_optimize(*e))),
            );
            n
        }
        NodeKind::Block(mut items) => {
            if let Some(last) = items.pop() {
                items.push(tail_call_optimize(last));
            }
            Node {
                kind: NodeKind::Block(items),
                ..expr
            }
        }
        _ => expr,
    }
}
