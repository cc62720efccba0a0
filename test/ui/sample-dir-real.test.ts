// The real services offer the first sample folder a sample can go into: the default, or the
// default with -2, -3, … when earlier runs filled it (an empty folder is free).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRealServices } from '../../src/ui/real-services.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fcw-sample-dir-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('freeSampleDir', () => {
  it('the default, then the next free name once it holds files; an empty folder is free', async () => {
    const env = { FCW_CONFIG_DIR: path.join(dir, 'config'), HOME: dir };
    const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough(), env, cwd: dir };
    const services = createRealServices(io);
    expect(await services.freeSampleDir?.('nodejs20')).toBe('fcw-sample-nodejs20');
    await services.writeSample('nodejs20', 'fcw-sample-nodejs20');
    await fs.mkdir(path.join(dir, 'fcw-sample-nodejs20-2'));
    expect(await services.freeSampleDir?.('nodejs20')).toBe('fcw-sample-nodejs20-2');
    await fs.writeFile(path.join(dir, 'fcw-sample-nodejs20-2', 'mine.txt'), 'x');
    expect(await services.freeSampleDir?.('nodejs20')).toBe('fcw-sample-nodejs20-3');
  });
});
