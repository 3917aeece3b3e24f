//! Field tables: what each bills endpoint accepts, as data, so that every endpoint is
//! validated and serialized by the same code.

/// The shape a field's text must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldFormat {
    /// Any text (within the length limit).
    Text,
    /// A real calendar date-time, `yyyy-MM-dd HH:mm:ss`.
    DateTime,
    /// A real calendar date, `yyyy-MM-dd`.
    Date,
    /// A positive whole number of fen, given either as a JSON string of digits (`"100"`, as in
    /// the official samples) or as an integer JSON number (`100`, as some clients send), and
    /// written back exactly as given: the two spellings are different signed bytes.
    Amount,
}

/// Where a missing field's value comes from when a request is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldDefault {
    /// The current Beijing time, `yyyy-MM-dd HH:mm:ss`.
    RequestTime,
    /// A constant.
    Constant(&'static str),
}

/// One row of an endpoint's field table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    /// The JSON member name.
    pub name: &'static str,
    /// Whether the platform requires it.
    pub required: bool,
    /// Maximum length in characters (Unicode scalar values), from the platform's table.
    pub max_chars: Option<usize>,
    /// Required shape.
    pub format: FieldFormat,
    /// Filled in by the builder when absent or empty.
    pub default: Option<FieldDefault>,
    /// Must start with the merchant's 4-character msgSrcId when one is configured.
    pub msg_src_prefixed: bool,
}

impl FieldSpec {
    pub(crate) const fn text(name: &'static str, required: bool, max_chars: Option<usize>) -> Self {
        FieldSpec {
            name,
            required,
            max_chars,
            format: FieldFormat::Text,
            default: None,
            msg_src_prefixed: false,
        }
    }

    pub(crate) const fn formatted(name: &'static str, format: FieldFormat) -> Self {
        FieldSpec { format, ..FieldSpec::text(name, true, None) }
    }

    pub(crate) const fn optional(self) -> Self {
        FieldSpec { required: false, ..self }
    }

    pub(crate) const fn defaulting(self, default: FieldDefault) -> Self {
        FieldSpec { default: Some(default), ..self }
    }

    pub(crate) const fn prefixed(self) -> Self {
        FieldSpec { msg_src_prefixed: true, ..self }
    }
}

/// A bills endpoint: its path and its request fields in the platform table's order, which is
/// also the order they are serialized in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// Short name, for messages.
    pub name: &'static str,
    /// Path below the gateway's base URL.
    pub path: &'static str,
    /// Request fields.
    pub fields: &'static [FieldSpec],
}

impl Endpoint {
    /// The index of the field named exactly `name`.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
}
