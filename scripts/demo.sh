#!/usr/bin/env bash
# Sets everything up on a fresh machine, builds the package, and runs the demo: the Node
# transcript, the durable recovery across a Worker restart, then the admin panel's server
# (prints its URL; stop it with Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
node examples/node-preauth-cancel.mjs
# Part 4: a hold whose cancel answer is lost while the Worker restarts, recovered by its
# Durable Object (examples/durable-object/).
echo
node examples/durable-object/demo.mjs
# Then the admin panel (www/) and its backend, in the foreground until Ctrl-C. Arguments go to
# the server, e.g. `scripts/demo.sh --port 8080`.
echo
exec node examples/admin-panel-server.mjs "$@"
