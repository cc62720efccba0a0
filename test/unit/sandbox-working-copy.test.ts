// unpackCode's symlinks in a layer: FC mounts layers at /opt, the sandbox in a directory standing
// in for it, so a link a layer made to an absolute path under /opt must lead into that directory.
import { mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import JSZip from 'jszip';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { unpackCode } from '../../src/sandbox/runtime/working-copy.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'fcw-working-copy-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A zip of files and symlinks (`{link: target}`), with Unix modes as Info-ZIP writes them. */
async function zipFile(files: Record<string, string>, links: Record<string, string>): Promise<string> {
  const zip = new JSZip();
  for (const [name, content] of Object.entries(files)) zip.file(name, content, { unixPermissions: 0o100644 });
  for (const [name, target] of Object.entries(links)) zip.file(name, target, { unixPermissions: 0o120777 });
  const file = path.join(dir, 'layer.zip');
  await writeFile(file, await zip.generateAsync({ type: 'nodebuffer', platform: 'UNIX' }));
  return file;
}

describe('unpackCode of a layer (mountedAt /opt)', () => {
  it('points a link to an absolute path under /opt into the stand-in, and leaves any other link as it is', async () => {
    const layer = await zipFile(
      { 'nodejs/node_modules/real/index.js': "module.exports = 'real';\n" },
      {
        'nodejs/node_modules/alias': '/opt/nodejs/node_modules/real',
        top: '/opt',
        climbs: '/opt/../etc/hosts',
        sibling: '/optional/x',
        relative: 'nodejs/node_modules/real',
      },
    );
    const opt = path.join(dir, 'opt');
    await unpackCode(layer, opt, { overwrite: true, mountedAt: '/opt' });
    expect(await readlink(path.join(opt, 'nodejs/node_modules/alias'))).toBe(
      path.join(opt, 'nodejs/node_modules/real'),
    );
    expect(await readFile(path.join(opt, 'nodejs/node_modules/alias/index.js'), 'utf8')).toContain("'real'");
    expect(await readlink(path.join(opt, 'top'))).toBe(opt);
    expect(await readlink(path.join(opt, 'climbs'))).toBe('/opt/../etc/hosts');
    expect(await readlink(path.join(opt, 'sibling'))).toBe('/optional/x');
    expect(await readlink(path.join(opt, 'relative'))).toBe('nodejs/node_modules/real');
  });

  it("keeps a code package's absolute links as they are (nothing is mounted for it)", async () => {
    const code = await zipFile({}, { link: '/opt/nodejs' });
    const codeDir = path.join(dir, 'code');
    await unpackCode(code, codeDir);
    expect(await readlink(path.join(codeDir, 'link'))).toBe('/opt/nodejs');
  });
});
