// Whether an existing zip uses ZIP64 (sizes or offsets that do not fit 32 bits, or more than 65,535
// entries). jszip reads a ZIP64 size as only its low 32 bits, signed (a 2 GiB entry came out as
// -2147483648 bytes), so such a zip is refused by name rather than reported wrong. 32-bit sizes of
// 2 GiB and more are read unsigned by load-zip.ts.

const EOCD_SIGNATURE = 0x06054b50;
const CD_SIGNATURE = 0x02014b50;
const EOCD_MIN = 22;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;

function findEocd(zip: Buffer): number {
  // The comment after the record is at most 65,535 bytes.
  const stop = Math.max(0, zip.length - EOCD_MIN - 0xffff);
  for (let at = zip.length - EOCD_MIN; at >= stop; at--) {
    if (zip.readUInt32LE(at) === EOCD_SIGNATURE) return at;
  }
  return -1;
}

/** True when the zip has a ZIP64 end record or a central entry with a 0xFFFFFFFF size or offset. */
export function usesZip64(zip: Buffer): boolean {
  if (zip.length < EOCD_MIN) return false;
  const eocd = findEocd(zip);
  if (eocd < 0) return false; // not a zip: jszip says so
  const locator = eocd - ZIP64_LOCATOR_SIZE;
  if (locator >= 0 && zip.readUInt32LE(locator) === ZIP64_LOCATOR_SIGNATURE) return true;
  const count = zip.readUInt16LE(eocd + 10);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) return true;
  let at = cdOffset;
  for (let i = 0; i < count && at + 46 <= zip.length; i++) {
    if (zip.readUInt32LE(at) !== CD_SIGNATURE) return false;
    const compressed = zip.readUInt32LE(at + 20);
    const uncompressed = zip.readUInt32LE(at + 24);
    const localOffset = zip.readUInt32LE(at + 42);
    if (compressed === 0xffffffff || uncompressed === 0xffffffff || localOffset === 0xffffffff) return true;
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return false;
}
