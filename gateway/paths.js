// The paths the emulator serves (PROTOCOL.md §3, §4, §7).

export const TOKEN_PATH = '/v1/token/access';
export const BILLS_PREFIX = '/v1/netpay/bills/';
export const PREAUTH_CANCEL_PATH = '/v1/netpay/bills/preauth-cancel';
export const PREAUTHED_PATH = '/v1/netpay/bills/preauthed';
export const PREAUTHED_CANCEL_PATH = '/v1/netpay/bills/preauthed-cancel';
export const BILLS_QUERY_PATH = '/v1/netpay/bills/query';
export const GET_QRCODE_PATH = '/v1/netpay/bills/get-qrcode';
export const CLOSE_QRCODE_PATH = '/v1/netpay/bills/close-qrcode';
export const REFUND_PATH = '/v1/netpay/bills/refund';

/** The OPEN-FORM-PARAM (GET, H5 redirect) endpoints seen in clients (PROTOCOL.md §4). */
export const FORM_PARAM_PATHS = Object.freeze([
  '/v1/netpay/trade/h5-pay',
  '/v1/netpay/wxpay/h5-pay',
  '/v1/netpay/wxpay/h5-to-minipay',
  '/v1/netpay/uac/order',
  '/v1/netpay/webpay/pay',
]);

/** Where OPEN-FORM-PARAM requests are redirected: the emulator's stand-in cashier page. */
export const CASHIER_PREFIX = '/cashier/';
/** The payer's page of a QR code made by get-qrcode (`?qrCodeId=…`), and its pay button. */
export const CASHIER_QRCODE_PATH = '/cashier/qrcode';
export const CASHIER_PAY_PATH = '/cashier/qrcode/pay';
