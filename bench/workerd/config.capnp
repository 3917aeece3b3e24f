# workerd config of the benchmark Worker (bench/workerd/worker.mjs), bundled by
# examples/worker/workerd.mjs into worker.js + chinaums_open_bg.wasm next to this file.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .benchWorker)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const benchWorker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "chinaums_open_bg.wasm", wasm = embed "chinaums_open_bg.wasm"),
  ],
  compatibilityDate = "2025-11-01",
);
