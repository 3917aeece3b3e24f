//! Reading a stored durable-recovery state (`DurableRecovery::from_json` and `resume`) from
//! arbitrary text: a database row or a Durable Object's storage can hold anything.
//!
//! Beyond "never panics", it checks that:
//! * a state that is read is one the library could have written: written again, it reads back
//!   equal, and resuming it (a request in flight counted as lost) works;
//! * a state that is refused is refused with `ERR_INVALID_STATE`, never another code: nothing
//!   else about the text can be wrong once it is read as a state.
#![no_main]

use chinaums_open::recovery::durable::DurableRecovery;
use chinaums_open::ErrorCode;
use libfuzzer_sys::fuzz_target;

const NOW: i64 = 1_735_758_245_000;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else { return };
    match DurableRecovery::from_json(text) {
        Ok(state) => {
            let written = state.to_json().expect("a state that was read can be written");
            assert_eq!(DurableRecovery::from_json(&written).as_ref(), Ok(&state));
            DurableRecovery::resume(&written, NOW, 0.5).expect("a state that was read can be resumed");
        }
        Err(err) => assert_eq!(err.code(), ErrorCode::InvalidState, "{err}"),
    }
});
