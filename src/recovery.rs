//! Resolving a preauthorization whose outcome is unknown (the platform's page: when a payment call returns
//! no clear result, the merchant cancels the transaction with preauth-cancel). The rules, as a
//! pure function of the state so far and the last answer:
//!
//! * the state of the hold is unknown at first: **query** it (`bills/query`);
//! * cancel (`bills/preauth-cancel`) **only** a hold the last query showed frozen;
//! * after a cancel whose answer was lost or failed (a network error, a timeout, a 5xx, a busy
//!   platform), or that the platform refused as not allowed, **query again** before anything
//!   else: the cancel may have been applied, or the hold may have changed meanwhile;
//! * a hold the platform shows voided is `already-cancelled` (never cancelled twice), one with a
//!   standing capture is `captured` (never cancelled), one not frozen at all (unpaid, refunded,
//!   no such bill, not a preauthorization) is `not-frozen`;
//! * transient failures are retried with exponential backoff and jitter, up to a number of
//!   requests; once they are spent the outcome is `unknown` (the caller must try later: funds
//!   may still be held);
//! * an answer that says the request itself is wrong (a bad signature, a wrong authorization
//!   code, a malformed field) ends with an error: retrying would not change it.
//!
//! The host runs the loop (it owns the network and the timers): it sends what the decision
//! says after the delay it says, and hands the answer back.
//!
//! [`decide`] is the in-call loop (`ChinaumsClient.cancelPreauth`: a few quick retries, then
//! `unknown`); [`durable`] is the same rules with a state the host persists between steps, a
//! schedule of days instead of seconds, and a crash at any point read back as a lost answer.

pub mod durable;
#[cfg(test)]
mod durable_tests;
mod stored;

pub use stored::{KIND as STATE_KIND, VERSION as STATE_VERSION};

use serde::Serialize;

use crate::bills::BillsResponse;
use crate::error::{Error, ErrorCode, Result};
use crate::json::Json;

/// How hard to try.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Most requests (queries and cancels) in one recovery, at least 2.
    pub attempts: u32,
    /// Delay before the first retry, in ms; each further one doubles it.
    pub base_delay_ms: u64,
    /// Longest delay, in ms.
    pub max_delay_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { attempts: 6, base_delay_ms: 200, max_delay_ms: 5_000 }
    }
}

/// Most requests in one recovery.
pub const MAX_ATTEMPTS: u32 = 100;
/// Longest delay between two requests: ten minutes.
pub const MAX_DELAY_MS: u64 = 600_000;

impl RetryPolicy {
    /// Checks a policy a host gave.
    pub fn checked(self) -> Result<Self> {
        if !(2..=MAX_ATTEMPTS).contains(&self.attempts) {
            return Err(Error::new(
                ErrorCode::FieldFormat,
                "retry.attempts",
                format!("retry.attempts must be a whole number from 2 (a query and a cancel) to {MAX_ATTEMPTS}"),
            ));
        }
        if self.base_delay_ms > self.max_delay_ms || self.max_delay_ms > MAX_DELAY_MS {
            return Err(Error::new(
                ErrorCode::FieldFormat,
                "retry.maxDelayMs",
                format!("retry.baseDelayMs must be at most retry.maxDelayMs, and that at most {MAX_DELAY_MS} (10 minutes)"),
            ));
        }
        Ok(self)
    }
}

/// What to send next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// `bills/query`
    Query,
    /// `bills/preauth-cancel`
    Cancel,
}

/// How a recovery ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Our cancel was answered SUCCESS: the hold is released.
    Cancelled,
    /// The platform shows the hold voided (by an earlier cancel, ours or another's).
    AlreadyCancelled,
    /// The hold was captured: nothing is cancelled; refund or reverse the capture instead.
    Captured,
    /// There is no frozen hold: unpaid, refunded, closed, no such bill, or not a preauthorization.
    NotFrozen,
    /// The retries were spent without a clear answer: funds may still be held; try again later.
    Unknown,
}

