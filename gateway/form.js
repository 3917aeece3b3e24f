// application/x-www-form-urlencoded text as the platform's Java side reads and writes it
// (java.net.URLDecoder / URLEncoder with UTF-8, PROTOCOL.md §4): '+' is a space, %XX is one
// byte of UTF-8, and text that cannot be decoded is an error rather than a guess (URLDecoder
// throws on a bad escape; a bad byte sequence is refused too). Written for the emulator
// alone: the library has its own form code, and the two must not share it.

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const HEX = /^[0-9A-Fa-f]{2}$/;

/** One form-encoded component decoded: `{ text }` or `{ error }`. */
function decodeComponent(component) {
  const bytes = [];
  for (let i = 0; i < component.length; i += 1) {
    const c = component[i];
    if (c === '+') {
      bytes.push(0x20);
    } else if (c === '%') {
      const hex = component.slice(i + 1, i + 3);
      if (!HEX.test(hex)) return { error: `a bad escape ${JSON.stringify(component.slice(i, i + 3))} (a % must be followed by two hex digits)` };
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      // A character sent unescaped stands for its own UTF-8 bytes, as URLDecoder reads it.
      const code = component.codePointAt(i);
      const char = String.fromCodePoint(code);
      bytes.push(...Buffer.from(char, 'utf8'));
      i += char.length - 1;
    }
  }
  try {
    return { text: strictUtf8.decode(Uint8Array.from(bytes)) };
  } catch {
    return { error: 'escapes that are not UTF-8' };
  }
}

/**
 * Decodes a query string or form body into `[name, value]` pairs in order (repeated names
 * kept, empty segments skipped): `{ pairs }` or `{ error }` naming the bad component.
 */
export function formDecode(text) {
  const pairs = [];
  for (const segment of text.split('&')) {
    if (segment === '') continue;
    const eq = segment.indexOf('=');
    const rawName = eq === -1 ? segment : segment.slice(0, eq);
    const rawValue = eq === -1 ? '' : segment.slice(eq + 1);
    const name = decodeComponent(rawName);
    if (name.error) return { error: `the parameter name ${JSON.stringify(rawName.slice(0, 40))} has ${name.error}` };
    const value = decodeComponent(rawValue);
    if (value.error) return { error: `the value of ${JSON.stringify(name.text.slice(0, 40))} has ${value.error}` };
    pairs.push([name.text, value.text]);
  }
  return { pairs };
}

/** Encodes like `URLEncoder.encode(text, "UTF-8")`: `A-Z a-z 0-9 . - * _` kept, space → '+'. */
export function formEncode(text) {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9.\-*_]/.test(c)) out += c;
    else if (byte === 0x20) out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `name=value&…` for `[name, value]` pairs, each part form-encoded. */
export function formBody(pairs) {
  return pairs.map(([name, value]) => `${formEncode(name)}=${formEncode(value)}`).join('&');
}
