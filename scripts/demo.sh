#!/usr/bin/env bash
# Sets everything up on a fresh machine, builds the package, and runs the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec node examples/node-preauth-cancel.mjs
