// What an instance's process sees: the function's own environment variables and the ones FC sets,
// and nothing of fcw's environment (no ALIBABA_CLOUD_* key, no FCW_*, not even fcw's PATH beyond
// the system directories and the directory of the node binary that runs Node.js functions).
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

import type { FunctionTarget } from './types.js';

export interface EnvironmentPlace {
  codeDir: string;
  /** A per-instance directory for HOME and TMPDIR (FC gives functions /tmp). */
  tmpDir: string;
  region: string;
  accountId: string;
  instanceId: string;
  /** Custom runtimes: the port the server must listen on. */
  port?: number;
  /** The instance's stand-in for /opt, where its layers were unpacked. */
  optDir: string;
  /** Which interpreter runs the code: FC adds the layer directories to its search paths. */
  kind: 'nodejs' | 'python' | 'custom';
  /** The runtime's Node.js major version (`nodejs18` -> 18), for /opt/nodejs/node<N>/node_modules. */
  nodeMajor?: number;
}

const SYSTEM_PATH = ['/usr/local/bin', '/usr/bin', '/bin'];

export function instanceEnvironment(target: FunctionTarget, place: EnvironmentPlace): Record<string, string> {
  const config = target.config;
  const env: Record<string, string> = {
    PATH: [path.dirname(process.execPath), ...SYSTEM_PATH].join(path.delimiter),
    HOME: place.tmpDir,
    TMPDIR: place.tmpDir,
    LANG: 'C.UTF-8',
    ...layerSearchPaths(place),
    // The function's own variables win, as on FC (a NODE_PATH of its own replaces the layers' one).
    ...(config.environmentVariables ?? {}),
    // FC's own variables; FC_ is reserved, so a function's variables never collide with these.
    FC_FUNC_CODE_PATH: place.codeDir,
    FC_SERVICE_NAME: target.serviceName,
    FC_FUNCTION_NAME: config.functionName,
    FC_FUNCTION_HANDLER: config.handler,
    FC_FUNCTION_MEMORY_SIZE: String(config.memorySize ?? 128),
    FC_QUALIFIER: target.qualifier,
    FC_REGION: place.region,
    FC_ACCOUNT_ID: place.accountId,
    FC_INSTANCE_ID: place.instanceId,
    // The sandbox's own: where the layers are, since it cannot put them at /opt (no root). FC sets
    // no such variable, so `process.env.FC_OPT_DIR || '/opt'` finds them on both.
    FC_OPT_DIR: place.optDir,
  };
  if (place.port !== undefined) env.FC_SERVER_PORT = String(place.port);
  return env;
}

/**
 * Where FC's runtimes look for what layers hold, with the instance's directory in place of /opt:
 * Node.js `/opt/nodejs/node<N>/node_modules` and `/opt/nodejs/node_modules` (NODE_PATH), Python
 * `/opt/python` (PYTHONPATH), and for both `/opt/bin` (PATH) and `/opt/lib` (LD_LIBRARY_PATH).
 * Custom runtimes get the layers under /opt too but no search path: their bootstrap sets its own.
 */
function layerSearchPaths(place: EnvironmentPlace): Record<string, string> {
  if (place.kind === 'custom') return {};
  const opt = (...parts: string[]) => path.join(place.optDir, ...parts);
  const shared = {
    PATH: [path.dirname(process.execPath), ...SYSTEM_PATH, opt('bin')].join(path.delimiter),
    LD_LIBRARY_PATH: opt('lib'),
  };
  if (place.kind === 'python') return { ...shared, PYTHONPATH: opt('python') };
  const versioned = place.nodeMajor === undefined ? [] : [opt('nodejs', `node${place.nodeMajor}`, 'node_modules')];
  return { ...shared, NODE_PATH: [...versioned, opt('nodejs', 'node_modules')].join(path.delimiter) };
}

/** The absolute path of a program on fcw's own PATH (instances get no such PATH), or undefined. */
export function findProgram(name: string, searchPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
