// CRC-64/XZ (what Alibaba and OSS call "CRC64-ECMA182"): polynomial 0x42F0E1EBA9EA3693, reflected
// (0xC96C5795D7870F42), init and xorout all ones. FC sends it as `X-Fc-Code-Checksum` and answers it
// as `codeChecksum`, an unsigned decimal string, over the raw zip bytes (docs/fc-api-notes.md, "The code checksum").
//
// Written by hand rather than using `crc64-ecma182.js` (which the official tools use), because this
// checksum runs over every package we build and that package is too slow and too small for it: it is
// emscripten output with a fixed 16 MiB heap (one call on a buffer above ~16 MB aborts with "Cannot
// enlarge memory arrays"), it copies each buffer into that heap via malloc, and it passes the CRC
// through decimal strings on every call. Measured with `npm run bench:crc`; figures in the README.
//
// How it is fast: slicing-by-8 (8 lookup tables, 8 bytes per step) in three interleaved streams, in a
// tiny WebAssembly module. WebAssembly because its native i64 makes the 64-bit register one value: in
// plain JS the register must be two 32-bit halves and every table lookup becomes two, and BigInt in a
// hot loop is far slower still. Three streams because one stream waits on its own dependency chain
// (load, xor, lookup, xor) while the CPU could do more: each stream runs over its own 4 KiB of a 12 KiB
// group, the later ones start from a zero register, and they are folded together with a precomputed
// "advance over 4 KiB of zeros" operator (the CRC register is affine in its start value).
// The module is assembled below from named opcodes (no build step, no opaque binary to trust); the
// tables are computed in JS and written into its memory. Input is copied into the module's memory in
// slices (a memcpy, ~15 GB/s here, much faster than the CRC). Short updates (under SMALL_INPUT bytes)
// stay in JS, byte at a time, where entering wasm would cost more. Everything is built lazily on the
// first large update, so importing this module costs nothing.

const POLY_HI = 0xc96c5795;
const POLY_LO = 0xd7870f42;

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

// Slicing-by-8 in STREAMS interleaved streams, each over its own STRIDE bytes of a group. Measured on
// the dev box (AMD EPYC, 32 KiB L1d): 1 stream 1.6 GB/s (bound by the register's dependency chain),
// 3 streams 2.3-2.4 GB/s, 4 no better (register spills); slicing-by-16 in one stream 1.9 GB/s (its
// 32 KiB of tables fill L1). Strides of 4 KiB did best; it must be a power of two (the shift
// operator is built by squaring).
const STREAMS = 3;
const STRIDE = 4096;

