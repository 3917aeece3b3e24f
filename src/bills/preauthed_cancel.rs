//! `POST /v1/netpay/bills/preauthed-cancel`: reverse a completed capture (PROTOCOL.md §7,
//! §7.1 step 4).
//!
//! The official sample fills only `merOrderId` beyond the common fields and leaves `billNo`,
//! `billDate` and `authIdRespCd` empty (§7), so those three are optional here: the page's own
//! pattern is "filled in the sample = required" (§7.2). Limits and defaults of fields shared
//! with preauth-cancel are that table's. `merOrderId` is the completion's order id, i.e. the
//! `authedOrderId` sent to `bills/preauthed`.

use super::body::BillsBody;
use super::schema::common::*;
use super::schema::Endpoint;

/// The completion-reversal endpoint's field table, in serialization order.
pub static PREAUTHED_CANCEL: Endpoint = Endpoint {
    name: "preauthed-cancel",
    path: "/v1/netpay/bills/preauthed-cancel",
    fields: &[
        REQUEST_TIMESTAMP,
        MID,
        TID,
        INST_MID,
        BILL_NO.optional(),
        BILL_DATE.optional(),
        order_id("merOrderId", true),
        AUTH_ID_RESP_CD.optional(),
        MSG_ID,
        SRC_RESERVE,
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
