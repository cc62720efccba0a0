// What fcw sends to a loopback endpoint that is not a sandbox fcw has the key of: a cloud key (and
// its STS token) only when --credentials names its source. The built bin against a fake endpoint
// that records every request it gets.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { runFcw } from '../helpers/run-fcw.js';

const KEY_ID = 'STS.envKeyIdForTheGrep42';
const SECRET = 'env-secret-value-for-the-grep';
const TOKEN = 'env-sts-token-value-for-the-grep';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let root: string;
let server: http.Server;
let url: string;
let seen: Seen[] = [];
/** What GET /sandbox-info answers: 404 (not fcw serve), or fcw serve naming the environment key's id. */
let sandboxInfo: 'not-found' | 'names-env-key' = 'not-found';

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'fcw-cli-creds-'));
  fs.mkdirSync(path.join(root, 'app'));
  fs.writeFileSync(path.join(root, 'app', 'index.js'), 'exports.handler = () => {};\n');
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url === '/sandbox-info') {
        if (sandboxInfo === 'not-found') res.writeHead(404).end();
        else {
          const info = { sandbox: 'fcw', accountId: '123', accessKeyId: KEY_ID };
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(info));
        }
        return;
      }
      // Everything else: as FC answers a function that does not exist.
      res
        .writeHead(404, { 'content-type': 'application/json', 'x-fc-request-id': 'req-1' })
        .end(JSON.stringify({ ErrorCode: 'FunctionNotFound', ErrorMessage: 'function not found' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(root, { recursive: true, force: true });
});

beforeEach(() => {
  seen = [];
});

function deploy(extra: string[]) {
  const args = ['deploy', '--endpoint', url, '--account-id', '123', '--service', 's', '--function', 'f'];
  args.push('--runtime', 'nodejs18', '--handler', 'index.handler');
  return runFcw([...args, '--code', path.join(root, 'app'), '--json', ...extra], {
    env: {
      HOME: root,
      FCW_CONFIG_DIR: path.join(root, 'cfg'),
      CI: 'true',
      ALIBABA_CLOUD_ACCESS_KEY_ID: KEY_ID,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: SECRET,
      ALIBABA_CLOUD_SECURITY_TOKEN: TOKEN,
      ALIBABA_CLOUD_PROFILE: '',
    },
  });
}

/** Every byte the endpoint got: method, URL, headers and body. */
function received(): string {
  return seen.map((r) => `${r.method} ${r.url}\n${JSON.stringify(r.headers)}\n${r.body}`).join('\n');
}

describe('a loopback endpoint and a cloud key in the environment', () => {
  for (const mode of ['not-found', 'names-env-key'] as const) {
    const answer = mode === 'not-found' ? 'answers 404' : "names the environment key's id";
    it(`/sandbox-info ${answer}: exit 2 naming --credentials env and why; the key id and token never sent`, async () => {
      sandboxInfo = mode;
      const result = await deploy([]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('pass --credentials env');
      expect(result.stderr.replace(/\s+/g, ' ')).toContain(
        'does not cover the host, so whoever holds that port could replay the requests against Function Compute for 15 minutes',
      );
      expect(JSON.parse(result.stdout)).toMatchObject({ status: 'failed', error: { exitCode: 2 } });
      expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /sandbox-info']);
      expect(received()).not.toContain(KEY_ID);
      expect(received()).not.toContain(TOKEN);
      expect(result.stdout + result.stderr).not.toMatch(new RegExp(`${SECRET}|${TOKEN}`));
    });
  }

  it('with --credentials env: signs with the environment key and sends its token, and says so', async () => {
    sandboxInfo = 'not-found';
    const result = await deploy(['--credentials', 'env', '--dry-run']);
    expect(result.stderr).toContain(
      'from environment (ALIBABA_CLOUD_ACCESS_KEY_ID, with ALIBABA_CLOUD_SECURITY_TOKEN)',
    );
    expect(result.stderr).toContain(`goes to ${url} because --credentials env names it`);
    const signed = seen.filter((r) => r.url !== '/sandbox-info');
    expect(signed.length).toBeGreaterThan(0);
    for (const r of signed) {
      expect(r.headers.authorization).toMatch(new RegExp(`^FC ${KEY_ID.replace('.', '\\.')}:`));
      expect(r.headers['x-fc-security-token']).toBe(TOKEN);
    }
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toMatch(new RegExp(`${SECRET}|${TOKEN}`));
  });

  it('--credentials with an unknown source is exit 2 before anything is sent', async () => {
    const result = await deploy(['--credentials', 'ram']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--credentials must be env, aliyun, aliyun:PROFILE, fcli or sandbox, not "ram".');
    expect(seen).toEqual([]);
  });
});

describe('fcw invoke follows the same rule', () => {
  function invoke(extra: string[]) {
    const args = ['invoke', '--endpoint', url, '--account-id', '123', '--service', 's', '--function', 'f'];
    return runFcw([...args, ...extra], {
      env: {
        HOME: root,
        FCW_CONFIG_DIR: path.join(root, 'cfg'),
        CI: 'true',
        ALIBABA_CLOUD_ACCESS_KEY_ID: KEY_ID,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: SECRET,
        ALIBABA_CLOUD_SECURITY_TOKEN: TOKEN,
        ALIBABA_CLOUD_PROFILE: '',
      },
    });
  }

  it('without --credentials: exit 2, only GET /sandbox-info reaches the endpoint', async () => {
    sandboxInfo = 'names-env-key';
    const result = await invoke([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pass --credentials env');
    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /sandbox-info']);
    expect(received()).not.toContain(TOKEN);
  });

  it('with --credentials env: the invocation is signed with the environment key', async () => {
    sandboxInfo = 'not-found';
    const result = await invoke(['--credentials', 'env']);
    const signed = seen.filter((r) => r.url !== '/sandbox-info');
    expect(signed.map((r) => r.method)).toEqual(['POST']);
    expect(signed[0]?.headers.authorization).toMatch(new RegExp(`^FC ${KEY_ID.replace('.', '\\.')}:`));
    // The fake answers FunctionNotFound: the service failed.
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).not.toMatch(new RegExp(`${SECRET}|${TOKEN}`));
  });
});
