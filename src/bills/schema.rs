//! Operation tables: what each bills operation accepts and answers, as data, so that every
//! operation is validated and serialized by the same code, and the package's API, types,
//! admin-panel forms and documentation are generated from the same rows.
//!
//! Each operation module declares its table once with [`operation!`]: the rules
//! ([`Endpoint`], read by validation and compiled into the wasm module) and the documentation
//! ([`Operation`]: labels, examples, sources, response shape; read only by the generator, so
//! it costs the module nothing) come from the same rows, in the same order.

/// The shape a field's value must have. Values are written back exactly as given (a string
/// and a number are different signed bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldFormat {
    /// Any text (within the length limit).
    Text,
    /// A real calendar date-time, `yyyy-MM-dd HH:mm:ss`.
    DateTime,
    /// A real calendar date, `yyyy-MM-dd`.
    Date,
    /// A positive whole number of fen, given either as a JSON string of digits (`"100"`, as in
    /// the official samples) or as an integer JSON number (`100`, as some clients send).
    Amount,
    /// As [`Amount`](Self::Amount), zero allowed (a platform's share, a unit price).
    AmountOrZero,
    /// `"true"` / `"false"` (the official samples) or a JSON boolean (some clients).
    Flag,
    /// An `http://` or `https://` URL.
    Url,
    /// Digits only (a count such as `installmentNumber`).
    Digits,
    /// One of these words.
    OneOf(&'static [&'static str]),
    /// A JSON array of objects whose listed members, when present, have these formats (other
    /// members are kept as given).
    Items(&'static [(&'static str, ItemFormat)]),
    /// A JSON object, kept as given.
    Object,
}

/// The format of a member of an item of a [`FieldFormat::Items`] array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemFormat {
    /// A JSON string.
    Text,
    /// A positive amount of fen (string of digits or integer).
    Amount,
    /// An amount of fen, zero allowed.
    AmountOrZero,
    /// A whole number of at least 1 (string of digits or integer).
    Count,
}

/// Where a missing field's value comes from when a request is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldDefault {
    /// The current Beijing time, `yyyy-MM-dd HH:mm:ss`.
    RequestTime,
    /// A constant.
    Constant(&'static str),
}

/// The rules of one field: what validation and serialization read.
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

/// Where a field of a table comes from: the platform's own page wins; where it is silent, what
/// public integrations send is accepted (and which one is said).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The platform's API page for the operation (its field table).
    PlatformPage,
    /// The platform's sample request for the operation.
    PlatformSample,
    /// Public clients agree (maczh Go, majiameng PHP, CrackerSW, dax-pay).
    PublicClients,
    /// The majiameng PHP client only.
    Majiameng,
    /// A public TypeScript integration of these APIs only.
    TypeScriptIntegration,
    /// This library's rule where the sources are silent (said in the field's description).
    Library,
}

impl Source {
    /// The source, in words, for generated documentation.
    pub fn describe(self) -> &'static str {
        match self {
            Source::PlatformPage => "the platform's API page",
            Source::PlatformSample => "the platform's sample request",
            Source::PublicClients => "public clients",
            Source::Majiameng => "the majiameng PHP client",
            Source::TypeScriptIntegration => "a public TypeScript integration",
            Source::Library => "this library",
        }
    }
}

/// What documentation says about a field: labels, an example value (JSON text), its source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldDoc {
    /// The platform's own name for it (Chinese).
    pub label_zh: &'static str,
    /// The same in English, as short.
    pub label_en: &'static str,
    /// What to put there, when the label does not say it all (English).
    pub note: &'static str,
    /// An example value as JSON text (`"2100"` is a string, `2100` a number).
    pub example: &'static str,
    /// Where the field comes from.
    pub source: Source,
}

/// One row of a table: the rules and the documentation of a field, written together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    /// The rules.
    pub spec: FieldSpec,
    /// The documentation.
    pub doc: FieldDoc,
}

