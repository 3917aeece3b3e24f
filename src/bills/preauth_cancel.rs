//! `POST /v1/netpay/bills/preauth-cancel`: void a preauthorization hold (PROTOCOL.md rule 5).
//! The fields, their order and their limits are the platform's page
//! (its field table and sample, summarized in docs/PROTOCOL.md §7.2), and so is the response.

use super::response::answers;
use super::schema::common::*;

operation! {
    /// The preauth-cancel table.
    PREAUTH_CANCEL, PREAUTH_CANCEL_DOC {
        name: "preauth-cancel",
        path: "/v1/netpay/bills/preauth-cancel",
        summary: ("预授权撤销", "Void a preauthorization hold, releasing the payer's frozen funds"),
        fields: [
            REQUEST_TIMESTAMP,
            MID,
            TID,
            INST_MID,
            BILL_NO,
            BILL_DATE,
            order_id("merOrderId", true).doc("预授权订单号", "Preauth order id", "\"31942025010203040500010\"").note("The preauthorization's payment (billPayment.merOrderId)"),
            AUTH_ID_RESP_CD,
            MSG_ID,
            SRC_RESERVE,
        ],
        response: [
            answers::BILL_NO,
            answers::BILL_DATE,
            answers::BILL_STATUS,
            answers::BILL_PAYMENT,
            answers::BILL_QR_CODE,
            answers::CARD_ATTR,
        ],
    }
}
