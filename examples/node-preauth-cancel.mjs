// The project's demo (./scripts/demo.sh): a local ChinaUMS gateway emulator, and a Node backend
// that uses chinaums-open to validate, build, sign and send a preauth-cancel request, reads the
// answer, and confirms the final state with bills/query. Prints a transcript; exits non-zero
// if any step did not end as the platform's flow says it must.
//
//   node examples/node-preauth-cancel.mjs
//
// The flow itself (flow/preauth-cancel-flow.mjs) takes the library and fetch as arguments; a
// Worker driver runs the same flow inside workerd against the same gateway.

import * as lib from 'chinaums-open';
import { startGateway } from 'chinaums-open/gateway';
import { DEMO_BILL, DEMO_CREDENTIALS, DEMO_MSG_SRC_ID } from './flow/demo-setup.mjs';
import { runPreauthCancelFlow } from './flow/preauth-cancel-flow.mjs';
import { flowSucceeded, formatTranscript } from './flow/transcript.mjs';

const gatewayLog = [];
const gateway = await startGateway({
  credentials: [{ ...DEMO_CREDENTIALS, msgSrcId: DEMO_MSG_SRC_ID }],
  log: (line) => gatewayLog.push(line),
});

try {
  const result = await runPreauthCancelFlow({
    lib,
    fetch,
    gatewayUrl: gateway.url,
    credentials: DEMO_CREDENTIALS,
    msgSrcId: DEMO_MSG_SRC_ID,
    bill: DEMO_BILL,
  });
  console.log(formatTranscript(result, { backend: 'Node.js', gatewayUrl: gateway.url }));
  console.log('\nThe gateway saw:');
  for (const line of gatewayLog) console.log(`  ${line}`);
  if (!flowSucceeded(result.outcome)) process.exitCode = 1;
} finally {
  await gateway.close();
}
