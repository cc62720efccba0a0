// Whether a text is standard base64 (A–Z a–z 0–9 + /, padded with =, no line breaks), fast enough
// for an 83 MB code.zipFile: one regular expression over it took ~390 ms, this ~70 ms.

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Characters checked per step (a multiple of 4, so each piece is whole base64 quads). */
const PIECE_CHARS = 1024 * 1024;

/**
 * Node's decoder skips characters outside the alphabet, so a piece is decoded and encoded back:
 * it comes back equal exactly when it was canonical base64. Only a piece that does not (a stray
 * character, or valid base64 with stray bits before its padding) goes through the expression,
 * which decides.
 */
export function isStandardBase64(text: string): boolean {
  if (text.length % 4 !== 0) return false;
  for (let at = 0; at < text.length; at += PIECE_CHARS) {
    const piece = text.slice(at, at + PIECE_CHARS);
    if (Buffer.from(piece, 'base64').toString('base64') === piece) continue;
    // Padding is allowed only at the very end of the whole text.
    const last = at + PIECE_CHARS >= text.length;
    if (!(last ? BASE64 : /^[A-Za-z0-9+/]*$/).test(piece)) return false;
  }
  return true;
}

const DASH = 0x2d;
const UNDERSCORE = 0x5f;
const EQUALS = 0x3d;

/** How many `=` end a piece of base64 text (0, 1 or 2). */
function paddingOf(text: Uint8Array): number {
  const n = text.length;
  return n === 0 || text[n - 1] !== EQUALS ? 0 : text[n - 2] === EQUALS ? 2 : 1;
}

/**
 * Decodes one piece of standard base64 text, given as its ASCII bytes (a multiple of 4 characters;
 * padding allowed only when `last`), into `out` at `at`. Returns the bytes written, or undefined
 * when the piece is not standard base64. Node's decoder skips characters outside its alphabet and
 * stops at an `=`, so a piece that yields fewer bytes than its length promises held a stray
 * character or early padding; its alphabet also takes `-` and `_` (base64url), looked for apart
 * with a native search.
 */
export function decodeBase64PieceInto(text: Uint8Array, out: Buffer, at: number, last: boolean): number | undefined {
  if (text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text.buffer, text.byteOffset, text.length);
  if (bytes.indexOf(DASH) >= 0 || bytes.indexOf(UNDERSCORE) >= 0) return undefined;
  const expected = (text.length / 4) * 3 - (last ? paddingOf(text) : 0);
  if (at + expected > out.length) return undefined;
  return out.write(bytes.toString('latin1'), at, 'base64') === expected ? expected : undefined;
}

/**
 * Decodes base64 text given as its ASCII bytes (a span of a request body) into one new buffer, or
 * answers undefined when the text is not standard base64 (what isStandardBase64 refuses), in one
 * decoding pass, a piece at a time.
 */
export function decodeStandardBase64(text: Uint8Array): Buffer | undefined {
  if (text.length % 4 !== 0) return undefined;
  const out = Buffer.allocUnsafe((text.length / 4) * 3 - paddingOf(text));
  let written = 0;
  for (let at = 0; at < text.length; at += PIECE_CHARS) {
    const end = Math.min(at + PIECE_CHARS, text.length);
    const n = decodeBase64PieceInto(text.subarray(at, end), out, written, end === text.length);
    if (n === undefined) return undefined;
    written += n;
  }
  return out;
}