/// The names steps and outcomes have in answers, stored states and the package's types (one
/// owner: serialization, parsing and the generated `RecoveryOutcome` type use these).
macro_rules! named {
    ($kind:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $kind {
            /// Every value, in declaration order.
            pub const ALL: &'static [$kind] = &[$($kind::$variant),+];

            /// Its name.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($kind::$variant => $name),+
                }
            }

            /// The value of that name.
            pub fn named(name: &str) -> Option<$kind> {
                Self::ALL.iter().copied().find(|value| value.as_str() == name)
            }
        }

        impl Serialize for $kind {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

named!(Step { Query => "query", Cancel => "cancel" });
named!(Outcome { Cancelled => "cancelled", AlreadyCancelled => "already-cancelled", Captured => "captured", NotFrozen => "not-frozen", Unknown => "unknown" });

/// An answer to a step: the HTTP status and the body read as a bills response (`None` when it
/// is not one), or no answer at all (a network error, a dropped connection, a timeout).
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// A response arrived.
    Response {
        /// The HTTP status.
        status: u16,
        /// The body, parsed ([`Answer::from_text`] parses it).
        bill: Option<BillsResponse>,
    },
    /// None did.
    Lost,
}

impl Answer {
    /// A response with its body text, parsed as a bills response.
    pub fn from_text(status: u16, body: &str) -> Answer {
        Answer::Response { status, bill: BillsResponse::parse(body).ok() }
    }
}

/// The decision after an answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum Decision {
    /// Send `step` after `delay_ms`.
    Send {
        /// What to send.
        step: Step,
        /// How long to wait first, in ms.
        #[serde(rename = "delayMs")]
        delay_ms: u64,
    },
    /// Stop.
    Done {
        /// How it ended.
        outcome: Outcome,
        /// The last parsed answer about the bill, if any.
        bill: Option<BillsResponse>,
    },
}

/// Where a recovery stands: everything the rules look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct RecoveryState {
    /// Requests sent so far.
    pub sent: u32,
    /// Consecutive answers that were failures (for the backoff).
    pub failures: u32,
    /// The platform refused a cancel as not allowed after a query showed the hold frozen: if a
    /// query shows it frozen again, it cannot be cancelled (not a preauthorization).
    pub cancel_refused: bool,
}

/// Business codes that mean "try again" (PROTOCOL.md §9.2).
const TRANSIENT: &[&str] = &["SYSTEM_BUSY", "INTERNAL_ERROR", "TIMEOUT", "ORDER_PROCESSING", "TXN_DISCARDED", "NET_ERROR", "TARGET_FAIL"];

/// The first decision: query, at once.
pub fn start() -> Decision {
    Decision::Send { step: Step::Query, delay_ms: 0 }
}

/// What the rules say after an answer, before any policy applies: send `step` (`retry`: after a
/// failure, so a backoff comes first; otherwise at once), or stop with an outcome. The in-call
/// loop ([`decide`]) and the durable one ([`durable`]) differ only in how they wait and when
/// they give up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    Send { step: Step, retry: bool },
    Done(Outcome),
}

/// The rules themselves: the next state and verdict after `answer` to `step`, with the parsed
/// answer; the platform's refusal of a request that is wrong in itself is an error.
pub(crate) fn rule(state: RecoveryState, step: Step, answer: Answer) -> Result<(RecoveryState, Verdict, Option<BillsResponse>)> {
    let mut state = RecoveryState { sent: state.sent.saturating_add(1), ..state };
    let (status, parsed) = match answer {
        Answer::Response { status, bill } => (Some(status), bill),
        Answer::Lost => (None, None),
    };
    let code = parsed.as_ref().map(|r| r.err_code.as_str());
    // A definite refusal of the request itself: retrying would not change it.
    let permanent = match (status, code) {
        // 408 and 429 are the platform asking for time, not a refusal.
        (Some(408 | 429), _) => false,
        (Some(400..=499), _) => true,
        (Some(200..=299), Some(code)) => code != "SUCCESS" && !TRANSIENT.contains(&code) && !matches!((step, code), (Step::Cancel, "OPERATION_NOT_ALLOWED") | (Step::Query, "NO_BILL" | "NO_ORDER")),
        _ => false,
    };
    if permanent {
        return Err(refused(step, status, parsed.as_ref()));
    }
    let answered = matches!(status, Some(200..=299)) && code.is_some_and(|c| !TRANSIENT.contains(&c));
    let response = match parsed {
        Some(response) if answered => response,
        // Lost, 5xx, not a bills answer, or busy: after a query, query again; after a cancel,
        // query first (it may have been applied). A busy answer is still the last word heard.
        unclear => {
            state.failures = state.failures.saturating_add(1);
            return Ok((state, Verdict::Send { step: Step::Query, retry: true }, unclear));
        }
    };
    state.failures = 0;
    let verdict = match step {
        Step::Cancel if response.ok => Verdict::Done(Outcome::Cancelled),
        // Not allowed: voided or captured meanwhile, or not a preauthorization; learn which.
        Step::Cancel => {
            state.cancel_refused = true;
            Verdict::Send { step: Step::Query, retry: false }
        }
        Step::Query => match hold(&response) {
            Hold::Voided => Verdict::Done(Outcome::AlreadyCancelled),
            Hold::Captured => Verdict::Done(Outcome::Captured),
            Hold::Absent => Verdict::Done(Outcome::NotFrozen),
            Hold::Frozen if state.cancel_refused => Verdict::Done(Outcome::NotFrozen),
            Hold::Frozen => Verdict::Send { step: Step::Cancel, retry: false },
            Hold::Unclear => {
                state.failures = state.failures.saturating_add(1);
                Verdict::Send { step: Step::Query, retry: true }
            }
        },
    };
    Ok((state, verdict, Some(response)))
}

