// Types for the three jszip 3.10.2 internals the zip writer builds on (jszip ships none for them).
// jszip is pinned to exactly 3.10.2 in package.json; zip-writer.ts checks JSZip.version at run
// time and test/unit/package-zip.test.ts round-trips through unzip, so a change here is caught.

declare module 'jszip/lib/stream/GenericWorker.js' {
  interface Chunk {
    data: unknown;
    meta: { percent?: number; currentFile?: string | null };
  }
  class GenericWorker {
    constructor(name: string);
    streamInfo: Record<string, unknown>;
    isPaused: boolean;
    isFinished: boolean;
    push(chunk: Chunk): void;
    end(): boolean;
    error(e: unknown): boolean;
    resume(): boolean;
    pause(): boolean;
    cleanUp(): void;
  }
  export = GenericWorker;
}

declare module 'jszip/lib/compressedObject.js' {
  import type GenericWorker from 'jszip/lib/stream/GenericWorker.js';
  interface Compression {
    magic: string;
  }
  class CompressedObject {
    constructor(
      compressedSize: number,
      uncompressedSize: number,
      crc32: number,
      compression: Compression,
      data: unknown,
    );
    compressedSize: number;
    uncompressedSize: number;
    crc32: number;
    compression: Compression;
    compressedContent: unknown;
    getCompressedWorker(): GenericWorker;
  }
  export = CompressedObject;
}

declare module 'jszip/lib/compressions.js' {
  interface Compression {
    magic: string;
  }
  export const STORE: Compression;
  export const DEFLATE: Compression;
}

declare module 'jszip/lib/crc32.js' {
  function crc32(input: Uint8Array, crc?: number): number;
  export = crc32;
}
