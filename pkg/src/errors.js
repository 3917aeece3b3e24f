// The package's one error class. Rust errors cross the wasm boundary as the JSON written by
// `Error::to_json`; everything thrown to callers is a ChinaumsError with a stable `code`.

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
    this.field = details.field ?? null;
    this.issues = details.issues ?? [];
    // The platform's own errCode, for ERR_PLATFORM (a refused token request, …); null otherwise.
    this.platformCode = details.platformCode ?? null;
  }
}

/** Converts what the wasm module threw into a ChinaumsError; anything else is rethrown as is. */
export function fromWasm(thrown) {
  if (typeof thrown === 'string' && thrown.startsWith('{"code":')) {
    const { code, field, message, issues, platformCode } = JSON.parse(thrown);
    return new ChinaumsError(code, message, { field, issues, platformCode });
  }
  return thrown;
}

/** An error raised on the JavaScript side of the boundary (argument shapes, lifecycle). */
export function argumentError(code, field, message) {
  return new ChinaumsError(code, message, { field });
}
