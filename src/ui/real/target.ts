// The target step's services: the keys found on this machine, a connection to Alibaba Cloud, to
// an endpoint or to a sandbox started in this process, and the check of an endpoint.
import { sandboxDataDir } from '../../core/config-dir.js';
import { maskKeyId } from '../../core/key-id.js';
import { connect } from '../../deploy/connect.js';
import { cloudEndpoint } from '../../fc/endpoint.js';
import type { CredentialSourceRef } from '../../profiles/schema.js';
import { readSandboxKey } from '../../sandbox/credentials.js';
import { FC_REGIONS } from '../../wizard/regions.js';
import type { EndpointProbe, FoundCredentials, WizardServices } from '../services.js';
import type { RealContext } from './context.js';
import { load } from './lazy.js';

/** How long the wizard waits for an endpoint to answer before saying nothing does. */
const ENDPOINT_PROBE_MS = 5_000;

type TargetServices = Pick<
  WizardServices,
  'regions' | 'defaults' | 'findCredentials' | 'connectCloud' | 'connectEndpoint' | 'probeEndpoint' | 'startSandbox'
>;

export function targetServices(ctx: RealContext): TargetServices {
  const { env, options, connections } = ctx;
  return {
    // A region given on the command line is offered even when the list does not know it yet.
    regions: options.region && !FC_REGIONS.includes(options.region) ? [options.region, ...FC_REGIONS] : FC_REGIONS,
    defaults: { endpoint: options.endpoint, region: options.region, accountId: options.accountId },

    findCredentials: () => findCredentials(ctx),

    connectCloud({ region, accountId, credentials, source, ref }) {
      const endpoint = cloudEndpoint(accountId, region);
      const connected = connect({ endpoint, accountId, credentials }, { env });
      return connections.open(
        { kind: 'cloud', endpoint, accountId, region, credentialSource: source, credentialRef: ref },
        connected,
      );
    },

    connectEndpoint({ endpoint, accountId, credentials, source, ref }) {
      const connected = connect({ endpoint, accountId, credentials }, { env });
      return connections.open(
        {
          kind: 'endpoint',
          endpoint: connected.client.endpoint,
          accountId,
          credentialSource: source,
          credentialRef: ref,
        },
        connected,
      );
    },

    probeEndpoint: (endpoint, { signal } = {}) => probeEndpoint(endpoint, env, signal),

    async startSandbox({ signal } = {}) {
      const dataDir = sandboxDataDir(env);
      const { startSandbox } = await load.sandbox();
      const sandbox = await startSandbox({ port: 0, dataDir });
      if (signal?.aborted) {
        await sandbox.close();
        throw new Error('cancelled');
      }
      const { url: endpoint, accountId, credentials } = sandbox;
      const connected = connect({ endpoint, accountId, credentials }, { env });
      const credentialSource = `the sandbox's own key (${dataDir})`;
      return connections.open({ kind: 'sandbox', endpoint, accountId, credentialSource }, connected, () =>
        sandbox.close(),
      );
    },
  };
}

/**
 * Whether anything answers at the endpoint, and whether it is `fcw serve`; for `fcw serve`, the
 * local key with the id it expects, found as `fcw deploy --endpoint` finds it (the config dir's
 * sandbox key, or the key file of the data directory it was started with).
 */
async function probeEndpoint(
  endpoint: string,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal | undefined,
): Promise<EndpointProbe> {
  const { probeSandbox, findServedKey } = await load.target();
  // GET /sandbox-info, no credentials: fcw serve says its account and key id (never the secret);
  // any other HTTP answer means something listens there.
  const probe = await probeSandbox(endpoint, { signal, waitMs: ENDPOINT_PROBE_MS });
  switch (probe.answer) {
    case 'sandbox': {
      const { accountId, accessKeyId } = probe.info;
      const { key, looked } = findServedKey(probe.info, env, maskKeyId);
      return {
        reachable: true,
        sandbox: {
          accountId,
          accessKeyId,
          ...(!key && { looked }),
          ...(key && {
            key: {
              source: key.source.label,
              accessKeyIdHint: maskKeyId(key.credentials.accessKeyId),
              accountId,
              credentials: key.credentials,
              ref: { kind: 'sandbox', chosen: true },
              sandbox: true,
            },
          }),
        },
      };
    }
    case 'other':
      return { reachable: true };
    case 'timeout':
      return {
        reachable: false,
        message: `Nothing answers at ${endpoint} (no answer within ${probe.waitMs / 1000} s).`,
      };
    case 'unreachable':
      return { reachable: false, message: `Nothing answers at ${endpoint} (${probe.code}).` };
    case 'cancelled':
      return { reachable: false, message: `The check of ${endpoint} was cancelled.` };
  }
}

/**
 * Every source with a key, for the user to pick one: the pick is saved as chosen, as with
 * `fcw deploy --credentials`. A warning about a key file goes with that file's keys (Ink owns the
 * terminal, so it cannot go to stderr).
 */
async function findCredentials({ env, home, options }: RealContext): Promise<FoundCredentials[]> {
  const [{ listCredentialSources }, { sourceRef }] = await Promise.all([load.credentials(), load.target()]);
  const warnings = new Map<string, string>();
  const warn = (line: string, kind: string) => warnings.set(kind, line.replace(/^fcw: warning: /, ''));
  const found = await listCredentialSources({ env, home, warn });
  const sandbox = sandboxKey(sandboxDataDir(env));
  return [
    ...(sandbox ? [sandbox] : []),
    ...found.map((f): FoundCredentials => ({
      source: f.source.label,
      ref: chosenRef(sourceRef(f.source)),
      accessKeyIdHint: maskKeyId(f.credentials.accessKeyId),
      region: options.region ?? f.region,
      accountId: options.accountId ?? f.accountId,
      credentials: f.credentials,
      ...(warnings.has(f.source.kind) ? { warning: warnings.get(f.source.kind) } : {}),
    })),
  ];
}

/**
 * The key `fcw serve` (and the in-process sandbox) keeps in its data directory, offered for a
 * loopback endpoint. Read only: never created here.
 */
function sandboxKey(dataDir: string): FoundCredentials | undefined {
  const key = readSandboxKey(dataDir);
  if (!key) return undefined;
  return {
    source: `the local sandbox's own key (${dataDir})`,
    accessKeyIdHint: maskKeyId(key.credentials.accessKeyId),
    accountId: key.accountId,
    credentials: key.credentials,
    ref: { kind: 'sandbox', chosen: true },
    sandbox: true,
  };
}

function chosenRef(ref: CredentialSourceRef | undefined): CredentialSourceRef | undefined {
  return ref && { ...ref, chosen: true };
}