impl Row {
    pub(crate) const fn text(name: &'static str, required: bool, max_chars: Option<usize>) -> Self {
        let spec = FieldSpec { name, required, max_chars, format: FieldFormat::Text, default: None, msg_src_prefixed: false };
        Row { spec, doc: FieldDoc { label_zh: "", label_en: "", note: "", example: "", source: Source::PlatformPage } }
    }

    pub(crate) const fn formatted(name: &'static str, format: FieldFormat) -> Self {
        let row = Row::text(name, true, None);
        Row { spec: FieldSpec { format, ..row.spec }, ..row }
    }

    pub(crate) const fn optional(self) -> Self {
        Row { spec: FieldSpec { required: false, ..self.spec }, ..self }
    }

    pub(crate) const fn max(self, max_chars: usize) -> Self {
        Row { spec: FieldSpec { max_chars: Some(max_chars), ..self.spec }, ..self }
    }

    pub(crate) const fn defaulting(self, default: FieldDefault) -> Self {
        Row { spec: FieldSpec { default: Some(default), ..self.spec }, ..self }
    }

    pub(crate) const fn prefixed(self) -> Self {
        Row { spec: FieldSpec { msg_src_prefixed: true, ..self.spec }, ..self }
    }

    /// Labels and an example (JSON text).
    pub(crate) const fn doc(self, label_zh: &'static str, label_en: &'static str, example: &'static str) -> Self {
        Row { doc: FieldDoc { label_zh, label_en, example, ..self.doc }, ..self }
    }

    /// What to put there (English), when the label does not say it all.
    pub(crate) const fn note(self, note: &'static str) -> Self {
        Row { doc: FieldDoc { note, ..self.doc }, ..self }
    }

    pub(crate) const fn from(self, source: Source) -> Self {
        Row { doc: FieldDoc { source, ..self.doc }, ..self }
    }
}

/// A bills operation's rules: its path and its request fields in the platform table's order.
#[derive(Clone, Copy)]
pub struct Endpoint {
    /// Short name (the last path segment), for messages.
    pub name: &'static str,
    /// Path below the gateway's base URL.
    pub path: &'static str,
    /// Request fields.
    pub fields: &'static [FieldSpec],
    /// Optional fields of which at least one must be given (the sources name the object either
    /// way); empty for most operations.
    pub one_of: &'static [&'static str],
}

impl PartialEq for Endpoint {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path
    }
}

impl core::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Endpoint").field("name", &self.name).field("path", &self.path).finish_non_exhaustive()
    }
}

impl Endpoint {
    /// The index of the field named exactly `name`.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
}

/// The shape of a member of a response, for generated types and documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseType {
    /// A string.
    Text,
    /// An amount, always integer fen once parsed (the platform writes numbers or digits).
    Fen,
    /// One of these words, or another the platform adds later.
    Word(&'static [&'static str]),
    /// A payment: `billPayment`, `refundBillPayment` (an object once parsed).
    Payment,
}

/// A member of an operation's response beyond the envelope every bills response has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResponseField {
    /// The JSON member name.
    pub name: &'static str,
    /// Its shape.
    pub kind: ResponseType,
    /// What it is (English).
    pub doc: &'static str,
}

/// A bills operation's documentation, next to its rules.
#[derive(Clone, Copy, Debug)]
pub struct Operation {
    /// The rules.
    pub endpoint: &'static Endpoint,
    /// What it does, in Chinese and English.
    pub summary: (&'static str, &'static str),
    /// One entry per field of `endpoint`, same order.
    pub fields: &'static [FieldDoc],
    /// Members of the response beyond the envelope ([`super::response::answers::ENVELOPE`]).
    pub response: &'static [ResponseField],
}

