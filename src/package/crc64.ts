// CRC-64/XZ (what Alibaba and OSS call "CRC64-ECMA182"): polynomial 0x42F0E1EBA9EA3693, reflected
// (0xC96C5795D7870F42), init and xorout all ones. FC sends it as `X-Fc-Code-Checksum` and answers it
// as `codeChecksum`, an unsigned decimal string, over the raw zip bytes (fc-facts.md).
//
// Written by hand rather than using `crc64-ecma182.js` (which the official tools use), because this
// checksum runs over every package we build and that package is too slow and too small for it: it is
// emscripten output with a fixed 16 MiB heap (one call on a buffer above ~16 MB aborts with "Cannot
// enlarge memory arrays"), it copies each buffer into that heap via malloc, and it passes the CRC
// through decimal strings on every call. Measured with `npm run bench:crc`; figures in the README.
//
// How it is fast: slicing-by-16 (16 lookup tables, one 16-byte block per loop turn) in a tiny
// WebAssembly module. WebAssembly because its native i64 makes the 64-bit register one value: in plain
// JS the register must be two 32-bit halves and every table lookup becomes two, and BigInt in a hot
// loop is far slower still. The module is assembled below from named opcodes (no build step, no
// binary file to trust); the tables are computed in JS and written into its memory. Input is copied
// into the module's memory in slices (a memcpy, much faster than the CRC itself). Short updates
// (under SMALL_INPUT bytes) stay in JS, byte at a time, where a call into wasm would cost more.
// Everything is built lazily on the first large update, so importing this module costs nothing.

const POLY_HI = 0xc96c5795;
const POLY_LO = 0xd7870f42;

/** Tables: 16 × 256 entries of 64 bits, each as [lo, hi] 32-bit words (little-endian i64 layout). */
const SLICES = 16;

/** Byte-at-a-time table T0 as two 32-bit halves: the JS path, and the seed of the sliced tables. */
const T_HI = new Uint32Array(256);
const T_LO = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let hi = 0;
  let lo = i;
  for (let bit = 0; bit < 8; bit++) {
    const carry = lo & 1;
    lo = ((lo >>> 1) | (hi << 31)) >>> 0;
    hi = hi >>> 1;
    if (carry) {
      hi = (hi ^ POLY_HI) >>> 0;
      lo = (lo ^ POLY_LO) >>> 0;
    }
  }
  T_HI[i] = hi;
  T_LO[i] = lo;
}

/** Below this many bytes an update runs in JS: entering wasm and copying would cost more. */
const SMALL_INPUT = 128;

// ---- The WebAssembly engine ------------------------------------------------------------------------

// Memory layout of the module (one fixed-size memory, never grown, so JS views stay valid):
const TABLES_AT = 0; // SLICES tables × 256 × 8 bytes
const RESULT_AT = TABLES_AT + SLICES * 256 * 8; // the i64 register written back after each call
const DATA_AT = Math.ceil((RESULT_AT + 8) / 65536) * 65536; // input slices are copied here
const DATA_SLICE = 256 * 1024; // fits L2 with room to spare, so the CRC reads what the copy just wrote
const PAGES = (DATA_AT + DATA_SLICE) / 65536;

interface Engine {
  bytes: Uint8Array; // the module's whole memory
  words: Uint32Array; // the same memory, as 32-bit words (register read-back)
  /** Runs the CRC register (lo, hi) over memory[DATA_AT, DATA_AT+len) and stores it at RESULT_AT. */
  update(lo: number, hi: number, ptr: number, len: number): void;
}

let engine: Engine | null | undefined; // undefined: not tried yet; null: WebAssembly unavailable

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 for the small constants we use (fits in 32 bits). */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const name = (s: string) => [...uleb(s.length), ...new TextEncoder().encode(s)];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];

// The opcodes used (WebAssembly core spec 1.0, §5.4).
const op = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  i64Load: 0x29,
  i32Load8U: 0x2d,
  i64Store: 0x37,
  i32Const: 0x41,
  i64Const: 0x42,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32And: 0x71,
  i32Xor: 0x73,
  i32Shl: 0x74,
  i32ShrU: 0x76,
  i64Or: 0x84,
  i64Xor: 0x85,
  i64Shl: 0x86,
  i64ShrU: 0x88,
  i32WrapI64: 0xa7,
  i64ExtendI32U: 0xad,
  void: 0x40,
  i32: 0x7f,
  i64: 0x7e,
} as const;