/// The next state and decision after `answer` to `step`. `jitter` in `[0, 1)` spreads retries
/// (the host's randomness: injected in tests).
pub fn decide(state: RecoveryState, policy: &RetryPolicy, step: Step, answer: Answer, jitter: f64) -> Result<(RecoveryState, Decision)> {
    let (state, verdict, bill) = rule(state, step, answer)?;
    let decision = match verdict {
        Verdict::Done(outcome) => Decision::Done { outcome, bill },
        // Every request counts, the immediate ones too: `attempts` bounds the whole call.
        Verdict::Send { .. } if state.sent >= policy.attempts => Decision::Done { outcome: Outcome::Unknown, bill },
        Verdict::Send { step, retry } => {
            let delay_ms = if retry { backoff(policy.base_delay_ms, policy.max_delay_ms, state.failures, jitter) } else { 0 };
            Decision::Send { step, delay_ms }
        }
    };
    Ok((state, decision))
}

/// The delay before retry number `n` (from 1): `base` doubled each time, capped at `max`, then
/// drawn between half of it and all of it by `jitter` (exponential backoff with jitter).
pub(crate) fn backoff(base_ms: u64, max_ms: u64, n: u32, jitter: f64) -> u64 {
    let doubled = base_ms.saturating_mul(1u64 << n.saturating_sub(1).min(20));
    // A host's randomness that is not a number in [0, 1] spreads nothing rather than failing.
    let jitter = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 0.5 };
    // The callers cap `max_ms` far below 2^53 (days at most), so the conversions are exact
    // enough and cannot overflow.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
    let delay = (doubled.min(max_ms) as f64 * (0.5 + jitter / 2.0)).round() as u64;
    delay
}

/// Members of a preauth-cancel input that name the hold, and so the bills/query of it. The
/// cancel's `requestTimestamp` and `msgId` stay its own: each request gets fresh ones.
const QUERY_MEMBERS: [&str; 6] = ["mid", "tid", "instMid", "billNo", "billDate", "srcReserve"];

/// The bills/query input for the hold a preauth-cancel input (JSON text) names.
pub fn query_input(cancel_input: &str) -> Result<String> {
    let Json::Object(members) = crate::json::parse(cancel_input).map_err(|e| e.into_error("input"))? else {
        return Err(Error::whole(ErrorCode::FieldType, "the preauth-cancel input must be an object"));
    };
    let kept: Vec<(String, Json)> = members.into_iter().filter(|(name, _)| QUERY_MEMBERS.contains(&name.as_str())).collect();
    serde_json::to_string(&Json::Object(kept)).map_err(|e| Error::whole(ErrorCode::Internal, format!("the query input could not be written: {e}")))
}

/// What a bills/query answer says of the hold.
enum Hold {
    Frozen,
    Voided,
    Captured,
    Absent,
    Unclear,
}

fn hold(response: &BillsResponse) -> Hold {
    if matches!(response.err_code.as_str(), "NO_BILL" | "NO_ORDER") {
        return Hold::Absent;
    }
    let payment_status = response.bill_payment.as_ref().and_then(|p| p.get("status")).and_then(Json::as_str);
    let captured = response.get("completeAmount").is_some_and(|a| matches!(a, Json::Number(n) if n.as_u64().is_some_and(|n| n > 0)));
    match (response.bill_status.as_deref(), payment_status) {
        (Some("CLOSED"), Some("TRADE_CLOSED")) => Hold::Voided,
        (Some("PAID"), _) if captured => Hold::Captured,
        (Some("PAID"), Some("TRADE_SUCCESS")) => Hold::Frozen,
        (Some("UNPAID" | "REFUND" | "CLOSED"), _) | (Some("PAID"), Some(_)) => Hold::Absent,
        // UNKNOWN (or UNKNOW), no status, anything new: in progress.
        _ => Hold::Unclear,
    }
}

