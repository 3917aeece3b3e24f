#!/usr/bin/env node
// chinaums-open-gateway: runs the local gateway emulator until SIGTERM or SIGINT.
// The first line on stdout is the gateway's URL, printed once it accepts connections, so that a
// script can read it; request logs go to stderr.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startGateway } from './index.js';

const USAGE = `usage: chinaums-open-gateway --config <file> [--port <n>] [--host <address>] [--quiet]

  --config <file>  JSON: { "credentials": [{ "appId", "appKey", "msgSrcId"?,
                                            "notifyUrl"?, "communicationKey"?, "notifySignType"? }],
                   "fixtures"?: [bills] or "bills.json" (relative to the config file),
                   "port"?, "host"?, "toleranceSeconds"?, "tokenTtlSeconds"?,
                   "clockSkewMs"?, "signResponses"?, "faults"?: [{ "fault", "path"?, "times"?, "delayMs"? }],
                   "notifyTimeoutMs"? }
  --port <n>       port to listen on (default: the config's, else 0 = any free port)
  --host <address> address to listen on (default: the config's, else 127.0.0.1)
  --quiet          no request log on stderr

Prints the URL (for example http://127.0.0.1:43117) on stdout when ready.`;

function fail(message, code) {
  process.stderr.write(`chinaums-open-gateway: ${message}\n`);
  process.exit(code);
}

let args;
try {
  args = parseArgs({
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }).values;
} catch (e) {
  fail(`${e.message}\n${USAGE}`, 2);
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (args.config === undefined) fail(`--config is required (the credentials live there)\n${USAGE}`, 2);

let config;
try {
  config = JSON.parse(readFileSync(args.config, 'utf8'));
} catch (e) {
  fail(`cannot read the config file ${args.config}: ${e.message}`, 2);
}
if (config === null || typeof config !== 'object' || Array.isArray(config)) fail(`${args.config} must hold a JSON object`, 2);

let port = config.port ?? 0;
if (args.port !== undefined) {
  if (!/^\d{1,5}$/.test(args.port) || Number(args.port) > 65535) fail(`--port must be 0-65535, not ${args.port}`, 2);
  port = Number(args.port);
}
const fixtures = typeof config.fixtures === 'string' ? resolve(dirname(args.config), config.fixtures) : config.fixtures;

let gateway;
try {
  gateway = await startGateway({
    port,
    host: args.host ?? config.host ?? '127.0.0.1',
    credentials: config.credentials,
    fixtures,
    toleranceSeconds: config.toleranceSeconds,
    tokenTtlSeconds: config.tokenTtlSeconds,
    clockSkewMs: config.clockSkewMs,
    signResponses: config.signResponses,
    faults: config.faults,
    notifyTimeoutMs: config.notifyTimeoutMs,
    log: args.quiet ? null : (line) => process.stderr.write(`${line}\n`),
  });
} catch (e) {
  fail(e.message, 1);
}

process.stdout.write(`${gateway.url}\n`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    gateway.close().then(() => process.exit(0));
  });
}
