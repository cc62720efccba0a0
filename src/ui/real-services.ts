// The real WizardServices: the FC client, the packager, the in-process sandbox, the credential
// finder, deploy() and the profile store, adapted to what the screens ask. The only file under
// src/ui that touches the world; the components get it through <App services>.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sandboxDataDir } from '../core/config-dir.js';
import { UsageError } from '../core/errors.js';
import type { Io } from '../cli/io.js';
import { connect, type Connected } from '../deploy/connect.js';
import { DeployFailedError } from '../deploy/errors.js';
import { cloudEndpoint } from '../fc/endpoint.js';
import { FcApiError } from '../fc/errors.js';
import type { DeployPhase, PhaseDetail } from '../deploy/run.js';
import type { CheckablePackage, PackageOnDisk, PackageProgress, PackageResult } from '../package/index.js';
import { profileNameProblem, type CredentialSourceRef } from '../profiles/schema.js';
import type { ProfileStore } from '../profiles/store.js';
import { readSandboxKey } from '../sandbox/credentials.js';
import { profileValues } from '../wizard/profile.js';
import { FC_REGIONS } from '../wizard/regions.js';
import { sampleFiles, sampleUnavailableReason } from '../wizard/samples.js';
import type { DeployOutcome, DeployProgress, TargetValues } from '../wizard/state.js';
import { maskKeyId } from '../core/key-id.js';
import type { BuiltPackage, Connection, FoundCredentials, WizardServices } from './services.js';

// Loaded on first use, not before the first frame: together these pull in conf (with ajv), yaml,
// jszip, ignore and the sandbox, about half of the wizard's code, and the target screen needs
// none of them to draw (bench:startup's first-frame figure). esbuild keeps each a lazy chunk.
const load = {
  deploy: () => import('../deploy/run.js'),
  target: () => import('../deploy/target.js'),
  packager: () => import('../package/index.js'),
  credentials: () => import('../profiles/credentials.js'),
  store: () => import('../profiles/store.js'),
  sandbox: () => import('../sandbox/index.js'),
};

export interface RealServicesOptions {
  endpoint?: string;
  region?: string;
  accountId?: string;
}

/** How long the wizard waits for an endpoint to answer before saying nothing does. */
const ENDPOINT_PROBE_MS = 5_000;

/** Phases of deploy() as the screen names them; the others (validate, plan, confirm) are instant. */
const PHASE_LABELS: Partial<Record<DeployPhase, string>> = {
  package: 'package',
  read: 'GetFunction',
  'create-service': 'CreateService',
  create: 'CreateFunction',
  update: 'UpdateFunction',
  reread: 'GetFunction (read back)',
};

