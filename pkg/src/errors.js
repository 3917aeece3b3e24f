// The package's one error class. The core builds its errors as instances of it (registered at
// initialization, see state.js), and the boundary uses it for what only JavaScript can find
// wrong (unreadable values, lone surrogates): every failure a caller sees is a ChinaumsError
// with a stable `code`.

export class ChinaumsError extends Error {
  /**
   * @param {string} code stable ERR_… code
   * @param {string} message what went wrong and what to fix (never contains a key)
   * @param {{ field?: string | null, issues?: Array<{ field: string | null, code: string, message: string }>, platformCode?: string | null }} [details]
   */
  constructor(code, message, details = {}) {
    super(message);
    this.name = 'ChinaumsError';
    this.code = code;
    this.field = details?.field ?? null;
    this.issues = details?.issues ?? [];
    // The platform's own errCode, for ERR_PLATFORM (a refused token request, …); null otherwise.
    this.platformCode = details?.platformCode ?? null;
  }
}
