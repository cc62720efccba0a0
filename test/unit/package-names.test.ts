// Every file under the folder is packaged or the run fails naming it: names with newlines and other
// control characters, backslashes, bytes that are not UTF-8, and names that differ only by Unicode
// normalization. Files are made with byte names through Buffer paths (Linux names are bytes).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { buildPackage } from '../../src/package/build.js';
import { escapeNameBytes, escapePath } from '../../src/package/names.js';
import { selectEntries } from '../../src/package/select.js';
import { makeTree, tempDir } from '../fixtures/package/tree.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

async function usageError(promise: Promise<unknown>): Promise<UsageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

function writeByteName(folder: string, name: Buffer, data: string): void {
  writeFileSync(Buffer.concat([Buffer.from(`${folder}/`), name]), data);
}

describe('names the zip stores as they are', () => {
  it('packages two names that differ only by Unicode normalization as two files', async () => {
    const root = makeTree(path.join(dir, 'code'), { 'index.js': 'x' });
    const nfc = 'caf\u00e9.txt';
    const nfd = 'cafe\u0301.txt';
    writeFileSync(path.join(root, nfc), 'composed');
    writeFileSync(path.join(root, nfd), 'decomposed');
    expect(readdirSync(root)).toHaveLength(3);
    const pkg = await buildPackage({ root });
    expect(pkg.files).toBe(3);
    const zip = await JSZip.loadAsync(pkg.zip);
    expect(await zip.file(nfc)!.async('string')).toBe('composed');
    expect(await zip.file(nfd)!.async('string')).toBe('decomposed');
  });
});

describe('names refused, shown escaped', () => {
  it('a name with a newline (it was silently left out), a carriage return or a tab', async () => {
    for (const name of ['two\nlines.txt', 'Icon\r', 'tab\there']) {
      const root = makeTree(path.join(dir, `code-${name.length}`), { 'index.js': 'x' });
      writeFileSync(path.join(root, name), 'x');
      const error = await usageError(buildPackage({ root }));
      expect(error.message).toBe(
        `${escapePath(name)} has a control character in its name (unzip tools drop or replace them), ` +
          'so it cannot be packaged as it is.',
      );
      expect(error.message).not.toMatch(/[\n\r\t]/);
    }
  });

  it('why: Info-ZIP unzip drops control characters from names (the file would arrive renamed)', () => {
    const folder = makeTree(path.join(dir, 'ref'), {});
    writeFileSync(path.join(folder, 'two\nlines.txt'), 'x');
    const zipFile = path.join(dir, 'ref.zip');
    expect(spawnSync('zip', ['-q', zipFile, 'two\nlines.txt'], { cwd: folder }).status).toBe(0);
    const out = path.join(dir, 'out');
    expect(spawnSync('unzip', ['-q', zipFile, '-d', out]).status).toBe(0);
    expect(readdirSync(out)).toEqual(['twolines.txt']);
  });

  it('a name that is not UTF-8 (not "the folder is empty")', async () => {
    const root = path.join(dir, 'code');
    mkdirSync(path.join(root, 'sub'), { recursive: true });
    const latin1Name = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a, 0x2e, 0x74, 0x78, 0x74]); // "café\n.txt" in Latin-1
    writeByteName(path.join(root, 'sub'), latin1Name, 'latin-1');
    const error = await usageError(selectEntries(root));
    expect(error.message).toBe(
      'sub/caf\\xe9\\n.txt has a name that is not valid UTF-8 (fcw stores names as UTF-8), so it cannot be packaged as it is.',
    );
    expect(error.hint).toContain('.fcignore');
  });

  it('a name that is not UTF-8 can be left out with .fcignore', async () => {
    const root = makeTree(path.join(dir, 'code'), { 'index.js': 'x', '.fcignore': 'caf*\n' });
    writeByteName(root, Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'latin-1');
    expect((await selectEntries(root)).entries.map((e) => e.path)).toEqual(['.fcignore', 'index.js']);
  });

  it('a name with a backslash', async () => {
    const root = makeTree(path.join(dir, 'code'), { 'index.js': 'x' });
    writeFileSync(path.join(root, 'dir\\file.js'), 'x');
    const error = await usageError(selectEntries(root));
    expect(error.message).toContain('dir\\\\file.js has a backslash in its name');
  });

  it('a symlink whose target is not UTF-8', async () => {
    const root = makeTree(path.join(dir, 'code'), { 'index.js': 'x' });
    const { symlinkSync } = await import('node:fs');
    symlinkSync(Buffer.from([0x61, 0xff]), path.join(root, 'link'));
    const error = await usageError(selectEntries(root));
    expect(error.message).toContain('link is a symlink whose target (a\\xff) is not valid UTF-8');
  });
});

describe('escaping', () => {
  it('shows control characters, backslashes and stray bytes so a message stays one line', () => {
    expect(escapePath('a\nb\tc\\d\u0001')).toBe('a\\nb\\tc\\\\d\\x01');
    expect(escapeNameBytes(Buffer.from('ü\xff'.replace('\xff', ''), 'utf8'))).toBe('ü');
    expect(escapeNameBytes(Buffer.from([0xc3, 0xbc, 0xff, 0x41, 0xe2, 0x82]))).toBe('ü\\xffA\\xe2\\x82');
  });
});
