#!/usr/bin/env bash
# Runs one fuzz target (or all, one after another) under cargo-fuzz with its seed corpus and
# dictionary. New inputs go to fuzz/work/<target> (not committed); the committed seeds in
# fuzz/corpus/<target> are only read. Crashes land in fuzz/artifacts/<target>.
#
#   fuzz/run.sh json_parse              # 10 million executions (the project's bar)
#   fuzz/run.sh all 100000              # every target, 100k executions each (a smoke run)
#   fuzz/run.sh response_parse 0 -max_total_time=600   # time-boxed instead (runs=0: no limit)
#   FUZZ_SANITIZER=address fuzz/run.sh json_parse     # with AddressSanitizer (slower)
#
# Needs a nightly toolchain and cargo-fuzz: rustup toolchain install nightly;
# cargo install cargo-fuzz --locked.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A DICT=(
  [authorization_parse_verify]=authorization
  [preauth_cancel_json]=preauth_cancel
  [response_parse]=response
  [json_parse]=json
  [notification_verify]=notification
  [recovery_decide]=recovery
  [recovery_state]=recovery_state
)
target=${1:?"usage: $0 <target|all> [runs] [libFuzzer flags...]; targets: ${!DICT[*]}"}
runs=${2:-10000000}
shift $(( $# >= 2 ? 2 : 1 ))

run_one() {
  local name=$1
  shift
  mkdir -p "fuzz/work/$name"
  # The crate is safe Rust (no `unsafe`), so AddressSanitizer finds nothing extra here and
  # costs about 3x; debug assertions stay on so that integer overflow is a crash.
  # A dictionary is used when one has been written for the target (none is committed yet).
  local dict=()
  [ -f "fuzz/dict/${DICT[$name]}.dict" ] && dict=(-dict="fuzz/dict/${DICT[$name]}.dict")
  cargo +nightly fuzz run --sanitizer "${FUZZ_SANITIZER:-none}" --debug-assertions \
    "$name" "fuzz/work/$name" "fuzz/corpus/$name" -- \
    "${dict[@]}" -runs="$runs" -print_final_stats=1 "$@"
}

if [ "$target" = all ]; then
  for name in authorization_parse_verify preauth_cancel_json response_parse json_parse notification_verify recovery_decide; do
    run_one "$name" "$@"
  done
else
  [ -n "${DICT[$target]:-}" ] || { echo "unknown target $target" >&2; exit 2; }
  run_one "$target" "$@"
fi
