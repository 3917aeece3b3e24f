// A Worker over the test build of the package (tests/.tmp/trap-pkg), bundled with the workerd
// condition: GET /?kind=<unreachable|stack|memory> runs the trap scenario and answers its report.
import * as lib from '../.tmp/trap-pkg/src/workerd.js';
import * as glue from '../.tmp/trap-pkg/dist/chinaums_open.js';
import { call } from '../.tmp/trap-pkg/src/boundary.js';
import { scenario } from './scenario.mjs';

export default {
  async fetch(request) {
    const kind = new URL(request.url).searchParams.get('kind') ?? 'unreachable';
    return Response.json(scenario(lib, glue, call, kind));
  },
};
