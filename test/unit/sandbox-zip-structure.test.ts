// zipOpensFast: the sandbox's quick proof that an uploaded zip opens. It must say yes to the zips
// real tools write (Info-ZIP with a comment, Info-ZIP ZIP64 from `zip -fz`, Python's zipfile,
// JSZip, an empty zip), no to broken ones, and never yes to a zip JSZip (which unpacks code to
// run it) cannot open; decodeZip still answers every broken zip with the same 400.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';

import { decodeZip } from '../../src/sandbox/code.js';
import { SandboxError } from '../../src/sandbox/errors.js';
import { zipOpensFast } from '../../src/sandbox/zip-structure.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/zips');
/** infozip.zip: `zip -X -r -6` plus `zip -z` (a comment); zip64.zip: `zip -fz`; python.zip: zipfile, with a comment. */
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name));
const EMPTY = Buffer.from('UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==', 'base64');

async function jszipOpens(zip: Buffer): Promise<boolean> {
  return JSZip.loadAsync(zip, { checkCRC32: false }).then(
    () => true,
    () => false,
  );
}

async function jszipZip(comment?: string): Promise<Buffer> {
  const z = new JSZip();
  const date = new Date('2024-01-01T00:00:00Z');
  z.file('index.js', 'exports.handler = () => 1;\n', { date });
  z.file('lib/a.js', 'x'.repeat(300), { date, compression: 'DEFLATE' });
  z.folder('empty');
  return z.generateAsync({ type: 'nodebuffer', compression: 'STORE', comment });
}

async function refusal(zip: Buffer): Promise<SandboxError> {
  const error = await decodeZip(zip.toString('base64'), undefined).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SandboxError);
  return error as SandboxError;
}

describe('zipOpensFast', () => {
  it('opens the zips real tools write, ZIP64 and comments included', async () => {
    const zips: [string, Buffer][] = [
      ['Info-ZIP with a comment', fixture('infozip.zip')],
      ['Info-ZIP ZIP64 (zip -fz)', fixture('zip64.zip')],
      ['Python zipfile with a comment', fixture('python.zip')],
      ['JSZip', await jszipZip()],
      ['JSZip with a comment', await jszipZip('a comment')],
      ['empty', EMPTY],
    ];
    for (const [what, zip] of zips) {
      expect(zipOpensFast(zip), what).toBe(true);
      expect(await jszipOpens(zip), what).toBe(true);
      expect((await decodeZip(zip.toString('base64'), undefined)).zip.equals(zip), what).toBe(true);
    }
    // The ZIP64 fixture really is one: its end record points at the ZIP64 end record.
    expect(fixture('zip64.zip').readUInt32LE(fixture('zip64.zip').length - 22 + 16)).toBe(0xffffffff);
  });

  it('refuses a truncated zip, a garbage central directory and a misplaced local header', async () => {
    const good = fixture('infozip.zip');
    const eocd = good.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const cdOffset = good.readUInt32LE(eocd + 16);
    const truncated = good.subarray(0, good.length - 30);
    const garbage = Buffer.from(good);
    garbage.fill(0xa5, cdOffset, eocd);
    const misplaced = Buffer.from(good);
    misplaced.writeUInt32LE(7, cdOffset + 42); // the first entry's local header offset
    const chopped = Buffer.concat([good.subarray(0, 40), good.subarray(cdOffset)]); // entry data gone
    for (const [what, zip] of Object.entries({ truncated, garbage, misplaced, chopped })) {
      expect(zipOpensFast(zip), what).toBe(false);
      const error = await refusal(zip);
      expect([error.status, error.code], what).toEqual([400, 'InvalidArgument']);
      expect(error.message, what).toMatch(/^code\.zipFile is not a zip archive that opens: /);
    }
  });

  it('never says yes to a zip JSZip cannot open (random damage, fixed seed)', async () => {
    let seed = 20240601;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const sources = [fixture('infozip.zip'), fixture('zip64.zip'), fixture('python.zip'), await jszipZip('c')];
    let fastYes = 0;
    for (let i = 0; i < 3000; i++) {
      const zip = Buffer.from(sources[i % sources.length]!);
      // Damage the structure (the last ~200 bytes hold the directory and end records) or anywhere.
      for (let k = 0, n = 1 + Math.floor(random() * 3); k < n; k++) {
        const at = random() < 0.7 ? zip.length - 1 - Math.floor(random() * Math.min(200, zip.length)) : 0;
        const where = at || Math.floor(random() * zip.length);
        zip[where] = random() < 0.3 ? 0xff : Math.floor(random() * 256);
      }
      const cut = random() < 0.1 ? zip.subarray(0, Math.floor(random() * zip.length)) : zip;
      if (zipOpensFast(cut)) {
        fastYes++;
        const why = await JSZip.loadAsync(cut).then(
          () => 'ok',
          (e: Error) => e.message,
        );
        expect(why, `case ${i}`).toBe('ok');
      }
    }
    expect(fastYes).toBeGreaterThan(100); // damage to names, dates or data leaves most zips opening
  });
});
