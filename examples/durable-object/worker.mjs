// A merchant's Worker with durable preauth recovery: it re-exports the library's Durable Object
// class and reaches one object per order. In wrangler.toml the same bindings are:
//
//   [[durable_objects.bindings]]
//   name = "PREAUTH_RECOVERY"
//   class_name = "PreauthRecovery"
//   [[migrations]]
//   tag = "v1"
//   new_sqlite_classes = ["PreauthRecovery"]
//   [[services]]                     # where outcomes go (or a [[queues.producers]] binding)
//   binding = "PREAUTH_OUTCOME"
//   service = "merchant-backend"
//   [vars]
//   CHINAUMS_APP_ID = "…"            # and `wrangler secret put CHINAUMS_APP_KEY`
//
//   POST /recover   the preauth-cancel input → the recovery's status (it runs the first steps)
//   GET  /status?merOrderId=…         → the status, or 404

import { preauthRecoveryStatus, recoverPreauth } from 'chinaums-open/durable-object';

export { PreauthRecovery } from 'chinaums-open/durable-object';

const reply = (body, status = 200) => Response.json(body, { status });

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    try {
      if (url.pathname === '/recover' && request.method === 'POST') {
        return reply(await recoverPreauth(env.PREAUTH_RECOVERY, await request.json()));
      }
      if (url.pathname === '/status' && request.method === 'GET') {
        const status = await preauthRecoveryStatus(env.PREAUTH_RECOVERY, url.searchParams.get('merOrderId') ?? '');
        return status === null ? reply({ error: 'no recovery for this order' }, 404) : reply(status);
      }
      return reply({ error: 'POST /recover or GET /status?merOrderId=…' }, 404);
    } catch (error) {
      // A library error says what to fix and never contains the key.
      return reply({ error: { code: error.code ?? null, field: error.field ?? null, message: error.message } }, error.code ? 400 : 500);
    }
  },
};