fn refused(step: Step, status: Option<u16>, response: Option<&BillsResponse>) -> Error {
    let endpoint = match step {
        Step::Query => "bills/query",
        Step::Cancel => "bills/preauth-cancel",
    };
    let code = response.map_or_else(|| format!("HTTP {}", status.unwrap_or(0)), |r| r.err_code.clone());
    let said = response.and_then(|r| r.err_msg.clone()).filter(|m| !m.is_empty());
    let what = crate::error::platform_said(&code, said.as_deref());
    Error::platform(
        code,
        said,
        format!("{endpoint} was refused with {what}: the request itself is wrong (credentials, signature, msgSrcId or a field), so it is not retried; the hold's state is unchanged by it"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const FROZEN: &str = r#"{"errCode":"SUCCESS","billStatus":"PAID","billPayment":{"status":"TRADE_SUCCESS","totalAmount":2100}}"#;
    const VOIDED: &str = r#"{"errCode":"SUCCESS","billStatus":"CLOSED","billPayment":{"status":"TRADE_CLOSED"}}"#;
    const CAPTURED: &str = r#"{"errCode":"SUCCESS","billStatus":"PAID","completeAmount":2100,"billPayment":{"status":"TRADE_SUCCESS"}}"#;
    const OK: &str = r#"{"errCode":"SUCCESS","billStatus":"CLOSED"}"#;

    fn ok(body: &str) -> Answer {
        Answer::from_text(200, body)
    }

    /// Runs the rules over scripted answers; returns the steps sent and the end.
    fn run(answers: &[Answer]) -> (Vec<Step>, Result<Decision>) {
        let policy = RetryPolicy::default();
        let (mut state, mut decision, mut steps) = (RecoveryState::default(), start(), Vec::new());
        for answer in answers {
            let Decision::Send { step, .. } = decision else { break };
            steps.push(step);
            match decide(state, &policy, step, answer.clone(), 0.5) {
                Ok((s, d)) => (state, decision) = (s, d),
                Err(e) => return (steps, Err(e)),
            }
        }
        (steps, Ok(decision))
    }

    fn outcome(result: &Result<Decision>) -> Option<Outcome> {
        match result {
            Ok(Decision::Done { outcome, .. }) => Some(*outcome),
            _ => None,
        }
    }

    #[test]
    fn a_frozen_hold_is_queried_then_cancelled() {
        let (steps, end) = run(&[ok(FROZEN), ok(OK)]);
        assert_eq!((steps, outcome(&end)), (vec![Step::Query, Step::Cancel], Some(Outcome::Cancelled)));
    }

    #[test]
    fn a_lost_cancel_answer_is_followed_by_a_query_never_a_second_cancel_of_a_voided_hold() {
        let (steps, end) = run(&[ok(FROZEN), Answer::Lost, ok(VOIDED)]);
        assert_eq!((steps, outcome(&end)), (vec![Step::Query, Step::Cancel, Step::Query], Some(Outcome::AlreadyCancelled)));
        // A 503 before applying: the query shows it still frozen, and only then is it cancelled again.
        let (steps, end) = run(&[ok(FROZEN), Answer::from_text(503, "busy"), ok(FROZEN), ok(OK)]);
        assert_eq!((steps, outcome(&end)), (vec![Step::Query, Step::Cancel, Step::Query, Step::Cancel], Some(Outcome::Cancelled)));
    }

    #[test]
    fn captured_absent_and_refused_holds_are_never_cancelled() {
        assert_eq!(outcome(&run(&[ok(CAPTURED)]).1), Some(Outcome::Captured));
        assert_eq!(outcome(&run(&[ok(r#"{"errCode":"NO_BILL"}"#)]).1), Some(Outcome::NotFrozen));
        assert_eq!(outcome(&run(&[ok(r#"{"errCode":"SUCCESS","billStatus":"UNPAID"}"#)]).1), Some(Outcome::NotFrozen));
        // Captured meanwhile: the cancel is refused, the query shows the capture.
        let refused = ok(r#"{"errCode":"OPERATION_NOT_ALLOWED"}"#);
        let (steps, end) = run(&[ok(FROZEN), refused.clone(), ok(CAPTURED)]);
        assert_eq!((steps, outcome(&end)), (vec![Step::Query, Step::Cancel, Step::Query], Some(Outcome::Captured)));
        // An ordinary payment looks frozen; refused once, it is not cancelled again.
        let (steps, end) = run(&[ok(FROZEN), refused, ok(FROZEN)]);
        assert_eq!((steps.len(), outcome(&end)), (3, Some(Outcome::NotFrozen)));
    }

    #[test]
    fn the_query_names_the_same_hold_with_its_own_timestamp_and_message_id() {
        let cancel = r#"{"requestTimestamp":"2025-01-02 03:04:05","msgId":"m1","mid":"898","tid":"01","billNo":"3194A","billDate":"2025-01-02","merOrderId":"3194M","authIdRespCd":"000665"}"#;
        assert_eq!(query_input(cancel).unwrap(), r#"{"mid":"898","tid":"01","billNo":"3194A","billDate":"2025-01-02"}"#);
        assert_eq!(query_input("[1]").unwrap_err().code(), ErrorCode::FieldType);
        assert_eq!(query_input("{").unwrap_err().code(), ErrorCode::InvalidJson);
    }

    #[test]
    fn failures_back_off_and_end_unknown_and_bad_requests_end_with_an_error() {
        let policy = RetryPolicy { attempts: 3, base_delay_ms: 100, max_delay_ms: 150 };
        let (state, first) = decide(RecoveryState::default(), &policy, Step::Query, Answer::Lost, 0.0).unwrap();
        assert_eq!(first, Decision::Send { step: Step::Query, delay_ms: 50 });
        let (state, second) = decide(state, &policy, Step::Query, Answer::from_text(502, ""), 1.0).unwrap();
        assert_eq!(second, Decision::Send { step: Step::Query, delay_ms: 150 }, "doubled, capped at maxDelayMs");
        let (_, odd) = decide(RecoveryState { failures: 1, ..RecoveryState::default() }, &policy, Step::Query, Answer::Lost, f64::NAN).unwrap();
        assert!(matches!(odd, Decision::Send { delay_ms: 113, .. }), "{odd:?}");
        let (_, third) = decide(state, &policy, Step::Query, ok(r#"{"errCode":"SYSTEM_BUSY"}"#), 0.5).unwrap();
        assert!(matches!(third, Decision::Done { outcome: Outcome::Unknown, .. }));
        let err = decide(RecoveryState::default(), &policy, Step::Cancel, ok(r#"{"errCode":"INVALID_ORDER","errMsg":"auth code"}"#), 0.5).unwrap_err();
        assert_eq!((err.code(), err.platform_code()), (ErrorCode::Platform, Some("INVALID_ORDER")));
        let err = decide(RecoveryState::default(), &policy, Step::Query, Answer::from_text(401, r#"{"errCode":"BAD_SIGN"}"#), 0.5).unwrap_err();
        assert_eq!(err.platform_code(), Some("BAD_SIGN"));
        let (_, slow_down) = decide(RecoveryState::default(), &policy, Step::Cancel, Answer::from_text(429, ""), 0.0).unwrap();
        assert_eq!(slow_down, Decision::Send { step: Step::Query, delay_ms: 50 }, "429 is a failure to retry, and the cancel is followed by a query");
        assert!(RetryPolicy { attempts: 1, ..policy }.checked().is_err());
        assert_eq!(RetryPolicy { attempts: 3, base_delay_ms: 0, max_delay_ms: 0 }.checked().unwrap().attempts, 3);
        for (policy, field) in [
            (RetryPolicy { attempts: 1, ..RetryPolicy::default() }, "retry.attempts"),
            (RetryPolicy { attempts: 101, ..RetryPolicy::default() }, "retry.attempts"),
            (RetryPolicy { base_delay_ms: 6_000, ..RetryPolicy::default() }, "retry.maxDelayMs"),
            (RetryPolicy { max_delay_ms: 600_001, base_delay_ms: 0, ..RetryPolicy::default() }, "retry.maxDelayMs"),
        ] {
            assert_eq!(policy.checked().unwrap_err().field(), Some(field));
        }
    }
}
