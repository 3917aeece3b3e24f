//! The recovery rules (`recovery::decide`) driven by arbitrary answers.
//!
//! Each input byte pair chooses an answer to the step just decided: lost, or an HTTP status
//! with one of a set of bills bodies (every errCode and bill state the rules tell apart, and
//! garbage). Beyond "never panics", it checks that:
//! * a recovery ends within `attempts` requests, with an outcome or a refusal;
//! * a cancel is only decided right after a query answered SUCCESS, and never after one that
//!   showed the bill CLOSED or captured;
//! * after a cancel answered SUCCESS the recovery is over (never two successful cancels);
//! * delays stay within the policy's maximum.
#![no_main]

use chinaums_open::recovery::{decide, start, Answer, Decision, Outcome, RecoveryState, RetryPolicy, Step};
use libfuzzer_sys::fuzz_target;

const BODIES: [&str; 12] = [
    r#"{"errCode":"SUCCESS","billStatus":"PAID","billPayment":{"status":"TRADE_SUCCESS"}}"#,
    r#"{"errCode":"SUCCESS","billStatus":"CLOSED","billPayment":{"status":"TRADE_CLOSED"}}"#,
    r#"{"errCode":"SUCCESS","billStatus":"PAID","completeAmount":100,"billPayment":{"status":"TRADE_SUCCESS"}}"#,
    r#"{"errCode":"SUCCESS","billStatus":"UNPAID"}"#,
    r#"{"errCode":"SUCCESS","billStatus":"REFUND","billPayment":{"status":"TRADE_REFUND"}}"#,
    r#"{"errCode":"SUCCESS"}"#,
    r#"{"errCode":"OPERATION_NOT_ALLOWED","errMsg":"x"}"#,
    r#"{"errCode":"NO_BILL"}"#,
    r#"{"errCode":"SYSTEM_BUSY"}"#,
    r#"{"errCode":"INVALID_ORDER"}"#,
    "<html>503</html>",
    r#"{"errCode":"SUCCESS","errCode":"SUCCESS"}"#,
];
const STATUSES: [u16; 8] = [200, 200, 200, 400, 408, 429, 500, 503];

fn answer(a: u8, b: u8) -> Answer {
    if a % 7 == 0 {
        return Answer::Lost;
    }
    Answer::from_text(STATUSES[usize::from(a) % STATUSES.len()], BODIES[usize::from(b) % BODIES.len()])
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let policy = RetryPolicy { attempts: 2 + u32::from(first % 9), base_delay_ms: 5, max_delay_ms: 40 };
    let mut state = RecoveryState::default();
    let mut decision = start();
    let mut last_query_may_be_frozen = false;
    let mut pairs = rest.chunks_exact(2);
    let mut sent = 0u32;
    loop {
        let Decision::Send { step, delay_ms } = decision else { break };
        assert!(delay_ms <= policy.max_delay_ms, "delay {delay_ms}");
        if step == Step::Cancel {
            assert!(last_query_may_be_frozen, "a cancel decided without a query showing the hold frozen");
        }
        sent += 1;
        assert!(sent <= policy.attempts, "more than {} requests", policy.attempts);
        let (a, b) = pairs.next().map_or((0, 0), |p| (p[0], p[1]));
        let given = answer(a, b);
        let may_be_frozen = step == Step::Query
            && matches!(&given, Answer::Response { status: 200, bill: Some(bill) } if bill.ok && bill.bill_status.as_deref() != Some("CLOSED") && bill.get("completeAmount").is_none());
        let cancel_succeeded = step == Step::Cancel && matches!(&given, Answer::Response { status: 200, bill: Some(bill) } if bill.ok);
        match decide(state, &policy, step, given, f64::from(b) / 256.0) {
            Ok((next_state, next)) => {
                if cancel_succeeded {
                    assert!(matches!(next, Decision::Done { outcome: Outcome::Cancelled, .. }), "{next:?}");
                }
                state = next_state;
                decision = next;
            }
            Err(err) => {
                assert!(!err.message().is_empty());
                break;
            }
        }
        last_query_may_be_frozen = may_be_frozen;
    }
});
