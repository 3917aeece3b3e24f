//! `POST /v1/netpay/bills/preauthed-cancel`: reverse a completed capture (PROTOCOL.md §7,
//! §7.1 step 4).
//!
//! The official sample fills only `merOrderId` beyond the common fields and leaves `billNo`,
//! `billDate` and `authIdRespCd` empty (§7), so those three are optional here: the page's own
//! pattern is "filled in the sample = required" (§7.2). Limits and defaults of fields shared
//! with preauth-cancel are that table's. `merOrderId` is the completion's order id, i.e. the
//! `authedOrderId` sent to `bills/preauthed`.

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

typed_request! {
    /// A completion-reversal request, field by field (`None` = absent).
    PreauthedCancel for PREAUTHED_CANCEL {
        /// `yyyy-MM-dd HH:mm:ss` Beijing time; filled from the clock by the builder when absent.
        request_timestamp,
        /// Merchant number (at most 32 characters).
        mid,
        /// Terminal number (at most 32 characters).
        tid,
        /// Business type; `QRPAYDEFAULT` when absent.
        inst_mid,
        /// The bill's number (optional).
        bill_no,
        /// The bill's date, `yyyy-MM-dd` (optional).
        bill_date,
        /// The completion's order id (the `authedOrderId` of the capture).
        mer_order_id,
        /// The authorization code (optional).
        auth_id_resp_cd,
        /// Message id, echoed back (at most 64 characters).
        msg_id,
        /// Caller's reserved field, echoed back (at most 255 characters).
        src_reserve,
    }
}
