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