/// Declares an operation's rules and documentation from one list of [`Row`]s.
macro_rules! operation {
    ($(#[$meta:meta])* $endpoint:ident, $operation:ident {
        name: $name:literal,
        path: $path:literal,
        summary: ($zh:literal, $en:literal),
        $(one_of: [$($one:literal),*],)?
        fields: [$($row:expr),* $(,)?],
        response: [$($response:expr),* $(,)?] $(,)?
    }) => {
        $(#[$meta])*
        pub static $endpoint: $crate::bills::Endpoint = $crate::bills::Endpoint {
            name: $name,
            path: $path,
            fields: &[$($row.spec),*],
            one_of: &[$($($one),*)?],
        };

        /// The documentation of the same table (read by the generator only).
        pub static $operation: $crate::bills::Operation = $crate::bills::Operation {
            endpoint: &$endpoint,
            summary: ($zh, $en),
            fields: &[$($row.doc),*],
            response: &[$($response),*],
        };
    };
}

/// A response member.
pub(crate) const fn answer(name: &'static str, kind: ResponseType, doc: &'static str) -> ResponseField {
    ResponseField { name, kind, doc }
}

/// The rows several tables share, with the limits of the platform's preauth-cancel page
/// (docs/PROTOCOL.md §7.2); each table lists them in its own order.
pub(crate) mod common {
    use super::{FieldDefault, FieldFormat, Row, Source};

    /// `requestTimestamp`: filled from the clock when absent.
    pub const REQUEST_TIMESTAMP: Row = Row::formatted("requestTimestamp", FieldFormat::DateTime)
        .defaulting(FieldDefault::RequestTime)
        .doc("报文请求时间", "Request time", "\"2025-01-02 03:04:05\"").note("Beijing time; filled from the clock when absent");
    /// `mid`, the merchant number.
    pub const MID: Row = Row::text("mid", true, Some(32)).doc("商户号", "Merchant number", "\"898201612345678\"");
    /// `tid`, the terminal number.
    pub const TID: Row = Row::text("tid", true, Some(32)).doc("终端号", "Terminal number", "\"88880001\"");
    /// `instMid`, the business type: `QRPAYDEFAULT` when absent.
    pub const INST_MID: Row = Row::text("instMid", true, None)
        .defaulting(FieldDefault::Constant("QRPAYDEFAULT"))
        .doc("业务类型", "Business type", "\"QRPAYDEFAULT\"").note("QRPAYDEFAULT when absent");
    /// `billNo`, starting with the msgSrcId.
    pub const BILL_NO: Row = Row::text("billNo", true, Some(31))
        .prefixed()
        .doc("账单号", "Bill number", "\"3194202501020304050001\"");
    /// `billDate`, `yyyy-MM-dd`.
    pub const BILL_DATE: Row =
        Row::formatted("billDate", FieldFormat::Date).doc("账单日期", "Bill date", "\"2025-01-02\"").note("The day the bill was created");
    /// `authIdRespCd`, the preauth's authorization code.
    pub const AUTH_ID_RESP_CD: Row = Row::text("authIdRespCd", true, Some(64))
        .doc("授权标识应答码", "Auth code", "\"000665\"").note("The preauthorization's authorization code (from the notification or bills/query)");
    /// `msgId`, echoed back.
    pub const MSG_ID: Row = Row::text("msgId", false, Some(64)).doc("消息ID", "Message id", "\"m-0001\"").note("Echoed back");
    /// `srcReserve`, echoed back.
    pub const SRC_RESERVE: Row =
        Row::text("srcReserve", false, Some(255)).doc("请求系统预留字段", "Reserved", "\"\"").note("For the caller, echoed back");
    /// A merchant-created order id (`merOrderId`, `authedOrderId`, `refundOrderId`): at most 32
    /// characters, starting with the msgSrcId.
    pub const fn order_id(name: &'static str, required: bool) -> Row {
        Row::text(name, required, Some(32)).prefixed()
    }
    /// An amount in fen.
    pub const fn amount(name: &'static str) -> Row {
        Row::formatted(name, FieldFormat::Amount)
    }
    /// An optional field of a given format (sources other than the page say what they send).
    pub const fn optional(name: &'static str, format: FieldFormat) -> Row {
        Row::formatted(name, format).optional().from(Source::PlatformSample)
    }
}