// Memory layout of the module (one fixed-size memory, never grown, so JS views stay valid):
const TABLE_BYTES = 256 * 8;
const TABLES_AT = 0; // slicing tables T0..T7: T_k[i] = register after byte i then k zero bytes
const SHIFT_AT = 8 * TABLE_BYTES; // 8 tables applying L_STRIDE (advance over STRIDE zero bytes) by byte
const RESULT_AT = 16 * TABLE_BYTES; // the i64 register written back after each call
const DATA_AT = 65536; // input slices are copied here
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
  i32LtU: 0x49,
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
  const get = (l: number) => [op.localGet, l];
  const set = (l: number) => [op.localSet, l];
  const i32 = (n: number) => [op.i32Const, ...sleb(n)];
  const i64 = (n: number) => [op.i64Const, ...sleb(n)];
  const load64 = (offset: number) => [op.i64Load, 3, ...uleb(offset)]; // alignment is only a hint
  const load32 = (offset: number) => [op.i32Load, 2, ...uleb(offset)];
  // Locals: the four params, then per stream s a register R(s) (i64) and the two 32-bit words of its
  // current 8-byte block, then the loop bounds.
  const [LO, HI, PTR, LEN] = [0, 1, 2, 3];
  const R = (s: number) => 4 + s;
  const W0 = (s: number) => 4 + STREAMS + s;
  const W1 = (s: number) => 4 + 2 * STREAMS + s;
  const [END, STOP] = [4 + 3 * STREAMS, 5 + 3 * STREAMS];
  const streams = Array.from({ length: STREAMS }, (_, s) => s);

  // T[byte b of the 32-bit word in local w], T being the table at `base`: the byte times 8 is the
  // address, the table's base is the load's static offset.
  const lookup = (base: number, w: number, b: number) => [
    ...get(w),
    ...(b === 0 ? [...i32(3), op.i32Shl] : [...i32(8 * b - 3), op.i32ShrU]),
    ...i32(0x7f8),
    op.i32And,
    ...load64(base),
  ];
  // A balanced xor tree keeps the dependency chain short (3 xors for 8 terms, not 7).
  const tree = (xs: number[][]): number[] =>
    xs.length <= 1
      ? (xs[0] ?? [])
      : [...tree(xs.slice(0, xs.length >> 1)), ...tree(xs.slice(xs.length >> 1)), op.i64Xor];
  // The 8 lookups that map the 64-bit value in words (w0, w1) through the 8 tables starting at `base`:
  // byte j (little-endian) goes through table 7-j.
  const eightLookups = (base: number, w0: number, w1: number) =>
    tree(Array.from({ length: 8 }, (_, j) => lookup(base + (7 - j) * TABLE_BYTES, j < 4 ? w0 : w1, j & 3)));

  // Slicing-by-8 step of stream s over the 8 bytes at ptr + offset: R = T(R ^ bytes).
  const step8 = (s: number, offset: number) => [
    ...get(PTR),
    ...load32(offset),
    ...get(R(s)),
    op.i32WrapI64,
    op.i32Xor,
    ...set(W0(s)),
    ...get(PTR),
    ...load32(offset + 4),
    ...get(R(s)),
    ...i64(32),
    op.i64ShrU,
    op.i32WrapI64,
    op.i32Xor,
    ...set(W1(s)),
    ...eightLookups(TABLES_AT, W0(s), W1(s)),
    ...set(R(s)),
  ];
  // R(0) = L(R(0)) ^ R(s): L advances a register over STRIDE zero bytes (the SHIFT tables).
  const combine = (s: number) => [
    ...get(R(0)),
    op.i32WrapI64,
    ...set(W0(0)),
    ...get(R(0)),
    ...i64(32),
    op.i64ShrU,
    op.i32WrapI64,
    ...set(W1(0)),
    ...eightLookups(SHIFT_AT, W0(0), W1(0)),
    ...get(R(s)),
    op.i64Xor,
    ...set(R(0)),
  ];
  const whileLoop = (condExit: number[], body: number[]) => [
    op.block,
    op.void,
    op.loop,
    op.void,
    ...condExit,
    op.brIf,
    1,
    ...body,
    op.br,
    0,
    op.end,
    op.end,
  ];
  const addPtr = (n: number) => [...get(PTR), ...i32(n), op.i32Add, ...set(PTR)];
  const remainingBelow = (n: number) => [...get(END), ...get(PTR), op.i32Sub, ...i32(n), op.i32LtU];

  // Stream s reads STRIDE bytes at ptr + s*STRIDE, all streams in the same loop so their independent
  // chains overlap in the CPU. Stream 0 carries the register in; the others start from 0 (the CRC
  // register is affine: R(A‖B) = L_|B|(R(A)) ^ R_0(B)), and are folded in at the end of the group.
  const group = [
    ...Array.from({ length: STREAMS - 1 }, (_, k) => [...i64(0), ...set(R(k + 1))]).flat(),
    ...get(PTR),
    ...i32(STRIDE),
    op.i32Add,
    ...set(STOP),
    ...whileLoop(
      [...get(PTR), ...get(STOP), op.i32GeU],
      [...streams.flatMap((s) => step8(s, s * STRIDE)), ...addPtr(8)],
    ),
    ...streams.slice(1).flatMap((s) => combine(s)),
    ...addPtr((STREAMS - 1) * STRIDE),
  ];

  // One byte: R = T0[(R ^ byte) & 0xff] ^ (R >>> 8).
  const byte1 = [
    ...get(R(0)),
    op.i32WrapI64,
    ...get(PTR),
    op.i32Load8U,
    0,
    0,
    op.i32Xor,
    ...i32(0xff),
    op.i32And,
    ...i32(3),
    op.i32Shl,
    ...load64(TABLES_AT),
    ...get(R(0)),
    ...i64(8),
    op.i64ShrU,
    op.i64Xor,
    ...set(R(0)),
    ...addPtr(1),
  ];

  const body = [
    // R0 = (u64(hi) << 32) | u64(lo); end = ptr + len
    ...get(HI),
    op.i64ExtendI32U,
    ...i64(32),
    op.i64Shl,
    ...get(LO),
    op.i64ExtendI32U,
    op.i64Or,
    ...set(R(0)),
    ...get(PTR),
    ...get(LEN),
    op.i32Add,
    ...set(END),
    // whole groups of STREAMS × STRIDE bytes, then 8 bytes at a time, then single bytes
    ...(STREAMS > 1 ? whileLoop(remainingBelow(STREAMS * STRIDE), group) : []),
    ...whileLoop(remainingBelow(8), [...step8(0, 0), ...addPtr(8)]),
    ...whileLoop([...get(PTR), ...get(END), op.i32GeU], byte1),
    // memory[RESULT_AT] = R0
    ...i32(RESULT_AT),
    ...get(R(0)),
    op.i64Store,
    3,
    0,
    op.end,
  ];
  const locals = vec([
    [STREAMS, op.i64], // R
    [2 * STREAMS + 2, op.i32], // W0, W1, END, STOP
  ]);
  const code = [...locals, ...body];

  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00, // "\0asm", version 1
    ...section(1, vec([[0x60, ...vec([[op.i32], [op.i32], [op.i32], [op.i32]]), ...vec([])]])), // types
    ...section(3, vec([[0]])), // functions: one, of type 0
    ...section(5, vec([[0x01, ...uleb(PAGES), ...uleb(PAGES)]])), // memory: fixed size
    ...section(
      7,
      vec([
        [...name('update'), 0x00, 0],
        [...name('memory'), 0x02, 0],
      ]),
    ), // exports
    ...section(10, vec([[...uleb(code.length), ...code]])), // code
  ]);
}

