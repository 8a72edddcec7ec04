//! A YAML document as a tree of positioned nodes: every node knows its file and
//! byte span, so a finding can point at the exact key or value, even after merging
//! several files (each node keeps the file it came from).

use hullguard_diagnostics::{Location, SourceFile, Span};
use std::sync::Arc;

/// One YAML node and where it is written.
#[derive(Debug, Clone)]
pub struct Node {
    pub value: Value,
    pub file: Arc<SourceFile>,
    pub span: Span,
}

/// The value of a node.
#[derive(Debug, Clone)]
pub enum Value {
    /// `null`, `~`, or an empty value.
    Null,
    Scalar(Scalar),
    Seq(Vec<Node>),
    /// Entries in document order; keys are unique after loading (a duplicate key is
    /// a load problem).
    Map(Vec<(Node, Node)>),
    /// A value that could not be determined (an unresolved `${VAR}`); the string
    /// says why. Never treated as empty.
    Unknown(String),
}

/// A scalar, as text. Compose's schema decides whether a scalar is a string, a
/// number or a boolean, so the text and whether it was quoted are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar {
    pub text: String,
    /// Written with quotes or as a block scalar: always a string.
    pub quoted: bool,
}

impl Node {
    pub fn location(&self) -> Location {
        Location::file(&self.file, self.span)
    }

    /// The scalar text, for a scalar node.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => Some(&s.text),
            _ => None,
        }
    }

    /// The entries of a mapping node.
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The items of a sequence node.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The entry of a mapping whose key is `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.get_entry(key).map(|(_, v)| v)
    }

    /// The key node and value node of the entry `key`.
    pub fn get_entry(&self, key: &str) -> Option<(&Node, &Node)> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, v)| (k, v))
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.value, Value::Unknown(_))
    }
}
