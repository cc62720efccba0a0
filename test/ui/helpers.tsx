// Shared by the wizard's ink-testing-library tests: fake services that record what the screens
// asked for, a render helper with the App's context, key codes, and a bounded frame poll
// (docs/terminal-notes.md, 1: never one fixed tick).
import { act } from 'react';
import { render } from 'ink-testing-library';
import { App } from '../../src/ui/App.js';
import type { Session } from '../../src/ui/context.js';
import type { BuiltPackage, Connection, FoundCredentials, WizardServices } from '../../src/ui/services.js';
import type { FunctionInfo, ServiceInfo } from '../../src/fc/types.js';
import { initialState, type TargetValues, type WizardState } from '../../src/wizard/state.js';

// Keys are written inside act() and every poll step is an act() scope, so React has flushed the
// render AND its effects (useInput's listeners) before the next key arrives (docs/terminal-notes.md, 1).
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
// Services answer asynchronously (a promise resolves between two act scopes); React warns about
// each such update. The next poll's act scope flushes it, so the warning is noise here: drop it alone.
const consoleError = console.error;
console.error = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].includes('not wrapped in act')) return;
  consoleError(...args);
};

export const KEY = {
  enter: '\r',
  esc: '\u001B',
  up: '\u001B[A',
  down: '\u001B[B',
  left: '\u001B[D',
  right: '\u001B[C',
  ctrlC: '\u0003',
  backspace: '\u007F',
};

export const SANDBOX_TARGET: TargetValues = {
  kind: 'sandbox',
  endpoint: 'http://127.0.0.1:1',
  accountId: '123456789012',
  credentialSource: 'sandbox key',
};

export function service(name: string): ServiceInfo {
  return { serviceName: name, serviceId: `id-${name}`, createdTime: '', lastModifiedTime: '' };
}

export interface FakeLog {
  calls: string[];
}

export function fakeConnection(
  options: {
    services?: ServiceInfo[];
    functions?: Record<string, FunctionInfo>;
    target?: TargetValues;
    failList?: Error;
  } = {},
  log: FakeLog = { calls: [] },
): Connection {
  const services = options.services ?? [service('demo'), service('other')];
  return {
    target: options.target ?? SANDBOX_TARGET,
    async listServices() {
      log.calls.push('listServices');
      if (options.failList) throw options.failList;
      return services;
    },
    async listFunctions(s) {
      log.calls.push(`listFunctions ${s}`);
      return Object.entries(options.functions ?? {})
        .filter(([key]) => key.startsWith(`${s}/`))
        .map(([, fn]) => fn);
    },
    async getFunction(s, f) {
      log.calls.push(`getFunction ${s}/${f}`);
      return options.functions?.[`${s}/${f}`];
    },
    async close() {
      log.calls.push('close');
    },
  };
}

export const BUILT: BuiltPackage = {
  facts: { files: 2, bytes: 300, zipBytes: 250, checksum: '1234567890' },
  verdict: { level: 'ok', text: 'fits inline' },
  handle: 'pkg',
};

