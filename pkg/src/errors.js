// The package's one error class. The core builds its errors as instances of it (registered at
// initialization, see state.js), and the JavaScript side uses it for what only JavaScript can
// find wrong (unreadable values, lone surrogates, a network failure): every failure a caller
// sees is a ChinaumsError with a stable `code` (the union is generated from the core's list).

export class ChinaumsError extends Error {
  /**
   * @param {string} code stable ERR_… code
   * @param {string} message what went wrong and what to fix (never contains a key)
   * @param {object} [details] `field`, `issues`, and for platform and network errors
   *   `platformCode`, `platformMessage`, `status`, `response`, `request`, `cause`
   */
  constructor(code, message, details = {}) {
    super(message, details?.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ChinaumsError';
    this.code = code;
    this.field = details?.field ?? null;
    this.issues = details?.issues ?? [];
    // The platform's own errCode and whole errMsg, for ERR_PLATFORM; null otherwise.
    this.platformCode = details?.platformCode ?? null;
    this.platformMessage = details?.platformMessage ?? null;
    for (const name of ['status', 'response', 'request']) if (details?.[name] !== undefined) this[name] = details[name];
  }
}