/** Advances a register (lo, hi) over one zero byte. */
function zeroByte(lo: number, hi: number): [number, number] {
  const idx = lo & 0xff; // < 256, the tables' length
  return [(((lo >>> 8) | (hi << 24)) ^ T_LO[idx]!) >>> 0, ((hi >>> 8) ^ T_HI[idx]!) >>> 0];
}

/** A linear map on 64-bit registers as its 64 columns (images of bit i), [lo, hi] pairs: 128 words. */
function applyMatrix(m: Uint32Array, lo: number, hi: number): [number, number] {
  let rlo = 0;
  let rhi = 0;
  for (let i = 0; i < 64; i++) {
    if ((i < 32 ? lo >>> i : hi >>> (i - 32)) & 1) {
      rlo ^= m[2 * i]!;
      rhi ^= m[2 * i + 1]!;
    }
  }
  return [rlo >>> 0, rhi >>> 0];
}

/** Fills the slicing tables and the STRIDE-shift tables (the module's first 32 KiB). */
function writeTables(words: Uint32Array): void {
  const put = (at: number, [lo, hi]: [number, number]) => {
    words[at / 4] = lo;
    words[at / 4 + 1] = hi;
  };
  for (let i = 0; i < 256; i++) {
    let r: [number, number] = [T_LO[i]!, T_HI[i]!]; // i < 256, the tables' length
    for (let k = 0; k < 8; k++) {
      put(TABLES_AT + k * TABLE_BYTES + i * 8, r);
      r = zeroByte(r[0], r[1]);
    }
  }
  // L_1 (one zero byte) as a matrix, squared up to L_STRIDE.
  let m = new Uint32Array(128);
  for (let i = 0; i < 64; i++) {
    const [lo, hi] = zeroByte(i < 32 ? (1 << i) >>> 0 : 0, i < 32 ? 0 : (1 << (i - 32)) >>> 0);
    m[2 * i] = lo;
    m[2 * i + 1] = hi;
  }
  for (let n = 1; n < STRIDE; n *= 2) {
    const squared = new Uint32Array(128);
    for (let i = 0; i < 64; i++) {
      const [lo, hi] = applyMatrix(m, m[2 * i]!, m[2 * i + 1]!); // i < 64: m has 128 words
      squared[2 * i] = lo;
      squared[2 * i + 1] = hi;
    }
    m = squared;
  }
  // Shift table 7-j takes byte j of the register: entry v is L_STRIDE(v << 8j).
  for (let j = 0; j < 8; j++) {
    for (let v = 0; v < 256; v++) {
      const lo = j < 4 ? (v << (8 * j)) >>> 0 : 0;
      const hi = j < 4 ? 0 : (v << (8 * (j - 4))) >>> 0;
      put(SHIFT_AT + (7 - j) * TABLE_BYTES + v * 8, applyMatrix(m, lo, hi));
    }
  }
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
  writeTables(words);
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
      // The module's memory is fixed and RESULT_AT lies inside it.
      lo = words[RESULT_AT / 4]!;
      hi = words[RESULT_AT / 4 + 1]!;
    }
    this.lo = lo;
    this.hi = hi;
    return this;
  }

  /** Byte at a time in plain JS, over the two 32-bit halves. */
  private updateJs(data: Uint8Array): this {
    let hi = this.hi;
    let lo = this.lo;
    for (const byte of data) {
      const idx = (lo ^ byte) & 0xff; // < 256, the tables' length
      lo = ((lo >>> 8) | (hi << 24)) ^ T_LO[idx]!;
      hi = (hi >>> 8) ^ T_HI[idx]!;
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
