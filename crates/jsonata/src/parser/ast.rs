//! The syntax tree the parser produces and the evaluator walks.

use std::sync::Arc;

use crate::signature::Signature;

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

    pub(crate) fn from_op(op: &str) -> Option<BinOp> {
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
    pub(crate) fn new(kind: NodeKind, position: usize) -> Node {
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

    pub(crate) fn type_name(&self) -> &'static str {
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
