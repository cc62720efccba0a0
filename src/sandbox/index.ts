// Starting and stopping the sandbox in process: what `fcw serve`, the wizard's "local sandbox"
// target, `fcw deploy --target local` and the tests call.
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import type { Credentials } from '../fc/types.js';
import { credentialsPath, loadOrCreateAccountId, loadOrCreateCredentials } from './credentials.js';
import type { RandomSource } from './alias-routing.js';
import { FunctionExecutor } from './runtime/executor.js';
import { TimerRunner } from './timers.js';
import { SANDBOX_REGION } from './runtime/choices.js';
import { createSandboxServer, type LargeBodyLimits, type ServerTimeouts } from './server.js';
import { SandboxStore } from './store.js';
import { startSparesForStored } from './startup-spares.js';

export { credentialsPath } from './credentials.js';

export interface StartSandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  dataDir: string;
  /** Default: the one stored in the data directory (created on first start). */
  accountId?: string;
  /** Default: the key pair stored in the data directory (created on first start, mode 0600). */
  credentials?: Credentials;
  /** One line per request, for `fcw serve`. */
  log?: (line: string) => void;
  /** Cap on a request body (tests lower it); default: a 100 MB zip in base64 plus JSON. */
  maxBodyBytes?: number;
  /** The clock (tests move it). */
  now?: () => number;
  /** Overrides of the server's time limits (tests shorten them). */
  timeouts?: Partial<ServerTimeouts>;
  /** Overrides of how many large bodies are handled at once (tests lower them). */
  largeBodies?: Partial<LargeBodyLimits>;
  /** How long an unused function instance stays warm (tests shorten it). */
  instanceIdleMs?: number;
  /** Fire timer triggers on their schedule (`fcw serve` does; in-process sandboxes do not). */
  timers?: boolean;
  /** Draws which version of a weighted alias a call runs; default Math.random (tests fix it). */
  random?: RandomSource;
}

export interface RunningSandbox {
  /** e.g. `http://127.0.0.1:43121`: pass as the endpoint (the API lives under /2016-08-15). */
  url: string;
  accountId: string;
  credentials: Credentials;
  dataDir: string;
  /**
   * Stops accepting, ends every function instance, lets requests in progress finish (up to a few
   * seconds), then closes every socket.
   */
  close(): Promise<void>;
}

/** How long close() waits for requests in progress before cutting their connections. */
const CLOSE_GRACE_MS = 5_000;

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export async function startSandbox(options: StartSandboxOptions): Promise<RunningSandbox> {
  const dataDir = path.resolve(options.dataDir);
  const host = options.host ?? '127.0.0.1';
  const store = new SandboxStore(dataDir, { log: options.log });
  await store.init();
  const credentials = options.credentials ?? (await loadOrCreateCredentials(dataDir));
  const accountId = options.accountId ?? (await loadOrCreateAccountId(dataDir));

  // Functions see the sandbox's own key as their credentials, never a cloud key.
  const executor = new FunctionExecutor({
    accountId,
    region: SANDBOX_REGION,
    credentials,
    idleMs: options.instanceIdleMs,
  });
  let url = '';
  const { server, idle } = createSandboxServer(
    {
      store,
      accountId,
      credentials,
      log: options.log,
      maxBodyBytes: options.maxBodyBytes,
      now: options.now,
      timeouts: options.timeouts,
      largeBodies: options.largeBodies,
      keyFile: options.credentials ? undefined : credentialsPath(dataDir),
      executor,
      random: options.random,
    },
    () => url,
  );
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => {
      void executor.close();
      reject(error);
    };
    server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  url = `http://${hostForUrl(host)}:${port}`;
  const timers = options.timers
    ? new TimerRunner({
        store,
        executor,
        accountId,
        now: options.now ?? Date.now,
        log: options.log,
        random: options.random,
      })
    : undefined;
  timers?.start();
  // Not awaited: the server answers at once; the spares are ready a moment later.
  void startSparesForStored(store, executor).catch(() => undefined);

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      timers?.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Every function instance ends now; invocations in flight answer that their process exited.
      await executor.close();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)))]);
      clearTimeout(timer);
      server.closeAllConnections();
      await closed;
    })();
    return closing;
  };

  return { url, accountId, credentials, dataDir, close };
}