/** Assembles the module: `update(lo: i32, hi: i32, ptr: i32, len: i32)`, and its exported memory. */
function assembleModule(): Uint8Array {
  // Locals: params 0..3, then the register, loop bounds, the four 32-bit words of a 16-byte block.
  const [LO, HI, PTR, LEN, CRC, END, END_BLOCKS] = [0, 1, 2, 3, 4, 5, 6];
  const W = Array.from({ length: SLICES / 4 }, (_, k) => 7 + k);
  const get = (l: number) => [op.localGet, l];
  const set = (l: number) => [op.localSet, l];
  const i32 = (n: number) => [op.i32Const, ...sleb(n)];
  const i64 = (n: number) => [op.i64Const, ...sleb(n)];
  const load64 = (offset: number) => [op.i64Load, 3, ...uleb(offset)]; // alignment is only a hint
  const load32 = (offset: number) => [op.i32Load, 2, ...uleb(offset)];
  const TABLE_BYTES = 256 * 8;

  // Table lookup T_k[byte b of the 32-bit word in local w]: the byte, times 8, as an address, with the
  // table's base as the load's static offset.
  const lookup = (table: number, w: number, b: number) => [
    ...get(w),
    ...(b === 0 ? [...i32(3), op.i32Shl] : [...i32(8 * b - 3), op.i32ShrU]),
    ...i32(0x7f8),
    op.i32And,
    ...load64(TABLES_AT + table * TABLE_BYTES),
  ];

  // One block of SLICES bytes, read as 32-bit words w[0..]: w0 and w1 are xored with the register's low
  // and high halves; byte j of the block pairs with table T_{SLICES-1-j}. The xors form two balanced
  // trees, one over the lookups that depend only on the input (which the CPU can run ahead, while the
  // previous block is still finishing) and one over the eight that depend on the register: the
  // register's dependency chain per block is then one load and four xors, not a chain of SLICES xors.
  const tree = (xs: number[][]): number[] =>
    xs.length === 1 ? xs[0] : [...tree(xs.slice(0, xs.length >> 1)), ...tree(xs.slice(xs.length >> 1)), op.i64Xor];
  const block = [
    ...get(PTR), ...load32(0), ...get(CRC), op.i32WrapI64, op.i32Xor, ...set(W[0]),
    ...get(PTR), ...load32(4), ...get(CRC), ...i64(32), op.i64ShrU, op.i32WrapI64, op.i32Xor, ...set(W[1]),
  ];
  for (let k = 2; k < W.length; k++) block.push(...get(PTR), ...load32(4 * k), ...set(W[k]));
  const lookups = (from: number, to: number) => {
    const out: number[][] = [];
    for (let j = from; j < to; j++) out.push(lookup(SLICES - 1 - j, W[j >> 2], j & 3));
    return out;
  };
  block.push(...tree(lookups(8, SLICES)), ...tree(lookups(0, 8)), op.i64Xor, ...set(CRC));
  block.push(...get(PTR), ...i32(SLICES), op.i32Add, ...set(PTR));

  // One byte: crc = T0[(crc ^ byte) & 0xff] ^ (crc >>> 8).
  const byte1 = [
    ...get(CRC), op.i32WrapI64, ...get(PTR), op.i32Load8U, 0, 0, op.i32Xor,
    ...i32(0xff), op.i32And, ...i32(3), op.i32Shl, ...load64(TABLES_AT),
    ...get(CRC), ...i64(8), op.i64ShrU, op.i64Xor, ...set(CRC),
    ...get(PTR), ...i32(1), op.i32Add, ...set(PTR),
  ];

  const body = [
    // crc = (u64(hi) << 32) | u64(lo)
    ...get(HI), op.i64ExtendI32U, ...i64(32), op.i64Shl, ...get(LO), op.i64ExtendI32U, op.i64Or, ...set(CRC),
    ...get(PTR), ...get(LEN), op.i32Add, ...set(END),
    ...get(END), ...get(LEN), ...i32(SLICES - 1), op.i32And, op.i32Sub, ...set(END_BLOCKS),
    // while (ptr < endBlocks) block
    op.block, op.void, op.loop, op.void,
    ...get(PTR), ...get(END_BLOCKS), op.i32GeU, op.brIf, 1,
    ...block,
    op.br, 0, op.end, op.end,
    // while (ptr < end) byte1
    op.block, op.void, op.loop, op.void,
    ...get(PTR), ...get(END), op.i32GeU, op.brIf, 1,
    ...byte1,
    op.br, 0, op.end, op.end,
    // memory[RESULT_AT] = crc
    ...i32(RESULT_AT), ...get(CRC), op.i64Store, 3, 0,
    op.end,
  ];
  const locals = vec([
    [1, op.i64], // CRC
    [2 + W.length, op.i32], // END, END_BLOCKS, W
  ]);
  const code = [...locals, ...body];

  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, vec([[0x60, ...vec([[op.i32], [op.i32], [op.i32], [op.i32]]), ...vec([])]])), // types
    ...section(3, vec([[0]])), // functions: one, of type 0
    ...section(5, vec([[0x01, ...uleb(PAGES), ...uleb(PAGES)]])), // memory: fixed size
    ...section(7, vec([[...name('update'), 0x00, 0], [...name('memory'), 0x02, 0]])), // exports
    ...section(10, vec([[...uleb(code.length), ...code]])), // code
  ]);
}

