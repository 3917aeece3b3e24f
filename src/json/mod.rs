//! A small, strict JSON reader and an exact JSON writer.
//!
//! The library owns its JSON because the bytes it writes are signed: key order, escaping and
//! number spelling must be exactly what rule 6 of PROTOCOL.md says, and numbers must survive
//! untouched (amounts are integer fen; a float detour could change them). Keeping it here also
//! keeps the wasm module small (serde_json alone would triple it).

mod parse;
mod write;

pub use parse::{parse, parse_bytes, MAX_DEPTH};
pub use write::{write_string, write_value};

/// A parsed JSON value. Objects keep their members in document order, duplicates included, so
/// callers decide what a repeated key means; numbers keep their exact source text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, as written in the source (always valid JSON number syntax).
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, members in document order.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The JSON type name, for messages ("string", "number", …).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// The string content, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The first member named `key`, if this is an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}
