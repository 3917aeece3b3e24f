// What `chinaums-open-gateway` resolves to outside Node (a Worker, a browser, a bundle for
// either): the emulator is a local test server built on node:http, so fail loudly and say so.
throw new Error(
  'chinaums-open-gateway is the local ChinaUMS gateway emulator, a Node.js-only test server (node:http); ' +
    'import it from Node (tests, scripts, the chinaums-open-gateway command) and point your Worker ' +
    'or browser code at its URL instead',
);