// The slice of the WebAssembly JS API we use, typed here because the project's tsconfig has no DOM lib
// (and @types/node declares the namespace's types but not its values).
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

function loadEngine(): Engine | null {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (wasm === undefined) return null;
  const instance = new wasm.Instance(new wasm.Module(assembleModule()));
  const memory = instance.exports.memory as { buffer: ArrayBuffer };
  const words = new Uint32Array(memory.buffer);
  // T0 from the JS table; T_k[i] = (T_{k-1}[i] >>> 8) ^ T0[T_{k-1}[i] & 0xff] (k zero bytes after i).
  for (let k = 0; k < SLICES; k++) {
    for (let i = 0; i < 256; i++) {
      const at = (TABLES_AT + (k * 256 + i) * 8) / 4;
      if (k === 0) {
        words[at] = T_LO[i];
        words[at + 1] = T_HI[i];
        continue;
      }
      const prev = at - 512;
      const lo = words[prev];
      const hi = words[prev + 1];
      const idx = lo & 0xff;
      words[at] = (((lo >>> 8) | (hi << 24)) ^ T_LO[idx]) >>> 0;
      words[at + 1] = ((hi >>> 8) ^ T_HI[idx]) >>> 0;
    }
  }
  return {
    bytes: new Uint8Array(memory.buffer),
    words,
    update: instance.exports.update as Engine['update'],
  };
}

// ---- The public API --------------------------------------------------------------------------------

/** Incremental CRC-64/XZ: `new Crc64().update(a).update(b).digest()` equals `crc64(a‖b)`. */
export class Crc64 {
  // The running register (before the final xor), as two unsigned 32-bit halves.
  private hi = 0xffffffff;
  private lo = 0xffffffff;

  update(data: Uint8Array): this {
    if (data.length < SMALL_INPUT) return this.updateJs(data);
    if (engine === undefined) engine = loadEngine();
    if (engine === null) return this.updateJs(data);
    const { bytes, words, update } = engine;
    let lo = this.lo;
    let hi = this.hi;
    for (let at = 0; at < data.length; at += DATA_SLICE) {
      const slice = data.subarray(at, at + DATA_SLICE);
      bytes.set(slice, DATA_AT);
      update(lo, hi, DATA_AT, slice.length);
      lo = words[RESULT_AT / 4];
      hi = words[RESULT_AT / 4 + 1];
    }
    this.lo = lo;
    this.hi = hi;
    return this;
  }

  /** Byte at a time in plain JS, over the two 32-bit halves. */
  private updateJs(data: Uint8Array): this {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < data.length; i++) {
      const idx = (lo ^ data[i]) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ T_LO[idx];
      hi = (hi >>> 8) ^ T_HI[idx];
    }
    this.hi = hi >>> 0;
    this.lo = lo >>> 0;
    return this;
  }

  /** The CRC so far, as an unsigned 64-bit integer. Does not end the computation. */
  value(): bigint {
    const hi = (this.hi ^ 0xffffffff) >>> 0;
    const lo = (this.lo ^ 0xffffffff) >>> 0;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** The CRC so far as an unsigned decimal string (FC's format). Does not end the computation. */
  digest(): string {
    return this.value().toString(10);
  }
}

/** CRC-64/XZ of `data` as an unsigned decimal string. */
export function crc64(data: Uint8Array): string {
  return new Crc64().update(data).digest();
}

/** For tests: the plain-JS path alone (what runs without WebAssembly), to check it against the engine. */
export function crc64WithoutWasm(data: Uint8Array): string {
  // updateJs is private to keep the class's surface to the contract; this is its one outside use.
  return (new Crc64() as unknown as { updateJs(d: Uint8Array): Crc64 }).updateJs(data).digest();
}
