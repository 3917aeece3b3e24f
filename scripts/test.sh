#!/usr/bin/env bash
# Sets everything up on a fresh machine and runs every test: Rust (native and wasm), the npm
# package in Node, and the other hosts. This is the command README.md and .ci/run use.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

scripts/setup.sh --browser

step "Rust: unit and integration tests (native)"
cargo test --quiet

step "Rust: clippy (no unwrap/expect/panic/indexing outside tests)"
cargo clippy --quiet --all-targets -- -D warnings
cargo clippy --quiet --lib --tests --target wasm32-unknown-unknown -- -D warnings
cargo clippy --quiet --lib --target wasm32-unknown-unknown --features test-trap -- -D warnings

step "Rust: the wasm bindings under wasm-bindgen-test (Node)"
# No --quiet here: cargo forwards it to wasm-bindgen-test-runner 0.2.129, which rejects it.
cargo test --target wasm32-unknown-unknown --test wasm

step "building the npm package (pkg/dist; the generated tables and types checked current) and its trap-test build"
scripts/build.sh --test-build

step "JavaScript: the built package in Node"
node --test --test-reporter=spec tests/js/

step "Packaging: the library tarball in Node (import, require), workerd (Vite and esbuild bundles), Chromium (plain page, Vite build), Bun, Deno and TypeScript (ESM, CommonJS); the gateway tarball via npx"
node tests/packaging/run.mjs

step "End to end: the gateway emulator, the demo flow and the READMEs' samples over HTTP on 127.0.0.1 (tests/e2e)"
node --test --test-reporter=spec tests/e2e/

step "Durable recovery: PostgreSQL and Durable Objects (tests/durable: a private PostgreSQL cluster, real workerd)"
node --test --test-reporter=spec tests/durable/

step "Admin panel: www/ and its backend in headless Chromium (tests/www)"
node --test --test-reporter=spec tests/www/

step "A trap never outlives its call: real workerd and headless Chromium (tests/trap)"
node --test --test-reporter=spec tests/trap/

echo
echo "all tests passed"
