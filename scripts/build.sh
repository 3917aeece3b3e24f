#!/usr/bin/env bash
# Builds pkg/dist: the release wasm, its wasm-bindgen `--target web` glue, then wasm-opt.
# With --test-build, also tests/.tmp/trap-pkg: the same package over a wasm built with the
# `test-trap` feature (an export that makes a call trap), for the tests of recovery from a trap.
# Assumes scripts/setup.sh has run (rust target, pinned wasm-bindgen CLI, npm dev dependencies).
set -euo pipefail
cd "$(dirname "$0")/.."

# The glue can re-instantiate the module after a trap (`__wbg_reset_state`): a trap unwinds
# nothing, so the old instance's memory cannot be trusted again (see pkg/src/state.js).
bindgen() {
  wasm-bindgen --target web --experimental-reset-state-function --out-dir "$2" --out-name chinaums_open "$1"
  # The glue's own .d.ts describes the raw bindings, not the package API (pkg/index.d.ts does);
  # it stays in dist/ (not in the tarball) for tests/js/types.test.mjs, which checks the two agree.
  rm -f "$2/chinaums_open_bg.wasm.d.ts"
}

cargo build --quiet --release --target wasm32-unknown-unknown --lib
rm -rf pkg/dist
bindgen target/wasm32-unknown-unknown/release/chinaums_open.wasm pkg/dist
node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
  pkg/dist/chinaums_open_bg.wasm -o pkg/dist/chinaums_open_bg.wasm
# The generated JavaScript and types must match the Rust tables.
cargo run --quiet --example codegen -- --check
echo "built pkg/dist: $(wc -c < pkg/dist/chinaums_open_bg.wasm) bytes of wasm, $(gzip -9 -c pkg/dist/chinaums_open_bg.wasm | wc -c) gzipped"

if [ "${1:-}" = "--test-build" ]; then
  cargo build --quiet --target wasm32-unknown-unknown --lib --features test-trap
  rm -rf tests/.tmp/trap-pkg && mkdir -p tests/.tmp/trap-pkg
  cp -r pkg/package.json pkg/src pkg/index.d.ts pkg/generated.d.ts tests/.tmp/trap-pkg/
  bindgen target/wasm32-unknown-unknown/debug/chinaums_open.wasm tests/.tmp/trap-pkg/dist
  echo "built tests/.tmp/trap-pkg (the package over a wasm that can be made to trap)"
fi
