// What survives and what stays whole: a restart keeps every service, function, zip and the key
// pair; concurrent creates of one name give one 200 and one 409 and never a torn record, within
// one process and across two processes serving the same data directory.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import JSZip from 'jszip';
import { afterEach, describe, expect, it } from 'vitest';

import { crc64 } from '../../src/package/crc64.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { json, rawRequest, signed, tempDir } from './sandbox-support.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function zipOf(text: string): Promise<Buffer> {
  const z = new JSZip();
  z.file('index.py', text, { date: new Date('2024-01-01T00:00:00Z') });
  return z.generateAsync({ type: 'nodebuffer' });
}

const createFunction = (sandbox: RunningSandbox, service: string, name: string, zip: Buffer) =>
  signed(sandbox, {
    method: 'POST',
    path: `/2016-08-15/services/${service}/functions`,
    body: json({
      functionName: name,
      runtime: 'python3',
      handler: 'index.handler',
      code: { zipFile: zip.toString('base64') },
    }),
    headers: { 'x-fc-code-checksum': crc64(zip) },
  });

/** Every function record of a service parses, and names a zip on disk whose CRC-64 is its codeChecksum. */
async function expectIntact(dataDir: string, service: string): Promise<void> {
  const dir = path.join(dataDir, 'services', service);
  const records = (await readdir(path.join(dir, 'functions'))).filter((n) => n.endsWith('.json'));
  const zips = await readdir(path.join(dir, 'code'));
  expect(zips).toHaveLength(records.length); // no orphaned upload left behind
  for (const file of records) {
    const record = JSON.parse(await readFile(path.join(dir, 'functions', file), 'utf8'));
    expect(crc64(await readFile(path.join(dir, 'code', record.codeFile)))).toBe(record.codeChecksum);
  }
  expect(await readdir(path.join(dataDir, 'staging'))).toEqual([]);
}

describe('persistence', () => {
  it('keeps services, functions, code and the key pair across a restart', async () => {
    const { dir, remove } = await tempDir();
    cleanups.push(remove);
    const first = await startSandbox({ dataDir: dir });
    await signed(first, {
      method: 'POST',
      path: '/2016-08-15/services',
      body: json({ serviceName: 'keep', description: 'kept' }),
    });
    const zip = await zipOf('def handler(e, c):\n    return 1\n');
    const created = await createFunction(first, 'keep', 'fn', zip);
    expect(created.status).toBe(200);
    const { url: _url, ...identity } = { url: first.url, accountId: first.accountId, credentials: first.credentials };
    await first.close();

    const second = await startSandbox({ dataDir: dir });
    cleanups.push(() => second.close());
    expect({ accountId: second.accountId, credentials: second.credentials }).toEqual(identity);
    const got = await signed(second, { method: 'GET', path: '/2016-08-15/services/keep/functions/fn' });
    expect(got.status).toBe(200);
    expect(got.json).toEqual(created.json);
    expect(got.headers.etag).toBe(created.headers.etag);
    expect((await signed(second, { method: 'GET', path: '/2016-08-15/services/keep' })).json.description).toBe('kept');
    const code = await signed(second, { method: 'GET', path: '/2016-08-15/services/keep/functions/fn/code' });
    const download = await rawRequest(second.url, {
      method: 'GET',
      path: code.json.url.replace(/^https?:\/\/[^/]+/, ''),
    });
    expect(download.body.equals(zip)).toBe(true);
  });

  it('ignores a stray temp file from a crash and never serves it', async () => {
    const { dir, remove } = await tempDir();
    cleanups.push(remove);
    const sandbox = await startSandbox({ dataDir: dir });
    cleanups.push(() => sandbox.close());
    await signed(sandbox, { method: 'POST', path: '/2016-08-15/services', body: json({ serviceName: 's' }) });
    await writeFile(path.join(dir, 'services', 's', 'functions', '.tmp-123'), '{"functionName": "half');
    const list = await signed(sandbox, { method: 'GET', path: '/2016-08-15/services/s/functions' });
    expect(list.json).toEqual({ functions: [] });
  });
});

