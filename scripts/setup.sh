#!/usr/bin/env bash
# Installs what building and testing need, idempotently, on a fresh machine:
#   the wasm32 Rust target, the wasm-bindgen CLI pinned to the crate's version, the npm dev
#   dependencies from the lockfile (they bring the binaries of workerd, Bun, Deno and esbuild, so
#   no test downloads anything), Debian's PostgreSQL server (the durable-recovery tests start
#   private clusters of it; no service is used), and (with --browser) Debian's Chromium and a
#   Chinese font for browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

WASM_BINDGEN_VERSION=0.2.129
want_browser=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    *) echo "usage: $0 [--browser]" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown Rust target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about two minutes)"
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --locked
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "installing npm dev dependencies"
  npm ci --no-audit --no-fund
fi

sudo_cmd=""
if [ "$(id -u)" != 0 ]; then sudo_cmd="sudo"; fi

# The server binaries only: tests/durable/postgres.mjs runs initdb and pg_ctl from
# /usr/lib/postgresql/<version>/bin in a temporary directory.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  step "installing Debian's postgresql for the durable-recovery tests"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql >/dev/null
fi

# A CJK font too: the admin panel's labels are Chinese, and its screenshot must show them.
if [ "$want_browser" = 1 ] && { ! command -v chromium >/dev/null || [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; }; then
  step "installing Debian's chromium and a Chinese font for browser tests"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
fi
