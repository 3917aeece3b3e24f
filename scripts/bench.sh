#!/usr/bin/env bash
# Sets everything up, builds, and prints the benchmark table (Node and workerd). Informational:
# not part of the test command, and it never fails on a missed target.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec node bench/run.mjs
