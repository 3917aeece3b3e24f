//! `POST /v1/netpay/bills/preauthed-cancel`: reverse a completed capture (PROTOCOL.md §7,
//! §7.1 step 4).
//!
//! The official sample fills only `merOrderId` beyond the common fields and leaves `billNo`,
//! `billDate` and `authIdRespCd` empty (§7), so those three are optional here: the page's own
//! pattern is "filled in the sample = required" (§7.2). Limits and defaults of fields shared
//! with preauth-cancel are that table's. `merOrderId` is the completion's order id, i.e. the
//! `authedOrderId` sent to `bills/preauthed`.

use super::body::BillsBody;
use super::schema::{Endpoint, FieldDefault, FieldFormat, FieldSpec};

/// The completion-reversal endpoint's field table, in serialization order.
pub static PREAUTHED_CANCEL: Endpoint = Endpoint {
    name: "preauthed-cancel",
    path: "/v1/netpay/bills/preauthed-cancel",
    fields: &[
        FieldSpec::formatted("requestTimestamp", FieldFormat::DateTime)
            .defaulting(FieldDefault::RequestTime),
        FieldSpec::text("mid", true, Some(32)),
        FieldSpec::text("tid", true, Some(32)),
        FieldSpec::text("instMid", true, None).defaulting(FieldDefault::Constant("QRPAYDEFAULT")),
        FieldSpec::text("billNo", false, Some(31)).prefixed(),
        FieldSpec::formatted("billDate", FieldFormat::Date).optional(),
        FieldSpec::text("merOrderId", true, Some(32)).prefixed(),
        FieldSpec::text("authIdRespCd", false, Some(64)),
        FieldSpec::text("msgId", false, Some(64)),
        FieldSpec::text("srcReserve", false, Some(255)),
    ],
};

/// A completion-reversal request, field by field (`None` = absent).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreauthedCancel {
    /// `yyyy-MM-dd HH:mm:ss` Beijing time; filled from the clock by the builder when absent.
    pub request_timestamp: Option<String>,
    /// Merchant number (at most 32 characters).
    pub mid: Option<String>,
    /// Terminal number (at most 32 characters).
    pub tid: Option<String>,
    /// Business type; `QRPAYDEFAULT` when absent.
    pub inst_mid: Option<String>,
    /// The bill's number (optional).
    pub bill_no: Option<String>,
    /// The bill's date, `yyyy-MM-dd` (optional).
    pub bill_date: Option<String>,
    /// The completion's order id (the `authedOrderId` of the capture).
    pub mer_order_id: Option<String>,
    /// The authorization code (optional).
    pub auth_id_resp_cd: Option<String>,
    /// Message id, echoed back (at most 64 characters).
    pub msg_id: Option<String>,
    /// Caller's reserved field, echoed back (at most 255 characters).
    pub src_reserve: Option<String>,
}

impl PreauthedCancel {
    /// The generic body, ready for [`BillsBody::check`] and [`BillsBody::to_json`].
    pub fn into_body(self) -> BillsBody {
        BillsBody::from_values(
            &PREAUTHED_CANCEL,
            vec![
                self.request_timestamp,
                self.mid,
                self.tid,
                self.inst_mid,
                self.bill_no,
                self.bill_date,
                self.mer_order_id,
                self.auth_id_resp_cd,
                self.msg_id,
                self.src_reserve,
            ],
        )
    }
}
