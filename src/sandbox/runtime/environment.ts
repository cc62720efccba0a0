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
}

const SYSTEM_PATH = ['/usr/local/bin', '/usr/bin', '/bin'];

export function instanceEnvironment(target: FunctionTarget, place: EnvironmentPlace): Record<string, string> {
  const config = target.config;
  const env: Record<string, string> = {
    PATH: [path.dirname(process.execPath), ...SYSTEM_PATH].join(path.delimiter),
    HOME: place.tmpDir,
    TMPDIR: place.tmpDir,
    LANG: 'C.UTF-8',
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
  };
  if (place.port !== undefined) env.FC_SERVER_PORT = String(place.port);
  return env;
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
