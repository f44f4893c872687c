//! Tokenizer, Pratt parser and AST post-processing.
//!
//! The structure follows the reference implementation (jsonata-js) closely on purpose: the
//! binding powers, the shape of the post-processed AST (paths as step lists, stages, tuple
//! flags, parent-slot resolution) and the error codes are what the official test suite and AWS
//! behaviour depend on, so divergence here would show up as subtle semantic differences.

mod ast;
mod lexer;
mod process;

use crate::error::{Error, Result};
use crate::signature::Signature;

pub use ast::*;
use lexer::*;
use process::*;

pub(crate) struct Slot {
    pub(crate) label: String,
    pub(crate) level: i64,
}

pub(crate) struct Parser {
    pub(crate) tokens: Vec<Token>,
    pub(crate) pos: usize,
    pub(crate) depth: usize,
    pub(crate) slots: Vec<Slot>,
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
    pub(crate) fn peek(&self) -> &Token {
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn next(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        t
    }

    pub(crate) fn is_op(&self, op: &str) -> bool {
        matches!(&self.peek().tok, Tok::Op(o) if *o == op)
    }

    pub(crate) fn expect(&mut self, op: &str) -> Result<Token> {
        let t = self.peek().clone();
        match &t.tok {
            Tok::Op(o) if *o == op => Ok(self.next()),
            Tok::End => Err(Error::new("S0203").at(t.pos).token(t.text()).value(op)),
            _ => Err(Error::new("S0202").at(t.pos).token(t.text()).value(op)),
        }
    }

    pub(crate) fn expression(&mut self, rbp: u32) -> Result<Node> {
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

    pub(crate) fn object_pairs(&mut self) -> Result<Vec<(Node, Node)>> {
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

    pub(crate) fn nud(&mut self, t: Token) -> Result<Node> {
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

    pub(crate) fn led(&mut self, t: Token, left: Node) -> Result<Node> {
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
}
