// Finds where `code.zipFile`'s text lies in a JSON request body without parsing the body: a
// CreateFunction body is almost all base64 (83 MB for a 62 MB zip), and JSON.parse of it costs a
// string of that size twice over (the text, then the value). The scan walks the top-level object
// and the `code` object key by key, skipping every value it does not want (strings with native
// searches), and gives up (undefined: the caller parses the whole body) on anything unusual: a key
// with an escape (`"zip\u0046ile"` is zipFile too), a repeated key (JSON.parse keeps the last),
// a zipFile that is not a string or holds a backslash, or bytes that are not JSON. It never
// decides that a body is invalid: whatever it gives up on, JSON.parse judges.

/** The zipFile string's contents: body bytes [start, end), between its quotes. */
export interface ZipFileSpan {
  start: number;
  end: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Thrown inside the scan to give up; never escapes it. */
class Unusual extends Error {}

function isWhitespace(byte: number | undefined): boolean {
  // JSON's whitespace: space, tab, line feed, carriage return.
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

class Scanner {
  at = 0;

  constructor(private readonly body: Buffer) {}

  skipWhitespace(): void {
    while (isWhitespace(this.body[this.at])) this.at++;
  }

  expect(byte: number): void {
    this.skipWhitespace();
    if (this.body[this.at] !== byte) throw new Unusual();
    this.at++;
  }

  /** At an opening quote: the index of its closing quote (escaped quotes skipped). */
  stringEnd(): number {
    let quote = this.at;
    for (;;) {
      quote = this.body.indexOf(QUOTE, quote + 1);
      if (quote < 0) throw new Unusual();
      let backslashes = 0;
      while (this.body[quote - 1 - backslashes] === BACKSLASH) backslashes++;
      if (backslashes % 2 === 0) return quote;
    }
  }

  /** A key without escapes (one with an escape could name anything), as text; after its colon. */
  key(): string {
    this.skipWhitespace();
    if (this.body[this.at] !== QUOTE) throw new Unusual();
    const end = this.stringEnd();
    const start = this.at + 1;
    if (this.body.subarray(start, end).includes(BACKSLASH)) throw new Unusual();
    this.at = end + 1;
    this.expect(0x3a); // ':'
    return this.body.toString('utf8', start, end);
  }

  /** Skips any value: a string, a nested object or array, or a number or literal. */
  skipValue(): void {
    this.skipWhitespace();
    const first = this.body[this.at];
    if (first === QUOTE) {
      this.at = this.stringEnd() + 1;
      return;
    }
    if (first === 0x7b || first === 0x5b) {
      let depth = 0;
      do {
        const byte = this.body[this.at];
        if (byte === undefined) throw new Unusual();
        if (byte === QUOTE) this.at = this.stringEnd();
        else if (byte === 0x7b || byte === 0x5b) depth++;
        else if (byte === 0x7d || byte === 0x5d) depth--;
        this.at++;
      } while (depth > 0);
      return;
    }
    const start = this.at;
    for (;;) {
      const byte = this.body[this.at];
      if (byte === undefined || byte === 0x2c || byte === 0x7d || byte === 0x5d || isWhitespace(byte)) break;
      this.at++;
    }
    if (this.at === start) throw new Unusual();
  }

  /** After a member's value: true at `,` (another member follows), false at `}` (the object ended). */
  more(): boolean {
    this.skipWhitespace();
    const byte = this.body[this.at++];
    if (byte === 0x2c) return true;
    if (byte === 0x7d) return false;
    throw new Unusual();
  }

  /** Walks an object's members, handing each key to `onMember`, which must consume the value. */
  object(onMember: (key: string) => void): void {
    this.expect(0x7b); // '{'
    this.skipWhitespace();
    if (this.body[this.at] === 0x7d) {
      this.at++;
      return;
    }
    const seen = new Set<string>();
    do {
      const key = this.key();
      if (seen.has(key)) throw new Unusual();
      seen.add(key);
      onMember(key);
    } while (this.more());
  }
}

/** Ends the walk early where zipFile's text starts (see findZipFileStart). */
class StartFound extends Error {
  constructor(readonly start: number) {
    super('zipFile starts here');
  }
}

/** Walks the body to the end; with `stopAtStart`, stops where zipFile's text starts. */
function walk(body: Buffer, stopAtStart: boolean): ZipFileSpan | undefined {
  const scan = new Scanner(body);
  let span: ZipFileSpan | undefined;
  scan.object((key) => {
    if (key !== 'code') return scan.skipValue();
    scan.skipWhitespace();
    if (body[scan.at] !== 0x7b) return scan.skipValue();
    scan.object((inner) => {
      scan.skipWhitespace();
      if (inner !== 'zipFile' || body[scan.at] !== QUOTE) return scan.skipValue();
      if (stopAtStart) throw new StartFound(scan.at + 1);
      const end = scan.stringEnd();
      const start = scan.at + 1;
      if (body.subarray(start, end).includes(BACKSLASH)) throw new Unusual();
      span = { start, end };
      scan.at = end + 1;
    });
  });
  scan.skipWhitespace();
  return scan.at === body.length ? span : undefined;
}

/** The span of `code.zipFile` in a JSON object body, or undefined when the body must be parsed whole. */
export function findZipFileSpan(body: Buffer): ZipFileSpan | undefined {
  try {
    return walk(body, false);
  } catch (error) {
    if (error instanceof Unusual) return undefined;
    throw error;
  }
}

/**
 * Where zipFile's text would start, read from the first bytes of a body still arriving: a guess
 * (undefined until the scan gets that far), which findZipFileSpan over the whole body confirms.
 */
export function findZipFileStart(prefix: Buffer): number | undefined {
  try {
    walk(prefix, true);
  } catch (error) {
    if (error instanceof StartFound) return error.start;
    if (error instanceof Unusual) return undefined;
    throw error;
  }
  return undefined;
}
