//! `POST /v1/netpay/bills/query`: a bill's status, and with `refundOrderId` or
//! `authedOrderId` a refund's or a completion's (PROTOCOL.md §7; the result of such a look-up
//! is in `refundBillPayment`).
//!
//! Limits and defaults of fields shared with preauth-cancel are that table's. The two look-up
//! ids are merchant-created order ids like `merOrderId`: limit 32 and the msgSrcId prefix. No
//! source says whether both may be sent at once, so that is not refused.

use super::response::answers;
use super::schema::common::*;
use super::schema::Source;

operation! {
    /// The bills/query table.
    BILLS_QUERY, BILLS_QUERY_DOC {
        name: "query",
        path: "/v1/netpay/bills/query",
        summary: ("账单查询", "A bill's status and payment; with refundOrderId or authedOrderId, a refund's or a capture's"),
        fields: [
            REQUEST_TIMESTAMP,
            MID,
            TID,
            INST_MID,
            BILL_NO,
            BILL_DATE,
            order_id("refundOrderId", false).doc("退款订单号", "Refund order id", "\"3194R00001\"").note("Look up this refund (answered in refundBillPayment)").from(Source::PublicClients),
            order_id("authedOrderId", false).doc("预授权完成订单号", "Capture order id", "\"31942025010203040500011\"").note("Look up this capture").from(Source::PublicClients),
            MSG_ID,
            SRC_RESERVE,
        ],
        response: [
            answers::BILL_NO,
            answers::BILL_DATE,
            answers::BILL_STATUS,
            answers::BILL_PAYMENT,
            answers::REFUND_BILL_PAYMENT,
            answers::TOTAL_AMOUNT,
            answers::COMPLETE_AMOUNT,
            answers::BILL_QR_CODE,
            answers::CREATE_TIME,
        ],
    }
}
