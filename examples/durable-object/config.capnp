# workerd config of the durable-recovery Worker (worker.mjs), for tests and the demo.
# examples/durable-object/workerd.mjs bundles worker.mjs next to a copy of this file and
# replaces @STORAGE@ (an absolute directory: the objects' SQLite files, kept across restarts)
# and @OUTCOME@ (host:port of the HTTP service that receives outcomes).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .recoveryWorker),
    # The Worker's outbound fetch: loopback only (the gateway emulator listens on 127.0.0.1).
    (name = "loopback", network = (allow = ["local"])),
    (name = "outcome", external = (address = "@OUTCOME@", http = ())),
    (name = "do-storage", disk = (path = "@STORAGE@", writable = true)),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const recoveryWorker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "chinaums_open_bg.wasm", wasm = embed "chinaums_open_bg.wasm"),
  ],
  durableObjectNamespaces = [
    (className = "PreauthRecovery", uniqueKey = "chinaums-open-preauth-recovery", enableSql = true),
  ],
  durableObjectStorage = (localDisk = "do-storage"),
  bindings = [
    (name = "PREAUTH_RECOVERY", durableObjectNamespace = "PreauthRecovery"),
    (name = "PREAUTH_OUTCOME", service = "outcome"),
    (name = "CHINAUMS_APP_ID", fromEnvironment = "CHINAUMS_APP_ID"),
    # The secret: from workerd's environment at startup, never written to a file.
    (name = "CHINAUMS_APP_KEY", fromEnvironment = "CHINAUMS_APP_KEY"),
    (name = "CHINAUMS_BASE_URL", fromEnvironment = "CHINAUMS_BASE_URL"),
    (name = "CHINAUMS_MSG_SRC_ID", fromEnvironment = "CHINAUMS_MSG_SRC_ID"),
    (name = "CHINAUMS_TIMEOUT_MS", fromEnvironment = "CHINAUMS_TIMEOUT_MS"),
    (name = "CHINAUMS_RECOVERY_SCHEDULE", fromEnvironment = "CHINAUMS_RECOVERY_SCHEDULE"),
  ],
  globalOutbound = "loopback",
  compatibilityDate = "2025-11-01",
);
