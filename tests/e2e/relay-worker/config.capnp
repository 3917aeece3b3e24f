# workerd config of the relay Worker (worker.mjs), served by examples/worker/workerd.mjs.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .relayWorker),
    # workerd's default network refuses non-public addresses; the gateway is on 127.0.0.1.
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const relayWorker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  globalOutbound = "loopback",
  compatibilityDate = "2025-11-01",
);