describe('start-up after a crash', () => {
  /** A pid that certainly names no process: a child that has exited and been reaped. */
  const deadPid = () => {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    return Number(child.stdout.toString());
  };

  it('removes the temp files a dead process left and the zips no record points to; keeps everything else', async () => {
    const { dir, remove } = await tempDir();
    cleanups.push(remove);
    const first = await startSandbox({ dataDir: dir });
    await signed(first, { method: 'POST', path: '/2016-08-15/services', body: json({ serviceName: 's' }) });
    for (const name of ['kept', 'broken']) {
      expect((await createFunction(first, 's', name, await zipOf(`# ${name}\n`))).status).toBe(200);
    }
    await first.close();

    // What a kill -9 mid-request leaves: temp records, a half-made service, a zip committed
    // without its record (or whose record was replaced), staging files.
    const svc = path.join(dir, 'services', 's');
    const dead = deadPid();
    const halfService = path.join(dir, 'services', `.tmp-${dead}-a`);
    const leftovers = [
      halfService,
      path.join(svc, 'functions', `.tmp-${dead}-b`),
      path.join(svc, 'functions', '.tmp-0b5d1c7e-older-name-without-a-pid'),
      path.join(svc, `.tmp-${dead}-c`),
      path.join(svc, 'code', 'kept.0b5d1c7e-0000-4000-8000-000000000001.zip'),
      path.join(svc, 'code', 'gone.0b5d1c7e-0000-4000-8000-000000000002.zip'),
      path.join(dir, 'staging', `.tmp-${dead}-d`),
      path.join(dir, `.tmp-${dead}-e`),
    ];
    await mkdir(halfService, { recursive: true });
    await writeFile(path.join(halfService, 'service.json'), '{"serviceName":"half');
    for (const file of leftovers.slice(1)) await writeFile(file, 'left by a crash');
    // Kept: a running process's temp files, and the zip of a corrupt record (its DeleteFunction removes it).
    const live = [
      path.join(svc, 'functions', `.tmp-${process.ppid}-f`),
      path.join(dir, 'staging', `.tmp-${process.ppid}-g`),
    ];
    for (const file of live) await writeFile(file, 'being written');
    await writeFile(path.join(svc, 'functions', 'broken.json'), '{"functionName": "bro');
    const zipsBefore = await readdir(path.join(svc, 'code'));

    const log: string[] = [];
    const second = await startSandbox({ dataDir: dir, log: (line) => log.push(line) });
    cleanups.push(() => second.close());
    for (const file of leftovers) await expect(stat(file), file).rejects.toThrow();
    for (const file of live) expect((await stat(file)).isFile()).toBe(true);
    const zipsAfter = await readdir(path.join(svc, 'code'));
    expect(zipsAfter.sort()).toEqual(zipsBefore.filter((z) => !z.includes('0b5d1c7e')).sort());
    expect(zipsAfter.filter((z) => z.startsWith('broken.'))).toHaveLength(1);
    expect(log.join('\n')).toMatch(/removed .*gone\.0b5d1c7e/);
    const got = await signed(second, { method: 'GET', path: '/2016-08-15/services/s/functions/kept/code' });
    const codePath = got.json.url.replace(/^https?:\/\/[^/]+/, '');
    const download = await rawRequest(second.url, { method: 'GET', path: codePath });
    expect(crc64(download.body)).toBe(got.json.checksum);
  });
});

describe('concurrency', () => {
  it('two parallel CreateFunction calls for one name: one 200, one 409, an intact record', async () => {
    const { dir, remove } = await tempDir();
    cleanups.push(remove);
    const sandbox = await startSandbox({ dataDir: dir });
    cleanups.push(() => sandbox.close());
    await signed(sandbox, { method: 'POST', path: '/2016-08-15/services', body: json({ serviceName: 'race' }) });
    for (let round = 0; round < 5; round++) {
      const [a, b] = await Promise.all([zipOf(`# a ${round}\n`), zipOf(`# b ${round}\n`)]);
      const answers = await Promise.all([
        createFunction(sandbox, 'race', `f${round}`, a),
        createFunction(sandbox, 'race', `f${round}`, b),
      ]);
      expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
      const winner = answers.find((r) => r.status === 200)!;
      const got = await signed(sandbox, { method: 'GET', path: `/2016-08-15/services/race/functions/f${round}` });
      expect(got.json.codeChecksum).toBe(winner.json.codeChecksum);
    }
    // Many different names at once all land.
    const many = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => createFunction(sandbox, 'race', `m${i}`, await zipOf(`# m${i}\n`))),
    );
    expect(many.map((r) => r.status)).toEqual(Array(8).fill(200));
    await expectIntact(dir, 'race');
  });

  it('two processes on one data directory: one 200 and one 409 per name', async () => {
    const { dir, remove } = await tempDir();
    cleanups.push(remove);
    const here = await startSandbox({ dataDir: dir });
    cleanups.push(() => here.close());

    // The other process: the same sandbox code, bundled and run under plain Node.
    const root = fileURLToPath(new URL('../..', import.meta.url));
    // Inside the repository so that its imports of jszip and friends resolve from node_modules.
    const outfile = path.join(root, 'node_modules', '.cache', 'fcw-sandbox-test', `${path.basename(dir)}-child.mjs`);
    await build({
      stdin: {
        contents: `import { startSandbox } from './src/sandbox/index.ts';
          const s = await startSandbox({ dataDir: process.env.DATA });
          process.stdout.write(s.url + '\\n');
          process.stdin.on('end', () => s.close().then(() => process.exit(0)));
          process.stdin.resume();`,
        resolveDir: root,
        loader: 'ts',
      },
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      packages: 'external',
      logLevel: 'silent',
    });
    cleanups.push(() => import('node:fs/promises').then((fs) => fs.rm(outfile, { force: true })));
    const child: ChildProcess = spawn(process.execPath, [outfile], {
      env: { ...process.env, DATA: dir },
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.stdin!.end();
          setTimeout(() => child.kill('SIGKILL'), 5000).unref();
        }),
    );
    const childUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('\n')) resolve(out.trim());
      });
      child.once('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
    // Same directory, so the same stored key pair and account: only the URL differs.
    const there: RunningSandbox = { ...here, url: childUrl };

    await signed(here, { method: 'POST', path: '/2016-08-15/services', body: json({ serviceName: 'shared' }) });
    for (let round = 0; round < 4; round++) {
      const [a, b] = await Promise.all([zipOf(`# here ${round}\n`), zipOf(`# there ${round}\n`)]);
      const answers = await Promise.all([
        createFunction(here, 'shared', `p${round}`, a),
        createFunction(there, 'shared', `p${round}`, b),
      ]);
      expect(answers.map((r) => r.status).sort(), `round ${round}`).toEqual([200, 409]);
    }
    const fromThere = await signed(there, { method: 'GET', path: '/2016-08-15/services/shared/functions?limit=100' });
    expect(fromThere.json.functions.map((f: { functionName: string }) => f.functionName)).toEqual([
      'p0',
      'p1',
      'p2',
      'p3',
    ]);
    await expectIntact(dir, 'shared');
  });
});
