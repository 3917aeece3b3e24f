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

/// The indices of `names` in byte order of the names, equal names in input order. One sort for
/// every caller keeps a single copy of the sorting code in the wasm module.
pub fn order_by_name<'a>(names: impl ExactSizeIterator<Item = &'a str>) -> Vec<usize> {
    let mut keyed: Vec<(&str, usize)> = names.zip(0..).collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, index)| index).collect()
}

/// For each member, whether an earlier member has the same name (O(n log n): a hostile object
/// may have 10^5 members).
pub fn repeated_names<V>(members: &[(String, V)]) -> Vec<bool> {
    // Request bodies have about ten members: comparing pairs beats sorting there.
    if members.len() <= 16 {
        return members
            .iter()
            .enumerate()
            .map(|(i, (name, _))| members.iter().take(i).any(|(earlier, _)| earlier == name))
            .collect();
    }
    let order = order_by_name(members.iter().map(|(name, _)| name.as_str()));
    let mut repeated = vec![false; members.len()];
    for pair in order.windows(2) {
        if let [earlier, later] = *pair {
            let same = members.get(earlier).map(|(n, _)| n) == members.get(later).map(|(n, _)| n);
            if let Some(flag) = repeated.get_mut(later).filter(|_| same) {
                *flag = true;
            }
        }
    }
    repeated
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_names_marks_every_later_occurrence() {
        let members: Vec<(String, ())> = ["b", "a", "b", "c", "a", "b"].iter().map(|n| ((*n).to_owned(), ())).collect();
        assert_eq!(repeated_names(&members), [false, false, true, false, true, true]);
        assert!(repeated_names::<()>(&[]).is_empty());
        // Past 16 members the sorted path is taken; it must agree with the pairwise one.
        let names: Vec<String> = (0..40).map(|i| format!("f{}", i % 25)).collect();
        let members: Vec<(String, ())> = names.iter().map(|n| (n.clone(), ())).collect();
        let expected: Vec<bool> = (0..40).map(|i| i >= 25).collect();
        assert_eq!(repeated_names(&members), expected);
    }
}
