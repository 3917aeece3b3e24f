# workerd config of the demo's Worker (worker.mjs). examples/worker/workerd.mjs copies it next to
# the bundle it builds (worker.js + chinaums_open_bg.wasm), so the `embed` paths name files of
# that bundle, and runs `workerd serve config.capnp --control-fd 3`.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .flowWorker),
    # The Worker's outbound fetch. workerd's default network only allows public addresses (an
    # SSRF guard); the demo's gateway listens on 127.0.0.1, so allow loopback and nothing else.
    (name = "loopback", network = (allow = ["local"])),
  ],
  # Port 0: the OS picks a free port; workerd reports it on the control descriptor.
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const flowWorker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "chinaums_open_bg.wasm", wasm = embed "chinaums_open_bg.wasm"),
  ],
  bindings = [
    (name = "CHINAUMS_APP_ID", fromEnvironment = "CHINAUMS_APP_ID"),
    # The secret: read from workerd's environment at startup, never written to a file.
    (name = "CHINAUMS_APP_KEY", fromEnvironment = "CHINAUMS_APP_KEY"),
  ],
  globalOutbound = "loopback",
  compatibilityDate = "2025-11-01",
);
