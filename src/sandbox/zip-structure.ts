// A fast proof that an uploaded zip opens: its end record, its central directory and every
// entry's local header are read where they say they are (ZIP64 and an archive comment included),
// in a few milliseconds for ten thousand entries, where JSZip.loadAsync built a whole object tree.
// It only ever says "yes, it opens" for a zip JSZip would open too (the runtime unpacks the stored
// zip with JSZip): it is stricter than JSZip wherever the two differ, and answers false, so the
// caller asks JSZip for the verdict (and its message), for anything it does not know.

const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const EOCD_BYTES = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const ZIP64_LOCATOR_BYTES = Buffer.from([0x50, 0x4b, 0x06, 0x07]);
const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIZE = 56;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const MAX16 = 0xffff;
const MAX32 = 0xffffffff;
/** JSZip reads sizes and offsets into 32-bit signed integers: anything larger it reads wrong. */
const JSZIP_MAX = 0x7fffffff;
/** Info-ZIP's Unicode path and comment extra fields: JSZip may name the entry from them. */
const UNICODE_EXTRAS = new Set([0x7075, 0x6375]);
const MADE_BY_UNIX = 3;
const DOS_DIRECTORY = 0x10;
const UNIX_DIRECTORY = 0x4000;
const SLASH = 0x2f;

function signatureAt(zip: Buffer, at: number, signature: number): boolean {
  return at >= 0 && at + 4 <= zip.length && zip.readUInt32LE(at) === signature;
}

/** A 64-bit little-endian number, or -1 when JSZip could not hold it. */
function read64(zip: Buffer, at: number): number {
  const high = zip.readUInt32LE(at + 4);
  const low = zip.readUInt32LE(at);
  return high === 0 && low <= JSZIP_MAX ? low : -1;
}

interface Directory {
  count: number;
  offset: number;
  end: number;
}

/** Where the central directory is, from the end record (and the ZIP64 one), or undefined. */
function directoryOf(zip: Buffer): Directory | undefined {
  // JSZip takes the last end-record signature in the file, as this does.
  const eocd = zip.lastIndexOf(EOCD_BYTES);
  if (eocd < 0 || eocd + EOCD_SIZE > zip.length) return undefined;
  if (eocd + EOCD_SIZE + zip.readUInt16LE(eocd + 20) !== zip.length) return undefined; // the comment ends it
  const disk = zip.readUInt16LE(eocd + 4);
  const cdDisk = zip.readUInt16LE(eocd + 6);
  const onDisk = zip.readUInt16LE(eocd + 8);
  const count = zip.readUInt16LE(eocd + 10);
  const size = zip.readUInt32LE(eocd + 12);
  const offset = zip.readUInt32LE(eocd + 16);
  const zip64 = [disk, cdDisk, onDisk, count].includes(MAX16) || size === MAX32 || offset === MAX32;
  if (!zip64) {
    if (disk !== 0 || cdDisk !== 0 || onDisk !== count || offset + size !== eocd) return undefined;
    return { count, offset, end: eocd };
  }
  const locator = eocd - ZIP64_LOCATOR_SIZE;
  if (zip.lastIndexOf(ZIP64_LOCATOR_BYTES) !== locator || !signatureAt(zip, locator, ZIP64_LOCATOR)) return undefined;
  const record = locator - ZIP64_EOCD_SIZE;
  if (zip.readUInt32LE(locator + 16) > 1 || read64(zip, locator + 8) !== record) return undefined;
  if (!signatureAt(zip, record, ZIP64_EOCD) || read64(zip, record + 4) !== ZIP64_EOCD_SIZE - 12) return undefined;
  const count64 = read64(zip, record + 32);
  const size64 = read64(zip, record + 40);
  const offset64 = read64(zip, record + 48);
  if (count64 < 0 || size64 < 0 || offset64 < 0 || offset64 + size64 !== record) return undefined;
  return { count: count64, offset: offset64, end: record };
}

/** True when the zip opens: every entry is where its central record says; false when unsure. */
export function zipOpensFast(zip: Buffer): boolean {
  const directory = directoryOf(zip);
  if (!directory) return false;
  let at = directory.offset;
  for (let i = 0; i < directory.count; i++) {
    if (at + CENTRAL_SIZE > directory.end || zip.readUInt32LE(at) !== CENTRAL) return false;
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    // Encrypted entries, and methods other than store and deflate, JSZip refuses.
    if (flags & 1 || (method !== 0 && method !== 8)) return false;
    let compressedSize = zip.readUInt32LE(at + 20);
    let uncompressedSize = zip.readUInt32LE(at + 24);
    let localOffset = zip.readUInt32LE(at + 42);
    const nameLength = zip.readUInt16LE(at + 28);
    const unixFolder = zip[at + 5] === MADE_BY_UNIX && (zip.readUInt32LE(at + 38) >>> 16) & UNIX_DIRECTORY;
    const dosFolder = zip[at + 38]! & DOS_DIRECTORY;
    const extraStart = at + CENTRAL_SIZE + nameLength;
    const extraEnd = extraStart + zip.readUInt16LE(at + 30);
    const next = extraEnd + zip.readUInt16LE(at + 32);
    if (next > directory.end) return false;
    let sawZip64 = false;
    // JSZip's walk over the extra fields: one starts wherever more than 4 bytes are left.
    for (let field = extraStart; field + 4 < extraEnd;) {
      const id = zip.readUInt16LE(field);
      const length = zip.readUInt16LE(field + 2);
      const value = field + 4;
      if (value + length > extraEnd || UNICODE_EXTRAS.has(id)) return false;
      if (id === 0x0001) {
        // JSZip reads the last ZIP64 field; with two, this would read the first: leave it to JSZip.
        if (sawZip64) return false;
        sawZip64 = true;
        // ZIP64 sizes and offset, in this order, each present only when its 32-bit field is full.
        let read = value;
        const wide = (): number => {
          const n = read + 8 <= value + length ? read64(zip, read) : -1;
          read += 8;
          return n;
        };
        if (uncompressedSize === MAX32 && (uncompressedSize = wide()) < 0) return false;
        if (compressedSize === MAX32 && (compressedSize = wide()) < 0) return false;
        if (localOffset === MAX32 && (localOffset = wide()) < 0) return false;
      }
      field = value + length;
    }
    if (compressedSize > JSZIP_MAX || uncompressedSize === MAX32 || localOffset > JSZIP_MAX) return false;
    if (localOffset + LOCAL_SIZE > directory.offset || zip.readUInt32LE(localOffset) !== LOCAL) return false;
    const localName = zip.readUInt16LE(localOffset + 26);
    const dataStart = localOffset + LOCAL_SIZE + localName + zip.readUInt16LE(localOffset + 28);
    if (dataStart + compressedSize > directory.offset) return false;
    // JSZip names an entry from its local header, takes it for a file when neither its DOS
    // attributes nor that name say folder, then files it as a folder when its Unix mode does, and
    // fails to find it again.
    const namedFolder = localName > 0 && zip[localOffset + LOCAL_SIZE + localName - 1] === SLASH;
    if (unixFolder && !dosFolder && !namedFolder) return false;
    at = next;
  }
  return at === directory.end;
}