export function fakeServices(
  overrides: Partial<WizardServices> = {},
  log: FakeLog = { calls: [] },
): WizardServices & { log: FakeLog } {
  const creds: FoundCredentials[] = [];
  return {
    log,
    cwd: '/work/app',
    regions: ['cn-hangzhou', 'cn-shanghai', 'ap-southeast-1'],
    defaults: {},
    async findCredentials() {
      return creds;
    },
    connectCloud(input) {
      log.calls.push(`connectCloud ${input.region} ${input.accountId} ${input.source}`);
      return fakeConnection(
        {
          target: {
            kind: 'cloud',
            endpoint: `https://${input.accountId}.${input.region}.fc.aliyuncs.com`,
            accountId: input.accountId,
            region: input.region,
            credentialSource: input.source,
          },
        },
        log,
      );
    },
    connectEndpoint(input) {
      log.calls.push(`connectEndpoint ${input.endpoint}`);
      return fakeConnection(
        {
          target: {
            kind: 'endpoint',
            endpoint: input.endpoint,
            accountId: input.accountId,
            credentialSource: input.source,
          },
        },
        log,
      );
    },
    async probeEndpoint(endpoint) {
      log.calls.push(`probe ${endpoint}`);
      if (endpoint.includes(':9420')) return { reachable: true, sandbox: { accountId: '555000555' } };
      if (endpoint.includes(':9000')) return { reachable: true };
      return { reachable: false, message: `Nothing answers at ${endpoint} (ECONNREFUSED).` };
    },
    async startSandbox() {
      log.calls.push('startSandbox');
      return fakeConnection({}, log);
    },
    async scanFolder(path) {
      log.calls.push(`scan ${path}`);
      if (path === 'missing') throw new Error('folder missing does not exist');
      return {
        files: 2,
        bytes: 300,
        largest: [{ path: 'index.js', bytes: 200 }],
        verdict: { level: 'ok', text: 'fits inline' },
      };
    },
    async buildPackage(code, _runtime, options) {
      log.calls.push(`build ${code.kind} ${code.path}`);
      options?.onProgress?.({ files: 1, bytes: 100 });
      return BUILT;
    },
    async codeFingerprint() {
      return 'fingerprint-1';
    },
    async checkHandler(_pkg, _runtime, handler) {
      return handler === 'index.handler'
        ? { status: 'ok', message: 'index.js exports handler' }
        : { status: 'error', message: `no file for ${handler}` };
    },
    async writeSample(runtime, dir) {
      log.calls.push(`sample ${runtime} ${dir}`);
      return { dir, files: ['index.js'] };
    },
    async deploy(spec, _conn, options) {
      log.calls.push(`deploy ${spec.service.name}/${spec.function.functionName}`);
      options.onProgress({ phase: 'package', files: 2, bytes: 300, done: true, ms: 5 });
      options.onProgress({ phase: 'CreateFunction', done: true, ms: 7 });
      return {
        status: 'created',
        fn: {
          functionId: 'fid-1',
          functionName: spec.function.functionName,
          runtime: spec.function.runtime,
          handler: spec.function.handler,
          memorySize: spec.function.memorySize,
          timeout: spec.function.timeout,
          codeSize: 250,
          codeChecksum: '1234567890',
          createdTime: 'now',
          lastModifiedTime: 'now',
        },
        localChecksum: '1234567890',
        remoteChecksum: '1234567890',
        checksumMatch: true,
        timings: [
          { phase: 'package', ms: 5 },
          { phase: 'create', ms: 7 },
        ],
        requestIds: ['req-9'],
      };
    },
    async listProfiles() {
      return [];
    },
    async openProfile() {
      throw new Error('no profiles');
    },
    async saveProfile(profile) {
      log.calls.push(`saveProfile ${profile.name}`);
    },
    profileNameProblem(name) {
      return /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name) ? undefined : 'letters, digits, - and _';
    },
    ...overrides,
  };
}

export function renderApp(
  services: WizardServices,
  options: { initial?: WizardState; connection?: Connection; animation?: boolean } = {},
) {
  const exits: number[] = [];
  /** What each exit said after "cancelled" (undefined when nothing). */
  const notes: (string | undefined)[] = [];
  const session: Session = { controllers: new Set(), connection: options.connection };
  let app!: ReturnType<typeof render>;
  act(() => {
    app = render(
      <App
        services={services}
        options={{ color: false, animation: options.animation ?? false }}
        onExit={(code, note) => {
          exits.push(code);
          notes.push(note);
        }}
        initial={options.initial}
        session={session}
      />,
    );
  });
  const write = (data: string) => act(() => app.stdin.write(data));
  return { ...app, stdin: { write }, exits, notes, session };
}

/**
 * Polls the last frame until `match` holds, and returns it; fails with the frame seen. The bound
 * only turns a hang into a readable failure before the test's own timeout: it is no speed check,
 * so it is generous for a loaded machine.
 */
export async function waitForFrame(
  app: { lastFrame: () => string | undefined },
  match: string | RegExp | ((f: string) => boolean),
  timeoutMs = 20_000,
): Promise<string> {
  const test =
    typeof match === 'function'
      ? match
      : (f: string) => (typeof match === 'string' ? f.includes(match) : match.test(f));
  const deadline = Date.now() + timeoutMs;
  let frame = app.lastFrame() ?? '';
  while (!test(frame)) {
    if (Date.now() > deadline) throw new Error(`frame never matched ${String(match)}; last frame:\n${frame}`);
    await act(() => new Promise<void>((r) => setTimeout(r, 10)));
    frame = app.lastFrame() ?? '';
  }
  return frame;
}

/** Writes a key, then waits until the frame changes or matches. */
type Driven = { stdin: { write: (s: string) => void }; lastFrame: () => string | undefined };

export async function press(app: Driven, key: string, until?: string | RegExp): Promise<string> {
  const before = app.lastFrame() ?? '';
  await app.stdin.write(key);
  return waitForFrame(app, until ?? ((f) => f !== before));
}

/** Types text one character at a time (as a person does), waiting for each to show. */
export async function type(app: Driven, text: string): Promise<void> {
  for (const ch of text) await app.stdin.write(ch);
  await waitForFrame(app, (f) => f.includes(text));
}

export function stateAt(step: WizardState['step'], patch: Partial<WizardState> = {}): WizardState {
  return { ...initialState(), step, target: SANDBOX_TARGET, ...patch };
}
