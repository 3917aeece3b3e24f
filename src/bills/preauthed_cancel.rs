//! `POST /v1/netpay/bills/preauthed-cancel`: reverse a completed capture (PROTOCOL.md §7,
//! §7.1 step 4).
//!
//! The official sample fills only `merOrderId` beyond the common fields and leaves `billNo`,
//! `billDate` and `authIdRespCd` empty (§7), so those three are optional here: the page's own
//! pattern is "filled in the sample = required" (§7.2). Limits and defaults of fields shared
//! with preauth-cancel are that table's. `merOrderId` is the completion's order id, i.e. the
//! `authedOrderId` sent to `bills/preauthed`.

use super::response::answers;
use super::schema::common::*;
use super::schema::Source;

operation! {
    /// The capture-reversal table.
    PREAUTHED_CANCEL, PREAUTHED_CANCEL_DOC {
        name: "preauthed-cancel",
        path: "/v1/netpay/bills/preauthed-cancel",
        summary: ("预授权完成撤销", "Reverse a capture: the hold stands again, to be captured or voided"),
        fields: [
            REQUEST_TIMESTAMP,
            MID,
            TID,
            INST_MID,
            BILL_NO.optional().from(Source::PlatformSample),
            BILL_DATE.optional().from(Source::PlatformSample),
            order_id("merOrderId", true).doc("预授权完成订单号", "Capture order id", "\"31942025010203040500011\"").note("The authedOrderId sent to bills/preauthed").from(Source::PlatformSample),
            AUTH_ID_RESP_CD.optional().from(Source::PlatformSample),
            MSG_ID,
            SRC_RESERVE,
        ],
        response: [
            answers::BILL_NO,
            answers::BILL_DATE,
            answers::BILL_STATUS,
            answers::BILL_PAYMENT,
        ],
    }
}
