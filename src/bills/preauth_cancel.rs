//! `POST /v1/netpay/bills/preauth-cancel`: void a preauthorization hold (PROTOCOL.md rule 5).

use super::body::BillsBody;
use super::schema::common::*;
use super::schema::Endpoint;

/// The endpoint's field table, in the order of the platform's page
/// (`seed/preauth-cancel-api.txt`), with its maximum lengths.
pub static PREAUTH_CANCEL: Endpoint = Endpoint {
    name: "preauth-cancel",
    path: "/v1/netpay/bills/preauth-cancel",
    fields: &[
        REQUEST_TIMESTAMP,
        MID,
        TID,
        INST_MID,
        BILL_NO,
        BILL_DATE,
        order_id("merOrderId", true),
        AUTH_ID_RESP_CD,
        MSG_ID,
        SRC_RESERVE,
    ],
};

/// A preauth-cancel request, field by field. `None` means absent; absent optional fields are
/// left out of the body, and given ones are kept even when empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreauthCancel {
    /// `yyyy-MM-dd HH:mm:ss` Beijing time; filled from the clock by the builder when absent.
    pub request_timestamp: Option<String>,
    /// Merchant number (at most 32 characters).
    pub mid: Option<String>,
    /// Terminal number (at most 32 characters).
    pub tid: Option<String>,
    /// Business type; `QRPAYDEFAULT` when absent.
    pub inst_mid: Option<String>,
    /// The bill's number (at most 31 characters, starting with the msgSrcId).
    pub bill_no: Option<String>,
    /// The bill's date, `yyyy-MM-dd`.
    pub bill_date: Option<String>,
    /// The preauth payment's order id (at most 32 characters, starting with the msgSrcId).
    pub mer_order_id: Option<String>,
    /// The authorization code of the preauth (at most 64 characters).
    pub auth_id_resp_cd: Option<String>,
    /// Message id, echoed back (at most 64 characters).
    pub msg_id: Option<String>,
    /// Caller's reserved field, echoed back (at most 255 characters).
    pub src_reserve: Option<String>,
}

impl PreauthCancel {
    /// The generic body, ready for [`BillsBody::check`] and [`BillsBody::to_json`].
    pub fn into_body(self) -> BillsBody {
        BillsBody::from_values(
            &PREAUTH_CANCEL,
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
