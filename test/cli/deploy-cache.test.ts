// Redeploys through the package cache, as a user runs them (the built bin, --target local): after
// each change the zip the sandbox holds (read back from its data directory) must equal a full
// build of the tree, and an unchanged tree must not be sent. The tree is given a second to age
// before the first deploy, as files written less than a second before a cached scan are read again.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackage } from '../../src/package/build.js';
import { runFcw } from '../helpers/run-fcw.js';
import { makeTree, noise, text } from '../fixtures/package/tree.js';

let root: string;
let configDir: string;
let codeDir: string;
let env: NodeJS.ProcessEnv;

const FLAGS = ['--target', 'local', '--service', 'svc', '--create-service', '--function', 'hello'];
FLAGS.push('--runtime', 'nodejs18', '--handler', 'index.handler');

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'fcw-cli-deploy-cache-'));
  configDir = path.join(root, 'config');
  const spec: Record<string, string | Buffer> = {
    'index.js': 'exports.handler = (e, c, cb) => cb(null, "v1");\n',
    'lib/a.js': text(30_000, 1),
    'lib/b.js': text(8_000, 2),
    'assets/blob.bin': noise(20_000, 3),
  };
  for (let i = 0; i < 20; i++) spec[`node_modules/m${i}/index.js`] = text(700 + i * 13, 10 + i);
  codeDir = makeTree(path.join(root, 'app'), spec);
  // A home without aliyun/fcli configs, and no cloud keys from the machine running the tests.
  const noCloudKeys = {
    ALIBABA_CLOUD_ACCESS_KEY_ID: '',
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: '',
    ALIBABA_CLOUD_SECURITY_TOKEN: '',
  };
  env = { FCW_CONFIG_DIR: configDir, HOME: root, ...noCloudKeys };
  await new Promise((resolve) => setTimeout(resolve, 1100));
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** The zip the sandbox holds for svc/hello. */
function deployedZip(): Buffer {
  const service = path.join(configDir, 'sandbox', 'services', 'svc');
  const record = JSON.parse(fs.readFileSync(path.join(service, 'functions', 'hello.json'), 'utf8'));
  return fs.readFileSync(path.join(service, 'code', record.codeFile));
}

/** `fcw deploy --json`'s object, loosely typed: the tests read a few nested fields. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type DeployJson = Record<string, any>;

async function deploy(...extra: string[]): Promise<DeployJson> {
  const r = await runFcw(['deploy', ...FLAGS, '--code', codeDir, '--json', ...extra], { env, cwd: root });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

async function expectDeployedEqualsFullBuild(result: DeployJson): Promise<void> {
  const reference = await buildPackage({ root: codeDir });
  expect(result.checksum.local).toBe(reference.checksum);
  expect(deployedZip().equals(reference.zip)).toBe(true);
}

/** Lets the tree age past the racy window after a change, so the next deploy may trust the cache for it. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 1100));

describe('fcw deploy through the package cache', () => {
  it('unchanged, then every kind of change: the deployed zip always equals a full build', async () => {
    const created = await deploy();
    expect(created.status).toBe('created');
    await expectDeployedEqualsFullBuild(created);

    const unchanged = await deploy();
    expect(unchanged).toMatchObject({ status: 'unchanged', codeSent: false });
    expect(unchanged.package.cache).toMatchObject({ used: true, unchanged: true });

    fs.writeFileSync(path.join(codeDir, 'lib/b.js'), text(8_100, 4));
    const oneChanged = await deploy();
    expect(oneChanged.package.cache).toEqual({ used: true, unchanged: false, reused: 23, stored: true });
    await expectDeployedEqualsFullBuild(oneChanged);

    // A same-size edit whose mtime is put back: ctime still moves.
    const file = path.join(codeDir, 'lib/a.js');
    const reference = path.join(root, 'mtime-reference');
    fs.writeFileSync(reference, '');
    execFileSync('touch', ['-r', file, reference]);
    const bytes = fs.readFileSync(file);
    bytes[10] = bytes[10] === 0x61 ? 0x62 : 0x61;
    fs.writeFileSync(file, bytes);
    execFileSync('touch', ['-r', reference, file]);
    const sameSize = await deploy();
    expect(sameSize.status).toBe('updated');
    await expectDeployedEqualsFullBuild(sameSize);

    fs.unlinkSync(path.join(codeDir, 'lib/b.js'));
    fs.symlinkSync('a.js', path.join(codeDir, 'lib/b.js'));
    await expectDeployedEqualsFullBuild(await deploy());

    fs.unlinkSync(path.join(codeDir, 'node_modules/m3/index.js'));
    await expectDeployedEqualsFullBuild(await deploy());

    fs.mkdirSync(path.join(codeDir, 'empty-folder'));
    await expectDeployedEqualsFullBuild(await deploy());

    fs.chmodSync(path.join(codeDir, 'node_modules/m4/index.js'), 0o755);
    await expectDeployedEqualsFullBuild(await deploy());

    await settle();
    await deploy(); // caches the settled tree
    const settled = await deploy();
    expect(settled).toMatchObject({ status: 'unchanged', codeSent: false });
    expect(settled.package.cache.unchanged).toBe(true);
    expect((await deploy('--no-cache')).package.cache).toBeUndefined();
  });

  it('a cache corrupted on disk is not trusted: the deploy sends the right zip', async () => {
    fs.writeFileSync(path.join(codeDir, 'index.js'), 'exports.handler = (e, c, cb) => cb(null, "v2");\n');
    await settle();
    await deploy();
    const cacheRoot = path.join(configDir, 'package-cache');
    for (const folder of fs.readdirSync(cacheRoot)) {
      for (const name of fs.readdirSync(path.join(cacheRoot, folder)).filter((n) => n.endsWith('.zip'))) {
        const file = path.join(cacheRoot, folder, name);
        const bytes = fs.readFileSync(file);
        bytes.writeUInt8(bytes.readUInt8(60) ^ 0xff, 60);
        fs.writeFileSync(file, bytes);
      }
    }
    fs.writeFileSync(path.join(codeDir, 'index.js'), 'exports.handler = (e, c, cb) => cb(null, "v3");\n');
    await expectDeployedEqualsFullBuild(await deploy());
  });

  it('two deploys of the same folder at once: both succeed and the deployed zip equals a full build', async () => {
    fs.writeFileSync(path.join(codeDir, 'lib/c.js'), text(5_000, 9));
    const once = () => runFcw(['deploy', ...FLAGS, '--code', codeDir, '--json'], { env, cwd: root });
    const runs = await Promise.all([once(), once()]);
    for (const r of runs) {
      // The second may find its If-Match stale (a real conflict, exit 1); never a wrong zip.
      expect([0, 1], r.stderr).toContain(r.code);
    }
    expect(runs.some((r) => r.code === 0)).toBe(true);
    const reference = await buildPackage({ root: codeDir });
    expect(deployedZip().equals(reference.zip)).toBe(true);
    const again = await deploy();
    expect(again.checksum.local).toBe(reference.checksum);
  });
});
