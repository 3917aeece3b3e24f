#!/usr/bin/env bash
# Builds pkg/dist: the release wasm, its wasm-bindgen `--target web` glue, then wasm-opt.
# Assumes scripts/setup.sh has run (rust target, pinned wasm-bindgen CLI, npm dev dependencies).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --quiet --release --target wasm32-unknown-unknown --lib
rm -rf pkg/dist
wasm-bindgen --target web --out-dir pkg/dist --out-name chinaums_open \
  target/wasm32-unknown-unknown/release/chinaums_open.wasm
# The glue's own .d.ts describes the raw bindings, not the package API (pkg/index.d.ts does);
# it stays in dist/ (not in the tarball) for tests/js/types.test.mjs, which checks the two agree.
rm -f pkg/dist/chinaums_open_bg.wasm.d.ts
node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
  pkg/dist/chinaums_open_bg.wasm -o pkg/dist/chinaums_open_bg.wasm
# The constants the JS entries export before the wasm is loaded, written by the core itself.
cargo run --quiet --example js_constants > pkg/dist/constants.js
echo "built pkg/dist: $(wc -c < pkg/dist/chinaums_open_bg.wasm) bytes of wasm, $(gzip -9 -c pkg/dist/chinaums_open_bg.wasm | wc -c) gzipped"