export function createRealServices(io: Io, options: RealServicesOptions = {}): WizardServices {
  const env = io.env;
  const home = env.HOME || os.homedir();
  const connections = new WeakMap<Connection, Connected>();
  let store: ProfileStore | undefined;
  const profiles = async () => (store ??= new (await load.store()).ProfileStore({ env, stderr: io.stderr }));
  const resolve = (p: string) => path.resolve(io.cwd, p);

  function connection(
    target: TargetValues,
    connected: Connected,
    close: () => Promise<void> = async () => {},
  ): Connection {
    const { client } = connected;
    let closed = false;
    const conn: Connection = {
      target,
      async listServices({ signal } = {}) {
        return (await client.listServices({ signal })).data;
      },
      async listFunctions(service, { signal } = {}) {
        return (await client.listFunctions(service, { signal })).data;
      },
      async getFunction(service, fn, { signal } = {}) {
        try {
          return (await client.getFunction(service, fn, { signal })).data;
        } catch (error) {
          if (error instanceof FcApiError && error.code === 'FunctionNotFound') return undefined;
          throw error;
        }
      },
      async invoke(service, fn, event, { signal } = {}) {
        const { invokeOnce } = await import('../invoke/run.js');
        return invokeOnce(client, { service, functionName: fn, event, signal });
      },
      async close() {
        if (closed) return;
        closed = true;
        await close();
      },
    };
    connections.set(conn, connected);
    return conn;
  }

  const regions = options.region && !FC_REGIONS.includes(options.region) ? [options.region, ...FC_REGIONS] : FC_REGIONS;

  return {
    cwd: io.cwd,
    regions,
    defaults: { endpoint: options.endpoint, region: options.region, accountId: options.accountId },

    // Every source with a key, for the user to pick one: the pick is saved as chosen, as with
    // `fcw deploy --credentials`. A warning about a key file goes with that file's keys (Ink owns
    // the terminal, so it cannot go to stderr).
    async findCredentials(): Promise<FoundCredentials[]> {
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
    },

    connectCloud({ region, accountId, credentials, source, ref }) {
      const endpoint = cloudEndpoint(accountId, region);
      const connected = connect({ endpoint, accountId, credentials }, { env });
      const values: TargetValues = {
        kind: 'cloud',
        endpoint,
        accountId,
        region,
        credentialSource: source,
        credentialRef: ref,
      };
      return connection(values, connected);
    },

    connectEndpoint({ endpoint, accountId, credentials, source, ref }) {
      const connected = connect({ endpoint, accountId, credentials }, { env });
      const values: TargetValues = {
        kind: 'endpoint',
        endpoint: connected.client.endpoint,
        accountId,
        credentialSource: source,
        credentialRef: ref,
      };
      return connection(values, connected);
    },

    async probeEndpoint(endpoint, { signal } = {}) {
      const { probeSandbox } = await load.target();
      // GET /sandbox-info, no credentials: fcw serve says its account; any other HTTP answer means
      // something listens there.
      const probe = await probeSandbox(endpoint, { signal, waitMs: ENDPOINT_PROBE_MS });
      switch (probe.answer) {
        case 'sandbox':
          return { reachable: true, sandbox: { accountId: probe.info.accountId } };
        case 'other':
          return { reachable: true };
        case 'timeout':
          return { reachable: false, message: `Nothing answers at ${endpoint} (no answer within ${probe.waitMs / 1000} s).` };
        case 'unreachable':
          return { reachable: false, message: `Nothing answers at ${endpoint} (${probe.code}).` };
        case 'cancelled':
          return { reachable: false, message: `The check of ${endpoint} was cancelled.` };
      }
    },

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
      return connection({ kind: 'sandbox', endpoint, accountId, credentialSource }, connected, () => sandbox.close());
    },

    async scanFolder(folder, runtime) {
      const { scanFolder } = await load.packager();
      const scan = await scanFolder(resolve(folder), runtime);
      return { files: scan.files, bytes: scan.bytes, largest: scan.largest, verdict: { level: scan.verdict.status, text: scan.verdict.message } };
    },

    async buildPackage(code, runtime, { signal, onProgress } = {}): Promise<BuiltPackage> {
      const { buildPackageOnDisk, loadZipPackage, packageCacheFor, tempZipDirFor } = await load.packager();
      // The same package cache as fcw deploy: an unchanged tree's Review is answered from stat.
      const cache = packageCacheFor(env, false);
      const result: PackageOnDisk | PackageResult =
        code.kind === 'folder'
          ? await buildPackageOnDisk(
              {
                root: resolve(code.path),
                runtime,
                signal,
                cache,
                onProgress: (p: PackageProgress) => onProgress?.({ files: p.files, bytes: p.bytes }),
              },
              tempZipDirFor(env),
            )
          : await loadZipPackage(resolve(code.path));
      return {
        facts: { files: result.files, bytes: result.bytes, zipBytes: result.zipBytes, checksum: result.checksum },
        verdict: { level: result.verdict.status, text: result.verdict.message },
        handle: result,
      };
    },

    async codeFingerprint(code, runtime) {
      const { fileFingerprint, folderFingerprint } = await load.packager();
      return code.kind === 'folder' ? folderFingerprint(resolve(code.path), runtime) : fileFingerprint(resolve(code.path));
    },

    async checkHandler(pkg, runtime, handler, field = 'handler') {
      const { checkHandler } = await load.packager();
      return checkHandler(pkg.handle as CheckablePackage, runtime, handler, field);
    },

    async writeSample(runtime, dir) {
      const files = sampleFiles(runtime);
      if (!files) throw new UsageError(`No sample for ${runtime}: ${sampleUnavailableReason(runtime)}.`);
      const target = resolve(dir);
      const existing = await fs.readdir(target).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [];
        throw error;
      });
      if (existing.length > 0) throw new UsageError(`${target} already exists and is not empty: the sample goes into a new folder.`, 'Give another folder name.');
      await fs.mkdir(target, { recursive: true });
      for (const file of files) {
        await fs.writeFile(path.join(target, file.path), file.content, { mode: file.mode ?? 0o644 });
        // The umask may have taken bits off; a custom runtime's bootstrap must be executable.
        if (file.mode) await fs.chmod(path.join(target, file.path), file.mode);
      }
      return { dir, files: files.map((f) => f.path) };
    },

    async deploy(spec, conn, { signal, onProgress, prebuilt, recordIn }): Promise<DeployOutcome> {
      const connected = connections.get(conn);
      if (!connected) throw new Error('deploy: the connection was not made by these services');
      const pkg = prebuilt?.handle as PackageOnDisk | PackageResult | undefined;
      const { deploy, lastDeployOf } = await load.deploy();
      const result = await deploy(
        {
          spec,
          source: 'the wizard',
          signal,
          prebuilt: pkg,
          record: recordIn ? { store: await profiles(), name: recordIn } : undefined,
          onPhase: (phase, detail) => {
            // A package the review showed is sent as is: no packaging happens, so no time to show.
            if (phase === 'package' && pkg) {
              if (detail.state === 'done') onProgress({ phase: 'package', done: true, detail: 'the one the review showed (not built again)' });
              return;
            }
            const progress = progressOf(phase, detail);
            if (progress) onProgress(progress);
          },
        },
        { client: connected.client, packager: connected.packager },
      );
      if (result.status === 'failed' || !result.function) throw new DeployFailedError(result.error);
      const fn = result.function;
      return {
        status: result.status,
        fn,
        localChecksum: result.checksum.local,
        remoteChecksum: result.checksum.remote ?? fn.codeChecksum,
        checksumMatch: result.checksum.match,
        timings: Object.entries(result.timings)
          .filter(([phase]) => !(phase === 'package' && pkg))
          .map(([phase, ms]) => ({ phase: PHASE_LABELS[phase as DeployPhase] ?? phase, ms })),
        requestIds: result.requestIds,
        warnings: result.warnings,
        lastDeploy: lastDeployOf(result, new Date()),
      };
    },

    async listProfiles() {
      return (await profiles())
        .list()
        .map((p) => ({
          name: p.name,
          summary: `${p.service.name}/${p.function.functionName} · ${p.function.runtime} · ${p.target.kind === 'local' ? 'local sandbox' : p.target.kind === 'endpoint' ? p.target.endpoint : p.target.region}`,
        }));
    },

    async openProfile(name, { signal } = {}) {
      const profile = (await profiles()).require(name);
      const { resolveTarget } = await load.target();
      // The target step listed the sources first and showed any key file warning there.
      const target = await resolveTarget({}, profile.target, { env, home, signal, warn: () => {} });
      if (signal?.aborted) {
        await target.close();
        throw new Error('cancelled');
      }
      const values: TargetValues = {
        kind: target.kind === 'local' ? 'sandbox' : target.kind,
        endpoint: target.endpoint,
        accountId: target.accountId,
        region: target.region,
        credentialSource: target.credentialSource,
        credentialRef: target.profileTarget.credentialSource,
      };
      const conn = connection(values, connect(target, { env }), () => target.close());
      return { values: profileValues(profile, values), connection: conn };
    },

    async saveProfile(profile) {
      (await profiles()).save(profile);
    },

    profileNameProblem,

    async lastEvent(name) {
      return (await profiles()).get(name)?.lastEvent;
    },

    async rememberEvent(name, event) {
      (await profiles()).recordEvent(name, event);
    },
  };
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

function progressOf(phase: DeployPhase, detail: PhaseDetail): DeployProgress | undefined {
  const label = PHASE_LABELS[phase];
  if (!label) return undefined;
  if (detail.state === 'skipped') return { phase: label, done: true, detail: detail.message ? `skipped: ${detail.message}` : 'skipped' };
  if (detail.state === 'done') {
    const pkg = detail.package;
    return { phase: label, done: true, ms: detail.ms, ...(pkg ? { files: pkg.files, bytes: pkg.bytes } : {}) };
  }
  const progress = detail.progress as PackageProgress | undefined;
  return progress ? { phase: label, files: progress.files, bytes: progress.bytes } : { phase: label };
}
