// The one wiring from a resolved target to what a deploy or an invoke talks to: the FC client
// signed with the target's key, and the packager as deploy() takes it (with the package cache).
// `fcw deploy`, `fcw invoke` and the wizard all connect here, so a change to how fcw reaches a
// target (a client option, the cache) is made once.
import { FcClient } from '../fc/client.js';
import type { Credentials } from '../fc/types.js';
import type { PackageOnDisk, PackageResult } from '../package/index.js';
import type { DeployPackager } from './types.js';

/** Where to send requests and with which key: a ResolvedTarget, or what the wizard's steps chose. */
export interface ConnectTarget {
  endpoint: string;
  accountId: string;
  credentials: Credentials;
  /** The line that says where requests go and with whose key (never a secret). */
  description?: string;
}

export interface ConnectOptions {
  env: NodeJS.ProcessEnv;
  /** `--no-cache`: build every package from scratch. */
  noCache?: boolean;
}

export interface Connected {
  client: FcClient;
  packager: DeployPackager;
  /** The target's description line, '' when it has none. */
  describe: string;
}

export function connect(target: ConnectTarget, options: ConnectOptions): Connected {
  const { endpoint, accountId, credentials } = target;
  return {
    client: new FcClient({ endpoint, accountId, credentials, env: options.env }),
    packager: deployPackager(options),
    describe: target.description ?? '',
  };
}

/**
 * The packager as deploy() takes it. The package code loads on first use: an invoke or a redeploy
 * from the OSS never needs it, and the wizard draws its first frame without it.
 */
export function deployPackager({ env, noCache = false }: ConnectOptions): DeployPackager {
  const load = () => import('../package/index.js');
  return {
    // The zip stays in a file (the cache's, or a temporary one) and the request body is streamed
    // from it: memory holds slices, not the whole zip.
    async buildPackage(options) {
      const { buildPackageOnDisk, packageCacheFor, tempZipDirFor } = await load();
      return buildPackageOnDisk({ ...options, cache: packageCacheFor(env, noCache) }, tempZipDirFor(env));
    },
    async loadZipPackage(file) {
      return (await load()).loadZipPackage(file);
    },
    // deploy() hands back the package this packager built (or the wizard's prebuilt one, built
    // by the same package code): one the handler check can read.
    async checkHandler(pkg: PackageOnDisk | PackageResult, runtime, handler, field) {
      return (await load()).checkHandler(pkg, runtime, handler, field);
    },
  };
}
