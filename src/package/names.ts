// File names as the packager meets them: bytes from the file system, decoded as UTF-8 without
// loss, and shown escaped in messages so a newline or a stray byte in a name cannot break a line
// of output or hide what the name is.

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lossyUtf8 = new TextDecoder('utf-8');

/** The name as text; `valid` is false when the bytes are not UTF-8 (then `text` has U+FFFD in their place). */
export function decodeName(bytes: Uint8Array): { text: string; valid: boolean } {
  try {
    return { text: strictUtf8.decode(bytes), valid: true };
  } catch {
    return { text: lossyUtf8.decode(bytes), valid: false };
  }
}

/** Escapes for messages: `\n`, `\t`, `\r`, `\\`, other control characters and U+FFFD as `\xNN`/`\u{...}`. */
export function escapePath(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it escapes
  return name.replace(/[\u0000-\u001f\u007f\\\ufffd]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    if (c === '\\') return '\\\\';
    if (c === '\ufffd') return '\\u{fffd}';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

/** The length of the UTF-8 sequence a lead byte starts, or 0 when it cannot start one. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead < 0xe0) return 2;
  if (lead >= 0xe0 && lead < 0xf0) return 3;
  if (lead >= 0xf0 && lead < 0xf5) return 4;
  return 0;
}

/** Escapes raw name bytes: valid UTF-8 runs as `escapePath` shows them, each other byte as `\xNN`. */
export function escapeNameBytes(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    const length = sequenceLength(lead);
    const piece = length > 0 && i + length <= bytes.length ? decodeName(bytes.subarray(i, i + length)) : undefined;
    if (piece?.valid) {
      out += escapePath(piece.text);
      i += length;
    } else {
      out += `\\x${lead.toString(16).padStart(2, '0')}`;
      i += 1;
    }
  }
  return out;
}
