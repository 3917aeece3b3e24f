//! `POST /v1/netpay/bills/preauthed`: complete (capture) a preauthorization (PROTOCOL.md §7,
//! §7.1 step 3).
//!
//! No field table of this page survived (PROTOCOL.md §13 item 8), so the table is the common
//! bills fields plus the capture fields of the official sample, with these choices:
//! * fields shared with preauth-cancel keep that table's limits and defaults;
//! * `authedOrderId` is the completion's own order id, created by the merchant like
//!   `merOrderId`: limit 32 and the msgSrcId prefix, by analogy with preauth-cancel's;
//! * `totalAmount` is the amount to capture, positive integer fen, string or number;
//! * `authedDesc` has no known limit, so none is enforced rather than an invented one.

use super::response::answers;
use super::schema::common::*;
use super::schema::{Row, Source};

operation! {
    /// The capture table.
    PREAUTHED, PREAUTHED_DOC {
        name: "preauthed",
        path: "/v1/netpay/bills/preauthed",
        summary: ("预授权完成", "Complete (capture) a preauthorization: take all or part of the frozen amount"),
        fields: [
            REQUEST_TIMESTAMP,
            MID,
            TID,
            INST_MID,
            BILL_NO,
            BILL_DATE,
            order_id("authedOrderId", true).doc("预授权完成订单号", "Capture order id", "\"31942025010203040500011\"").note("Yours; look the capture up with bills/query").from(Source::PlatformSample),
            AUTH_ID_RESP_CD,
            amount("totalAmount").doc("完成金额", "Capture amount", "\"2100\"").note("Amount to capture, in fen").from(Source::PlatformSample),
            Row::text("authedDesc", false, None).doc("完成描述", "Capture description", "\"room 1203, 1 night\"").from(Source::PlatformSample),
            MSG_ID,
            SRC_RESERVE,
        ],
        response: [
            answers::BILL_NO,
            answers::BILL_DATE,
            answers::BILL_STATUS,
            answers::BILL_PAYMENT,
            answers::TOTAL_AMOUNT,
            answers::COMPLETE_AMOUNT,
        ],
    }
}
