//! `POST /v1/netpay/bills/get-qrcode` (create a bill and its QR code, a preauthorization when
//! `preauthTransaction` is true) and `POST /v1/netpay/bills/close-qrcode` (PROTOCOL.md §7).
//!
//! No field table of these pages survived (PROTOCOL.md §13 item 8): the fields and their order
//! are the official get-qrcode sample's, close-qrcode's the clients' (the research is in the
//! closing note of the issue that added them). Limits of fields shared with preauth-cancel are
//! that table's; `billDesc` and `returnUrl` keep the 255 of the legacy API; no limit is
//! invented where no source gives one. Amounts are whole fen; flags are `"true"`/`"false"`
//! (the samples) or JSON booleans (some clients), written as given.

use super::schema::common::*;
use super::schema::{Endpoint, FieldFormat, FieldSpec, ItemFormat};

const GOODS: FieldFormat = FieldFormat::Items(&[
    ("goodsId", ItemFormat::Text),
    ("goodsName", ItemFormat::Text),
    ("quantity", ItemFormat::Count),
    ("price", ItemFormat::AmountOrZero),
    ("goodsCategory", ItemFormat::Text),
    ("body", ItemFormat::Text),
    ("subMerchantId", ItemFormat::Text),
    ("merOrderId", ItemFormat::Text),
    ("subOrderAmount", ItemFormat::AmountOrZero),
]);

/// Split orders: a sub-merchant, its order id and its share in fen.
pub(crate) const SUB_ORDERS: FieldFormat =
    FieldFormat::Items(&[("mid", ItemFormat::Text), ("merOrderId", ItemFormat::Text), ("refundOrderId", ItemFormat::Text), ("totalAmount", ItemFormat::AmountOrZero)]);

const fn optional(name: &'static str, format: FieldFormat) -> FieldSpec {
    FieldSpec::formatted(name, format).optional()
}

/// The get-qrcode table, in the official sample's order.
pub static GET_QRCODE: Endpoint = Endpoint {
    name: "get-qrcode",
    path: "/v1/netpay/bills/get-qrcode",
    fields: &[
        FieldSpec::text("subMchntInfo", false, None),
        REQUEST_TIMESTAMP,
        MID,
        TID,
        INST_MID,
        MSG_ID,
        SRC_RESERVE,
        BILL_NO,
        BILL_DATE,
        FieldSpec::text("billDesc", false, Some(255)),
        FieldSpec::formatted("totalAmount", FieldFormat::Amount),
        optional("divisionFlag", FieldFormat::Flag),
        optional("platformAmount", FieldFormat::AmountOrZero),
        optional("goods", GOODS),
        optional("subOrders", SUB_ORDERS),
        FieldSpec::text("memberId", false, None),
        FieldSpec::text("counterNo", false, None),
        optional("expireTime", FieldFormat::DateTime),
        optional("notifyUrl", FieldFormat::Url),
        FieldSpec { max_chars: Some(255), ..optional("returnUrl", FieldFormat::Url) },
        FieldSpec::text("qrCodeId", false, Some(64)).prefixed(),
        FieldSpec::text("systemId", false, None),
        optional("secureTransaction", FieldFormat::Flag),
        optional("walletOption", FieldFormat::OneOf(&["SINGLE", "MULTIPLE"])),
        FieldSpec::text("name", false, None),
        FieldSpec::text("mobile", false, None),
        FieldSpec::text("certType", false, None),
        FieldSpec::text("certNo", false, None),
        FieldSpec::text("fixBuyer", false, None),
        optional("limitCreditCard", FieldFormat::Flag),
        FieldSpec::text("payInfoQueryAddr", false, None),
        optional("preauthTransaction", FieldFormat::Flag),
        optional("installmentNumber", FieldFormat::Digits),
        optional("retCommParams", FieldFormat::Object),
        FieldSpec::text("attachedData", false, None),
        FieldSpec::text("clientIp", false, None),
    ],
};

typed_request! {
    /// A get-qrcode request, field by field (`None` = absent).
    GetQrcode for GET_QRCODE {
        sub_mchnt_info, request_timestamp, mid, tid, inst_mid, msg_id, src_reserve, bill_no, bill_date, bill_desc,
        total_amount, division_flag, platform_amount, goods, sub_orders, member_id, counter_no, expire_time, notify_url,
        return_url, qr_code_id, system_id, secure_transaction, wallet_option, name, mobile, cert_type, cert_no, fix_buyer,
        limit_credit_card, pay_info_query_addr, preauth_transaction, installment_number, ret_comm_params, attached_data, client_ip,
    }
}

/// The close-qrcode table: the QR code id get-qrcode answered with.
pub static CLOSE_QRCODE: Endpoint = Endpoint {
    name: "close-qrcode",
    path: "/v1/netpay/bills/close-qrcode",
    fields: &[
        REQUEST_TIMESTAMP,
        MID,
        TID,
        INST_MID,
        FieldSpec::text("qrCodeId", true, Some(64)),
        MSG_ID,
        SRC_RESERVE,
        optional("attachRefund", FieldFormat::Flag),
    ],
};

typed_request! {
    /// A close-qrcode request, field by field (`None` = absent).
    CloseQrcode for CLOSE_QRCODE {
        request_timestamp, mid, tid, inst_mid, qr_code_id, msg_id, src_reserve, attach_refund,
    }
}
