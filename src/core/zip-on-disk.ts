// A zip that lives in a file instead of memory: the packager leaves it there (the package cache's
// copy, or a temporary file) and the client streams the request body from it, so a deploy holds a
// few slices of it at a time, never the whole zip.

/** A zip in a file: where, how long, and its CRC-64 (checked again as it is read). */
export interface ZipOnDisk {
  readonly kind: 'zip-file';
  readonly path: string;
  readonly size: number;
  /** CRC-64/XZ of the file's bytes, an unsigned decimal string. */
  readonly checksum: string;
}

/** A zip in memory or in a file. */
export type ZipBytes = Uint8Array | ZipOnDisk;

export function isZipOnDisk(zip: ZipBytes | undefined): zip is ZipOnDisk {
  return zip !== undefined && !(zip instanceof Uint8Array) && zip.kind === 'zip-file';
}

export function zipByteLength(zip: ZipBytes): number {
  return isZipOnDisk(zip) ? zip.size : zip.byteLength;
}
